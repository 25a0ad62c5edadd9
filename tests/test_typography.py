"""Typographic quotes and apostrophes per language, set in the model, read back in every format (issue 11)."""

from __future__ import annotations

import re

import pytest

import libreoffice_batch
from helpers import sample_brand, sample_document, sample_source
from uapress.model.typography import fold_quotes, smart_quotes
from uapress.writers import WRITERS

NNBSP = "\u202f"
CASES = [  # (language, as typed, as set)
    ("en", "the government's policy", "the government’s policy"),
    ("en", "held in 'El Helicoide';", "held in ‘El Helicoide’;"),
    ("en", 'a "significant number" of people', "a “significant number” of people"),
    ("en", 'the "[c]rimes (...)" (or "collectives").', "the “[c]rimes (...)” (or “collectives”)."),
    (
        "en",
        "see https://example.org/it's or write to o'neil@example.org",
        "see https://example.org/it's or write to o'neil@example.org",
    ),
    ("fr", 'une "prison" connue', f"une «{NNBSP}prison{NNBSP}» connue"),
    ("fr", "l'avocat", "l’avocat"),
    ("es", 'la "ley anti-ONG"', "la «ley anti-ONG»"),
    ("ar", 'ما يسمى "قانون"', "ما يسمى ”قانون“"),
]


@pytest.mark.parametrize(("lang", "typed", "expected"), CASES)
def test_straight_quotes_become_the_language_marks(lang, typed, expected):
    assert smart_quotes(typed, lang) == expected
    assert fold_quotes(smart_quotes(typed, lang)) == fold_quotes(typed)  # what the import compares


def straight_quotes_outside_addresses(text: str) -> list[str]:
    """Return the straight quotes of text that stand outside URLs and e-mail addresses, with some context."""
    bare = re.sub(r"https?://\S+|\S+@\S+", "", text)
    return [bare[max(0, m.start() - 20) : m.end() + 20] for m in re.finditer(r"['\"]", bare)]


# The DOCX edition as LibreOffice reads it, converted in the session's one batch (issue 18).
libreoffice_batch.register(__name__, "edition.en", libreoffice_batch.sample_edition("en"), [libreoffice_batch.TEXT])


@pytest.mark.parametrize("kind", ("html", "pdf", "docx"))
def test_english_edition_sets_typographic_quotes_in_every_format(kind, tmp_path, chromium_page, pdftotext, office):
    # Issue 11: the English edition printed straight ' and " throughout (government's, 'El Helicoide').
    path = tmp_path / f"edition.en.{kind}"
    path.write_bytes(WRITERS[kind].load()(sample_document("en"), sample_brand()))
    if kind == "html":
        chromium_page.goto(path.as_uri())
        text = chromium_page.inner_text("article")
        hrefs = chromium_page.eval_on_selector_all("article a", "links => links.map(a => a.getAttribute('href'))")
        assert hrefs == [sample_source()["previous"]["url"]]  # link targets untouched
    elif kind == "pdf":
        text = pdftotext(path)
    else:
        assert office.docx("edition.en").read_bytes() == path.read_bytes()
        text = office.text("edition.en")
    text = text.replace("\u00a0", " ")  # names are bound by no-break spaces (issue 20)
    assert "government’s" in text and "‘El Helicoide’" in text and "“significant number”" in text
    assert straight_quotes_outside_addresses(text) == []


def test_segments_keep_what_was_typed_and_the_blocks_show_the_marks():
    # Conversion is a rendering step: the segment (the PO msgstr, what export and import compare) is untouched.
    from uapress.core.nodes import plain_text, walk_blocks

    document = sample_document("en")
    segment = next(s for s in document.segments if s.field == "background" and "government's" in s.text)
    (block,) = [b for b in walk_blocks(document.sections) if getattr(b, "segment", None) == segment]
    assert "government’s" in plain_text(block.inlines) and "government's" not in plain_text(block.inlines)
