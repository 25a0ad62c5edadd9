"""XLIFF 2.1 export and import (issue, point 4): structure, states, inline codes, round trips, bad input.

No XLIFF 2 schema ships in any package this project installs, so the structure is asserted
precisely against XLIFF 2.1 core (OASIS Standard, 2018): the namespace, the attributes each
element may carry, the order of a unit's children, and the constraints on inline codes (ids
unique, every data reference resolving, target codes reusing the ids of the source's).
"""

from __future__ import annotations

import copy
import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
from lxml import etree

from helpers import text_pieces
from projects import REPO, REPOSITORY, make_project, run_uapress
from uapress.commands.exchange import import_file
from uapress.localise import po
from uapress.localise.segments import action_segments
from uapress.source import load_action

NS = "urn:oasis:names:tc:xliff:document:2.0"
X = f"{{{NS}}}"
SLUG = "defender"
SAMPLE = "venezuela-hrd-release"
TODAY = dt.date.today().isoformat()
FILES = REPO / "tests" / "fixtures" / "exchange" / "files"

ATTRIBUTES = {
    # XLIFF 2.1 core: the attributes uapress writes, each allowed on its element by the specification.
    "xliff": {"version", "srcLang", "trgLang"},
    "file": {"id", "original"},
    "unit": {"id", "name"},
    "notes": set(),
    "note": {"category"},
    "originalData": set(),
    "data": {"id"},
    "segment": {"state"},
    "source": set(),
    "target": set(),
    "pc": {"id", "type", "subType", "dataRefStart", "dataRefEnd"},
    "ph": {"id", "type", "subType", "dataRef"},
}
SUBTYPES = {"xlf:b": "fmt", "xlf:i": "fmt", "xlf:lb": "fmt"}

GERMAN = [  # the fixture's segments in order, translated with the source's inlines in the same order
    "Lasst Ana Pérez frei",
    "Ana Pérez, eine *Menschenrechtsverteidigerin*, ist seit dem 3. März 2025 **willkürlich inhaftiert**.",
    "Sie wird ohne Anklage im [El Helicoide](https://www.amnesty.org/en/latest/) festgehalten.",
    "Justizminister",
    "Generalstaatsanwältin",
    "Sehr geehrter Herr Minister,",
    "Sehr geehrte Frau Generalstaatsanwältin,",
    "Ich fordere Sie auf, Ana Pérez **sofort und bedingungslos** freizulassen.",
    "Stellen Sie bis zu ihrer Freilassung sicher, dass sie:",
    "Zugang zu einem Rechtsbeistand ihrer Wahl erhält;",
    "eine *angemessene* medizinische Versorgung erhält.",
    "Bitte beachten Sie den [früheren Appell](#) zu 2.000 Fällen.  \nVielen Dank für Ihre Aufmerksamkeit.",
    "Mit freundlichen Grüßen,",
    "Ana Pérez leitet eine Menschenrechtsgruppe in Caracas.",
    "Wir lassen uns nicht zum Schweigen bringen, sagte sie.",
    "Ana Pérez",
    "sie/ihr",
]


# --- helpers ------------------------------------------------------------------------------


def segments_of(root: Path, slug: str = SLUG):
    action, _ = load_action(root / "source" / "actions" / slug / "action.yaml")
    return action_segments(action)


def po_path(root: Path, lang: str = "de", slug: str = SLUG) -> Path:
    return root / "source" / "actions" / slug / "translations" / f"{lang}.po"


def sample_project(tmp_path: Path) -> Path:
    """A project holding the repository's sample action with its PO files."""
    return make_project(tmp_path, REPOSITORY)


def export(root: Path, lang: str, slug: str = SLUG) -> Path:
    result = run_uapress(root, "export", slug, "--lang", lang, "--format", "xliff")
    assert result.returncode == 0, result.stderr
    path = root / "build" / slug / "translate" / f"{slug}.{lang}.xlf"
    assert path.is_file()
    return path


def live(path: Path) -> dict:
    return {(e.context, e.msgid): e for e in po.read(path).entries if not e.obsolete}


def fill_targets(path: Path, translations: list[str], state: str = "translated") -> None:
    """Do what a CAT tool does: copy each source with its codes into the target, translate the text, confirm."""
    tree = etree.parse(str(path))
    for unit, text in zip(tree.iter(f"{X}unit"), translations):
        segment = unit.find(f"{X}segment")
        old = segment.find(f"{X}target")
        if old is not None:
            segment.remove(old)
        target = copy.deepcopy(segment.find(f"{X}source"))
        target.tag = f"{X}target"
        holders = [target] + [e for e in target.iter() if e is not target]
        slots = [(node, "text") for node in holders if node.text] + [
            (node, "tail") for node in holders[1:] if node.tail
        ]
        slots.sort(key=lambda slot: _position(target, *slot))
        pieces = text_pieces(text)
        assert len(slots) == len(pieces), (unit.get("id"), pieces)
        for (node, attr), piece in zip(slots, pieces):
            setattr(node, attr, piece)
        segment.append(target)
        segment.set("state", state)
    tree.write(str(path), xml_declaration=True, encoding="UTF-8")


def _position(root, node, attr) -> int:
    """Return the document-order position of an element's text (before its children) or tail (after them)."""
    order = {id(e): i for i, e in enumerate(root.iter())}
    if attr == "text":
        return 2 * order[id(node)]
    last = node
    while len(last):
        last = last[-1]
    return 2 * order[id(last)] + 1


def refused(
    root: Path, file: Path, *words: str, code: int = 1, args: tuple = (), lang: str = "de", slug: str = SLUG
) -> str:
    path = po_path(root, lang, slug)
    before = path.read_bytes()
    result = run_uapress(root, "import", str(file), *args)
    assert result.returncode == code, (result.stdout, result.stderr)
    for word in words:
        assert word in result.stderr, (word, result.stderr)
    assert "Traceback" not in result.stderr
    assert path.read_bytes() == before
    return result.stderr


@pytest.fixture(scope="module")
def project_made(tmp_path_factory) -> Path:
    """The exchange fixture with a German PO file in every state: accepted, imported, fuzzy, missing; made once for
    the module (issue 18), copied for each test (`project`)."""
    root = make_project(tmp_path_factory.mktemp("xliff"), "exchange")
    assert run_uapress(root, "translations", "update", SLUG, "--lang", "de").returncode == 0
    path = po_path(root)
    file = po.read(path)
    entries = [e for e in file.entries if not e.obsolete]
    entries[0].msgstr = GERMAN[0]  # accepted
    entries[1].msgstr = GERMAN[1]
    entries[1].comments = ["imported from old.docx on 2026-02-01"]  # imported, not yet accepted
    entries[2].msgstr, entries[2].fuzzy = GERMAN[2], True  # out of date
    entries[2].previous = "She is held in El Helicoide without charge."
    path.write_text(po.render(file), encoding="utf-8")
    return root


@pytest.fixture
def project(project_made, tmp_path) -> Path:
    """A copy of the exchange fixture with a German PO file in every state, for one test to change."""
    root = tmp_path / project_made.name
    shutil.copytree(project_made, root, symlinks=True)
    return root


# --- export -------------------------------------------------------------------------------


def test_export_is_xliff_2_1_with_one_unit_per_segment(project):
    tree = etree.parse(str(export(project, "de")))
    root = tree.getroot()
    assert root.tag == f"{X}xliff" and root.nsmap == {None: NS}
    assert dict(root.attrib) == {"version": "2.1", "srcLang": "en", "trgLang": "de"}
    assert tree.docinfo.xml_version == "1.0" and tree.docinfo.encoding == "UTF-8"
    (file,) = root
    assert file.tag == f"{X}file"
    assert dict(file.attrib) == {"id": SLUG, "original": f"source/actions/{SLUG}/action.yaml"}
    segments = segments_of(project)
    units = list(file)
    assert [(u.tag, u.get("id"), u.get("name")) for u in units] == [(f"{X}unit", s.id, s.field) for s in segments]
    for element in root.iter():
        name = etree.QName(element).localname
        assert etree.QName(element).namespace == NS, element.tag
        assert set(element.attrib) <= ATTRIBUTES[name], (name, dict(element.attrib))
    for unit in units:
        children = [etree.QName(c).localname for c in unit]
        assert children in (["notes", "segment"], ["notes", "originalData", "segment"]), children
        segment = unit.find(f"{X}segment")
        assert [etree.QName(c).localname for c in segment] in (["source"], ["source", "target"])
        assert segment.get("state") in ("initial", "translated", "reviewed", "final")


def test_notes_carry_the_field_the_keep_terms_and_the_old_source(project):
    units = {u.get("id"): u for u in etree.parse(str(export(project, "de"))).iter(f"{X}unit")}
    segments = segments_of(project)

    def notes(segment):
        return [(n.get("category"), n.text) for n in units[segment.id].iterfind(f"{X}notes/{X}note")]

    assert notes(segments[0]) == [("field", "title"), ("keep", "Ana Pérez")]
    assert notes(segments[2]) == [
        ("field", "summary"),
        ("keep", "El Helicoide"),
        ("previous-source", "She is held in El Helicoide without charge."),
    ]
    assert notes(segments[3]) == [("field", "targets.0.title")]


def test_states_follow_the_po(project):
    units = list(etree.parse(str(export(project, "de"))).iter(f"{X}unit"))

    def state(unit):
        segment = unit.find(f"{X}segment")
        target = segment.find(f"{X}target")
        return segment.get("state"), None if target is None else "".join(target.itertext())

    assert state(units[0]) == ("reviewed", GERMAN[0])  # accepted
    assert state(units[1]) == (
        "translated",
        "Ana Pérez, eine Menschenrechtsverteidigerin, ist seit dem 3. März 2025 willkürlich inhaftiert.",
    )  # imported, to review
    assert state(units[2]) == ("initial", "Sie wird ohne Anklage im El Helicoide festgehalten.")  # fuzzy: a draft
    assert state(units[3]) == ("initial", None)  # missing
    assert {state(u)[0] for u in units[3:]} == {"initial"}


def test_inline_codes_protect_formatting_and_links(project):
    units = list(etree.parse(str(export(project, "de"))).iter(f"{X}unit"))
    for unit in units:
        data = {d.get("id"): d.text for d in unit.iterfind(f"{X}originalData/{X}data")}
        referenced = set()
        source_codes = {}
        for part in ("source", "target"):
            content = unit.find(f"{X}segment/{X}{part}")
            if content is None:
                continue
            ids = []
            for code in content.iter(f"{X}pc", f"{X}ph"):
                ids.append(code.get("id"))
                refs = [code.get(a) for a in ("dataRefStart", "dataRefEnd", "dataRef") if code.get(a)]
                assert refs and all(ref in data for ref in refs), (unit.get("id"), refs)
                referenced.update(refs)
                if code.get("subType"):
                    assert code.get("type") == SUBTYPES[code.get("subType")]
                else:
                    assert code.get("type") == "link" and data[code.get("dataRefStart")] == "["
                meaning = tuple(data[r] for r in refs)
                if part == "source":
                    source_codes[code.get("id")] = meaning
                else:  # a target code reuses the id of the same source code, or has an id of its own
                    assert source_codes.get(code.get("id")) == meaning or code.get("id") not in source_codes
            assert len(ids) == len(set(ids)), (unit.get("id"), part, ids)
        assert referenced == set(data), unit.get("id")
    letter = next(u for u in units if u.get("id") == segments_of(project)[11].id)
    source = letter.find(f"{X}segment/{X}source")
    assert [(etree.QName(c).localname, c.get("type"), c.get("subType")) for c in source] == [
        ("pc", "link", None),
        ("ph", "fmt", "xlf:lb"),
    ]
    data = {d.get("id"): d.text for d in letter.iterfind(f"{X}originalData/{X}data")}
    assert data[source[0].get("dataRefEnd")] == "](#)" and data[source[1].get("dataRef")] == "  \n"
    summary = next(u for u in units if u.get("id") == segments_of(project)[2].id)
    link = summary.find(f"{X}segment/{X}target/{X}pc")
    data = {d.get("id"): d.text for d in summary.iterfind(f"{X}originalData/{X}data")}
    assert data[link.get("dataRefEnd")] == "](https://www.amnesty.org/en/latest/)"
    assert link.get("id") == summary.find(f"{X}segment/{X}source/{X}pc").get("id")


def test_export_of_the_source_language_is_a_usage_error(project):
    result = run_uapress(project, "export", SLUG, "--lang", "en", "--format", "xliff")
    assert result.returncode == 2 and "'en' is the source language of defender" in result.stderr


# --- round trips --------------------------------------------------------------------------


def test_round_trip_with_every_target_filled_rebuilds_the_po(tmp_path, msgfmt_check):
    root = sample_project(tmp_path)
    path = po_path(root, "es", SAMPLE)
    original = live(path)
    assert all(e.msgstr and not e.fuzzy for e in original.values()), "the sample's Spanish is complete"
    xliff = export(root, "es", SAMPLE)
    targets = list(etree.parse(str(xliff)).iter(f"{X}target"))
    assert len(targets) == len(original) and all("".join(t.itertext()).strip() for t in targets)
    path.unlink()

    result = run_uapress(root, "import", str(xliff))  # action and language come from the file

    assert result.returncode == 0, result.stderr
    assert f"imported:   {len(original)} segments" in result.stdout
    rebuilt = live(path)
    assert rebuilt.keys() == original.keys()
    for key, entry in original.items():
        assert (rebuilt[key].msgstr, rebuilt[key].fuzzy) == (entry.msgstr, entry.fuzzy), key
        assert rebuilt[key].comments == [f"imported from {xliff.name} on {TODAY}"]
    msgfmt_check(path)
    before = path.read_bytes()

    again = run_uapress(root, "import", str(xliff), "--lang", "es", "--action", SAMPLE)

    assert again.returncode == 0, again.stderr
    assert f"unchanged:  {len(original)} segments" in again.stdout
    assert path.read_bytes() == before


def test_targets_filled_in_a_cat_tool_come_back_as_markdown(project, msgfmt_check):
    xliff = export(project, "de")
    fill_targets(xliff, GERMAN)
    path = po_path(project)
    (project / "source" / "actions" / SLUG / "translations" / "de.po").unlink()

    report = import_file(project, xliff)

    assert len(report.imported) == len(GERMAN) and not report.rejected and not report.not_found
    assert [e.msgstr for e in live(path).values()] == GERMAN
    msgfmt_check(path)


def test_accepted_translation_is_replaced_only_with_force(project):
    xliff = export(project, "de")
    texts = list(GERMAN)
    texts[0] = "Freiheit für Ana Pérez"
    fill_targets(xliff, texts)
    path = po_path(project)
    before = path.read_bytes()

    result = run_uapress(project, "import", str(xliff))

    assert result.returncode == 0, result.stderr
    assert "NOT replaced: the PO has another translation (use --force to replace it): 1" in result.stdout
    assert "PO:   Lasst Ana Pérez frei" in result.stdout and "file: Freiheit für Ana Pérez" in result.stdout
    # The other segments were imported; the accepted title was kept.
    assert live(path)[("title", "Release Ana Pérez")].msgstr == GERMAN[0]
    assert path.read_bytes() != before

    result = run_uapress(project, "import", str(xliff), "--force")

    assert result.returncode == 0, result.stderr
    entry = live(path)[("title", "Release Ana Pérez")]
    assert entry.msgstr == "Freiheit für Ana Pérez" and entry.comments == [f"imported from {xliff.name} on {TODAY}"]


def test_confirming_a_fuzzy_draft_accepts_it_and_initial_targets_stay_drafts(project):
    xliff = export(project, "de")
    tree = etree.parse(str(xliff))
    units = list(tree.iter(f"{X}unit"))
    units[2].find(f"{X}segment").set("state", "translated")  # the translator confirms the old translation
    segment = units[3].find(f"{X}segment")  # and drafts another, unconfirmed
    etree.SubElement(segment, f"{X}target").text = "Justizminister"
    tree.write(str(xliff), xml_declaration=True, encoding="UTF-8")

    report = import_file(project, xliff)

    entries = live(po_path(project))
    confirmed = entries[("summary", segments_of(project)[2].source)]
    assert confirmed.msgstr == GERMAN[2] and not confirmed.fuzzy and confirmed.previous is None
    draft = entries[("targets.0.title", "Minister of Justice")]
    assert draft.msgstr == "Justizminister" and draft.fuzzy
    assert [i.field for i in report.imported] == ["summary"] and [i.field for i in report.drafts] == ["targets.0.title"]


def test_what_cat_tools_do_to_codes_is_read(project):
    """`<sc>`/`<ec>` pairs for a `<pc>`, codes whose original data was dropped, a unit split into two
    segments with an ignorable between them, and annotations (`<mrk>`)."""
    xliff = export(project, "de")
    text = xliff.read_text(encoding="utf-8")
    ids = [s.id for s in segments_of(project)]

    def replace_unit(unit_id: str, body: str) -> None:
        nonlocal text
        pattern = re.compile(rf'(<unit id="{unit_id}" name="[^"]*">).*?(</unit>)', re.S)
        text, count = pattern.subn(lambda m: m.group(1) + body + m.group(2), text)
        assert count == 1

    replace_unit(
        ids[1],
        (
            '<segment state="translated"><source>Ana Pérez, a <pc id="1" subType="xlf:i" type="fmt">human rights '
            'defender</pc>, has been <pc id="2" subType="xlf:b" type="fmt">arbitrarily detained</pc> since 3 March '
            '2025.</source><target>Ana Pérez, eine <sc id="1" subType="xlf:i" type="fmt"/>Menschenrechtsverteidigerin'
            '<ec startRef="1"/>, ist seit dem 3. März 2025 <pc id="2" subType="xlf:b" type="fmt">willkürlich '
            '<mrk id="m1" type="term">inhaftiert</mrk></pc>.</target></segment>'
        ),
    )
    replace_unit(
        ids[11],
        (
            '<originalData><data id="d1">[</data><data id="d2">](#)</data><data id="d3">  \n</data></originalData>'
            '<segment state="translated"><source>Please see the <pc id="1" type="link" dataRefStart="d1" '
            'dataRefEnd="d2">earlier appeal</pc> on 2,000 cases.</source><target>Bitte beachten Sie den <pc id="1" '
            'type="link" dataRefStart="d1" dataRefEnd="d2">früheren Appell</pc> zu 2.000 Fällen.</target></segment>'
            "<ignorable><source> </source></ignorable>"
            '<segment state="reviewed"><source><ph id="2" type="fmt" subType="xlf:lb" dataRef="d3"/>Thank you for your '
            'attention.</source><target><ph id="2" type="fmt" subType="xlf:lb" dataRef="d3"/>Vielen Dank für Ihre '
            "Aufmerksamkeit.</target></segment>"
        ),
    )
    xliff.write_text(text, encoding="utf-8")

    report = import_file(project, xliff)

    entries = live(po_path(project))
    segments = segments_of(project)
    assert entries[("summary", segments[1].source)].msgstr == GERMAN[1]
    assert entries[("letter", segments[11].source)].msgstr == GERMAN[11]
    # The summary reads exactly as the PO's imported translation (so: unchanged); the letter is new.
    assert ids[1] in [i.id for i in report.unchanged] and [i.id for i in report.imported] == [ids[11]]


# --- bad input ----------------------------------------------------------------------------


def test_xliff_1_2_is_refused(project):
    refused(project, FILES / "legacy-1.2.xlf", "legacy-1.2.xlf: XLIFF 1.2 is not supported, export 2.1")


def test_xliff_of_another_action_is_refused(project, tmp_path):
    xliff = export(project, "de")
    other = tmp_path / "other.xlf"
    other.write_text(
        xliff.read_text(encoding="utf-8").replace(f'<file id="{SLUG}"', '<file id="belarus-journalist"'),
        encoding="utf-8",
    )
    refused(
        project,
        other,
        "other.xlf is a translation of the action 'belarus-journalist', which this project does not have",
    )
    refused(
        project,
        xliff,
        f"{xliff.name} is a translation of the action '{SLUG}', not 'minimal'",
        code=2,
        args=("--action", "minimal"),
    )


def test_xliff_of_another_language_is_refused(tmp_path):
    root = sample_project(tmp_path)
    xliff = export(root, "es", SAMPLE)
    refused(
        root,
        xliff,
        f"{xliff.name} is a translation into 'es', not 'fr'",
        code=2,
        args=("--lang", "fr"),
        lang="fr",
        slug=SAMPLE,
    )
    refused(
        root,
        xliff,
        f"{xliff.name} is a translation into 'es', not 'fr'",
        code=2,
        args=("--lang", "fr"),
        lang="es",
        slug=SAMPLE,
    )


def test_xliff_from_another_source_language_is_refused(project):
    xliff = export(project, "de")
    xliff.write_text(xliff.read_text(encoding="utf-8").replace('srcLang="en"', 'srcLang="fr"'), encoding="utf-8")
    refused(project, xliff, "translates from 'fr', but the source language of defender is 'en'")


@pytest.mark.parametrize(
    "doctype",
    [
        '<!DOCTYPE xliff [<!ENTITY xxe SYSTEM "{secret}">]>',
        # "Billion laughs": entities that expand exponentially.
        '<!DOCTYPE xliff [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY xxe "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>',
    ],
)
def test_xml_entities_are_never_resolved(project, tmp_path, doctype):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT", encoding="utf-8")
    xliff = export(project, "de")
    fill_targets(xliff, GERMAN)
    text = xliff.read_text(encoding="utf-8")
    text = text.replace("<xliff ", doctype.format(secret=secret.as_uri()) + "\n<xliff ", 1)
    text = text.replace(f"<target>{GERMAN[0]}</target>", "<target>&xxe;</target>", 1)
    xliff.write_text(text, encoding="utf-8")
    stderr = refused(project, xliff, "refused: the XML declares a DOCTYPE (entities are never resolved")
    assert "TOP-SECRET" not in stderr and "aaaa" not in stderr


def test_malformed_and_foreign_xml_are_refused(project, tmp_path):
    broken = tmp_path / "broken.xlf"
    broken.write_text(
        '<?xml version="1.0"?>\n<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.1">'
        '<file id="defender"><unit',
        encoding="utf-8",
    )
    refused(project, broken, "broken.xlf: not well-formed XML")
    html = tmp_path / "page.xlf"
    html.write_text("<html><body>Hallo</body></html>", encoding="utf-8")
    refused(project, html, "page.xlf is not an XLIFF file (its root element is <html>)")
    pdf = tmp_path / "renamed.xlf"
    pdf.write_bytes(b"%PDF-1.7\n%%EOF\n")
    refused(project, pdf, "renamed.xlf is not an XLIFF file (it is a PDF document)")


def test_xliff_without_target_language_is_refused(project):
    xliff = export(project, "de")
    xliff.write_text(xliff.read_text(encoding="utf-8").replace(' trgLang="de"', ""), encoding="utf-8")
    refused(project, xliff, "the XLIFF file has no trgLang")


# --- PO files from Poedit or Weblate --------------------------------------------------------


def test_po_file_edited_elsewhere_is_imported(project, tmp_path):
    copy_path = tmp_path / "from-poedit.po"
    result = run_uapress(project, "export", SLUG, "--lang", "de", "--format", "po", "--out", str(copy_path))
    assert result.returncode == 0, result.stderr
    file = po.read(copy_path)
    for entry in file.entries:
        if entry.context == "targets.0.title":
            entry.msgstr = "Justizminister"
    copy_path.write_text(po.render(file), encoding="utf-8")

    result = run_uapress(project, "import", str(copy_path))

    assert result.returncode == 0, result.stderr
    assert "imported:   1 segment" in result.stdout
    entry = live(po_path(project))[("targets.0.title", "Minister of Justice")]
    assert entry.msgstr == "Justizminister" and entry.comments == [f"imported from from-poedit.po on {TODAY}"]
    refused(project, copy_path, "from-poedit.po is a translation into 'de', not 'fr'", code=2, args=("--lang", "fr"))


def test_export_into_an_existing_folder_writes_the_usual_file_name_inside_it(tmp_path):
    # `--out DIR` once overwrote DIR's name as a file: a folder must receive SLUG.LANG.xlf.
    folder = tmp_path / "exports"
    folder.mkdir()
    result = run_uapress(
        REPO, "export", "venezuela-hrd-release", "--lang", "fr", "--format", "xliff", "--out", str(folder)
    )
    assert result.returncode == 0, result.stderr
    written = folder / "venezuela-hrd-release.fr.xlf"
    assert written.is_file() and b'trgLang="fr"' in written.read_bytes()
