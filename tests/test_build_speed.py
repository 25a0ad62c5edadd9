"""The build's costs around WeasyPrint's layout (issue 24): C types not parsed per font subset, editions localised
as they are rendered. No timings here: `make bench` measures them; these tests pin the causes."""

from __future__ import annotations

import pycparser.c_parser

from projects import SAMPLE, SAMPLE_SLUG, make_project
from uapress.build.run import build


def test_font_subsets_parse_no_c_declarations(tmp_path, monkeypatch, pdftotext):
    """Issue 24: each font subset asked cffi for `hb_codepoint_t[N]`, a C declaration pycparser parsed anew for every
    new N (~20 ms each, some 17 per edition); they are made from the item type now."""
    root = make_project(tmp_path, SAMPLE)
    parsed: list[str] = []
    parse = pycparser.c_parser.CParser.parse

    def counted(self, text, *args, **kwargs):
        parsed.append(text.rsplit("__dummy(", 1)[-1])
        return parse(self, text, *args, **kwargs)

    monkeypatch.setattr(pycparser.c_parser.CParser, "parse", counted)
    report = build(root, [SAMPLE_SLUG], langs=["en", "fr"], formats=["pdf"], jobs=1, force=True)
    assert not any(e.failed for e in report.editions)
    sized = [text for text in parsed if "[" in text and "[]" not in text]
    assert sized == [], f"sized array types parsed: {sized}"
    # The PDFs are whole: their fonts were subset with those arrays.
    for lang in ("en", "fr"):
        text = pdftotext(root / "build" / SAMPLE_SLUG / lang / f"{SAMPLE_SLUG}.{lang}.pdf")
        assert "Venezuela" in text
