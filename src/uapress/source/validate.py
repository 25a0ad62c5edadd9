"""Stage 1, source: validate an action.yaml against the source format v1; every finding names file, line and field."""

from __future__ import annotations

import bisect
import datetime as dt
import difflib
import re
from collections.abc import Callable
from pathlib import Path
from typing import TypedDict, TypeVar

from uapress.core.characters import OVERRIDES, controls, named
from uapress.core.errors import Diagnostic, SourceError, UsageError
from uapress.core.inputs import read_project_file
from uapress.core.langid import FUNCTION_WORDS, describe, identify
from uapress.source.markdown import MarkdownIssue, parse_inlines, split_blocks, too_deep
from uapress.source.schema import (
    COPY_KEYS,
    KNOWN_KEYS,
    LIST_LIMITS,
    PREVIOUS_KEYS,
    REQUIRED_KEYS,
    TARGET_KEYS,
    Action,
    Copy,
    Previous,
    Target,
    text_limit,
)
from uapress.source.yamlpos import (
    Path_,
    Positions,
    YamlProblem,
    dotted,
    load_with_positions,
    top_level_key,
)

REFERENCE = re.compile(r"^[A-Z]{3} \d{2}/\d{3,4}/\d{4}$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
PLACEHOLDER = "TODO:"
"""Marks text `uapress new` wrote for the author to replace; warned about on every line that still holds it."""
MARKDOWN_FIELDS = ("summary", "letter", "background")

_Person = TypeVar("_Person", Target, Copy)


def known_language(tag: str) -> bool:
    """Tell whether a language tag names a language Babel's CLDR data knows (`es`, `pt-BR`)."""
    # Babel and Markdown load with the first action read: a no-op build reads none and never imports them.
    from babel import Locale, UnknownLocaleError

    try:
        Locale.parse(tag.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return False
    return True


def require_language(tag: str) -> None:
    """Raise UsageError when a language tag given on the command line names no known language."""
    if not known_language(tag):
        raise UsageError(f"'{tag}' is not a known language tag (use a BCP 47 tag such as de, pt-BR)")


class _Values(TypedDict):
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


class Checker:
    """Validate one file, collecting every finding rather than stopping at the first."""

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

    def run(self) -> Action | None:
        data = self._read()
        if data is None:
            return None
        self._unknown_keys(data, (), KNOWN_KEYS)
        self._placeholders()
        for key in REQUIRED_KEYS:
            if key not in data:
                self.report((key,), f"required field '{key}' is missing", f"add '{key}:' to the file", key=True)
            elif data[key] in (None, ""):
                # The key is there, its value is not (issue 19: "missing, add 'address:'" misled).
                self.report((key,), f"required field '{key}' is empty", f"write its value after '{key}:'", key=True)
        if data.get("reference") is None:  # absent, or left empty as `uapress new` writes it
            self.report(
                (),
                "no 'reference' (document index number) given",
                "add 'reference: \"AMR 53/0203/2025\"' once the number is assigned",
                severity="warning",
                code="no-reference",
            )
        values: _Values = {
            "schema": self._schema(data),
            "reference": self._reference(data),
            "ua_number": self._optional_text(data, "ua_number"),
            "issued": self._date(data, "issued"),
            "deadline": self._date(data, "deadline"),
            "language": self._language(data, ("language",)),
            "languages": self._languages(data),
            "country": self._country(data),
            "appeal_language": self._language(data, ("appeal_language",)),
            "subject": self._text(data, ("subject",)),
            "pronoun": self._optional_text(data, "pronoun"),
            "previous": self._previous(data),
            "title": self._inline_markdown(data, ("title",)),
            "summary": self._markdown(data, "summary"),
            "targets": self._people(data, "targets", TARGET_KEYS, Target, required=True),
            "copies": self._people(data, "copies", COPY_KEYS, Copy, required=False),
            "letter": self._markdown(data, "letter"),
            "closing": self._optional_text(data, "closing"),
            "background": self._markdown(data, "background"),
            "keep": self._keep(data),
        }
        issued, deadline = values["issued"], values["deadline"]
        if isinstance(issued, dt.date) and isinstance(deadline, dt.date) and deadline <= issued:
            self.report(
                ("deadline",),
                f"deadline {deadline.isoformat()} is not after the issue date {issued.isoformat()}",
                "the deadline must come after 'issued'",
            )
        self._source_language(values)
        if any(d.is_error for d in self.found):
            return None
        # No error was reported, so every required field holds its value, none is None.
        return Action(path=self.path, slug=self.path.parent.name, **values)  # type: ignore[arg-type]

    def _read(self) -> dict[str, object] | None:
        if not SLUG.match(self.path.parent.name):
            self.found.append(
                Diagnostic(
                    "error",
                    f"the action folder name '{self.path.parent.name}' is not a valid slug",
                    self.path,
                    hint="use lowercase letters, digits and hyphens",
                )
            )
            return None
        try:
            raw = read_project_file(self.path) if self.raw is None else self.raw
        except SourceError as exc:
            self.found += exc.diagnostics
            return None
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            field = top_level_key(raw.decode("utf-8", "replace"), line)
            self.found.append(
                Diagnostic(
                    "error",
                    f"the file is not UTF-8 (byte 0x{raw[exc.start]:02x})",
                    self.path,
                    line,
                    field=field,
                    hint="save the file as UTF-8 in your editor",
                )
            )
            return None
        if not text.strip():
            self.found.append(
                Diagnostic(
                    "error",
                    "the file is empty",
                    self.path,
                    1,
                    hint="start from 'uapress new SLUG' or copy an existing action",
                )
            )
            return None
        try:
            self.text = text.lstrip("\ufeff")
            data, self.positions = load_with_positions(self.text, self.path)
        except YamlProblem as exc:
            self.found.append(exc.diagnostic)
            return None
        if not isinstance(data, dict):
            self.found.append(
                Diagnostic(
                    "error",
                    "the file must be a mapping of keys to values (key: value)",
                    self.path,
                    1,
                    hint="see the source format in README.md",
                )
            )
            return None
        return data

    def _placeholders(self) -> None:
        """Warn about every line still holding the scaffold's placeholder mark, value or comment alike."""
        # Lines, not values: `country: VE  # TODO: …` must warn too, and a valid example would not.
        entries = sorted(((line, path) for path, (line, _) in self.positions.keys.items()), key=lambda e: e[0])
        starts = [line for line, _ in entries]
        for number, line in enumerate(self.text.splitlines(), 1):
            if PLACEHOLDER not in line:
                continue
            # The field is the innermost entry begun on or before this line (a block's text belongs to its key).
            opened = bisect.bisect_right(starts, number)
            field = dotted(entries[opened - 1][1]) if opened and not line.lstrip().startswith("#") else None
            self.found.append(
                Diagnostic(
                    "warning",
                    f"still holds a placeholder ({PLACEHOLDER.rstrip(':')}) to replace",
                    self.path,
                    number,
                    line.index(PLACEHOLDER) + 1,
                    field,
                    f"put the real value in its place and remove the '{PLACEHOLDER}' mark",
                )
            )

    def _unknown_keys(self, data: dict[str, object], path: Path_, known: tuple[str, ...]) -> None:
        for key in data:
            if key not in known:
                close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
                hint = f"did you mean '{close[0]}'?" if close else f"known keys: {', '.join(known)}"
                self.report(path + (key,), f"unknown key '{key}'", hint, key=True)

    def _schema(self, data: dict[str, object]) -> int:
        value = data.get("schema")
        if value is not None and value != 1:
            self.report(("schema",), f"schema {value!r} is not supported", "this version of uapress reads 'schema: 1'")
        return 1

    def _reference(self, data: dict[str, object]) -> str | None:
        value = data.get("reference")
        if value is None:
            return None
        if not isinstance(value, str) or not REFERENCE.match(value):
            self.report(
                ("reference",),
                f"'{value}' is not a document reference",
                'write it as three capitals, two digits, three or four digits and the year: "AMR 53/0203/2025"',
            )
            return None
        return value

    def _date(self, data: dict[str, object], key: str) -> dt.date | None:
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, dt.date):  # an impossible date is an `InvalidScalar`, a str
            return value
        text = str(value)
        if isinstance(value, str) and DATE.match(text):
            try:
                return dt.date.fromisoformat(text)
            except ValueError:
                pass
        self.report((key,), f"{text} is not a date (YYYY-MM-DD)", "write the date as year-month-day, e.g. 2026-06-30")
        return None

    def _text(self, data: dict[str, object], path: Path_, required: bool = True, markdown: bool = False) -> str | None:
        value = _get(data, path)
        if value is None:
            return None
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            self.report(path, f"expected text, found {_kind(value)}", "write the value as text on the same line")
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

    def _language(self, data: dict[str, object], path: Path_) -> str | None:
        value = _get(data, path)
        if value is None:
            return None
        tag = str(value)
        if not known_language(tag):
            self.report(path, f"'{tag}' is not a known language tag", "use a BCP 47 tag such as en, es, fr, ar, pt-BR")
            return None
        return tag

    def _source_language(self, values: _Values) -> None:
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
            self.report(("languages",), f"expected a list, found {_kind(value)}", "write it as [es, fr, ar]")
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

    def _previous(self, data: dict[str, object]) -> Previous | None:
        value = data.get("previous")
        if value is None:
            return None
        if not isinstance(value, dict):
            self.report(
                ("previous",),
                f"expected reference and url, found {_kind(value)}",
                'write previous: {reference: "AMR 53/0203/2025", url: "https://…"}',
            )
            return None
        self._unknown_keys(value, ("previous",), PREVIOUS_KEYS)
        reference = self._text(data, ("previous", "reference"))
        url = self._text(data, ("previous", "url"))
        if reference is None or url is None:
            for key in PREVIOUS_KEYS:
                if value.get(key) is None:
                    self.report(
                        ("previous", key), f"required field 'previous.{key}' is missing", f"add '{key}:'", key=True
                    )
            return None
        if not url.startswith(("https:", "http:")):
            self.report(
                ("previous", "url"), f"'{url}' is not a web address", "write the https: address of the previous UA"
            )
            return None
        return Previous(reference, url)

    def _nested(self, path: Path_, text: str) -> bool:
        """Report Markdown nested deeper than uapress reads (issue 25), before it is split or parsed."""
        deep = too_deep(text)
        if deep is None:
            return False
        line = self.positions.text_line(path, deep[0])
        self.found.append(
            Diagnostic(
                "error",
                deep[1],
                self.path,
                line,
                field=dotted(path),
                hint="write plain paragraphs, lists and quotes one level deep",
            )
        )
        return True

    def _inline_markdown(self, data: dict[str, object], path: Path_) -> str | None:
        text = self._text(data, path, markdown=True)
        if text is not None and not self._nested(path, text):
            self._check_block(path, text, 0)
        return text

    def _markdown(self, data: dict[str, object], key: str) -> str | None:
        text = self._text(data, (key,), markdown=True)
        if text is None or self._nested((key,), text):
            return None

        for block in split_blocks(text):
            self._check_block((key,), block.markdown, block.line)
        return text

    def _check_block(self, path: Path_, markdown_text: str, offset: int) -> None:
        try:
            _, issues = parse_inlines(markdown_text)
        except MarkdownIssue as refused:
            issues = [refused]
        line = self.positions.text_line(path, offset)
        for issue in issues:
            where, column = self._locate(issue.fragment, line + issue.line)
            self.found.append(
                Diagnostic(
                    issue.severity, issue.message, self.path, where, column, dotted(path), issue.hint, code=issue.code
                )
            )

    def _locate(self, fragment: str, line: int) -> tuple[int, int | None]:
        """Find `fragment` at or after `line` within its block, for a caret under the offending text."""
        lines = self.text.splitlines()
        for number in range(line, min(line + 40, len(lines)) + 1):
            column = lines[number - 1].find(fragment) if fragment else -1
            if column >= 0:
                return number, column + 1
            if number > line and not lines[number - 1].strip():
                break  # a blank line ends the block
        return line, None

    def _people(
        self, data: dict[str, object], key: str, keys: tuple[str, ...], kind: Callable[..., _Person], required: bool
    ) -> tuple[_Person, ...]:
        value = data.get(key)
        if value is None:
            return ()
        if not isinstance(value, list) or (required and not value):
            self.report(
                (key,),
                f"expected a list of at least one person, found {_kind(value)}",
                f"write '{key}:' followed by '- name: …' items",
            )
            return ()
        if not self._count(key, value):
            return ()
        people: list[_Person] = []
        for index, item in enumerate(value):
            path = (key, index)
            if not isinstance(item, dict):
                self.report(
                    path, f"expected name, title, address…, found {_kind(item)}", "write each person as a mapping"
                )
                continue
            self._unknown_keys(item, path, keys)
            fields: dict[str, str | None] = {}
            for field in keys:
                if field == "email":
                    fields[field] = self._email(data, path + (field,))
                    continue
                if item.get(field) is None:
                    empty = field in item  # `address:` with nothing after it (issue 19)
                    self.report(
                        path + (field,),
                        f"required field '{key}.{index}.{field}' is {'empty' if empty else 'missing'}",
                        f"write its value after '{field}:'" if empty else f"add '{field}:'",
                        key=True,
                    )
                    continue
                fields[field] = self._text(data, path + (field,))
            if all(fields.get(f) is not None for f in keys if f != "email"):
                people.append(kind(**fields))
        return tuple(people)

    def _email(self, data: dict[str, object], path: Path_) -> str | None:
        value = _get(data, path)
        if value is None:
            return None
        text = str(value).strip()
        if not self._fits(path, text):
            return None
        if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", text):
            self.report(path, f"'{text}' is not an email address", "write it as name@example.org")
            return None
        return text

    def _keep(self, data: dict[str, object]) -> tuple[str, ...]:
        value = data.get("keep")
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.report(("keep",), "expected a list of terms", "write keep: [Name One, Name Two]")
            return ()
        if not self._count("keep", value) or not all(self._fits(("keep", i), v) for i, v in enumerate(value)):
            return ()
        return tuple(v.strip() for v in value)


def _get(data: object, path: Path_) -> object:
    for part in path:
        if isinstance(data, dict):
            data = data.get(part)
        elif isinstance(data, list) and isinstance(part, int) and part < len(data):
            data = data[part]
        else:
            return None
    return data


def _kind(value: object) -> str:
    return {
        dict: "a mapping",
        list: "a list",
        bool: "true/false",
        int: "a number",
        float: "a number",
        type(None): "nothing",
    }.get(type(value), f"'{value}'")
