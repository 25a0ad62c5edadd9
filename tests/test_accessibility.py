"""Every page a build writes passes axe-core's audit in Chromium, and its language switcher works there.

Issue 11: an automated accessibility audit with 0 violations on every edition, checklist and the index.
axe-core (MPL-2.0) comes bundled with the test dependency axe-playwright-python.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import LANGS
from projects import REPO, run_uapress

SLUG = "venezuela-hrd-release"
PAGES = ["index.html"] + [
    f"{SLUG}/{lang}/{name}" for lang in LANGS for name in (f"{SLUG}.{lang}.html", "checklist.html")
]


EVERY_FORMAT_INDEX = "index.html (every format)"
"""The index of the session's all-format build of the sample: every kind of row and link it can list."""


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """Build the HTML pages of the repository's actions once; return the output folder.

    Issue 18: only the HTML is audited, so only the HTML is built (the pages are the same bytes as in a build of
    every format); the index of every format is audited from the session's build (`EVERY_FORMAT_INDEX`).
    """
    out = tmp_path_factory.mktemp("a11y") / "build"
    result = run_uapress(REPO, "build", "--format", "html", "--out", str(out))
    assert result.returncode == 0, result.stdout + result.stderr
    return out


def audit(page) -> list[dict]:
    """Run axe-core on the loaded page; return its violations."""
    try:
        from axe_playwright_python.sync_playwright import Axe
    except ImportError:
        from conftest import missing

        missing("the Python package 'axe-playwright-python'", "run `make test` or `.venv/bin/pip install -e '.[test]'`")
    return Axe().run(page, options={"resultTypes": ["violations"]}).response["violations"]


@pytest.mark.parametrize("name", [*PAGES, EVERY_FORMAT_INDEX])
def test_page_has_no_accessibility_violations(built, request, chromium_page, name):
    path = request.getfixturevalue("sample_build").out / "index.html" if name == EVERY_FORMAT_INDEX else built / name
    assert path.is_file(), f"the build wrote no {name}"
    chromium_page.goto(path.as_uri(), wait_until="load")
    assert chromium_page.locator("h1").count() >= 1  # a real page, not an empty one
    violations = audit(chromium_page)
    report = [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:3]]}" for v in violations]
    assert not report, f"{name}:\n  " + "\n  ".join(report)
    assert chromium_page.blocked_requests == []


def test_language_switcher_leads_to_each_edition(built, chromium_page):
    page = chromium_page
    page.goto((built / SLUG / "en" / f"{SLUG}.en.html").as_uri(), wait_until="load")
    for lang, name in (("es", "Español"), ("ar", "العربية"), ("fr", "Français"), ("en", "English")):
        page.locator("nav.languages").get_by_role("link", name=name).click()
        page.wait_for_load_state("load")
        assert page.url.endswith(f"/{lang}/{SLUG}.{lang}.html")
        assert page.evaluate("document.documentElement.lang") == lang
        current = page.locator("nav.languages a[aria-current=page]")
        assert current.inner_text() == name
    assert page.blocked_requests == [] and page.page_errors == []
