"""Stage 3, document model: format-neutral blocks and inlines that every writer renders."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Text:
    """Plain text."""

    text: str


@dataclass(frozen=True)
class Emphasis:
    """Emphasised (italic) inlines."""

    children: tuple


@dataclass(frozen=True)
class Strong:
    """Strongly emphasised (bold) inlines."""

    children: tuple


@dataclass(frozen=True)
class Link:
    """A hyperlink; `url` is empty or `#` when the address is not known yet."""

    url: str
    children: tuple

    @property
    def resolved(self) -> bool:
        """Tell whether the link has a real address."""
        return self.url not in ("", "#")


@dataclass(frozen=True)
class LineBreak:
    """A hard line break inside a block."""


@dataclass(frozen=True)
class SegmentSpan:
    """Inlines that are one translatable segment inside a larger block (the subject in a fact line)."""

    segment: "Segment"
    children: tuple
    lang: str | None = None


Inline = Text | Emphasis | Strong | Link | LineBreak | SegmentSpan


@dataclass(frozen=True)
class Segment:
    """One translatable block as published in an edition."""

    id: str
    """Bookmark-safe stable id (`ua_1f3a…`), the DOCX bookmark and the XLIFF unit id."""
    field: str
    """Field path, the PO `msgctxt` (`letter`, `targets.0.title`)."""
    source: str
    """Source block as Markdown, the PO `msgid`."""
    text: str
    """What the edition shows, as Markdown: the translation or, failing that, the source."""
    status: str
    """`source` (source edition), `translated`, `missing`, `fuzzy` or `invalid` (breaks Markdown)."""

    @property
    def fallback(self) -> bool:
        """Tell whether the edition shows the source text in place of a translation."""
        return self.status in ("missing", "fuzzy", "invalid")


@dataclass(frozen=True)
class Paragraph:
    """A paragraph in a named style (`Body`, `Letter`, `Address`, `Fact`…)."""

    inlines: tuple
    style: str = "Body"
    segment: Segment | None = None
    lang: str | None = None
    """Language of this block when it differs from the edition's (a fallback)."""


@dataclass(frozen=True)
class Heading:
    """A section heading; level 1 is the action's title."""

    level: int
    inlines: tuple
    style: str
    segment: Segment | None = None
    lang: str | None = None
    anchor: str | None = None


@dataclass(frozen=True)
class ListItem:
    """One item of a list, itself a translatable block."""

    inlines: tuple
    segment: Segment | None = None
    lang: str | None = None


@dataclass(frozen=True)
class ListBlock:
    """A bullet or numbered list."""

    ordered: bool
    items: tuple
    style: str = "Body"


@dataclass(frozen=True)
class Quote:
    """A block quote."""

    blocks: tuple


@dataclass(frozen=True)
class Group:
    """Blocks that belong together, such as one target's name, title and address."""

    role: str
    """What the group is: `address`, `facts`…"""
    blocks: tuple


Block = Paragraph | Heading | ListBlock | Quote | Group


@dataclass(frozen=True)
class Section:
    """A part of the UA in its conventional order (`masthead`, `summary`, `letter`…)."""

    role: str
    blocks: tuple


@dataclass(frozen=True)
class Meta:
    """What an edition says about itself: metadata for headers, PDF info and DOCX properties."""

    slug: str
    lang: str
    direction: str
    """`ltr` or `rtl`."""
    source_lang: str
    title: str
    """Plain-text title."""
    subject: str
    keywords: tuple
    reference: str | None
    ua_number: str | None
    issued: str
    """Issue date as it reads in the edition's language."""
    deadline: str
    """Deadline as it reads in the edition's language."""
    issued_iso: str
    deadline_iso: str
    labels: dict = field(default_factory=dict)
    """Fixed wording the writers need outside the body (`page_of`, `untranslated`…)."""
    files: dict = field(default_factory=dict)
    """File names of this edition's sibling outputs, by writer name."""
    language_name: str = ""
    """The edition's language named in itself (`español`)."""


@dataclass(frozen=True)
class Document:
    """One edition of one action in one language, ready for any writer."""

    meta: Meta
    sections: tuple
    segments: tuple = ()
    """Every translatable segment, in document order."""
    checklist: object = None
    """The translation checklist of this edition (`model.checklist.Checklist`)."""


def plain_text(inlines) -> str:
    """Return the text of inlines without markup."""
    out = []
    for node in inlines:
        if isinstance(node, Text):
            out.append(node.text)
        elif isinstance(node, LineBreak):
            out.append("\n")
        else:
            out.append(plain_text(node.children))
    return "".join(out)


def walk_blocks(blocks):
    """Yield every block below `blocks`, depth first, groups and quotes included."""
    for block in blocks:
        yield block
        if isinstance(block, (Group, Quote)):
            yield from walk_blocks(block.blocks)
        elif isinstance(block, Section):
            yield from walk_blocks(block.blocks)
