"""The letter pack (issue 14): letter sheets for a window envelope, the annex letter, "Write by e-mail"."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
import subprocess
import zipfile
from collections import Counter
from functools import cache
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import lxml.html
import pytest

import libreoffice_batch
from conftest import _run, require
from helpers import ROOT, SAMPLE, normalise, sample_brand
from projects import make_project, run_uapress
from uapress.build.render import appeal_localisation, edition_document
from uapress.localise import localise
from uapress.source import load_action
from uapress.writers import docx, html, letters_docx, letters_pdf, pdf
from uapress.writers.envelope import DIN_5008_B, FOLDS

PT = 25.4 / 72
"""Millimetres in a PDF point."""
PAPER_WIDTH = {"A4": 210.0, "Letter": 215.9}
WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')
ASCENT_ALLOWANCE = 0.6
"""mm: pdftotext's word boxes start at the font's ascent, a little above the line box the address is set in."""


@cache
def document(lang: str, root: Path = ROOT, source: Path = SAMPLE):
    """Return an edition as the build step makes it, letter pack included."""
    action, _ = load_action(source)
    return edition_document(localise(action, lang, root), appeal_localisation(action, lang, root))


def bbox_pages(pdf_file: Path) -> list[list[tuple]]:
    """Return each page's words as (x_min, y_min, x_max, y_max, text), in mm from the top-left corner."""
    proc = _run([require("pdftotext"), "-bbox", "-enc", "UTF-8", str(pdf_file), "-"], timeout=60, what="pdftotext")
    pages = proc.stdout.split("<page ")[1:]
    return [[(*(float(v) * PT for v in m.groups()[:4]), m.group(5)) for m in WORD.finditer(page)] for page in pages]


def address_box(words: list[tuple], target) -> tuple[float, float, float, float]:
    """Return the box (mm) around the target's name and address lines as printed above the letter text."""
    wanted = " ".join([target.name, *target.address]).split()
    # Above the salutation, which starts at 98.46 mm and may repeat the name.
    found = [w for w in words if w[4] in wanted and w[1] < DIN_5008_B.text_top - 3]
    # The title between name and address may repeat a word of them ("Presidenta encargada de la República"): it is in the window too.
    assert not Counter(wanted) - Counter(w[4] for w in found), "every word of the name and address is in the head"
    return (min(w[0] for w in found), min(w[1] for w in found), max(w[2] for w in found), max(w[3] for w in found))


def assert_in_window(box, paper: str, rtl: bool, window: str = "left") -> None:
    """Check an address box against DIN 5008 form B: in the 85 x 45 mm field, below its notes zone.

    The field is where the envelope's window is (left unless the brand says right), whatever the text's
    direction (issue 20); the address lines up with the letter text on its start side, 25 mm from the binding
    edge (5 mm into the field), or ends 5 mm inside the field's right edge when set right to left.
    """
    g, width = DIN_5008_B, PAPER_WIDTH[paper]
    x_min, y_min, x_max, y_max = box
    field_left = width - g.field_side - g.field_width if window == "right" else g.field_side
    assert field_left <= x_min and x_max <= field_left + g.field_width, box
    if rtl:
        assert x_max == pytest.approx(field_left + g.field_width - g.field_inset, abs=0.5), box
    else:
        assert x_min == pytest.approx(field_left + g.field_inset, abs=0.5), box
    assert y_min >= g.address_top - ASCENT_ALLOWANCE, box
    assert y_max <= g.field_top + g.field_height, box


# Letter sheets, PDF


@pytest.mark.parametrize("lang, paper", [("en", "A4"), ("ar", "A4"), ("en", "Letter"), ("ar", "Letter")])
def test_letter_sheet_pdf_puts_the_address_in_the_envelope_window(tmp_path, lang, paper):
    # Issue 14: the address must show in a DL window envelope. Issue 20: in Arabic too, the window is on the left
    # (it mirrored the address to 150-185 mm, where a left-window envelope shows nothing).
    doc = document(lang)
    out = tmp_path / f"{lang}.letters.pdf"
    out.write_bytes(letters_pdf.write(doc, sample_brand(paper)))
    pages = bbox_pages(out)
    assert len(pages) == len(doc.letter.targets)  # one page per target
    box = address_box(pages[0], doc.letter.targets[0])
    print(f"{lang} {paper}: address at x {box[0]:.1f}-{box[2]:.1f} mm, y {box[1]:.1f}-{box[3]:.1f} mm")
    assert_in_window(box, paper, rtl=lang == "ar")
    # Fold marks in the left margin, where the sheet is folded, in Arabic too (issue 20).
    assert fold_marks(out) == [(round(fold), "left") for fold in FOLDS[paper]]
    info = _run([require("pdfinfo"), str(out)], timeout=60, what="pdfinfo").stdout
    size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info)
    assert float(size.group(1)) * PT == pytest.approx(PAPER_WIDTH[paper], abs=0.5)


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_a_right_window_is_the_brands_setting_in_every_language(tmp_path, lang):
    # Issue 20: the window is a property of the envelope: a brand for right-window envelopes moves the address
    # to the right in English as in Arabic, in PDF and DOCX alike.
    brand = dataclasses.replace(sample_brand(), envelope_window="right")
    doc = document(lang)
    out = tmp_path / f"{lang}.letters.pdf"
    out.write_bytes(letters_pdf.write(doc, brand))
    assert_in_window(address_box(bbox_pages(out)[0], doc.letter.targets[0]), "A4", rtl=lang == "ar", window="right")


def test_an_unknown_envelope_window_is_a_brand_error_naming_the_field(tmp_path):
    project = make_project(tmp_path)
    brand_file = project / "styles" / "brand.yaml"
    brand_file.write_text(
        brand_file.read_text(encoding="utf-8").replace("envelope_window: left", "envelope_window: top"),
        encoding="utf-8",
    )
    result = run_uapress(project, "build")
    assert result.returncode == 1, result.stderr
    assert "page.envelope_window" in result.stderr and "'top'" in result.stderr and "left" in result.stderr


def fold_marks(pdf: Path) -> list[tuple[int, str]]:
    """Return the first page's fold marks: short rules in a side margin, as (mm from the top, side)."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTCurve

    page = next(iter(extract_pages(str(pdf))))
    mm = 72 / 25.4
    marks = []
    for shape in page:
        if isinstance(shape, LTCurve) and shape.height < 0.5 and 4 * mm < shape.width < 6 * mm:
            side = "left" if shape.x1 < 20 * mm else "right" if shape.x0 > page.width - 20 * mm else "inside"
            marks.append((round((page.height - shape.y1) / mm), side))
    return sorted(set(marks))  # a stroked rule may come as two shapes


@pytest.mark.parametrize("slug", ["venezuela-hrd-release", "venezuela-hrd-release-fi1"])
def test_every_letter_sheet_of_every_edition_is_one_page_per_target(tmp_path, slug):
    # Issue 11 (a look at every page): the Spanish sheet put "Atentamente," and the signature line alone on a
    # second page; the sheet is now set a little tighter when it would run over.
    sheets = []
    for lang in ("en", "es", "fr", "ar"):
        doc = document(lang, source=ROOT / "source" / "actions" / slug / "action.yaml")
        if doc.letter is None:
            continue  # the letter is not wholly translated: no sheet to send
        out = tmp_path / f"{lang}.letters.pdf"
        out.write_bytes(letters_pdf.write(doc, sample_brand()))
        pages = bbox_pages(out)
        assert len(pages) == len(doc.letter.targets), f"{slug} ({lang}): {len(pages)} pages"
        sheets.append(lang)
    # Issue 18: exactly the languages whose letter is wholly translated get a sheet (it was `>= 1`): every one for
    # the sample; the follow-up's new letter paragraphs are translated in none of its PO files yet.
    assert sheets == LETTER_LANGUAGES[slug] == letter_languages(slug)


LETTER_LANGUAGES = {"venezuela-hrd-release": ["en", "es", "fr", "ar"], "venezuela-hrd-release-fi1": ["en"]}


def letter_languages(slug: str) -> list[str]:
    """Return the source language and each language whose PO file translates every part of the letter (its
    paragraphs, closing, and the targets' and copies' titles and salutations), read without uapress."""
    from test_translations import live, parse_po

    folder = ROOT / "source" / "actions" / slug
    letter = re.compile(r"^(letter|closing|targets\.\d+\.(title|salutation)|copies\.\d+\.title)$")
    found = ["en"]
    for lang in ("es", "fr", "ar"):
        entries = live(parse_po((folder / "translations" / f"{lang}.po").read_text(encoding="utf-8")))
        parts = [e for e in entries if letter.match(e["context"] or "")]
        assert parts, f"{slug} ({lang}): no letter in the PO file"
        if all(e["msgstr"] and "fuzzy" not in e["flags"] for e in parts):
            found.append(lang)
    return found


def test_letter_sheet_pdf_reads_as_a_letter_to_fill_in(tmp_path, pdftotext):
    doc = document("es")
    out = tmp_path / "es.letters.pdf"
    out.write_bytes(letters_pdf.write(doc, sample_brand()))
    text = normalise(pdftotext(out))
    letter = doc.letter
    for needle in (
        "Su nombre y dirección",
        "Fecha:",
        "Firma",
        "Sra. Delcy Rodríguez:",
        "Atentamente,",
        "Palacio de Miraflores,",
        "Presidenta encargada de la República",
    ):
        assert needle in text
    # Every paragraph of the Spanish letter, in order.
    po = (ROOT / "source/actions/venezuela-hrd-release/translations/es.po").read_text(encoding="utf-8")
    paragraphs = [normalise(p) for p in re.findall(r'msgctxt "letter"\nmsgid "[^\n]*"\nmsgstr "([^\n]*)"', po)]
    assert len(paragraphs) == 5
    positions = [text.index(p) for p in paragraphs]
    assert positions == sorted(positions)
    assert text.index("Sra. Delcy Rodríguez:") < positions[0] < text.index("Atentamente,")
    # The date is left to the sender: no build date, no issue date printed as if it were the sending date.
    assert dt.date.today().strftime("%Y") + "-" not in text
    assert "19 de enero de 2026" not in text.split("Hemos tomado nota")[0]
    assert letter.lang == "es" and doc.meta.lang == "es"


def test_letter_sheets_list_copies_and_give_each_target_a_page(tmp_path, pdftotext):
    root = make_project(tmp_path, "letters")
    action = load_action(root / "source/actions/email-short/action.yaml")[0]
    doc = edition_document(localise(action, "es", root), appeal_localisation(action, "es", root))
    out = tmp_path / "short.es.letters.pdf"
    out.write_bytes(letters_pdf.write(doc, sample_brand()))
    pages = pdftotext(out).split("\f")
    assert len([p for p in pages if p.strip()]) == 2
    for page, (name, salutation) in zip(
        pages, [("Ana Pérez", "Señora ministra:"), ("Luis Gómez", "Señor fiscal general:")]
    ):
        page = normalise(page)
        assert name in page and salutation in page
        assert "Y copias a:" in page
        assert "Embassy of Venezuela, Embajador, 1 Example Street, London, United Kingdom" in page
    for page, target in zip(bbox_pages(out), doc.letter.targets):
        assert_in_window(address_box(page, target), "A4", rtl=False)


# Letter sheets, DOCX


@cache
def letter_sheets(lang: str):
    """Return the producer of the sample's DOCX letter sheet in `lang`, for LibreOffice's batch."""

    def make(path: Path) -> None:
        path.write_bytes(letters_docx.write(document(lang), sample_brand()))

    return make


@cache
def letters_edition(slug: str, lang: str):
    """Return the producer of an action's DOCX edition in `lang` as the build makes it (letter annex included)."""

    def make(path: Path) -> None:
        path.write_bytes(
            docx.write(document(lang, source=ROOT / "source" / "actions" / slug / "action.yaml"), sample_brand())
        )

    return make


# Printed by LibreOffice in the session's one batch (issue 18).
for _lang in ("en", "es", "fr", "ar"):
    libreoffice_batch.register(__name__, f"sheet.{_lang}", letter_sheets(_lang), ["pdf"])
libreoffice_batch.register(
    __name__, "edition-letters.venezuela-hrd-release.fr", letters_edition("venezuela-hrd-release", "fr"), ["pdf"]
)


@pytest.mark.parametrize("lang", ["en", "es", "fr", "ar"])
def test_letter_sheet_docx_opens_in_libreoffice_with_the_address_in_the_window(office, pdftotext, lang):
    doc = document(lang)
    assert office.docx(f"sheet.{lang}").read_bytes() == letters_docx.write(doc, sample_brand())
    converted = office.converted(f"sheet.{lang}", "pdf")
    text = normalise(pdftotext(converted))
    if lang == "en":
        assert "Ms Delcy Rodríguez, We took note of the long-awaited-for release" in text
        assert "We call for the immediate and unconditional release of Eduardo Torres" in text
        assert "Your name and address" in text and "Date:" in text and "Yours sincerely, Signature" in text
    elif lang in ("es", "fr"):
        closing, signature = {"es": ("Atentamente,", "Firma"), "fr": ("considération,", "Signature")}[lang]
        assert f"{closing} {signature}" in text
    else:
        # LibreOffice's PDF gives Arabic back with its lam-alef ligatures split: check words without one.
        assert "اسمك وعنوانك" in text and "التاريخ" in text and "التوقيع" in text and "وتفضلوا بقبول فائق" in text
    # Issue 11: the sheet carries the brand's faces (LibreOffice set it in DejaVu Sans on a machine without Noto)
    # and stays on one page: the Spanish and French ones put their closing and signature on a second.
    fonts = subprocess.run([require("pdffonts"), str(converted)], capture_output=True, text=True, check=True).stdout
    assert "NotoSans-Regular" in fonts and ("NotoNaskhArabic" in fonts) == (lang == "ar")
    pages = bbox_pages(converted)
    assert len(pages) == 1
    box = address_box(pages[0], doc.letter.targets[0])
    print(f"LibreOffice {lang}: address at x {box[0]:.1f}-{box[2]:.1f} mm, y {box[1]:.1f}-{box[3]:.1f} mm")
    assert_in_window(box, "A4", rtl=lang == "ar")
    # The sender writes on three ruled lines above the window (45 mm), as on the PDF sheet: LibreOffice cut
    # the third off when each empty ruled paragraph was as tall as its font made it.
    assert ruled_lines_above(converted, 45) == 3


def ruled_lines_above(pdf: Path, limit_mm: float) -> int:
    """Return how many distinct horizontal rules the first page draws above `limit_mm` from its top."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTCurve

    page = next(iter(extract_pages(str(pdf))))
    mm = 72 / 25.4
    return len(
        {
            round((page.height - shape.y1) / mm)
            for shape in page
            if isinstance(shape, LTCurve)
            and shape.height < 0.5
            and shape.width > 20 * mm
            and (page.height - shape.y1) / mm < limit_mm
        }
    )


def test_letter_sheet_docx_sets_the_letter_language_and_direction():
    data = letters_docx.write(document("ar"), sample_brand())
    body = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode("utf-8")
    assert 'w:bidi="ar-' in body and "<w:bidiVisual/>" in body
    assert "ua_" not in body  # no segment bookmarks: the sheets are not a translation to import


# The annex: the letter in the appeal language


def test_annex_letter_in_the_appeal_language_in_html():
    # Issue 14: a French reader gets the Spanish letter too, labelled in French.
    page = lxml.html.fromstring(html.write(document("fr"), sample_brand()))
    (annex,) = page.xpath('//section[@class="appeal-letter"]')
    assert (
        normalise(annex.xpath(".//h2")[0].text_content())
        == "Modèle de lettre en espagnol, la langue que préfère la personne destinataire"
    )
    paragraphs = annex.xpath('.//div[@class="letter"]//p')
    # The name is bound by a no-break space so that it never breaks (issue 20).
    assert paragraphs[0].text_content() == "Sra. Delcy\u00a0Rodríguez:"
    assert paragraphs[-1].text_content() == "Atentamente,"
    assert {p.get("lang") for p in paragraphs} == {"es"}
    assert not annex.xpath(".//*[@data-segment]")  # the French edition's segments are its own
    # The edition in the appeal language itself has no annex.
    assert not lxml.html.fromstring(html.write(document("es"), sample_brand())).xpath(
        '//section[@class="appeal-letter"]'
    )


def test_annex_letter_in_an_rtl_edition_runs_left_to_right():
    page = lxml.html.fromstring(html.write(document("ar"), sample_brand()))
    (annex,) = page.xpath('//section[@class="appeal-letter"]')
    assert "الإسبانية" in annex.xpath(".//h2")[0].text_content()
    assert {(p.get("lang"), p.get("dir")) for p in annex.xpath('.//div[@class="letter"]//p')} == {("es", "ltr")}


def test_annex_letter_starts_a_pdf_page(tmp_path, pdftotext):
    out = tmp_path / "en.pdf"
    out.write_bytes(pdf.write(document("en"), sample_brand()))
    pages = [normalise(p) for p in pdftotext(out).split("\f") if p.strip()]
    last = pages[-1]
    # The page opens (after the running header) with the annex's heading, set in capitals by style.
    assert re.match(
        r"URGENT ACTION \S+ \S+ \S+ MODEL LETTER IN SPANISH, THE LANGUAGE THE TARGET PREFERS "
        r"Sra\. Delcy Rodríguez:",
        last,
    ), last[:200]
    assert not any("MODEL LETTER IN SPANISH" in page for page in pages[:-1])
    assert last.index("Sra. Delcy Rodríguez:") < last.index("Atentamente,")


def test_annex_letter_in_docx_is_spanish_on_a_page_of_its_own(office, pdftotext):
    data = docx.write(document("fr"), sample_brand())
    body = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode("utf-8")
    before, annex = body.split("Modèle de lettre en espagnol", 1)
    assert "<w:pageBreakBefore/>" in before[before.rindex("<w:p>") :]  # the heading's paragraph starts a page
    assert 'w:val="es-ES"' in annex and "Atentamente," in annex
    names = re.findall(r'w:bookmarkStart w:id="\d+" w:name="([^"]+)"', body)
    assert len(names) == len(set(names))  # the annex adds no second bookmark for a segment
    name = "edition-letters.venezuela-hrd-release.fr"
    assert office.docx(name).read_bytes() == data
    pages = pdftotext(office.converted(name, "pdf")).split("\f")
    last = normalise(next(p for p in reversed(pages) if p.strip()))
    # Headings are set in capitals in the DOCX as in the PDF (issue 21): the text is compared case folded.
    assert "modèle de lettre en espagnol" in last.casefold() and "Sra. Delcy Rodríguez:" in last.replace("\u00a0", " ")


# Write by e-mail


def _edition(chromium_page, root: Path, slug: str, lang: str = "en"):
    result = run_uapress(root, "build", slug, "--lang", lang, "--format", "html")
    assert result.returncode == 0, result.stderr
    chromium_page.goto((root / "build" / slug / lang / f"{slug}.{lang}.html").as_uri())
    return chromium_page


def test_write_by_email_opens_the_spanish_letter_in_a_mailto_link(tmp_path, chromium_page):
    # Issue 14: Chromium reads the button's href; it decodes to the address, subject and letter (RFC 6068).
    page = _edition(chromium_page, make_project(tmp_path, "letters"), "email-short")
    buttons = page.locator("section.email a.email-button")
    assert buttons.count() == 2
    assert (
        page.locator("section.email .email-language").inner_text()
        == "Model letter in Spanish, the language the target prefers"
    )
    href = buttons.first.get_attribute("href")
    assert len(href) <= 1800
    assert "%20" in href and "%0D%0A" in href and "+" not in href.split("?", 1)[1]
    parts = urlsplit(href)
    assert parts.scheme == "mailto" and unquote(parts.path) == "ministra+appeals@example.org"
    query = parse_qs(parts.query)
    assert query["subject"] == ["Liberen a la defensora"]
    assert query["body"] == [
        "Señora ministra:\r\n\r\n"
        "Le insto a liberar a la defensora y a retirar los cargos, como han pedido los expertos de la ONU "
        "(https://www.ohchr.org/en).\r\n\r\n"
        "¿Protegerá sus derechos? Le pido que garantice:\r\n\r\n"
        "- el acceso a un abogado;\r\n- las visitas de su familia.\r\n\r\n"
        "Atentamente,"
    ]
    second = parse_qs(urlsplit(buttons.nth(1).get_attribute("href")).query)
    assert second["body"][0].startswith("Señor fiscal general:\r\n\r\nLe insto")
    assert buttons.first.is_visible() and page.page_errors == []


def test_write_by_email_falls_back_to_copying_a_long_letter(tmp_path, chromium_page):
    page = _edition(chromium_page, make_project(tmp_path, "letters"), "email-long")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    area = page.locator("section.email textarea.email-text")
    assert area.is_visible()
    text = area.input_value()
    assert text.startswith("Dear Minister,\n\nWe are writing to you") and text.endswith("Yours sincerely,")
    # The link still opens a message to the right address, without the letter it could not carry.
    href = page.locator("section.email a.email-button").get_attribute("href")
    assert unquote(urlsplit(href).path) == "ministra@example.org" and "body=" not in href
    assert "too long" in page.locator("section.email .email-note").inner_text()
    page.locator("section.email button.copy-button").click()
    page.wait_for_function("document.querySelector('.copy-status').textContent.length > 0")
    assert page.locator(".copy-status").inner_text() == "Copied: paste it into a new e-mail."
    assert page.evaluate("navigator.clipboard.readText()") == text
    assert page.page_errors == []


def test_sample_without_email_has_no_email_buttons():
    assert not lxml.html.fromstring(html.write(document("en"), sample_brand())).xpath('//section[@class="email"]')


# The build


def test_build_writes_letter_sheets_per_language_and_rebuilds_the_annex(tmp_path):
    root = make_project(tmp_path, "letters")
    result = run_uapress(root, "build", "email-short")
    assert result.returncode == 0, result.stderr
    for lang in ("en", "es"):
        folder = root / "build" / "email-short" / lang / "letters"
        assert sorted(p.name for p in folder.iterdir()) == [
            f"email-short.{lang}.letters.docx",
            f"email-short.{lang}.letters.pdf",
        ]
    # The index lists the letter languages of each action, the target's own first, with links to the sheets.
    index = lxml.html.fromstring((root / "build" / "index.html").read_bytes())
    (letters,) = index.xpath('//section[@aria-labelledby="action-email-short"]//div[@class="letters"]/dd')
    assert normalise(letters.text_content()).startswith(normalise("español (the target's language): PDF"))
    hrefs = letters.xpath(".//a/@href")
    assert hrefs == [
        "email-short/es/letters/email-short.es.letters.pdf",
        "email-short/es/letters/email-short.es.letters.docx",
        "email-short/en/letters/email-short.en.letters.pdf",
        "email-short/en/letters/email-short.en.letters.docx",
    ]
    assert all((root / "build" / href).is_file() for href in hrefs)
    # The English edition shows the Spanish letter: a change to es.po rebuilds it.
    po = root / "source/actions/email-short/translations/es.po"
    po.write_text(
        po.read_text(encoding="utf-8").replace('msgstr "Atentamente,"', 'msgstr "Un saludo,"'), encoding="utf-8"
    )
    result = run_uapress(root, "build", "email-short", "--format", "html")
    assert "email-short/en unchanged" not in result.stdout + result.stderr
    english = (root / "build/email-short/en/email-short.en.html").read_text(encoding="utf-8")
    assert "Un saludo," in english


def test_letter_sheets_are_withdrawn_when_the_letter_is_no_longer_translated(tmp_path):
    root = make_project(tmp_path, "letters")
    assert run_uapress(root, "build", "email-short", "--lang", "es").returncode == 0
    sheet = root / "build/email-short/es/letters/email-short.es.letters.pdf"
    assert sheet.is_file()
    po = root / "source/actions/email-short/translations/es.po"
    po.write_text(po.read_text(encoding="utf-8").replace('msgstr "Atentamente,"', 'msgstr ""'), encoding="utf-8")
    assert run_uapress(root, "build", "email-short", "--lang", "es").returncode == 0
    assert not sheet.exists() and not sheet.with_suffix(".docx").exists()
    assert "email-short.es.letters" not in (root / "build/index.html").read_text(encoding="utf-8")
