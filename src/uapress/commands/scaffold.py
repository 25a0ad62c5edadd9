"""Stage 1, source: start an action from a commented template of source format v1 (`uapress new`), or
from an earlier action as its follow-up (`uapress followup`)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING

from uapress.core.errors import Diagnostic, UsageError
from uapress.core.files import write_atomic
from uapress.source.schema import Action
from uapress.source.validate import PLACEHOLDER, SLUG, require_language

if TYPE_CHECKING:
    from collections.abc import Iterable

    from uapress.source.schema import Copy, Target

DEADLINE_AFTER = dt.timedelta(weeks=6)
"""How long a new action runs by default: the deadline is the issue date plus six weeks."""

# Every key of source format v1, each under one comment line: what it is, an example, whether it is
# translated. `new` fills it with placeholders marked PLACEHOLDER, which `uapress check` warns about
# until they are replaced, and leaves optional keys empty, so leaving them alone is never wrong;
# `followup` fills it with the earlier action's values. Each `{field}` is the YAML after the key.
TEMPLATE = """\
{header}

# Format version, always 1; not translated.
schema: 1

# Document index number once assigned, e.g. "AMR 53/0203/2025"; not translated (warned about while empty).
reference:{reference}

# Urgent action number, optional, e.g. "UA 12/26"; not translated.
ua_number:{ua_number}

# Date of issue, YYYY-MM-DD, e.g. 2026-01-19; not translated (each edition writes it in its language).
issued:{issued}

# Take action until, YYYY-MM-DD after the issue date, e.g. 2026-06-30; not translated (written per language).
deadline:{deadline}

# Source language of this file, a BCP 47 tag, e.g. en or es; not translated.
language:{language}

# Languages to publish besides the source language, optional, e.g. [es, fr, ar]; not translated.
languages:{languages}

# Country of the action, ISO 3166 two capitals, e.g. VE; not translated (its name is written per language).
country:{country}

# Preferred language to address the target, a BCP 47 tag, e.g. es; not translated (name written per language).
appeal_language:{appeal_language}

# Who the action is for (the NAME line), e.g. Venezuelan human rights defenders; translated.
subject:{subject}

# Preferred pronoun of the subject, optional, e.g. they/them; translated.
pronoun:{pronoun}

# The previous UA on this case, optional, e.g. {{reference: "AMR 53/0203/2025", url: "https://…"}}; not translated.
previous:{previous}

# Headline, inline Markdown in sentence case, e.g. Human rights defenders must be released; translated.
title:{title}

# Opening summary, Markdown: what happened to whom and what we ask, e.g. "In January 2026, …"; translated.
summary:{summary}

# Whom to write to, at least one person, e.g. the head of state; some fields translated, as said below.
targets:{targets}

# Who gets copies, optional, e.g. [{{name: …, title: Ambassador to the UK, address: …}}]; title translated.
copies:{copies}

# Model letter body without salutation and closing, Markdown, e.g. "We call on you to release …"; translated.
letter:{letter}

# Closing of the letter, optional (the language's "Yours sincerely," when empty), e.g. Yours faithfully,; translated.
closing:{closing}

# ADDITIONAL INFORMATION, Markdown with links to sources, e.g. "A [2025 report](https://…) found …"; translated.
background:{background}

# Terms never translated, optional: people's names, organisations, places, e.g. [Rocío San Miguel, Foro Penal].
keep:{keep}
"""

NEW_HEADER = """\
# Urgent action source (format v1), started by `uapress new {slug}` on {today}.
# Replace each value marked TODO (`uapress check {slug}` warns about every one left), fill the
# optional fields you need, and preview while writing with `uapress serve {slug}`."""

FOLLOWUP_HEADER = """\
# Urgent action source (format v1), started by `uapress followup {old} {slug}` on {today}:
# a follow-up (further information) of {old}.
# The text is {old}'s, copied for editing: say what changed in the summary, letter and background,
# and replace each value marked TODO (`uapress check {slug}` warns about every one left). Then
# `uapress translations update {slug}` fills the PO files from the translation memory: every
# sentence kept from {old} arrives translated, a lightly reworded one as a fuzzy suggestion."""

# Each field of a person under one comment line, as TEMPLATE has them; only the first person gets them.
PERSON_COMMENTS = {
    "name": "Full name, e.g. Delcy Rodríguez; never translated.",
    "title": "Office held, e.g. Acting President of the Republic; translated.",
    "address": "Postal address, one line per line, e.g. Palacio de Miraflores, Caracas, Venezuela; never translated.",
    "salutation": 'How the letter opens, e.g. "Ms Delcy Rodríguez,"; translated.',
    "email": "Email address, optional, e.g. office@example.org; not translated.",
}


def new_action(root: Path, slug: str, today: dt.date | None = None, lang: str | None = None) -> Path:
    """Write `source/actions/<slug>/action.yaml` from the template; refuse a bad slug or an existing action.

    `lang` is the source language; without it the file says `en` under a TODO mark (issue 19: a Spanish
    action left with an unmarked `language: en` published its Spanish text as the English edition).
    """
    if lang:
        require_language(lang)
    path = _new_path(root, slug)
    write_atomic(path, render(slug, today or dt.date.today(), lang))
    return path


def render(slug: str, today: dt.date, lang: str | None = None) -> str:
    """Return the template filled for `slug`, issued `today` with a deadline six weeks later."""
    mark = PLACEHOLDER
    person = {
        "name": f"{mark} full name",
        "title": f"{mark} office held",
        "address": f"{mark} street and number\n{mark} town and country\n",
        "salutation": f"{mark} Dear …,",
        "email": None,
    }
    return TEMPLATE.format(
        header=NEW_HEADER.format(slug=slug, today=today.isoformat()),
        reference="",
        ua_number="",
        issued=f" {today.isoformat()}",
        deadline=f" {(today + DEADLINE_AFTER).isoformat()}",
        language=f" {lang}"
        if lang
        else f" en  # {mark} the language the text is written in (`uapress new SLUG --lang es`)",
        languages=" []",
        country=f" VE  # {mark} the action's country",
        appeal_language=f" {lang or 'en'}  # {mark} the language the target reads",
        subject=_scalar(f"{mark} who the action is for"),
        pronoun="",
        previous="",
        title=_scalar(f"{mark} headline"),
        summary=_block(f"{mark} what happened, to whom, and what we call for, in a few sentences.\n"),
        targets=_people([person]),
        copies=" []",
        letter=_block(f"{mark} the model letter, one paragraph per point; leave a blank line between paragraphs.\n"),
        closing="",
        background=_block(f"{mark} the background of the case, with links to sources.\n"),
        keep=" []",
    )


def followup_action(
    root: Path,
    old: Action,
    slug: str,
    url: str | None = None,
    today: dt.date | None = None,
    lang: str | None = None,
) -> tuple[Path, list[Diagnostic]]:
    """Write a follow-up of `old` as `source/actions/<slug>/action.yaml`; return it and what still needs doing.

    `previous` names `old` when its reference and public address are known (`url`: nothing in the
    source says where an action was published, and an address is never guessed); otherwise it is left
    empty under a TODO mark. Dates start again from `today`, marked TODO; targets, copies, languages,
    `keep` terms and every text are `old`'s, for editing.
    """
    if lang:
        require_language(lang)
    path = _new_path(root, slug)
    if url is not None and not url.startswith(("https:", "http:")):
        raise UsageError(f"--url '{url}' is not a web address: give the https: address where {old.slug} is published")
    text, todo = render_followup(old, slug, url, today or dt.date.today(), lang)
    warnings = [Diagnostic("warning", message, old.path, hint=hint) for message, hint in todo]
    write_atomic(path, text)
    return path, warnings


def render_followup(
    old: Action, slug: str, url: str | None, today: dt.date, lang: str | None = None
) -> tuple[str, list[tuple[str, str]]]:
    """Return the follow-up's action.yaml and the (message, hint) warnings about what could not be filled.

    `lang` is the follow-up's source language when it is not `old`'s: `old`'s language then becomes a
    target and `lang` leaves the targets (issue 19).
    """
    mark, warnings = PLACEHOLDER, []
    source = lang or old.language
    languages = [t for t in (*((old.language,) if source != old.language else ()), *old.languages) if t != source]
    if old.reference and url:
        previous = f" {{reference: {_json(old.reference)}, url: {_json(url)}}}"
    else:
        missing = []
        if not old.reference:
            missing.append("it has no reference yet")
            warnings.append(
                (
                    f"{old.slug} has no 'reference', so 'previous' is left to fill in",
                    f"add the reference to {old.slug} once assigned and write it in the follow-up's 'previous'",
                )
            )
        if not url:
            missing.append("its address was not given")
            warnings.append(
                (
                    f"no public address of {old.slug} was given, so 'previous' is left to fill in",
                    f"pass --url https://… (where {old.slug} is published), or write it in 'previous'",
                )
            )
        known = _json(old.reference) if old.reference else '"…"'
        previous = f'  # {mark} {{reference: {known}, url: "https://…"}} of {old.slug} ({"; ".join(missing)})'
    return TEMPLATE.format(
        header=FOLLOWUP_HEADER.format(old=old.slug, slug=slug, today=today.isoformat()),
        reference="",
        ua_number=_scalar(old.ua_number) if old.ua_number else "",
        issued=f" {today.isoformat()}  # {mark} the date of issue of this follow-up",
        deadline=f" {(today + DEADLINE_AFTER).isoformat()}  # {mark} take action until (six weeks by default)",
        language=f" {source}",
        languages=f" [{', '.join(languages)}]",
        country=f" {old.country}",
        appeal_language=f" {old.appeal_language}",
        subject=_scalar(old.subject),
        pronoun=_scalar(old.pronoun) if old.pronoun else "",
        previous=previous,
        title=_scalar(old.title),
        summary=_block(old.summary),
        targets=_people(_as_dicts(old.targets)),
        copies=_people(_as_dicts(old.copies)) if old.copies else " []",
        letter=_block(old.letter),
        closing=_scalar(old.closing) if old.closing else "",
        background=_block(old.background),
        keep=("".join(f"\n  - {_json(term)}" for term in old.keep) if old.keep else " []"),
    ), warnings


def _new_path(root: Path, slug: str) -> Path:
    if not SLUG.fullmatch(slug):
        raise UsageError(
            f"'{slug}' is not a valid action name: use lowercase letters, digits and hyphens "
            "(e.g. belarus-journalist-detained)"
        )
    path = root / "source" / "actions" / slug / "action.yaml"
    if path.exists():
        raise UsageError(f"{path.relative_to(root)} already exists: edit it, or choose another name")
    return path


def _as_dicts(people: Iterable[Target | Copy]) -> list[dict[str, str | None]]:
    return [{key: getattr(person, key, None) for key in PERSON_COMMENTS if hasattr(person, key)} for person in people]


def _people(people: list[dict[str, str | None]]) -> str:
    """Return a YAML list of targets or copies, each field under its comment in the first entry."""
    lines = []
    for index, person in enumerate(people):
        for number, (key, value) in enumerate(person.items()):
            lead = "  - " if number == 0 else "    "
            if index == 0:
                lines.append(f"{'  ' if number == 0 else '    '}# {PERSON_COMMENTS[key]}")
            if value is None:
                lines.append(f"{lead}{key}:")
            elif "\n" in value.rstrip("\n"):
                lines.append(f"{lead}{key}:" + _block(value, indent=6))
            else:
                lines.append(f"{lead}{key}:" + _scalar(value))
    return "\n" + "\n".join(lines)


def _scalar(text: str) -> str:
    """Return ` "text"`: a double-quoted YAML scalar (JSON's escapes are YAML's)."""
    return " " + _json(text)


def _json(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _block(text: str, indent: int = 2) -> str:
    """Return a literal block (`|`) holding `text` exactly, trailing spaces of hard breaks included."""
    if not text.strip() or text[0] in " \n" or "\t" in text or text.endswith("\n\n"):
        return _scalar(text)  # cases a plain literal block would change: leading blanks or indent, kept blank lines
    chomp = "" if text.endswith("\n") else "-"
    pad = " " * indent
    body = "\n".join(pad + line if line else "" for line in text.rstrip("\n").split("\n"))
    return f" |{chomp}\n{body}"
