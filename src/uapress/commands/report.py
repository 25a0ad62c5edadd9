"""CLI support: print diagnostics and summaries, in colour only on a terminal that wants it."""

from __future__ import annotations

import os
import sys
from collections import defaultdict
from typing import TextIO

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


def print_diagnostics(diagnostics: list[Diagnostic], *, quiet: bool = False) -> None:
    """Print findings grouped per file, errors with the offending line and a caret."""
    by_file: dict[str, list[Diagnostic]] = defaultdict(list)
    for diagnostic in diagnostics:
        if quiet and not diagnostic.is_error:
            continue
        by_file[display_path(diagnostic.file) if diagnostic.file else "<input>"].append(diagnostic)
    for file, found in by_file.items():
        print(paint(f"{file}: {counts(found)}", "dim"), file=sys.stderr)
        for diagnostic in sorted(found, key=lambda d: (d.line or 0, d.column or 0)):
            text = diagnostic.format(excerpt=diagnostic.is_error, source=source_line(diagnostic))
            head, _, rest = text.partition("\n")
            head = head.replace(
                f": {diagnostic.severity}: ", f": {paint(diagnostic.severity, diagnostic.severity)}: ", 1
            )
            print(head + ("\n" + rest if rest else ""), file=sys.stderr)


def counts(diagnostics: list[Diagnostic]) -> str:
    """Return "N error(s), M warning(s)", and ", K notice(s)" when there are notices."""
    errors = sum(d.is_error for d in diagnostics)
    warnings = sum(d.is_warning for d in diagnostics)
    notices = len(diagnostics) - errors - warnings
    return f"{errors} error(s), {warnings} warning(s)" + (f", {notices} notice(s)" if notices else "")


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
    notices = f", {len(report.notices)} notice(s)" if report.notices else ""
    return f"{done}, {len(report.errors)} error(s), {len(report.warnings)} warning(s){notices}"
