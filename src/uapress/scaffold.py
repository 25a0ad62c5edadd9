"""Stage 1, source: start a new action (`uapress new`) from a commented template of source format v1."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from .errors import UsageError
from .files import write_atomic
from .source.load import PLACEHOLDER, SLUG

DEADLINE_AFTER = dt.timedelta(weeks=6)
"""How long a new action runs by default: the deadline is the issue date plus six weeks."""

# Every key of source format v1, each under one comment line: what it is, an example, whether it is
# translated. Required text holds a placeholder marked PLACEHOLDER, which `uapress check` warns about
# until it is replaced; optional keys are left empty, so leaving them alone is never wrong. The values
# that must be valid to pass the check (country, appeal language) get an example and an inline mark.
TEMPLATE = """\
# Urgent action source (format v1), started by `uapress new {slug}` on {today}.
# Replace each value marked TODO (`uapress check {slug}` warns about every one left), fill the
# optional fields you need, and preview while writing with `uapress serve {slug}`.

# Format version, always 1; not translated.
schema: 1

# Document index number once assigned, e.g. "AMR 53/0203/2025"; not translated (warned about while empty).
reference:

# Urgent action number, optional, e.g. "UA 12/26"; not translated.
ua_number:

# Date of issue, YYYY-MM-DD, e.g. 2026-01-19; not translated (each edition writes it in its language).
issued: {issued}

# Take action until, YYYY-MM-DD after the issue date, e.g. 2026-06-30; not translated (written per language).
deadline: {deadline}

# Source language of this file, a BCP 47 tag, e.g. en or es; not translated.
language: en

# Languages to publish besides the source language, optional, e.g. [es, fr, ar]; not translated.
languages: []

# Country of the action, ISO 3166 two capitals, e.g. VE; not translated (its name is written per language).
country: VE  # {mark} the action's country

# Preferred language to address the target, a BCP 47 tag, e.g. es; not translated (name written per language).
appeal_language: en  # {mark} the language the target reads

# Who the action is for (the NAME line), e.g. Venezuelan human rights defenders; translated.
subject: "{mark} who the action is for"

# Preferred pronoun of the subject, optional, e.g. they/them; translated.
pronoun:

# The previous UA on this case, optional, e.g. {{reference: "AMR 53/0203/2025", url: "https://…"}}; not translated.
previous:

# Headline, inline Markdown in sentence case, e.g. Human rights defenders must be released; translated.
title: "{mark} headline"

# Opening summary, Markdown: what happened to whom and what we ask, e.g. "In January 2026, …"; translated.
summary: |
  {mark} what happened, to whom, and what we call for, in a few sentences.

# Whom to write to, at least one person, e.g. the head of state; some fields translated, as said below.
targets:
  # Full name, e.g. Delcy Rodríguez; never translated.
  - name: "{mark} full name"
    # Office held, e.g. Acting President of the Republic; translated.
    title: "{mark} office held"
    # Postal address, one line per line, e.g. Palacio de Miraflores, Caracas, Venezuela; never translated.
    address: |
      {mark} street and number
      {mark} town and country
    # How the letter opens, e.g. "Ms Delcy Rodríguez,"; translated.
    salutation: "{mark} Dear …,"
    # Email address, optional, e.g. office@example.org; not translated.
    email:

# Who gets copies, optional, e.g. [{{name: …, title: Ambassador to the UK, address: …}}]; title translated.
copies: []

# Model letter body without salutation and closing, Markdown, e.g. "We call on you to release …"; translated.
letter: |
  {mark} the model letter, one paragraph per point; leave a blank line between paragraphs.

# Closing of the letter, optional (the language's "Yours sincerely," when empty), e.g. Yours faithfully,; translated.
closing:

# ADDITIONAL INFORMATION, Markdown with links to sources, e.g. "A [2025 report](https://…) found …"; translated.
background: |
  {mark} the background of the case, with links to sources.

# Terms never translated, optional: people's names, organisations, places, e.g. [Rocío San Miguel, Foro Penal].
keep: []
"""


def new_action(root: Path, slug: str, today: dt.date | None = None) -> Path:
    """Write `source/actions/<slug>/action.yaml` from the template; refuse a bad slug or an existing action."""
    if not SLUG.fullmatch(slug):
        raise UsageError(f"'{slug}' is not a valid action name: use lowercase letters, digits and hyphens "
                         "(e.g. belarus-journalist-detained)")
    path = root / "source" / "actions" / slug / "action.yaml"
    if path.exists():
        raise UsageError(f"{path.relative_to(root)} already exists: edit it, or choose another name")
    write_atomic(path, render(slug, today or dt.date.today()))
    return path


def render(slug: str, today: dt.date) -> str:
    """Return the template filled for `slug`, issued `today` with a deadline six weeks later."""
    return TEMPLATE.format(slug=slug, today=today.isoformat(), mark=PLACEHOLDER,
                           issued=today.isoformat(), deadline=(today + DEADLINE_AFTER).isoformat())

