"""Stage 4, writers: the "Write by e-mail" part of the HTML edition, a `mailto:` link per target (RFC 6068)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING
from urllib.parse import quote

from uapress.core.nodes import (
    Block,
    Document,
    Emphasis,
    Group,
    Inline,
    LineBreak,
    Link,
    ListBlock,
    Paragraph,
    Quote,
    SegmentSpan,
    Strong,
    Text,
)
from uapress.localise.locale import language_name
from uapress.writers.brand import Brand
from uapress.writers.templating import Spec, template

if TYPE_CHECKING:
    from uapress.model.letters import Addressee, Letter

MAX_HREF = 1800
"""Longest `mailto:` link offered: some mail clients and browsers cut or refuse longer ones (about 2,000
characters, the figure commonly given for Outlook and Internet Explorer); past it the letter is offered to copy."""


EMAIL_PART = Spec("email.html")
"""The e-mail buttons under the model letter (issue 14)."""


def email_part(document: Document, brand: Brand) -> str:
    """Return the HTML of the e-mail buttons (styles/email.html), or nothing when no target has an address.

    The letter is the one in the appeal language when it is translated, else the edition's own (the
    facts say readers may also write in their own language).
    """
    letter = document.appeal_letter or document.letter
    if letter is None or not any(target.email for target in letter.targets):
        return ""
    labels = document.meta.labels
    targets = []
    for target in letter.targets:
        if not target.email:
            continue
        text = letter_text(letter, target)
        href = mailto(target.email, letter.subject, text)
        targets.append(
            {
                "name": target.name,
                "email": target.email,
                "text": text,
                "href": href if len(href) <= MAX_HREF else None,
                # Too long to carry the letter: the link still opens a message to the right address with the subject.
                "short_href": mailto(target.email, letter.subject),
                "too_long": labels.get("email_too_long", "").replace("{email}", target.email),
            }
        )
    # Say in which language the e-mail is when it is not the edition's (the annex's own label).
    language = (
        ""
        if letter.lang == document.meta.lang
        else labels.get("appeal_letter", "").replace("{language}", language_name(letter.lang, document.meta.lang))
    )
    return template(brand, EMAIL_PART).render(targets=targets, labels=labels, letter=letter, language=language)


def mailto(address: str, subject: str, body: str | None = None) -> str:
    """Return a `mailto:` URL: every reserved character percent-encoded, line breaks as %0D%0A (RFC 6068)."""
    href = f"mailto:{quote(address, safe='@')}?subject={quote(subject, safe='')}"
    if body is not None:
        href += "&body=" + quote(body.replace("\r\n", "\n").replace("\n", "\r\n"), safe="")
    return href


def letter_text(letter: Letter, target: Addressee) -> str:
    """Return the letter to one target as plain text: salutation, body, closing; links as "text (URL)"."""
    parts = [inline_text(target.salutation), block_text(letter.body), inline_text(letter.closing)]
    return "\n\n".join(part for part in parts if part)


def block_text(blocks: Iterable[Block]) -> str:
    """Return blocks as plain text, paragraphs apart, list items on their own lines."""
    out = []
    for block in blocks:
        if isinstance(block, Paragraph):
            out.append(inline_text(block.inlines))
        elif isinstance(block, ListBlock):
            out.append(
                "\n".join(
                    f"{f'{n}.' if block.ordered else '-'} {inline_text(item.inlines)}"
                    for n, item in enumerate(block.items, 1)
                )
            )
        elif isinstance(block, Quote):
            out.append("\n".join(f"> {line}" for line in block_text(block.blocks).splitlines()))
        elif isinstance(block, Group):
            out.append(block_text(block.blocks))
    return "\n\n".join(out)


def inline_text(inlines: Iterable[Inline]) -> str:
    """Return inlines as plain text, Markdown dropped and each link's address after its text."""
    out = []
    for node in inlines:
        if isinstance(node, Text):
            out.append(node.text)
        elif isinstance(node, LineBreak):
            out.append("\n")
        elif isinstance(node, Link):
            text = inline_text(node.children)
            out.append(f"{text} ({node.url})" if node.resolved and node.url not in (text, f"mailto:{text}") else text)
        elif isinstance(node, (Emphasis, Strong, SegmentSpan)):
            out.append(inline_text(node.children))
    return "".join(out)
