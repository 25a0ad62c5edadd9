"""Stage 2, localise: the translation memory, every accepted translation of every action, for pre-filling.

The memory is not stored apart: it is read, when needed, from every action's PO files (where
translations imported from DOCX, XLIFF and PO files land too) and from the TMX files imported into
`source/memory/`. A unit is one source block and its translation, with the action and field it
comes from. Only published translations count: fuzzy and empty entries are no memory, and an imported
translation not yet reviewed is a suggestion, never an exact match.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from uapress.core.errors import SourceError
from uapress.core.inputs import read_project_file
from uapress.core.safety import MAX_XML, ExchangeError
from uapress.localise import po
from uapress.localise.store import store_path
from uapress.source import find_actions, load_action

if TYPE_CHECKING:
    from lxml import etree

MEMORY_FOLDER = Path("source") / "memory"
"""Where imported TMX files are kept, relative to the project root."""

IMPORTED = "imported"
"""The translator comment an import gives an entry (`imported from FILE on DATE`) until a reviewer accepts it."""

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
    reviewed: bool = True
    """False for a translation imported from a translator's file and not yet accepted (its PO entry still
    says "imported from …"): offered as a suggestion at most, never as an exact match (issue 19)."""


@dataclass(frozen=True)
class Match:
    """A memory unit found for a source block, and how alike their sources are."""

    unit: Unit
    score: float
    """Similarity from 0 to 1 (see `similarity`); 1 is an exact match."""

    @property
    def exact(self) -> bool:
        """Tell whether the unit's source is the block itself and its translation was reviewed."""
        return self.score == 1.0 and self.unit.reviewed

    def comment(self) -> str:
        """Return the translator comment that names the match and its origin (`tm: exact from SLUG`)."""
        kind = "exact" if self.exact else f"{self.percent}% match"
        if not self.unit.reviewed:
            kind += ", unreviewed import"
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

        An unreviewed unit is never exact: with the same source it is the closest (a suggestion).

        Among equals, a unit of the same kind of field wins (a title translated as a title), then
        the first found (actions in name order, imported TMX files last).
        """
        kind = field_kind(field)
        exact = [u for u in self.units if u.source == source and u.reviewed]
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


def load_memory(
    root: Path, source_lang: str, target_lang: str, slugs: list[str] | None = None, imported: bool = True
) -> Memory:
    """Read the memory of a language pair from the actions' PO files (only `slugs`, if given) and imported TMX."""
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
                reviewed = not any(c.lower().startswith(IMPORTED) for c in entry.comments)
                add(Unit(entry.msgid, entry.msgstr, source_lang, target_lang, entry.context, action.slug, reviewed))
    if imported:
        for path in sorted((root / MEMORY_FOLDER).glob("*.tmx")):
            for unit in read_tmx_units(path):
                if same_language(unit.source_lang, source_lang) and same_language(unit.target_lang, target_lang):
                    add(Unit(unit.source, unit.target, source_lang, target_lang, unit.field, unit.origin))
    return Memory(source_lang, target_lang, tuple(units))


def same_language(a: str, b: str) -> bool:
    """Tell whether two language tags name the same language (`es` matches `es-ES`; case and `_` ignored)."""
    a, b = a.lower().replace("_", "-"), b.lower().replace("_", "-")
    return a == b or a.startswith(b + "-") or b.startswith(a + "-")


# TMX files imported into source/memory/ are part of the memory: their reader lives here, and exchange/tmx.py
# writes them with the same names.
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
ACTION_PROP, FIELD_PROP = "x-uapress-action", "x-uapress-field"
DOCTYPE = '<!DOCTYPE tmx SYSTEM "tmx14.dtd">'
ALL = "*all*"
"""TMX's srclang for a unit whose every variant may serve as the source."""
# Inline codes of other tools: their content is the original format's markup, not text.
CODES = {"bpt", "ept", "ph", "it", "ut"}


def read_tmx_units(path: Path, boundary: Path | None = None) -> list[Unit]:
    """Return every (source, translation) pair of a TMX file; errors name the file and line.

    A memory file of the project is read like every other project file (issue 25): no link out of the
    project, a regular file only (never a device or a pipe), at most MAX_XML bytes. `boundary` is the folder
    the file must stay in, for a file named on the command line (`uapress import`).
    """
    root = _parse(path, read_project_file(path, MAX_XML, boundary))
    header, body = root.find("header"), root.find("body")
    if root.tag != "tmx" or header is None or body is None:
        raise ExchangeError(
            f"{path.name} is not a TMX file (expected <tmx> with <header> and <body>, found <{root.tag}>)"
        )
    default_source = header.get("srclang")
    if not default_source:
        raise ExchangeError(
            f"{path.name}:{header.sourceline}: the TMX <header> has no srclang: it names no source language"
        )
    units = []
    for tu in body.iterfind("tu"):
        props = {p.get("type"): (p.text or "") for p in tu.iterfind("prop")}
        variants = []
        for tuv in tu.iterfind("tuv"):
            lang, seg = tuv.get(XML_LANG) or tuv.get("lang"), tuv.find("seg")
            if not lang or seg is None:
                raise ExchangeError(f"{path.name}:{tuv.sourceline}: a <tuv> needs xml:lang and a <seg>")
            variants.append((lang, _text(seg)))
        source_lang = tu.get("srclang") or default_source
        sources = (
            variants if source_lang.lower() == ALL else [v for v in variants if v[0].lower() == source_lang.lower()]
        )
        for lang, source in sources:
            for other, target in variants:
                if other != lang and source.strip() and target.strip():
                    units.append(
                        Unit(
                            source, target, lang, other, props.get(FIELD_PROP, ""), props.get(ACTION_PROP) or path.name
                        )
                    )
    return units


def _parse(path: Path, data: bytes) -> etree._Element:
    """Parse with entities, DTD loading and the network off; a DOCTYPE may only name the TMX DTD."""
    from lxml import (
        etree,  # only when a memory file is read: `check` without one never loads lxml
    )

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root: etree._Element = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise ExchangeError(f"{path.name}: not well-formed XML: {exc}") from None
    # Any: lxml-stubs 0.5 types internalDTD as never None, and its DTD without iterentities and iterelements.
    internal: Any = root.getroottree().docinfo.internalDTD
    if b"<!ENTITY" in data.split(b"<tmx", 1)[0] or (
        internal is not None and (list(internal.iterentities()) or list(internal.iterelements()))
    ):
        raise ExchangeError(
            f"{path.name}: refused: the TMX file declares its own entities or elements "
            '(only `<!DOCTYPE tmx SYSTEM "tmx14.dtd">` is accepted; entities are never resolved)'
        )
    return root


def _text(element: etree._Element) -> str:
    """Return the text of a `<seg>`, keeping `<hi>` and `<sub>` text and dropping other tools' inline codes."""
    out = [element.text or ""]
    for child in element:
        if isinstance(child.tag, str) and child.tag not in CODES:
            out.append(_text(child))
        out.append(child.tail or "")
    return "".join(out)
