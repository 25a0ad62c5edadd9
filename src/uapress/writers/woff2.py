"""Stage 4, writers: a TrueType font wrapped as WOFF2 with its tables as they are, for the HTML edition.

WOFF2 (W3C Recommendation, 2024) stores the tables of a font in one Brotli stream behind a short
directory. Its glyf transform saves some 15 % more but costs ten times the time of the whole cut
in Python (issue 13), so every table here takes the null transform: the font a browser reads
back is the font given, byte for byte.
"""

from __future__ import annotations

import struct

QUALITY = 8
"""Brotli quality of the stream: 9 and above cost five to ten times the time for 1-4 % fewer bytes (issue 13)."""
KNOWN_TAGS = (
    b"cmap",
    b"head",
    b"hhea",
    b"hmtx",
    b"maxp",
    b"name",
    b"OS/2",
    b"post",
    b"cvt ",
    b"fpgm",
    b"glyf",
    b"loca",
    b"prep",
    b"CFF ",
    b"VORG",
    b"EBDT",
    b"EBLC",
    b"gasp",
    b"hdmx",
    b"kern",
    b"LTSH",
    b"PCLT",
    b"VDMX",
    b"vhea",
    b"vmtx",
    b"BASE",
    b"GDEF",
    b"GPOS",
    b"GSUB",
    b"EBSC",
    b"JSTF",
    b"MATH",
    b"CBDT",
    b"CBLC",
    b"COLR",
    b"CPAL",
    b"SVG ",
    b"sbix",
    b"acnt",
    b"avar",
    b"bdat",
    b"bloc",
    b"bsln",
    b"cvar",
    b"fdsc",
    b"feat",
    b"fmtx",
    b"fvar",
    b"gvar",
    b"hsty",
    b"just",
    b"lcar",
    b"mort",
    b"morx",
    b"opbd",
    b"prop",
    b"trak",
    b"Zapf",
    b"Silf",
    b"Glat",
    b"Gloc",
    b"Feat",
    b"Sill",
)
"""The tags a table directory entry names by their index (WOFF2, table directory); any other tag is written out (index 63)."""
NULL_TRANSFORM = {b"glyf": 3, b"loca": 3}
"""The transform version that leaves a table as it is: 3 for glyf and loca, 0 for every other table (WOFF2, transformations)."""
HEADER = ">4sIIHHIIHHIIIII"
"""The 48-byte WOFF2 header."""


def encode(font: bytes) -> bytes:
    """Return a TrueType font as WOFF2, its tables in tag order in one Brotli stream."""
    import brotli

    flavor, count = struct.unpack(">IH", font[:6])
    entries = sorted(struct.unpack(">4sIII", font[12 + 16 * index : 28 + 16 * index]) for index in range(count))
    directory, stream = bytearray(), bytearray()
    for tag, _checksum, offset, length in entries:
        index = KNOWN_TAGS.index(tag) if tag in KNOWN_TAGS else 63
        directory += bytes([index | NULL_TRANSFORM.get(tag, 0) << 6]) + (tag if index == 63 else b"") + _base128(length)
        stream += font[offset : offset + length]
    compressed: bytes = brotli.compress(bytes(stream), mode=brotli.MODE_FONT, quality=QUALITY)
    sfnt_size = 12 + 16 * count + sum((length + 3) & ~3 for *_, length in entries)
    size = struct.calcsize(HEADER) + len(directory) + len(compressed)
    padded = (size + 3) & ~3
    head = next(font[offset : offset + length] for tag, _, offset, length in entries if tag == b"head")
    major, minor = struct.unpack(">HH", head[4:8])  # the font's revision, as WOFF 1.0 and fontTools give it
    header = struct.pack(
        HEADER, b"wOF2", flavor, padded, count, 0, sfnt_size, len(compressed), major, minor, 0, 0, 0, 0, 0
    )
    return header + bytes(directory) + compressed + b"\0" * (padded - size)


def _base128(number: int) -> bytes:
    """Return `number` as a UIntBase128, the shortest way (WOFF2, data types)."""
    out = [number & 0x7F]
    number >>= 7
    while number:
        out.append(0x80 | number & 0x7F)
        number >>= 7
    return bytes(reversed(out))
