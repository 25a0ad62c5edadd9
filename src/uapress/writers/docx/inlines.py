"""Stage 4, DOCX writer: one handler per inline node, each appending runs to a paragraph or link."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, Literal

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn

from uapress.core.nodes import Emphasis, Inline, LineBreak, Link, Segment, SegmentSpan, Strong, Text
from uapress.model.typography import NARROW_NBSP, NBSP
from uapress.writers.docx.context import Format, Output, script_runs, word_language
from uapress.writers.docx.ooxml import element, put

if TYPE_CHECKING:
    from lxml import etree


def inlines(out: Output, container: etree._Element, nodes: Iterable[Inline], fmt: Format) -> None:
    """Append the runs of `nodes` to `container` (a `w:p` or `w:hyperlink`)."""
    for node in nodes:
        HANDLERS[type(node)](out, container, node, fmt)


def text(out: Output, container: etree._Element, node: Text, fmt: Format) -> None:
    """Append plain text, split where the writing direction changes."""
    run(out, container, node.text.replace("\n", " "), fmt)


def emphasis(out: Output, container: etree._Element, node: Emphasis, fmt: Format) -> None:
    """Append italic inlines."""
    inlines(out, container, node.children, fmt.but(italic=True))


def strong(out: Output, container: etree._Element, node: Strong, fmt: Format) -> None:
    """Append bold inlines, in the paragraph's character style for them when it has one (a fact's label)."""
    style = _style_id(out, fmt.strong_style) if fmt.strong_style else fmt.char_style
    inlines(out, container, node.children, fmt.but(bold=True, char_style=style))


def link(out: Output, container: etree._Element, node: Link, fmt: Format) -> None:
    """Append a real hyperlink, or plain marked text when the address is not known yet."""
    if not node.resolved:
        # A `#` link would be a dead click: show the words, marked, without a target.
        inlines(out, container, node.children, fmt.but(char_style=_style_id(out, "Unresolved Link")))
        return
    if not node.safe:  # issue 25: never a live javascript: or data: link, whatever lets one through
        inlines(out, container, node.children, fmt)
        return
    # python-docx reads hyperlinks but cannot write them: relate the URL to the part ourselves.
    rid = out.word.part.relate_to(node.url, RT.HYPERLINK, is_external=True)
    hyperlink = element("w:hyperlink", history="1")
    hyperlink.set(qn("r:id"), rid)
    container.append(hyperlink)
    inlines(out, hyperlink, node.children, fmt.but(char_style=_style_id(out, "Hyperlink")))


def line_break(out: Output, container: etree._Element, node: LineBreak, fmt: Format) -> None:
    """Append a hard line break."""
    container.append(element("w:r", [element("w:br")]))


def segment_span(out: Output, container: etree._Element, node: SegmentSpan, fmt: Format) -> None:
    """Append a translatable segment inside a larger paragraph, bookmarked by its id."""
    span_fmt = out.format_for(node.lang).but(bold=fmt.bold, italic=fmt.italic, char_style=fmt.char_style)
    if node.segment.fallback:
        fallback_marker(out, container, node.segment, trailing=" ")
    with bookmark(out, container, node.segment.id):
        inlines(out, container, node.children, span_fmt)


def run(out: Output, container: etree._Element, value: str, fmt: Format) -> None:
    """Append `value` as runs in `fmt`, one per stretch of one writing direction.

    Issue 20: LibreOffice cuts a left-to-right run of a right-to-left paragraph inside a word when the run
    holds a U+00A0 ("Kennedy Tejad|a"), and honours U+202F: names bound in Latin runs of Arabic text take it.
    """
    latin = out.brand.family(out.spec["defaults"]["font"])
    for chunk, rtl in script_runs(value, fmt.rtl):
        for piece, undrawn in out.undrawn_runs(chunk) if rtl else [(chunk, False)]:
            r_pr = element("w:rPr")
            if fmt.char_style:
                put(r_pr, "rStyle", val=fmt.char_style)
            if undrawn:
                put(r_pr, "rFonts", cs=latin)  # issue 20: what the Arabic face lacks, in the Latin one
            for flag, names in ((fmt.bold, ("b", "bCs")), (fmt.italic, ("i", "iCs"))):
                if flag:
                    for name in names:
                        put(r_pr, name)
            if rtl:
                put(r_pr, "rtl")
            if rtl or fmt.lang != out.meta.lang:
                lang = word_language(fmt.lang)
                put(r_pr, "lang", **({"val": lang, "bidi": lang} if rtl else {"val": lang}))
            elif out.rtl:
                # Issue 11: a Latin name or address in a right-to-left edition is not Arabic to a spelling checker.
                put(r_pr, "lang", val=word_language(out.latin_lang))
            t = element("w:t")
            t.text = piece.replace(NBSP, NARROW_NBSP) if fmt.rtl and not rtl else piece
            t.set(qn("xml:space"), "preserve")
            container.append(element("w:r", [r_pr, t] if len(r_pr) else [t]))


def fallback_marker(out: Output, container: etree._Element, segment: Segment, trailing: str | None = None) -> None:
    """Append the visible "not translated yet" marker, outside the segment's bookmark."""
    key = "fuzzy" if segment.status == "fuzzy" else "untranslated"
    style = _style_id(out, out.spec["fallback"]["marker_style"])
    fmt = out.format_for(None).but(char_style=style)
    run(out, container, out.meta.labels[key] + (trailing or ""), fmt)
    if trailing is None:
        container.append(element("w:r", [element("w:br")]))


class bookmark:
    """Wrap what is appended inside the `with` block in a Word bookmark named `name`."""

    def __init__(self, out: Output, container: etree._Element, name: str) -> None:
        self.out, self.container, self.name = out, container, name
        self.id: int | None = None

    def __enter__(self) -> bookmark:
        # Word bookmark names are unique: a segment shown twice is bookmarked once.
        if self.name not in self.out.bookmarked:
            self.out.bookmarked.add(self.name)
            self.id = self.out.next_bookmark_id()
            self.container.append(element("w:bookmarkStart", id=self.id, name=self.name))
        return self

    def __exit__(self, *exc: object) -> Literal[False]:
        if self.id is not None:
            self.container.append(element("w:bookmarkEnd", id=self.id))
        return False


def _style_id(out: Output, name: str) -> str:
    return out.style(name).style_id


HANDLERS: dict[type[Inline], Callable[[Output, etree._Element, Any, Format], None]] = {
    # Each handler takes the node type it stands for: the table is looked up by the node's own type.
    Text: text,
    Emphasis: emphasis,
    Strong: strong,
    Link: link,
    LineBreak: line_break,
    SegmentSpan: segment_span,
}
