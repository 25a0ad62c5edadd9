"""Translation exchange: what a reader found in a translated file, before it touches the PO store."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Unit:
    """The translation of one segment as a file gives it."""

    id: str
    """The segment id (DOCX bookmark name, XLIFF unit id)."""
    text: str
    """The translation as Markdown; empty when the file has none."""
    state: str = "translated"
    """`initial` (a draft, not confirmed), `translated`, `reviewed` or `final` (XLIFF 2 states)."""
    field: str | None = None
    """The field path, when the file says (XLIFF `name`)."""
    source: str | None = None
    """The source text the file was made from, when it says (XLIFF `<source>`), as Markdown."""
    problem: str | None = None
    """Why the text cannot be imported as it is, if it cannot."""
    note: str | None = None
    """Something the report should mention about this segment (it spans two paragraphs…)."""


@dataclass
class WordComment:
    """A Word comment of a DOCX (`word/comments.xml`) and the segment it is anchored to (issue 22)."""

    text: str
    author: str = ""
    date: str = ""
    """`YYYY-MM-DD`, when the file says."""
    segment: str | None = None
    """The segment id whose bookmark holds the comment's anchor; None when it is outside every segment."""


@dataclass
class Received:
    """Everything read from one translated file."""

    path: Path
    kind: str
    """`DOCX`, `XLIFF` or `PO`."""
    units: list[Unit] = field(default_factory=list)
    action: str | None = None
    """The action the file names (XLIFF `<file id>`, PO project), if it names one."""
    lang: str | None = None
    """The target language the file names, if it names one."""
    source_lang: str | None = None
    edition_lang: str | None = None
    """The language of the edition a DOCX was exported as (its `uapress-language` property), if it says."""
    outside: list[str] = field(default_factory=list)
    """Text found outside every segment that looks like added content (a paragraph typed in)."""
    notes: list[str] = field(default_factory=list)
    """Remarks about the whole file (tracked changes accepted, duplicate bookmarks…)."""
    comments: list[WordComment] = field(default_factory=list)
    """Word comments, in document order (DOCX only)."""
    tracked: int = 0
    """How many tracked changes (insertions, deletions, moves) were read as accepted (DOCX only)."""
