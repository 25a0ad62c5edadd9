"""Stage 3, document model: the translation checklist of one edition, format-neutral."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field, replace

from ..localise import Localisation
from ..localise.qa import Finding, check_segment, confirmed_ids

MANUAL_ITEMS = (
    ("salutation", "The salutation follows this language's letter conventions (form of address, punctuation)."),
    ("target", "The target's name and postal address are left exactly as in the source."),
    ("names", "Every person's name is spelled exactly as in the source."),
    ("links", "Links point to this language's version of each page where one exists."),
    ("appeal-language", "The note on the preferred language of appeals is kept."),
    ("read-through", "A final read-through of the whole edition by a second person."),
)


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
    findings: tuple = ()
    diff: tuple = ()
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
    segments: tuple
    facts: tuple
    """(label, value) pairs to copy exactly: deadline, issue date, appeal language, after-deadline note."""
    manual: tuple = MANUAL_ITEMS
    missing_labels: tuple = ()
    counts: dict = field(default_factory=dict)
    ready: bool = False
    reasons: tuple = ()
    published: bool = True
    """False for a language the action does not list yet (its checklist has no edition to link)."""

    @property
    def readiness(self) -> float:
        """Return the share of segments published as translations (0 to 1)."""
        total = len(self.segments)
        return (self.counts.get("translated", 0) / total) if total else 1.0


def build_checklist(loc: Localisation) -> Checklist:
    """Check every segment of a localisation and decide whether the language is ready."""
    keep = loc.action.keep + tuple(t.name for t in loc.action.targets)
    segments = []
    for segment in loc.segments:
        findings: tuple = ()
        if segment.status in ("translated", "invalid", "fuzzy") and _translation(loc, segment):
            confirmed = confirmed_ids(loc.comments.get(segment.id, ()))
            findings = tuple(replace(f, confirmed=f.id in confirmed and f.severity == "warning")
                             for f in check_segment(segment.source, _translation(loc, segment), keep, segment.field,
                                                    loc.lang, loc.action.language))
        diff = tuple(word_diff(loc.previous[segment.id], segment.source)) if segment.status == "fuzzy" and segment.id in loc.previous else ()
        origin = next((c for c in loc.comments.get(segment.id, ()) if c.lower().startswith(ORIGINS)), "")
        segments.append(ChecklistSegment(segment.id, segment.field, segment.source,
                                         _translation(loc, segment) if segment.status != "source" else segment.text,
                                         segment.status, findings, diff, origin))
    labels = loc.labels
    facts = (
        (labels["deadline"], loc.deadline),
        (labels["issued"], loc.issued),
        (labels["preferred_language"], loc.appeal_language),
        ("After-deadline note", labels["after_deadline"]),
    )
    counts = loc.counts
    reasons = []
    if counts["missing"]:
        reasons.append(f"{counts['missing']} segment(s) not translated")
    if counts["fuzzy"]:
        reasons.append(f"{counts['fuzzy']} segment(s) with an out-of-date (fuzzy) translation")
    imported = sum(1 for s in segments if s.origin.lower().startswith("imported") and s.status == "translated")
    if imported:
        # Imported from a translated DOCX or XLIFF file (`uapress import`): published, but a person
        # accepts each one by deleting its "imported from" comment in the PO file.
        reasons.append(f"{imported} imported segment(s) to review")
    # Findings on an out-of-date (fuzzy) translation are already counted above; elsewhere an error
    # or an unconfirmed warning blocks readiness.
    published = [f for s in segments if s.status in ("translated", "invalid") for f in s.findings]
    errors = sum(1 for f in published if f.severity == "error")
    if errors:
        reasons.append(f"{errors} QA error(s)")
    warnings = sum(1 for f in published if f.severity == "warning" and not f.confirmed)
    if warnings:
        reasons.append(f"{warnings} QA warning(s) to confirm ('uapress translations confirm')")
    if loc.labels.missing and not loc.is_source:
        reasons.append(f"{len(loc.labels.missing)} label(s) shown in English")
    return Checklist(loc.action.slug, loc.lang, loc.action.language, _name(loc), tuple(segments), facts,
                     missing_labels=tuple(loc.labels.missing), counts=counts, ready=not reasons, reasons=tuple(reasons),
                     published=loc.lang in loc.action.editions)


def _translation(loc: Localisation, segment) -> str:
    if segment.status in ("translated", "source"):
        return segment.text
    return loc.drafts.get(segment.id, "")


def _name(loc: Localisation) -> str:
    from ..localise import locale

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


def finding_dict(finding: Finding) -> dict:
    """Return a finding as plain data."""
    return {"id": finding.id, "check": finding.check, "severity": finding.severity, "message": finding.message,
            "fix": finding.fix, "confirmed": finding.confirmed}
