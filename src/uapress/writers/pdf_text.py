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
from collections.abc import Callable
from itertools import accumulate
from typing import TYPE_CHECKING, Concatenate, ParamSpec, TypeVar

if TYPE_CHECKING:
    from weasyprint.formatting_structure.boxes import TextBox
    from weasyprint.pdf.fonts import Font
    from weasyprint.pdf.stream import Stream

_INSTALLED = False
_Args = ParamSpec("_Args")
_Drawn = TypeVar("_Drawn")


def install() -> None:
    """Wrap WeasyPrint's line drawing once per process."""
    global _INSTALLED
    if _INSTALLED:
        return
    from weasyprint.draw import text as draw_text

    draw_text.draw_first_line = _faithful(draw_text.draw_first_line)
    _INSTALLED = True


def _faithful(
    draw_first_line: Callable[Concatenate[Stream, TextBox, _Args], _Drawn],
) -> Callable[Concatenate[Stream, TextBox, _Args], _Drawn]:
    # Positional-only, as WeasyPrint calls it: the wrapper then has the very signature of what it wraps.
    def draw(stream: Stream, textbox: TextBox, /, *args: _Args.args, **kwargs: _Args.kwargs) -> _Drawn:
        # Lines of invisible text or of no size are not drawn: WeasyPrint returns before shaping.
        if not textbox.text.strip() or textbox.style["font_size"] < 1e-6:
            return draw_first_line(stream, textbox, *args, **kwargs)
        line_text, clusters = _map_line(stream, textbox)
        if _reads_back(clusters):
            return draw_first_line(_MarksOnBaseline(stream, textbox), textbox, *args, **kwargs)
        import pydyf

        stream.begin_marked_content("Span", pydyf.Dictionary({"ActualText": pydyf.String(line_text)}))
        try:
            return draw_first_line(stream, textbox, *args, **kwargs)
        finally:
            stream.end_marked_content()

    return draw


def _map_line(stream: Stream, textbox: TextBox) -> tuple[str, list[tuple[str, str]]]:
    """Map the new glyphs of the textbox's first line; return its text and (its glyphs' text, its text) per cluster.

    Clusters of one glyph per character whose glyph gives back the very character are left out: they read back.

    A cluster's glyphs are all mapped once it is mapped, and a mapping is never replaced (first wins): what a
    cluster's glyphs give back is known as soon as it is mapped, whatever the later clusters of the line map.
    """
    from weasyprint.text.ffi import ffi, pango

    layout = textbox.pango_layout
    pango.pango_layout_set_single_paragraph_mode(layout.layout, True)
    line, _ = layout.get_first_line()
    utf8 = layout.text.encode()
    line_text = utf8[line.start_index : line.start_index + line.length].decode()
    clusters = []
    run = line.runs[0] if line.runs != ffi.NULL else ffi.NULL
    while run != ffi.NULL:
        item = run.data
        run = run.next
        font, _ = stream.add_font(item.item.analysis.font)
        to_unicode = font.to_unicode
        count, base, rtl = item.glyphs.num_glyphs, item.item.offset, item.item.analysis.level % 2
        # The arrays are copied in one call each: read glyph by glyph through cffi, they took most of this module's
        # time. A glyph id is the first 32-bit field of each PangoGlyphInfo. (No C type is named: cffi parses
        # each new type name against all of WeasyPrint's declarations, some 2 ms.)
        starts = ffi.unpack(item.glyphs.log_clusters, count)
        infos, size = item.glyphs.glyphs, ffi.sizeof(item.glyphs.glyphs[0]) if count else 4
        ids = memoryview(ffi.buffer(infos, count * size)).cast("I")[:: size // 4].tolist()
        text = utf8[base : base + item.item.length]
        chars = text.decode()
        simple = _glyph_per_character(chars, starts, ids)
        if simple is not None:
            # Most runs (every Latin one): each character is one glyph of its own. Mapped as `_map_clusters` maps
            # them, cluster by cluster in logical order (first wins), but in C's loops instead of Python's: its loop
            # took most of this module's time, for every line of every PDF (issue 24). Only clusters not given back as their
            # very text are kept for `_reads_back`; equal text reads back.
            given = list(map(to_unicode.setdefault, simple, chars))
            if given != list(chars):
                clusters += [pair for pair in zip(given, chars) if pair[0] != pair[1]]
            continue
        clusters += _map_clusters(font, text, starts, ids, rtl)
    return line_text, clusters


_UNDRAWN = 0x0FFFFFFF
"""Pango's empty glyph; this and any greater id (its unknown-glyph flag) is no real glyph of the font."""


def _map_clusters(font: Font, utf8: bytes, starts: list[int], ids: list[int], rtl: int) -> list[tuple[str, str]]:
    """Map a run's clusters one by one; return (its glyphs' text, its text) per cluster, in logical order.

    `utf8` is the run's text, `starts` its glyphs' offsets into it and `ids` its glyphs, both in drawing order.
    """
    to_unicode, count, clusters = font.to_unicode, len(ids), []
    # Logical order; a cluster's glyphs keep their drawing order (sorted() is stable), which is visual order.
    order = sorted(range(count), key=starts.__getitem__)
    bounds = [starts[i] for i in order] + [len(utf8)]
    first = 0
    while first < count:
        last = first + 1
        while last < count and bounds[last] == bounds[first]:
            last += 1
        text = utf8[bounds[first] : bounds[last]].decode()
        if last == first + 1:  # most clusters: one glyph, given the cluster's text unless it has one already
            glyph = ids[order[first]]
            mapped = to_unicode.setdefault(glyph, text) if glyph < _UNDRAWN else ""
        else:
            glyphs = [ids[i] for i in order[first:last] if ids[i] < _UNDRAWN]
            mapped = _map_cluster(font, text, glyphs[::-1] if rtl else glyphs)
        clusters.append((mapped, text))
        first = last
    return clusters


def _glyph_per_character(chars: str, starts: list[int], ids: list[int]) -> list[int] | None:
    """Return a run's glyphs in logical order when each of its characters is one real glyph of its own, else None.

    `starts` are the glyphs' UTF-8 offsets into the run (Pango's log clusters), in drawing order: rising left to
    right, falling right to left.
    """
    if len(chars) != len(ids) or (ids and max(ids) >= _UNDRAWN):
        return None
    if chars.isascii():
        offsets = list(range(len(chars)))
    else:
        offsets = list(accumulate(map(len, map(str.encode, chars)), initial=0))[:-1]
    if starts == offsets:
        return ids
    if starts == offsets[::-1]:
        return ids[::-1]
    return None


def _map_cluster(font: Font, text: str, glyphs: list[int]) -> str:
    """Give the cluster's new glyphs their text before WeasyPrint does: the cluster's, or each glyph's own character.

    Return the text the cluster's glyphs then map to, in order.
    """
    new = [g for g in glyphs if g not in font.to_unicode]
    if len(glyphs) == 1 and new:
        font.to_unicode[glyphs[0]] = text
    elif new:
        nominal = _nominal_glyphs(font)
        for glyph in new:
            own = [char for char in text if nominal.get(ord(char)) == glyph]
            font.to_unicode[glyph] = own[0] if own else ""
    return "".join(font.to_unicode[g] for g in glyphs)


def _reads_back(clusters: list[tuple[str, str]]) -> bool:
    """Tell whether every cluster's glyphs give back its text (white space aside): (mapped text, text) pairs."""
    # Most clusters are one letter mapped to itself: equal text needs no filtering (a third of this module's time).
    return all(mapped == text or _visible(mapped) == _visible(text) for mapped, text in clusters)


def _visible(text: str) -> str:
    return "".join(c for c in text if not c.isspace() and unicodedata.category(c) != "Cf")


_CMAPS: dict[tuple[str, int], dict[int, int]] = {}


def _nominal_glyphs(font: Font) -> dict[int, int]:
    """Return the font's character-to-glyph map (its cmap), read once per font file."""
    key = (font.hash, font.index)
    if key not in _CMAPS:
        from fontTools.ttLib import TTFont

        parsed = TTFont(io.BytesIO(font.file_content), fontNumber=font.index, lazy=True)
        ids = {name: number for number, name in enumerate(parsed.getGlyphOrder())}
        _CMAPS[key] = {code: ids[name] for code, name in parsed.getBestCmap().items()}
    return _CMAPS[key]


class _MarksOnBaseline:
    """Stand in for the stream while a line is drawn: give each raised or lowered mark its text on the baseline.

    WeasyPrint draws a mark set above or below its letter with a text rise (Ts). Poppler and pdfium take a glyph
    some points off the baseline for a word, often a line, of its own: the Arabic text layer had lines of nothing
    but a vowel mark, and pdfium broke lines at them (issue 20). Each such mark is drawn in a span whose
    /ActualText is the mark, first invisible (Tr 3) on the baseline, then visible where WeasyPrint puts it: the
    span's text takes the place of its first glyph (poppler), of its first text object (pdfium), in the line.
    """

    def __init__(self, stream: Stream, textbox: TextBox) -> None:
        self._stream = stream
        self._textbox = textbox
        self._font: tuple[Font, object, float] | None = None  # the current font, its Pango font and size
        self._rise = 0.0
        self._span = ""  # in a mark's span: its invisible copy, to be drawn again at its end

    def __getattr__(self, name: str) -> object:
        return getattr(self._stream, name)

    def add_font(self, pango_font: object) -> tuple[Font, float]:
        font, size = self._stream.add_font(pango_font)
        self._font = font, pango_font, size
        return font, size

    def set_text_rise(self, height: float) -> None:
        self._rise = height
        if not height:
            self._stream.set_text_rise(0)
            if self._span:
                # Poppler gives the span the position of its first glyph and the advance to the end of its last:
                # a last glyph off the baseline made a line of its own too.
                self._stream.set_text_rendering(3)
                self._stream.show_text(self._span)
                self._stream.set_text_rendering(0)
                self._stream.end_marked_content()
                self._span = ""
        # A rise is written with the glyph it raises (show_text), after its invisible copy.

    def show_text(self, text: str) -> None:
        if not self._rise:
            self._stream.show_text(text)
            return
        import pydyf

        kerning, glyph = text.rsplit("<", 1)
        glyph = glyph.rstrip(">")
        font, width = self._width(int(glyph, 16))
        mark = font.to_unicode.get(int(glyph, 16), "")
        if mark.strip():
            self._stream.begin_marked_content("Span", pydyf.Dictionary({"ActualText": pydyf.String(mark)}))
            # The copies stand where the next glyph starts, at the current point, not where the mark is drawn:
            # placed over the letter after it, poppler made the mark a word of its own and lost the line's order.
            # The first copy is drawn and then taken back (its advance), the last one ends where the mark ends.
            kern = float(kerning) if kerning else 0
            self._span = f"{width - kern:g} <{glyph}> {kern:g}"
            # pdfium reads a span's text once, at its first text object in order of position, and skips the span's
            # next object only when it comes right after: the raised glyph, shifted onto its letter by its first
            # number, stood after the letter's run and was read a second time ("فورً ً ا"). Led by the font's zero
            # width space (no ink, no advance), the glyph's object starts at its copy's place (issue 20). The first
            # copy is led by it too: a copy of the mark alone did not carry the span's text in pdfium, which read it
            # at the raised glyph, off the baseline, and ordered a text box drawn later on the line, the deadline's
            # date, between the mark and the rest of its word ("يُ 30 يونيو 2026 ُرجى", issue 20).
            lead = self._zero_width_space(font)
            self._stream.set_text_rendering(3)
            self._stream.show_text(f"{lead}<{glyph}> {width:g}")
            self._stream.set_text_rendering(0)
            if lead:
                text = f"{lead}{kerning}<{glyph}>"
        self._stream.set_text_rise(self._rise)
        self._stream.show_text(text)

    def _zero_width_space(self, font: Font) -> str:
        """Return the font's zero width space glyph as text to show, mapped to its character; "" if it has none."""
        space = _nominal_glyphs(font).get(0x200B)
        if space is None:
            return ""
        font.to_unicode.setdefault(space, "\u200b")
        font.widths.setdefault(space, 0)
        return f"<{space:02x}>" if font.bitmap else f"<{space:04x}>"

    def _width(self, glyph: int) -> tuple[Font, int]:
        """Return the current font and the glyph's advance in it, found as WeasyPrint finds it (and kept for it)."""
        from weasyprint.text.ffi import FROM_UNITS, pango

        assert self._font is not None  # a glyph is drawn: its font was added
        font, pango_font, size = self._font
        if glyph not in font.widths:
            if pango.pango_version() < 14802 or font.png:  # as WeasyPrint does (its Pango issue 530 workaround)
                size = self._textbox.style["font_size"]
            pango.pango_font_get_glyph_extents(pango_font, glyph, self._stream.ink_rect, self._stream.logical_rect)
            font.widths[glyph] = round(self._stream.logical_rect.width * 1000 * FROM_UNITS / size)
        return font, font.widths[glyph]
