"""Stage 1, source: the typed form of `action.yaml` (source format v1)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from uapress.core.errors import Diagnostic


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
    warnings: tuple[Diagnostic, ...] = field(default=(), compare=False, repr=False)
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
    "schema",
    "reference",
    "ua_number",
    "issued",
    "deadline",
    "language",
    "languages",
    "country",
    "appeal_language",
    "subject",
    "pronoun",
    "previous",
    "title",
    "summary",
    "targets",
    "copies",
    "letter",
    "closing",
    "background",
    "keep",
)
REQUIRED_KEYS = (
    "schema",
    "issued",
    "deadline",
    "language",
    "country",
    "appeal_language",
    "subject",
    "title",
    "summary",
    "targets",
    "letter",
    "background",
)
TARGET_KEYS = ("name", "title", "address", "salutation", "email")
COPY_KEYS = ("name", "title", "address")
PREVIOUS_KEYS = ("reference", "url")

# Size limits (issue 10): far above any real action, low enough that a padded field cannot make a build
# take minutes and gigabytes. Counted in characters; `*` stands for any list index.
MARKDOWN_LIMIT = 20_000
TEXT_LIMITS = {
    "title": 300,
    "subject": 300,
    "pronoun": 100,
    "closing": 200,
    "ua_number": 50,
    "summary": MARKDOWN_LIMIT,
    "letter": MARKDOWN_LIMIT,
    "background": MARKDOWN_LIMIT,
    "previous.reference": 100,
    "previous.url": 2_000,
    "targets.*.name": 300,
    "targets.*.title": 300,
    "targets.*.address": 1_000,
    "targets.*.salutation": 300,
    "targets.*.email": 254,
    "copies.*.name": 300,
    "copies.*.title": 300,
    "copies.*.address": 1_000,
    "keep.*": 200,
}
"""Longest text each field may hold."""
LIST_LIMITS = {"targets": 20, "copies": 50, "keep": 200, "languages": 50}
"""Most items each list may hold."""
TEXT_LIMIT = 1_000
"""Longest text of a field with no limit of its own."""


def text_limit(path: tuple[str | int, ...]) -> int:
    """Return the longest text the field at `path` (`("targets", 0, "title")`) may hold."""
    pattern = ".".join("*" if isinstance(part, int) else str(part) for part in path)
    return TEXT_LIMITS.get(pattern, TEXT_LIMIT)
