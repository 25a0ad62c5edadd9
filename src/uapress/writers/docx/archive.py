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
LOCAL_HEADER = 30
"""Length of a local record's fixed fields, which end with the name's and the extra field's lengths (APPNOTE 4.3.7)."""
LOCAL_SIZES, CENTRAL_SIZES = 14, 16
"""Where a local record and a central directory record hold the CRC, compressed and uncompressed sizes."""
Stamp = tuple[int, int, int, int, int, int]
"""A zip entry's time: year, month, day, hours, minutes, seconds."""


def zipped(members: list[tuple[str, bytes]], stamp: Stamp) -> bytes:
    """Return the members zipped (deflate, level 6) with entry time `stamp`: the bytes `zipfile` writes for them.

    Each member is zipped alone and its records joined: a member's local record does not depend on where
    it lies, so the fonts every edition embeds (most of a DOCX) are deflated once per process, not per file.
    """
    local, central = io.BytesIO(), io.BytesIO()
    for name, data in members:
        record, directory = (_font if name.startswith(FONTS) else _member)(name, data, stamp)
        central.write(directory[:CENTRAL_OFFSET] + struct.pack("<L", local.tell()) + directory[CENTRAL_OFFSET + 4 :])
        local.write(record)
    count = len(members)
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, count, count, central.tell(), local.tell(), 0)
    return local.getvalue() + central.getvalue() + end


def _font(name: str, data: bytes, stamp: Stamp) -> tuple[bytes, bytes]:
    """Return `_member` of an embedded font from its deflated bytes, kept for every edition whatever its name and date.

    The records of an empty member of that name and date lend their headers; only the CRC and the sizes (at
    the same place in both records, APPNOTE 4.3.7 and 4.3.12) and the data differ.
    """
    record, directory = _member(name, b"", stamp)
    sizes, stream = _deflated(data)
    header_end = LOCAL_HEADER + sum(struct.unpack("<2H", record[LOCAL_HEADER - 4 : LOCAL_HEADER]))
    return (
        record[:LOCAL_SIZES] + sizes + record[LOCAL_SIZES + 12 : header_end] + stream,
        directory[:CENTRAL_SIZES] + sizes + directory[CENTRAL_SIZES + 12 :],
    )


@lru_cache(maxsize=16)
def _deflated(data: bytes) -> tuple[bytes, bytes]:
    """Return a font's CRC and sizes, as the zip records hold them, and its deflated bytes: once per process and face."""
    record, _ = _member("font", data, (1980, 1, 1, 0, 0, 0))
    return record[LOCAL_SIZES : LOCAL_SIZES + 12], record[LOCAL_HEADER + len("font") :]


def _member(name: str, data: bytes, stamp: Stamp) -> tuple[bytes, bytes]:
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
    return raw[:start], raw[start : start + size]
