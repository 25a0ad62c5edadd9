"""Errors and warnings: one exception family whose messages name file, line and field."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from uapress.core.counts import plural


@dataclass(frozen=True)
class Diagnostic:
    """One finding about an input file: where it is, what is wrong, how to fix it."""

    severity: str
    """"error", "warning" or "notice" (worth knowing, never fails a build, not even under --strict)."""
    message: str
    """What is wrong, in one sentence."""
    file: Path | None = None
    """The file the finding is about."""
    line: int | None = None
    """1-based line in that file."""
    column: int | None = None
    """1-based column in that file."""
    field: str | None = None
    """Dotted path of the field (`targets.0.title`)."""
    hint: str | None = None
    """How to fix it."""
    show_line: bool = True
    """False when the line is only the nearest place (a missing key): no excerpt is shown then."""
    code: str = ""
    """What kind of finding it is (`unresolved-link`, `no-reference`…), for the readiness verdict to count."""

    @property
    def is_error(self) -> bool:
        """Tell whether this finding fails the build."""
        return self.severity == "error"

    @property
    def is_warning(self) -> bool:
        """Tell whether this finding fails the build under --strict."""
        return self.severity == "warning"

    def location(self) -> str:
        """Return `file:line:column`, as far as known."""
        parts = [display_path(self.file) if self.file else "<input>"]
        if self.line:
            parts.append(str(self.line))
            if self.column:
                parts.append(str(self.column))
        return ":".join(parts)

    def format(self, excerpt: bool = False, source: str | None = None) -> str:
        """Return the message; with `excerpt`, add the offending line (`source`, see `inputs.source_line`) and the fix."""
        where = f"line {self.line}, " if self.line else ""
        field = f"{self.field}: " if self.field else ""
        head = f"{self.location()}: {self.severity}: {where}{field}{self.message}"
        lines = [head]
        source = source if excerpt and self.show_line else None
        if source is not None:
            number = str(self.line)
            source, column = _window(source, self.column)
            lines.append(f"  {number} | {source}")
            if column:
                lines.append(f"  {' ' * len(number)} | {' ' * (column - 1)}^")
        if self.hint:
            lines.append(f"  fix: {self.hint}" if excerpt else f"({self.hint})")
        return "\n".join(lines) if excerpt else " ".join(lines)


EXCERPT = 120
"""Widest excerpt of a source line shown under an error: a padded line of megabytes is cut around the caret."""


def _window(line: str, column: int | None) -> tuple[str, int | None]:
    """Return the part of a long line around `column`, marked with … where cut, and the column within it."""
    if len(line) <= EXCERPT:
        return line, column
    start = max(0, min((column or 1) - 1 - EXCERPT // 3, len(line) - EXCERPT))
    cut = ("…" if start else "") + line[start : start + EXCERPT] + ("…" if start + EXCERPT < len(line) else "")
    return cut, (column - start + (1 if start else 0)) if column else None


def display_path(path: Path) -> str:
    """Return a path relative to the working folder when it lies below it."""
    # Not resolved first: a file that is a link is named by its own path, not by where it points.
    here, there = Path(path).absolute(), Path.cwd()
    if here.is_relative_to(there):
        return str(here.relative_to(there))
    try:
        here, there = Path(path).resolve(), there.resolve()
    except (OSError, RuntimeError):  # a loop of links (issue 25): named as given
        return str(path)
    return str(here.relative_to(there)) if here.is_relative_to(there) else str(path)


class Findings:
    """Sort a report's `diagnostics` by what they do to the exit code."""

    diagnostics: list[Diagnostic]

    @property
    def errors(self) -> list[Diagnostic]:
        """Return the findings that fail the command."""
        return [d for d in self.diagnostics if d.is_error]

    @property
    def warnings(self) -> list[Diagnostic]:
        """Return the findings that fail only under --strict."""
        return [d for d in self.diagnostics if d.is_warning]

    @property
    def notices(self) -> list[Diagnostic]:
        """Return the findings that never fail (an expired action)."""
        return [d for d in self.diagnostics if not (d.is_error or d.is_warning)]


class UapressError(Exception):
    """Base of every error uapress reports to its user; never shown with a traceback."""

    exit_code = 1

    def __init__(self, message: str = "", diagnostics: list[Diagnostic] | None = None):
        super().__init__(message)
        self.diagnostics = list(diagnostics or [])

    def __str__(self) -> str:
        lines = [super().__str__()] if super().__str__() else []
        lines += [d.format() for d in self.diagnostics]
        return "\n".join(lines)


class SourceError(UapressError):
    """A source file (action, labels, translations) has errors."""


class BuildError(UapressError):
    """An edition could not be written."""


class UsageError(UapressError):
    """The command was called wrongly: unknown action, language or option."""

    exit_code = 2


class Interrupted(UapressError):
    """The build was stopped (Ctrl-C, SIGTERM) between two editions' writes."""

    exit_code = 130

    def __init__(self, built: int, not_started: int):
        super().__init__(
            f"interrupted: {plural(built, 'edition')} built, {not_started} not started; outputs left as they were"
        )
