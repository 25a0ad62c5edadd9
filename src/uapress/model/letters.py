"""Stage 3, document model: the letter pack, the model letter ready to send to each target in one language."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TypeVar

from uapress.core.nodes import (
    Block,
    Document,
    Group,
    Heading,
    Inline,
    ListBlock,
    ListItem,
    Paragraph,
    Quote,
    Section,
    Text,
    plain_text,
)
from uapress.localise import Localisation, locale
from uapress.model.document import Builder

LETTER_FIELDS = ("letter", "closing")
"""Fields a letter is made of, besides each target's and copy's title and salutation."""

_Detached = TypeVar("_Detached", Block, ListItem)


@dataclass(frozen=True)
class Addressee:
    """Someone a letter goes to: a target (with a salutation) or a copy."""

    name: str
    title: tuple[Inline, ...]
    """Inlines, in the letter's language."""
    address: tuple[str, ...]
    """Postal address lines, never translated."""
    salutation: tuple[Inline, ...] = ()
    """Inlines opening the letter to this target; empty for copies."""
    email: str | None = None


@dataclass(frozen=True)
class Letter:
    """The model letter of an action in one language, with everyone it goes to."""

    lang: str
    direction: str
    """`ltr` or `rtl`, from the letter's locale."""
    subject: str
    """The action's title as plain text: the e-mail's subject line."""
    targets: tuple[Addressee, ...]
    copies: tuple[Addressee, ...]
    body: tuple[Block, ...]
    """Blocks of the letter between salutation and closing, in the `Letter` style."""
    closing: tuple[Inline, ...]
    labels: dict[str, str]
    """Fixed wording in the letter's language (`letter_date`, `letter_sender`, `copies_to`…)."""
    language_name: str = ""
    """The letter's language named in itself (`español`)."""


def build_letter(loc: Localisation) -> Letter | None:
    """Return the letter of `loc`, or None when any part of it (salutations, letter, closing, titles) is untranslated."""
    action = loc.action
    person_fields = [f"targets.{i}.{part}" for i in range(len(action.targets)) for part in ("title", "salutation")]
    person_fields += [f"copies.{i}.title" for i in range(len(action.copies))]
    if any(segment.fallback for segment in loc.segments if segment.field in (*LETTER_FIELDS, *person_fields)):
        return None
    builder = Builder(loc)
    closing = loc.one("closing")

    def inlines(field: str) -> tuple[Inline, ...]:
        return builder.inlines(loc.required(field))

    targets = tuple(
        Addressee(t.name, inlines(f"targets.{i}.title"), _lines(t.address), inlines(f"targets.{i}.salutation"), t.email)
        for i, t in enumerate(action.targets)
    )
    copies = tuple(
        Addressee(c.name, inlines(f"copies.{i}.title"), _lines(c.address)) for i, c in enumerate(action.copies)
    )
    return Letter(
        lang=loc.lang,
        direction=loc.direction,
        subject=plain_text(inlines("title")),
        targets=targets,
        copies=copies,
        body=detach(builder.markdown("letter", "Letter"), loc.lang),
        closing=builder.inlines(closing) if closing else (Text(loc.labels["closing"]),),
        labels=dict(loc.labels.texts),
        language_name=locale.own_language_name(loc.lang),
    )


def with_letters(document: Document, loc: Localisation, appeal: Localisation | None = None) -> Document:
    """Return the edition with its letter pack: its own letter, and the letter in the appeal language.

    `appeal` is the localisation in the action's appeal language when that is another published
    language; its letter, when wholly translated, closes the edition as an annex.
    """
    letter = build_letter(loc)
    appeal_letter = letter if loc.lang == loc.action.appeal_language else (build_letter(appeal) if appeal else None)
    sections = document.sections
    if appeal_letter is not None and appeal_letter.lang != loc.lang:
        sections += (_annex(appeal_letter, loc),)
    return replace(document, sections=sections, letter=letter, appeal_letter=appeal_letter)


def _annex(letter: Letter, loc: Localisation) -> Section:
    """Return the annex of an edition: the model letter in the appeal language, labelled in the edition's."""
    language = locale.language_name(letter.lang, loc.lang)
    label = loc.labels["appeal_letter"].replace("{language}", language)
    return Section(
        "appeal-letter",
        (
            Heading(2, (Text(label),), "Heading 2", anchor="appeal-letter"),
            Group(
                "letter",
                (
                    # Every target's salutation, as in the edition's own letter (issue 11).
                    *(Paragraph(target.salutation, "Salutation", lang=letter.lang) for target in letter.targets),
                    *letter.body,
                    Paragraph(letter.closing, "Closing", lang=letter.lang),
                ),
                # The letter's own language sets its direction, rule side and type (issue 20).
                lang=letter.lang,
            ),
        ),
    )


def detach(blocks: Iterable[_Detached], lang: str) -> tuple[_Detached, ...]:
    """Return blocks as plain text in `lang`, no longer tied to their segments.

    A second copy of a segment (the annex, a letter sheet) must not carry its id: the DOCX
    bookmark and the import read each segment once, from the edition's own letter.
    """
    out: list[_Detached] = []
    for block in blocks:
        if isinstance(block, (Paragraph, ListItem)):
            out.append(replace(block, segment=None, lang=lang))
        elif isinstance(block, ListBlock):
            out.append(replace(block, items=detach(block.items, lang)))
        elif isinstance(block, Quote):
            out.append(replace(block, blocks=detach(block.blocks, lang)))
        else:
            out.append(block)
    return tuple(out)


def _lines(address: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in address.splitlines() if line.strip())
