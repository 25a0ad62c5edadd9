"""Stage 4, DOCX writer: the package zipped reproducibly, each embedded font deflated once per process."""

from __future__ import annotations

import io
import struct
import zipfile
from functools import lru_cache

FONTS = "word/fonts/"
"""Where a DOCX keeps its embedded fonts."""
CENTRAL_OFFSET = 42
"""Where a central directory record holds its member's offset in the archive (APPNOTE 4.3.12)."""


def zipped(members: list[tuple[str, bytes]], stamp: tuple) -> bytes:
    """Return the members zipped (deflate, level 6) with entry time `stamp`: the bytes `zipfile` writes for them.

    Each member is zipped alone and its records joined: a member's local record does not depend on where
    it lies, so the fonts every edition embeds (most of a DOCX) are deflated once per process, not per file.
    """
    local, central = io.BytesIO(), io.BytesIO()
    for name, data in members:
        record, directory = (_font if name.startswith(FONTS) else _member)(name, data, stamp)
        central.write(directory[:CENTRAL_OFFSET] + struct.pack("<L", local.tell()) + directory[CENTRAL_OFFSET + 4:])
        local.write(record)
    count = len(members)
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, count, count, central.tell(), local.tell(), 0)
    return local.getvalue() + central.getvalue() + end


@lru_cache(maxsize=16)
def _font(name: str, data: bytes, stamp: tuple) -> tuple[bytes, bytes]:
    """Return `_member` of an embedded font, kept for the next edition (same face, same issue date)."""
    return _member(name, data, stamp)


def _member(name: str, data: bytes, stamp: tuple) -> tuple[bytes, bytes]:
    """Return a member's local record (header and deflated data) and its central directory record at offset 0."""
    one = io.BytesIO()
    with zipfile.ZipFile(one, "w") as target:
        entry = zipfile.ZipInfo(name, date_time=stamp)
        entry.compress_type = zipfile.ZIP_DEFLATED
        entry.create_system = 0
        entry.external_attr = 0
        target.writestr(entry, data, compresslevel=6)
    raw = one.getvalue()
    size, start = struct.unpack("<2L", raw[-10:-2])  # the end record: central directory's size and offset
    return raw[:start], raw[start:start + size]
