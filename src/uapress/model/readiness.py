"""Stage 3, document model: whether an edition may be published, and every reason it may not.

One verdict for the checklist, `uapress status`, `uapress checklist` and the publication index. An edition
is ready only when its translation is complete and accepted *and* the action itself is ready to send:
no link left without an address, a document reference, a deadline still ahead, no warning left from
`uapress check`. The share of segments translated is a separate figure, never the verdict.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from gettext import ngettext

from uapress.core.errors import Diagnostic
from uapress.core.nodes import Emphasis, Inline, Link, Segment, SegmentSpan, Strong, plain_text
from uapress.localise import Localisation, locale
from uapress.localise.labels import Labels
from uapress.source.markdown import MarkdownIssue, parse_inlines

EDITORIAL = ("unresolved_links", "no_reference", "expired", "warnings")
"""Blockers of the action itself: they hold back every language, the source language too."""
COUNTED_ELSEWHERE = ("unresolved-link", "no-reference", "labels-missing", "fuzzy")
"""Diagnostic codes a blocker of their own already reports, so "other warnings" does not count them twice."""


@dataclass(frozen=True)
class Blocker:
    """One reason an edition is not ready to publish."""

    code: str
    """`unresolved_links`, `no_reference`, `expired`, `warnings` (the action); `missing`, `fuzzy`, `invalid`,
    `imported`, `qa_errors`, `qa_warnings`, `labels`, `store_warnings` (the translation). Its label in `source/labels` is `blocker_<code>`."""
    message: str
    """The reason in English, for the terminal, the index and machines."""
    value: str = ""
    """What follows the label in the checklist's language: a count, a date."""
    details: tuple[str, ...] = ()
    """The items behind it as written (link texts, warning messages)."""

    @property
    def editorial(self) -> bool:
        """Tell whether the action itself, not this language's translation, holds the edition back."""
        return self.code in EDITORIAL

    def text(self, labels: Labels, lang: str) -> str:
        """Return the reason in the language of `labels`: its label, then its value."""
        label = labels[f"blocker_{self.code}"]
        return f"{label}{locale.colon(lang)}{self.value}" if self.value else label


@dataclass(frozen=True)
class UnresolvedLink:
    """A link whose address is still `#`: what it reads and where it is."""

    field: str
    segment: str
    """The segment id."""
    text: str


def counted(code: str, count: int, message: str) -> Blocker | None:
    """Return a blocker for `count` items, or None when there are none."""
    return Blocker(code, message, str(count)) if count else None


def unresolved_links(segments: Iterable[Segment]) -> tuple[UnresolvedLink, ...]:
    """Return every link left as `#` (or empty) in the text the segments show, in document order."""
    found = []
    for segment in segments:
        try:
            inlines, _ = parse_inlines(segment.text)
        except MarkdownIssue:
            continue
        found += [UnresolvedLink(segment.field, segment.id, text) for text in _placeholder_links(inlines)]
    return tuple(found)


def _placeholder_links(inlines: Iterable[Inline]) -> list[str]:
    out = []
    for node in inlines:
        if isinstance(node, Link) and node.url.strip() in ("", "#"):
            out.append(plain_text(node.children))
        elif isinstance(node, (Link, Emphasis, Strong, SegmentSpan)):
            out += _placeholder_links(node.children)
    return out


def editorial_blockers(loc: Localisation, links: tuple[UnresolvedLink, ...], today: dt.date) -> list[Blocker]:
    """Return what holds back the action in every language: links, reference, deadline, `check` warnings."""
    action = loc.action
    blockers = []
    if links:
        blockers.append(
            Blocker(
                "unresolved_links",
                ngettext("%d link without an address (#)", "%d links without an address (#)", len(links)) % len(links),
                str(len(links)),
                tuple(link.text for link in links),
            )
        )
    if not action.reference:
        blockers.append(Blocker("no_reference", "no document reference"))
    if action.deadline < today:
        blockers.append(
            Blocker(
                "expired",
                f"the deadline {action.deadline.isoformat()} has passed",
                locale.long_date(action.deadline, loc.lang),
            )
        )
    if others := _uncounted(action.warnings):
        blockers.append(
            Blocker(
                "warnings",
                ngettext(
                    "%d other warning: run uapress check to see it",
                    "%d other warnings: run uapress check to see them",
                    len(others),
                )
                % len(others),
                str(len(others)),
                tuple(d.message for d in others),
            )
        )
    return blockers


def store_blocker(loc: Localisation) -> Blocker | None:
    """Return the warnings about this language's PO file that no other blocker reports (unused entries)."""
    others = _uncounted(loc.problems)
    if not others:
        return None
    return Blocker(
        "store_warnings",
        ngettext("%d warning about the translation file", "%d warnings about the translation file", len(others))
        % len(others),
        str(len(others)),
        tuple(d.message for d in others),
    )


def _uncounted(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    return [d for d in diagnostics if d.is_warning and d.code not in COUNTED_ELSEWHERE]
