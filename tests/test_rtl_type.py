"""Right-to-left editions (issue 20): a block's language, not the edition's, decides its type and direction."""

from __future__ import annotations

import lxml.html

from helpers import sample_brand
from test_letters import document
from uapress.writers import html, pdf


def latin_lines(pdf_file) -> list[list]:
    """Return the characters of every PDF line holding Latin letters and no Arabic ones (pdfminer's lines)."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTChar, LTTextContainer

    lines = []
    for page in extract_pages(str(pdf_file)):
        for box in page:
            if not isinstance(box, LTTextContainer):
                continue
            for line in box:
                chars = [c for c in line if isinstance(c, LTChar)]
                text = "".join(c.get_text() for c in chars)
                if any("a" <= c.lower() <= "z" for c in text) and not any("\u0600" <= c <= "\u06ff" for c in text):
                    lines.append(chars)
    return lines


def test_the_spanish_letter_of_the_arabic_pdf_is_set_in_latin_type_with_its_rule_on_the_left(tmp_path):
    # Issue 20: its commas, full stops, colon and « » were set in Noto Naskh Arabic (32 of 33), and its blue
    # rule stood on the right of left-aligned text.
    out = tmp_path / "ar.pdf"
    out.write_bytes(pdf.write(document("ar"), sample_brand()))
    lines = latin_lines(out)
    marks = [c for line in lines for c in line if c.get_text() in ",.:;«»()"]
    assert len(marks) > 30, "the Spanish letter's punctuation is there"
    naskh = [c.get_text() for c in marks if "Naskh" in c.fontname]
    assert not naskh, f"{len(naskh)} of {len(marks)} Latin marks in Naskh"


def test_the_spanish_letter_of_the_arabic_html_runs_left_to_right_in_latin_type(chromium_page, tmp_path):
    page_file = tmp_path / "ar.html"
    page_file.write_bytes(html.write(document("ar"), sample_brand()))
    tree = lxml.html.fromstring(page_file.read_bytes())
    letter = tree.xpath("//section[@class='appeal-letter']/div[@class='letter']")[0]
    assert letter.get("lang") == "es" and letter.get("dir") == "ltr"
    chromium_page.goto(page_file.as_uri())
    style = chromium_page.evaluate(
        """() => { const d = document.querySelector('section.appeal-letter div.letter');
                   const p = d.querySelector('p.letter'); const s = getComputedStyle(d);
                   return [s.borderLeftWidth, s.borderRightWidth, getComputedStyle(p).fontFamily]; }"""
    )
    assert style[0] != "0px" and style[1] == "0px", style  # the rule on the left, the letter's start side
    assert style[2].startswith('"Noto Sans"'), style
