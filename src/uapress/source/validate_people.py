"""Stage 1, source: the checks of the people an action writes to (targets) and copies to (copies)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TypeVar

from uapress.source.schema import Copy, Target
from uapress.source.validate_base import CheckerBase, kind_of, value_at
from uapress.source.yamlpos import Path_

_Person = TypeVar("_Person", Target, Copy)


class PeopleChecks(CheckerBase):
    """Check the lists of people: targets and copies, their fields and email addresses."""

    def _people(
        self, data: dict[str, object], key: str, keys: tuple[str, ...], kind: Callable[..., _Person], required: bool
    ) -> tuple[_Person, ...]:
        value = data.get(key)
        if value is None:
            return ()
        if not isinstance(value, list) or (required and not value):
            self.report(
                (key,),
                f"expected a list of at least one person, found {kind_of(value)}",
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
                    path, f"expected name, title, address…, found {kind_of(item)}", "write each person as a mapping"
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
        value = value_at(data, path)
        if value is None:
            return None
        text = str(value).strip()
        if not self._fits(path, text):
            return None
        if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", text):
            self.report(path, f"'{text}' is not an email address", "write it as name@example.org")
            return None
        return text
