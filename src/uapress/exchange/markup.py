"""Translation exchange: formatted text (chunks) to the Markdown subset and back, checked by a round trip.

A DOCX run or an XLIFF inline code says "this text is bold, in a link to U"; the PO store holds
Markdown. Text read from a file becomes a list of `Chunk`s, which `to_markdown` writes as the
Markdown subset (emphasis, strong, links, hard line breaks), escaping what Markdown would read
as markup. Two texts are the same translation when they read the same (`signature`): nesting
(`***a***`), escapes and the formatting of white space do not count.
"""

from __future__ import annotations

import dataclasses
import itertools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TypeVar

from uapress.core.nodes import Emphasis, Inline, LineBreak, Link, SegmentSpan, Strong, Text
from uapress.localise.qa.addresses import normalise_url
from uapress.model.typography import fold_quotes
from uapress.source.markdown import MarkdownIssue, parse_inlines

BIDI_MARKS = dict.fromkeys(map(ord, "\u200e\u200f\u061c"))
"""Direction marks: the DOCX writer adds LRM after left-to-right text in right-to-left editions."""
_SPACES = re.compile(r"[ \t]+")
_ENTITY_LIKE = re.compile(r"&(#\d+|#x[0-9a-fA-F]+|\w+);")
_LINE_START = re.compile(r"^(?:([#>]|[-+](?=\s))|(\d+)([.)])(?=\s|$))")
_Item = TypeVar("_Item")
_Key = TypeVar("_Key")

Char = tuple[str, bool, bool, str | None]
"""One character as a reader sees it: the character, bold, italic, and its link address (None outside links)."""


@dataclass(frozen=True)
class Chunk:
    """A stretch of text in one format; a hard line break is the text "\\n"."""

    text: str
    bold: bool = False
    italic: bool = False
    link: str | None = None
    """The link address (`#` when it is not known yet), or None outside links."""


def chunks_of(
    inlines: Iterable[Inline], bold: bool = False, italic: bool = False, link: str | None = None
) -> list[Chunk]:
    """Return the chunks of model inlines."""
    out: list[Chunk] = []
    for node in inlines:
        if isinstance(node, Text):
            out.append(Chunk(node.text, bold, italic, link))
        elif isinstance(node, LineBreak):
            out.append(Chunk("\n", bold, italic, link))
        elif isinstance(node, Strong):
            out += chunks_of(node.children, True, italic, link)
        elif isinstance(node, Emphasis):
            out += chunks_of(node.children, bold, True, link)
        elif isinstance(node, Link):
            out += chunks_of(node.children, bold, italic, node.url or "#")
        elif isinstance(node, SegmentSpan):
            out += chunks_of(node.children, bold, italic, link)
    return out


def markdown_chunks(text: str) -> list[Chunk] | None:
    """Return the chunks of a Markdown block, or None when it is outside the subset."""
    try:
        inlines, _ = parse_inlines(text)
    except MarkdownIssue:
        return None
    return chunks_of(inlines)


def signature(chunks: list[Chunk]) -> tuple[Char, ...]:
    """Return what a reader sees: characters with their format; white space has none, runs of it count once."""
    chars: list[Char] = []
    for chunk in chunks:
        for char in chunk.text.translate(BIDI_MARKS):
            if char in " \t":
                if chars and chars[-1][0] in (" ", "\n"):
                    continue
                chars.append((" ", False, False, _url(chunk.link)))
            elif char == "\n":
                while chars and chars[-1][0] == " ":
                    chars.pop()
                chars.append(("\n", False, False, None))
            else:
                if chars and chars[-1][0] == " " and len(chars) >= 2 and chars[-2][0] == "\n":
                    chars.pop()
                chars.append((char, chunk.bold, chunk.italic, _url(chunk.link)))
    while chars and chars[0][0] in (" ", "\n"):
        chars.pop(0)
    while chars and chars[-1][0] in (" ", "\n"):
        chars.pop()
    return tuple(chars)


def same_text(a: str, b: str) -> bool:
    """Tell whether two Markdown blocks read the same (equal strings when either is outside the subset).

    Quotation marks and apostrophes are compared folded: the editions set them typographically
    (model.typography), the PO keeps what was typed, and a file exported and brought back unchanged
    is the same text.
    """
    if a == b:
        return True
    first, second = markdown_chunks(a), markdown_chunks(b)
    if first is None or second is None:
        return fold_quotes(a.strip()) == fold_quotes(b.strip())
    return _comparable(signature(_folded(first))) == _comparable(signature(_folded(second)))


def _folded(chunks: list[Chunk]) -> list[Chunk]:
    """Fold typographic quotes: the editions print “ ” where the translator typed " (issue 11)."""
    return [dataclasses.replace(chunk, text=fold_quotes(chunk.text)) for chunk in chunks]


def _comparable(chars: tuple[Char, ...]) -> tuple[Char, ...]:
    """Compare link addresses normalised: LibreOffice decodes `%C3%B3` in a mailto target (issue 12)."""
    return tuple((c, bold, italic, normalise_url(url) if url is not None else None) for c, bold, italic, url in chars)


def to_markdown(chunks: list[Chunk]) -> tuple[str, bool]:
    """Return Markdown that reads as `chunks`, and whether it does exactly (else the closest attempt)."""
    want = signature(chunks)
    if not want:
        return "", True
    attempts = []
    for minimal in (True, False):
        for italic in ("*", "_"):
            text = _render(want, minimal, italic)
            got = markdown_chunks(text)
            if got is not None and signature(got) == want:
                return text, True
            attempts.append(text)
    return attempts[1], False


def _render(chars: tuple[Char, ...], minimal: bool, italic_mark: str) -> str:
    """Write signature characters as Markdown: links outermost, then strong, then emphasis."""
    out: list[str] = []
    at_line_start = True
    for link, group in _groups(chars, lambda c: c[3]):
        inner = _styled(group, minimal, italic_mark, at_line_start and link is None)
        if link is None:
            out.append(inner)
        else:
            out.append(f"[{inner}]({link})")
        at_line_start = bool(group) and group[-1][0] == "\n"
    return "".join(out).strip(" ")


def _styled(chars: list[Char], minimal: bool, italic_mark: str, at_line_start: bool) -> str:
    resolved = _inherit(chars)
    out: list[str] = []
    line_start = at_line_start
    for bold, bold_group in _groups(resolved, lambda c: c[1]):
        pieces = []
        for italic, group in _groups(bold_group, lambda c: c[2]):
            text = _escape("".join(c[0] for c in group), minimal, line_start and not bold and not italic)
            pieces.append(f"{italic_mark}{text}{italic_mark}" if italic else text)
            line_start = group[-1][0] == "\n"
        joined = "".join(pieces)
        out.append(f"**{joined}**" if bold else joined)
    return "".join(out)


def _inherit(chars: list[Char]) -> list[Char]:
    """Give each space the format of both its neighbours when they agree, so `**a b**` stays one strong."""
    out = []
    for index, char in enumerate(chars):
        if char[0] == " ":
            before = next((c for c in reversed(chars[:index]) if c[0] != " "), None)
            after = next((c for c in chars[index + 1 :] if c[0] != " "), None)
            bold = italic = False
            if before is not None and after is not None and "\n" not in (before[0], after[0]):
                bold, italic = before[1] and after[1], before[2] and after[2]
            char = (" ", bold, italic, char[3])
        out.append(char)
    return out


def _groups(items: Iterable[_Item], key: Callable[[_Item], _Key]) -> Iterator[tuple[_Key, list[_Item]]]:
    for value, group in itertools.groupby(items, key):
        yield value, list(group)


def _escape(text: str, minimal: bool, at_line_start: bool) -> str:
    """Escape what Markdown would read as markup; `minimal` leaves `[`, `]`, `_` and lone `*` alone."""
    lines = text.split("\n")
    out = []
    for number, line in enumerate(lines):
        line = line.replace("\\", "\\\\").replace("`", "\\`")
        line = _ENTITY_LIKE.sub(lambda m: "&amp;" + m.group(0)[1:], line)
        line = re.sub(r"<(?=\S)", "&lt;", line)
        if not minimal:
            line = line.replace("*", "\\*").replace("_", "\\_").replace("[", "\\[").replace("]", "\\]")
        elif "*" in line:
            line = line.replace("*", "\\*")
        if number > 0 or at_line_start:
            stripped = line.lstrip(" ")
            line = _LINE_START.sub(_escape_marker, stripped, count=1)
        out.append(line)
    return "  \n".join(part.rstrip(" ") if i < len(out) - 1 else part for i, part in enumerate(out))


def _escape_marker(match: re.Match[str]) -> str:
    """Escape what would open a heading, a quote or a list at the start of a line."""
    if match.group(1):
        return f"\\{match.group(1)}"
    return f"{match.group(2)}\\{match.group(3)}"


def _url(url: str | None) -> str | None:
    """Write a link address so that Markdown keeps it whole (balanced parentheses it reads as they are)."""
    if url is None:
        return None
    url = (url or "#").strip().replace(" ", "%20").replace("<", "%3C").replace(">", "%3E")
    depth = 0
    for char in url:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            break
    if depth != 0:
        url = url.replace("(", "%28").replace(")", "%29")
    return url
