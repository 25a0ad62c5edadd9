"""Stage 2, localise: the translatable segments of an action, each with its stable id."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from uapress.source.markdown import split_blocks
from uapress.source.schema import Action


@dataclass(frozen=True)
class SourceSegment:
    """One translatable block of the source: a PO entry's context and msgid."""

    field: str
    """Field path, the PO `msgctxt`."""
    source: str
    """The block as Markdown, the PO `msgid`."""
    kind: str = "paragraph"
    """`paragraph`, `bullet`, `ordered`, `quote` or `line` (a one-line field)."""
    start: int = 1
    list_start: bool = False

    @property
    def id(self) -> str:
        """Return the segment id: a DOCX bookmark name and an XLIFF unit id."""
        return segment_id(self.field, self.source)


def segment_id(field: str, source: str) -> str:
    """Hash context and msgid into a Word-bookmark-safe id (a letter first, at most 40 characters)."""
    digest = hashlib.sha1(f"{field}\x04{source}".encode()).hexdigest()
    return f"ua_{digest[:12]}"


def action_segments(action: Action) -> list[SourceSegment]:
    """Return every translatable segment of an action, in document order."""
    out = [SourceSegment("title", action.title, "line")]
    out += _blocks("summary", action.summary)
    for index, target in enumerate(action.targets):
        out.append(SourceSegment(f"targets.{index}.title", target.title, "line"))
    for index, copy in enumerate(action.copies):
        out.append(SourceSegment(f"copies.{index}.title", copy.title, "line"))
    # The salutations open the letter, after the addresses (issue 11: every target has one).
    for index, target in enumerate(action.targets):
        out.append(SourceSegment(f"targets.{index}.salutation", target.salutation, "line"))
    out += _blocks("letter", action.letter)
    if action.closing:
        out.append(SourceSegment("closing", action.closing, "line"))
    out += _blocks("background", action.background)
    out.append(SourceSegment("subject", action.subject, "line"))
    if action.pronoun:
        out.append(SourceSegment("pronoun", action.pronoun, "line"))
    return out


def _blocks(field: str, text: str) -> list[SourceSegment]:
    return [SourceSegment(field, b.markdown, b.kind, b.start, b.list_start) for b in split_blocks(text)]
