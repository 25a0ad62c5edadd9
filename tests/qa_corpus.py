"""Test support: a generated corpus of translations with one seeded error each, for translation QA (issue 12).

The clean translations are the sample action's (es, fr, ar) and the `qa-links` fixture's, which
has real links, e-mail addresses, emphasis and numbers in every field. Each `Variant` is one
language's PO file with exactly one segment changed the way a hurried translator or a tool
changes it. Generation is deterministic (a fixed seed per action and language), so a run is
reproducible and a change in the figures means a change in the checks.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from pathlib import Path

from uapress.localise import po
from uapress.localise.qa.text import sentences
from uapress.source import load_action

REPO = Path(__file__).resolve().parents[1]
ACTIONS = {
    "venezuela-hrd-release": REPO / "source" / "actions" / "venezuela-hrd-release",
    "chile-journalist-threatened": REPO
    / "tests"
    / "fixtures"
    / "qa-links"
    / "source"
    / "actions"
    / "chile-journalist-threatened",
}
LANGS = ("es", "fr", "ar")
PER_CLASS = 8
"""At most this many variants of one class per action and language, spread over the segments."""
ACCEPTED = {
    "untranslated": {"untranslated", "identical"},
    "sentences": {"sentences"},
    "locale-numbers": {"locale-numbers", "numbers"},
}
"""Finding classes that name a seeded error class correctly, when it is not the class's own name."""


@dataclass(frozen=True)
class Variant:
    """One language of one action with one seeded error."""

    action: str
    lang: str
    segment: str
    """The id of the changed segment."""
    error: str
    """The error class (a key of `MUTATIONS`); `benign` for a legitimate edit that has no error."""
    how: str
    translation: str
    """The changed translation of that segment."""

    def accepted(self) -> set:
        """Return the finding classes that name this error."""
        return ACCEPTED.get(self.error, {self.error})


@dataclass(frozen=True)
class Entry:
    """A clean translated segment."""

    id: str
    field: str
    source: str
    translation: str


def clean_entries(action: str, lang: str) -> list[Entry]:
    """Return the translated, not fuzzy, entries of an action's language."""
    file = po.read(ACTIONS[action] / "translations" / f"{lang}.po")
    return [
        Entry(e.notes[0].split(": ", 1)[1], e.context, e.msgid, e.msgstr)
        for e in file.entries
        if not e.obsolete and not e.fuzzy and e.msgstr.strip()
    ]


def keep_terms(action: str) -> tuple:
    """Return the terms QA checks for an action: `keep` and the targets' names."""
    loaded, _ = load_action(ACTIONS[action] / "action.yaml")
    return loaded.keep + tuple(t.name for t in loaded.targets)


def variants() -> list[Variant]:
    """Return the whole corpus, in a stable order."""
    out = []
    for action in ACTIONS:
        keep = keep_terms(action)
        for lang in LANGS:
            entries = clean_entries(action, lang)
            rng = random.Random(f"{action}/{lang}")
            for error, mutate in MUTATIONS.items():
                found = [
                    Variant(action, lang, e.id, error, how, text)
                    for e in entries
                    for how, text in mutate(e, entries, lang, keep, rng)
                    if text != e.translation
                ]
                rng.shuffle(found)
                out += sorted(found[:PER_CLASS], key=lambda v: (v.segment, v.how))
    return out


# --- mutations: each returns (how, changed translation) pairs -------------------------------------


def _markdown(entry: Entry, entries, lang, keep, rng) -> list[tuple]:
    text, out = entry.translation, []
    strong = re.search(r"\*\*([^*]+)\*\*", text)
    if strong:
        out.append(("closing ** deleted", text[: strong.end() - 2] + text[strong.end() :]))
        out.append(("strong made emphasis", text[: strong.start()] + f"*{strong.group(1)}*" + text[strong.end() :]))
    emphasis = re.search(r"(?<!\*)\*([^*]+)\*(?!\*)", text)
    if emphasis:
        out.append(("closing * deleted", text[: emphasis.end() - 1] + text[emphasis.end() :]))
    words = list(re.finditer(r"(?<=\s)[^\W\d_]{4,}", text))
    if words and "[" not in text:
        word = rng.choice(words)
        out.append((f"** typed before '{word.group(0)}'", text[: word.start()] + "**" + text[word.start() :]))
    return out


def _emails(entry: Entry, entries, lang, keep, rng) -> list[tuple]:
    out = []
    for match in re.finditer(r"([\w.]+)@([\w.-]+\.\w+)", entry.translation):
        local, domain = match.group(1), match.group(2)
        place = "mailto target" if entry.translation[max(0, match.start() - 7) : match.start()] == "mailto:" else "text"
        for how, changed in (
            ("letters swapped", local[:-2] + local[-1] + local[-2] + "@" + domain),
            ("domain ending changed", local + "@" + domain.rsplit(".", 1)[0] + ".com"),
            ("a letter dropped", local[1:] + "@" + domain),
        ):
            out.append(
                (f"{how} ({place})", entry.translation[: match.start()] + changed + entry.translation[match.end() :])
            )
    return out


def _links(entry: Entry, entries, lang, keep, rng) -> list[tuple]:
    out = []
    for match in re.finditer(r"\]\((https?://([^/)]+)(/[^)]*)?)\)", entry.translation):
        url, host, path = match.group(1), match.group(2), match.group(3) or "/"
        kinds = {
            "https -> http": url.replace("https://", "http://", 1),
            "typo in the host": url.replace(host, host.replace("example", "exmaple"), 1),
            "typo in the path": url.replace(
                path, path.replace("/", "//", 2)[:-1] + "x/" if len(path) > 2 else "/x/", 1
            ),
            "another domain": url.replace(host, "example.com", 1),
            "# instead of the address": "#",
        }
        start, end = match.start(1), match.end(1)
        out += [(how, entry.translation[:start] + changed + entry.translation[end:]) for how, changed in kinds.items()]
    return out


def _sentences(entry: Entry, entries, lang, keep, rng) -> list[tuple]:
    parts = sentences(entry.translation, lang)
    if len(parts) < 2 or len(parts) != len(sentences(entry.source, "en")) or "](" in entry.translation:
        return []
    index = rng.randrange(len(parts))
    return [(f"sentence {index + 1} of {len(parts)} dropped", " ".join(p for i, p in enumerate(parts) if i != index))]


def _untranslated(entry: Entry, entries, lang, keep, rng) -> list[tuple]:
    parts, source_parts = sentences(entry.translation, lang), sentences(entry.source, "en")
    out = []
    if len(parts) >= 2 and len(parts) == len(source_parts) and "](" not in entry.translation:
        index = rng.randrange(len(parts))
        out.append(
            (
                f"sentence {index + 1} left in English",
                " ".join(source_parts[i] if i == index else p for i, p in enumerate(parts)),
            )
        )
        others = [
            s
            for e in entries
            if e.id != entry.id
            for s in sentences(e.source, "en")
            if len(s.split()) >= 8 and "](" not in s
        ]
        if others:
            pasted = rng.choice(others)
            out.append(
                (
                    "an English sentence of another paragraph pasted in",
                    " ".join(pasted if i == index else p for i, p in enumerate(parts)),
                )
            )
    if (
        len(entry.source) < 80
        and re.search(r"[^\W\d_]{4,}", entry.source)
        and entry.field in ("title", "subject", "targets.0.title")
    ):
        out.append(("left in English", entry.source))
    return out


def _keep(entry: Entry, entries, lang, keep, rng) -> list[tuple]:
    out = []
    for term in keep:
        count = entry.translation.count(term)
        if not count:
            continue
        # The last occurrence: a second "El Helicoide" changed is what presence-only checks miss.
        at = entry.translation.rfind(term)
        misspelt = _misspell(term)
        out.append(
            (
                f"'{term}' misspelt as '{misspelt}' ({count} occurrence(s))",
                entry.translation[:at] + misspelt + entry.translation[at + len(term) :],
            )
        )
    return out


def _misspell(term: str) -> str:
    plain = term.translate(str.maketrans("áéíóúÁÉÍÓÚñ", "aeiouAEIOUn"))
    if plain != term:
        return plain  # accents dropped, the commonest change
    words = term.split()
    return " ".join(words[:-1] + [words[-1][:-1] + ("s" if words[-1][-1] != "s" else "z")])


def _whitespace(entry: Entry, entries, lang, keep, rng) -> list[tuple]:
    spaces = [m.start() for m in re.finditer(r"(?<=\S) (?=\S)", entry.translation)]
    if not spaces:
        return []
    at = rng.choice(spaces)
    return [("doubled space", entry.translation[:at] + "  " + entry.translation[at + 1 :])]


_GROUPED = re.compile(r"(?<![\d.,])(\d{1,3})([.,\u202f\u00a0])(\d{3})(?![\d])")
_DECIMAL = re.compile(r"(?<![\d.,])(\d+)([.,])(\d)(?![\d])")


def _numbers(entry: Entry, entries, lang, keep, rng) -> list[tuple]:
    out = []
    text = re.sub(r"\([^)]*\)|\S+@\S+", lambda m: "\x00" * len(m.group(0)), entry.translation)  # not in addresses
    decimal = _DECIMAL.search(text)
    if decimal:
        digit = decimal.group(3)
        changed = str((int(digit) + 4) % 10)
        out.append(
            (
                f"decimal {decimal.group(0)} changed",
                entry.translation[: decimal.start(3)] + changed + entry.translation[decimal.end(3) :],
            )
        )
    plain = [m for m in re.finditer(r"\d+", text) if m.group(0) not in ("0",)]
    if plain:
        match = rng.choice(plain)
        value = match.group(0)
        changed = value[:-1] + str((int(value[-1]) + 1) % 10)
        out.append(
            (
                f"number {value} changed to {changed}",
                entry.translation[: match.start()] + changed + entry.translation[match.end() :],
            )
        )
    return out


def _locale_numbers(entry: Entry, entries, lang, keep, rng) -> list[tuple]:
    out = []
    text = re.sub(r"\([^)]*\)", lambda m: "\x00" * len(m.group(0)), entry.translation)
    grouped = _GROUPED.search(text)
    if grouped:
        wrong = "." if lang == "ar" else ","  # what reads as a decimal mark in the language
        out.append(
            (
                f"{grouped.group(0)} written with '{wrong}'",
                entry.translation[: grouped.start(2)] + wrong + entry.translation[grouped.end(2) :],
            )
        )
    decimal = _DECIMAL.search(text)
    if decimal and lang != "ar":
        out.append(
            (
                f"{decimal.group(0)} written with '.'",
                entry.translation[: decimal.start(2)] + "." + entry.translation[decimal.end(2) :],
            )
        )
    return out


# --- benign edits: what translators do on purpose, which QA must leave alone ----------------------


def _benign(entry: Entry, entries, lang, keep, rng) -> list[tuple]:
    text, out = entry.translation, []
    for match in re.finditer(r"\]\((https?://[^)]*?)/(es|fr|ar)/", text):
        out.append(("the source's /en/ address kept", text[: match.start(2)] + "en" + text[match.end(2) :]))
    grouped = _GROUPED.search(re.sub(r"\([^)]*\)", lambda m: "\x00" * len(m.group(0)), text))
    if grouped:
        other = {"es": "", "fr": "\u00a0", "ar": ""}[lang]
        out.append(
            (
                f"{grouped.group(0)} written without grouping or with a no-break space",
                text[: grouped.start(2)] + other + text[grouped.end(2) :],
            )
        )
    if lang == "ar" and re.search(r"\d", text) and "](" not in text:
        out.append(("Arabic-Indic digits", "".join(chr(0x0660 + int(c)) if c.isdigit() else c for c in text)))
    comma = [
        m
        for m in re.finditer(r"[,،] (?=[^\W\d_]{3,} [^\W\d_]{3,} [^\W\d_]{3,})", text)
        if len(text) * 0.3 < m.start() < len(text) * 0.7
    ]
    if comma and lang != "ar":
        at = comma[0]
        rest = text[at.end() :]
        out.append(("a sentence split in two", text[: at.start()] + ". " + rest[0].upper() + rest[1:]))
    if lang == "ar":
        for term in keep:
            at = text.find(" " + term)
            if at > 0:
                out.append((f"'و' glued to {term}", text[: at + 1] + "و" + text[at + 1 :]))
                break
    if "«" in text:
        out.append(("quotation marks changed", text.replace("«", "“").replace("»", "”")))
    return out


MUTATIONS = {
    "markdown": _markdown,
    "emails": _emails,
    "links": _links,
    "sentences": _sentences,
    "untranslated": _untranslated,
    "keep": _keep,
    "whitespace": _whitespace,
    "numbers": _numbers,
    "locale-numbers": _locale_numbers,
    "benign": _benign,
}
"""Error classes and how to seed them; `benign` variants hold no error and must pass."""
