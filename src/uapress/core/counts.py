"""Ground floor: a count with the English word it takes, for the terminal's lines (issue 21)."""

from __future__ import annotations


def plural(count: int, one: str, many: str | None = None) -> str:
    """Return "1 warning" or "2 warnings": the count and the form of the word it takes (`many` defaults to one + s)."""
    return f"{count} {one if count == 1 else (many or one + 's')}"
