"""Stage 4, writers: the publication index, one self-contained page over every action, language and format.

Not in the edition registry: it renders an `Index` (all actions; the build's `index_model.Index` is one), not one
edition. Like every writer it returns bytes and touches no file; `site.write_index` writes it.
"""

from __future__ import annotations

import re
from html import escape
from typing import TYPE_CHECKING, Protocol

from markupsafe import Markup

from uapress.writers import WRITERS
from uapress.writers.brand import Brand
from uapress.writers.html import FILTERS
from uapress.writers.templating import Page, Spec, template

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Sequence

KINDS = {name: writer.label for name, writer in WRITERS.items() if writer.listed}
"""Column heading (or link text) of each listed format."""


class Index(Protocol):
    """What the index page shows, as its template reads it: the day it was made and every action (issue 18)."""

    # A protocol, not the build's dataclass: a writer depends on nothing above its layer (issue 18).
    @property
    def today(self) -> dt.date:
        """Return the day the index was made."""
        ...

    @property
    def actions(self) -> Sequence[object]:
        """Return every action the index lists (`index_model.IndexAction`)."""
        ...


def write(index: Index, brand: Brand) -> bytes:
    """Return the index page as UTF-8 bytes."""
    return (
        page(brand)
        .render(
            index=index,
            kinds=KINDS,
            colours=brand.colours,
            fonts=brand.fonts,
            logo=brand.logo_data_uri,
            brand_name=brand.name,
        )
        .encode("utf-8")
    )


def page(brand: Brand) -> Page:
    """Return the index page's template, compiled (once per process and file version)."""
    return template(brand, INDEX_PAGE)


def plural(count: int, one: str, many: str) -> str:
    """Return "1 action" or "2 actions": the count and the form of the word it takes (issue 21)."""
    return f"{count} {one if count == 1 else many}"


def percent(value: float) -> str:
    """Return a share as a whole percentage: "63%"."""
    return f"{value:.0%}"


def human_size(size: int) -> str:
    """Return a file size as people read it: "840 B", "27.2 kB", "1.4 MB"."""
    if size < 1000:
        return f"{size} B"
    if size < 1_000_000:
        return f"{size / 1000:.1f} kB"
    return f"{size / 1_000_000:.1f} MB"


def days_left(days: int) -> str:
    """Return what a count of days to the deadline means: "12 days left", "last day", "expired"."""
    if days < 0:
        return "expired"
    if days == 0:
        return "last day"
    return "1 day left" if days == 1 else f"{days} days left"


def breakable(name: str) -> Markup:
    """Return a file name that may wrap after its hyphens and dots only, never inside a word."""
    return Markup("<wbr>".join(escape(part) for part in re.split(r"(?<=[-.])", name)))


INDEX_PAGE = Spec(
    "index.html",
    filters=(
        *FILTERS,
        ("size", human_size),
        ("days", days_left),
        ("breakable", breakable),
        ("percent", percent),
        ("plural", plural),
    ),
)
"""The publication index's template, with the filters it formats sizes, days and counts with."""
