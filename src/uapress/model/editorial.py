"""Stage 3, document model: the editorial facts of an action, what its source-language checklist shows.

An editor checks the action itself before any language is published: the links still without an address,
the reference and UA number, the dates, the names that must never change, whom the appeals go to.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from uapress.localise import Localisation
from uapress.model.readiness import UnresolvedLink
from uapress.source.markdown import plain


@dataclass(frozen=True)
class Person:
    """Someone the appeals go to (a target) or who gets a copy, as the source gives them."""

    role: str
    """`target` or `copy`."""
    name: str
    title: str
    address: tuple[str, ...]
    """The postal address, one line per item."""
    email: str | None = None


@dataclass(frozen=True)
class Editorial:
    """The action's facts an editor checks, dates in the checklist's language."""

    links: tuple[UnresolvedLink, ...]
    """`readiness.UnresolvedLink`s: links still without an address, with their text and field."""
    reference: str | None
    ua_number: str | None
    issued: str
    deadline: str
    deadline_iso: str
    days_left: int
    """Days from `today` to the deadline; negative once it has passed."""
    today: str
    """The ISO date `days_left` is counted from (the day the checklist was made)."""
    names: tuple[str, ...]
    """The `keep` terms and every target's and copy's name: spelled exactly as in the source everywhere."""
    people: tuple[Person, ...]
    previous: tuple[str, str] | None
    """(reference, url) of the previous UA."""


def build_editorial(loc: Localisation, links: tuple[UnresolvedLink, ...], today: dt.date) -> Editorial:
    """Return the editorial facts of the localisation's action."""
    action = loc.action
    people = [Person("target", t.name, plain(t.title), _lines(t.address), t.email) for t in action.targets]
    people += [Person("copy", c.name, plain(c.title), _lines(c.address)) for c in action.copies]
    names = tuple(dict.fromkeys(action.keep + tuple(p.name for p in people)))
    previous = (action.previous.reference, action.previous.url) if action.previous else None
    return Editorial(
        links,
        action.reference,
        action.ua_number,
        loc.issued,
        loc.deadline,
        action.deadline.isoformat(),
        (action.deadline - today).days,
        today.isoformat(),
        names,
        tuple(people),
        previous,
    )


def _lines(address: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in address.splitlines() if line.strip())
