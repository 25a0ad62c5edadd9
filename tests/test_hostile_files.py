"""Hostile files (issue 25): templates and translations that try to run code or link out, Trojan-source text,
an output folder that holds other people's files, and inputs built to exhaust memory, CPU or time.

Each case runs the real command line in a copy of the sample project and checks what a user sees.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from projects import REPO, copy_sample_sources, run_uapress

SLUG = "venezuela-hrd-release"
ACTION = f"source/actions/{SLUG}/action.yaml"


@pytest.fixture
def project(tmp_path) -> Path:
    root = tmp_path / "project"
    copy_sample_sources(root)
    shutil.copytree(REPO / "styles", root / "styles")
    return root


def assert_refused(result, *words: str) -> str:
    """Assert the command failed with one clear error holding `words`; return its stderr."""
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "Traceback" not in output and "internal error" not in output, output
    for word in words:
        assert word in result.stderr, result.stderr
    return result.stderr


# --- 1. templates never reach Python -------------------------------------------------------------------


def test_a_template_cannot_call_into_python(project):
    # Issue 25: `cycler.__init__.__globals__.os.popen(...)` in styles/edition.html ran during the build.
    page = project / "styles" / "edition.html"
    attack = '{{ cycler.__init__.__globals__.os.popen("echo PWNED-$((6*7))").read() }}'
    page.write_text(page.read_text(encoding="utf-8").replace("<body", attack + "<body", 1), encoding="utf-8")
    result = run_uapress(project, "build", SLUG, "--lang", "en", "--format", "html")
    output = result.stdout + result.stderr
    published = "".join(p.read_text(encoding="utf-8") for p in (project / "build").rglob("*.html"))
    assert "PWNED-42" not in published and "PWNED-42" not in output
    assert_refused(result, "styles/edition.html", "unsafe")


# --- 2. no live link out of a translation ----------------------------------------------------------------


def _translate(project: Path, lang: str, old: str, new: str) -> None:
    """Replace `old` by `new` in the translation `lang.po` of the sample action."""
    po = project / f"source/actions/{SLUG}/translations/{lang}.po"
    text = po.read_text(encoding="utf-8")
    assert old in text
    po.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize("url", ["javascript:alert(1)", "JavaScript:alert(1)", "data:text/html,<script>1</script>"])
def test_a_translated_javascript_link_is_never_live_in_the_checklist(project, chromium_page, url):
    # Issue 25: the edition fell back to the source, but checklist.html showed <a href="javascript:alert(1)">.
    _translate(project, "es", 'msgstr "Hemos tomado nota', f'msgstr "[Hemos tomado nota]({url})')
    result = run_uapress(project, "build", SLUG, "--lang", "es", "--format", "html")
    assert "not allowed" in result.stderr, result.stderr
    folder = project / "build" / SLUG / "es"
    for page in (folder / "checklist.html", folder / f"{SLUG}.es.html", project / "build" / "index.html"):
        chromium_page.goto(page.as_uri())
        hrefs = chromium_page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
        assert hrefs, page  # each page has links: the sample's https: addresses, the editions
        assert not [h for h in hrefs if not h.startswith(("https:", "http:", "mailto:", "file:"))], (page, hrefs)
    # The reviewer still sees the words and the refused address, as text.
    chromium_page.goto((folder / "checklist.html").as_uri())
    assert "Hemos tomado nota" in chromium_page.inner_text("body")
