"""Test support: make a throwaway uapress project and run the CLI in it.

One helper makes every project the tests use (issue 18: there were four `make_project`s and eight
`project` fixtures, each copying a little differently):

- a fixture folder (`tests/fixtures/<case>/`) holds only what the case is about,
  `source/actions/<slug>/action.yaml`; `make_project` adds the repository's `source/labels/`;
- `SAMPLE` is the repository's sample action alone (with its labels), for the tests that count its
  editions;
- `REPOSITORY` is the repository's whole `source/`: the sample and its follow-up (issue 14).

Every project gets the repository's `styles/`. `run_uapress` runs the CLI to its end; `start_uapress`
starts it (for signals, locks and pipes); `uapress_command` is the command line both use.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"
ANSI = "\x1b["
SAMPLE_SLUG = "venezuela-hrd-release"
SAMPLE = "sample"
"""`make_project` case: the repository's sample action alone, with the labels."""
REPOSITORY = "repository"
"""`make_project` case: the repository's whole `source/` (the sample and its follow-up)."""

ACTIVE = "teacher-detained"
"""An action (besides the sample) whose deadline is ahead, as `active_source` writes it."""
ACTIVE_DAYS = 30


def active_source(
    link: str = "https://www.ohchr.org/en", *, appeal_language: str = "en", title: str = "Release the teacher"
) -> str:
    """Return the action.yaml of a current action: issued 5 days ago, deadline in 30 days, one target."""
    today = dt.date.today()
    return f"""\
schema: 1
reference: "AMR 53/0001/2026"
issued: {(today - dt.timedelta(days=5)).isoformat()}
deadline: {(today + dt.timedelta(days=ACTIVE_DAYS)).isoformat()}
language: en
country: VE
appeal_language: {appeal_language}
subject: A teacher
title: {title}
summary: |
  A teacher is arbitrarily detained.
targets:
  - name: Ana Pérez
    title: Minister of Justice
    address: |
      Ministry of Justice,
      Caracas, Venezuela
    salutation: Dear Minister,
letter: |
  I urge you to release the teacher, as [UN experts]({link}) have asked.
background: |
  The teacher was detained in {today.year}.
"""


def make_project(parent: Path, case: str = "minimal", *, name: str | None = None) -> Path:
    """Make project `case` (a fixture folder, `SAMPLE` or `REPOSITORY`) in `parent/name`; return its root.

    `name` defaults to the fixture's name, and to "project" for the repository's sources.
    """
    if case in (SAMPLE, REPOSITORY):
        root = parent / (name or "project")
        if case == SAMPLE:
            copy_sample_sources(root)
        else:
            shutil.copytree(REPO / "source", root / "source")
    else:
        root = parent / (name or case)
        shutil.copytree(FIXTURES / case, root)
        shutil.copytree(REPO / "source" / "labels", root / "source" / "labels")
    shutil.copytree(REPO / "styles", root / "styles")
    return root


def copy_sample_sources(dest: Path) -> None:
    """Copy the repository's `source/` into `dest/source` with the sample action only.

    The repository also holds the sample's follow-up (issue 14); tests that count or list the
    sample's editions copy the sample alone.
    """
    shutil.copytree(
        REPO / "source",
        dest / "source",
        ignore=lambda folder, names: [name for name in names if Path(folder).name == "actions" and name != SAMPLE_SLUG],
    )


def action_file(root: Path) -> Path:
    """Return the one `action.yaml` of a fixture project."""
    (found,) = (root / "source" / "actions").glob("*/action.yaml")
    return found


def uapress_command(*python_options: str) -> list[str]:
    """Return the command that runs the installed CLI of the interpreter running the tests.

    With `python_options` (such as `-X importtime`), the interpreter runs the CLI module with them.
    """
    script = Path(sys.executable).with_name("uapress")
    if script.exists() and not python_options:
        return [str(script)]
    return [sys.executable, *python_options, "-m", "uapress.cli"]


def _environment(env: dict | None) -> dict:
    environment = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    environment.update(env or {})
    return environment


def run_uapress(root: Path, *args: str, env: dict | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run `uapress ARGS` as a subprocess with `root` as working folder; capture text output."""
    return subprocess.run(
        uapress_command() + list(args),
        cwd=root,
        env=_environment(env),
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        stdin=subprocess.DEVNULL,
        timeout=timeout,
    )


def start_uapress(root: Path, *args: str, env: dict | None = None, **popen) -> subprocess.Popen:
    """Start `uapress ARGS` in `root` without waiting; its output piped as text (override with `popen`)."""
    options = {
        "stdout": subprocess.PIPE,
        "stderr": subprocess.PIPE,
        "stdin": subprocess.DEVNULL,
        "text": True,
        "encoding": "utf-8",
        "errors": "replace",
        **popen,
    }
    return subprocess.Popen(uapress_command() + list(args), cwd=root, env=_environment(env), **options)


def files_under(folder: Path) -> dict[str, bytes]:
    """Return every file below `folder` (relative path -> bytes); empty when it does not exist."""
    if not folder.exists():
        return {}
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# Each malformed fixture and what `uapress check` must say about it: the line, the field (None when the
# problem belongs to no field) and words of the message. Line numbers count in the fixture file itself.
BAD_CASES = {
    "yaml-bad-indent": (15, "targets", ["not valid YAML"]),
    "yaml-unclosed-quote": (9, "subject", ["not valid YAML", "never closed"]),
    "targets-string": (13, "targets", ["expected a list"]),
    "languages-number": (9, "languages", ["expected a list", "found a number"]),
    "impossible-date": (5, "deadline", ["2026-02-30 is not a date (YYYY-MM-DD)"]),
    "deadline-before-issued": (5, "deadline", ["2026-01-10 is not after the issue date 2026-01-19"]),
    # A missing key has no line of its own: the checker names the first line of the mapping it belongs in.
    "missing-letter": (2, "letter", ["required field 'letter' is missing"]),
    "unknown-key": (5, "deadlin", ["unknown key 'deadlin'"]),
    "raw-html-inline": (12, "summary", ["raw HTML"]),
    "raw-html-block": (27, "background", ["raw HTML", "<div>"]),
    "javascript-link": (21, "letter", ["javascript:alert(1)", "not allowed"]),
    "file-link": (21, "letter", ["file:///etc/passwd", "not allowed"]),
    "not-utf8": (14, "targets", ["not UTF-8"]),
    "empty-file": (1, None, ["empty"]),
    "unknown-country": (7, "country", ["'XQ' is not an ISO 3166 country code"]),
    "unknown-language": (8, "appeal_language", ["'xx-notalang' is not a known language tag"]),
    "bad-reference": (3, "reference", ["'AMR-53-0001-2026' is not a document reference"]),
    "bad-email": (20, "targets.0.email", ["'minister-at-example' is not an email address"]),
}
