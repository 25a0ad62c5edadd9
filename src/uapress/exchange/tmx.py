"""Translation exchange: the translation memory as TMX 1.4b, written for CAT tools and read back in.

One `<tu>` per source block of an action, with a `<tuv>` for the source and for every language
that has a published translation of it; `<prop type="x-uapress-action">` and `x-uapress-field`
say where it comes from. Segments carry the Markdown of the PO files verbatim (`**`, `[…](…)`,
two spaces before a line break), so a round trip loses nothing; CAT tools show the marks as text.
Imported TMX files are kept, normalised, in `source/memory/`, where the memory reads them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from uapress import __version__
from uapress.core.counts import plural
from uapress.core.errors import UsageError, display_path
from uapress.core.files import write_atomic
from uapress.core.langid import identify
from uapress.core.safety import ExchangeError
from uapress.localise.memory import (
    ACTION_PROP,
    ALL,
    DOCTYPE,
    FIELD_PROP,
    MEMORY_FOLDER,
    XML_LANG,
    Unit,
    load_memory,
    read_tmx_units,
)
from uapress.localise.po import PoFile
from uapress.source import find_actions, load_action


def write_tmx(units: list[Unit], source_lang: str | None = None) -> bytes:
    """Return a TMX 1.4b document of the units: one `<tu>` per origin, field and source text.

    `source_lang` names the header's source language when no unit does (an empty memory)."""
    groups: dict[tuple[str, str, str, str], dict[str, str]] = {}  # (origin, field, source language, source)
    for unit in units:
        variants = groups.setdefault((unit.origin, unit.field, unit.source_lang, unit.source), {})
        variants.setdefault(unit.target_lang, unit.target)
    source_langs = {key[2] for key in groups}
    root = etree.Element("tmx", version="1.4")
    etree.SubElement(
        root,
        "header",
        {
            "creationtool": "uapress",
            "creationtoolversion": __version__,
            "segtype": "paragraph",
            "o-tmf": "uapress PO",
            "adminlang": "en",
            "srclang": next(iter(source_langs)) if len(source_langs) == 1 else source_lang or ALL,
            "datatype": "plaintext",
        },
    )
    body = etree.SubElement(root, "body")
    for (origin, field_, source_lang, source), variants in groups.items():
        tu = etree.SubElement(body, "tu", srclang=source_lang)
        etree.SubElement(tu, "prop", type=ACTION_PROP).text = origin
        if field_:
            etree.SubElement(tu, "prop", type=FIELD_PROP).text = field_
        for lang, text in [(source_lang, source)] + sorted(variants.items()):
            tuv = etree.SubElement(tu, "tuv", {XML_LANG: lang})
            etree.SubElement(tuv, "seg").text = text
    etree.indent(root, space=" ")  # segments have no child elements, so their text is left exactly as it is
    return (
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        + DOCTYPE.encode()
        + b"\n"
        + etree.tostring(root, encoding="UTF-8")
        + b"\n"
    )


@dataclass
class TmxImport:
    """What `uapress import FILE.tmx` did."""

    file: Path
    stored: Path
    replaced: bool
    pairs: dict[tuple[str, str], int] = field(default_factory=dict)
    """(source language, target language) -> number of units."""
    known: int = 0
    """Units the actions' PO files already hold."""

    def lines(self) -> list[str]:
        """Return the report for the terminal."""
        total = sum(self.pairs.values())
        pairs = ", ".join(f"{s}→{t} {n}" for (s, t), n in sorted(self.pairs.items())) or "none"
        return [
            f"{display_path(self.stored)}: {'replaced' if self.replaced else 'created'} from {self.file.name}",
            f"  {plural(total, 'translation unit')} ({pairs}); {self.known} already in the actions' PO files",
            "  `uapress translations update` now pre-fills matching segments from them",
        ]


def import_tmx(root: Path, path: Path) -> TmxImport:
    """Keep a TMX file's units in `source/memory/<name>.tmx`, rewritten by uapress, for later pre-fills."""
    units = read_tmx_units(path, boundary=Path(path.anchor or "/"))  # named by the user; still no device, no pipe
    if not units:
        raise ExchangeError(f"{path.name}: the TMX file holds no translation unit with a source and a translation")
    stored = root / MEMORY_FOLDER / f"{path.stem}.tmx"
    report = TmxImport(path, stored, stored.exists())
    pairs: defaultdict[tuple[str, str], int] = defaultdict(int)
    for unit in units:
        pairs[(unit.source_lang, unit.target_lang)] += 1
    report.pairs = dict(pairs)
    for source_lang, target_lang in pairs:
        own = load_memory(root, source_lang, target_lang, imported=False)
        have = {(u.source, u.target) for u in own.units}
        report.known += sum(
            1
            for u in units
            if (u.source_lang, u.target_lang) == (source_lang, target_lang) and (u.source, u.target) in have
        )
    write_atomic(stored, write_tmx(units))
    return report


def export_tmx(
    root: Path, slug: str | None = None, langs: list[str] | None = None
) -> tuple[bytes, int, dict[tuple[str, str], bytes]]:
    """Return the memory as TMX (every action and imported file, or one action's PO files), its `<tu>` count,
    and one TMX file per language pair.

    Translations imported and not yet reviewed are left out, and so is a translation that reads as another
    language than its own (issue 23). The all-language file is for archives: a CAT tool given a unit without
    its target language takes another one (OmegaT filled French with Spanish), so CAT tools get the pairs.
    """
    units: list[Unit] = []
    actions = [load_action(path)[0] for path in find_actions(root, [slug] if slug else None)]
    pairs = sorted({(a.language, lang) for a in actions for lang in a.languages if not langs or lang in langs})
    if slug is None and (root / MEMORY_FOLDER).is_dir():
        for path in sorted((root / MEMORY_FOLDER).glob("*.tmx")):
            pairs += sorted(
                {(u.source_lang, u.target_lang) for u in read_tmx_units(path) if not langs or u.target_lang in langs}
                - set(pairs)
            )
    languages = tuple(sorted({lang for pair in pairs for lang in pair}))
    by_pair: dict[tuple[str, str], bytes] = {}
    for source_lang, target_lang in pairs:
        # An imported translation awaiting review is no memory to hand out (issue 19).
        memory = load_memory(root, source_lang, target_lang, [slug] if slug else None, imported=slug is None)
        own = in_language([u for u in memory.units if u.reviewed], languages)
        if own:
            by_pair[(source_lang, target_lang)] = write_tmx(own)
        units += own
    if not units:
        raise UsageError(
            "the translation memory is empty: no action has a published translation"
            + (f" into {', '.join(langs)}" if langs else "")
            + " yet"
        )
    # The count is of `<tu>` elements, as a reader of the file counts them (issue 19): a unit per source block.
    return write_tmx(units), len({(u.origin, u.field, u.source_lang, u.source) for u in units}), by_pair


def in_language(units: list[Unit], languages: tuple[str, ...]) -> list[Unit]:
    """Return the units whose translation does not read as another of `languages` (issue 23).

    Spanish imported into fr.po was exported under `xml:lang="fr"`: the memory hands a unit out only
    under the language it is in. Text too short to tell is kept.
    """
    return [u for u in units if identify(u.target, u.target_lang, (*languages, u.target_lang)) is None]


def pair_memories(root: Path, source_lang: str, lang: str, store: PoFile, origin: str) -> tuple[bytes, bytes | None]:
    """Return the TMX files of one language pair for a CAT tool: exact matches, and suggestions (or None).

    Exact: the reviewed translations of every action and imported TMX file. Suggestions: what a CAT tool
    must show but never insert: the fuzzy drafts of `store` (OmegaT writes a `#, fuzzy` entry back empty)
    and translations imported but not yet reviewed.
    """
    memory = load_memory(root, source_lang, lang)
    languages = (source_lang, lang)
    exact = in_language([u for u in memory.units if u.reviewed], languages)
    drafts = [
        Unit(e.msgid, e.msgstr, source_lang, lang, e.context, origin, reviewed=False)
        for e in store.entries
        if not e.obsolete and e.fuzzy and e.msgstr.strip()
    ]
    suggestions = in_language(drafts + [u for u in memory.units if not u.reviewed], languages)
    if not exact:
        # OmegaT needs no memory, but an empty tm/auto/ file keeps the project's layout the same every time.
        return write_tmx([], source_lang), write_tmx(suggestions) if suggestions else None
    return write_tmx(exact), write_tmx(suggestions) if suggestions else None
