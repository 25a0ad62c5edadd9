"""One brand for three formats: colours drive HTML, PDF and DOCX alike, and text stays readable."""

from __future__ import annotations

import dataclasses
import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
import yaml
from lxml import etree

import libreoffice_batch
from projects import REPOSITORY, make_project, run_uapress
from test_letters import letters_edition
from uapress.writers.brand import load_brand

ROOT = Path(__file__).resolve().parents[1]
SLUG = "venezuela-hrd-release"


def luminance(colour: str) -> float:
    """Return the WCAG relative luminance of a #RRGGBB colour."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    """Return the WCAG contrast ratio of two colours."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


# Every pair of text colour and the ground it is set on, by role.
TEXT_PAIRS = [
    ("text", "background"),
    ("muted", "background"),
    ("link", "background"),
    ("primary", "background"),  # headings
    ("text", "box"),  # the facts box
    ("primary", "box"),
    ("muted", "box"),
    ("link", "box"),
    ("on_primary", "primary"),  # masthead band
    ("warning", "warning_background"),  # fallback labels
    ("text", "warning_background"),  # fallback text
]


@pytest.mark.parametrize("foreground,ground", TEXT_PAIRS)
def test_brand_text_meets_wcag_aa(foreground, ground):
    colours = load_brand(ROOT).colours
    ratio = contrast(colours[foreground], colours[ground])
    assert ratio >= 4.5, f"{foreground} on {ground}: {ratio:.2f}:1 is below WCAG AA 4.5:1"


def test_contrast_formula_matches_known_values():
    assert contrast("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert contrast("#777777", "#FFFFFF") == pytest.approx(4.48, abs=0.01)


def test_changing_the_primary_colour_changes_all_three_editions(tmp_path):
    project = make_project(tmp_path, REPOSITORY)
    brand_file = project / "styles" / "brand.yaml"
    data = yaml.safe_load(brand_file.read_text(encoding="utf-8"))
    old, new = data["colours"]["primary"].upper(), "#5A1E6B"
    brand_file.write_text(
        brand_file.read_text(encoding="utf-8").replace(data["colours"]["primary"], new), encoding="utf-8"
    )
    result = run_uapress(project, "build", SLUG, "--lang", "en")
    assert result.returncode == 0, result.stderr
    folder = project / "build" / SLUG / "en"

    html = (folder / f"{SLUG}.en.html").read_text(encoding="utf-8").upper()
    assert new in html and old not in html

    with zipfile.ZipFile(folder / f"{SLUG}.en.docx") as docx:
        styles = docx.read("word/styles.xml").decode("utf-8").upper()
    assert new[1:] in styles and old[1:] not in styles

    # The PDF draws the band in the new colour: WeasyPrint writes fill colours as RGB fractions.
    pdf = (folder / f"{SLUG}.en.pdf").read_bytes()
    streams = b"".join(_streams(pdf))
    wanted = tuple(int(new[i : i + 2], 16) / 255 for i in (1, 3, 5))
    drawn = {
        tuple(float(v) for v in m.groups()) for m in re.finditer(rb"([\d.]+) ([\d.]+) ([\d.]+) (?:rg|RG)", streams)
    }
    assert any(all(abs(a - b) < 0.002 for a, b in zip(colour, wanted)) for colour in drawn), (
        "the new primary colour is not drawn in the PDF"
    )


def _streams(pdf: bytes):
    import zlib

    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            yield zlib.decompress(match.group(1))
        except zlib.error:
            continue


# --- one brand in three formats (issue 11) -----------------------------------------------------------

# What the brand says each part of an edition looks like, and where each format keeps it:
# (what, HTML selector, CSS property, DOCX style, path in the style's XML, colour role or expected value).
LOOK = [
    ("title", "h1", "color", "Heading 1", "w:rPr/w:color/@w:val", "text"),
    ("section headings", "h2", "color", "Heading 2", "w:rPr/w:color/@w:val", "primary"),
    ("facts box ground", "div.facts", "background-color", "Fact", "w:pPr/w:shd/@w:fill", "box"),
    ("facts box rule", "div.facts", "border-top-color", "Fact", "w:pPr/w:pBdr/w:top/@w:color", "primary"),
    ("facts labels", "p.fact strong", "color", "Fact Label", "w:rPr/w:color/@w:val", "primary"),
    ("links", "a[href^='https:']", "color", "Hyperlink", "w:rPr/w:color/@w:val", "link"),
    ("body text", "main p", "color", "Normal", "w:rPr/w:color/@w:val", "text"),
    ("band", "header.band", "background-color", "Masthead", "w:pPr/w:shd/@w:fill", "primary"),
    ("band text", "p.masthead", "color", "Masthead", "w:rPr/w:color/@w:val", "on_primary"),
]
W_NS = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"}


@pytest.fixture(scope="module")
def editions(sample_build) -> Path:
    """The sample's editions, from the session's one build of it (issue 18); return the action's folder."""
    return sample_build.out / SLUG


# The DOCX editions as LibreOffice prints them, converted in the session's one batch (issue 18).
for _lang in ("en", "ar"):
    libreoffice_batch.register(__name__, f"edition-letters.{SLUG}.{_lang}", letters_edition(SLUG, _lang), ["pdf"])


def _rgb(css: str) -> str:
    numbers = [int(float(n)) for n in re.findall(r"[\d.]+", css)[:3]]
    return "#" + "".join(f"{n:02X}" for n in numbers)


def _docx_style(path: Path, name: str):
    from lxml import etree

    with zipfile.ZipFile(path) as docx:
        styles = etree.fromstring(docx.read("word/styles.xml"))
    # Word keeps its built-in names in lower case ("heading 1").
    (style,) = [
        s
        for s in styles.iterfind("w:style", W_NS)
        if s.find("w:name", W_NS).get(f"{{{W_NS['w']}}}val").lower() == name.lower()
    ]
    return style


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_html_and_docx_take_the_same_colours_from_the_brand(editions, chromium_page, lang):
    # Issue 11: the title was black in PDF/HTML and blue in DOCX, the facts box pale with a blue rule in
    # PDF/HTML but an amber bar in DOCX. Each part now takes one colour role, read back from each format.
    colours = load_brand(ROOT).colours
    html_file = editions / lang / f"{SLUG}.{lang}.html"
    docx_file = editions / lang / f"{SLUG}.{lang}.docx"
    chromium_page.goto(html_file.as_uri(), wait_until="load")
    for what, selector, prop, style, path, role in LOOK:
        shown = chromium_page.evaluate(
            "([s, p]) => getComputedStyle(document.querySelector(s)).getPropertyValue(p)", [selector, prop]
        )
        assert _rgb(shown) == colours[role].upper(), f"HTML {what}: {shown}, the brand's {role} is {colours[role]}"
        (written,) = _docx_style(docx_file, style).xpath(path, namespaces=W_NS)
        assert "#" + written.upper() == colours[role].upper(), f"DOCX {what}: {written}, the brand's {role}"
    # The salutation is bold in both.
    assert chromium_page.evaluate("getComputedStyle(document.querySelector('p.salutation')).fontWeight") == "700"
    assert _docx_style(docx_file, "Salutation").xpath("w:rPr/w:b/@w:val", namespaces=W_NS) in (["1"], ["true"])
    # Issue 11: a link without an address is plain text in every edition, DOCX included (it was grey and dotted
    # there). The DOCX keeps the words in their "Unresolved Link" style, which `uapress import` reads back as `(#)`.
    assert chromium_page.locator(".unresolved-link").count() == 0
    assert not _docx_style(docx_file, "Unresolved Link").xpath("w:rPr/*", namespaces=W_NS)
    with zipfile.ZipFile(docx_file) as docx:
        body = etree.fromstring(docx.read("word/document.xml"))
    runs = body.xpath("//w:r[w:rPr/w:rStyle/@w:val='UnresolvedLink']", namespaces=W_NS)
    assert len(runs) >= 8, "the sample's placeholder links, in their style"
    assert not [run for run in runs if run.xpath("w:rPr/w:color | w:rPr/w:u", namespaces=W_NS)], "no look of their own"


def test_a_proof_marks_placeholder_links_alike_in_html_and_docx(chromium_page):
    # Issue 11: proofs mark what editions show plain, from the brand: muted and dotted in both formats.
    from helpers import sample_brand, sample_document
    from uapress.core.nodes import Proof
    from uapress.writers import docx
    from uapress.writers.html import render

    document, brand = sample_document("en"), sample_brand()
    proof = dataclasses.replace(document, meta=dataclasses.replace(document.meta, proof=Proof("PROOF", "stamp")))
    chromium_page.set_content(render(proof, brand, for_print=True))
    marked = chromium_page.locator(".unresolved-link")
    assert marked.count() >= 8
    css = marked.first.evaluate(
        "e => [getComputedStyle(e).textDecorationColor, getComputedStyle(e).textDecorationStyle]"
    )
    with zipfile.ZipFile(io.BytesIO(docx.write(proof, brand))) as package:
        styles = etree.fromstring(package.read("word/styles.xml"))
    (style,) = [s for s in styles.iterfind("w:style", W_NS) if s.get(f"{{{W_NS['w']}}}styleId") == "UnresolvedLink"]
    (colour,) = style.xpath("w:rPr/w:color/@w:val", namespaces=W_NS)
    (underline,) = style.xpath("w:rPr/w:u/@w:val", namespaces=W_NS)
    assert _rgb(css[0]) == "#" + colour.upper() == load_brand(ROOT).colours["muted"].upper()
    assert css[1] == underline == "dotted"


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_every_format_sets_the_text_in_the_brand_fonts(editions, chromium_page, office, lang):
    # Issue 11: the PDF embedded Noto, the HTML fell back to the system's fonts, the DOCX named Noto
    # without carrying it. On this machine (no Noto installed) all three now show the bundled faces.
    brand = load_brand(ROOT)
    # Arabic editions set their headings in the Arabic face: the condensed Latin one is not used there.
    wanted = {brand.family("body")} | ({brand.family("arabic")} if lang == "ar" else {brand.family("heading")})
    pdffonts = shutil.which("pdffonts")
    assert pdffonts, "pdffonts (poppler-utils) is missing"

    def pdf_families(pdf: Path) -> set[str]:
        listing = subprocess.run([pdffonts, str(pdf)], capture_output=True, text=True, check=True).stdout
        names = {line.split()[0].split("+", 1)[-1] for line in listing.splitlines()[2:] if line.strip()}
        return {
            family for family in wanted if any(n.replace("-", "").startswith(family.replace(" ", "")) for n in names)
        }

    assert pdf_families(editions / lang / f"{SLUG}.{lang}.pdf") == wanted, "the PDF edition"
    name = f"edition-letters.{SLUG}.{lang}"
    assert office.docx(name).read_bytes() == (editions / lang / f"{SLUG}.{lang}.docx").read_bytes()
    docx_pdf = office.converted(name, "pdf")
    assert pdf_families(docx_pdf) == wanted, "the DOCX edition, as LibreOffice prints it"
    chromium_page.goto((editions / lang / f"{SLUG}.{lang}.html").as_uri(), wait_until="load")
    used = chromium_page.evaluate("""async () => { await document.fonts.ready;
        return [...document.fonts].filter(f => f.status === 'loaded').map(f => f.family.replace(/"/g, ''));}""")
    assert wanted <= set(used), "the HTML edition"


def test_pdf_draws_the_brand_colours(editions):
    colours = load_brand(ROOT).colours
    streams = b"".join(_streams((editions / "en" / f"{SLUG}.en.pdf").read_bytes()))
    drawn = {
        tuple(float(v) for v in m.groups()) for m in re.finditer(rb"([\d.]+) ([\d.]+) ([\d.]+) (?:rg|RG)", streams)
    }
    for role in ("primary", "text", "box", "accent", "muted", "link"):
        wanted = tuple(int(colours[role][i : i + 2], 16) / 255 for i in (1, 3, 5))
        assert any(all(abs(a - b) < 0.003 for a, b in zip(colour, wanted)) for colour in drawn), role
