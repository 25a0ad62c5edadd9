"""Stage 2, localise: dates, language and country names, and direction from Babel's CLDR data."""

from __future__ import annotations

import datetime as dt
import unicodedata
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from babel import Locale

# Bare "en" follows the organisation's British usage ("30 June 2026" in the sample action);
# write "en-US" in a source to get US dates.
_DEFAULT_REGION = {"en": "en_GB"}


@cache
def babel_locale(tag: str) -> Locale:
    """Return the Babel locale of a BCP 47 tag (`pt-BR` -> pt_BR)."""
    from babel import (  # Babel's import costs ~0.1 s: only where a locale is used
        Locale,
        UnknownLocaleError,
    )

    name = _DEFAULT_REGION.get(tag, tag.replace("-", "_"))
    try:
        return Locale.parse(name)
    except (ValueError, UnknownLocaleError):
        return Locale.parse(tag.split("-")[0])


@cache
def regional_tag(tag: str, separator: str = "-") -> str:
    """Return a language with its region, as Word and Open Graph name it (`ar` -> `ar-EG`, `en` -> `en-GB`)."""
    from babel.core import get_global

    locale = babel_locale(tag)
    region = locale.territory
    if not region:
        likely = get_global("likely_subtags").get(locale.language, "")
        region = likely.split("_")[-1] if likely.count("_") == 2 else ""
    return f"{locale.language}{separator}{region}" if region else locale.language


@cache
def script(tag: str) -> str:
    """Return the ISO 15924 code of the script a language is written in (`sr` -> `Cyrl`), from CLDR's likely subtags."""
    from babel.core import get_global

    locale = babel_locale(tag)
    if locale.script:
        return str(locale.script)
    likely: str = get_global("likely_subtags").get(locale.language, "")
    return next((part for part in likely.split("_")[1:] if len(part) == 4), "")


def long_date(value: dt.date, tag: str) -> str:
    """Return a date in the language's long form: "30 de junio de 2026"."""
    from babel.dates import format_date

    return format_date(value, format="long", locale=babel_locale(tag))


def language_name(of: str, tag: str) -> str:
    """Return the name of language `of` in language `tag` ("español", "Spanish", "espagnol")."""
    locale = babel_locale(tag)
    target = of.replace("-", "_")
    name = locale.languages.get(target) or locale.languages.get(target.split("_")[0]) or of
    return name


def own_language_name(tag: str) -> str:
    """Return a language's name in itself ("español", "العربية")."""
    return language_name(tag, tag)


def country_name(code: str, tag: str) -> str:
    """Return a country's name in language `tag`."""
    name: str = babel_locale(tag).territories.get(code, code)
    return name


def direction(tag: str) -> str:
    """Return "rtl" for right-to-left languages, else "ltr"."""
    return "rtl" if babel_locale(tag).character_order == "right-to-left" else "ltr"


def colon(tag: str) -> str:
    """Return the label separator of a language; French sets a narrow no-break space before ':'."""
    return "\u202f: " if tag.split("-")[0] == "fr" else ": "


def reads_ltr(text: str) -> bool:
    """Tell whether text holds left-to-right letters and no right-to-left ones (a name, an address)."""
    classes = {unicodedata.bidirectional(char) for char in text}
    return "L" in classes and not classes & {"R", "AL"}
