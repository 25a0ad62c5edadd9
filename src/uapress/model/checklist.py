"""Stage 3, document model: the translation checklist of one edition, format-neutral."""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import json
import re
from dataclasses import dataclass, field, replace
from gettext import ngettext
from typing import TypedDict

from uapress.core.nodes import Segment
from uapress.localise import Localisation, locale
from uapress.localise.labels import Labels
from uapress.localise.qa import Finding, check_segment, comment_findings, confirmed_ids
from uapress.model.editorial import Editorial, build_editorial
from uapress.model.readiness import (
    Blocker,
    counted,
    editorial_blockers,
    store_blocker,
    unresolved_links,
)

MANUAL_ITEMS = ("salutation", "target", "names", "links", "appeal-language", "read-through")
"""What a person checks by hand in a translation; each item's text is the label `manual_<item>`."""
EDITORIAL_ITEMS = ("links-resolved", "names-spelled", "addresses", "dates", "read-through")
"""What an editor checks by hand in the source language."""


ORIGINS = ("imported", "tm:")
"""Translator comments that say where a translation came from: `uapress import`, the translation memory."""
# Exact memory matches are published like any translation (they were accepted once for this very
# text) and QA-checked like the rest; the checklist lists them "from memory" without holding the
# language back. Close matches are fuzzy, so they count as out of date until revised.


@dataclass(frozen=True)
class ChecklistSegment:
    """One segment as the checklist shows it."""

    id: str
    field: str
    source: str
    translation: str
    status: str
    findings: tuple[Finding, ...] = ()
    diff: tuple[tuple[str, str], ...] = ()
    """For fuzzy segments: (operation, words) pairs of what changed in the source: `=`, `-`, `+`."""
    origin: str = ""
    """Where the translation came from (a translator comment), if known."""

    @property
    def from_memory(self) -> bool:
        """Tell whether the translation was pre-filled from the translation memory (`tm: …` comment)."""
        return self.origin.startswith("tm:")


@dataclass(frozen=True)
class Checklist:
    """What a translator and a reviewer need to know about one language of one action."""

    slug: str
    lang: str
    source_lang: str
    language_name: str
    segments: tuple[ChecklistSegment, ...]
    facts: tuple[tuple[str, str], ...]
    """(label, value) pairs to copy exactly: deadline, issue date, appeal language, after-deadline note."""
    manual: tuple[tuple[str, str], ...] = ()
    """(id, text) pairs a person ticks, in the checklist's language."""
    missing_labels: tuple[str, ...] = ()
    counts: dict[str, int] = field(default_factory=dict)
    reasons: tuple[Blocker, ...] = ()
    """`readiness.Blocker`s: every reason the edition is not ready, the action's first."""
    published: bool = True
    """False for a language the action does not list yet (its checklist has no edition to link)."""
    is_source: bool = False
    """True for the source language: an editorial checklist, nothing to translate."""
    editorial: Editorial | None = None
    labels: Labels = field(kw_only=True)  # required: keyword-only, since it follows fields with defaults
    """The `Labels` every word of the checklist is taken from."""
    source_hash: str = ""
    """Short hash of the source: ticks saved for another version of it do not apply."""

    @property
    def ready(self) -> bool:
        """Tell whether the edition may be published: nothing blocks it, neither the action nor the translation."""
        return not self.reasons

    @property
    def translated(self) -> float:
        """Return the share of segments published as translations (0 to 1); not the verdict."""
        total = len(self.segments)
        return (self.counts.get("translated", 0) / total) if total else 1.0

    @property
    def storage_key(self) -> str:
        """Return the key the checklist page keeps its ticked boxes under: action, language, source hash."""
        return f"uapress-checklist:{self.slug}:{self.lang}:{self.source_hash}"

    def reason_texts(self) -> list[str]:
        """Return the reasons in the checklist's language."""
        return [reason.text(self.labels, self.lang) for reason in self.reasons]


def build_checklist(loc: Localisation, today: dt.date | None = None) -> Checklist:
    """Check every segment of a localisation and decide whether the edition is ready (as of `today`)."""
    today = today or dt.date.today()
    keep = loc.action.keep + tuple(t.name for t in loc.action.targets)
    segments: list[ChecklistSegment] = []
    for segment in loc.segments:
        found: list[Finding] = []
        if segment.status in ("translated", "invalid", "fuzzy") and _translation(loc, segment):
            found = check_segment(
                segment.source,
                _translation(loc, segment),
                keep,
                segment.field,
                loc.lang,
                loc.action.language,
                loc.action.languages,
            )
        # A person's comment on the entry (a Word comment, a reviewer's note on a proof) is a warning
        # until someone confirms it was dealt with, whatever the state of the translation (issue 22).
        found += comment_findings(loc.comments.get(segment.id, ()))
        confirmed = confirmed_ids(loc.comments.get(segment.id, ()))
        findings = tuple(replace(f, confirmed=f.id in confirmed and f.severity == "warning") for f in found)
        diff = (
            tuple(word_diff(loc.previous[segment.id], segment.source))
            if segment.status == "fuzzy" and segment.id in loc.previous
            else ()
        )
        origin = next((c for c in loc.comments.get(segment.id, ()) if c.lower().startswith(ORIGINS)), "")
        segments.append(
            ChecklistSegment(
                segment.id,
                segment.field,
                segment.source,
                _translation(loc, segment) if segment.status != "source" else segment.text,
                segment.status,
                findings,
                diff,
                origin,
            )
        )
    labels = loc.labels
    facts = (
        (labels["deadline"], loc.deadline),
        (labels["issued"], loc.issued),
        (labels["preferred_language"], loc.appeal_language),
        (labels["after_deadline_note"], labels["after_deadline"]),
    )
    counts = loc.counts
    links = unresolved_links(loc.segments)
    reasons: list[Blocker | None] = [*editorial_blockers(loc, links, today)]
    reasons.append(
        counted(
            "missing", counts["missing"], _n(counts["missing"], "segment not translated", "segments not translated")
        )
    )
    reasons.append(
        counted(
            "fuzzy",
            counts["fuzzy"],
            _n(
                counts["fuzzy"],
                "segment with an out-of-date (fuzzy) translation",
                "segments with an out-of-date (fuzzy) translation",
            ),
        )
    )
    reasons.append(
        counted(
            "invalid",
            counts["invalid"],
            _n(counts["invalid"], "translation breaking Markdown", "translations breaking Markdown"),
        )
    )
    imported = sum(1 for s in segments if s.origin.lower().startswith("imported") and s.status == "translated")
    # Imported from a translated DOCX or XLIFF file (`uapress import`): published, but a person
    # accepts each one by deleting its "imported from" comment in the PO file.
    reasons.append(
        counted("imported", imported, _n(imported, "imported segment to review", "imported segments to review"))
    )
    # Findings on an out-of-date (fuzzy) translation are already counted above; elsewhere an error
    # or an unconfirmed warning blocks readiness (issue 12).
    published = [
        f for s in segments for f in s.findings if s.status in ("translated", "invalid") or f.check == "comment"
    ]
    errors = sum(1 for f in published if f.severity == "error")
    reasons.append(counted("qa_errors", errors, _n(errors, "QA error", "QA errors")))
    warnings = sum(1 for f in published if f.severity == "warning" and not f.confirmed)
    reasons.append(
        counted(
            "qa_warnings",
            warnings,
            _n(warnings, "QA warning", "QA warnings") + " to confirm ('uapress translations confirm')",
        )
    )
    if loc.labels.missing and not loc.is_source:
        reasons.append(
            counted(
                "labels",
                len(loc.labels.missing),
                _n(len(loc.labels.missing), "label shown in English", "labels shown in English"),
            )
        )
    reasons.append(store_blocker(loc))
    items = EDITORIAL_ITEMS if loc.is_source else MANUAL_ITEMS
    manual = tuple((item, labels["manual_" + item.replace("-", "_")]) for item in items)
    return Checklist(
        loc.action.slug,
        loc.lang,
        loc.action.language,
        _name(loc),
        tuple(segments),
        facts,
        manual=manual,
        missing_labels=tuple(loc.labels.missing),
        counts=counts,
        reasons=tuple(r for r in reasons if r),
        published=loc.lang in loc.action.editions,
        is_source=loc.is_source,
        editorial=build_editorial(loc, links, today),
        labels=labels,
        source_hash=source_hash(loc),
    )


def source_hash(loc: Localisation) -> str:
    """Return a short hash of everything the source says: its segments and its facts."""
    action = loc.action
    facts = [
        action.reference,
        action.ua_number,
        action.issued.isoformat(),
        action.deadline.isoformat(),
        action.country,
        action.appeal_language,
        list(action.keep),
        [[t.name, t.address, t.email] for t in action.targets],
        [[c.name, c.address] for c in action.copies],
        [action.previous.reference, action.previous.url] if action.previous else None,
    ]
    data = json.dumps([[s.field, s.source] for s in loc.segments] + [facts], ensure_ascii=False)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()[:12]


def _translation(loc: Localisation, segment: Segment) -> str:
    if segment.status in ("translated", "source"):
        return segment.text
    return loc.drafts.get(segment.id, "")


def _name(loc: Localisation) -> str:
    return locale.own_language_name(loc.lang)


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """Return a word-level diff from `old` to `new` as (operation, text) pairs."""
    a, b = re.findall(r"\S+|\s+", old), re.findall(r"\S+|\s+", new)
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(("=", "".join(a[i1:i2])))
        else:
            if i2 > i1:
                out.append(("-", "".join(a[i1:i2])))
            if j2 > j1:
                out.append(("+", "".join(b[j1:j2])))
    return out


class FindingData(TypedDict):
    """A QA finding as plain data (JSON)."""

    id: str
    check: str
    severity: str
    message: str
    fix: str
    confirmed: bool


def finding_dict(finding: Finding) -> FindingData:
    """Return a finding as plain data."""
    return {
        "id": finding.id,
        "check": finding.check,
        "severity": finding.severity,
        "message": finding.message,
        "fix": finding.fix,
        "confirmed": finding.confirmed,
    }


def _n(count: int, one: str, many: str) -> str:
    """Return "1 segment not translated" or "7 segments not translated": gettext's plural form for `count` (issue 21)."""
    return f"{count} {ngettext(one, many, count)}"
