"""Stage 4, writers: the brand's bundled fonts cut down to what an edition needs, for HTML and DOCX.

The PDF writer lets WeasyPrint subset the fonts it embeds; the HTML edition (WOFF2 in its
stylesheet) and the DOCX edition (Word's embedded fonts) get their subsets here.
"""

from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..brand import Brand
from ..inputs import MAX_ASSET, read_project_file

FACES = {"regular": (400, "normal"), "bold": (700, "normal"), "italic": (400, "italic"),
         "bold_italic": (700, "italic")}
"""The faces brand.yaml may name for a font role: CSS weight and style of each."""
ALWAYS = frozenset(chr(code) for code in range(0x20, 0x7F))
"""Printable ASCII: kept in every subset, so a digit or a bracket added by a stylesheet still shows."""
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
    return [Face(role, brand.family(role), face, brand.font_file(role, face))
            for role, spec in brand.fonts.items() for face in FACES if face in spec]


def characters(text: str) -> frozenset:
    """Return the characters a subset needs to show `text`, in upper and lower case (CSS and Word change case)."""
    found = set(ALWAYS)
    for char in set(text):
        found.update((char, char.upper(), char.lower()))
    return frozenset(c for c in found if len(c) == 1 and unicodedata.category(c)[0] not in "C")


def covers(face: Face, chars: frozenset) -> bool:
    """Tell whether the face draws any letter of `chars` (an Arabic face in a Latin edition draws none)."""
    cmap = _cmap(face.path)
    return any(ord(c) in cmap for c in chars if unicodedata.category(c).startswith("L"))


def subset(face: Face, chars: frozenset, flavor: str | None = None) -> bytes:
    """Return the face cut to `chars` (with what its shaping rules reach), as TrueType or `woff2`."""
    return _subset(face.path, chars, flavor)


@lru_cache(maxsize=64)
def _subset(path: Path, chars: frozenset, flavor: str | None) -> bytes:
    # Kept in memory only: a cut font read back from outside the project could be stale or damaged and would
    # then be published as good (issue 10); within one process the editions of a language share their cuts.
    return _cut(read_project_file(path, MAX_ASSET), chars, flavor)


def _cut(data: bytes, chars: frozenset, flavor: str | None) -> bytes:
    from fontTools import subset as fonttools_subset
    from fontTools.ttLib import TTFont

    # recalcTimestamp=False keeps the file's own date: equal inputs give equal bytes.
    font = TTFont(io.BytesIO(data), recalcTimestamp=False, lazy=True)
    options = fonttools_subset.Options()
    options.hinting = False  # screens and Word hint on their own; the instructions are most of the size
    options.notdef_outline = True
    options.name_IDs = ["*"]  # keep the family and licence names: Word finds an embedded font by its name
    options.name_languages = ["*"]
    subsetter = fonttools_subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(ord(c) for c in chars))
    subsetter.subset(font)
    font.flavor = flavor
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


@lru_cache(maxsize=16)
def _cmap(path: Path) -> frozenset:
    from fontTools.ttLib import TTFont

    return frozenset(TTFont(path, lazy=True).getBestCmap())
