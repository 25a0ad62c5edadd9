"""Stage 4, writers: the brand's bundled fonts cut down to what an edition needs, for HTML and DOCX.

The PDF writer lets WeasyPrint subset the fonts it embeds; the HTML edition gets its WOFF2 subsets
here. The DOCX edition embeds cuts too (writers/docx/embed.py), wider ones: its translators type text
the source never had, so its cuts keep the letters of the action's languages' scripts (issue 24).
"""

from __future__ import annotations

import hashlib
import os
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from uapress.core.inputs import MAX_ASSET, read_project_file
from uapress.writers import woff2
from uapress.writers.brand import Brand

if TYPE_CHECKING:
    import uharfbuzz as hb

FACES = {"regular": (400, "normal"), "bold": (700, "normal"), "italic": (400, "italic"), "bold_italic": (700, "italic")}
"""The faces brand.yaml may name for a font role: CSS weight and style of each."""
ALWAYS = frozenset(chr(code) for code in range(0x20, 0x7F))
"""Printable ASCII: kept in every subset, so a digit or a bracket added by a stylesheet still shows."""
MAX_PARSED = 32
"""Fonts kept parsed in one process: a brand has a handful; `serve` may see a font file change many times."""
_PARSED: dict[bytes, hb.Face] = {}
"""Each font parsed once per process (a HarfBuzz face), by the sha256 of its bytes: a changed file is parsed anew."""
_READ: dict[tuple[str, int, int, int, int, int], bytes] = {}
"""The sha256 of each font file read, by its path and the file's identity (device, inode, size, modified and changed
times): a file written, replaced or linked elsewhere since is read again."""


@dataclass(frozen=True)
class Face:
    """One bundled font file: its role's family, its face, and the file."""

    role: str
    family: str
    face: str
    path: Path

    @property
    def weight(self) -> int:
        """Return the CSS weight of the face."""
        return FACES[self.face][0]

    @property
    def style(self) -> str:
        """Return the CSS style of the face (`normal`, `italic`)."""
        return FACES[self.face][1]


def faces(brand: Brand) -> list[Face]:
    """Return every bundled face of the brand, role by role."""
    return [
        Face(role, brand.family(role), face, brand.font_file(role, face))
        for role, spec in brand.fonts.items()
        for face in FACES
        if face in spec
    ]


def characters(text: str) -> frozenset[str]:
    """Return the characters a subset needs to show `text`, in upper and lower case (CSS and Word change case)."""
    found = set(ALWAYS)
    for char in set(text):
        found.update((char, char.upper(), char.lower()))
    return frozenset(c for c in found if len(c) == 1 and unicodedata.category(c)[0] not in "C")


def covers(face: Face, chars: frozenset[str]) -> bool:
    """Tell whether the face draws any letter of `chars` (an Arabic face in a Latin edition draws none)."""
    codes = _PARSED[_load(face.path)].unicodes
    return any(ord(c) in codes for c in chars if unicodedata.category(c).startswith("L"))


def drawn(path: Path) -> frozenset[int]:
    """Return the code points a bundled font file has glyphs for."""
    return frozenset(_PARSED[_load(path)].unicodes)


def subset(face: Face, chars: frozenset[str], flavor: str | None = None) -> bytes:
    """Return the face cut to `chars` (with what its shaping rules reach), as TrueType or `woff2`."""
    return _subset(_load(face.path), chars, flavor)


@lru_cache(maxsize=64)
def _subset(key: bytes, chars: frozenset[str], flavor: str | None) -> bytes:
    # Kept in memory only: a cut font read back from outside the project could be stale or damaged and would
    # then be published as good (issue 10); within one process the editions of a language share their cuts.
    font = cut(_PARSED[key], chars)
    return woff2.encode(font) if flavor == "woff2" else font


def cut(face: hb.Face, chars: frozenset[str]) -> bytes:
    """Return a HarfBuzz face cut to `chars`, as TrueType, with the glyphs its shaping rules reach from them."""
    import uharfbuzz as hb

    # HarfBuzz's subsetter takes a few milliseconds where fontTools' took a quarter of a second (issue 13), and
    # keeps the layout features browsers apply by default (Arabic joining forms, ligatures, marks).
    request = hb.SubsetInput()
    request.unicode_set.update(ord(c) for c in chars)
    request.flags = hb.SubsetFlags.NO_HINTING | hb.SubsetFlags.NOTDEF_OUTLINE  # screens and Word hint on their own
    # Every name, in every language: the family, the copyright and the licence stay with the font. (An inverted
    # set would read as "all" but HarfBuzz 15 then keeps none.)
    request.sets(hb.SubsetInputSets.NAME_ID).add_range(0, 0x7FFF)
    request.sets(hb.SubsetInputSets.NAME_LANG_ID).add_range(0, 0xFFFF)
    data: bytes = hb.subset(face, request).blob.data
    return data


def _load(path: Path) -> bytes:
    """Return the sha256 of a bundled font file, parsing the font when these bytes are new to the process."""
    # Read once per process while the file stays the same (issue 24): read and hashed for every subset and every
    # coverage question, the brand's fonts (some 0.5 MB each) were read 173 times in a sample build.
    try:
        found = os.stat(path)  # through links, as the read: a link pointed elsewhere is another file
        identity = (str(path), found.st_dev, found.st_ino, found.st_size, found.st_mtime_ns, found.st_ctime_ns)
    except OSError:
        identity = None  # the read says why
    known = _READ.get(identity) if identity else None
    if known is not None and known in _PARSED:
        return known
    data = read_project_file(path, MAX_ASSET)
    key = hashlib.sha256(data).digest()
    if identity is not None:
        if len(_READ) >= MAX_PARSED:
            _READ.clear()
        _READ[identity] = key
    if key not in _PARSED:
        import uharfbuzz as hb

        if len(_PARSED) >= MAX_PARSED:
            _PARSED.clear()
        _PARSED[key] = hb.Face(hb.Blob(data))
    return key
