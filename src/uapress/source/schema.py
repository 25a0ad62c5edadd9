"""Stage 1, source: the typed form of `action.yaml` (source format v1)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Target:
    """Someone to write to."""

    name: str
    """Full name; never translated."""
    title: str
    """Office held; translated."""
    address: str
    """Postal address, one line per line; never translated."""
    salutation: str
    """How the letter opens (`Ms Delcy Rodríguez,`); translated."""
    email: str | None = None
    """Email address, if appeals may be emailed."""


@dataclass(frozen=True)
class Copy:
    """Someone who receives a copy of the appeal."""

    name: str
    """Full name; never translated."""
    title: str
    """Office held; translated."""
    address: str
    """Postal address; never translated."""


@dataclass(frozen=True)
class Previous:
    """The urgent action this one follows up."""

    reference: str
    """Its document reference."""
    url: str
    """Where it is published."""


@dataclass(frozen=True)
class Action:
    """One urgent action: metadata and its text in the source language."""

    path: Path
    """The `action.yaml` it was read from."""
    slug: str
    """The folder name under `source/actions/`."""
    schema: int
    """Format version; always 1."""
    issued: dt.date
    """Date of issue."""
    deadline: dt.date
    """Take action until this date."""
    language: str
    """Source language (BCP 47)."""
    country: str
    """Country concerned (ISO 3166 alpha-2)."""
    appeal_language: str
    """Preferred language to address the target (BCP 47)."""
    subject: str
    """Who the action is for (the NAME line); translated."""
    title: str
    """Headline, inline Markdown; translated."""
    summary: str
    """Opening summary, Markdown; translated."""
    targets: tuple[Target, ...]
    """Whom to write to; at least one."""
    letter: str
    """Model letter body, Markdown; translated."""
    background: str
    """ADDITIONAL INFORMATION, Markdown; translated."""
    reference: str | None = None
    """Document index number (`AMR 53/0203/2025`)."""
    ua_number: str | None = None
    """Urgent action number (`UA 12/26`)."""
    languages: tuple[str, ...] = ()
    """Target languages to publish besides the source language."""
    pronoun: str | None = None
    """Preferred pronoun of the subject; translated."""
    previous: Previous | None = None
    """The previous urgent action on this case."""
    copies: tuple[Copy, ...] = ()
    """Who receives copies."""
    closing: str | None = None
    """Letter closing; the language's label when absent; translated."""
    keep: tuple[str, ...] = field(default=())
    """Terms never translated; QA checks they survive."""
    warnings: tuple = field(default=(), compare=False, repr=False)
    """What loading found still to fix (`errors.Diagnostic` warnings); not part of the source format."""

    @property
    def folder(self) -> Path:
        """Return the action's folder."""
        return self.path.parent

    @property
    def editions(self) -> tuple[str, ...]:
        """Return every language published: the source language first."""
        return (self.language,) + tuple(lang for lang in self.languages if lang != self.language)


KNOWN_KEYS = (
    "schema", "reference", "ua_number", "issued", "deadline", "language", "languages", "country",
    "appeal_language", "subject", "pronoun", "previous", "title", "summary", "targets", "copies",
    "letter", "closing", "background", "keep",
)
REQUIRED_KEYS = (
    "schema", "issued", "deadline", "language", "country", "appeal_language", "subject", "title",
    "summary", "targets", "letter", "background",
)
TARGET_KEYS = ("name", "title", "address", "salutation", "email")
COPY_KEYS = ("name", "title", "address")
PREVIOUS_KEYS = ("reference", "url")
