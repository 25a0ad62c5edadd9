"""Stage 4, writers: read facts back from a PDF's bytes (page count, fonts) without a PDF library."""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterator

_STREAM = re.compile(rb"stream\r?\n")
_PAGES = re.compile(rb"/Type\s*/Pages\b(?:(?!>>).)*?/Count\s+(\d+)", re.S)
_COUNT_FIRST = re.compile(rb"/Count\s+(\d+)(?:(?!>>).)*?/Type\s*/Pages\b", re.S)
_BASE_FONT = re.compile(rb"/BaseFont\s*/([^\s/<>\[\]()]+)")


def inflated_streams(data: bytes) -> Iterator[bytes]:
    """Yield every Flate stream of a PDF, inflated: WeasyPrint puts its dictionaries in object streams."""
    for match in _STREAM.finditer(data):
        end = data.find(b"endstream", match.end())
        try:
            yield zlib.decompress(data[match.end() : end])
        except zlib.error:
            continue


def page_count(data: bytes) -> int | None:
    """Return the page count of a PDF from its page tree root (`/Type /Pages … /Count N`).

    The root is the /Pages dictionary with the largest count; the plain bytes are searched first.
    """
    counts = [int(n) for pattern in (_PAGES, _COUNT_FIRST) for n in pattern.findall(data)]
    if not counts:
        for inflated in inflated_streams(data):
            counts += [int(n) for pattern in (_PAGES, _COUNT_FIRST) for n in pattern.findall(inflated)]
    return max(counts) if counts else None


def font_names(data: bytes) -> set[str]:
    """Return the names of the fonts a PDF embeds, without the subset tag (`ABCDEF+Noto-Sans` -> `Noto-Sans`)."""
    found = set(_BASE_FONT.findall(data))
    for inflated in inflated_streams(data):
        if b"/BaseFont" in inflated:
            found.update(_BASE_FONT.findall(inflated))
    names = {name.decode("latin-1") for name in found}
    return {name.split("+", 1)[1] if re.match(r"^[A-Z]{6}\+", name) else name for name in names}
