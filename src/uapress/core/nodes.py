"""Stage 3, document model: format-neutral blocks and inlines that every writer renders."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the model stage makes these; at run time the ground floor imports nothing above it
    from uapress.model.checklist import Checklist
    from uapress.model.letters import Letter


@dataclass(frozen=True)
class Text:
    """Plain text."""

    text: str


@dataclass(frozen=True)
class Emphasis:
    """Emphasised (italic) inlines."""

    children: tuple[Inline, ...]


@dataclass(frozen=True)
class Strong:
    """Strongly emphasised (bold) inlines."""

    children: tuple[Inline, ...]


LINK_SCHEMES = ("https:", "http:", "mailto:")
"""The only addresses a link may go to; every page that shows a link checks it (issue 25)."""


@dataclass(frozen=True)
class Link:
    """A hyperlink; `url` is empty or `#` when the address is not known yet."""

    url: str
    children: tuple[Inline, ...]

    @property
    def resolved(self) -> bool:
        """Tell whether the link has a real address."""
        return self.url not in ("", "#")

    @property
    def safe(self) -> bool:
        """Tell whether the address may be a live link: https:, http: or mailto:, never javascript: or data:."""
        return self.url.lower().startswith(LINK_SCHEMES)


@dataclass(frozen=True)
class LineBreak:
    """A hard line break inside a block."""


@dataclass(frozen=True)
class SegmentSpan:
    """Inlines that are one translatable segment inside a larger block (the subject in a fact line)."""

    segment: Segment
    children: tuple[Inline, ...]
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

    inlines: tuple[Inline, ...]
    style: str = "Body"
    segment: Segment | None = None
    lang: str | None = None
    """Language of this block when it differs from the edition's (a fallback)."""
    fields: tuple[str, ...] = ()
    """Untranslated source fields the block shows (`deadline`, `targets.0.address`), so a proof can mark it."""


@dataclass(frozen=True)
class Heading:
    """A section heading; level 1 is the action's title."""

    level: int
    inlines: tuple[Inline, ...]
    style: str
    segment: Segment | None = None
    lang: str | None = None
    anchor: str | None = None


@dataclass(frozen=True)
class ListItem:
    """One item of a list, itself a translatable block."""

    inlines: tuple[Inline, ...]
    segment: Segment | None = None
    lang: str | None = None


@dataclass(frozen=True)
class ListBlock:
    """A bullet or numbered list."""

    ordered: bool
    items: tuple[ListItem, ...]
    style: str = "Body"


@dataclass(frozen=True)
class Quote:
    """A block quote."""

    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Group:
    """Blocks that belong together, such as one target's name, title and address."""

    role: str
    """What the group is: `address`, `facts`…"""
    blocks: tuple[Block, ...]
    lang: str | None = None
    """The language of the whole group when it is not the edition's (the annex letter): its direction and type."""


Block = Paragraph | Heading | ListBlock | Quote | Group


@dataclass(frozen=True)
class Section:
    """A part of the UA in its conventional order (`masthead`, `summary`, `letter`…)."""

    role: str
    blocks: tuple[Block, ...]


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
    keywords: tuple[str, ...]
    reference: str | None
    ua_number: str | None
    issued: str
    """Issue date as it reads in the edition's language."""
    deadline: str
    """Deadline as it reads in the edition's language."""
    issued_iso: str
    deadline_iso: str
    labels: dict[str, str] = field(default_factory=dict)
    """Fixed wording the writers need outside the body (`page_of`, `untranslated`…)."""
    files: dict[str, str] = field(default_factory=dict)
    """File names of this edition's sibling outputs, by writer name."""
    language_name: str = ""
    """The edition's language named in itself (`español`)."""
    summary: str = ""
    """The summary as plain text, for the edition's description when shared."""
    editions: tuple[EditionLink, ...] = ()
    """Every published edition of the action, this one included, as `EditionLink`s in publishing order."""
    proof: Proof | None = None
    """Set when the edition is a proof for reviewers: watermark, build stamp, change bars and summary."""
    draft: bool = False
    """True when the edition's verdict is "not ready": every format marks it as a draft in its language (issue 21)."""


@dataclass(frozen=True)
class EditionLink:
    """One language an action is published in, named in itself, for links between its editions."""

    lang: str
    name: str
    direction: str


@dataclass(frozen=True)
class Change:
    """One difference from an earlier revision: a block or a metadata field added, changed or removed."""

    kind: str
    """`added`, `changed` or `removed`."""
    field: str
    """Field path (`letter`, `targets.0.title`, `deadline`)."""
    before: str = ""
    """The text or value at the earlier revision (empty when added)."""
    after: str = ""
    """The text or value now (empty when removed)."""
    mark: str | None = None
    """What the proof marks with a change bar: a segment id or a metadata field; None for a removal."""


@dataclass(frozen=True)
class LanguageChanges:
    """The block changes of one language of an action."""

    lang: str
    language_name: str
    changes: tuple[Change, ...] = ()

    def count(self, kind: str) -> int:
        """Return how many blocks were `added`, `changed` or `removed`."""
        return sum(1 for change in self.changes if change.kind == kind)


@dataclass(frozen=True)
class Proof:
    """What a proof shows on top of its edition."""

    watermark: str
    """The word set diagonally across every page."""
    stamp: str
    """The build stamp of the footer: build date and time, source revision, hash of the inputs."""
    since: str | None = None
    """The revision compared with, as reviewers read it; None when there is none (no change bars, no summary)."""
    metadata: tuple[Change, ...] = ()
    """Changes to untranslated facts (deadline, targets' names and addresses…), the same in every language."""
    languages: tuple[LanguageChanges, ...] = ()
    """Block changes of every language of the action, this edition's first."""
    marks: frozenset[str] = frozenset()
    """Segment ids and metadata fields of this edition's blocks that get a change bar."""
    notes: tuple[str, ...] = ()
    """Remarks for the summary (the action did not exist at that revision…)."""
    revision: tuple[str, str, str] | None = None
    """The revision compared with as (short hash, date YYYY-MM-DD, subject), for the cover's heading (issue 21)."""

    def marked(self, block: Block | ListItem) -> bool:
        """Tell whether a block differs from the earlier revision."""
        segment = getattr(block, "segment", None)
        if segment is not None and segment.id in self.marks:
            return True
        if any(name in self.marks for name in getattr(block, "fields", ())):
            return True
        # A fact line holds its translatable parts (the subject, the pronoun) as spans.
        return any(
            isinstance(node, SegmentSpan) and node.segment.id in self.marks for node in getattr(block, "inlines", ())
        )


@dataclass(frozen=True)
class Document:
    """One edition of one action in one language, ready for any writer."""

    meta: Meta
    sections: tuple[Section, ...]
    segments: tuple[Segment, ...] = ()
    """Every translatable segment, in document order."""
    checklist: Checklist | None = None
    """The translation checklist of this edition (`model.checklist.Checklist`)."""
    letter: Letter | None = None
    """The model letter in the edition's language (`model.letters.Letter`), None while untranslated."""
    appeal_letter: Letter | None = None
    """The model letter in the appeal language, when it is published and translated (the e-mail's body)."""


def plain_text(inlines: Iterable[Inline]) -> str:
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


def walk_blocks(blocks: Iterable[Block | Section]) -> Iterator[Block | Section]:
    """Yield every block below `blocks`, depth first, groups and quotes included."""
    for block in blocks:
        yield block
        if isinstance(block, (Group, Quote)):
            yield from walk_blocks(block.blocks)
        elif isinstance(block, Section):
            yield from walk_blocks(block.blocks)
