"""Stage 4, DOCX writer: one handler per block node, each adding paragraphs in named Word styles."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from uapress.core.nodes import (
    Block,
    Group,
    Heading,
    Inline,
    ListBlock,
    ListItem,
    Paragraph,
    Quote,
    Section,
    Segment,
    plain_text,
)
from uapress.localise.locale import reads_ltr
from uapress.writers.docx import embed
from uapress.writers.docx.context import LRM, Output
from uapress.writers.docx.inlines import bookmark, fallback_marker, inlines, run
from uapress.writers.docx.ooxml import element, hex_colour, length, put
from uapress.writers.docx.parts import float_logo

if TYPE_CHECKING:
    from docx.oxml.text.paragraph import CT_P

PAGE_BREAK_BEFORE = {"appeal-letter"}
"""Sections that start a page: the annex letter in the appeal language (issue 14)."""
CARRY = {"facts"}
"""Sections held together that take the paragraph before them along to the next page, as the PDF's "carry"
fit does: the facts box alone would leave the last page (before the annex letter) nearly empty (issue 11)."""
LIST_STYLES = {False: "List Bullet", True: "List Number"}
"""python-docx's template numbers these two styles (bullets, decimals); restyled from the brand."""


def blocks(out: Output, nodes: Iterable[Section | Block | ListItem], style: str | None = None) -> None:
    """Add `nodes` to the document; `style` overrides their paragraph style (inside a quote)."""
    for node in nodes:
        HANDLERS[type(node)](out, node, style)


def section(out: Output, node: Section, style: str | None = None) -> None:
    """Add a section's blocks; sections follow one another without breaks, except an annex."""
    first = len(out.story.paragraphs)
    if node.role in CARRY and first:
        put(out.story.paragraphs[-1]._p.get_or_add_pPr(), "keepNext")
    blocks(out, node.blocks, style)
    if node.role in PAGE_BREAK_BEFORE and len(out.story.paragraphs) > first:
        put(out.story.paragraphs[first]._p.get_or_add_pPr(), "pageBreakBefore")


def paragraph(out: Output, node: Paragraph, style: str | None = None) -> None:
    """Add a paragraph in its style; the first in the logo's style (the masthead band) opens with the logo."""
    p = translatable(out, style or node.style, node.inlines, node.segment, node.lang)
    logo = out.spec["logo"]
    if (style or node.style) == logo["style"] and not out.logo_placed:
        embed.logo(out, p, logo["height"])
        float_logo(out, p)
        out.logo_placed = True


def heading(out: Output, node: Heading, style: str | None = None) -> None:
    """Add a heading in its style (Heading 1 for the title, Heading 2), whose outline level feeds Word's navigation."""
    translatable(out, node.style, node.inlines, node.segment, node.lang)
    if node.level == 2 and "heading_rule_width" in out.spec:
        # Issue 21: the short accent bar of PDF and HTML, not a rule across the page: an empty paragraph whose
        # bottom border stops where its end indent begins.
        rule = out.story.add_paragraph()
        rule._p.style = out.paragraph_style_id("Section Rule")  # as `style=` sets it, without its search (issue 24)
        width, _ = out.brand.page_width_height
        margins = out.brand.margins
        text = length(width) - length(margins["left"]) - length(margins["right"])
        p_pr = rule._p.get_or_add_pPr()
        put(p_pr, "ind", right=round((text - length(out.spec["heading_rule_width"])) / 635))


def list_block(out: Output, node: ListBlock, style: str | None = None) -> None:
    """Add a bullet or numbered list; every numbered list starts again at 1."""
    num_id = _restarted_numbering(out, LIST_STYLES[True]) if node.ordered else None
    for item in node.items:
        p = list_item(out, item, LIST_STYLES[node.ordered])
        if num_id is not None:
            put(p.get_or_add_pPr(), "numPr", [element("w:ilvl", val=0), element("w:numId", val=num_id)])


def list_item(out: Output, node: ListItem, style: str | None = None) -> CT_P:
    """Add one list item in a list style."""
    return translatable(out, style or LIST_STYLES[False], node.inlines, node.segment, node.lang)


def quote(out: Output, node: Quote, style: str | None = None) -> None:
    """Add a block quote: its paragraphs take the Quote style."""
    blocks(out, node.blocks, "Quote")


def group(out: Output, node: Group, style: str | None = None) -> None:
    """Add a group's blocks; their styles (Address Name, Address, Fact, Note) hold them together."""
    blocks(out, node.blocks, style)


def translatable(out: Output, style: str, nodes: Sequence[Inline], segment: Segment | None, lang: str | None) -> CT_P:
    """Add a paragraph whose text is one segment: bookmarked by the segment id, marked when a fallback."""
    fmt = out.format_for(lang).but(strong_style=out.spec.get("strong", {}).get(style))
    if fmt.rtl and reads_ltr(plain_text(nodes)):
        fmt = fmt.but(rtl=False)  # a Latin name or address line in a right-to-left edition
    # Issue 11: a list item of a right-to-left edition keeps its bullet on the right, even when it
    # shows left-to-right text (a fallback): the paragraph stays right to left, marks hold the text's order.
    ltr_item = out.rtl and not fmt.rtl and style in LIST_STYLES.values()
    p = new_paragraph(out, style, fmt.rtl or ltr_item, end_aligned=out.rtl and not fmt.rtl and lang is None)
    if segment is None:
        inlines(out, p, nodes, fmt)
        return p
    if segment.fallback:
        shading = hex_colour(out.brand.colours[out.spec["fallback"]["shading"]])
        put(p.get_or_add_pPr(), "shd", val="clear", color="auto", fill=shading)
        fallback_marker(out, p, segment)
    if ltr_item:
        run(out, p, LRM, fmt)
    with bookmark(out, p, segment.id):
        inlines(out, p, nodes, fmt)
    if ltr_item:
        run(out, p, LRM, fmt)
    return p


def new_paragraph(out: Output, style: str, rtl: bool, end_aligned: bool = False) -> CT_P:
    """Append an empty paragraph in `style` and direction; return its `w:p`."""
    p = out.story.add_paragraph()._p
    p.style = out.paragraph_style_id(style)  # what `add_paragraph(style=…)` sets, without its search per paragraph
    if rtl:
        put(p.get_or_add_pPr(), "bidi")
    elif out.rtl:
        # Left to right in a right-to-left edition: a fallback block in its source language, or
        # Latin-only text, which keeps to the edition's right-hand edge.
        put(p.get_or_add_pPr(), "bidi", val="0")
        if end_aligned:
            put(p.get_or_add_pPr(), "jc", val="right")
        else:
            _borders_at_start(out, p, style)
    return p


def _borders_at_start(out: Output, p: CT_P, style: str) -> None:
    """Give a left-to-right block of a right-to-left edition its style's rules on its own start and end sides.

    Issue 20: the edition's styles draw the start rule on the right (borders are physical); the Spanish
    letter of the Arabic edition, left-aligned, had its rule on the right, where PDF and HTML draw it on the left.
    """
    rules = out.spec["paragraph"].get(style) or {}
    while "border" not in rules and rules.get("based_on"):
        rules = out.spec["paragraph"].get(rules["based_on"]) or {}
    border = rules.get("border") or {}
    if not {"start", "end"} & border.keys():
        return
    # Every side is given, none where the style has none: the paragraph's own `w:pBdr` stands for the style's.
    sides = {"top": "top", "start": "left", "bottom": "bottom", "end": "right", "between": "between"}
    borders = put(p.get_or_add_pPr(), "pBdr")
    for side in ("top", "start", "bottom", "end", "between"):
        if side not in border:
            put(borders, sides[side], val="nil")
            continue
        put(
            borders,
            sides[side],
            val="single",
            sz=round(length(border[side]["width"]).pt * 8),
            space=round(length(border[side].get("space", "0pt")).pt),
            color=hex_colour(out.brand.colours[border[side]["colour"]]),
        )


def _restarted_numbering(out: Output, style: str) -> int:
    numbering = out.word.part.numbering_part.element
    style_num = out.style(style).element.pPr.numPr.numId.val
    abstract_id = numbering.num_having_numId(style_num).abstractNumId.val
    num = numbering.add_num(abstract_id)
    num.add_lvlOverride(ilvl=0).add_startOverride(1)
    num_id: int = num.numId
    return num_id


HANDLERS: dict[type[Section | Block | ListItem], Callable[[Output, Any, str | None], object]] = {
    # Each handler takes the node type it stands for: the table is looked up by the node's own type.
    Section: section,
    Paragraph: paragraph,
    Heading: heading,
    ListBlock: list_block,
    ListItem: list_item,
    Quote: quote,
    Group: group,
}
