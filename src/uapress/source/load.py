"""Stage 1, source: find the actions of a project and load each one, validated, with what it warns about."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import replace
from pathlib import Path

from uapress.core.counts import plural
from uapress.core.errors import Diagnostic, SourceError, UsageError
from uapress.core.inputs import read_project_text
from uapress.source.schema import (
    Action,
)
from uapress.source.validate import Checker


def project_root(start: Path | None = None) -> Path:
    """Return the project folder: the nearest parent holding `source/actions`."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "source" / "actions").is_dir():
            return folder
    raise UsageError(
        f"no uapress project here: {here} has no source/actions folder; "
        "run uapress from the project folder (the one with source/ and styles/)"
    )


def find_actions(root: Path, slugs: list[str] | None = None) -> list[Path]:
    """Return the `action.yaml` files of the named actions, or of every action."""
    actions = root / "source" / "actions"
    # A link counts even when it leads nowhere (a loop, a missing file): reading it says why (issue 25).
    known = sorted(
        folder.name
        for folder in actions.glob("*/")
        if (folder / "action.yaml").is_symlink() or (folder / "action.yaml").is_file()
    )
    if not slugs:
        return [actions / slug / "action.yaml" for slug in known]
    missing = [slug for slug in slugs if slug not in known]
    if missing:
        hints = []
        for slug in missing:
            close = difflib.get_close_matches(slug, known, n=1)
            hints.append(f"'{slug}'" + (f" (did you mean '{close[0]}'?)" if close else ""))
        raise UsageError(f"no such action: {', '.join(hints)}; known actions: {', '.join(known) or 'none'}")
    return [actions / slug / "action.yaml" for slug in slugs]


def load_action(path: Path, raw: bytes | None = None) -> tuple[Action, list[Diagnostic]]:
    """Read and validate one action (from `raw` when its bytes are already read); raise SourceError listing every
    error, return the warnings."""
    checker = Checker(Path(path), raw)
    action = checker.run()
    errors = [d for d in checker.found if d.is_error]
    if errors or action is None:
        raise SourceError(f"{path}: {plural(len(errors), 'error')}", checker.found)
    # The readiness verdict of every edition counts what is still to fix in the source.
    return replace(action, warnings=tuple(d for d in checker.found if d.is_warning)), checker.found


def review_action(
    path: Path, today: dt.date | None = None, raw: bytes | None = None
) -> tuple[Action | None, list[Diagnostic]]:
    """Load an action for a report: never raise on its errors, return them with its warnings and notices."""
    try:
        action, found = load_action(path, raw)
    except SourceError as exc:
        return None, list(exc.diagnostics)
    notice = deadline_notice(action, today)
    return action, found + date_warnings(action, today) + ([notice] if notice else [])


def deadline_notice(action: Action, today: dt.date | None = None) -> Diagnostic | None:
    """Return a notice when the action's deadline has passed; an expired action is still built."""
    today = today or dt.date.today()
    if action.deadline >= today:
        return None
    # A notice, not a warning: an expired action is a fact to know, not a fault to fix (`--strict` passes).
    return _at_key(
        action,
        "deadline",
        f"deadline {action.deadline.isoformat()} has passed; the action is still built "
        "and marked expired in the publication index",
        "set a later deadline if the action is extended",
        severity="notice",
    )


# A date this far from today, or a deadline this long after the issue date, is more likely a mistyped year than
# an action's real timetable (issue 19).
FAR_FROM_TODAY = dt.timedelta(days=366)
LONGEST_ACTION = dt.timedelta(days=183)


def date_warnings(action: Action, today: dt.date | None = None) -> list[Diagnostic]:
    """Return warnings for an issue date or deadline over a year after `today`, or a deadline over six months
    after the issue date."""
    today = today or dt.date.today()
    found = []
    for key, date in (("issued", action.issued), ("deadline", action.deadline)):
        if date - today > FAR_FROM_TODAY:
            found.append(
                _at_key(
                    action,
                    key,
                    f"{key} {date.isoformat()} is more than a year after today ({today.isoformat()})",
                    f"check the year of '{key}'",
                    code=f"far-{key}",
                )
            )
    if action.deadline - action.issued > LONGEST_ACTION:
        found.append(
            _at_key(
                action,
                "deadline",
                f"deadline {action.deadline.isoformat()} is more than six months after the issue date "
                f"{action.issued.isoformat()}",
                "check the years and months of 'issued' and 'deadline'; an action is usually open for weeks",
                code="long-action",
            )
        )
    return found


def _at_key(action: Action, key: str, message: str, hint: str, code: str = "", severity: str = "warning") -> Diagnostic:
    """Return a finding on the line of a top-level key of the action's file (no line when it cannot be read)."""
    try:
        text = read_project_text(action.path)
        found = re.search(rf"^{key}:[ \t]*", text, re.M)
    except SourceError:
        found = None
    line = text.count("\n", 0, found.start()) + 1 if found else None
    column = found.end() - found.start() + 1 if found else None
    return Diagnostic(severity, message, action.path, line, column, key, hint, code=code)
