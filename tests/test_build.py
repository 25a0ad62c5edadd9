"""The build step end to end: every edition of the sample, atomic writes, determinism, lazy imports."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SLUG = "venezuela-hrd-release"
LANGS = ("en", "es", "fr", "ar")


def run_build(out: Path, *args: str) -> subprocess.CompletedProcess:
    """Run `uapress build` on the repository's sources into `out`."""
    return subprocess.run(
        [sys.executable, "-m", "uapress.cli", "build", "--out", str(out), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """Build every edition of the sample once for this module."""
    out = tmp_path_factory.mktemp("build")
    result = run_build(out, SLUG)
    assert result.returncode == 0, result.stderr
    return out


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
    env_seed = dict(os.environ, PYTHONHASHSEED="12345")
    again = subprocess.run(
        [sys.executable, "-m", "uapress.cli", "build", "--out", str(tmp_path), SLUG],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env=env_seed,
    )
    assert again.returncode == 0, again.stderr
    for first in sorted((built / SLUG).rglob("*.*")):
        second = tmp_path / first.relative_to(built)
        assert first.read_bytes() == second.read_bytes(), f"{first.name} differs between two builds"


def test_a_failed_build_leaves_the_previous_editions_untouched(built, tmp_path):
    import shutil

    project = tmp_path / "project"
    shutil.copytree(ROOT / "source", project / "source")
    shutil.copytree(ROOT / "styles", project / "styles")
    out = project / "build"
    first = subprocess.run(
        [sys.executable, "-m", "uapress.cli", "build", "--format", "html"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert first.returncode == 0, first.stderr
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert before
    source = project / "source" / "actions" / SLUG / "action.yaml"
    source.write_text(
        source.read_text(encoding="utf-8").replace("deadline: 2026-06-30", "deadline: 2026-02-30"), encoding="utf-8"
    )
    second = subprocess.run(
        [sys.executable, "-m", "uapress.cli", "build", "--format", "html"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=600,
    )
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
