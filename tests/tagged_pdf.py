"""Read a tagged PDF as a screen reader does: block by block from the structure tree, each in logical order.

Copy, search and assistive technology take a tagged PDF's text from its structure tree: each block
(P, H1, LI…) owns marked-content sequences (MCIDs) in the pages' content streams, whose glyphs read
as their ToUnicode text or, inside an /ActualText span, as that text (PDF 32000-1, 14.7 and 14.9.4).
A content stream draws right-to-left text in visual order; a reader puts it back in logical order
(Unicode bidi rule L2). Here a line's runs are the stretches the PDF sets in one font (WeasyPrint
changes font where Pango starts a new script run): a run holding Arabic letters is read backwards,
its digits forwards, and the runs of a right-to-left line are read from right to left.

pdftotext and pdfium order by position instead: a raised vowel mark lands on a line of its own and
a Latin name splits its Arabic line, so their output is no measure of the text layer's order.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from pdfminer.pdfdevice import PDFDevice
from pdfminer.pdfdocument import PDFDocument
from pdfminer.pdffont import PDFUnicodeNotDefined
from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFParser
from pdfminer.pdftypes import resolve1
from pdfminer.psparser import PSLiteral
from pdfminer.utils import decode_text

# Structure types that sit inside a block's text; every other type with content is a block of its own.
INLINE = {"Span", "Link", "Quote", "Note", "Reference", "BibEntry", "Code", "Em", "Strong", "Annot", "Lbl"}


@dataclass
class Run:
    """Glyphs a content stream shows in one font, in its order: each glyph's text, or one /ActualText."""

    units: list[str] = field(default_factory=list)
    actual: bool = False


class _Recorder(PDFDevice):
    """Collect, per marked-content id of a page, its runs of glyph texts in content-stream order."""

    def __init__(self, rsrcmgr):
        super().__init__(rsrcmgr)
        self.sequences: dict[int, list[Run]] = {}
        self._marks: list[dict] = []
        self._font = None

    def begin_page(self, page, ctm):
        self.sequences, self._marks, self._font = {}, [], None

    def begin_tag(self, tag: PSLiteral, props=None):
        props = resolve1(props) if props is not None else {}
        props = props if isinstance(props, dict) else {}
        self._marks.append(props)
        if "ActualText" in props and not any("ActualText" in m for m in self._marks[:-1]):
            self._runs().append(Run([decode_text(props["ActualText"])], actual=True))
            self._font = None

    def end_tag(self):
        if self._marks:
            self._marks.pop()
        self._font = None

    def _mcid(self) -> int | None:
        return next((m["MCID"] for m in reversed(self._marks) if "MCID" in m), None)

    def _runs(self) -> list[Run]:
        return self.sequences.setdefault(self._mcid(), [])

    def render_string(self, textstate, seq, ncs, graphicstate):
        if any("ActualText" in m for m in self._marks):
            return  # the span's text stands for its glyphs
        font = textstate.font
        runs = self._runs()
        if font is not self._font or not runs or runs[-1].actual:
            runs.append(Run())
            self._font = font
        for item in seq:
            if isinstance(item, (bytes, str)):
                for cid in font.decode(item if isinstance(item, bytes) else item.encode("latin-1")):
                    try:
                        runs[-1].units.append(font.to_unichr(cid))
                    except PDFUnicodeNotDefined:
                        runs[-1].units.append("")


def _rtl(text: str) -> bool:
    return any(unicodedata.bidirectional(c) in ("R", "AL") for c in text)


def _reading(run: Run) -> str:
    """Return a right-to-left run in logical order: glyphs backwards, numbers within it forwards."""
    if run.actual:
        return run.units[0]
    text, digits = [], []
    for unit in reversed(run.units):
        if unit and all(unicodedata.bidirectional(c) in ("EN", "AN") for c in unit):
            digits.append(unit)
            continue
        if digits and unit and all(unicodedata.bidirectional(c) in ("CS", "ES", "ET") for c in unit):
            digits.append(unit)  # a separator between digits ("1.000", "19/01") may belong to the number
            continue
        text += _flush(digits) + [unit]
    return "".join(text + _flush(digits))


def _flush(digits: list[str]) -> list[str]:
    tail = []
    while digits and not all(unicodedata.bidirectional(c) in ("EN", "AN") for c in digits[-1]):
        tail.insert(0, digits.pop())  # a trailing separator is punctuation, not part of the number
    out = digits[::-1] + tail
    digits.clear()
    return out


def _direction(run: Run) -> str:
    """Return a run's bidi class: "R" (it holds Arabic letters), "L" (Latin letters or digits) or "N" (neutrals only)."""
    text = "".join(run.units)
    if _rtl(text):
        return "R"
    return "L" if any(unicodedata.bidirectional(c) in ("L", "EN", "AN") for c in text) else "N"


def line_text(runs: list[Run], rtl: bool) -> str:
    """Return one marked-content sequence's text in logical order, in a paragraph of direction `rtl`."""
    if not rtl:
        return "".join(_reading(run) if _direction(run) == "R" else "".join(run.units) for run in runs)
    kinds = [_direction(run) for run in runs]
    strong = [kind for kind in kinds if kind != "N"]
    # Neutrals between two left-to-right runs read with them (bidi rule N1), others with the line (N2).
    seen = 0
    for index, kind in enumerate(kinds):
        if kind != "N":
            seen += 1
        elif 0 < seen < len(strong) and strong[seen - 1] == strong[seen] == "L":
            kinds[index] = "L"
    groups: list[tuple[str, list[str]]] = []
    for run, kind in zip(runs, kinds):
        if kind == "L" and groups and groups[-1][0] == "L":
            groups[-1][1].append("".join(run.units))  # a left-to-right stretch keeps its order
        else:
            groups.append((kind, ["".join(run.units)] if kind == "L" else [_reading(run)]))
    return "".join("".join(parts) for _kind, parts in reversed(groups))


def _name(value) -> str:
    value = resolve1(value)
    return value.name if isinstance(value, PSLiteral) else str(value)


def blocks(path: Path) -> list[tuple[str, str]]:
    """Return the PDF's blocks in structure order, as (structure type, text in logical order)."""
    with open(path, "rb") as handle:
        document = PDFDocument(PDFParser(handle))
        resources = PDFResourceManager()
        recorder = _Recorder(resources)
        interpreter = PDFPageInterpreter(resources, recorder)
        content: dict[int, dict[int, list[Run]]] = {}
        for page in PDFPage.create_pages(document):
            interpreter.process_page(page)
            content[page.pageid] = recorder.sequences
        root = resolve1(document.catalog["StructTreeRoot"])
        role_map = {k: _name(v) for k, v in (resolve1(root.get("RoleMap")) or {}).items()}
        found: list[tuple[str, list]] = []

        def visit(node, page, block):
            if isinstance(node, int):
                block[1].append(content.get(page, {}).get(node, []))
                return
            node = resolve1(node)
            if isinstance(node, list):
                for child in node:
                    visit(child, page, block)
                return
            if not isinstance(node, dict):
                return
            page = getattr(node.get("Pg"), "objid", page)
            if _name(node.get("Type", "")) == "MCR":
                block[1].append(content.get(page, {}).get(node["MCID"], []))
                return
            if _name(node.get("Type", "")) == "OBJR" or "S" not in node:
                return
            kind = _name(node["S"])
            kind = role_map.get(kind, kind)
            if block is not None and (kind in INLINE or kind == "NonStruct"):
                # Within a block, a span or WeasyPrint's NonStruct (a <strong> label) is part of its text.
                visit(node.get("K"), page, block)
                return
            own = (kind, [])
            found.append(own)
            visit(node.get("K"), page, own)

        visit(root.get("K"), None, None)
    result = []
    for kind, lines in found:
        if not lines:
            continue
        rtl = any(_direction(run) == "R" for runs in lines for run in runs)
        result.append((kind, " ".join(line_text(runs, rtl) for runs in lines)))
    return result
