"""Stage 4, writers: a faithful PDF text layer for shaped scripts (issue 11).

WeasyPrint maps each glyph to text once per font, the first time it draws it ("first wins"), and
for a cluster of several glyphs gives the whole text to one glyph and nothing to the others
(WeasyPrint 70, upstream issue 2841). Arabic shapes "أُ" as two glyphs, the hamzated alef and the
damma: the alef glyph was mapped to "" and the damma to "أُ", so every later "أ" vanished from the
copied text and every later damma grew an alef. Before WeasyPrint draws a line, this module maps
each glyph of a several-glyph cluster to the character the font draws with it (its cmap), and when
a cluster still cannot be read back from its glyphs, wraps the line in an /ActualText span
(PDF 32000-1, 14.9.4), which copy, search, screen readers and pdftotext use in place of the glyphs.
"""

from __future__ import annotations

import io
import unicodedata

_INSTALLED = False


def install() -> None:
    """Wrap WeasyPrint's line drawing once per process."""
    global _INSTALLED
    if _INSTALLED:
        return
    from weasyprint.draw import text as draw_text

    draw_text.draw_first_line = _faithful(draw_text.draw_first_line)
    _INSTALLED = True


def _faithful(draw_first_line):
    def draw(stream, textbox, *args, **kwargs):
        # Lines of invisible text or of no size are not drawn: WeasyPrint returns before shaping.
        if not textbox.text.strip() or textbox.style["font_size"] < 1e-6:
            return draw_first_line(stream, textbox, *args, **kwargs)
        line_text, clusters = _clusters(stream, textbox)
        for font, text, glyphs in clusters:
            _map_cluster(font, text, glyphs)
        if all(_reads_back(font, text, glyphs) for font, text, glyphs in clusters):
            return draw_first_line(stream, textbox, *args, **kwargs)
        import pydyf

        stream.begin_marked_content("Span", pydyf.Dictionary({"ActualText": pydyf.String(line_text)}))
        try:
            return draw_first_line(stream, textbox, *args, **kwargs)
        finally:
            stream.end_marked_content()

    return draw


def _clusters(stream, textbox) -> tuple[str, list]:
    """Return the text of the textbox's first line and its clusters: (font, text, glyph ids in logical order)."""
    from weasyprint.text.ffi import ffi, pango

    layout = textbox.pango_layout
    pango.pango_layout_set_single_paragraph_mode(layout.layout, True)
    line, _ = layout.get_first_line()
    utf8 = layout.text.encode()
    line_text = utf8[line.start_index:line.start_index + line.length].decode()
    clusters = []
    run = line.runs[0] if line.runs != ffi.NULL else ffi.NULL
    while run != ffi.NULL:
        item = run.data
        run = run.next
        font, _ = stream.add_font(item.item.analysis.font)
        glyphs = item.glyphs
        starts: dict[int, list[int]] = {}
        for index in range(glyphs.num_glyphs):
            starts.setdefault(glyphs.log_clusters[index], []).append(glyphs.glyphs[index].glyph)
        rtl = item.item.analysis.level % 2
        offsets = sorted(starts)
        for number, start in enumerate(offsets):
            end = offsets[number + 1] if number + 1 < len(offsets) else item.item.length
            text = utf8[item.item.offset + start:item.item.offset + end].decode()
            ids = starts[start][::-1] if rtl else starts[start]  # glyphs come in visual order
            clusters.append((font, text, [g for g in ids if _drawn(g)]))
    return line_text, clusters


def _drawn(glyph: int) -> bool:
    """Tell whether a glyph id is a real glyph of the font (not Pango's empty or unknown glyph)."""
    return glyph < 0x0FFFFFFF


def _map_cluster(font, text: str, glyphs: list) -> None:
    """Give the cluster's new glyphs their text before WeasyPrint does: the cluster's, or each glyph's own character."""
    new = [g for g in glyphs if g not in font.to_unicode]
    if not new:
        return
    if len(glyphs) == 1:
        font.to_unicode[glyphs[0]] = text
        return
    nominal = _nominal_glyphs(font)
    for glyph in new:
        own = [char for char in text if nominal.get(ord(char)) == glyph]
        font.to_unicode[glyph] = own[0] if own else ""


def _reads_back(font, text: str, glyphs: list) -> bool:
    """Tell whether the glyphs' mapped text gives back the cluster's text (white space aside)."""
    mapped = "".join(font.to_unicode.get(g, "") for g in glyphs)
    # Most clusters are one letter mapped to itself: equal text needs no filtering (a third of this module's time).
    return mapped == text or _visible(mapped) == _visible(text)


def _visible(text: str) -> str:
    return "".join(c for c in text if not c.isspace() and unicodedata.category(c) != "Cf")


_CMAPS: dict[tuple, dict[int, int]] = {}


def _nominal_glyphs(font) -> dict[int, int]:
    """Return the font's character-to-glyph map (its cmap), read once per font file."""
    key = (font.hash, font.index)
    if key not in _CMAPS:
        from fontTools.ttLib import TTFont

        parsed = TTFont(io.BytesIO(font.file_content), fontNumber=font.index, lazy=True)
        ids = {name: number for number, name in enumerate(parsed.getGlyphOrder())}
        _CMAPS[key] = {code: ids[name] for code, name in parsed.getBestCmap().items()}
    return _CMAPS[key]
