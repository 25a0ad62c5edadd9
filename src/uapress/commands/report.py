"""CLI support: print diagnostics and summaries, in colour only on a terminal that wants it."""

from __future__ import annotations

import os
import sys
import textwrap
from collections import defaultdict
from typing import TextIO

from uapress.build.plan import BuildReport
from uapress.core.counts import plural
from uapress.core.errors import Diagnostic, Findings, display_path
from uapress.core.inputs import source_line

_COLOURS = {
    "error": "\033[1;31m",
    "warning": "\033[1;33m",
    "notice": "\033[1;36m",
    "ok": "\033[1;32m",
    "dim": "\033[2m",
    "end": "\033[0m",
}


def use_colour(stream: TextIO | None = None) -> bool:
    """Tell whether to colour output: only on a terminal, never with NO_COLOR set."""
    stream = stream or sys.stderr
    return (
        "NO_COLOR" not in os.environ
        and hasattr(stream, "isatty")
        and stream.isatty()
        and os.environ.get("TERM") != "dumb"
    )


def paint(text: str, kind: str, stream: TextIO | None = None) -> str:
    """Return `text` coloured for `kind` when colour is on."""
    return f"{_COLOURS[kind]}{text}{_COLOURS['end']}" if use_colour(stream) else text


def print_diagnostics(
    diagnostics: list[Diagnostic], *, quiet: bool = False, warnings: bool = True, width: int | None = None
) -> None:
    """Print findings grouped per file, each once, errors with the offending line and a caret.

    `warnings` false leaves warnings out (a build counts them; `check` and `build -v` list them); `width`
    wraps warnings and notices to lines that fit a terminal that wide.
    """
    by_file: dict[str, list[Diagnostic]] = defaultdict(list)
    seen: set[tuple[object, ...]] = set()
    for diagnostic in diagnostics:
        if (quiet and not diagnostic.is_error) or (not warnings and diagnostic.is_warning):
            continue
        # Issue 21: an action's warning reaches every language's edition; it is printed once.
        key = (diagnostic.severity, diagnostic.file, diagnostic.line, diagnostic.field, diagnostic.message)
        if key in seen:
            continue
        seen.add(key)
        by_file[display_path(diagnostic.file) if diagnostic.file else "<input>"].append(diagnostic)
    for file, found in by_file.items():
        print(paint(f"{file}: {counts(found)}", "dim"), file=sys.stderr)
        for diagnostic in sorted(found, key=lambda d: (d.line or 0, d.column or 0)):
            text = diagnostic.format(excerpt=diagnostic.is_error, source=source_line(diagnostic))
            head, _, rest = text.partition("\n")
            if width and not diagnostic.is_error:
                head = "\n".join(textwrap.wrap(head, width, subsequent_indent="    ", break_on_hyphens=False))
                rest = "\n".join(
                    "\n".join(textwrap.wrap(line, width, subsequent_indent="    ")) for line in rest.splitlines()
                )
            head = head.replace(
                f": {diagnostic.severity}: ", f": {paint(diagnostic.severity, diagnostic.severity)}: ", 1
            )
            print(head + ("\n" + rest if rest else ""), file=sys.stderr)


def counts(diagnostics: list[Diagnostic]) -> str:
    """Return "N errors, M warnings", and ", K notices" when there are notices (each in its plural form)."""
    errors = sum(d.is_error for d in diagnostics)
    warnings = sum(d.is_warning for d in diagnostics)
    notices = len(diagnostics) - errors - warnings
    return f"{plural(errors, 'error')}, {plural(warnings, 'warning')}" + (
        f", {plural(notices, 'notice')}" if notices else ""
    )


class Progress:
    """Show a build's progress: a bar redrawn in place on a terminal, one line per edition elsewhere."""

    BAR = 24
    """Width of the bar in characters."""

    def __init__(self, stream: TextIO | None = None, few: int = 4) -> None:
        self.stream = stream or sys.stderr
        self.few = few
        self.drawn = False

    def __call__(self, done: int, total: int, text: str) -> None:
        """Report that `done` of `total` editions are through; `text` says which and how."""
        terminal = hasattr(self.stream, "isatty") and self.stream.isatty()
        if terminal and total > self.few:
            filled = self.BAR * done // max(total, 1)
            bar = "#" * filled + "-" * (self.BAR - filled)
            self.stream.write(f"\r  [{bar}] {done}/{total} {text}"[:120].ljust(120))
            self.drawn = done < total
            if not self.drawn:
                self.stream.write("\n")
        else:
            self.stream.write(paint(f"  [{done}/{total}] {text}", "dim", self.stream) + "\n")
        self.stream.flush()


def summary(done: str, report: Findings) -> str:
    """Return a command's last line: what it did, then its errors, warnings and notices counted."""
    notices = f", {plural(len(report.notices), 'notice')}" if report.notices else ""
    return f"{done}, {plural(len(report.errors), 'error')}, {plural(len(report.warnings), 'warning')}{notices}"


def verdict_cell(failed: bool, blockers: int | None) -> str:
    """Return what the build's summary says of one edition: ready, or draft with its blockers counted."""
    if failed:
        return "FAILED"
    if blockers is None:
        return "?"
    return "ready" if blockers == 0 else "draft, " + plural(blockers, "blocker", "blockers")


def verdict_table(rows: list[tuple[str, str, bool, int | None]], out: str) -> list[str]:
    """Return the build's closing table: action x language -> ready or draft, then where the files to send are.

    `rows` are (slug, lang, failed, blockers) per edition; `out` is the output folder as the user wrote it.
    Issue 21: the publisher learns at the end of every build what may be sent, in lines that fit 100 columns.
    """
    if not rows:
        return []
    langs = list(dict.fromkeys(lang for _, lang, _, _ in rows))
    cells = {(slug, lang): verdict_cell(failed, blockers) for slug, lang, failed, blockers in rows}
    slugs = list(dict.fromkeys(slug for slug, _, _, _ in rows))
    first = max(len(slug) for slug in slugs) + 2
    width = max(len(cell) for cell in cells.values()) + 2
    lines = ["".ljust(first) + "".join(lang.ljust(width) for lang in langs).rstrip()]
    for slug in slugs:
        lines.append(slug.ljust(first) + "".join(cells.get((slug, lang), "-").ljust(width) for lang in langs).rstrip())
    ready = [key for key, cell in cells.items() if cell == "ready"]
    drafts = sum(cell.startswith("draft") for cell in cells.values())
    if ready:
        lines.append(f"Ready to send: {plural(len(ready), 'edition', 'editions')}, in {out}/<action>/<language>/")
    else:
        lines.append("Ready to send: none yet.")
    if drafts:
        lines.append(
            f"{plural(drafts, 'draft', 'drafts')} marked DRAFT in their language; `uapress status` says what blocks them."
        )
    lines.append(f"{out}/index.html lists the files, ready apart from drafts.")
    return lines


def build_lines(report: BuildReport, *, proof: bool, out: str, verbose: bool) -> list[str]:
    """Return what a build prints after its warnings: a line per edition, the verdict table and the summary."""
    lines = []
    for edition in report.editions:
        state = (
            "FAILED" if edition.failed else ("unchanged" if edition.unchanged else plural(len(edition.files), "file"))
        )
        counts = edition.counts
        extra = ""
        if counts and edition.job.lang != edition.job.action.language:
            extra = f" · {counts['translated']} translated, {counts['fuzzy']} fuzzy, {counts['missing']} missing"
        lines.append(f"{edition.job.name}: {state}{extra}")
        if verbose:
            lines.extend(f"    {path}" for path in edition.files)
    unchanged = sum(e.unchanged for e in report.editions)
    if not proof:
        rows = [(e.job.action.slug, e.job.lang, e.failed, e.blockers) for e in report.editions]
        lines.extend(verdict_table(rows, out))
    if report.warnings and not verbose:
        warned = len({(d.file, d.line, d.field, d.message) for d in report.warnings})
        lines.append(plural(warned, "warning", "warnings") + ": `uapress check` or `uapress -v build` lists them")
    failed = sum(e.failed for e in report.editions)
    # Only what was written counts as built: a failed edition is counted apart (issue 19).
    built = len(report.editions) - unchanged - failed
    counted = f"{plural(built, 'proof' if proof else 'edition')} built, {unchanged} unchanged"
    lines.append(summary(counted + (f", {failed} FAILED" if failed else ""), report))
    return lines
