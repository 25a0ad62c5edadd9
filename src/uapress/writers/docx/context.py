"""Stage 4, DOCX writer: what every handler shares while one edition is written."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from functools import cache, cached_property
from typing import TYPE_CHECKING, Any, TypedDict, Unpack

from docx.enum.style import WD_STYLE_TYPE

from uapress.core.nodes import Meta
from uapress.localise import locale
from uapress.writers import fonts
from uapress.writers.brand import Brand

if TYPE_CHECKING:
    from docx.document import Document as WordDocument
    from docx.styles.style import BaseStyle
    from docx.table import _Cell

LRM = "\u200e"


class FormatChanges(TypedDict, total=False):
    """Fields of a `Format` that `Format.but` changes."""

    lang: str
    rtl: bool
    bold: bool
    italic: bool
    char_style: str | None
    strong_style: str | None


@dataclass(frozen=True)
class Format:
    """How the runs of some text look and which language they are in."""

    lang: str
    """BCP 47 tag of the text."""
    rtl: bool = False
    """True when the text reads right to left (its language does, and it is not Latin-only)."""
    bold: bool = False
    italic: bool = False
    char_style: str | None = None
    strong_style: str | None = None
    """Character style strong text takes in this paragraph (docx.yaml `strong`), besides bold."""

    def but(self, **changes: Unpack[FormatChanges]) -> Format:
        """Return this format with some fields changed."""
        return replace(self, **changes)


@dataclass
class Output:
    """The Word document being built, with the brand, the edition's metadata and running counters."""

    word: WordDocument
    """The python-docx `Document`."""
    brand: Brand
    meta: Meta
    spec: dict[str, Any] = field(init=False)
    """`styles/docx.yaml`: the Word styles, by role (YAML, as the brand's files are read)."""
    story: WordDocument | _Cell = field(init=False)
    """Where blocks are added: the document itself, or one of its table cells (a letter sheet's head)."""
    bookmark_ids: int = 0
    bookmarked: set[str] = field(default_factory=set)
    logo_placed: bool = False
    _styles: dict[str, BaseStyle] = field(default_factory=dict)
    _style_ids: dict[str, str | None] = field(default_factory=dict)
    _default_style: BaseStyle | None = None
    """The document's default paragraph style, looked up with the first paragraph style id."""

    def __post_init__(self) -> None:
        self.spec = self.brand.data("docx.yaml")
        self.story = self.word

    def style(self, name: str) -> BaseStyle:
        """Return the document's style of a name (UI names too), once the styles are set up.

        Looked up once per document: python-docx searches every style for each lookup, a tenth of the writer's time.
        """
        if name not in self._styles:
            self._styles[name] = self.word.part.styles[name]
        return self._styles[name]

    def remember_styles(self, styles: dict[str, BaseStyle]) -> None:
        """Take in styles already found by name (`styles.apply`), so that `style` need not search for them again."""
        self._styles.update(styles)

    def paragraph_style_id(self, name: str) -> str | None:
        """Return the `w:pStyle` a paragraph in style `name` carries: None for the default style, as python-docx has it.

        Looked up once per document: python-docx looks for the default style among all of them at each paragraph.
        """
        if name not in self._style_ids:
            style = self.style(name)
            if style.type != WD_STYLE_TYPE.PARAGRAPH:
                raise ValueError(f"'{name}' is a {style.type} style, not a paragraph style")
            if not self._style_ids:
                self._default_style = self.word.part.styles.default(WD_STYLE_TYPE.PARAGRAPH)
            self._style_ids[name] = None if style == self._default_style else style.style_id
        return self._style_ids[name]

    @property
    def rtl(self) -> bool:
        """Tell whether the edition reads right to left."""
        return self.meta.direction == "rtl"

    @cached_property
    def complex_drawn(self) -> frozenset[int]:
        """Return the code points the complex-script face (Noto Naskh Arabic) has glyphs for."""
        return fonts.drawn(self.brand.font_file(self.spec["defaults"]["complex_font"]))

    def undrawn_runs(self, text: str) -> Iterator[tuple[str, bool]]:
        """Yield `(chunk, undrawn)`: stretches of `text` the complex-script face has no glyph for stand apart.

        Issue 20: LibreOffice sets the neutrals of an Arabic run (slashes, brackets, curly quotes, "·") in the
        run's `w:cs` face and, where Noto Naskh Arabic lacks them, in DejaVu Sans: they take the Latin face.
        """
        start = 0
        for index in range(1, len(text) + 1):
            if index == len(text) or (ord(text[index]) in self.complex_drawn) != (
                ord(text[start]) in self.complex_drawn
            ):
                yield text[start:index], ord(text[start]) not in self.complex_drawn
                start = index

    @property
    def latin_lang(self) -> str:
        """Return the language Latin text in a right-to-left edition is marked with (names, addresses)."""
        source = self.meta.source_lang
        return "en" if is_rtl(source) else source

    def format_for(self, lang: str | None) -> Format:
        """Return the plain format of text in `lang` (the edition's language when None)."""
        lang = lang or self.meta.lang
        return Format(lang, is_rtl(lang))

    def next_bookmark_id(self) -> int:
        """Return a fresh bookmark id; Word wants them unique, and increasing reads best."""
        self.bookmark_ids += 1
        return self.bookmark_ids


@cache
def is_rtl(lang: str) -> bool:
    """Tell whether a language is written right to left."""
    return locale.direction(lang) == "rtl"


def word_language(lang: str) -> str:
    """Return the tag Word knows a language by: with its region (`ar` -> `ar-EG`, `fr` -> `fr-FR`)."""
    return locale.regional_tag(lang)


def script_runs(text: str, rtl: bool) -> Iterator[tuple[str, bool]]:
    """Yield `(chunk, rtl)`: in right-to-left text, stretches of left-to-right words stand apart.

    Word lays out a run marked `w:rtl` with the complex-script font and right-to-left
    neutrals, so Latin names inside Arabic text get their own run, as Word itself does
    when one types them.
    """
    if not rtl:
        if text:
            yield text, False
        return
    classes = [unicodedata.bidirectional(char) for char in text]
    if locale.reads_ltr(text):
        # Wholly left-to-right text (a URL) keeps its trailing punctuation: Word does so by
        # the run's direction, LibreOffice only with a left-to-right mark after it.
        yield (text + LRM if classes[-1] not in ("L", "EN") else text), False
        return
    start = 0
    index = 0
    while index < len(text):
        if classes[index] != "L":
            index += 1
            continue
        end = index
        scan = index
        # Extend over neutrals and digits up to the last strong left-to-right letter
        # before the next right-to-left letter.
        while scan < len(text) and classes[scan] not in ("R", "AL"):
            if classes[scan] == "L":
                end = scan + 1
            scan += 1
        if index > start:
            yield text[start:index], True
        yield text[index:end], False
        start = index = end
    if start < len(text):
        yield text[start:], True
