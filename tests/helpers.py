"""Test support: the sample action's editions as the writers receive them, and text helpers."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

from uapress.brand import Brand, load_brand
from uapress.localise import localise
from uapress.model.document import build_document
from uapress.model.nodes import Document
from uapress.source import load_action
from uapress.writers import files_for

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "source" / "actions" / "venezuela-hrd-release" / "action.yaml"
LANGS = ("en", "es", "fr", "ar")
BIDI_CONTROLS = dict.fromkeys(map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))


@lru_cache(maxsize=None)
def sample_document(lang: str) -> Document:
    """Return the sample action's edition in `lang`, built as the build step builds it."""
    action, _warnings = load_action(SAMPLE)
    return build_document(localise(action, lang, ROOT), files_for(action.slug, lang))


def sample_brand(page: str | None = None) -> Brand:
    """Return the repository's brand, optionally with another page size (`Letter`)."""
    return load_brand(ROOT).with_page(page)


def sample_source() -> dict:
    """Return the sample action.yaml as plain data, read without uapress."""
    return yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))


def source_paragraphs(field: str) -> list[str]:
    """Return the plain text of every paragraph of a Markdown field of the sample, links reduced to their text."""
    text = sample_source()[field]
    paragraphs = [p for p in re.split(r"\n\s*\n", text) if p.strip()]
    return [normalise(re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", p)) for p in paragraphs]


def source_links(field: str) -> list[tuple[str, str]]:
    """Return (text, address) of every Markdown link in a field of the sample."""
    return re.findall(r"\[([^\]]*)\]\(([^)]*)\)", sample_source()[field])


def normalise(text: str) -> str:
    """Collapse whitespace (no-break spaces included), drop bidi controls and fold quotation marks, for comparing text.

    Editions set quotes and apostrophes typographically ("government’s", “…”), the source has them straight.
    """
    from uapress.model.typography import fold_quotes

    return " ".join(fold_quotes(text.translate(BIDI_CONTROLS)).split())


def text_pieces(markdown: str) -> list[str]:
    """Return the text of every Text node of a Markdown block, in order: one per run the writers make."""
    from uapress.model.nodes import Emphasis, Link, Strong, Text
    from uapress.source.markdown import parse_inlines

    out = []

    def walk(nodes):
        for node in nodes:
            if isinstance(node, Text):
                out.append(node.text)
            elif isinstance(node, (Emphasis, Strong, Link)):
                walk(node.children)

    walk(parse_inlines(markdown)[0])
    return out
