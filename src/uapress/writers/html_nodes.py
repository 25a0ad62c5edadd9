"""Stage 4, writers: the document model's nodes as HTML, one method per node type (for the HTML edition and the letters)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from html import escape

from uapress.core.nodes import (
    Block,
    Emphasis,
    Group,
    Heading,
    Inline,
    LineBreak,
    Link,
    ListBlock,
    ListItem,
    Meta,
    Paragraph,
    Quote,
    Section,
    Segment,
    SegmentSpan,
    Strong,
    Text,
    plain_text,
)
from uapress.localise.locale import direction

GROUP_TAGS = {"address": "address"}
"""HTML element of a group role; other groups are a `div` with the role as class."""

UNRESOLVED_LINK = "link address not yet known"
"""Tooltip of a link whose address is `#`, when the labels give none (`unresolved_link`)."""

Node = Section | Block | ListItem | Inline
"""What `HtmlRenderer.render` renders."""
Translatable = Paragraph | Heading | ListItem | SegmentSpan
"""Nodes that may hold a translatable segment."""


def style_class(style: str) -> str:
    """Return the CSS class of a style name ("Address Name" -> "address-name")."""
    return re.sub(r"[^a-z0-9]+", "-", style.lower()).strip("-")


class HtmlRenderer:
    """Render document nodes as HTML: one method per node type, named after it."""

    def __init__(self, meta: Meta):
        self.meta = meta

    def render(self, node: Node) -> str:
        """Render any node by the handler named after its type (`ListBlock` -> `list_block`)."""
        name = re.sub(r"(?<!^)(?=[A-Z])", "_", type(node).__name__).lower()
        handler: Callable[[Node], str] = getattr(self, name)  # the handler of exactly this node's type
        return handler(node)

    def blocks(self, blocks: Iterable[Block | ListItem]) -> str:
        """Render blocks in order."""
        return "".join(self.render(block) for block in blocks)

    def inlines(self, inlines: Iterable[Inline]) -> str:
        """Render inlines in order."""
        return "".join(self.render(inline) for inline in inlines)

    # Blocks

    def section(self, section: Section) -> str:
        """Render a section, labelled by its heading when it opens with one."""
        first = section.blocks[0] if section.blocks else None
        labelled = f' aria-labelledby="{_attr(first.anchor)}"' if isinstance(first, Heading) and first.anchor else ""
        return f'<section class="{style_class(section.role)}"{labelled}>\n{self.blocks(section.blocks)}</section>\n'

    def paragraph(self, paragraph: Paragraph) -> str:
        """Render a paragraph in its style."""
        attrs, label = self._segment(paragraph, style_class(paragraph.style))
        if paragraph.segment is None and paragraph.lang is None:
            # Untranslated lines (names, addresses) run the way their own script does.
            attrs += self._direction(plain_text(paragraph.inlines))
        return f"<p{attrs}>{self._marker('span', 'fallback-label', label)}{self.inlines(paragraph.inlines)}</p>\n"

    def heading(self, heading: Heading) -> str:
        """Render a heading; its fallback marker goes before it, to keep it out of the PDF bookmark."""
        attrs, label = self._segment(heading, style_class(heading.style))
        anchor = f' id="{_attr(heading.anchor)}"' if heading.anchor else ""
        level = min(max(heading.level, 1), 6)
        marker = self._marker("p", "fallback-label fallback-note", label)
        return f"{marker}<h{level}{anchor}{attrs}>{self.inlines(heading.inlines)}</h{level}>\n"

    def list_block(self, block: ListBlock) -> str:
        """Render a bullet or numbered list."""
        tag = "ol" if block.ordered else "ul"
        return f'<{tag} class="{style_class(block.style)}">\n{self.blocks(block.items)}</{tag}>\n'

    def list_item(self, item: ListItem) -> str:
        """Render one list item."""
        attrs, label = self._segment(item, "")
        return f"<li{attrs}>{self._marker('span', 'fallback-label', label)}{self.inlines(item.inlines)}</li>\n"

    def quote(self, quote: Quote) -> str:
        """Render a block quote."""
        return f"<blockquote>\n{self.blocks(quote.blocks)}</blockquote>\n"

    def group(self, group: Group) -> str:
        """Render blocks that belong together: `<address>` for a person, a classed `div` otherwise."""
        tag = GROUP_TAGS.get(group.role, "div")
        attrs = ""
        if group.lang and group.lang != self.meta.lang:
            # A group in another language (the annex letter) runs its own way: its rule on its own start side.
            attrs = f' lang="{_attr(group.lang)}" dir="{direction(group.lang)}"'
        return f'<{tag} class="{style_class(group.role)}"{attrs}>\n{self.blocks(group.blocks)}</{tag}>\n'

    # Inlines

    def text(self, text: Text) -> str:
        """Render plain text."""
        return escape(text.text, quote=False)

    def emphasis(self, node: Emphasis) -> str:
        """Render emphasis."""
        return f"<em>{self.inlines(node.children)}</em>"

    def strong(self, node: Strong) -> str:
        """Render strong emphasis."""
        return f"<strong>{self.inlines(node.children)}</strong>"

    def link(self, link: Link) -> str:
        """Render a link; a link without an address is plain text, so nobody follows a dead link (marked in proofs)."""
        if link.resolved and not link.safe:
            # Never live (issue 25): a translation whose link goes to javascript: falls back to the source, but
            # any page that shows it anyway shows its words only.
            return self.inlines(link.children)
        if link.resolved:
            # An address set in a right-to-left line keeps its trailing "/" only when isolated.
            direction_attr = self._direction(plain_text(link.children))
            return f'<a href="{_attr(link.url)}"{direction_attr}>{self.inlines(link.children)}</a>'
        if self.meta.proof is None:
            # Readers of an edition see text; the missing address is for reviewers and the checklist (issue 11).
            return self.inlines(link.children)
        title = self.meta.labels.get("unresolved_link", UNRESOLVED_LINK)
        return f'<span class="unresolved-link" title="{_attr(title)}">{self.inlines(link.children)}</span>'

    def line_break(self, _node: LineBreak) -> str:
        """Render a hard line break."""
        return "<br>"

    def segment_span(self, span: SegmentSpan) -> str:
        """Render a translatable segment inside a block, followed by an inline marker when it falls back."""
        attrs, label = self._segment(span, "segment")
        return f"<span{attrs}>{self.inlines(span.children)}</span>{self._marker('span', 'fallback-mark', label)}"

    # Helpers

    def _segment(self, node: Translatable, css_class: str) -> tuple[str, str]:
        """Return the attributes of a translatable node, and its fallback label when it shows the source."""
        segment: Segment | None = getattr(node, "segment", None)
        classes = [css_class] if css_class else []
        # A span's change bar is the one of the block it stands in.
        if not isinstance(node, SegmentSpan) and self.meta.proof is not None and self.meta.proof.marked(node):
            classes.append("changed")  # a proof's change bar (print.css)
        attrs = label = ""
        fields = getattr(node, "fields", ())
        if fields and self.meta.proof is not None:  # facts a proof's comments point at (issue 22)
            attrs += f' data-fields="{_attr(" ".join(fields))}"'
        if segment is not None:
            attrs += f' data-segment="{_attr(segment.id)}"'
            if segment.fallback:
                classes.append("fallback")
                attrs += f' data-status="{_attr(segment.status)}"'
                label = self.meta.labels.get("fuzzy" if segment.status == "fuzzy" else "untranslated", segment.status)
        lang = getattr(node, "lang", None) or (self.meta.source_lang if label else None)
        if lang and lang != self.meta.lang:
            attrs += f' lang="{_attr(lang)}"'
            if direction(lang) != self.meta.direction:
                attrs += f' dir="{direction(lang)}"'
        class_attr = f' class="{" ".join(classes)}"' if classes else ""
        return class_attr + attrs, label

    def _direction(self, text: str) -> str:
        """Return a `dir` attribute when text runs against the edition (its first strong character, UAX #9 P2)."""
        for char in text:
            kind = unicodedata.bidirectional(char)
            if kind in ("L", "R", "AL"):
                found = "ltr" if kind == "L" else "rtl"
                return f' dir="{found}"' if found != self.meta.direction else ""
        return ""

    def _marker(self, tag: str, css_class: str, label: str) -> str:
        """Return a fallback marker in the edition's language, or nothing when there is no label."""
        if not label:
            return ""
        own = f'lang="{_attr(self.meta.lang)}" dir="{self.meta.direction}"'
        return f'<{tag} class="{css_class}" {own}>{escape(label, quote=False)}</{tag}>'


def _attr(value: str) -> str:
    return escape(value, quote=True)
