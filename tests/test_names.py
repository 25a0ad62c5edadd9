"""Names never break (issue 20): a multi-word name that is never translated stays on one line in every format."""

from __future__ import annotations

import io
import re
import zipfile

import lxml.html
import pytest

import libreoffice_batch
from helpers import ROOT, normalise, sample_brand
from test_letters import document
from uapress.source import load_action
from uapress.writers import docx, html, pdf

NBSP = "\u00a0"
NARROW_NBSP = "\u202f"
SLUGS = ("venezuela-hrd-release", "venezuela-hrd-release-fi1")
LANGS = ("en", "es", "fr", "ar")


def names(slug: str) -> list[str]:
    """Return the action's names of several words: its `keep` terms and every target's and copy's name."""
    action, _ = load_action(ROOT / "source" / "actions" / slug / "action.yaml")
    people = [p.name for p in (*action.targets, *action.copies)]
    return [n for n in dict.fromkeys((*action.keep, *people)) if " " in n]


def broken(lines: list[str], name: str) -> list[str]:
    """Return each pair of consecutive lines a name runs across: one ends with its first words, the next starts with the rest."""
    words = name.split()
    found = []
    for this, following in zip(lines, lines[1:]):
        for cut in range(1, len(words)):
            if this.endswith(" ".join(words[:cut])) and following.startswith(" ".join(words[cut:])):
                found.append(f"{this[-40:]} | {following[:40]}")
    return found


LATIN_RUN = re.compile(r"[A-Za-zÀ-ɏ]+(?: [A-Za-zÀ-ɏ]+)*")


def broken_in_rtl(lines: list[str], name: str) -> list[str]:
    """Return the lines of right-to-left text holding a Latin run that is only the first words of a name.

    A reader gives a Latin run of a right-to-left line at either end or in the middle, its punctuation
    beside it: a run that stops after a name's first words is the name broken at a line end.
    """
    words = name.split()
    heads = {" ".join(words[:cut]) for cut in range(1, len(words))}
    return [line for line in lines if any(run in heads for run in LATIN_RUN.findall(line))]


@pytest.mark.parametrize("slug", SLUGS)
@pytest.mark.parametrize("lang", ["en", "es", "fr", "ar"])
def test_no_name_is_split_across_lines_in_any_pdf_edition(tmp_path, pdftotext, slug, lang):
    # Issue 20: "Carlos Julio | Rojas", "Javier | Tarazona", «El / Helicoide» (en 2, es 3, fr 4, ar 6 broken).
    doc = document(lang, source=ROOT / "source" / "actions" / slug / "action.yaml")
    out = tmp_path / f"{lang}.pdf"
    out.write_bytes(pdf.write(doc, sample_brand()))
    # Lines of letters only: a line of a lone vowel mark (another point of issue 20) is no line of the text here.
    lines = [normalise(line) for line in pdftotext(out).splitlines() if any(c.isalpha() for c in line)]
    check = broken_in_rtl if lang == "ar" else broken
    splits = [split for name in names(slug) for split in check(lines, name)]
    assert not splits, splits
    assert any(name in line for name in names(slug) for line in lines), "the names are in the text"


def test_names_are_bound_with_no_break_spaces_in_html_and_docx():
    doc = document("ar")
    page = lxml.html.fromstring(html.write(doc, sample_brand()))
    text = page.text_content()
    body = zipfile.ZipFile(io.BytesIO(docx.write(doc, sample_brand()))).read("word/document.xml").decode("utf-8")
    for name in ("Carlos Julio Rojas", "Javier Tarazona", "Delcy Rodríguez", "El Helicoide"):
        bound = name.replace(" ", NBSP)
        assert bound in text and name not in text, name
        # In the Latin runs of Arabic paragraphs the DOCX binds with U+202F, which LibreOffice honours there.
        assert name.replace(" ", NARROW_NBSP) in body and name not in body, name
    assert "Delcy\u00a0Rodríguez" in body, "the Spanish letter's left-to-right paragraphs keep U+00A0"


def test_names_bound_in_a_docx_come_back_with_plain_spaces():
    from uapress.model.typography import unbind_names

    for space in (NBSP, NARROW_NBSP):
        assert unbind_names(f"و{space.join(['Kennedy', 'Tejada'])}، و", ["Kennedy Tejada"]) == "وKennedy Tejada، و"


def cut(lines: list[str], name: str, rtl: bool) -> list[str]:
    """Return where a name is cut at a line end, between its words or inside one ("Kennedy Tejad|a").

    In a left-to-right line the name's head ends the line and its tail starts the next. A right-to-left
    line gives its Latin runs at either end or in the middle: a Latin run that is only a head of the name
    (its first word at least) is the name cut.
    """
    heads = {name[:end].rstrip() for end in range(len(name.split()[0]), len(name))}
    if rtl:
        return [line for line in lines if any(run in heads for run in LATIN_RUN.findall(line))]
    return [
        f"{this[-40:]} | {following[:40]}"
        for this, following in zip(lines, lines[1:])
        for end in range(1, len(name))
        if this.endswith(name[:end].rstrip()) and following.startswith(name[end:].lstrip())
    ]


def _edition_docx(slug: str, lang: str):
    def make(path) -> None:
        doc = document(lang, source=ROOT / "source" / "actions" / slug / "action.yaml")
        path.write_bytes(docx.write(doc, sample_brand()))

    return make


for _slug in SLUGS:
    for _lang in LANGS:
        libreoffice_batch.register(__name__, f"names.{_slug}.{_lang}", _edition_docx(_slug, _lang), ["pdf"])


@pytest.mark.parametrize("slug", SLUGS)
@pytest.mark.parametrize("lang", LANGS)
def test_no_name_is_split_across_lines_in_any_docx_edition_through_libreoffice(office, pdftotext, slug, lang):
    # Issue 20: LibreOffice cut names bound with U+00A0 inside Arabic lines, even mid-word:
    # "Carlos Julio Roja|s", "Kennedy Tejad|a", "Alfredo Dia|z".
    printed = office.converted(f"names.{slug}.{lang}", "pdf")
    lines = [normalise(line) for line in pdftotext(printed).splitlines() if any(c.isalpha() for c in line)]
    splits = [split for name in names(slug) for split in cut(lines, name, lang == "ar")]
    assert not splits, splits
    assert sum(name in line for name in names(slug) for line in lines) > 10, "the names are in the text"
