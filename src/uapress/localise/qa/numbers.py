"""Stage 2, localise: QA of numbers: every number of the source, written the way the language writes it.

Digits inside link targets, bare addresses and e-mail addresses are not numbers. A number may
change its notation (`2,000` -> `2.000`, `2 000`, `٢٠٠٠`) but not its digits; and it must read
as the same value with the language's decimal and group symbols (CLDR, through Babel): `2,000`
in Spanish reads as two.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from decimal import Decimal
from functools import cache

from uapress.core.counts import plural
from uapress.core.nodes import Inline, plain_text
from uapress.localise.locale import babel_locale
from uapress.localise.qa.addresses import EMAIL, URL

_NUMBER = re.compile(r"\d+(?:[.,\u00a0\u202f\u066b\u066c ]\d+)*")
_SPACES = " \u00a0\u202f"


def numbers_in(text: str) -> list[str]:
    """Return the numbers of a text as bare digit strings, so 2,000 = 2.000 = 2 000 = ٢٠٠٠."""
    return [re.sub(r"\D", "", token) for token in _tokens(text)]


def _tokens(text: str) -> list[str]:
    ascii_text = "".join(str(unicodedata.digit(c)) if c.isdigit() else c for c in text)
    return [m.group(0) for m in _NUMBER.finditer(ascii_text)]


def prose(inlines: Iterable[Inline]) -> str:
    """Return the text a reader sees, without link targets, bare addresses or e-mail addresses."""
    return EMAIL.sub(" ", URL.sub(" ", plain_text(inlines)))


def check(
    source_inlines: tuple[Inline, ...], inlines: tuple[Inline, ...], lang: str, source_lang: str
) -> list[tuple[str, ...]]:
    """Return (check, severity, message, fix[, subject]) findings on numbers."""
    source_tokens, tokens = _tokens(prose(source_inlines)), _tokens(prose(inlines))
    left = list(tokens)
    missing, misread = [], []
    for token in source_tokens:
        digits = re.sub(r"\D", "", token)
        match = next((t for t in left if re.sub(r"\D", "", t) == digits), None)
        if match is None:
            missing.append(token)
            continue
        left.remove(match)
        want = value(token, source_lang)
        if lang and want is not None and value(match, lang) != want:
            misread.append((token, match))
    out: list[tuple[str, ...]] = []
    if missing:
        out.append(
            (
                "numbers",
                "error",
                f"{plural(len(missing), 'number')} of the source missing or changed in the translation: {', '.join(missing)}",
                "write every number of the source in the translation; only its notation may change",
            )
        )
    for token, match in misread:
        suggestion = _formatted(value(token, source_lang), lang)
        out.append(
            (
                "locale-numbers",
                "warning",
                f"'{match}' does not read as {token} in this language (decimal '{_symbols(lang)[0]}', "
                f"thousands '{_symbols(lang)[1].strip() or 'space'}')",
                f"write {suggestion}" if suggestion else "write the number with this language's symbols",
            )
        )
    return out


def value(token: str, lang: str) -> Decimal | None:
    """Return what a number token means with a language's decimal and group symbols, or None if it cannot."""
    decimal, group = _symbols(lang)
    groups = set(group) | set(_SPACES) | {"\u066c"}
    decimals = {decimal, "\u066b"}
    pieces = re.split(r"(\D)", token)
    digits, separators = pieces[0::2], pieces[1::2]
    whole, fraction = [digits[0]], ""
    for index, separator in enumerate(separators):
        following = digits[index + 1]
        if separator in decimals and index == len(separators) - 1:
            fraction = following
        elif separator in groups and len(following) == 3 and len(whole[0]) <= 3:
            whole.append(following)
        else:
            return None
    return Decimal("".join(whole) + ("." + fraction if fraction else ""))


@cache
def _symbols(lang: str) -> tuple[str, str]:
    from babel.numbers import get_decimal_symbol, get_group_symbol

    locale = babel_locale(lang or "en")
    return get_decimal_symbol(locale, numbering_system="latn"), get_group_symbol(locale, numbering_system="latn")


def _formatted(number: Decimal | None, lang: str) -> str:
    from babel.numbers import format_decimal

    return format_decimal(number, locale=babel_locale(lang)) if number is not None else ""
