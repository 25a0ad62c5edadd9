"""Stage 2, localise: the translation memory, every accepted translation of every action, for pre-filling.

The memory is not stored apart: it is read, when needed, from every action's PO files (where
translations imported from DOCX, XLIFF and PO files land too) and from the TMX files imported into
`source/memory/`. A unit is one source block and its translation, with the action and field it
comes from. Only published translations count: fuzzy and empty entries are no memory.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import SourceError
from . import po

MEMORY_FOLDER = Path("source") / "memory"
"""Where imported TMX files are kept, relative to the project root."""

CLOSE = 0.75
"""The least similarity of a close (fuzzy) match: below it, a suggestion costs more than it saves."""


@dataclass(frozen=True)
class Unit:
    """One translation in the memory."""

    source: str
    """The source block, Markdown as in the PO msgid."""
    target: str
    """Its translation, Markdown."""
    source_lang: str
    target_lang: str
    field: str
    """The field it translates (`letter`, `targets.0.title`), empty when unknown (a foreign TMX)."""
    origin: str
    """The action it comes from, or the imported TMX file when the file does not name one."""


@dataclass(frozen=True)
class Match:
    """A memory unit found for a source block, and how alike their sources are."""

    unit: Unit
    score: float
    """Similarity from 0 to 1 (see `similarity`); 1 is an exact match."""

    @property
    def exact(self) -> bool:
        """Tell whether the unit's source is the block itself."""
        return self.score == 1.0

    def comment(self) -> str:
        """Return the translator comment that names the match and its origin (`tm: exact from SLUG`)."""
        kind = "exact" if self.exact else f"{self.percent}% match"
        field = f" ({self.unit.field})" if self.unit.field else ""
        return f"tm: {kind} from {self.unit.origin}{field}"

    @property
    def percent(self) -> int:
        """Return the similarity in whole percent, rounded down (a 74.9 % match never shows as 75 %)."""
        return int(self.score * 100)


_TOKEN = re.compile(r"\w+|[^\w\s]")


def tokens(text: str) -> list[str]:
    """Split text into words and single punctuation marks, the units `similarity` counts."""
    return _TOKEN.findall(text)


def similarity(a: str, b: str) -> float:
    """Return how alike two blocks are: difflib's ratio 2·M/T over their word and punctuation tokens.

    M is the number of tokens in matching runs, T the tokens of both; 1.0 only for identical
    token lists. Words, not characters: a changed date or name costs one token, like a translator's
    edit, and Markdown marks (`**`, `[`, `](`) count as punctuation.
    """
    if a == b:
        return 1.0
    ta, tb = tokens(a), tokens(b)
    if not ta or not tb:
        return 0.0
    return difflib.SequenceMatcher(None, ta, tb, autojunk=False).ratio()


def field_kind(field: str) -> str:
    """Return a field path without its list indexes: `targets.0.title` -> `targets.title`."""
    return re.sub(r"\.\d+", "", field)


@dataclass(frozen=True)
class Memory:
    """The translation units of one language pair."""

    source_lang: str
    target_lang: str
    units: tuple[Unit, ...] = ()

    def best(self, source: str, field: str) -> Match | None:
        """Return the best match for a block: exact first, then the closest at or above CLOSE.

        Among equals, a unit of the same kind of field wins (a title translated as a title), then
        the first found (actions in name order, imported TMX files last).
        """
        kind = field_kind(field)
        exact = [u for u in self.units if u.source == source]
        if exact:
            return Match(min(exact, key=lambda u: field_kind(u.field) != kind), 1.0)
        best, best_key = None, (0.0, False)
        size = len(tokens(source))
        for unit in self.units:
            other = len(tokens(unit.source))
            # 2·min/(a+b) bounds the ratio: skip units whose length alone rules them out.
            if not size or 2 * min(size, other) / (size + other) < CLOSE:
                continue
            score = similarity(unit.source, source)
            key = (score, field_kind(unit.field) == kind)
            if score >= CLOSE and key > best_key:
                best, best_key = unit, key
        return Match(best, best_key[0]) if best else None


def load_memory(root: Path, source_lang: str, target_lang: str, slugs: list[str] | None = None,
                imported: bool = True) -> Memory:
    """Read the memory of a language pair from the actions' PO files (only `slugs`, if given) and imported TMX."""
    from ..source import find_actions, load_action
    from .store import store_path

    units, seen = [], set()

    def add(unit: Unit) -> None:
        key = (unit.source, unit.target, unit.field, unit.origin)
        if key not in seen:
            seen.add(key)
            units.append(unit)

    for path in find_actions(root, slugs):
        try:
            action, _ = load_action(path)
        except SourceError:
            continue  # a broken action is reported by `check`; the others still make a memory
        po_path = store_path(action, target_lang)
        if action.language != source_lang or not po_path.exists():
            continue
        for entry in po.read(po_path).entries:
            if not entry.obsolete and not entry.fuzzy and entry.msgstr.strip():
                add(Unit(entry.msgid, entry.msgstr, source_lang, target_lang, entry.context, action.slug))
    if imported:
        # Imported TMX files are part of the memory; their reader lives with the other exchange formats.
        from ..exchange.tmx import read_tmx_units

        for path in sorted((root / MEMORY_FOLDER).glob("*.tmx")):
            for unit in read_tmx_units(path):
                if same_language(unit.source_lang, source_lang) and same_language(unit.target_lang, target_lang):
                    add(Unit(unit.source, unit.target, source_lang, target_lang, unit.field, unit.origin))
    return Memory(source_lang, target_lang, tuple(units))


def same_language(a: str, b: str) -> bool:
    """Tell whether two language tags name the same language (`es` matches `es-ES`; case and `_` ignored)."""
    a, b = a.lower().replace("_", "-"), b.lower().replace("_", "-")
    return a == b or a.startswith(b + "-") or b.startswith(a + "-")
