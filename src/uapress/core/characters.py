"""Characters that hide text or reorder how it is shown: Trojan-source text (issue 25).

A translation holding U+202E around "700" shows "007" in every edition while the text itself, and so every
check that reads it, holds 700. Bidi overrides and embeddings are never needed in a translation (the
editions set each language's direction); isolates and the direction marks are needed in right-to-left text
only (an Arabic sentence with a Latin name); zero-width characters are invisible and worth a look; control
characters have no place in text at all (python-docx refuses them).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

OVERRIDES = frozenset("\u202a\u202b\u202c\u202d\u202e")
"""LRE, RLE, PDF, LRO, RLO: reorder the text they enclose."""
ISOLATES_AND_MARKS = frozenset("\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
"""LRI, RLI, FSI, PDI, LRM, RLM, ALM: right-to-left text may need them."""
ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e")
"""Invisible: zero-width space, non-joiner, joiner, word joiner, BOM, soft hyphen, Mongolian vowel separator."""
ALLOWED_CONTROLS = frozenset("\t\n\r")


def named(chars: Iterable[str]) -> str:
    """Return characters as code points with their names: "U+202E RIGHT-TO-LEFT OVERRIDE"."""
    return ", ".join(f"U+{ord(c):04X} {unicodedata.name(c, 'CONTROL CHARACTER')}" for c in sorted(set(chars)))


def controls(text: str) -> list[str]:
    """Return the control characters of `text` (C0 but tab and line breaks, DEL, C1), in order."""
    return [c for c in text if unicodedata.category(c) == "Cc" and c not in ALLOWED_CONTROLS]


def hidden(text: str, right_to_left: bool) -> tuple[list[str], list[str]]:
    """Return the characters of `text` that are an error and those worth a warning, for a text in that direction.

    Errors: controls, bidi overrides and embeddings, and isolates or marks in left-to-right text. Warnings:
    zero-width characters (the joiners are part of right-to-left scripts' spelling, and no finding there).
    """
    errors = [c for c in text if c in OVERRIDES or (c in ISOLATES_AND_MARKS and not right_to_left)]
    errors = controls(text) + errors
    joiners = "\u200c\u200d" if right_to_left else ""
    warnings = [c for c in text if c in ZERO_WIDTH and c not in joiners]
    return errors, warnings
