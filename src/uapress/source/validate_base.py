"""Stage 1, source: the checker's base: one file's findings, report() and the checks every field shares."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from pathlib import Path
from typing import TypedDict

from uapress.core.characters import OVERRIDES, controls, named
from uapress.core.errors import Diagnostic
from uapress.source.schema import LIST_LIMITS, Copy, Previous, Target, text_limit
from uapress.source.yamlpos import Path_, Positions, dotted


class Values(TypedDict):
    """The fields of an `Action` as the checks return them: None where a field is missing or wrong."""

    schema: int
    reference: str | None
    ua_number: str | None
    issued: dt.date | None
    deadline: dt.date | None
    language: str | None
    languages: tuple[str, ...]
    country: str | None
    appeal_language: str | None
    subject: str | None
    pronoun: str | None
    previous: Previous | None
    title: str | None
    summary: str | None
    targets: tuple[Target, ...]
    copies: tuple[Copy, ...]
    letter: str | None
    closing: str | None
    background: str | None
    keep: tuple[str, ...]


class CheckerBase:
    """Hold the findings on one file, and the generic text checks each field group's checks build on."""

    text: str
    """The file's text, once read (`Checker._read`)."""

    def __init__(self, path: Path, raw: bytes | None = None) -> None:
        self.path = path
        self.raw = raw
        """The file's bytes when the caller has read them already (a build hashes exactly what it renders)."""
        self.found: list[Diagnostic] = []
        self.positions = Positions()

    def report(
        self,
        path: Path_,
        message: str,
        hint: str | None = None,
        severity: str = "error",
        key: bool = False,
        code: str = "",
    ) -> None:
        column: int | None
        line, column = self.positions.key(path) if key else self.positions.of(path)
        if key and path not in self.positions.keys:
            # A missing key has no place of its own: name the line of the mapping it belongs in, with no
            # caret, so the excerpt does not point at a neighbouring key as if it were the problem.
            line, column = self.positions.of(path[:-1])[0], None
            self.found.append(
                Diagnostic(
                    severity, message, self.path, line, column, dotted(path) or None, hint, show_line=False, code=code
                )
            )
            return
        self.found.append(Diagnostic(severity, message, self.path, line, column, dotted(path) or None, hint, code=code))

    def _unknown_keys(self, data: dict[str, object], path: Path_, known: tuple[str, ...]) -> None:
        for key in data:
            if key not in known:
                close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
                hint = f"did you mean '{close[0]}'?" if close else f"known keys: {', '.join(known)}"
                self.report(path + (key,), f"unknown key '{key}'", hint, key=True)

    def _text(self, data: dict[str, object], path: Path_, required: bool = True, markdown: bool = False) -> str | None:
        value = value_at(data, path)
        if value is None:
            return None
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            self.report(path, f"expected text, found {kind_of(value)}", "write the value as text on the same line")
            return None
        if not self._fits(path, value):
            return None
        if not value.strip():
            if required:
                self.report(path, "is empty", "write the text")
            return None
        # Markdown fields are checked block by block, with the exact line (`_check_block`).
        if not markdown and "<" in value and re.search(r"</?[A-Za-z][^>]*>", value):
            self.report(path, "raw HTML is not allowed", "write plain text without tags")
        return value.strip()

    def _fits(self, path: Path_, value: str) -> bool:
        """Report a text longer than its field's limit (issue 10) or hiding characters (issue 25); return whether it fits."""
        hiding = controls(value) + [c for c in value if c in OVERRIDES]
        if hiding:
            # Issue 25: `\e` passed `check` and failed the DOCX writer; U+202E shows "007" for 700.
            kind = "control character" if controls(value) else "bidi override"
            self.report(
                path,
                f"holds the {kind}(s) {named(hiding)}, which hide or reorder text",
                "remove them: the editions set each language's direction themselves",
            )
            return False
        limit = text_limit(path)
        if len(value) <= limit:
            return True
        self.report(
            path,
            f"is {len(value):,} characters long; this field holds at most {limit:,}",
            "shorten it: an urgent action is read in a few minutes (see 'Size limits' in README.md)",
        )
        return False

    def _count(self, key: str, items: list[object]) -> bool:
        """Report a list with more items than its limit (issue 10); return whether it fits."""
        limit = LIST_LIMITS[key]
        if len(items) <= limit:
            return True
        self.report(
            (key,),
            f"has {len(items):,} items; this list holds at most {limit:,}",
            "keep only the items the action needs (see 'Size limits' in README.md)",
        )
        return False

    def _optional_text(self, data: dict[str, object], key: str) -> str | None:
        return self._text(data, (key,), required=False) if data.get(key) is not None else None


def value_at(data: object, path: Path_) -> object:
    for part in path:
        if isinstance(data, dict):
            data = data.get(part)
        elif isinstance(data, list) and isinstance(part, int) and part < len(data):
            data = data[part]
        else:
            return None
    return data


def kind_of(value: object) -> str:
    return {
        dict: "a mapping",
        list: "a list",
        bool: "true/false",
        int: "a number",
        float: "a number",
        type(None): "nothing",
    }.get(type(value), f"'{value}'")
