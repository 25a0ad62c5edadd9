"""Stage 4, DOCX writer: WordprocessingML elements in schema order, and lengths."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from typing import TYPE_CHECKING

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Inches, Length, Mm, Pt

if TYPE_CHECKING:
    from lxml import etree

# Word rejects a file whose property children are out of order (ECMA-376 part 1,
# CT_PPrBase, CT_RPr and CT_SectPr): every property goes in through `put`.
ORDER = {
    qn("w:pPr"): (
        "pStyle",
        "keepNext",
        "keepLines",
        "pageBreakBefore",
        "framePr",
        "widowControl",
        "numPr",
        "suppressLineNumbers",
        "pBdr",
        "shd",
        "tabs",
        "suppressAutoHyphens",
        "kinsoku",
        "wordWrap",
        "overflowPunct",
        "topLinePunct",
        "autoSpaceDE",
        "autoSpaceDN",
        "bidi",
        "adjustRightInd",
        "snapToGrid",
        "spacing",
        "ind",
        "contextualSpacing",
        "mirrorIndents",
        "suppressOverlap",
        "jc",
        "textDirection",
        "textAlignment",
        "textboxTightWrap",
        "outlineLvl",
        "divId",
        "cnfStyle",
        "rPr",
        "sectPr",
        "pPrChange",
    ),
    qn("w:rPr"): (
        "rStyle",
        "rFonts",
        "b",
        "bCs",
        "i",
        "iCs",
        "caps",
        "smallCaps",
        "strike",
        "dstrike",
        "outline",
        "shadow",
        "emboss",
        "imprint",
        "noProof",
        "snapToGrid",
        "vanish",
        "webHidden",
        "color",
        "spacing",
        "w",
        "kern",
        "position",
        "sz",
        "szCs",
        "highlight",
        "u",
        "effect",
        "bdr",
        "shd",
        "fitText",
        "vertAlign",
        "rtl",
        "cs",
        "em",
        "lang",
        "eastAsianLayout",
        "specVanish",
        "oMath",
    ),
    qn("w:sectPr"): (
        "headerReference",
        "footerReference",
        "footnotePr",
        "endnotePr",
        "type",
        "pgSz",
        "pgMar",
        "paperSrc",
        "pgBorders",
        "lnNumType",
        "pgNumType",
        "cols",
        "formProt",
        "vAlign",
        "noEndnote",
        "titlePg",
        "textDirection",
        "bidi",
        "rtlGutter",
        "docGrid",
        "printerSettings",
        "sectPrChange",
    ),
    qn("w:pBdr"): ("top", "left", "bottom", "right", "between", "bar"),
    qn("w:tblPr"): (
        "tblStyle",
        "tblpPr",
        "tblOverlap",
        "bidiVisual",
        "tblStyleRowBandSize",
        "tblStyleColBandSize",
        "tblW",
        "jc",
        "tblCellSpacing",
        "tblInd",
        "tblBorders",
        "shd",
        "tblLayout",
        "tblCellMar",
        "tblLook",
    ),
}
UNITS = {"mm": Mm, "in": Inches, "pt": Pt}
LENGTH = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*(mm|cm|in|pt)\s*$")


def element(tag: str, children: Iterable[etree._Element] = (), /, **attrs: object) -> etree._Element:
    """Return a new `w:` element with `w:` attributes and children."""
    # Positional-only: any name can be an attribute (`name`), and attributes given as a mapping are no children.
    node = OxmlElement(tag, {qn(f"w:{key}"): str(value) for key, value in attrs.items()})
    for child in children:
        node.append(child)
    return node


def put(
    parent: etree._Element, name: str, children: Iterable[etree._Element] = (), /, **attrs: object
) -> etree._Element:
    """Set property `w:<name>` of a pPr, rPr, sectPr, pBdr or tblPr, replacing the old one, in schema order."""
    old = parent.find(qn(f"w:{name}"))
    if old is not None:
        parent.remove(old)
    child = element(f"w:{name}", children, **attrs)
    successors = _successors(parent.tag, name)
    for index, existing in enumerate(parent):
        if existing.tag in successors:
            parent.insert(index, child)
            break
    else:
        parent.append(child)
    return child


@cache
def _successors(parent: str, name: str) -> frozenset[str]:
    """Return the tags that come after property `name` in its parent (a few thousand `put`s per edition)."""
    order = ORDER[parent]
    return frozenset(qn(f"w:{later}") for later in order[order.index(name) + 1 :])


def length(value: str) -> Length:
    """Return a CSS length (`24mm`, `0.5in`, `6pt`, `1cm`) as a python-docx length."""
    match = LENGTH.match(str(value))
    if not match:
        raise ValueError(f"'{value}' is not a length in mm, cm, in or pt")
    number, unit = float(match.group(1)), match.group(2)
    if unit == "cm":
        number, unit = number * 10, "mm"
    return UNITS[unit](number)


def twips(value: str) -> int:
    """Return a CSS length in twentieths of a point, Word's unit for spacing and indents."""
    points: float = length(value).pt
    return round(points * 20)


def hex_colour(value: str) -> str:
    """Return a `#RRGGBB` colour as Word writes it (`RRGGBB`)."""
    return value.lstrip("#").upper()
