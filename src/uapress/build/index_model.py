"""Stage 5, build: what the publication index shows (its actions, their languages and files), for the index writer."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from uapress.writers import WRITERS

if TYPE_CHECKING:
    from uapress.build.cache import Failure

LISTED = tuple(name for name, writer in WRITERS.items() if writer.listed == "edition")
"""The files the index lists per edition, by writer name, with their column heading."""
LETTERS = tuple(name for name, writer in WRITERS.items() if writer.listed == "letters")
"""The letter sheets (issue 14), listed per action by language."""


@dataclass(frozen=True)
class IndexFile:
    """One output file that exists."""

    kind: str
    """Writer name: `html`, `pdf`, `docx`, `proof`."""
    name: str
    href: str
    """Address relative to the index."""
    size: int
    """Bytes."""
    pages: int | None = None
    """Page count, for PDF files."""


@dataclass(frozen=True)
class IndexLanguage:
    """One language of an action: its title, readiness and files."""

    lang: str
    language_name: str
    direction: str
    title: str
    source: bool
    """True for the source language."""
    published: bool
    """False for a folder left from a language the action no longer lists."""
    files: dict[str, IndexFile]
    """Existing files by writer name (`IndexFile`)."""
    failures: dict[str, Failure]
    """How the last build of a format failed, by writer name: {format, message}."""
    translated: float | None = None
    """Share of segments translated, from the model; not the verdict."""
    ready: bool | None = None
    """The model's verdict (`model.readiness`): the action and the translation both ready."""
    reasons: tuple[str, ...] = ()
    """Why not, in English: this language's own reasons (the action's are on `IndexAction.blockers`)."""
    checklist: str | None = None
    """Address of checklist.html, when it exists."""
    letters: dict[str, IndexFile] | None = None
    """Existing letter sheets by writer name (`letters-pdf`, `letters-docx`)."""
    appeal: bool = False
    """True for the language the target prefers to be addressed in."""


@dataclass(frozen=True)
class IndexAction:
    """One action: its facts and languages."""

    slug: str
    title: str
    lang: str
    direction: str
    reference: str | None
    deadline: dt.date | None
    days_left: int | None
    problem: str | None
    """Why the action is listed without its facts (its source has errors, or is gone)."""
    languages: tuple[IndexLanguage, ...]
    blockers: tuple[str, ...] = ()
    """What holds back every language of the action (links still `#`, no reference, expired), in English."""
    follows: str | None = None
    """The slug of the action this one is a follow-up (further information) of, when it is one in this project."""
    follows_title: str | None = None
    further: int = 0
    """Its place in the series: 1 for the first further information, 2 for the next; 0 when not a follow-up."""
    previous: str | None = None
    """The reference of the urgent action it follows (`previous.reference`), when given."""

    @property
    def expired(self) -> bool:
        """Tell whether the deadline has passed."""
        return self.days_left is not None and self.days_left < 0

    @property
    def kinds(self) -> tuple[str, ...]:
        """Return the writer names that have a column: every edition format (proofs are listed apart, issue 21)."""
        return tuple(kind for kind in LISTED if WRITERS[kind].edition)

    @property
    def proofs(self) -> tuple[IndexLanguage, ...]:
        """Return the languages that have a proof (or a failed one), listed apart from the files to send."""
        return tuple(item for item in self.languages if "proof" in item.files or "proof" in item.failures)

    @property
    def ready(self) -> tuple[IndexLanguage, ...]:
        """Return the languages whose files are ready to send."""
        return tuple(item for item in self.languages if item.ready and item.published)

    @property
    def drafts(self) -> tuple[IndexLanguage, ...]:
        """Return the languages whose files are drafts (or have no verdict, or are no longer published)."""
        return tuple(item for item in self.languages if not (item.ready and item.published))

    @property
    def letters(self) -> tuple[IndexLanguage, ...]:
        """Return the languages that have letter sheets, the target's preferred language first."""
        return tuple(sorted((item for item in self.languages if item.letters), key=lambda item: not item.appeal))


@dataclass(frozen=True)
class Index:
    """Everything the publication index shows."""

    today: dt.date
    actions: tuple[IndexAction, ...]
