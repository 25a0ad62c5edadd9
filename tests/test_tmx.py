"""TMX 1.4b (issue 14, part 2): `uapress export --format tmx` and `uapress import FILE.tmx`.

The export validates against the published TMX 1.4b DTD (tests/fixtures/tmx/tmx14.dtd, through
lxml), carries the PO files' Markdown verbatim, and imports back with no loss: every unit read
from the imported file is one the PO files hold, and exporting again gives the same bytes.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from lxml import etree

import projects
from projects import REPO, REPOSITORY, SAMPLE_SLUG, files_under, make_project, run_uapress
from test_cli import assert_clean
from test_translations import live, parse_po
from uapress.localise.memory import read_tmx_units

DTD = Path(__file__).parent / "fixtures" / "tmx" / "tmx14.dtd"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
SAMPLE = "venezuela-hrd-release"


@pytest.fixture
def project(tmp_path):
    """The repository's sources (the sample and its follow-up) and styles."""
    return make_project(tmp_path, REPOSITORY)


def po_units(root: Path, langs=("es", "fr", "ar"), slugs=None) -> set[tuple]:
    """Return (action, field, source, lang, translation) of every published translation, read from the PO files."""
    out = set()
    for folder in sorted((root / "source" / "actions").iterdir()):
        if slugs and folder.name not in slugs:
            continue
        for lang in langs:
            path = folder / "translations" / f"{lang}.po"
            if not path.exists():
                continue
            for e in live(parse_po(path.read_text(encoding="utf-8"))):
                if e["msgstr"] and "fuzzy" not in e["flags"]:
                    out.add((folder.name, e["context"], e["msgid"], lang, e["msgstr"]))
    return out


def tmx_units(path: Path) -> set[tuple]:
    """Return the same tuples read from a TMX file with lxml alone."""
    out = set()
    for tu in etree.parse(str(path)).getroot().iter("tu"):
        props = {p.get("type"): p.text for p in tu.iter("prop")}
        variants = {tuv.get(XML_LANG): tuv.find("seg").text for tuv in tu.iter("tuv")}
        source = variants.pop(tu.get("srclang"))
        for lang, text in variants.items():
            out.add((props["x-uapress-action"], props["x-uapress-field"], source, lang, text))
    return out


def test_export_validates_against_the_tmx_14b_dtd_and_holds_every_translation(project):
    result = run_uapress(project, "export", "--format", "tmx")
    assert_clean(result)
    assert result.returncode == 0, result.stderr
    path = project / "build" / "memory.tmx"
    dtd = etree.DTD(str(DTD))
    tree = etree.parse(str(path))
    # The count is of <tu> elements, one per source block with all its translations (issue 19).
    units = len(tree.findall(".//tu"))
    assert units > 1
    assert f"wrote build/memory.tmx ({units} translation units" in result.stdout
    assert dtd.validate(tree), dtd.error_log.filter_from_errors()
    assert tree.docinfo.doctype == '<!DOCTYPE tmx SYSTEM "tmx14.dtd">'
    header = tree.getroot().find("header")
    assert header.get("srclang") == "en" and header.get("creationtool") == "uapress"
    assert tmx_units(path) == po_units(project)
    # Markdown travels verbatim: links with their addresses, emphasis marks.
    segs = [seg.text for seg in tree.iter("seg")]
    assert any("[2,000 people arbitrarily detained](#)" in text for text in segs)
    assert (
        any("*Example text of an illustrative follow-up" in text for text in segs) is False
    )  # untranslated: not memory


def test_export_of_one_action_and_one_language(project):
    out = project / "one.tmx"
    result = run_uapress(project, "export", SAMPLE, "--lang", "es", "--format", "tmx", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert etree.DTD(str(DTD)).validate(etree.parse(str(out)))
    assert tmx_units(out) == po_units(project, ("es",), {SAMPLE})
    default = run_uapress(project, "export", SAMPLE, "--format", "tmx")
    assert default.returncode == 0, default.stderr
    assert (project / "build" / SAMPLE / "translate" / f"{SAMPLE}.tmx").is_file()


def test_round_trip_export_import_export_loses_nothing(project, tmp_path):
    assert run_uapress(project, "export", "--format", "tmx").returncode == 0
    first = (project / "build" / "memory.tmx").read_bytes()
    # Into an empty project: the imported file alone must give back every unit.
    empty = tmp_path / "empty"
    shutil.copytree(REPO / "source" / "labels", empty / "source" / "labels")
    (empty / "source" / "actions").mkdir()
    result = run_uapress(empty, "import", str(project / "build" / "memory.tmx"))
    assert_clean(result)
    assert result.returncode == 0, result.stderr
    stored = empty / "source" / "memory" / "memory.tmx"
    assert tmx_units(stored) == po_units(project)
    units = read_tmx_units(stored)
    assert {(u.origin, u.field, u.source, u.target_lang, u.target) for u in units} == po_units(project)
    again = run_uapress(empty, "export", "--format", "tmx")
    assert again.returncode == 0, again.stderr
    assert (empty / "build" / "memory.tmx").read_bytes() == first
    # Into the same project: the units are the PO files' own, reported as known, and nothing doubles.
    result = run_uapress(project, "import", str(project / "build" / "memory.tmx"))
    assert result.returncode == 0, result.stderr
    assert f"{len(po_units(project))} already in the actions' PO files" in result.stdout, result.stdout
    assert run_uapress(project, "export", "--format", "tmx").returncode == 0
    assert (project / "build" / "memory.tmx").read_bytes() == first


def test_hard_breaks_and_white_space_survive(tmp_path):
    root = tmp_path / "p"
    (root / "source" / "actions").mkdir(parents=True)
    text = "First line  \nsecond line with **strong** and a [link](https://example.org/?a=1&b=2) <not a tag>"
    tmx = tmp_path / "in.tmx"
    tmx.write_text(
        f"""<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4"><header creationtool="t" creationtoolversion="1" segtype="block" o-tmf="t" adminlang="en"
 srclang="en" datatype="plaintext"/><body><tu><prop type="x-uapress-field">letter</prop>
<tuv xml:lang="en"><seg>{text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")}</seg></tuv>
<tuv xml:lang="de"><seg>Erste Zeile  \nzweite</seg></tuv></tu></body></tmx>""",
        encoding="utf-8",
    )
    assert run_uapress(root, "import", str(tmx)).returncode == 0
    (unit,) = read_tmx_units(root / "source" / "memory" / "in.tmx")
    assert (unit.source, unit.target, unit.field, unit.origin) == (text, "Erste Zeile  \nzweite", "letter", "in.tmx")


@pytest.mark.parametrize(
    "body, words",
    [
        (
            '<!DOCTYPE tmx [<!ENTITY boom "boom">]><tmx version="1.4"><header creationtool="t" creationtoolversion="1" '
            'segtype="block" o-tmf="t" adminlang="en" srclang="en" datatype="plaintext"/><body/></tmx>',
            "declares its own entities",
        ),
        (
            '<tmx version="1.4"><header creationtool="t" creationtoolversion="1" segtype="block" o-tmf="t" adminlang="en" '
            'datatype="plaintext"/><body/></tmx>',
            "no srclang",
        ),
        (
            '<tmx version="1.4"><header creationtool="t" creationtoolversion="1" segtype="block" o-tmf="t" adminlang="en" '
            'srclang="en" datatype="plaintext"/><body><tu>\n<tuv xml:lang="en"/></tu></body></tmx>',
            "bad.tmx:2: a <tuv> needs",
        ),
        ('<tmx version="1.4"><header', "not well-formed"),
    ],
)
def test_bad_tmx_is_refused_and_nothing_is_written(project, tmp_path, body, words):
    bad = tmp_path / "bad.tmx"
    bad.write_text(body, encoding="utf-8")
    before = files_under(project / "source")
    result = run_uapress(project, "import", str(bad))
    assert_clean(result)
    assert result.returncode == 1, result.stderr
    assert words in result.stderr, result.stderr
    assert files_under(project / "source") == before


def test_import_of_tmx_takes_no_action_or_language(project):
    assert run_uapress(project, "export", "--format", "tmx").returncode == 0
    result = run_uapress(project, "import", "build/memory.tmx", "--lang", "es")
    assert result.returncode == 2
    assert "translation memory (TMX)" in result.stderr


def test_other_formats_still_need_an_action_and_a_language(project):
    result = run_uapress(project, "export", "--format", "xliff")
    assert result.returncode == 2
    assert "give the action and --lang" in result.stderr


def test_help_shows_the_tmx_examples(project):
    assert "uapress export --format tmx" in run_uapress(project, "export", "--help").stdout
    assert "uapress import memory.tmx" in run_uapress(project, "import", "--help").stdout


def test_export_gives_cat_tools_one_language_pair_and_no_text_under_a_language_it_is_not_in(tmp_path: Path) -> None:
    """Issue 23: OmegaT given the all-language memory filled French with Spanish; CAT tools get one file per pair,
    and Spanish stored as French is never exported under `xml:lang="fr"`."""
    from uapress.localise import po

    project = make_project(tmp_path, projects.SAMPLE)
    translations = project / "source" / "actions" / SAMPLE_SLUG / "translations"
    spanish = {(e.context, e.msgid): e.msgstr for e in po.read(translations / "es.po").entries if e.msgstr.strip()}
    french = po.read(translations / "fr.po")
    slipped = next(
        e for e in french.entries if not e.msgstr.strip() and len(spanish.get((e.context, e.msgid), "")) > 200
    )
    slipped.msgstr = spanish[(slipped.context, slipped.msgid)]  # accepted, as if reviewed by mistake
    (translations / "fr.po").write_text(po.render(french), encoding="utf-8")
    result = run_uapress(project, "export", "--format", "tmx")
    assert result.returncode == 0, result.stderr
    assert "for archives" in result.stdout and "memory.en-fr.tmx" in result.stdout
    pair = etree.parse(str(project / "build" / "memory.en-fr.tmx"))
    units = pair.findall(".//tu")
    assert len(units) >= 10
    for tu in units:
        assert sorted(tuv.get(XML_LANG) for tuv in tu.iter("tuv")) == ["en", "fr"]
    for name in ("memory.tmx", "memory.en-fr.tmx"):
        tree = etree.parse(str(project / "build" / name))
        french_text = [tuv.findtext("seg") for tuv in tree.iter("tuv") if tuv.get(XML_LANG) == "fr"]
        assert french_text and slipped.msgstr not in french_text, name
