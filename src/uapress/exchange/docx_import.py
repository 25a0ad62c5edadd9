"""Translation exchange: read the translated text of every bookmarked segment of a DOCX edition.

The DOCX writer wraps each translatable block in a Word bookmark named by its segment id. Word
and LibreOffice keep bookmarks (name and extent) through editing and re-saving, but split and
merge runs, rename styles (LibreOffice's "Hyperlink" style becomes "InternetLink") and drop
content controls. So the reader walks the body in document order, keeping only what carries
meaning: text, hard breaks, bold and italic (direct or through a character style), links
(`w:hyperlink` or a HYPERLINK field) and where each bookmark starts and ends.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Literal

from uapress.core.counts import plural
from uapress.core.safety import ExchangeError, Package, open_zip
from uapress.exchange.markup import Chunk, to_markdown
from uapress.exchange.received import Received, Unit, WordComment
from uapress.localise.locale import reads_ltr

if TYPE_CHECKING:
    from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE_DOCUMENT = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument",
    "http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument",
)
SEGMENT_ID = re.compile(r"^ua_[0-9a-f]{6,37}$")
"""Bookmark names the writer gives (`segment_id`); Word adds its own (`_GoBack`, `_Hlk…`), ignored."""
OFF = {"0", "false", "off", "none"}
SEGMENT_STYLES = {"title", "body", "letter", "salutation", "listbullet", "listnumber", "quote"}
"""Paragraph styles the writer uses only for segments: such a paragraph with no bookmark was typed in."""
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


def w(name: str) -> str:
    """Return the Clark name of a WordprocessingML element or attribute."""
    return f"{{{W}}}{name}"


@dataclass
class _Style:
    name: str
    based_on: str | None
    bold: bool | None
    italic: bool | None


@dataclass
class _Walk:
    """The state of one pass over the body."""

    rels: dict[str | None, str]
    """Hyperlink addresses by relationship id."""
    styles: dict[str | None, _Style]
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


CUSTOM_LANGUAGE, CUSTOM_ACTION = "uapress-language", "uapress-action"
"""The custom properties the DOCX writer names the edition's language and action with (writers/docx/parts.py)."""


def read_docx(path: Path) -> Received:
    """Return the text of every bookmarked segment of a DOCX, as Markdown."""
    package = open_zip(path, "DOCX")
    main = _main_part(package)
    document = package.xml(main)
    if document.tag != w("document"):
        raise ExchangeError(f"{path.name} is not a Word document: its main part is <{document.tag}>")
    body = document.find(w("body"))
    if body is None:
        raise ExchangeError(f"{path.name} is not a Word document: it has no body")
    walk = _Walk(_relationships(package, main), _styles(package, main))
    _children(walk, body)
    received = _segments(path, walk)
    received.tracked = walk.tracked
    received.comments = _comments(package, main, walk)
    properties = _custom_properties(package)
    received.edition_lang = properties.get(CUSTOM_LANGUAGE) or _core_language(package)
    # The writer names the action (issue 19): bookmark overlap only guesses it, and guesses wrong once
    # a follow-up shares most of its original's segments.
    received.action = properties.get(CUSTOM_ACTION) or None
    return received


def _comments(package: Package, main: str, walk: _Walk) -> list[WordComment]:
    """Return the Word comments (`comments.xml`, as the main part's relationships name it) in document order."""
    part = str(PurePosixPath(main).parent / "comments.xml")
    rels = _rels_name(main)
    if package.has(rels):
        for rel in package.xml(rels).iter(f"{{{PKG_REL}}}Relationship"):
            target = rel.get("Target", "")
            if rel.get("Type", "").endswith("/comments") and target:
                part = target.lstrip("/") if target.startswith("/") else str(PurePosixPath(main).parent / target)
    if not package.has(part):
        return []
    by_id: dict[str | None, WordComment] = {}
    for node in package.xml(part).iter(w("comment")):
        paragraphs = [
            "".join(t.text or "" for t in p.iter(w("t"))).strip() for p in node.iter(w("p"))
        ]  # lxml-stubs aside, iter() with a tag gives elements
        text = " ".join(piece for piece in paragraphs if piece)
        if text:
            by_id[node.get(w("id"))] = WordComment(text, node.get(w("author"), ""), node.get(w("date"), "")[:10])
    out = []
    for mark, segment in walk.anchors.items():
        found = by_id.pop(mark, None)
        if found is not None:
            found.segment = segment
            out.append(found)
    return out + list(by_id.values())  # comments whose anchor was deleted: outside every segment


def _custom_properties(package: Package) -> dict[str, str]:
    """Return the custom document properties (`docProps/custom.xml`) by name; LibreOffice keeps them."""
    custom = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
    out: dict[str, str] = {}
    if package.has("docProps/custom.xml"):
        for prop in package.xml("docProps/custom.xml").iter(f"{{{custom}}}property"):
            name = prop.get("name")
            # lxml-stubs say itertext() may give bytes; lxml gives str.
            value = "".join(prop.itertext()).strip()  # type: ignore[arg-type]
            if name and value:
                out.setdefault(name, value)
    return out


def _core_language(package: Package) -> str | None:
    """Return the language of the core properties, which files not written by uapress may carry."""
    if package.has("docProps/core.xml"):
        found = package.xml("docProps/core.xml").find("{http://purl.org/dc/elements/1.1/}language")
        if found is not None and (found.text or "").strip():
            return (found.text or "").strip()
    return None


def _main_part(package: Package) -> str:
    """Return the name of the main document part, as the package relationships give it."""
    if package.has("_rels/.rels"):
        for rel in package.xml("_rels/.rels").iter(f"{{{PKG_REL}}}Relationship"):
            if rel.get("Type") in OFFICE_DOCUMENT:
                target = rel.get("Target", "").lstrip("/")
                if package.has(target):
                    return target
    if package.has("word/document.xml"):
        return "word/document.xml"
    what = "an OpenDocument file (save it as .docx)" if package.has("mimetype") else "a zip with no Word document in it"
    raise ExchangeError(f"{package.path.name} is not a DOCX file: it is {what}")


def _rels_name(part: str) -> str:
    pure = PurePosixPath(part)
    return str(pure.parent / "_rels" / f"{pure.name}.rels")


def _relationships(package: Package, main: str) -> dict[str | None, str]:
    """Return the hyperlink addresses of the main part by relationship id."""
    name = _rels_name(main)
    if not package.has(name):
        return {}
    out = {}
    for rel in package.xml(name).iter(f"{{{PKG_REL}}}Relationship"):
        if rel.get("Type", "").endswith("/hyperlink"):
            out[rel.get("Id")] = rel.get("Target", "")
    return out


def _styles(package: Package, main: str) -> dict[str | None, _Style]:
    """Return the document's styles by id: name, parent, and whether they set bold or italic."""
    name = str(PurePosixPath(main).parent / "styles.xml")
    if not package.has(name):
        return {}
    out = {}
    for style in package.xml(name).iter(w("style")):
        style_id = style.get(w("styleId"))
        label = style.find(w("name"))
        based = style.find(w("basedOn"))
        r_pr = style.find(w("rPr"))
        out[style_id] = _Style(
            _norm(label.get(w("val")) if label is not None else style_id),
            based.get(w("val")) if based is not None else None,
            _flag(r_pr, "b") if r_pr is not None else None,
            _flag(r_pr, "i") if r_pr is not None else None,
        )
    return out


def _norm(name: str | None) -> str:
    return re.sub(r"[\s_-]", "", (name or "").lower())


def _flag(r_pr: etree._Element, name: str) -> bool | None:
    node = r_pr.find(w(name))
    if node is None:
        return None
    return node.get(w("val"), "1").lower() not in OFF


def _style_names(walk: _Walk, style_id: str | None) -> set[str]:
    """Return the normalised id and name of a style and of the styles it is based on."""
    names: set[str] = set()
    seen: set[str] = set()
    while style_id and style_id not in seen:
        seen.add(style_id)
        names.add(_norm(style_id))
        style = walk.styles.get(style_id)
        if style is None:
            break
        names.add(style.name)
        style_id = style.based_on
    return names


def _own_names(walk: _Walk, style_id: str | None) -> set[str]:
    """Return the normalised id and name of a style (not of those it is based on: Closing is based on Letter)."""
    style = walk.styles.get(style_id)
    return {_norm(style_id), style.name} if style else {_norm(style_id)}


def _style_flag(walk: _Walk, style_id: str | None, attr: str) -> bool:
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


# --- the walk: body -> tokens ---------------------------------------------------------------


def _children(walk: _Walk, element: etree._Element) -> None:
    for child in element:
        _element(walk, child)


def _element(walk: _Walk, node: etree._Element) -> None:
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
        _children(walk, node)
        walk.tokens.append(("paragraph_end",))
    elif tag == w("hyperlink"):
        rid = node.get(f"{{{R}}}id")
        walk.links.append(walk.rels.get(rid, "#") if rid else "#")
        _children(walk, node)
        walk.links.pop()
    elif tag == w("fldSimple"):
        url = _hyperlink_field(node.get(w("instr"), ""))
        if url is not None:
            walk.links.append(url)
        _children(walk, node)
        if url is not None:
            walk.links.pop()
    elif tag == w("r"):
        _run(walk, node)
    else:
        # Containers that only wrap runs: ins, moveTo, smartTag, customXml, sdt/sdtContent, dir, bdo,
        # tables, rows and cells.
        _children(walk, node)


def _run(walk: _Walk, run: etree._Element) -> None:
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


def _format(
    walk: _Walk, r_pr: etree._Element | None, style_id: str | None, name: str, attr: str, by_name: bool
) -> bool:
    """Tell whether a run is bold (`b`) or italic (`i`): direct formatting first, then its character style."""
    if r_pr is not None:
        direct = _flag(r_pr, name)
        if direct is None and _flag(r_pr, "rtl"):
            direct = _flag(r_pr, f"{name}Cs")  # right-to-left runs show their complex-script bold and italic
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


def _field_char(walk: _Walk, kind: str | None) -> None:
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


# --- tokens -> segments ---------------------------------------------------------------------


@dataclass
class _Open:
    name: str
    chunks: list[Chunk] = field(default_factory=list)
    paragraphs: int = 1


def _segments(path: Path, walk: _Walk) -> Received:
    received = Received(path, "DOCX")
    open_by_id: dict[str | None, _Open] = {}
    done: dict[str, _Open] = {}
    names_seen: dict[str, bool] = {}
    style: str | None = None
    touched = False  # the current paragraph has a bookmark in it
    loose: list[str] = []  # text of the current paragraph outside any bookmark
    for token in walk.tokens:
        # Compared through the token itself, so that mypy knows the shape of each kind.
        if token[0] == "start":
            _, mark_id, name = token
            if not SEGMENT_ID.match(name or ""):
                continue
            touched = True
            if name in names_seen:
                received.notes.append(f"bookmark {name} appears twice; the first one is read")
                continue
            names_seen[name] = True
            open_by_id[mark_id] = _Open(name)
        elif token[0] == "end":
            opened = open_by_id.pop(token[1], None)
            if opened is not None:
                touched = True
                done[opened.name] = opened
        elif token[0] == "comment":
            # A comment belongs to the innermost segment open at its anchor: the range start, or else the
            # reference mark (Word puts both; a comment typed at a caret has only the reference).
            if open_by_id and walk.anchors.get(token[1]) is None:
                walk.anchors[token[1]] = list(open_by_id.values())[-1].name
            else:
                walk.anchors.setdefault(token[1], None)
        elif token[0] == "paragraph":
            style, touched, loose = token[1], bool(open_by_id), []
            for opened in open_by_id.values():
                if opened.chunks:
                    opened.paragraphs += 1
                    opened.chunks.append(Chunk(" "))
        elif token[0] == "paragraph_end":
            text = "".join(loose).strip()
            if text and not touched and _own_names(walk, style) & SEGMENT_STYLES:
                received.outside.append(text)
        elif token[0] == "text":
            _, text, bold, italic, link, marker = token
            if marker:
                continue  # "not yet translated": the writer's label, never the translation
            if open_by_id:
                for opened in open_by_id.values():
                    opened.chunks.append(Chunk(text, bold, italic, link))
            else:
                loose.append(text)
    for opened in open_by_id.values():  # a start without an end: read to the end of the document
        done.setdefault(opened.name, opened)
        received.notes.append(f"bookmark {opened.name} has no end; read to the end of the document")
    if walk.tracked:
        received.notes.append(
            f"the file has {plural(walk.tracked, 'tracked change')}: read as if they were all accepted"
        )
    for name in names_seen:
        opened = done[name]
        text, exact = to_markdown(opened.chunks)
        unit = Unit(name, text)
        if not exact:
            unit.problem = "its formatting cannot be written exactly in Markdown"
        if opened.paragraphs > 1:
            unit.note = f"spans {opened.paragraphs} paragraphs in the file; joined into one"
        received.units.append(unit)
    return received
