"""Stage 2, localise: QA of a translation's Markdown structure (emphasis, strong) against its source."""

from __future__ import annotations

import re
from collections.abc import Iterable

from uapress.core.counts import plural
from uapress.core.nodes import Emphasis, Inline, Link, SegmentSpan, Strong, Text

_STRAY = re.compile(r"\*+|(?<![\w])_+|_+(?![\w])")
"""Emphasis marks Markdown did not pair: they would be printed as they are."""

FIX = "balance the ** and * marks so that the translation has the source's strong and emphasised spans"


def structure(source_inlines: Iterable[Inline], inlines: Iterable[Inline]) -> list[tuple[str, ...]]:
    """Return (check, severity, message, fix[, subject]) when the translation's spans differ from the source's."""
    want, got = _count(source_inlines), _count(inlines)
    stray = _stray(inlines) - _stray(source_inlines)
    problems = []
    if stray > 0:
        problems.append(f"{plural(stray, 'unpaired emphasis mark')} (* or _) would be printed as they are")
    for kind, name in ((Strong, "strong (**…**)"), (Emphasis, "emphasised (*…*)")):
        if want[kind] != got[kind]:
            problems.append(f"the source has {plural(want[kind], f'{name} span')}, the translation {got[kind]}")
    if not problems:
        return []
    # The edition shows the source text instead (like any entry that breaks Markdown), so this is an error.
    return [("markdown", "error", "Markdown: " + "; ".join(problems), FIX)]


def _count(
    inlines: Iterable[Inline], counts: dict[type[Strong | Emphasis], int] | None = None
) -> dict[type[Strong | Emphasis], int]:
    counts = counts if counts is not None else {Strong: 0, Emphasis: 0}
    for node in inlines:
        if isinstance(node, (Strong, Emphasis)):
            counts[type(node)] += 1
        if isinstance(node, (Link, Emphasis, Strong, SegmentSpan)):
            _count(node.children, counts)
    return counts


def _stray(inlines: Iterable[Inline]) -> int:
    total = 0
    for node in inlines:
        if isinstance(node, Text):
            total += len(_STRAY.findall(node.text))
        elif isinstance(node, (Link, Emphasis, Strong, SegmentSpan)):
            total += _stray(node.children)
    return total
