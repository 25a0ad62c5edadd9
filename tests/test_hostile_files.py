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


# --- 4. an output folder's other files are never touched ---------------------------------------------------


def _others(folder: Path) -> dict[str, bytes]:
    """Put files of other tools in `folder`, named like the leftovers of an interrupted write; return them."""
    files = {"notes.txt": b"mine", ".draft.tmp": b"an editor's", ".site.staging/page.html": b"a deploy's"}
    files[".photos.old/p.jpg"] = b"a backup"
    for name, data in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    return files


def test_build_refuses_an_out_folder_holding_other_files(project, tmp_path):
    # Issue 25: `build --out DIR` removed every .*.tmp and .*.staging under DIR and renamed .X.old to X.
    out = tmp_path / "site"
    out.mkdir()
    files = _others(out)
    result = run_uapress(project, "build", SLUG, "--lang", "en", "--format", "html", "--out", str(out))
    assert result.returncode == 2, result.stdout + result.stderr
    assert "not empty" in result.stderr and "Traceback" not in result.stderr, result.stderr
    assert {str(p.relative_to(out)): p.read_bytes() for p in out.rglob("*") if p.is_file()} == files


def test_build_sweeps_only_its_own_leftovers(project, tmp_path):
    # Issue 25: in a folder uapress built before, files of other tools named `.*.tmp`, `.*.staging`, `.*.old` stay.
    out = tmp_path / "site"
    first = run_uapress(project, "build", SLUG, "--lang", "en", "--format", "html", "--out", str(out))
    assert first.returncode == 0, first.stderr
    files = _others(out)
    again = run_uapress(project, "build", SLUG, "--lang", "en", "--format", "html", "--out", str(out), "--force")
    assert again.returncode == 0, again.stderr
    for name, data in files.items():
        assert (out / name).read_bytes() == data, name
    assert not (out / "photos").exists()
    assert (out / SLUG / "en" / f"{SLUG}.en.html").is_file()

