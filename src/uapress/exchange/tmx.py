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

from .. import __version__
from ..errors import UsageError, display_path
from ..files import write_atomic
from ..localise.memory import MEMORY_FOLDER, Unit, load_memory
from .safety import MAX_XML, ExchangeError

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
ACTION_PROP, FIELD_PROP = "x-uapress-action", "x-uapress-field"
DOCTYPE = '<!DOCTYPE tmx SYSTEM "tmx14.dtd">'
ALL = "*all*"
"""TMX's srclang for a unit whose every variant may serve as the source."""
# Inline codes of other tools: their content is the original format's markup, not text.
CODES = {"bpt", "ept", "ph", "it", "ut"}


def write_tmx(units: list[Unit]) -> bytes:
    """Return a TMX 1.4b document of the units: one `<tu>` per origin, field and source text."""
    groups: dict[tuple, dict[str, str]] = {}
    for unit in units:
        variants = groups.setdefault((unit.origin, unit.field, unit.source_lang, unit.source), {})
        variants.setdefault(unit.target_lang, unit.target)
    source_langs = {key[2] for key in groups}
    root = etree.Element("tmx", version="1.4")
    etree.SubElement(root, "header", {
        "creationtool": "uapress", "creationtoolversion": __version__, "segtype": "paragraph",
        "o-tmf": "uapress PO", "adminlang": "en",
        "srclang": next(iter(source_langs)) if len(source_langs) == 1 else ALL, "datatype": "plaintext",
    })
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
    return (b'<?xml version="1.0" encoding="UTF-8"?>\n' + DOCTYPE.encode() + b"\n"
            + etree.tostring(root, encoding="UTF-8") + b"\n")


def read_tmx_units(path: Path) -> list[Unit]:
    """Return every (source, translation) pair of a TMX file; errors name the file and line."""
    if path.stat().st_size > MAX_XML:
        raise ExchangeError(f"{path.name}: refused: {path.stat().st_size / 2**20:.0f} MiB is more than the "
                            f"{MAX_XML // 2**20} MiB a TMX file may have")
    root = _parse(path)
    header = root.find("header")
    if root.tag != "tmx" or header is None or root.find("body") is None:
        raise ExchangeError(f"{path.name} is not a TMX file (expected <tmx> with <header> and <body>, "
                            f"found <{root.tag}>)")
    default_source = header.get("srclang")
    if not default_source:
        raise ExchangeError(f"{path.name}:{header.sourceline}: the TMX <header> has no srclang: it names no source language")
    units = []
    for tu in root.find("body").iterfind("tu"):
        props = {p.get("type"): (p.text or "") for p in tu.iterfind("prop")}
        variants = []
        for tuv in tu.iterfind("tuv"):
            lang, seg = tuv.get(XML_LANG) or tuv.get("lang"), tuv.find("seg")
            if not lang or seg is None:
                raise ExchangeError(f"{path.name}:{tuv.sourceline}: a <tuv> needs xml:lang and a <seg>")
            variants.append((lang, _text(seg)))
        source_lang = tu.get("srclang") or default_source
        sources = variants if source_lang.lower() == ALL else [v for v in variants if v[0].lower() == source_lang.lower()]
        for lang, source in sources:
            for other, target in variants:
                if other != lang and source.strip() and target.strip():
                    units.append(Unit(source, target, lang, other, props.get(FIELD_PROP, ""),
                                      props.get(ACTION_PROP) or path.name))
    return units


def _parse(path: Path):
    """Parse with entities, DTD loading and the network off; a DOCTYPE may only name the TMX DTD."""
    data = path.read_bytes()
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise ExchangeError(f"{path.name}: not well-formed XML: {exc}") from None
    internal = root.getroottree().docinfo.internalDTD
    if b"<!ENTITY" in data.split(b"<tmx", 1)[0] or (
            internal is not None and (list(internal.iterentities()) or list(internal.iterelements()))):
        raise ExchangeError(f"{path.name}: refused: the TMX file declares its own entities or elements "
                            "(only `<!DOCTYPE tmx SYSTEM \"tmx14.dtd\">` is accepted; entities are never resolved)")
    return root


def _text(element) -> str:
    """Return the text of a `<seg>`, keeping `<hi>` and `<sub>` text and dropping other tools' inline codes."""
    out = [element.text or ""]
    for child in element:
        if isinstance(child.tag, str) and child.tag not in CODES:
            out.append(_text(child))
        out.append(child.tail or "")
    return "".join(out)


@dataclass
class TmxImport:
    """What `uapress import FILE.tmx` did."""

    file: Path
    stored: Path
    replaced: bool
    pairs: dict = field(default_factory=dict)
    """(source language, target language) -> number of units."""
    known: int = 0
    """Units the actions' PO files already hold."""

    def lines(self) -> list[str]:
        """Return the report for the terminal."""
        total = sum(self.pairs.values())
        pairs = ", ".join(f"{s}→{t} {n}" for (s, t), n in sorted(self.pairs.items())) or "none"
        return [f"{display_path(self.stored)}: {'replaced' if self.replaced else 'created'} from {self.file.name}",
                f"  {total} translation unit(s) ({pairs}); {self.known} already in the actions' PO files",
                "  `uapress translations update` now pre-fills matching segments from them"]


def import_tmx(root: Path, path: Path) -> TmxImport:
    """Keep a TMX file's units in `source/memory/<name>.tmx`, rewritten by uapress, for later pre-fills."""
    units = read_tmx_units(path)
    if not units:
        raise ExchangeError(f"{path.name}: the TMX file holds no translation unit with a source and a translation")
    stored = root / MEMORY_FOLDER / f"{path.stem}.tmx"
    report = TmxImport(path, stored, stored.exists())
    pairs = defaultdict(int)
    for unit in units:
        pairs[(unit.source_lang, unit.target_lang)] += 1
    report.pairs = dict(pairs)
    for source_lang, target_lang in pairs:
        own = load_memory(root, source_lang, target_lang, imported=False)
        have = {(u.source, u.target) for u in own.units}
        report.known += sum(1 for u in units if (u.source_lang, u.target_lang) == (source_lang, target_lang)
                            and (u.source, u.target) in have)
    write_atomic(stored, write_tmx(units))
    return report


def export_tmx(root: Path, slug: str | None = None, langs: list[str] | None = None) -> tuple[bytes, int]:
    """Return the memory as TMX (every action and imported file, or one action's PO files) and its unit count."""
    from ..source import find_actions, load_action

    units = []
    actions = [load_action(path)[0] for path in find_actions(root, [slug] if slug else None)]
    pairs = sorted({(a.language, lang) for a in actions for lang in a.languages if not langs or lang in langs})
    if slug is None and (root / MEMORY_FOLDER).is_dir():
        for path in sorted((root / MEMORY_FOLDER).glob("*.tmx")):
            pairs += sorted({(u.source_lang, u.target_lang) for u in read_tmx_units(path)
                             if not langs or u.target_lang in langs} - set(pairs))
    for source_lang, target_lang in pairs:
        units += load_memory(root, source_lang, target_lang, [slug] if slug else None, imported=slug is None).units
    if not units:
        raise UsageError("the translation memory is empty: no action has a published translation"
                         + (f" into {', '.join(langs)}" if langs else "") + " yet")
    return write_tmx(units), len(units)
