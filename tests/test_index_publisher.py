"""Issue 21: the publication index as a publisher reads it.

Files ready to send apart from drafts and from proofs, every file link in view without sideways
scrolling at 1200 px and on a 390 px phone (in Chromium), a follow-up told apart from its action, the
brand's name as written and real plurals.
"""

from __future__ import annotations

import re
from pathlib import Path

import lxml.html
import pytest

from projects import ACTIVE, REPOSITORY, active_source, make_project, run_uapress

SAMPLE = "venezuela-hrd-release"
FOLLOW_UP = "venezuela-hrd-release-fi1"


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    """The repository's sample and its follow-up (drafts), and a ready action, built once."""
    root = make_project(tmp_path_factory.mktemp("publisher"), REPOSITORY)
    folder = root / "source" / "actions" / ACTIVE
    folder.mkdir()
    (folder / "action.yaml").write_text(active_source("https://www.ohchr.org/en"), encoding="utf-8")
    # French labels lacking two entries: its reasons make one long line ("7 segments not translated; 2 labels
    # shown in English"), which pushed the file columns out of view at 1200 px (issue 21).
    labels = root / "source" / "labels" / "fr.po"
    text = labels.read_text(encoding="utf-8")
    for key in ("downloads", "checklist"):
        start = text.index(f'msgctxt "{key}"')
        text = text[:start] + text[text.index("\n\n", start) + 2 :]
    labels.write_text(text, encoding="utf-8")
    result = run_uapress(root, "build", timeout=900)
    assert result.returncode == 0, result.stdout + result.stderr
    # Proofs of the sample (without git: no change bars) sat in a column of their own beside the files to send.
    proofs = run_uapress(root, "build", "--proof", SAMPLE, timeout=900)
    assert proofs.returncode == 0, proofs.stdout + proofs.stderr
    return root / "build"


def section(page, slug: str):
    return page.xpath(f"//section[@aria-labelledby='action-{slug}']")[0]


def words(element) -> str:
    return " ".join(element.text_content().split())


def test_ready_files_stand_apart_from_drafts(out):
    page = lxml.html.document_fromstring((out / "index.html").read_bytes())
    in_tables = set(page.xpath("//table//a/@href"))
    proofs = set(section(page, SAMPLE).xpath(".//div[@class='proofs']//a/@href"))
    assert proofs == {f"{SAMPLE}/{lang}/proof/{SAMPLE}.{lang}.proof.pdf" for lang in ("en", "es", "fr", "ar")}
    assert not proofs & in_tables, "proofs stand apart from the files to send"
    ready = section(page, ACTIVE).xpath(".//table[contains(@class, 'ready')]")
    assert ready and words(ready[0].xpath("./caption")[0]).startswith("Ready to send · 1 edition")
    assert f"{ACTIVE}/en/{ACTIVE}.en.pdf" in ready[0].xpath(".//a/@href")
    assert not section(page, ACTIVE).xpath(".//table[contains(@class, 'drafts')]")
    for slug in (SAMPLE, FOLLOW_UP):
        (drafts,) = section(page, slug).xpath(".//table[contains(@class, 'drafts')]")
        caption = words(drafts.xpath("./caption")[0])
        assert caption.startswith("Drafts · 4 editions marked DRAFT in their language: not to send"), caption
        assert f"{slug}/fr/{slug}.fr.pdf" in drafts.xpath(".//a/@href")
        assert not section(page, slug).xpath(".//table[contains(@class, 'ready')]")


def test_a_follow_up_says_what_it_follows(out):
    page = lxml.html.document_fromstring((out / "index.html").read_bytes())
    (series,) = section(page, FOLLOW_UP).xpath(".//p[@class='series']")
    assert words(series).startswith(
        f"Further information 1 · follows Human rights defenders must be released ({SAMPLE})"
    )
    assert series.xpath(".//a/@href") == [f"#action-{SAMPLE}"]


def test_the_header_names_the_brand_and_counts_read_as_words(out):
    page = lxml.html.document_fromstring((out / "index.html").read_bytes())
    assert words(page.xpath("//header//p")[0]) == "uapress neutral brand"
    assert words(page.xpath("//p[@class='lead']")[0]).startswith("3 actions ·")
    assert page.xpath("//title")[0].text == "Publications · 3 actions"
    assert "(s)" not in words(page.xpath("//p[@class='lead']")[0])


IN_VIEW = """() => {
    // A link is in view when its box lies inside the window and inside every ancestor that clips or scrolls
    // sideways: the old index kept the French proof link inside the window but behind a table's scrollbar.
    const clipped = a => {
        const r = a.getBoundingClientRect();
        if (r.left < 0 || r.right > window.innerWidth) return true;
        for (let p = a.parentElement; p; p = p.parentElement) {
            if (getComputedStyle(p).overflowX === 'visible') continue;
            const q = p.getBoundingClientRect();
            if (r.left < q.left - 1 || r.right > q.right + 1) return true;
        }
        return false;
    };
    const links = [...new Set(document.querySelectorAll('a.file, table a, .proofs a'))];
    return {
        page: [document.scrollingElement.scrollWidth, document.scrollingElement.clientWidth],
        scrolled: [...document.querySelectorAll('body *')]
            .filter(e => ['auto', 'scroll'].includes(getComputedStyle(e).overflowX) && e.scrollWidth > e.clientWidth + 1)
            .map(e => e.tagName + '.' + e.className),
        links: links.map(a => a.getAttribute('href')),
        hidden: links.filter(clipped).map(a => a.getAttribute('href')),
    };
}"""


@pytest.mark.parametrize("width", (1200, 390))
def test_every_file_link_is_in_view_without_sideways_scrolling(out, chromium_page, width):
    """Issue 21: at 1200 px the sample's table hid its proof column behind a sideways scrollbar (the French
    reasons, one long line) and at 390 px every table was cut off. The data reproduce it: on the index of
    before the fix (103733f^) this test finds at 1200 px a table that scrolls and the French proof link hidden
    behind it, and at 390 px three tables that scroll and 39 links out of view."""
    chromium_page.set_viewport_size({"width": width, "height": 900})
    chromium_page.goto((out / "index.html").as_uri())
    found = chromium_page.evaluate(IN_VIEW)
    proofs = {f"{SAMPLE}/{lang}/proof/{SAMPLE}.{lang}.proof.pdf" for lang in ("en", "es", "fr", "ar")}
    assert proofs <= set(found["links"]), "the proofs, built, are linked"
    assert len(found["links"]) >= 3 * 4 * 3 + len(proofs), found  # HTML, PDF and DOCX of every edition at least
    assert found["page"][0] <= found["page"][1], f"the page scrolls sideways: {found['page']}"
    assert found["hidden"] == [], f"out of view at {width} px: {found['hidden']}"
    assert found["scrolled"] == [], f"these scroll sideways: {found['scrolled']}"


def test_the_page_is_english_and_other_languages_say_theirs(out):
    # Issue 21: the index is written in English, the source language, and says so (`lang="en"`); the
    # hidden words of a letter link named its language in that language's own name with no lang of its own
    # (", letters in العربية" read out with an English voice).
    page = lxml.html.document_fromstring((out / "index.html").read_bytes())
    assert page.get("lang") == "en"
    own = {"español": "es", "français": "fr", "العربية": "ar"}
    found = 0
    for element in page.iter():
        if not isinstance(element.tag, str) or element.tag in ("style", "script"):
            continue
        for text in (element.text or "", *(child.tail or "" for child in element)):
            for name, lang in own.items():
                if name in text:
                    declared = next(e.get("lang") for e in (element, *element.iterancestors()) if e.get("lang"))
                    assert declared == lang, f"{text.strip()!r} is declared {declared}"
                    found += 1
            if re.search("[\u0600-\u06ff]", text):
                declared = next(e.get("lang") for e in (element, *element.iterancestors()) if e.get("lang"))
                assert declared == "ar", f"{text.strip()!r} is declared {declared}"
    assert found >= 3 * 3, "each language's name, once per action at least"
