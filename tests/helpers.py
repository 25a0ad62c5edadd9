"""Test support: the sample action's editions as the writers receive them, and text helpers."""

from __future__ import annotations

import io
import re
import zlib
from functools import cache
from pathlib import Path

import yaml

from uapress.core.nodes import Document
from uapress.localise import localise
from uapress.model.document import build_document
from uapress.source import load_action
from uapress.writers import files_for
from uapress.writers.brand import Brand, load_brand

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "source" / "actions" / "venezuela-hrd-release" / "action.yaml"
LANGS = ("en", "es", "fr", "ar")
BIDI_CONTROLS = dict.fromkeys(map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))


@cache
def sample_document(lang: str) -> Document:
    """Return the sample action's edition in `lang`, built as the build step builds it."""
    action, _warnings = load_action(SAMPLE)
    return build_document(localise(action, lang, ROOT), files_for(action.slug, lang))


def sample_brand(page: str | None = None) -> Brand:
    """Return the repository's brand, optionally with another page size (`Letter`)."""
    return load_brand(ROOT).with_page(page)


def sample_source() -> dict:
    """Return the sample action.yaml as plain data, read without uapress."""
    return yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))


def source_paragraphs(field: str) -> list[str]:
    """Return the plain text of every paragraph of a Markdown field of the sample, links reduced to their text."""
    text = sample_source()[field]
    paragraphs = [p for p in re.split(r"\n\s*\n", text) if p.strip()]
    return [normalise(re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", p)) for p in paragraphs]


def source_links(field: str) -> list[tuple[str, str]]:
    """Return (text, address) of every Markdown link in a field of the sample."""
    return markdown_links(sample_source()[field])


def markdown_links(markdown: str) -> list[tuple[str, str]]:
    """Return (text, address) of every Markdown link in a text."""
    return re.findall(r"\[([^\]]*)\]\(([^)]*)\)", markdown)


def sample_po(lang: str) -> list[dict]:
    """Return the live entries of the sample's PO file in `lang`, read with the tests' own PO parser, not uapress's."""
    from test_translations import live, parse_po

    return live(parse_po((SAMPLE.parent / "translations" / f"{lang}.po").read_text(encoding="utf-8")))


def published_blocks(lang: str, field: str) -> list[tuple[str, str]]:
    """Return (Markdown, language) of every block of a field as the sample's edition in `lang` shows it, read from the
    source alone: the PO file's translation where there is one (not fuzzy), else the source text, in English."""
    if lang == sample_source()["language"]:
        return [(block, lang) for block in re.split(r"\n\s*\n", sample_source()[field]) if block.strip()]
    return [
        (e["msgstr"], lang) if e["msgstr"] and "fuzzy" not in e["flags"] else (e["msgid"], "en")
        for e in sample_po(lang)
        if e["context"] == field
    ]


def po_segment_ids(lang: str = "es") -> list[str]:
    """Return the segment id of every entry of the sample's PO file in `lang` (its `#. id:` notes), in file order."""
    return [note.removeprefix("id: ") for e in sample_po(lang) for note in e["notes"] if note.startswith("id: ")]


def normalise(text: str) -> str:
    """Collapse whitespace (no-break spaces included), drop bidi controls and fold quotation marks, for comparing text.

    Editions set quotes and apostrophes typographically ("government’s", “…”), the source has them straight.
    """
    from uapress.model.typography import fold_quotes

    return " ".join(fold_quotes(text.translate(BIDI_CONTROLS)).split())


def text_pieces(markdown: str) -> list[str]:
    """Return the text of every Text node of a Markdown block, in order: one per run the writers make."""
    from uapress.core.nodes import Emphasis, Link, Strong, Text
    from uapress.source.markdown import parse_inlines

    out = []

    def walk(nodes):
        for node in nodes:
            if isinstance(node, Text):
                out.append(node.text)
            elif isinstance(node, (Emphasis, Strong, Link)):
                walk(node.children)

    walk(parse_inlines(markdown)[0])
    return out


# --- fonts inside a PDF ----------------------------------------------------------


def embedded_fonts(pdf_data: bytes) -> dict[str, bytes]:
    """Return the font programs a PDF embeds (`/FontFile2`, TrueType), by font name without the subset tag."""
    objects = {}
    for match in re.finditer(rb"(?<![\d])(\d+) 0 obj\s*(<<.*?>>)\s*stream\r?\n", pdf_data, re.S):
        length = re.search(rb"/Length (\d+)", match.group(2))
        body = pdf_data[match.end() : match.end() + int(length.group(1))] if length else b""
        objects[int(match.group(1))] = zlib.decompress(body) if b"/FlateDecode" in match.group(2) else body
    # Font descriptors may sit in compressed object streams: search the decompressed ones too.
    searched = b"\n".join([pdf_data, *objects.values()])
    fonts = {}
    for descriptor in re.finditer(rb"/FontDescriptor\b(?:(?!>>).)*", searched, re.S):
        name = re.search(rb"/FontName\s*/(?:[A-Z]{6}\+)?([^\s/>]+)", descriptor.group(0))
        program = re.search(rb"/FontFile2\s+(\d+) 0 R", descriptor.group(0))
        if name and program:
            fonts[name.group(1).decode("latin-1")] = objects[int(program.group(1))]
    return fonts


def outlines(font_data: bytes) -> set:
    """Return every non-empty glyph outline of a TrueType font, as comparable points and contours."""
    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(font_data))
    glyf = font["glyf"]
    found = set()
    for name in font.getGlyphOrder():
        glyph = glyf[name]
        if glyph.numberOfContours > 0:  # simple glyphs: composites only point at these
            found.add((tuple(glyph.coordinates), tuple(glyph.endPtsOfContours), tuple(f & 1 for f in glyph.flags)))
    return found


@cache
def bundled_outlines(file_name: str) -> frozenset:
    """Return the glyph outlines of a font file bundled in `styles/fonts/`."""
    return frozenset(outlines((ROOT / "styles" / "fonts" / file_name).read_bytes()))


def bundled_sources_of(font_data: bytes) -> list[str]:
    """Return the bundled font files holding every glyph of an embedded font; none for a system font."""
    used = outlines(font_data)
    return [
        path.name
        for path in sorted((ROOT / "styles" / "fonts").glob("*.ttf"))
        if used and used <= bundled_outlines(path.name)
    ]
