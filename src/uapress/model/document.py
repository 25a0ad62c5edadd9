"""Stage 3, document model: lay out one localised action in the conventional order of a UA."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import replace

from uapress.core.nodes import (
    Block,
    Document,
    EditionLink,
    Group,
    Heading,
    Inline,
    LineBreak,
    Link,
    ListBlock,
    ListItem,
    Meta,
    Paragraph,
    Quote,
    Section,
    Segment,
    SegmentSpan,
    Strong,
    Text,
    plain_text,
)
from uapress.localise import Localisation, locale
from uapress.model.checklist import build_checklist
from uapress.model.typography import bind_name, bind_names, quote_inlines
from uapress.source.markdown import MarkdownIssue, parse_inlines


def build_document(loc: Localisation, files: dict[str, str] | None = None, today: dt.date | None = None) -> Document:
    """Return the edition of `loc` as a document: masthead, title, summary, appeal, letter, background, facts.

    `today` (default: the date now) is the day the checklist's verdict and days left are counted from.
    """
    builder = Builder(loc)
    sections = (
        builder.masthead(),
        Section("title", (builder.title(),)),
        Section("summary", builder.markdown("summary", "Body")),
        builder.appeal(),
        builder.letter(),
        Section(
            "background",
            (builder.heading("additional_information", "background"),) + builder.markdown("background", "Body"),
        ),
        builder.facts(),
    )
    checklist = build_checklist(loc, today)
    # An edition that is not ready says so on every page, in every format, until its verdict turns (issue 21).
    meta = replace(builder.meta(files or {}), draft=not checklist.ready)
    return Document(meta, sections, loc.segments, checklist)


class Builder:
    def __init__(self, loc: Localisation) -> None:
        self.loc = loc
        self.labels = loc.labels
        self.source_lang = loc.action.language
        action = loc.action
        self.names = (*action.keep, *(t.name for t in action.targets), *(c.name for c in action.copies))

    def inlines(self, segment: Segment) -> tuple[Inline, ...]:
        try:
            inlines, _ = parse_inlines(segment.text)
        except MarkdownIssue:
            inlines = (Text(segment.text),)
        # Typographic quotes of the language the block is written in (issue 11); the PO keeps what was typed.
        # Names that are never translated never break across lines (issue 20).
        return bind_names(quote_inlines(inlines, self.lang_of(segment) or self.loc.lang), self.names)

    def lang_of(self, segment: Segment) -> str | None:
        return self.source_lang if segment.fallback else None

    def label(self, key: str) -> str:
        return self.labels[key]

    def heading(self, key: str, anchor: str) -> Heading:
        return Heading(2, (Text(self.label(key)),), "Heading 2", anchor=anchor)

    def masthead(self) -> Section:
        action = self.loc.action
        meta = [f"{self.label('issued')}{locale.colon(self.loc.lang)}{self.loc.issued}"]
        if action.reference:
            meta.append(f"{self.label('reference')}{locale.colon(self.loc.lang)}{action.reference}")
        if action.ua_number:
            meta.append(f"{self.label('ua_number')}{locale.colon(self.loc.lang)}{action.ua_number}")
        return Section(
            "masthead",
            (
                Paragraph((Text(self.label("urgent_action")),), "Masthead"),
                Paragraph(
                    tuple(_join([(Text(m),) for m in meta], " · ")), "Meta", fields=("issued", "reference", "ua_number")
                ),
            ),
        )

    def title(self) -> Heading:
        segment = self.loc.required("title")
        return Heading(1, self.inlines(segment), "Heading 1", segment, self.lang_of(segment), anchor="title")

    def markdown(self, field: str, style: str) -> tuple[Block, ...]:
        blocks: list[Block] = []
        items: list[ListItem] = []
        ordered = False
        for segment, source in self.loc.field(field):
            if source.kind in ("bullet", "ordered"):
                if items and (source.list_start or ordered != (source.kind == "ordered")):
                    blocks.append(ListBlock(ordered, tuple(items), style))
                    items = []
                ordered = source.kind == "ordered"
                items.append(ListItem(self.inlines(segment), segment, self.lang_of(segment)))
                continue
            if items:
                blocks.append(ListBlock(ordered, tuple(items), style))
                items = []
            paragraph = Paragraph(self.inlines(segment), style, segment, self.lang_of(segment))
            if source.kind == "quote":
                if blocks and isinstance(blocks[-1], Quote):
                    blocks[-1] = Quote(blocks[-1].blocks + (paragraph,))
                else:
                    blocks.append(Quote((paragraph,)))
            else:
                blocks.append(paragraph)
        if items:
            blocks.append(ListBlock(ordered, tuple(items), style))
        return tuple(blocks)

    def person(self, name: str, title_field: str, address: str, email: str | None) -> Group:
        title = self.loc.required(title_field)
        person = title_field.rsplit(".", 1)[0]  # `targets.0`
        blocks = [
            Paragraph((Text(bind_name(name)),), "Address Name", fields=(f"{person}.name",)),
            Paragraph(self.inlines(title), "Address", title, self.lang_of(title)),
        ]
        blocks += [
            Paragraph((Text(line.strip()),), "Address", fields=(f"{person}.address",))
            for line in address.splitlines()
            if line.strip()
        ]
        if email:
            blocks.append(
                Paragraph(
                    (
                        Text(f"{self.label('email')}{locale.colon(self.loc.lang)}"),
                        Link(f"mailto:{email}", (Text(email),)),
                    ),
                    "Address",
                    fields=(f"{person}.email",),
                )
            )
        return Group("address", tuple(blocks))

    def appeal(self) -> Section:
        action = self.loc.action
        blocks: list[Block] = [self.heading("take_action", "take-action")]
        for index, target in enumerate(action.targets):
            blocks.append(self.person(target.name, f"targets.{index}.title", target.address, target.email))
        if action.copies:
            blocks.append(Paragraph((Text(self.label("copies_to")),), "Label"))
            for index, copy in enumerate(action.copies):
                blocks.append(self.person(copy.name, f"copies.{index}.title", copy.address, None))
        return Section("appeal", tuple(blocks))

    def letter(self) -> Section:
        blocks: list[Block] = []
        # One model letter serves every target: it opens with each target's salutation, in order (issue 11).
        for index, _ in enumerate(self.loc.action.targets):
            salutation = self.loc.required(f"targets.{index}.salutation")
            blocks.append(Paragraph(self.inlines(salutation), "Salutation", salutation, self.lang_of(salutation)))
        blocks += self.markdown("letter", "Letter")
        closing = self.loc.one("closing")
        if closing:
            blocks.append(Paragraph(self.inlines(closing), "Closing", closing, self.lang_of(closing)))
        else:
            blocks.append(Paragraph((Text(self.label("closing")),), "Closing"))
        return Section("letter", tuple(blocks))

    def fact(self, key: str, value: tuple[Inline, ...], fields: tuple[str, ...] = ()) -> Paragraph:
        label = Strong((Text(f"{self.label(key)}{locale.colon(self.loc.lang).rstrip()}"),))
        return Paragraph((label, Text(" ")) + value, "Fact", fields=fields)

    def span(self, field: str) -> tuple[Inline, ...]:
        segment = self.loc.required(field)
        return (SegmentSpan(segment, self.inlines(segment), self.lang_of(segment)),)

    def facts(self) -> Section:
        action = self.loc.action
        blocks = [
            self.fact("preferred_language", (Text(self.loc.appeal_language),), ("appeal_language",)),
            Paragraph((Text(self.label("own_language")),), "Note"),
            self.fact("deadline", (Text(self.loc.deadline),), ("deadline",)),
            Paragraph((Text(self.label("after_deadline")),), "Note"),
        ]
        subject = self.span("subject")
        if action.pronoun:
            subject += (Text(" ("),) + self.span("pronoun") + (Text(")"),)
        blocks.append(self.fact("name_pronoun", subject))
        if action.previous:
            # The reference names the earlier UA; its address, shown whole, is what a printed page needs (issue 11).
            previous = action.previous
            blocks.append(
                self.fact(
                    "previous_ua",
                    (Text(previous.reference), LineBreak(), Link(previous.url, (Text(previous.url),))),
                    ("previous",),
                )
            )
        return Section("facts", (Group("facts", tuple(blocks)),))

    def meta(self, files: dict[str, str]) -> Meta:
        loc, action = self.loc, self.loc.action
        title = plain_text(self.inlines(loc.required("title")))
        subject_segment = loc.required("subject")
        keywords = [self.label("urgent_action"), loc.country, subject_segment.text]
        keywords += [k for k in (action.reference, action.ua_number) if k]
        return Meta(
            slug=action.slug,
            lang=loc.lang,
            direction=loc.direction,
            source_lang=action.language,
            title=title,
            subject=subject_segment.text,
            keywords=tuple(keywords),
            reference=action.reference,
            ua_number=action.ua_number,
            issued=loc.issued,
            deadline=loc.deadline,
            issued_iso=action.issued.isoformat(),
            deadline_iso=action.deadline.isoformat(),
            labels=dict(loc.labels.texts),
            files=dict(files),
            language_name=locale.own_language_name(loc.lang),
            summary=" ".join(plain_text(self.inlines(segment)) for segment, _ in loc.field("summary")),
            editions=tuple(
                EditionLink(lang, locale.own_language_name(lang), locale.direction(lang)) for lang in action.editions
            ),
        )


def _join(parts: Iterable[tuple[Inline, ...]], separator: str) -> Iterator[Inline]:
    for index, part in enumerate(parts):
        if index:
            yield Text(separator)
        yield from part
