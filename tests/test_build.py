"""The build step end to end: every edition of the sample, atomic writes, determinism, lazy imports."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from projects import REPOSITORY, make_project, run_uapress

ROOT = Path(__file__).resolve().parents[1]
SLUG = "venezuela-hrd-release"
LANGS = ("en", "es", "fr", "ar")


@pytest.fixture(scope="module")
def built(sample_build) -> Path:
    """Every edition of the sample, from the session's one build of it (issue 18); return the output folder."""
    return sample_build.out


def test_every_language_gets_every_format_and_a_checklist(built):
    for lang in LANGS:
        folder = built / SLUG / lang
        for name in (
            f"{SLUG}.{lang}.pdf",
            f"{SLUG}.{lang}.docx",
            f"{SLUG}.{lang}.html",
            "checklist.html",
            "checklist.json",
        ):
            path = folder / name
            assert path.exists(), path
            assert path.stat().st_size > 1000, f"{path} is suspiciously small"
        assert not list(folder.glob(".*.uapress-tmp")), "temporary files left behind"


def test_french_checklist_marks_only_the_background_missing(built):
    data = json.loads((built / SLUG / "fr" / "checklist.json").read_text(encoding="utf-8"))
    missing = {s["field"] for s in data["segments"] if s["status"] == "missing"}
    assert missing == {"background"}
    assert data["ready"] is False


def test_two_builds_are_byte_identical(built, tmp_path):
    # The second build runs elsewhere (the repository, this action named), by two workers, with another hash seed.
    again = run_uapress(ROOT, "build", "--out", str(tmp_path), SLUG, env={"PYTHONHASHSEED": "12345"}, timeout=600)
    assert again.returncode == 0, again.stderr
    compared = sorted((built / SLUG).rglob("*.*"))
    assert len(compared) >= 4 * 7, "every edition's files"
    for first in compared:
        second = tmp_path / first.relative_to(built)
        assert first.read_bytes() == second.read_bytes(), f"{first.name} differs between two builds"


def test_a_failed_build_leaves_the_previous_editions_untouched(tmp_path):
    project = make_project(tmp_path, REPOSITORY)
    out = project / "build"
    first = run_uapress(project, "build", "--format", "html", timeout=600)
    assert first.returncode == 0, first.stderr
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert before
    source = project / "source" / "actions" / SLUG / "action.yaml"
    source.write_text(
        source.read_text(encoding="utf-8").replace("deadline: 2026-06-30", "deadline: 2026-02-30"), encoding="utf-8"
    )
    second = run_uapress(project, "build", "--format", "html", timeout=600)
    assert second.returncode == 1
    assert "2026-02-30 is not a date" in second.stderr
    assert "Traceback" not in second.stderr
    after = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before


@pytest.mark.parametrize("args", [["check"], ["status"], ["--help"], ["build", "--help"]])
def test_light_commands_never_import_weasyprint(args):
    code = (
        "import sys\n"
        "from uapress.cli import app\n"
        "try:\n"
        f"    app({args!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('weasyprint' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.stdout.strip().splitlines()[-1] == "False", result.stdout + result.stderr
