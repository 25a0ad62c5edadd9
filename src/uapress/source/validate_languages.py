"""Stage 1, source: the checks of the language fields (language, appeal_language, languages) and country."""

from __future__ import annotations

import re

from uapress.core.langid import FUNCTION_WORDS, describe, identify
from uapress.source.validate_base import CheckerBase, Values, kind_of, value_at
from uapress.source.yamlpos import Path_


def known_language(tag: str) -> bool:
    """Tell whether a language tag names a language Babel's CLDR data knows (`es`, `pt-BR`)."""
    # Babel and Markdown load with the first action read: a no-op build reads none and never imports them.
    from babel import Locale, UnknownLocaleError

    try:
        Locale.parse(tag.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return False
    return True


class LanguageChecks(CheckerBase):
    """Check the language tags and the country code of an action."""

    def _language(self, data: dict[str, object], path: Path_) -> str | None:
        value = value_at(data, path)
        if value is None:
            return None
        tag = str(value)
        if not known_language(tag):
            self.report(path, f"'{tag}' is not a known language tag", "use a BCP 47 tag such as en, es, fr, ar, pt-BR")
            return None
        return tag

    def _source_language(self, values: Values) -> None:
        """Check the source language: not among the targets, and the one the text is written in (issue 19)."""
        source = values["language"]
        if not source:
            return
        if source in values["languages"]:
            self.report(
                ("languages", values["languages"].index(source)),
                f"'{source}' is the source language ('language: {source}'): it is not translated into",
                f"remove {source} from 'languages'; it lists only the languages the action is translated into",
            )
        prose = "\n".join(values[key] or "" for key in ("title", "summary", "letter", "background"))
        verdict = identify(prose, source, tuple(FUNCTION_WORDS))
        if verdict is None:
            return
        from babel import Locale

        names = Locale.parse("en").languages
        declared = f"{names.get(source.split('-')[0], source)} ({source})"
        found = describe(verdict, {code: names.get(code, code) for code in FUNCTION_WORDS})
        fix = f"language: {verdict.lang}" if verdict.lang else "language: <the language it is written in>"
        self.report(
            ("language",),
            f"the text of the action reads as {found}, but 'language' says {declared}",
            f"write '{fix}' if that is the language of the text; its editions would publish it as {declared}",
            severity="warning",
            code="source-language",
        )

    def _languages(self, data: dict[str, object]) -> tuple[str, ...]:
        value = data.get("languages")
        if value is None:
            return ()
        if not isinstance(value, list):
            self.report(("languages",), f"expected a list, found {kind_of(value)}", "write it as [es, fr, ar]")
            return ()
        if not self._count("languages", value):
            return ()
        tags: list[str] = []
        for index in range(len(value)):
            tag = self._language(data, ("languages", index))
            if tag and tag in tags:
                self.report(("languages", index), f"language '{tag}' is listed twice", "list each language once")
            elif tag:
                tags.append(tag)
        return tuple(tags)

    def _country(self, data: dict[str, object]) -> str | None:
        value = data.get("country")
        if value is None:
            return None
        code = str(value)
        from babel.core import get_global

        if code not in get_global("territory_currencies") or not re.fullmatch(r"[A-Z]{2}", code):
            self.report(
                ("country",), f"'{code}' is not an ISO 3166 country code", "use two capitals, e.g. VE for Venezuela"
            )
            return None
        return code
