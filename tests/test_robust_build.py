"""What gets published is always right (issue 10): fonts, stale inputs, locks, whole editions, interrupts.

The font tests render in a fresh Python process, because the poisoning they reproduce lives in the
process's one font configuration; the build tests run the CLI on a throwaway copy of the sample.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from test_incremental import (CACHE, EDITIONS, SLUG, assert_complete, build, command, contents, make_project,
                              rebuilt, states)

TESTS = Path(__file__).resolve().parent


def python(script: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run a Python script with the tests' helpers importable; fail the test unless it exits 0."""
    environment = {**os.environ, "PYTHONPATH": str(TESTS), **(env or {})}
    result = subprocess.run([sys.executable, "-c", textwrap.dedent(script)], cwd=cwd, env=environment,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"{result.stdout}\n{result.stderr}"
    return result


def pdf_fonts(path: Path) -> set[str]:
    """Return the fonts poppler's pdffonts lists in a PDF, without their subset tags."""
    listing = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    return {line.split()[0].split("+", 1)[-1] for line in listing.splitlines()[2:] if line.strip()}


# --- fonts -------------------------------------------------------------------

RENDER = """
    import resource, signal, sys
    from pathlib import Path
    from helpers import sample_brand, sample_document
    from uapress.errors import BuildError
    from uapress.writers import pdf

    def render(lang, name):
        try:
            Path(name).write_bytes(pdf.write(sample_document(lang), sample_brand()))
            print(name, "written")
        except (BuildError, OSError) as exc:
            print(name, "failed:", type(exc).__name__, exc)
"""


def test_a_render_stopped_by_a_full_disk_does_not_poison_the_next_pdfs(tmp_path):
    # Issue 10: a render that fails while WeasyPrint writes a font file (here: the file size limit, as a
    # full $TMPDIR would) left the file there unregistered, and every later PDF of the process set the
    # body text in the bold face (or in DejaVu) and was reported built.
    result = python(RENDER + """
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, hard))
    render("en", "full.pdf")
    resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
    render("en", "en.pdf")
    render("ar", "ar.pdf")
    """, tmp_path)
    assert "full.pdf failed: OSError [Errno 27] File too large" in result.stdout
    assert "en.pdf written" in result.stdout and "ar.pdf written" in result.stdout
    assert pdf_fonts(tmp_path / "en.pdf") == {"Noto-Sans", "Noto-Sans-Bold", "Noto-Sans-Condensed,-Bold-Condensed"}
    assert {"Noto-Naskh-Arabic", "Noto-Naskh-Arabic-Bold", "Noto-Sans"} <= pdf_fonts(tmp_path / "ar.pdf")


def test_a_pdf_set_in_the_wrong_fonts_is_refused_and_the_next_one_is_right(tmp_path):
    # The state a stopped render leaves, made on purpose: a font configuration whose folder already holds
    # the font files, so WeasyPrint skips every @font-face and nothing is registered. The check must refuse
    # the PDF (never write it) and the configuration must not survive the failure.
    result = python(RENDER + """
    import shutil
    from weasyprint.text.fonts import FontConfiguration
    render("en", "good.pdf")
    files = pdf._FONTS._folder
    poisoned = FontConfiguration()
    poisoned._folder = Path("poisoned")
    shutil.copytree(files, poisoned._folder)
    pdf._FONTS = poisoned
    render("fr", "poisoned.pdf")
    assert pdf._FONTS is None and not Path("poisoned").exists()
    render("fr", "fr.pdf")
    """, tmp_path)
    assert "poisoned.pdf failed: BuildError venezuela-hrd-release (fr): the PDF's fonts are wrong" in result.stdout
    assert "instead of the brand's fonts" in result.stdout and "DejaVu" in result.stdout
    assert not (tmp_path / "poisoned.pdf").exists()
    assert pdf_fonts(tmp_path / "fr.pdf") == pdf_fonts(tmp_path / "good.pdf")
    assert "Noto-Sans" in pdf_fonts(tmp_path / "fr.pdf")
