"""Translation exchange: XLIFF 2.1 for CAT tools (OmegaT, Trados, memoQ…), written and read with lxml.

One `<file>` per action (its id is the slug), one `<unit>` per segment (its id is the segment
id, its name the field), notes with the field and the `keep` terms the segment holds. Emphasis,
strong and links are inline codes (`<pc>`), hard line breaks placeholders (`<ph>`), each pointing
at its Markdown in `<originalData>`, so a CAT tool shows them as tags the translator moves but
cannot break, and the link address travels untouched.

States: a missing translation is `initial` with no target, a fuzzy one `initial` with the old
translation as a draft target, an imported one not yet accepted `translated`, an accepted one
`reviewed`. `final` is read (like `reviewed`) but never written.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from lxml import etree

from uapress.core.nodes import Emphasis, Inline, LineBreak, Link, SegmentSpan, Strong, Text
from uapress.core.safety import MAX_XML, ExchangeError, parse_xml, read_head
from uapress.exchange.markup import Chunk, to_markdown
from uapress.exchange.received import Received, Unit
from uapress.localise import po
from uapress.localise.segments import action_segments
from uapress.source.markdown import MarkdownIssue, parse_inlines
from uapress.source.schema import Action

NS = "urn:oasis:names:tc:xliff:document:2.0"
"""XLIFF 2.0 and 2.1 share the core namespace; `version` tells them apart."""
NS_12 = "urn:oasis:names:tc:xliff:document:1.2"
VERSION = "2.1"
READ_VERSIONS = ("2.0", "2.1")
STATES = ("initial", "translated", "reviewed", "final")
LINE_BREAK = "  \n"

Meaning = tuple[str | None, str | None]
"""What an inline code does: its kind (`bold`, `italic`, `link`, or None when unknown) and its link address."""


def x(name: str) -> str:
    """Return the Clark name of an XLIFF core element."""
    return f"{{{NS}}}{name}"


def state_of(entry: po.PoEntry | None) -> str:
    """Return the XLIFF state of a PO entry: initial, translated (imported, to review) or reviewed."""
    if entry is None or not entry.msgstr.strip() or entry.fuzzy:
        return "initial"
    if any(comment.lower().startswith("imported") for comment in entry.comments):
        return "translated"
    return "reviewed"


# --- writing --------------------------------------------------------------------------------


def write_xliff(action: Action, lang: str, store: po.PoFile) -> bytes:
    """Return the XLIFF 2.1 document of one action's segments in `lang`, targets from the PO store."""
    # lxml takes None as the prefix of the default namespace; lxml-stubs only know prefixes that are strings.
    root = etree.Element(
        x("xliff"),
        nsmap={None: NS},  # type: ignore[dict-item]
        version=VERSION,
        srcLang=action.language,
        trgLang=lang,
    )
    file = etree.SubElement(root, x("file"), id=action.slug, original=f"source/actions/{action.slug}/action.yaml")
    keep = tuple(dict.fromkeys(action.keep + tuple(target.name for target in action.targets)))
    for segment in action_segments(action):
        entry = store.find(segment.field, segment.source)
        state = state_of(entry)
        unit = etree.SubElement(file, x("unit"), id=segment.id, name=segment.field)
        notes = etree.SubElement(unit, x("notes"))
        etree.SubElement(notes, x("note"), category="field").text = segment.field
        for term in keep:
            if term in segment.source:
                etree.SubElement(notes, x("note"), category="keep").text = term
        if entry is not None and entry.fuzzy and entry.previous:
            etree.SubElement(notes, x("note"), category="previous-source").text = entry.previous
        codes = _Codes()
        source = codes.content(x("source"), segment.source, in_target=False)
        target = None
        if entry is not None and entry.msgstr.strip():
            target = codes.content(x("target"), entry.msgstr, in_target=True)
        if codes.data:
            original = etree.SubElement(unit, x("originalData"))
            for text, data_id in codes.data.items():
                etree.SubElement(original, x("data"), id=data_id).text = text
        seg = etree.SubElement(unit, x("segment"), state=state)
        seg.append(source)
        if target is not None:
            seg.append(target)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


class _Codes:
    """Inline codes of one unit: ids shared by a source code and the matching target code, and their data."""

    def __init__(self) -> None:
        self.data: dict[str, str] = {}
        """Markdown of each code -> `<data>` id."""
        self.source_ids: dict[tuple[str, ...], list[str]] = {}
        self.next_id = 0
        self.used: dict[tuple[str, ...], int] = {}

    def content(self, tag: str, markdown: str, in_target: bool) -> etree._Element:
        """Return a `<source>` or `<target>` element holding `markdown` as text and inline codes."""
        element = etree.Element(tag)
        inlines: Iterable[Inline]
        try:
            inlines, _ = parse_inlines(markdown)
        except MarkdownIssue:
            inlines = (Text(markdown),)
        self.in_target = in_target
        self.used = {}
        self._inlines(element, inlines)
        return element

    def _data(self, text: str) -> str:
        if text not in self.data:
            self.data[text] = f"d{len(self.data) + 1}"
        return self.data[text]

    def _id(self, key: tuple[str, ...]) -> str:
        """Return the id of the next code of this kind: in a target, that of the source's code of the same kind."""
        count = self.used.get(key, 0)
        self.used[key] = count + 1
        if self.in_target:
            ids = self.source_ids.get(key, [])
            if count < len(ids):
                return ids[count]
            self.next_id += 1
            return f"t{self.next_id}"
        self.next_id += 1
        code = str(self.next_id)
        self.source_ids.setdefault(key, []).append(code)
        return code

    def _inlines(self, parent: etree._Element, nodes: Iterable[Inline]) -> None:
        for node in nodes:
            if isinstance(node, Text):
                _append_text(parent, node.text)
            elif isinstance(node, LineBreak):
                etree.SubElement(
                    parent, x("ph"), id=self._id(("lb",)), type="fmt", subType="xlf:lb", dataRef=self._data(LINE_BREAK)
                )
            elif isinstance(node, (Strong, Emphasis, Link)):
                key: tuple[str, ...]
                attrs: dict[str, str]
                if isinstance(node, Link):
                    url = node.url or "#"
                    key, attrs, start, end = ("link", url), {"type": "link"}, "[", f"]({url})"
                else:
                    mark = "**" if isinstance(node, Strong) else "*"
                    sub = "xlf:b" if isinstance(node, Strong) else "xlf:i"
                    key, attrs, start, end = (sub,), {"type": "fmt", "subType": sub}, mark, mark
                # One mapping, in the order the attributes are written (lxml keeps a dict's order).
                pc = etree.SubElement(
                    parent,
                    x("pc"),
                    {"id": self._id(key), **attrs, "dataRefStart": self._data(start), "dataRefEnd": self._data(end)},
                )
                self._inlines(pc, node.children)
            elif isinstance(node, SegmentSpan):
                self._inlines(parent, node.children)


def _append_text(parent: etree._Element, text: str) -> None:
    if len(parent):
        parent[-1].tail = (parent[-1].tail or "") + text
    else:
        parent.text = (parent.text or "") + text


# --- reading --------------------------------------------------------------------------------


def looks_like_xml(path: Path) -> bool:
    """Tell whether a file starts like XML (after a byte-order mark and white space)."""
    head = read_head(path, 512).lstrip(b"\xef\xbb\xbf").lstrip()
    return head.startswith(b"<")


def read_xliff(path: Path) -> Received:
    """Return the targets of an XLIFF 2.0/2.1 file, as Markdown, with the action and languages it names."""
    if path.stat().st_size > MAX_XML:
        raise ExchangeError(
            f"{path.name}: refused: {path.stat().st_size / 2**20:.0f} MiB is more than the "
            f"{MAX_XML // 2**20} MiB an XLIFF file may have"
        )
    root = parse_xml(path.read_bytes(), path.name)
    name = etree.QName(root).localname if isinstance(root.tag, str) else ""
    namespace = etree.QName(root).namespace if isinstance(root.tag, str) else None
    version = root.get("version", "")
    if name != "xliff":
        raise ExchangeError(f"{path.name} is not an XLIFF file (its root element is <{name}>)")
    if namespace == NS_12 or version.startswith("1."):
        raise ExchangeError(
            f"{path.name}: XLIFF {version or '1.2'} is not supported, export 2.1 "
            "(in your CAT tool choose XLIFF 2.1 or 2.0 when exporting, or translate the file "
            "that `uapress export --format xliff` wrote)"
        )
    if namespace != NS:
        raise ExchangeError(f"{path.name}: unknown XLIFF namespace '{namespace}' (XLIFF 2.1 uses {NS})")
    if version not in READ_VERSIONS:
        raise ExchangeError(f"{path.name}: XLIFF version '{version}' is not supported, export 2.1")
    files = root.findall(x("file"))
    if len(files) != 1:
        raise ExchangeError(f"{path.name}: expected one <file> (one action), found {len(files)}")
    received = Received(
        path, "XLIFF", action=files[0].get("id"), lang=root.get("trgLang"), source_lang=root.get("srcLang")
    )
    if not received.lang:
        raise ExchangeError(f"{path.name}: the XLIFF file has no trgLang: it names no target language")
    for unit in files[0].iter(x("unit")):
        received.units.append(_unit(unit))
    return received


def _unit(unit: etree._Element) -> Unit:
    # lxml-stubs say itertext() may give bytes; lxml gives str.
    originals = {
        d.get("id"): "".join(d.itertext())  # type: ignore[arg-type]
        for d in unit.iterfind(f"{x('originalData')}/{x('data')}")
    }
    sources: list[Chunk] = []
    targets: list[Chunk] = []
    states: list[str] = []
    source_codes: dict[str | None, Meaning] = {}
    for part in unit:
        if part.tag not in (x("segment"), x("ignorable")):
            continue
        source = part.find(x("source"))
        target = part.find(x("target"))
        reader = _Inline(originals, source_codes)
        if source is not None:
            sources += reader.chunks(source, remember=True)
        if part.tag == x("segment"):
            states.append(part.get("state", "initial") if target is not None else "initial")
        if target is not None:
            targets += _Inline(originals, source_codes).chunks(target)
        elif part.tag == x("ignorable") and source is not None:
            targets += _Inline(originals, source_codes).chunks(source)
    state = min(states or ["initial"], key=lambda s: STATES.index(s) if s in STATES else 0)
    source_text, _ = to_markdown(sources)
    text, exact = to_markdown(targets)
    result = Unit(unit.get("id", ""), text, state if state in STATES else "initial", unit.get("name"), source_text)
    if not exact:
        result.problem = "its inline codes cannot be written exactly in Markdown"
    return result


class _Inline:
    """Read the text and inline codes of a `<source>` or `<target>` into chunks."""

    def __init__(self, originals: dict[str | None, str], source_codes: dict[str | None, Meaning]) -> None:
        self.originals = originals
        self.source_codes = source_codes
        """Code id -> (bold, italic, link) meaning, from the source: a target code without data uses it."""
        self.open: dict[str | None, Meaning] = {}  # sc id -> meaning, for <sc>/<ec> pairs

    def chunks(self, element: etree._Element, remember: bool = False) -> list[Chunk]:
        self.remember = remember
        out: list[Chunk] = []
        self._walk(element, out, False, False, None)
        return out

    def _meaning(self, code: etree._Element) -> Meaning:
        start = self.originals.get(code.get("dataRefStart") or code.get("dataRef") or "")
        end = self.originals.get(code.get("dataRefEnd") or "")
        sub, kind = code.get("subType"), code.get("type")
        meaning: Meaning
        if start == "**" or sub == "xlf:b":
            meaning = ("bold", None)
        elif start == "*" or sub == "xlf:i":
            meaning = ("italic", None)
        elif start == "[" or kind == "link":
            url = end[2:-1] if end and end.startswith("](") and end.endswith(")") else None
            if url is None:
                url = self.source_codes.get(code.get("id"), ("link", "#"))[1]
            meaning = ("link", url or "#")
        else:
            meaning = self.source_codes.get(code.get("id"), (None, None))
        if self.remember and code.get("id"):
            self.source_codes[code.get("id")] = meaning
        return meaning

    def _add(self, out: list[Chunk], text: str, bold: bool, italic: bool, link: str | None) -> None:
        """Append text in its format, with the codes opened by `<sc>` and not yet closed by `<ec>`."""
        for kind, url in self.open.values():
            bold, italic = bold or kind == "bold", italic or kind == "italic"
            link = url if kind == "link" else link
        out.append(Chunk(text, bold, italic, link))

    def _walk(self, element: etree._Element, out: list[Chunk], bold: bool, italic: bool, link: str | None) -> None:
        if element.text:
            self._add(out, element.text, bold, italic, link)
        for child in element:
            tag = etree.QName(child).localname if isinstance(child.tag, str) else ""
            if tag == "pc":
                kind, url = self._meaning(child)
                self._walk(
                    child, out, bold or kind == "bold", italic or kind == "italic", url if kind == "link" else link
                )
            elif tag == "ph":
                start = self.originals.get(child.get("dataRef") or "")
                if child.get("subType") == "xlf:lb" or (start and "\n" in start):
                    self._add(out, "\n", bold, italic, link)
            elif tag == "sc":
                self.open[child.get("id")] = self._meaning(child)
            elif tag == "ec":
                self.open.pop(child.get("startRef") or child.get("id"), None)
            elif tag == "cp":
                try:
                    self._add(out, chr(int(child.get("hex", ""), 16)), bold, italic, link)
                except ValueError:
                    pass
            elif tag == "mrk":
                self._walk(child, out, bold, italic, link)
            if child.tail:
                self._add(out, child.tail, bold, italic, link)
