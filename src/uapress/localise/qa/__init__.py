"""Stage 2, localise: automatic quality checks of one translated segment against its source.

One module per family of checks: `markup` (Markdown structure), `addresses` (links and e-mail
addresses), `numbers` (numbers and the locale's way of writing them) and `text` (names kept,
sentences, source-language text, punctuation, white space, length). Each finding is an error
(the language is not ready), a warning (not ready until a person confirms it with a
`# qa-ok: <id>` translator comment in the PO file) or info.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, replace

from uapress.localise.qa import addresses, markup, numbers, text
from uapress.source.markdown import MarkdownIssue, parse_inlines

CONFIRMED = "qa-ok:"
"""Translator comments `# qa-ok: <finding id>` confirm a warning (`uapress translations confirm`)."""
COMMENT = "comment:"
"""Translator comments `# comment: <text> — <author>, <date>, <where>` carry a person's comment on the entry: a
Word comment of a translated DOCX (`uapress import`) or a reviewer's note on a proof (`uapress comments
--to-checklist`). Each is a warning in the checklist until confirmed (issue 22)."""


@dataclass(frozen=True)
class Finding:
    """One QA finding on a segment."""

    check: str
    """The class of the finding (`markdown`, `links`, `emails`, `numbers`, `keep`…)."""
    severity: str
    """`error`, `warning` or `info`."""
    message: str
    fix: str = ""
    """What to do about it, in one sentence."""
    subject: str = ""
    """The offending text (a name, an address, a mark) when one check can find several things in a segment."""
    label: str = ""
    """The key of the message in the labels (`source/labels/<lang>.po`; its fix is `<key>_fix`), if it has one."""
    values: tuple[tuple[str, str], ...] = ()
    """What the label's `{name}` fields stand for."""
    count: int | None = None
    """The number the label's counted noun agrees with: it chooses the label's plural form (issue 21)."""
    id: str = ""
    """Stable while the source and the translation stay the same, whatever the message says: what `# qa-ok:`
    names."""
    confirmed: bool = False
    """A warning a person confirmed (a `# qa-ok: <id>` comment on the entry)."""

    @property
    def blocking(self) -> bool:
        """Tell whether the finding keeps the language from being ready."""
        return self.severity == "error" or (self.severity == "warning" and not self.confirmed)


def check_segment(
    source: str,
    translation: str,
    keep: tuple[str, ...],
    field: str = "",
    lang: str = "",
    source_lang: str = "en",
    languages: tuple[str, ...] = (),
) -> list[Finding]:
    """Run every check on a translated segment; an empty list means it passed.

    `languages` are the action's target languages: text in one of them (or in the source language, or
    another script) is no translation into `lang`.
    """
    try:
        source_inlines, _ = parse_inlines(source)
        inlines, issues = parse_inlines(translation)
    except MarkdownIssue as issue:
        return _identified(
            source, translation, [Finding("markdown", "error", f"Markdown: {issue.message}", issue.hint)]
        )
    found = [Finding("markdown", "error", f"Markdown: {i.message}", i.hint) for i in issues if i.severity == "error"]
    found += [_finding(f) for f in markup.structure(source_inlines, inlines)]
    found += [_finding(f) for f in addresses.check(source, translation, source_inlines, inlines, lang, source_lang)]
    found += [_finding(f) for f in numbers.check(source_inlines, inlines, lang, source_lang)]
    found += [
        _finding(f)
        for f in text.check(source, translation, source_inlines, inlines, keep, field, lang, source_lang, languages)
    ]
    return _identified(source, translation, found)


def _finding(raw: tuple[str, ...]) -> Finding:
    """Return the finding a check gives as (check, severity, message, fix[, subject[, label, name=value…]]);
    `plural=<name>` names the value whose number chooses the label's plural form (issue 21)."""
    check, severity, message, fix, *rest = raw
    subject, label, *values = [*rest, "", ""][:2] + rest[2:]
    pairs = tuple((name, value) for name, _, value in (v.partition("=") for v in values))
    counted_by = dict(pairs).get("plural")
    count = int(dict(pairs)[counted_by]) if counted_by in dict(pairs) else None
    pairs = tuple(pair for pair in pairs if pair[0] != "plural")
    return Finding(check, severity, message, fix, subject, label, pairs, count)


def _identified(source: str, translation: str, findings: list[Finding]) -> list[Finding]:
    """Give each finding its id: the class and a hash of the texts, the class and the offending text."""
    out = []
    seen: dict[tuple[str, str], int] = {}
    for finding in findings:
        # Not the message: rewording it must not re-open every confirmed warning (issue 19). A check that
        # names no offending text finds one thing per segment; a second one is told apart by its rank.
        rank = seen[finding.check, finding.subject] = seen.get((finding.check, finding.subject), 0) + 1
        key = (source, translation, finding.check, finding.subject) + ((str(rank),) if rank > 1 else ())
        digest = hashlib.sha1("\x1f".join(key).encode("utf-8"))
        out.append(replace(finding, id=f"{finding.check}-{digest.hexdigest()[:8]}"))
    return out


def comment_line(text: str, author: str = "", date: str = "", where: str = "") -> str:
    """Return the translator comment that keeps a person's comment in a PO entry, on one line."""
    by = ", ".join(part for part in (author, date, where) if part)
    return f"{COMMENT} {' '.join(text.split())}" + (f" — {by}" if by else "")


def comment_findings(comments: Iterable[str]) -> list[Finding]:
    """Return a warning for each `# comment:` of a PO entry; its id stays while the comment does (issue 22)."""
    out = []
    for comment in comments:
        if comment.lower().startswith(COMMENT):
            said = comment[len(COMMENT) :].strip()
            digest = hashlib.sha1(said.encode("utf-8")).hexdigest()[:8]
            out.append(
                Finding(
                    "comment",
                    "warning",
                    f"comment: {said}",
                    "answer it in the translation or the source, then confirm it",
                    id=f"comment-{digest}",
                )
            )
    return out


def confirmed_ids(comments: Iterable[str]) -> set[str]:
    """Return the finding ids a PO entry's translator comments confirm."""
    return {c[len(CONFIRMED) :].strip() for c in comments if c.lower().startswith(CONFIRMED)}


def structure_error(source: str, translation: str) -> str | None:
    """Return why a translation's Markdown does not have its source's structure, if it does not."""
    try:
        source_inlines, _ = parse_inlines(source)
        inlines, _ = parse_inlines(translation)
    except MarkdownIssue:
        return None  # reported by the Markdown parser itself
    problems = markup.structure(source_inlines, inlines)
    return problems[0][2] if problems else None


numbers_in = numbers.numbers_in

__all__ = [
    "COMMENT",
    "CONFIRMED",
    "Finding",
    "check_segment",
    "comment_findings",
    "comment_line",
    "confirmed_ids",
    "numbers_in",
    "structure_error",
]
