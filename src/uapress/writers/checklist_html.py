"""Stage 4, writers: the checklist as a self-contained HTML page, for people, wholly in its language.

A translation checklist for every target language; an editorial checklist for the source language. Text is
shown rendered (emphasis, links as their words and address), never as raw Markdown.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape
from typing import TYPE_CHECKING

from babel.numbers import format_percent
from markupsafe import Markup

from uapress.core.nodes import (
    Document,
    Emphasis,
    Inline,
    LineBreak,
    Link,
    SegmentSpan,
    Strong,
    Text,
)
from uapress.localise import locale
from uapress.source.markdown import MarkdownIssue, parse_inlines
from uapress.writers.brand import Brand
from uapress.writers.templating import Spec, template

if TYPE_CHECKING:
    from uapress.localise.labels import Labels
    from uapress.localise.qa import Finding


CHECKLIST_PAGE = Spec("checklist.html", strict=True)
TEMPLATES = (CHECKLIST_PAGE,)
"""The templates this writer renders: compiled before the build forks its workers (issue 24)."""


def write(document: Document, brand: Brand) -> bytes:
    """Return the checklist page of an edition, styled from the brand."""
    page = template(brand, CHECKLIST_PAGE)
    checklist = document.checklist
    assert checklist is not None, "an edition's document carries its checklist (model.document)"
    labels = checklist.labels
    html = page.render(
        checklist=checklist,
        meta=document.meta,
        brand=brand,
        labels=labels,
        label=lambda key: _label(labels, key),
        finding_text=lambda finding, part: _finding_text(labels, finding, part),
        colon=locale.colon(checklist.lang),
        reasons=checklist.reason_texts(),
        translated=format_percent(checklist.translated, locale=locale.babel_locale(checklist.lang)),
        rendered=rendered,
        direction=locale.direction(checklist.lang),
        source_direction=locale.direction(checklist.source_lang),
        edition=document.meta.files.get("html", ""),
    )
    return html.encode("utf-8")


def _label(labels: Labels, key: str) -> Markup:
    """Return a label's text; one that fell back to English says so with its `lang`."""
    text = escape(labels[key])
    return Markup(f'<span lang="en">{text}</span>' if key in labels.missing else text)


def _finding_text(labels: Labels, finding: Finding, part: str) -> Markup:
    """Return a QA finding's message (or its fix, `part` "fix") in the checklist's language; in English, marked
    so, when the labels have no wording for it (issue 19)."""
    key = finding.label + ("_fix" if part == "fix" else "")
    english = finding.fix if part == "fix" else finding.message
    if not finding.label or key not in labels.texts or key in labels.missing:
        return Markup(f'<span lang="en" dir="ltr">{escape(english)}</span>')
    # A counted message takes the language's plural form for its number (issue 21); its fix does not count.
    text = labels.counted(key, finding.count) if finding.count is not None and part != "fix" else labels[key]
    for name, value in finding.values:
        text = text.replace("{" + name + "}", value)
    return Markup(escape(text))


def rendered(markdown: str) -> Markup:
    """Return a block's inline Markdown as HTML text: emphasis kept, each link as its words and its address."""
    try:
        inlines, _ = parse_inlines(markdown)
    except MarkdownIssue:
        return Markup(escape(markdown))
    return Markup(_inlines(inlines))


def _inlines(nodes: Iterable[Inline]) -> str:
    return "".join(_inline(node) for node in nodes)


def _inline(node: Inline) -> str:
    if isinstance(node, Text):
        return escape(node.text)
    if isinstance(node, Emphasis):
        return f"<em>{_inlines(node.children)}</em>"
    if isinstance(node, Strong):
        return f"<strong>{_inlines(node.children)}</strong>"
    if isinstance(node, LineBreak):
        return "<br>"
    if isinstance(node, SegmentSpan):
        return _inlines(node.children)
    if isinstance(node, Link):
        words = _inlines(node.children)
        if not node.resolved:
            # Still `#`: marked, never a link, so the editor sees what to resolve.
            return f'<mark class="unresolved">{words}</mark> <span class="address" dir="ltr">(#)</span>'
        if not node.safe:
            # Issue 25: a translation's javascript: or data: link is shown as text for the reviewer, never live.
            return f'<mark class="unresolved">{words}</mark> <span class="address" dir="ltr">&lt;{escape(node.url)}&gt;</span>'
        url = escape(node.url, quote=True)
        return f'<a href="{url}">{words}</a> <span class="address" dir="ltr">&lt;{escape(node.url)}&gt;</span>'
