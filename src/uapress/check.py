"""Commands over sources and translations that build no edition: check, status, checklist, update."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from .errors import Diagnostic, Findings, SourceError, UsageError
from .files import write_atomic
from .localise import localise
from .localise.store import update_store
from .model.checklist import build_checklist
from .source import find_actions, load_action
from .source.load import review_action


@dataclass
class CheckReport(Findings):
    """What `check` found across actions."""

    actions: int = 0
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def exit_code(self, strict: bool) -> int:
        """Return 1 on errors, or on warnings under --strict."""
        return 1 if self.errors or (strict and self.warnings) else 0


def check(root: Path, slugs: list[str] | None = None, today: dt.date | None = None) -> CheckReport:
    """Validate every named action and each published language's translations."""
    report = CheckReport()
    for path in find_actions(root, slugs):
        report.actions += 1
        action, found = review_action(path, today)
        report.diagnostics += found
        if action is None:
            continue
        for lang in action.languages:
            try:
                loc = localise(action, lang, root)
            except SourceError as exc:
                report.diagnostics += exc.diagnostics
                continue
            report.diagnostics += loc.problems
            where = loc.store_path or path
            for item in build_checklist(loc).segments:
                if item.status in ("missing", "fuzzy"):
                    if item.status == "missing":
                        what, hint = "is not translated", "write its msgstr"
                    else:
                        what, hint = "has a fuzzy (out-of-date) translation", "revise it, then remove the fuzzy flag"
                    report.diagnostics.append(Diagnostic("warning", f"[{lang}] segment {item.id} {what}", where,
                                                         field=item.field, hint=hint))
                for finding in item.findings:
                    if finding.severity == "error":
                        report.diagnostics.append(Diagnostic("warning", f"[{lang}] QA error in segment {item.id}: {finding.message}",
                                                             where, field=item.field))
    return report


def status_rows(root: Path, slugs: list[str] | None = None, today: dt.date | None = None) -> list[tuple]:
    """Return one row per action and language: counts, QA errors, share translated, verdict, and the reasons."""
    rows = []
    for path in find_actions(root, slugs):
        try:
            action, _ = load_action(path)
        except SourceError:
            rows.append((path.parent.name, "-", "-", "-", "-", "-", "-", "source has errors", ()))
            continue
        for lang in action.editions:
            checklist = build_checklist(localise(action, lang, root), today)
            counts = checklist.counts
            errors = sum(1 for s in checklist.segments for f in s.findings if f.severity == "error")
            share = "source" if checklist.is_source else f"{checklist.translated:.0%}"
            rows.append((action.slug, lang, counts["translated"], counts["fuzzy"], counts["missing"], errors, share,
                         "ready" if checklist.ready else "not ready", tuple(r.message for r in checklist.reasons)))
    return rows


def write_checklist(root: Path, slug: str, lang: str, out: Path | None = None,
                    today: dt.date | None = None) -> list[Path]:
    """Write checklist.html and checklist.json of one language, published or not."""
    from .brand import load_brand
    from .model.document import build_document
    from .source.load import _Checker
    from .writers import WRITERS, files_for

    path = find_actions(root, [slug])[0]
    action, _ = load_action(path)
    checker = _Checker(path)
    if checker._language({"lang": lang}, ("lang",)) is None:
        raise UsageError(f"'{lang}' is not a known language tag (use a BCP 47 tag such as de, pt-BR)")
    document = build_document(localise(action, lang, root), files_for(slug, lang), today)
    brand = load_brand(root)
    folder = out or root / "build" / slug / lang
    written = []
    for name in ("checklist-html", "checklist-json"):
        target = folder / WRITERS[name].file_for(slug, lang)
        write_atomic(target, WRITERS[name].load()(document, brand))
        written.append(target)
    return written


def update_translations(root: Path, slugs: list[str] | None, langs: list[str] | None):
    """Create or update the PO files of the named actions and languages."""
    reports = []
    for path in find_actions(root, slugs):
        action, _ = load_action(path)
        for lang in langs or action.languages:
            if lang == action.language:
                raise UsageError(f"{lang} is the source language of {action.slug}; it has no translation file")
            reports.append(update_store(action, lang))
    return reports
