"""The PDF writer: text, footers, links, bookmarks, metadata and page size of every edition, read back from the PDF."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import shutil
import subprocess
import sys
import textwrap
import unicodedata
import zlib
from pathlib import Path

import pytest
from babel.dates import format_date

from helpers import (
    LANGS,
    ROOT,
    bundled_sources_of,
    embedded_fonts,
    normalise,
    sample_brand,
    sample_document,
    sample_po,
    sample_source,
    source_paragraphs,
)
from uapress.core.errors import BuildError
from uapress.writers import pdf
from uapress.writers.brand import load_brand

# Babel locale of each edition's dates; bare English follows British usage ("30 June 2026").
DATE_LOCALES = {"en": "en_GB", "es": "es", "fr": "fr", "ar": "ar"}
BIDI_AS_SPACE = dict.fromkeys(map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"), " ")
PDF_STRING = rb"(\((?:\\.|[^\\)])*\)|<[0-9A-Fa-f\s]*>)"


@pytest.fixture(scope="module")
def editions(tmp_path_factory) -> dict[str, Path]:
    """Write the PDF edition of every language once for this module."""
    folder = tmp_path_factory.mktemp("pdf")
    paths = {}
    for lang in LANGS:
        paths[lang] = folder / f"{lang}.pdf"
        paths[lang].write_bytes(pdf.write(sample_document(lang), sample_brand()))
    return paths


# --- reading a PDF back -------------------------------------------------------


def pdf_objects(data: bytes) -> bytes:
    """Return the PDF with every Flate stream decompressed after it, so object streams can be searched."""
    parts = [data]
    for match in re.finditer(rb"stream\r?\n", data):
        end = data.find(b"endstream", match.end())
        try:
            parts.append(zlib.decompress(data[match.end() : end]))
        except zlib.error:
            continue  # not Flate (or not a stream at all)
    return b"\n".join(parts)


def pdf_string(token: bytes) -> str:
    """Decode a PDF literal `(...)` or hex `<...>` string."""
    if token.startswith(b"<"):
        raw = bytes.fromhex(re.sub(rb"\s", b"", token[1:-1]).decode())
    else:
        raw = re.sub(rb"\\(.)", rb"\1", token[1:-1], flags=re.S)
    return raw[2:].decode("utf-16-be") if raw.startswith(b"\xfe\xff") else raw.decode("latin-1")


def pdf_values(data: bytes, key: str) -> list[str]:
    """Return every string value of `/key` in the PDF's objects."""
    return [pdf_string(m) for m in re.findall(rb"/" + key.encode() + rb"\s*" + PDF_STRING, pdf_objects(data))]


def info(data: bytes) -> dict[str, str]:
    """Return the document information dictionary (Title, Subject, Keywords, Producer…)."""
    objects = pdf_objects(data)
    start = objects.rfind(b"<<", 0, objects.find(b"/Producer"))
    end = objects.find(b">>", objects.find(b"/Producer"))
    entries = re.finditer(rb"/(\w+)\s*" + PDF_STRING, objects[start : end + 2])
    return {m.group(1).decode(): pdf_string(m.group(2)) for m in entries}


def outline_titles(data: bytes) -> list[str]:
    """Return the titles of the PDF outline (bookmark) items."""
    objects = pdf_objects(data)
    items = re.findall(rb"<<(?:(?!<<).)*?/Parent(?:(?!<<).)*?>>", objects, flags=re.S)
    titles = []
    for item in items:
        found = re.search(rb"/Title\s*" + PDF_STRING, item)
        if found:
            titles.append(pdf_string(found.group(1)))
    return titles


def page_sizes(data: bytes) -> list[tuple[int, int]]:
    """Return the width and height in points of every page's media box."""
    boxes = re.findall(rb"/MediaBox\s*\[\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*\]", pdf_objects(data))
    return [(round(float(x1) - float(x0)), round(float(y1) - float(y0))) for x0, y0, x1, y1 in boxes]


def words(text: str) -> str:
    """Return text as its lower-case words joined by single spaces: no punctuation, hyphens, bidi controls or Arabic vowel marks."""
    # pdftotext wraps right-to-left runs in bidi controls, at times between two words.
    text = normalise(text.translate(BIDI_AS_SPACE)).casefold()
    # pdftotext joins a word broken after its hyphen at a line end ("pro-" + "government" -> "progovernment").
    text = re.sub(r"[-\u00ad\u2010\u2011]", "", text)
    text = "".join(c for c in text if unicodedata.category(c) != "Mn")
    return " ".join(re.findall(r"\w+", text))


def body_text(text: str, document) -> str:
    """Return pdftotext output without the running header and footer lines, which split paragraphs across pages."""
    meta = document.meta
    running = {normalise(meta.labels["urgent_action"]), normalise(meta.reference or meta.issued)}
    running.add(" ".join(sorted(running)))
    pages = text.rstrip("\f\n").split("\f")  # pdftotext ends every page, the last too, with a form feed
    kept = []
    for number, page in enumerate(pages, start=1):
        footer = normalise(meta.labels["page_of"].format(page=number, pages=len(pages)))
        kept += [line for line in page.splitlines() if normalise(line) not in running | {footer}]
    return "\n".join(kept)


def page_count(data: bytes) -> int:
    return len(page_sizes(data))


# --- text ---------------------------------------------------------------------


def test_english_pdf_holds_every_paragraph_of_the_source(editions, pdftotext):
    text = words(body_text(pdftotext(editions["en"]), sample_document("en")))
    for field in ("summary", "letter", "background"):
        for paragraph in source_paragraphs(field):
            assert words(paragraph) in text, f"{field} paragraph missing from the PDF: {paragraph[:80]}…"
    source = sample_source()
    for line in [source["targets"][0]["name"], *source["targets"][0]["address"].splitlines(), source["closing"]]:
        assert words(line) in text, line


@pytest.mark.parametrize("lang", ("es", "fr"))
def test_translated_pdf_holds_every_paragraph_it_publishes(editions, pdftotext, lang):
    # Issue 18: what the edition must publish is read from its PO file (the translation, or the source text where
    # there is none), not from the model under test.
    text = words(body_text(pdftotext(editions[lang]), sample_document(lang)))
    entries = sample_po(lang)
    assert len(entries) == 19
    for entry in entries:
        published = entry["msgstr"] if entry["msgstr"] and "fuzzy" not in entry["flags"] else entry["msgid"]
        plain = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", published)
        assert words(plain) in text, f"{entry['context']} missing from the {lang} PDF: {plain[:80]}…"


@pytest.mark.parametrize("lang", LANGS)
def test_deadline_and_page_footers_read_in_the_edition_language(editions, pdftotext, lang):
    document = sample_document(lang)
    data = editions[lang].read_bytes()
    pages = pdftotext(editions[lang]).split("\f")
    deadline = format_date(
        dt.date.fromisoformat(str(sample_source()["deadline"])), format="long", locale=DATE_LOCALES[lang]
    )
    assert words(deadline) in words("\n".join(pages))
    count = page_count(data)
    assert 2 <= count <= 4, f"the sample should take 2-4 pages, not {count}"
    for number in range(1, count + 1):
        footer = document.meta.labels["page_of"].format(page=number, pages=count)
        assert words(footer) in words(pages[number - 1]), f"page {number} lacks '{footer}'"


def test_arabic_pdf_is_set_in_the_bundled_naskh_and_keeps_latin_names(editions, pdftotext):
    document = sample_document("ar")
    text = words(pdftotext(editions["ar"]))
    assert words(document.meta.title) in text
    for name in ("Rocío San Miguel", "Delcy Rodríguez", "Javier Tarazona"):
        assert words(name) in text
    sources = embedded_sources(editions["ar"])
    assert ["NotoNaskhArabic-Regular.ttf"] in sources.values(), (
        f"the Arabic text is not in Noto Naskh Arabic: {sources}"
    )


def embedded_sources(path: Path) -> dict[str, list[str]]:
    """Return each font a PDF embeds and the bundled file(s) all its glyphs come from."""
    fonts = embedded_fonts(path.read_bytes())
    assert fonts, "the PDF embeds no TrueType font"
    return {name: bundled_sources_of(program) for name, program in fonts.items()}


# Issue 10: the font's name in the PDF depends on whether fontconfig also knows a system copy of the face
# ("Noto-Sans-Bold-Condensed" with fonts-noto installed, "Noto-Sans-Condensed,-Bold-Condensed" without):
# what matters is that the glyphs drawn are the bundled file's, so compare the glyph outlines themselves.
def test_headings_use_the_bundled_condensed_face(editions):
    sources = embedded_sources(editions["en"])
    assert [sample_brand().font_file("heading", "bold").name] in sources.values(), sources


@pytest.mark.parametrize("lang", LANGS)
def test_every_font_embedded_is_a_bundled_one(editions, lang):
    sources = embedded_sources(editions[lang])
    system = [name for name, files in sources.items() if not files]
    assert not system, f"glyphs from fonts that are not in styles/fonts/: {system}"


def test_a_font_that_is_not_bundled_is_told_apart():
    # The check above must be able to fail: the same face with its outlines moved by one unit is another font.
    from fontTools.ttLib import TTFont

    bundled = ROOT / "styles" / "fonts" / "NotoSans-CondensedBold.ttf"
    assert bundled_sources_of(bundled.read_bytes()) == [bundled.name]
    font = TTFont(bundled)
    for name in font.getGlyphOrder():
        glyph = font["glyf"][name]
        if glyph.numberOfContours > 0:
            glyph.coordinates.translate((1, 0))
    other = io.BytesIO()
    font.save(other)
    assert bundled_sources_of(other.getvalue()) == []


def test_fallback_blocks_carry_the_untranslated_label(editions, pdftotext):
    document = sample_document("fr")
    text = words(pdftotext(editions["fr"]))
    label = words(document.meta.labels["untranslated"])
    fallbacks = [s for s in document.segments if s.fallback]
    assert fallbacks, "the French sample should show untranslated background paragraphs"
    assert text.count(label) == len(fallbacks)


# --- links, bookmarks, metadata -----------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_links_are_annotations_to_the_source_addresses(editions, lang):
    uris = pdf_values(editions[lang].read_bytes(), "URI")
    previous = sample_source()["previous"]["url"]
    assert uris.count(previous) == 1, uris  # once: no duplicate annotations
    assert all(uri not in ("", "#") and not uri.endswith("#") for uri in uris), uris
    assert set(uris) == {previous}, "only the previous UA's address is known in the sample"


@pytest.mark.parametrize("lang", LANGS)
def test_outline_holds_the_title_and_both_section_headings(editions, lang):
    meta = sample_document(lang).meta
    titles = [normalise(t) for t in outline_titles(editions[lang].read_bytes())]
    expected = [meta.title, meta.labels["take_action"], meta.labels["additional_information"]]
    assert titles == [normalise(t) for t in expected]
    assert normalise(meta.labels["urgent_action"]) not in titles


@pytest.mark.parametrize("lang", LANGS)
def test_metadata_names_title_language_subject_and_keywords(editions, lang):
    meta = sample_document(lang).meta
    data = editions[lang].read_bytes()
    fields = info(data)
    assert fields["Title"] == meta.title
    assert fields["Subject"] == meta.subject
    assert [k.strip() for k in fields["Keywords"].split(",")] == list(meta.keywords)
    assert "CreationDate" not in fields and "ModDate" not in fields  # a date would break determinism
    assert pdf_values(data, "Lang") == [lang]


def test_a4_brand_gives_a4_pages(editions):
    sizes = page_sizes(editions["en"].read_bytes())
    assert sizes and set(sizes) == {(595, 842)}


def test_letter_brand_gives_letter_pages():
    data = pdf.write(sample_document("en"), sample_brand("Letter"))
    sizes = page_sizes(data)
    assert sizes and set(sizes) == {(612, 792)}


def test_two_renders_are_byte_identical(editions):
    again = pdf.write(sample_document("ar"), sample_brand())
    assert again == editions["ar"].read_bytes()


def test_every_edition_and_page_fill_variant_shares_the_brand_rules_of_its_stylesheet():
    # Issue 13: print.css parsed once per process for all editions; only the few rules after "Per edition" differ
    # by language, direction, page-fill variant and proof.
    from uapress.writers.html import render

    brand = sample_brand()
    split = {
        (lang, fit): pdf._split_style(render(sample_document(lang), brand, for_print=True, fit=fit))[1]
        for lang in LANGS
        for fit in pdf.FITS
    }
    assert all(len(sheets) == 2 for sheets in split.values())
    shared = {sheets[0] for sheets in split.values()}
    assert len(shared) == 1 and "@font-face" in shared.pop()
    own = [sheets[1] for sheets in split.values()]
    assert len(set(own)) == len(own) and all(sheet.startswith(pdf.EDITION_RULES) for sheet in own)


def test_the_brand_rules_stay_parsed_while_editions_come_and_go(monkeypatch):
    # Issue 13: the stylesheets kept are the most recently used, and every edition uses the brand's rules.
    monkeypatch.setattr(pdf, "SHEETS_KEPT", 3)
    pdf._SHEETS.clear()  # what earlier tests left (always safe: a stylesheet is parsed again when next needed)
    brand, parsed = sample_brand(), []
    for lang in LANGS:
        pdf.write(sample_document(lang), brand)
        parsed.append(
            {
                key[0][:40]: sheet
                for key, sheet in pdf._SHEETS.items()
                if not key[0].startswith(pdf.EDITION_RULES) and "@font-face" in key[0]
            }
        )
    assert len(pdf._SHEETS) <= 3
    assert all(len(found) == 1 for found in parsed)
    assert len({id(sheet) for found in parsed for sheet in found.values()}) == 1


@pytest.mark.parametrize("lang", ("es", "ar"))
def test_the_brand_and_edition_rules_lay_out_as_one_stylesheet_does(editions, monkeypatch, lang):
    # Issue 13: the two parts of print.css cascade as their concatenation; the right-to-left rules and the page-fill
    # variants (Spanish is set "tight") moved after the brand's rules win as they did in place.
    from uapress.writers.html import render

    monkeypatch.setattr(pdf, "EDITION_RULES", "/* no such comment */")
    assert len(pdf._split_style(render(sample_document(lang), sample_brand(), for_print=True))[1]) == 1
    assert pdf.write(sample_document(lang), sample_brand()) == editions[lang].read_bytes()


@pytest.mark.slow
def test_renders_a_second_apart_are_byte_identical_when_fonttools_subsets(tmp_path):
    # Without libharfbuzz-subset WeasyPrint subsets with fontTools, which dated each font with the current second.
    script = """
        import sys, time
        import weasyprint.pdf.fonts
        from helpers import sample_brand, sample_document
        from uapress.writers import pdf
        weasyprint.pdf.fonts.harfbuzz_subset = None  # as on a system without libharfbuzz-subset
        cut = weasyprint.pdf.fonts.Font._fonttools_subset
        calls = []
        weasyprint.pdf.fonts.Font._fonttools_subset = lambda *args: calls.append(1) or cut(*args)
        first = pdf.write(sample_document("en"), sample_brand())
        time.sleep(1.1)
        sys.stdout.write(f"{len(calls)} {first == pdf.write(sample_document('en'), sample_brand())}")
    """
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parent)},
        timeout=300,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    calls, same = result.stdout.split()
    assert int(calls) >= 3, "fontTools did not subset the fonts"
    assert same == "True"


def test_a_source_date_epoch_that_is_no_number_is_a_clear_error(tmp_path):
    from projects import SAMPLE, make_project, run_uapress

    project = make_project(tmp_path, SAMPLE)
    result = run_uapress(project, "build", "--format", "pdf", "--lang", "en", env={"SOURCE_DATE_EPOCH": "yesterday"})
    assert result.returncode == 1, result.stderr
    assert "SOURCE_DATE_EPOCH='yesterday' is not a number of seconds" in result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert not list((project / "build").rglob("*.pdf")), "a PDF was written"


# --- no network ---------------------------------------------------------------


def test_fetcher_serves_project_files_and_refuses_everything_else(tmp_path):
    from uapress.writers.fetcher import FetchRefused, project_fetcher

    fetcher = project_fetcher(ROOT / "styles")
    logo = fetcher.fetch((ROOT / "styles" / "logo.svg").as_uri())
    assert logo.read().startswith(b"<svg")
    assert fetcher.fetch("data:text/plain,hi").read() == b"hi"
    outside = tmp_path / "elsewhere.css"
    outside.write_text("p {}", encoding="utf-8")
    for url in (
        "http://example.org/style.css",
        "https://fonts.example.org/a.woff2",
        "ftp://example.org/x",
        outside.as_uri(),
        (ROOT / "styles" / ".." / "pyproject.toml").as_uri(),
        "file:///etc/hostname",
        "file://example.org/share/x.css",
    ):
        with pytest.raises(FetchRefused):
            fetcher.fetch(url)


@pytest.mark.allow_weasyprint_warnings()
def test_a_page_that_asks_for_the_network_fails_the_build(tmp_path):
    styles = tmp_path / "styles"
    shutil.copytree(ROOT / "styles", styles)
    page = styles / "edition.html"
    page.write_text(
        page.read_text(encoding="utf-8").replace("<main>", '<img src="https://example.org/tracker.png" alt=""><main>'),
        encoding="utf-8",
    )
    with pytest.raises(BuildError, match="example.org"):
        pdf.write(sample_document("en"), load_brand(tmp_path))


# --- PDF standards: tagged PDF/UA-1, PDF/A-3b, paper (issue point 4) -------------


def structure_text(pdf: Path) -> list[tuple[int, str, str]]:
    """Return the structure tree as `pdfinfo -struct-text` prints it: (depth, element, text under it)."""
    from conftest import require

    out = subprocess.run(
        [require("pdfinfo"), "-struct-text", str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    lines = [(len(line) - len(line.lstrip()), line.strip()) for line in out.splitlines() if line.strip()]
    nodes = []
    for index, (depth, line) in enumerate(lines):
        if line.startswith('"'):
            continue
        texts = []
        for inner_depth, inner in lines[index + 1 :]:
            if inner_depth <= depth:
                break
            if inner.startswith('"'):
                texts.append(inner.strip('"'))
        nodes.append((depth, line.split(" ")[0].rstrip(":"), "".join(texts)))
    return nodes


@pytest.mark.parametrize("lang", LANGS)
def test_editions_are_tagged_pdf_ua_with_their_language(editions, lang):
    data = editions[lang].read_bytes()
    objects = pdf_objects(data)
    assert re.search(rb"/StructTreeRoot\s+\d+\s+0\s+R", objects), "no structure tree"
    assert re.search(rb"/MarkInfo\s*<<\s*/Marked\s+true\s*>>", objects), "not marked as tagged"
    assert pdf_values(data, "Lang") == [lang]
    assert re.search(rb'pdfuaid:part="1"', objects), "no PDF/UA-1 identification in the XMP metadata"
    assert re.search(rb"/DisplayDocTitle\s+true", objects)
    # Every image is described (WeasyPrint logs an error for one without: conftest fails on it).
    assert set(pdf_values(data, "Alt")) == {sample_brand().logo_alt}


@pytest.mark.parametrize("lang", ("en", "ar"))
def test_structure_tree_holds_the_headings_and_paragraphs(editions, lang):
    meta = sample_document(lang).meta
    nodes = structure_text(editions[lang])
    tags = [tag for _, tag, _ in nodes]
    assert tags.count("H1") == 1 and "P" in tags and "Figure" in tags
    (title,) = [text for _, tag, text in nodes if tag == "H1"]
    # h2::after (the accent rule) nests a second H2 in each heading: read the outer ones.
    outer = [
        text
        for index, (depth, tag, text) in enumerate(nodes)
        if tag == "H2" and not (index and nodes[index - 1][1] == "H2" and nodes[index - 1][0] < depth)
    ]
    found = [title] + outer
    expected = [meta.title, meta.labels["take_action"], meta.labels["additional_information"]]
    if lang == "ar":
        # WeasyPrint marks Arabic glyph runs in visual order, so the tags read them reversed: compare letters.
        assert [sorted(words(t).replace(" ", "")) for t in found] == [
            sorted(words(t).replace(" ", "")) for t in expected
        ]
    else:
        assert [words(t) for t in found] == [words(t) for t in expected]  # case-folded: titles are set in capitals


def test_archiving_variant_is_pdf_a_3b_tagged_and_deterministic():
    brand = sample_brand().with_pdf_variant("pdf/a-3b")
    data = pdf.write(sample_document("es"), brand)
    objects = pdf_objects(data)
    assert re.search(rb'pdfaid:part="3"', objects) and re.search(rb'pdfaid:conformance="B"', objects)
    assert re.search(rb"/S\s*/GTS_PDFA1", objects), "no PDF/A output intent"
    assert re.search(rb"/StructTreeRoot\s+\d+\s+0\s+R", objects), "the archive copy lost its tags"
    assert pdf_values(data, "Lang") == ["es"]
    assert pdf.write(sample_document("es"), brand) == data


def test_an_unknown_pdf_variant_is_a_usage_error():
    from uapress.core.errors import UsageError

    with pytest.raises(UsageError, match="pdf/ua-1, pdf/a-3b"):
        sample_brand().with_pdf_variant("pdf/x-4")


@pytest.mark.parametrize("paper, size", [("letter", (612, 792)), ("A4", (595, 842))])
def test_paper_option_sets_the_page_size(tmp_path, paper, size):
    from projects import make_project, run_uapress

    root = make_project(tmp_path)
    result = run_uapress(root, "build", "--format", "pdf", "--paper", paper, "--pdf-variant", "pdf/a-3b")
    assert result.returncode == 0, result.stderr
    data = (root / "build" / "minimal" / "en" / "minimal.en.pdf").read_bytes()
    assert set(page_sizes(data)) == {size}
    assert re.search(rb'pdfaid:part="3"', pdf_objects(data))
