"""Issue 21: an edition that is not ready says DRAFT in its own language, in every format; a ready one does not.

Read back as a user meets the files: the PDF's pages with pdftotext (the word across each page), the HTML
as a page (its banner, `noindex`), the DOCX's headers as Word and LibreOffice show them.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import docx
import lxml.html
import pytest

from projects import ACTIVE, REPO, active_source, copy_sample_sources, run_uapress

SLUG = "venezuela-hrd-release"
DRAFT = {"en": "DRAFT", "es": "BORRADOR", "fr": "BROUILLON", "ar": "مسودة"}
NOTICE = {
    "en": "this edition is not ready to send",
    "es": "esta edición no está lista para enviarse",
    "fr": "cette édition n’est pas prête à être envoyée",
    "ar": "هذه النسخة ليست جاهزة للإرسال",
}
VML_TEXTPATH = "{urn:schemas-microsoft-com:vml}shape/{urn:schemas-microsoft-com:vml}textpath"


def tall_words(pdf: Path) -> list[str]:
    """Return, page by page, the letters set at a slant (the watermark's), in the order the page draws them."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTChar

    def chars(item):
        if isinstance(item, LTChar):
            yield item
        elif hasattr(item, "__iter__"):
            for child in item:
                yield from chars(child)

    # A watermark's letters are the only ones drawn rotated: their text matrix has a shear part.
    return ["".join(c.get_text() for c in chars(page) if abs(c.matrix[1]) > 0.1) for page in extract_pages(pdf)]


def edition(out: Path, slug: str, lang: str, ext: str) -> Path:
    return out / slug / lang / f"{slug}.{lang}.{ext}"


def banner_and_robots(html: Path) -> tuple[list[str], list[str]]:
    """Return the words the draft banner opens with and the page's robots directives."""
    page = lxml.html.document_fromstring(html.read_bytes())
    banner = [node.text_content().split()[0] for node in page.xpath("//*[contains(@class, 'draft-banner')]")]
    return banner, page.xpath("//meta[@name='robots']/@content")


def docx_headers(path: Path) -> tuple[str, list[str]]:
    """Return the text of the DOCX's headers (first page and the others) and the words its watermarks draw."""
    section = docx.Document(str(path)).sections[0]
    text, marks = [], []
    for header in (section.first_page_header, section.header):
        text += [p.text for p in header.paragraphs]
        marks += [node.get("string") for node in header._element.iterfind(f".//{VML_TEXTPATH}")]
    return " ".join(text), marks


# --- the sample: no language is ready (its links are placeholders) -----------------------------------


@pytest.mark.parametrize("lang", ("en", "es", "fr"))
def test_every_pdf_page_of_a_draft_says_draft_in_its_language(sample_build, lang):
    pages = tall_words(edition(sample_build.out, SLUG, lang, "pdf"))
    assert len(pages) > 1
    assert pages == [DRAFT[lang]] * len(pages)


def test_every_pdf_page_of_the_arabic_draft_carries_its_word(sample_build):
    pages = tall_words(edition(sample_build.out, SLUG, "ar", "pdf"))
    assert len(pages) > 1
    # pdftotext gives the shaped Arabic word back in pieces, in visual order: its letters, and no others.
    for number, letters in enumerate(pages, start=1):
        assert len(set(letters)) >= 3 and set(letters) <= set(DRAFT["ar"]), f"page {number}: {letters!r}"


@pytest.mark.parametrize("lang", ("en", "es", "fr", "ar"))
def test_a_draft_html_edition_has_a_banner_and_is_not_indexed(sample_build, lang):
    page = lxml.html.document_fromstring(edition(sample_build.out, SLUG, lang, "html").read_bytes())
    banner = page.xpath("//*[contains(@class, 'draft-banner')]")
    assert banner, "no draft banner"
    words = " ".join(banner[0].text_content().split())
    assert words.startswith(DRAFT[lang]) and NOTICE[lang] in words
    assert page.xpath("//meta[@name='robots']/@content") == ["noindex"]


@pytest.mark.parametrize("lang", ("en", "fr", "ar"))
def test_a_draft_docx_says_so_in_its_headers_and_watermark(sample_build, lang):
    text, marks = docx_headers(edition(sample_build.out, SLUG, lang, "docx"))
    assert text.count(NOTICE[lang]) == 2, text  # the first page's header and the others'
    assert marks == [DRAFT[lang], DRAFT[lang]]


# --- the moment an edition turns ready, its files carry no marking -----------------------------------


def test_a_draft_turns_final_on_the_next_build_once_ready(tmp_path):
    root = tmp_path / "project"
    copy_sample_sources(root)
    shutil.rmtree(root / "source" / "actions" / SLUG)
    shutil.copytree(REPO / "styles", root / "styles")
    folder = root / "source" / "actions" / ACTIVE
    folder.mkdir(parents=True)
    (folder / "action.yaml").write_text(active_source("#"), encoding="utf-8")
    out = root / "build"

    first = run_uapress(root, "build", "-f", "pdf", "-f", "html", "-f", "docx")
    assert first.returncode == 0, first.stdout + first.stderr
    assert tall_words(edition(out, ACTIVE, "en", "pdf"))[0] == "DRAFT"
    assert banner_and_robots(edition(out, ACTIVE, "en", "html")) == (["DRAFT"], ["noindex"])
    assert docx_headers(edition(out, ACTIVE, "en", "docx"))[1] == ["DRAFT", "DRAFT"]
    assert run_uapress(root, "build", "--strict").returncode == 1, "--strict must still fail on a draft"

    (folder / "action.yaml").write_text(active_source("https://www.ohchr.org/en"), encoding="utf-8")
    second = run_uapress(root, "build", "-f", "pdf", "-f", "html", "-f", "docx")
    assert second.returncode == 0, second.stdout + second.stderr
    pages = tall_words(edition(out, ACTIVE, "en", "pdf"))
    assert pages and not any(pages), pages
    html = edition(out, ACTIVE, "en", "html")
    assert "Release the teacher" in html.read_text(encoding="utf-8")
    assert banner_and_robots(html) == ([], [])
    text, marks = docx_headers(edition(out, ACTIVE, "en", "docx"))
    assert marks == [] and NOTICE["en"] not in text
    assert "Ready to send: 1 edition, in build/<action>/<language>/" in second.stdout
    assert re.search(rf"^{ACTIVE} +ready$", second.stdout, re.M), second.stdout
    again = run_uapress(root, "build", "-f", "pdf", "-f", "html", "-f", "docx")  # nothing changed: from the cache
    assert "0 editions built, 1 unchanged" in again.stdout and re.search(rf"^{ACTIVE} +ready$", again.stdout, re.M)
    assert run_uapress(root, "build", "--strict").returncode == 0


# --- what a build tells the publisher ----------------------------------------------------------------


def test_a_build_ends_with_what_is_ready_and_what_is_a_draft(sample_build):
    out = sample_build.result.stdout + sample_build.result.stderr
    lines = out.splitlines()
    header = next(i for i, line in enumerate(lines) if line.split() == ["en", "es", "fr", "ar"])
    row = lines[header + 1]
    assert row.startswith(SLUG + " ")
    cells = [cell.strip() for cell in row[len(SLUG) :].split("  ") if cell.strip()]
    assert len(cells) == 4 and all(cell.startswith("draft, ") and cell.endswith("blockers") for cell in cells), row
    assert "Ready to send: none yet." in lines
    assert "build/index.html lists the files, ready apart from drafts." in lines
    # The details are for `uapress check` and -v: the build counts its warnings, and lists none.
    assert ": warning: " not in out
    assert re.search(r"^\d+ warnings: `uapress check` or `uapress -v build` lists them$", out, re.M), out
    assert max(len(line) for line in lines) <= 100, max(lines, key=len)


def test_a_verbose_build_lists_each_warning_once_in_100_columns(built_sample):
    result = run_uapress(built_sample, "-v", "build")
    assert result.returncode == 0, result.stderr
    # A warning is its first line and the indented lines that continue it.
    entries = re.findall(r"^\S.*: warning: .*(?:\n    .*)*", result.stderr, re.M)
    assert len(entries) > 5, result.stderr
    assert len(entries) == len(set(entries)), "a warning printed twice"
    assert max(len(line) for line in result.stderr.splitlines()) <= 100


# --- one brand in DOCX too: the masthead band and the section headings as the PDF draws them ------------


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def style_property(document, style_name: str, path: str):
    """Return the element at `path` under a style's properties, or None."""
    style = document.styles[style_name].element
    return style.find(path)


def test_the_docx_masthead_holds_the_date_and_headings_carry_the_short_bar(sample_build):
    document = docx.Document(str(edition(sample_build.out, SLUG, "en", "docx")))
    paragraphs = document.paragraphs
    band = next(p for p in paragraphs if p.style.name == "Masthead")
    meta = paragraphs[paragraphs.index(band) + 1] if band in paragraphs else None
    assert meta is not None and meta.style.name == "Meta" and meta.text.startswith("Date of issue")
    fill = {name: style_property(document, name, f"{W}pPr/{W}shd").get(f"{W}fill") for name in ("Masthead", "Meta")}
    assert fill["Masthead"] == fill["Meta"], "the date must sit inside the band, on its colour"
    # The band's accent rule closes it under the date, not between the title and the date.
    assert style_property(document, "Masthead", f"{W}pPr/{W}pBdr/{W}bottom") is None
    assert style_property(document, "Meta", f"{W}pPr/{W}pBdr/{W}bottom") is not None
    # Section headings: capitals, and a short accent bar under each, not a rule across the page.
    assert style_property(document, "Heading 2", f"{W}rPr/{W}caps") is not None
    assert style_property(document, "Heading 2", f"{W}pPr/{W}pBdr") is None
    headings = [i for i, p in enumerate(paragraphs) if p.style.name == "Heading 2"]
    assert len(headings) >= 3  # take action, additional information, the annex letter's heading
    section = document.sections[0]
    text_width = section.page_width - section.left_margin - section.right_margin
    for i in headings:
        rule = paragraphs[i + 1]
        assert rule.style.name == "Section Rule" and rule.text == ""
        bar_mm = (text_width - rule.paragraph_format.right_indent) / 36000  # EMU per mm
        assert 10 <= bar_mm <= 15, bar_mm
