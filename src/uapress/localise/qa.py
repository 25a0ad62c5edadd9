"""Stage 2, localise: automatic quality checks of one translated segment against its source."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ..model.nodes import Emphasis, Link, SegmentSpan, Strong
from ..source.markdown import MarkdownIssue, parse_inlines

_NUMBER = re.compile(r"\d+(?:[.,\u00a0\u202f\u066b\u066c ]\d+)*")
_END = {".": ".", "。": ".", "!": "!", "?": "?", "؟": "?", ":": ":", ",": ",", "،": ",", ";": ";", "؛": ";"}
_CLOSERS = "\"'»”’)]›\u00a0\u202f "


@dataclass(frozen=True)
class Finding:
    """One QA finding on a segment."""

    check: str
    """Short name of the check (`numbers`, `links`, `keep`…)."""
    severity: str
    """`error`, `warning` or `info`."""
    message: str


def check_segment(source: str, translation: str, keep: tuple, field: str = "") -> list[Finding]:
    """Run every check on a translated segment; an empty list means it passed."""
    findings = []
    try:
        source_inlines, _ = parse_inlines(source)
        inlines, issues = parse_inlines(translation)
        findings += [Finding("markdown", "error", f"Markdown: {i.message}") for i in issues if i.severity == "error"]
    except MarkdownIssue as issue:
        return [Finding("markdown", "error", f"Markdown: {issue.message}")]
    findings += _numbers(source, translation)
    findings += _links(_links_of(source_inlines), _links_of(inlines))
    findings += [Finding("keep", "error", f"'{term}' must stay unchanged but is missing")
                 for term in keep if term in source and term not in translation]
    if translation.strip() == source.strip() and re.search(r"[^\W\d_]{3,}", source):
        findings.append(Finding("identical", "warning", "the translation is identical to the source"))
    # A salutation's punctuation is a letter convention of the language ("Sra. …:" in Spanish);
    # the checklist's manual items ask a person to check it instead.
    if not field.endswith(".salutation"):
        findings += _punctuation(source, translation)
    if translation != translation.strip():
        findings.append(Finding("whitespace", "warning", "the translation starts or ends with white space"))
    if len(source) >= 40:
        ratio = len(translation.strip()) / len(source.strip())
        if not 0.5 <= ratio <= 2.0:
            findings.append(Finding("length", "warning",
                                    f"the translation is {ratio:.1f} times as long as the source (usual: 0.5 to 2)"))
    return findings


def numbers_in(text: str) -> list[str]:
    """Return the numbers of a text as bare digit strings, so 2,000 = 2.000 = 2 000 = ٢٠٠٠."""
    ascii_text = "".join(str(unicodedata.digit(c)) if c.isdigit() else c for c in text)
    return [re.sub(r"\D", "", m.group(0)) for m in _NUMBER.finditer(ascii_text)]


def _numbers(source: str, translation: str) -> list[Finding]:
    found = numbers_in(translation)
    missing = []
    for number in numbers_in(source):
        if number in found:
            found.remove(number)
        else:
            missing.append(number)
    if not missing:
        return []
    return [Finding("numbers", "error", f"number(s) of the source missing in the translation: {', '.join(missing)}")]


def _links_of(inlines) -> list[str]:
    out = []
    for node in inlines:
        if isinstance(node, Link):
            out.append(node.url)
        if isinstance(node, (Link, Emphasis, Strong, SegmentSpan)):
            out += _links_of(node.children)
    return out


def _links(source: list[str], translation: list[str]) -> list[Finding]:
    if len(source) != len(translation):
        return [Finding("links", "error", f"the source has {len(source)} link(s), the translation {len(translation)}")]
    return [Finding("links", "info", f"localised link: {a} -> {b}") for a, b in zip(source, translation) if a != b]


def _end_mark(text: str) -> str:
    stripped = text.rstrip(_CLOSERS)
    return _END.get(stripped[-1:], "") if stripped else ""


def _punctuation(source: str, translation: str) -> list[Finding]:
    want, got = _end_mark(source), _end_mark(translation)
    if want == got:
        return []
    return [Finding("punctuation", "warning",
                    f"the source ends with '{want or 'no mark'}', the translation with '{got or 'no mark'}'")]
