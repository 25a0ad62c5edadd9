"""Stage 3, document model: typographic quotes and apostrophes in each language (issue 11).

A rendering step: the PO file keeps what the translator wrote, and the exchange formats compare text
with quotes folded (`fold_quotes`). Straight quotes in text become the language's quotation marks,
smartypants-style (an opening mark after a space or an opening bracket, a closing one elsewhere; an
apostrophe between letters); URLs and e-mail addresses in text, and link targets, are left alone.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable

from uapress.core.nodes import Inline, LineBreak, Text

# CLDR delimiters (quotationStart, quotationEnd, alternateQuotationStart, alternateQuotationEnd) by language.
QUOTES = {
    "en": "“”‘’",
    "es": "«»“”",
    "fr": "«»«»",
    "ar": "”“’‘",
    "de": "„“‚‘",
    "it": "«»“”",
    "pt": "“”‘’",
    "ru": "«»„“",
    "nl": "‘’“”",
    "pl": "„”«»",
    "tr": "“”‘’",
    "zh": "“”‘’",
    "ja": "「」『』",
}
APOSTROPHE = "\u2019"
NBSP = "\u00a0"
NARROW_NBSP = "\u202f"
_LITERAL = re.compile(r"\b(?:https?://|mailto:|www\.)\S+|[\w.'+-]+@[\w-]+(?:\.[\w-]+)+")
_OPENS_AFTER = set(" \t\n\u00a0\u202f([{\u2014\u2013-/")


def smart_quotes(text: str, lang: str, before: str = " ") -> str:
    """Return text with straight quotes as the language's marks; `before` is the character preceding it."""
    if "'" not in text and '"' not in text:
        return text
    marks = QUOTES.get(lang.split("-")[0], QUOTES["en"])
    spaced = lang.split("-")[0] == "fr"
    out: list[str] = []
    position = 0
    for literal in _LITERAL.finditer(text):
        out.append(_convert(text[position : literal.start()], marks, spaced, before if not out else _last(out, before)))
        out.append(literal.group())
        position = literal.end()
    out.append(_convert(text[position:], marks, spaced, _last(out, before)))
    return "".join(out)


def fold_quotes(text: str) -> str:
    """Return text with every quotation mark and apostrophe as `"`, for comparing a rendering with its source."""
    folded = re.sub(f"([«„‚「『]){NARROW_NBSP}|{NARROW_NBSP}([»」』])", r"\1\2", text)
    return folded.translate(_FOLD)


_FOLD = str.maketrans(dict.fromkeys("“”«»„‘’‚「」『』'", '"'))


def quote_inlines(inlines: tuple[Inline, ...], lang: str) -> tuple[Inline, ...]:
    """Return inlines with the text of every node (link text included, never a link's target) in smart quotes."""
    from dataclasses import replace

    before = " "
    out: list[Inline] = []

    def convert(nodes: Iterable[Inline]) -> list[Inline]:
        nonlocal before
        converted: list[Inline] = []
        for node in nodes:
            if isinstance(node, Text):
                node = Text(smart_quotes(node.text, lang, before))
                before = node.text[-1:] or before
            elif isinstance(node, LineBreak):
                before = "\n"
            else:
                node = replace(node, children=tuple(convert(node.children)))
            converted.append(node)
        return converted

    out = convert(inlines)
    return tuple(out)


def bind_names(inlines: tuple[Inline, ...], names: Iterable[str]) -> tuple[Inline, ...]:
    """Return inlines with the words of every multi-word name joined by no-break spaces, link targets untouched.

    Names that are never translated (the `keep` terms, the targets' and copies' names) must not break
    across lines ("Carlos Julio | Rojas", issue 20): a no-break space binds them in PDF, HTML and DOCX alike.
    """
    from dataclasses import replace

    pattern = _names_pattern(tuple(names))
    if pattern is None:
        return inlines

    def bind(nodes: Iterable[Inline]) -> tuple[Inline, ...]:
        out: list[Inline] = []
        for node in nodes:
            if isinstance(node, Text):
                node = Text(pattern.sub(lambda m: _whole_name(m, " ", NBSP), node.text))
            elif not isinstance(node, LineBreak):
                node = replace(node, children=bind(node.children))
            out.append(node)
        return tuple(out)

    return bind(inlines)


def bind_name(name: str) -> str:
    """Return a name with its words joined by no-break spaces."""
    return name.replace(" ", NBSP)


def unbind_names(text: str, names: Iterable[str]) -> str:
    """Return text with the no-break spaces `bind_names` put into names back as spaces (a DOCX brought back).

    The DOCX binds the names in Latin runs of right-to-left text with U+202F, which LibreOffice honours there.
    """
    names = tuple(names)
    for space in (NBSP, NARROW_NBSP):
        pattern = _names_pattern(tuple(n.replace(" ", space) for n in names))
        if pattern is not None:
            text = pattern.sub(functools.partial(_whole_name, space=space, by=" "), text)
    return text


def _whole_name(match: re.Match[str], space: str, by: str) -> str:
    """Return a name found with its spaces replaced, unless it is part of a longer word of its own script.

    A name may be glued to a word of another script: Arabic writes "and" as a prefix, "وCarlos".
    """
    text, found = match.string, match.group()
    before = text[match.start() - 1] if match.start() else " "
    after = text[match.end()] if match.end() < len(text) else " "
    if _same_script(before, found[0]) or _same_script(after, found[-1]):
        return found
    return found.replace(space, by)


def _same_script(char: str, letter: str) -> bool:
    if not char.isalnum():
        return False
    return unicodedata.name(char, "?").split()[0] == unicodedata.name(letter, "?").split()[0]


@functools.lru_cache(maxsize=64)
def _names_pattern(names: tuple[str, ...]) -> re.Pattern[str] | None:
    spaced = sorted({n for n in names if " " in n or NBSP in n or NARROW_NBSP in n}, key=len, reverse=True)
    if not spaced:
        return None
    return re.compile("|".join(map(re.escape, spaced)))


def _last(parts: list[str], default: str) -> str:
    joined = "".join(parts)
    return joined[-1] if joined else default


def _convert(text: str, marks: str, spaced: bool, before: str) -> str:
    out = []
    previous = before
    for index, char in enumerate(text):
        after = text[index + 1] if index + 1 < len(text) else " "
        if char == '"':
            opening = previous in _OPENS_AFTER or not previous
            mark = marks[0] if opening else marks[1]
            if spaced and mark in "«»":
                mark = f"{mark}{NARROW_NBSP}" if opening else f"{NARROW_NBSP}{mark}"
            out.append(mark)
        elif char == "'":
            if previous.isalnum() and (after.isalnum() or after in " .,;:!?)"):
                out.append(APOSTROPHE if after.isalnum() else _closing_single(marks, spaced))
            elif previous in _OPENS_AFTER or not previous:
                out.append(marks[2] + (NARROW_NBSP if spaced and marks[2] == "«" else ""))
            else:
                out.append(_closing_single(marks, spaced))
        else:
            out.append(char)
        previous = char
    return "".join(out)


def _closing_single(marks: str, spaced: bool) -> str:
    return (NARROW_NBSP if spaced and marks[3] == "»" else "") + marks[3]
