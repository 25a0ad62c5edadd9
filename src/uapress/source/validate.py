"""Stage 1, source: validate an action.yaml against the source format v1; every finding names file, line and field."""

from __future__ import annotations

import bisect
import datetime as dt
import re

from uapress.core.errors import Diagnostic, SourceError, UsageError
from uapress.core.inputs import read_project_file
from uapress.source.schema import (
    COPY_KEYS,
    KNOWN_KEYS,
    PREVIOUS_KEYS,
    REQUIRED_KEYS,
    TARGET_KEYS,
    Action,
    Copy,
    Previous,
    Target,
)
from uapress.source.validate_base import Values, kind_of
from uapress.source.validate_languages import LanguageChecks, known_language
from uapress.source.validate_markdown import MarkdownChecks
from uapress.source.validate_people import PeopleChecks
from uapress.source.yamlpos import (
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


def require_language(tag: str) -> None:
    """Raise UsageError when a language tag given on the command line names no known language."""
    if not known_language(tag):
        raise UsageError(f"'{tag}' is not a known language tag (use a BCP 47 tag such as de, pt-BR)")


class Checker(LanguageChecks, PeopleChecks, MarkdownChecks):
    """Validate one file, collecting every finding rather than stopping at the first."""

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
        values: Values = {
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

    def _previous(self, data: dict[str, object]) -> Previous | None:
        value = data.get("previous")
        if value is None:
            return None
        if not isinstance(value, dict):
            self.report(
                ("previous",),
                f"expected reference and url, found {kind_of(value)}",
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
