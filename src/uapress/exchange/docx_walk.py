"""Translation exchange: walk a DOCX body in document order into tokens: text, formatting, links, bookmarks, comments."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from uapress.exchange.docx_package import R, Style, W, normalised, run_flag, w
from uapress.localise.locale import reads_ltr

if TYPE_CHECKING:
    from lxml import etree

SKIPPED = {
    f"{{{W}}}{name}"
    for name in (
        "pPr",
        "rPr",
        "sectPr",
        "del",
        "moveFrom",
        "delText",
        "delInstrText",
        "proofErr",
        "permStart",
        "permEnd",
        "commentRangeEnd",
        "footnoteReference",
        "endnoteReference",
        "drawing",
        "pict",
        "object",
        "sdtPr",
        "sdtEndPr",
        "tblPr",
        "tblGrid",
        "trPr",
        "tcPr",
        "lastRenderedPageBreak",
    )
}

TRACKED = {f"{{{W}}}{name}" for name in ("ins", "del", "moveFrom", "moveTo")}

Token = (
    tuple[Literal["start"], str | None, str]  # a bookmark starts: its id and name
    | tuple[Literal["end"], str | None]  # a bookmark ends: its id
    | tuple[Literal["paragraph"], str | None]  # a paragraph starts: its style id
    | tuple[Literal["paragraph_end"]]
    | tuple[Literal["text"], str, bool, bool, str | None, bool]  # text: bold, italic, link address, fallback marker
    | tuple[Literal["comment"], str | None]  # a comment's anchor (range start or reference): its id
)
"""What the walk over the body finds, in document order."""


@dataclass
class Walk:
    """The state of one pass over the body."""

    rels: dict[str | None, str]
    """Hyperlink addresses by relationship id."""
    styles: dict[str | None, Style]
    """Styles by id."""
    tokens: list[Token] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    """Open hyperlinks, innermost last: their addresses."""
    fields: list[_Field] = field(default_factory=list)
    """Open complex fields, innermost last."""
    anchors: dict[str | None, str | None] = field(default_factory=dict)
    """Comment ids in document order, with the segment each is anchored to (None: outside every segment)."""
    tracked: int = 0
    """Tracked changes met: insertions, deletions, moves."""


@dataclass
class _Field:
    """A complex field being read (`w:fldChar` begin, instruction, separate, result, end)."""

    instruction: str = ""
    phase: str = "instruction"
    """`instruction` until its separator, then `result`."""
    link: bool = False
    """Whether it is a hyperlink whose address was pushed on the open links."""


def _style_names(walk: Walk, style_id: str | None) -> set[str]:
    """Return the normalised id and name of a style and of the styles it is based on."""
    names: set[str] = set()
    seen: set[str] = set()
    while style_id and style_id not in seen:
        seen.add(style_id)
        names.add(normalised(style_id))
        style = walk.styles.get(style_id)
        if style is None:
            break
        names.add(style.name)
        style_id = style.based_on
    return names


def own_names(walk: Walk, style_id: str | None) -> set[str]:
    """Return the normalised id and name of a style (not of those it is based on: Closing is based on Letter)."""
    style = walk.styles.get(style_id)
    return {normalised(style_id), style.name} if style else {normalised(style_id)}


def _style_flag(walk: Walk, style_id: str | None, attr: str) -> bool:
    seen: set[str] = set()
    while style_id and style_id not in seen:
        seen.add(style_id)
        style = walk.styles.get(style_id)
        if style is None:
            break
        value: bool | None = getattr(style, attr)  # `bold` or `italic`
        if value is not None:
            return value
        style_id = style.based_on
    return False


def walk_children(walk: Walk, element: etree._Element) -> None:
    for child in element:
        _element(walk, child)


def _element(walk: Walk, node: etree._Element) -> None:
    tag: object = node.tag  # a function for comments and processing instructions, whatever lxml-stubs say
    if not isinstance(tag, str):  # comments, processing instructions
        return
    if tag in TRACKED:
        walk.tracked += 1
    if tag == w("commentRangeStart"):
        walk.tokens.append(("comment", node.get(w("id"))))
    elif tag == w("bookmarkStart"):
        walk.tokens.append(("start", node.get(w("id")), node.get(w("name"), "")))
    elif tag == w("bookmarkEnd"):
        walk.tokens.append(("end", node.get(w("id"))))
    elif tag in (w("del"), w("moveFrom")):
        # Deleted text is gone once the changes are accepted, but a bookmark inside it still marks its place.
        for marker in node.iter(w("bookmarkStart"), w("bookmarkEnd")):
            _element(walk, marker)
    elif tag in SKIPPED:
        return
    elif tag == w("p"):
        style = node.find(f"{w('pPr')}/{w('pStyle')}")
        walk.tokens.append(("paragraph", style.get(w("val")) if style is not None else None))
        walk_children(walk, node)
        walk.tokens.append(("paragraph_end",))
    elif tag == w("hyperlink"):
        rid = node.get(f"{{{R}}}id")
        walk.links.append(walk.rels.get(rid, "#") if rid else "#")
        walk_children(walk, node)
        walk.links.pop()
    elif tag == w("fldSimple"):
        url = _hyperlink_field(node.get(w("instr"), ""))
        if url is not None:
            walk.links.append(url)
        walk_children(walk, node)
        if url is not None:
            walk.links.pop()
    elif tag == w("r"):
        _run(walk, node)
    else:
        # Containers that only wrap runs: ins, moveTo, smartTag, customXml, sdt/sdtContent, dir, bdo,
        # tables, rows and cells.
        walk_children(walk, node)


def _run(walk: Walk, run: etree._Element) -> None:
    r_pr = run.find(w("rPr"))
    style = r_pr.find(w("rStyle")) if r_pr is not None else None
    style_id = style.get(w("val")) if style is not None else None
    names = _style_names(walk, style_id)
    bold = _format(walk, r_pr, style_id, "b", "bold", "strong" in names)
    italic = _format(walk, r_pr, style_id, "i", "italic", "emphasis" in names)
    marker = "fallbackmarker" in names
    unresolved = "unresolvedlink" in names
    for child in run:
        tag = child.tag
        if tag == w("fldChar"):
            _field_char(walk, child.get(w("fldCharType")))
            continue
        if tag == w("commentReference"):
            walk.tokens.append(("comment", child.get(w("id"))))
            continue
        if tag == w("instrText"):
            if walk.fields and walk.fields[-1].phase == "instruction":
                walk.fields[-1].instruction += child.text or ""
            continue
        if walk.fields and walk.fields[-1].phase == "instruction":
            continue  # the field's code, not its shown result
        text = _run_text(child)
        if text is None:
            continue
        link = walk.links[-1] if walk.links else ("#" if unresolved else None)
        walk.tokens.append(("text", text, bool(bold), bool(italic), link, marker))


def _format(walk: Walk, r_pr: etree._Element | None, style_id: str | None, name: str, attr: str, by_name: bool) -> bool:
    """Tell whether a run is bold (`b`) or italic (`i`): direct formatting first, then its character style."""
    if r_pr is not None:
        direct = run_flag(r_pr, name)
        if direct is None and run_flag(r_pr, "rtl"):
            direct = run_flag(r_pr, f"{name}Cs")  # right-to-left runs show their complex-script bold and italic
        if direct is not None:
            return direct
    return _style_flag(walk, style_id, attr) or by_name


def _run_text(child: etree._Element) -> str | None:
    tag = child.tag
    if tag == w("t"):
        text = child.text or ""
        # The writer ends wholly left-to-right text in a right-to-left edition with a mark (LRM).
        if text.endswith("\u200e") and reads_ltr(text[:-1]):
            text = text[:-1]
        return text
    if tag in (w("br"), w("cr")):
        return "\n" if child.get(w("type"), "textWrapping") == "textWrapping" else " "
    if tag in (w("tab"), w("ptab")):
        return " "
    if tag == w("noBreakHyphen"):
        return "\u2011"
    return None


def _field_char(walk: Walk, kind: str | None) -> None:
    if kind == "begin":
        walk.fields.append(_Field())
    elif kind == "separate" and walk.fields:
        current = walk.fields[-1]
        current.phase = "result"
        url = _hyperlink_field(current.instruction)
        if url is not None:
            walk.links.append(url)
            current.link = True
    elif kind == "end" and walk.fields:
        if walk.fields.pop().link:
            walk.links.pop()


def _hyperlink_field(instruction: str) -> str | None:
    """Return the address of a `HYPERLINK "url"` field instruction (`\\l "anchor"` is a local link: `#`)."""
    match = re.match(r"\s*HYPERLINK\s+(.*)$", instruction, re.S | re.I)
    if not match:
        return None
    rest = match.group(1)
    if re.match(r"\\l\b", rest.strip()):
        return "#"
    found = re.search(r'"([^"]*)"', rest) or re.search(r"(\S+)", rest)
    return found.group(1) if found else "#"
