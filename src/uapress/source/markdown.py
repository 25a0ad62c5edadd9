"""Stage 1, source: the Markdown subset, split into translatable blocks and parsed into inlines."""

from __future__ import annotations

import html
import re
import threading
import xml.etree.ElementTree as etree
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from uapress.core.nodes import LINK_SCHEMES, Emphasis, Inline, LineBreak, Link, Strong, Text, plain_text

ALLOWED_SCHEMES = LINK_SCHEMES
_STASH = re.compile("\x02wzxhzdk:(\\d+)\x03")
_ENTITY = re.compile(r"^&(#\d+|#x[0-9a-fA-F]+|\w+);$")
_BULLET = re.compile(r"^([-*+])\s+")
_NUMBER = re.compile(r"^(\d{1,9})[.)]\s+")
_QUOTE = re.compile(r"^>\s?")
_HEADING = re.compile(r"^#{1,6}\s")
_HARD_BREAK = re.compile(r"\S {2,}$")
# Python-Markdown writes an email autolink (<a@b.org>) as character references behind this marker
# (its `util.AMP_SUBSTITUTE`, spelt out so that loading this module does not import Markdown).
_MASKED_ENTITY = re.compile(re.escape("\x02amp\x03") + r"(#\d+|#x[0-9a-fA-F]+|\w+);")


@dataclass(frozen=True)
class RawBlock:
    """One translatable block of a Markdown field, with its Markdown source."""

    kind: str
    """`paragraph`, `bullet`, `ordered` (a list item) or `quote` (a paragraph in a quote)."""
    markdown: str
    line: int
    """0-based line of the block inside the field's text."""
    start: int = 1
    """Number of the first item of a numbered list."""
    list_start: bool = False
    """True on the first item of a list."""


class MarkdownIssue(Exception):
    """A Markdown block uses something outside the subset."""

    def __init__(
        self, message: str, hint: str, line: int = 0, severity: str = "error", fragment: str = "", code: str = ""
    ):
        super().__init__(message)
        self.message, self.hint, self.line, self.severity = message, hint, line, severity
        self.fragment = fragment
        """The offending text as written, so that the checker can put a caret under it."""
        self.code = code
        """What kind of issue it is (`unresolved-link`), carried to the Diagnostic."""


MAX_NESTING = 6
"""Deepest nesting of block quotes, of list markers on one line, and longest run of `*` emphasis markers."""
MAX_INDENT = 40
"""Widest indentation of a line of Markdown: nested lists by indentation recurse too."""
MAX_STARS = 400
"""Most `*` in one field: each may open emphasis, and Python-Markdown nests emphasis by recursion."""
_NESTED_QUOTES = re.compile(r"^(?:[ \t]*>)+")
_NESTED_ITEMS = re.compile(r"^(?:[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+)+")
_STAR_RUN = re.compile(r"[*_]*\*[*_]*")


def too_deep(text: str) -> tuple[int, str] | None:
    """Return (0-based line, what) where Markdown nests deeper than uapress reads, or None (issue 25).

    Python-Markdown (and `split_blocks` for quotes) recurse once per level: thousands of nested quotes, lists
    or emphasis were a RecursionError, or half a minute of CPU. The subset needs a level or two.
    """
    for number, line in enumerate(text.splitlines()):
        quotes = _NESTED_QUOTES.match(line)
        if quotes and quotes.group().count(">") > MAX_NESTING:
            return number, f"block quotes are nested more than {MAX_NESTING} deep"
        items = _NESTED_ITEMS.match(line)
        if items and len(items.group().split()) > MAX_NESTING:
            return number, f"lists are nested more than {MAX_NESTING} deep on one line"
        if len(line) - len(line.lstrip(" \t")) > MAX_INDENT:
            return number, f"the line is indented more than {MAX_INDENT} columns (lists nested too deep)"
        if any(len(run) > MAX_NESTING for run in _STAR_RUN.findall(line)):
            return number, f"emphasis markers (* and _) are nested more than {MAX_NESTING} deep"
    if text.count("*") > MAX_STARS:
        cut = [i for i, c in enumerate(text) if c == "*"][MAX_STARS]
        return text[:cut].count("\n"), f"the text has more than {MAX_STARS} emphasis markers (*)"
    return None


def split_blocks(text: str) -> list[RawBlock]:
    """Split a Markdown field into its blocks: paragraphs, list items, quoted paragraphs."""
    blocks: list[RawBlock] = []
    for first, lines in _chunks(text.splitlines()):
        if all(_QUOTE.match(line) for line in lines):
            inner = "\n".join(_QUOTE.sub("", line, count=1) for line in lines)
            for block in split_blocks(inner):
                blocks.append(RawBlock("quote", block.markdown, first + block.line))
        elif _BULLET.match(lines[0]) or _NUMBER.match(lines[0]):
            blocks.extend(
                _list_items(first, lines, continues=bool(blocks) and blocks[-1].kind in ("bullet", "ordered"))
            )
        else:
            blocks.append(RawBlock("paragraph", _join(lines), first))
    return blocks


def _join(lines: list[str]) -> str:
    """Join the lines of one block without their indentation, keeping hard line breaks (two trailing spaces)."""
    last = len(lines) - 1
    return "\n".join(
        line.strip() + ("  " if i < last and _HARD_BREAK.search(line) else "") for i, line in enumerate(lines)
    )


def _chunks(lines: list[str]) -> Iterator[tuple[int, list[str]]]:
    start = 0
    current: list[str] = []
    for number, line in enumerate(lines):
        if line.strip():
            if not current:
                start = number
            current.append(line)
        elif current:
            yield start, current
            current = []
    if current:
        yield start, current


def _list_items(first: int, lines: list[str], continues: bool) -> list[RawBlock]:
    items: list[tuple[str, int, int, list[str]]] = []  # kind, line, first number, the item's lines
    for offset, line in enumerate(lines):
        marker = _BULLET.match(line) or _NUMBER.match(line)
        if marker:
            kind = "bullet" if _BULLET.match(line) else "ordered"
            start = int(marker.group(1)) if kind == "ordered" else 1
            items.append((kind, first + offset, start, [line[marker.end() :]]))
        else:
            items[-1][3].append(line)
    return [
        RawBlock(kind, _join(item_lines), line, start, list_start=index == 0 and not continues)
        for index, (kind, line, start, item_lines) in enumerate(items)
    ]


class InlineParser:
    """Parse one block of the Markdown subset into model inlines."""

    def __init__(self) -> None:
        # Imported here: `check` of an unchanged project and a no-op build never parse Markdown.
        import markdown
        from markdown.treeprocessors import Treeprocessor

        parser = self
        self.captured_root: etree.Element | None = None

        class Capture(Treeprocessor):
            """Keep the final element tree, after inline processing."""

            def run(self, root: etree.Element) -> etree.Element:
                parser.captured_root = root
                return root

        self._md = markdown.Markdown(extensions=[], output_format="html")
        assert markdown.util.AMP_SUBSTITUTE == "\x02amp\x03", "Python-Markdown changed its entity marker"
        # Priority below every built-in tree processor: we see the tree once inlines are parsed.
        self._md.treeprocessors.register(Capture(self._md), "uapress_capture", 0)

    def parse(self, block: str) -> tuple[tuple[Inline, ...], list[MarkdownIssue]]:
        """Return the inlines of `block` and the problems found in it."""
        if _HEADING.match(block):
            raise MarkdownIssue(
                "Markdown headings are not part of the source format",
                "remove the leading '#'; section headings come from the labels",
            )
        self._md.reset()
        self.captured_root = None
        self._md.convert(block)
        root: etree.Element | None = self.captured_root  # set by Capture, unless Markdown had nothing to parse
        children = list(root) if root is not None else []
        if len(children) != 1 or children[0].tag != "p":
            tag = children[0].tag if children else "nothing"
            raise MarkdownIssue(
                f"this block is not a plain paragraph (Markdown made <{tag}> of it)",
                "use paragraphs, emphasis, strong, links, bullet or numbered lists, block quotes and line breaks only",
            )
        issues: list[MarkdownIssue] = []
        inlines = self._inlines(children[0], issues)
        return _merge_text(inlines), _merge_raw_html(issues)

    def _inlines(self, element: etree.Element, issues: list[MarkdownIssue]) -> list[Inline]:
        out: list[Inline] = []
        if element.text:
            out += self._text(element.text, issues)
        for child in element:
            out.append(self._element(child, issues))
            if child.tail:
                out += self._text(child.tail, issues)
        return [node for node in out if node is not None]

    def _element(self, element: etree.Element, issues: list[MarkdownIssue]) -> Inline:
        children = tuple(_merge_text(self._inlines(element, issues)))
        if element.tag == "em":
            return Emphasis(children)
        if element.tag == "strong":
            return Strong(children)
        if element.tag == "br":
            return LineBreak()
        if element.tag == "a":
            url = _unmask(element.get("href") or "").strip()
            return Link(self._check_url(url, children, issues), children)
        if element.tag == "code":
            return Text(element.text or "")
        issues.append(
            MarkdownIssue(
                f"<{element.tag}> is not part of the Markdown subset",
                "use emphasis, strong, links and line breaks only inside a paragraph",
            )
        )
        return Text("".join(element.itertext()))

    def _check_url(self, url: str, children: tuple[Inline, ...], issues: list[MarkdownIssue]) -> str:
        label = plain_text(children)
        if url in ("", "#"):
            issues.append(
                MarkdownIssue(
                    f"link '{label}' has no address yet ({url or 'empty'})",
                    "replace '#' with the page's https: address before publication",
                    severity="warning",
                    fragment=f"]({url})",
                    code="unresolved-link",
                )
            )
        elif not url.lower().startswith(ALLOWED_SCHEMES):
            issues.append(
                MarkdownIssue(
                    f"link '{label}' goes to '{url}', which is not allowed",
                    "links must start with https:, http: or mailto:",
                    fragment=url,
                )
            )
        return url

    def _text(self, text: str, issues: list[MarkdownIssue]) -> list[Text]:
        out: list[Text] = []
        position = 0
        for match in _STASH.finditer(text):
            out.append(Text(text[position : match.start()]))
            stashed = str(self._md.htmlStash.rawHtmlBlocks[int(match.group(1))])
            if _ENTITY.match(stashed):
                out.append(Text(html.unescape(stashed)))
            else:
                issues.append(
                    MarkdownIssue(
                        f"raw HTML {stashed.strip()!r} is not allowed",
                        "write the text in Markdown (*emphasis*, **strong**, [text](https://…)) without HTML tags",
                        fragment=stashed.strip().splitlines()[0] if stashed.strip() else "",
                    )
                )
            position = match.end()
        out.append(Text(text[position:]))
        out = [Text(_unmask(node.text)) for node in out]
        # A soft line break inside a paragraph reads as a space, as in HTML.
        return [Text(node.text.replace("\n", " ")) for node in out if node.text]


def _unmask(text: str) -> str:
    """Turn Python-Markdown's masked character references back into characters."""
    return _MASKED_ENTITY.sub(lambda m: html.unescape(f"&{m.group(1)};"), text)


def _merge_raw_html(issues: list[MarkdownIssue]) -> list[MarkdownIssue]:
    """Report the raw HTML of one block once ("<b>", "</b>"), not once per tag."""
    raw = [i for i in issues if i.message.startswith("raw HTML ")]
    if len(raw) < 2:
        return issues
    tags = ", ".join(i.message[len("raw HTML ") : -len(" is not allowed")] for i in raw)
    merged = MarkdownIssue(f"raw HTML {tags} is not allowed", raw[0].hint, raw[0].line, fragment=raw[0].fragment)
    return [merged] + [i for i in issues if i not in raw]


def _merge_text(nodes: Iterable[Inline]) -> tuple[Inline, ...]:
    merged: list[Inline] = []
    for node in nodes:
        if isinstance(node, Text) and merged and isinstance(merged[-1], LineBreak):
            node = Text(node.text.lstrip(" "))
            if not node.text:
                continue
        if isinstance(node, Text) and merged and isinstance(merged[-1], Text):
            merged[-1] = Text(merged[-1].text + node.text)
        else:
            merged.append(node)
    return tuple(merged)


_PARSER: InlineParser | None = None
_PARSING = threading.Lock()


def parse_inlines(block: str) -> tuple[tuple[Inline, ...], list[MarkdownIssue]]:
    """Parse one block with a shared parser, once per process and text; each caller gets its own issues."""
    # A build parses the same short texts a dozen times (localising, QA, the document, the checklists, the
    # index): a third of its Markdown time. The inlines are frozen; the issues are copied, callers may change them.
    outcome, inlines, issues = _parsed(block)
    if outcome == "raised":
        raise _copy(issues[0])
    return inlines, [_copy(issue) for issue in issues]


@lru_cache(maxsize=4096)
def _parsed(block: str) -> tuple[str, tuple[Inline, ...], tuple[MarkdownIssue, ...]]:
    """Return ("parsed", inlines, issues) of a block, or ("raised", (), (issue,)) when it is refused whole."""
    global _PARSER
    deep = too_deep(block)
    if deep is not None:  # a translation nested too deep: refused before Python-Markdown recurses (issue 25)
        return (
            "raised",
            (),
            (MarkdownIssue(deep[1], "write plain paragraphs, lists and quotes one level deep", deep[0]),),
        )
    with _PARSING:  # one Markdown instance: a build's index thread and its main thread take turns
        if _PARSER is None:
            _PARSER = InlineParser()
        try:
            inlines, issues = _PARSER.parse(block)
        except MarkdownIssue as issue:
            return "raised", (), (issue,)
    return "parsed", inlines, tuple(issues)


def _copy(issue: MarkdownIssue) -> MarkdownIssue:
    return MarkdownIssue(issue.message, issue.hint, issue.line, issue.severity, issue.fragment, issue.code)


def plain(block: str) -> str:
    """Return a block's text without Markdown markup, on one line (for summaries and titles)."""
    try:
        inlines, _ = parse_inlines(block)
    except MarkdownIssue:
        return block
    return " ".join(plain_text(inlines).split())
