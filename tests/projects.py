"""Test support: make a throwaway uapress project from a fixture folder and run the CLI in it.

A fixture folder (`tests/fixtures/<case>/`) holds only what the case is about,
`source/actions/<slug>/action.yaml`; `make_project` adds the repository's
`source/labels/` and `styles/` so that the project is complete.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"
ANSI = "\x1b["
SAMPLE_SLUG = "venezuela-hrd-release"


def make_project(tmp_path: Path, case: str = "minimal") -> Path:
    """Copy fixture `case` into `tmp_path` with the repository's labels and styles; return its root."""
    root = tmp_path / case
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


def uapress_command() -> list[str]:
    """Return the command that runs the installed CLI of the interpreter running the tests."""
    script = Path(sys.executable).with_name("uapress")
    return [str(script)] if script.exists() else [sys.executable, "-m", "uapress.cli"]


def run_uapress(root: Path, *args: str, env: dict | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run `uapress ARGS` as a subprocess with `root` as working folder; capture text output."""
    environment = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    environment.update(env or {})
    return subprocess.run(
        uapress_command() + list(args),
        cwd=root,
        env=environment,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        stdin=subprocess.DEVNULL,
        timeout=timeout,
    )


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
