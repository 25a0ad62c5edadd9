"""The fonts the HTML edition embeds: HarfBuzz cuts of the bundled faces, wrapped as WOFF2, shaping as the whole face does."""

from __future__ import annotations

import io
import shutil

import lxml.html
import pytest
import uharfbuzz as hb
from fontTools.ttLib import TTFont

from helpers import LANGS, sample_brand, sample_document
from uapress.writers import fonts, html, woff2
from uapress.writers.brand import load_brand


@pytest.fixture(scope="module")
def page_texts() -> dict:
    """Return what each sample edition's HTML page shows, as the writer collects it for its cuts."""
    texts = {}
    for lang in LANGS:
        page = lxml.html.document_fromstring(html.write(sample_document(lang), sample_brand()).decode("utf-8"))
        for style in page.xpath("//style"):
            style.getparent().remove(style)
        texts[lang] = page.body.text_content()
    return texts


def whole(face: fonts.Face) -> hb.Face:
    return hb.Face(hb.Blob(face.path.read_bytes()))


def shaped(face: hb.Face, text: str, direction: str) -> list[tuple]:
    """Return how HarfBuzz sets `text` in `face`: each glyph's cluster, advance and offsets (not its id, which a cut renumbers)."""
    font = hb.Font(face)
    buffer = hb.Buffer()
    buffer.add_str(text)
    buffer.guess_segment_properties()
    buffer.direction = direction
    hb.shape(font, buffer)
    return [
        (info.cluster, pos.x_advance, pos.x_offset, pos.y_offset, info.codepoint != 0)
        for info, pos in zip(buffer.glyph_infos, buffer.glyph_positions)
    ]


@pytest.mark.parametrize("lang", LANGS)
def test_a_cut_holds_every_character_of_the_page_and_shapes_it_as_the_whole_face(page_texts, lang):
    # Issue 13: HarfBuzz now cuts the faces; Arabic joining forms, ligatures and the capitals CSS asks for
    # (text-transform: uppercase) must come out as the whole face sets them.
    text = page_texts[lang]
    chars = fonts.characters(text)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    checked = 0
    for face in fonts.faces(sample_brand()):
        if not fonts.covers(face, chars):
            continue
        full = whole(face)
        cut = hb.Face(hb.Blob(fonts.subset(face, chars)))
        drawn = {code for code in map(ord, chars) if code in full.unicodes}
        assert drawn and drawn <= set(cut.unicodes), f"{face.path.name} lost characters of the {lang} page"
        assert len(cut.unicodes) < len(full.unicodes) / 4, f"{face.path.name} is not cut down"
        direction = "rtl" if face.role == "arabic" else "ltr"
        for line in lines + [line.upper() for line in lines]:
            assert shaped(cut, line, direction) == shaped(full, line, direction), f"{face.path.name}: {line!r}"
            checked += 1
    assert checked > 50


def test_arabic_is_joined_in_the_cut():
    # Issue 13: the cut keeps the joining forms the text reaches only through GSUB (initial, medial, final).
    face = next(face for face in fonts.faces(sample_brand()) if face.role == "arabic" and face.face == "regular")
    cut = hb.Face(hb.Blob(fonts.subset(face, fonts.characters("ففف"))))
    font = hb.Font(cut)

    def glyphs(text):
        buffer = hb.Buffer()
        buffer.add_str(text)
        buffer.guess_segment_properties()
        hb.shape(font, buffer)
        return [info.codepoint for info in buffer.glyph_infos]

    joined, alone = glyphs("ففف"), glyphs("ف")
    assert len(set(joined)) == 3 and alone[0] not in joined, "the letters of the cut do not join"
    assert 0 not in joined + alone, "a letter came out as .notdef"
    assert shaped(cut, "ففف", "rtl") == shaped(whole(face), "ففف", "rtl")


@pytest.mark.parametrize("role, face_name", [("body", "regular"), ("arabic", "bold"), ("heading", "bold")])
def test_woff2_reads_back_as_the_cut_table_for_table(role, face_name):
    # Issue 13: the WOFF2 wrapper stores the tables untransformed; a WOFF2 reader must give back the cut exactly.
    face = next(face for face in fonts.faces(sample_brand()) if face.role == role and face.face == face_name)
    chars = fonts.characters("Quick brown fox, «ÉTÉ» — الإفراج 2026")
    cut = fonts.subset(face, chars)
    data = fonts.subset(face, chars, "woff2")
    assert data[:4] == b"wOF2" and len(data) % 4 == 0
    assert int.from_bytes(data[8:12], "big") == len(data), "the header's length is the file's"
    assert len(data) < len(cut) * 0.75, "the WOFF2 stream is not compressed"
    read, plain = TTFont(io.BytesIO(data)), TTFont(io.BytesIO(cut))
    assert read.flavor == "woff2"
    assert sorted(read.keys()) == sorted(plain.keys())
    for tag in plain.keys():
        if tag != "GlyphOrder":
            assert read.reader[tag] == plain.reader[tag], f"table {tag} differs after WOFF2"
    assert read["name"].getDebugName(1) == plain["name"].getDebugName(1) and read["name"].getDebugName(13)
    out = io.BytesIO()
    read.flavor = None
    read.save(out, reorderTables=False)
    assert hb.Face(hb.Blob(out.getvalue())).unicodes == hb.Face(hb.Blob(cut)).unicodes


def test_base128_is_the_shortest_form():
    assert [woff2._base128(n) for n in (0, 63, 127, 128, 2**32 - 1)] == [
        b"\x00",
        b"\x3f",
        b"\x7f",
        b"\x81\x00",
        b"\x8f\xff\xff\xff\x7f",
    ]


def test_cuts_are_byte_identical_from_one_process_to_the_next(tmp_path):
    # Issue 13: outputs stay deterministic; a cut depends on the font's bytes and the characters only.
    face = fonts.faces(sample_brand())[0]
    chars = fonts.characters("Déterministe")
    first = fonts.subset(face, chars, "woff2")
    fonts._subset.cache_clear()
    fonts._PARSED.clear()
    assert fonts.subset(face, chars, "woff2") == first


def test_a_font_file_changed_while_the_process_runs_is_cut_anew(tmp_path):
    # Issue 13 (found with it): cuts were remembered by the font's path, so `uapress serve` kept showing the
    # old face after a brand font was replaced; now they are remembered by the font's bytes.
    root = tmp_path / "project"
    shutil.copytree(sample_brand().folder, root / "styles")
    brand = load_brand(root)
    face = next(face for face in fonts.faces(brand) if face.role == "body" and face.face == "regular")
    chars = fonts.characters("Replaced")
    before = fonts.subset(face, chars, "woff2")
    bold = next(face for face in fonts.faces(brand) if face.role == "body" and face.face == "bold")
    face.path.write_bytes(bold.path.read_bytes())
    after = fonts.subset(face, chars, "woff2")
    assert after != before
    assert after == fonts.subset(bold, chars, "woff2")
