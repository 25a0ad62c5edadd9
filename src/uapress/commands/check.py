"""Commands over sources and translations that build no edition: check, status, checklist, update."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from uapress.build.render import localised, render
from uapress.core.errors import Diagnostic, Findings, SourceError, UsageError, display_path
from uapress.core.files import write_outputs
from uapress.localise import localise, po
from uapress.localise.memory import load_memory
from uapress.localise.qa import CONFIRMED
from uapress.localise.store import save_store, store_path, update_store
from uapress.model.checklist import Checklist, build_checklist
from uapress.source import find_actions, load_action
from uapress.source.load import review_action
from uapress.source.validate import require_language
from uapress.writers.brand import load_brand

if TYPE_CHECKING:
    from uapress.localise.memory import Memory
    from uapress.localise.store import UpdateReport

StatusRow = tuple[str, str, int | str, int | str, int | str, int | str, str, str, tuple[str, ...]]
"""Action, language, translated, fuzzy, missing, QA errors, share translated, verdict, reasons ("-" when unknown)."""


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
                    if item.status == "missing" and not (loc.store_path and loc.store_path.exists()):
                        # No PO file yet: there is no msgstr to write until it is made (issue 19).
                        what, hint = (
                            "is not translated",
                            (
                                f"run `uapress translations update {action.slug} --lang {lang}` to make "
                                f"{display_path(store_path(action, lang))}, then write its msgstr"
                            ),
                        )
                    elif item.status == "missing":
                        what, hint = "is not translated", "write its msgstr"
                    else:
                        what, hint = "has a fuzzy (out-of-date) translation", "revise it, then remove the fuzzy flag"
                    report.diagnostics.append(
                        Diagnostic("warning", f"[{lang}] segment {item.id} {what}", where, field=item.field, hint=hint)
                    )
                for finding in item.findings:
                    if finding.blocking:
                        kind = "error" if finding.severity == "error" else f"warning to confirm ({finding.id})"
                        report.diagnostics.append(
                            Diagnostic(
                                "warning",
                                f"[{lang}] QA {kind} in segment {item.id}: [{finding.check}] {finding.message}",
                                where,
                                field=item.field,
                                hint=finding.fix,
                            )
                        )
    return report


def status_rows(root: Path, slugs: list[str] | None = None, today: dt.date | None = None) -> list[StatusRow]:
    """Return one row per action and language: counts, QA errors, share translated, verdict, and the reasons."""
    rows: list[StatusRow] = []
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
            rows.append(
                (
                    action.slug,
                    lang,
                    counts["translated"],
                    counts["fuzzy"],
                    counts["missing"],
                    errors,
                    share,
                    "ready" if checklist.ready else "not ready",
                    tuple(r.message for r in checklist.reasons),
                )
            )
    return rows


CHECKLISTS = ("checklist-html", "checklist-json")
"""The writers of a language's translation checklist."""


def status_table(rows: list[StatusRow]) -> list[str]:
    """Return `uapress status` as aligned columns, each row's reasons on an indented line under it."""
    header = ("action", "lang", "translated", "fuzzy", "missing", "QA errors", "translated %", "verdict")
    table = [header] + [tuple(str(v) for v in row[:-1]) for row in rows]
    widths = [max(len(r[i]) for r in table) for i in range(len(header))]
    reasons: list[tuple[str, ...]] = [()] + [row[-1] for row in rows]
    lines = []
    for index, row in enumerate(table):
        lines.append("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
        if index == 0:
            lines.append("  ".join("-" * width for width in widths))
        if reasons[index]:
            lines.append(f"    {'; '.join(reasons[index])}")
    return lines


def write_checklist(
    root: Path, slug: str, lang: str, out: Path | None = None, today: dt.date | None = None
) -> tuple[list[Path], Checklist]:
    """Write checklist.html and checklist.json of one language, published or not; return them and the checklist."""
    path = find_actions(root, [slug])[0]
    action, _ = load_action(path)
    require_language(lang)
    _, document = localised(action, lang, root, today=today, letters=False)
    folder = out or root / "build" / slug / lang
    files: dict[Path, str | bytes] = {
        folder / name: data for name, data in render(document, CHECKLISTS, load_brand(root)).items()
    }
    write_outputs(root / "build", files)
    assert document.checklist is not None  # build_document always makes one
    return list(files), document.checklist


def checklist_lines(checklist: Checklist) -> list[str]:
    """Return the verdict and every QA finding of a checklist, each with its class, fix and id, for the terminal."""
    verdict = "ready" if checklist.ready else "not ready: " + "; ".join(r.message for r in checklist.reasons)
    lines = [f"{checklist.slug} [{checklist.lang}]: {verdict}"]
    for segment in checklist.segments:
        for finding in segment.findings:
            state = " (confirmed)" if finding.confirmed else ""
            lines.append(
                f"  segment {segment.id} ({segment.field}): {finding.severity}{state} [{finding.check}] "
                f"{finding.message}"
            )
            lines.append(f"    fix: {finding.fix}")
            if finding.severity == "warning" and not finding.confirmed:
                lines.append(
                    f"    if it is right: uapress translations confirm {checklist.slug} --lang {checklist.lang} "
                    f"{finding.id}"
                )
    return lines


def confirm_findings(root: Path, slug: str, lang: str, ids: list[str]) -> list[str]:
    """Record that a person checked QA warnings: a `# qa-ok: <id>` comment on each entry; return what was done."""
    action, _ = load_action(find_actions(root, [slug])[0])
    if lang == action.language or lang not in action.languages:
        raise UsageError(
            f"'{lang}' is not a translation of {slug} (its languages: {', '.join(action.languages) or 'none'})"
        )
    checklist = build_checklist(localise(action, lang, root))
    found = {f.id: (segment, f) for segment in checklist.segments for f in segment.findings}
    unknown = [i for i in ids if i not in found]
    if unknown:
        known = ", ".join(f.id for _, f in found.values() if f.severity == "warning") or "none"
        raise UsageError(
            f"no QA finding {', '.join(unknown)} in {slug} [{lang}] (a changed translation gets new ids; "
            f"warnings now: {known})"
        )
    errors = [i for i in ids if found[i][1].severity == "error"]
    if errors:
        raise UsageError(
            f"{', '.join(errors)}: an error cannot be confirmed; fix the translation ({found[errors[0]][1].fix})"
        )
    path = store_path(action, lang)
    file = po.read(path)
    done = []
    for finding_id in ids:
        segment, finding = found[finding_id]
        entry = file.find(segment.field, segment.source)
        if entry is None:
            raise UsageError(
                f"{path}: the PO file is older than the source; run 'uapress translations update "
                f"{slug} --lang {lang}' first"
            )
        if finding.confirmed:
            done.append(f"{finding_id}: already confirmed")
            continue
        # Confirmations of findings the entry no longer has (its translation changed) are dropped.
        current = {f.id for f in segment.findings}
        entry.comments = [
            c for c in entry.comments if not c.lower().startswith(CONFIRMED) or c[len(CONFIRMED) :].strip() in current
        ] + [f"{CONFIRMED} {finding_id}"]
        done.append(f"{finding_id}: confirmed ({finding.check} in segment {segment.id})")
    save_store(path, file)
    return done


def update_translations(
    root: Path, slugs: list[str] | None, langs: list[str] | None, memory: bool = True
) -> list[UpdateReport]:
    """Create or update the PO files of the named actions and languages, pre-filling from the memory."""
    reports: list[UpdateReport] = []
    memories: dict[tuple[str, str], Memory] = {}
    for path in find_actions(root, slugs):
        action, _ = load_action(path)
        for lang in langs or action.languages:
            if lang == action.language:
                raise UsageError(f"{lang} is the source language of {action.slug}; it has no translation file")
            pair = (action.language, lang)
            if memory and pair not in memories:
                # Read once per language pair, before any file changes: every action's accepted
                # translations as they stood, so the order of the actions changes nothing.
                memories[pair] = load_memory(root, *pair)
            reports.append(update_store(action, lang, memories.get(pair)))
    return reports
