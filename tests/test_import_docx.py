"""`uapress import` of translated DOCX editions (issue: segment bookmarks, import, LibreOffice round trip,
bad input) and `uapress export --format docx|po`.

A translated DOCX is simulated as a translator makes it: the writer's edition, the text of every
bookmarked paragraph typed over run by run (emphasis, strong and link runs keep their format), then
opened and re-saved by LibreOffice, which renumbers bookmarks, renames the Hyperlink style and
regroups runs. The fixture action `tests/fixtures/exchange` has every inline the Markdown subset has.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from lxml import etree

import libreoffice_batch
from helpers import SAMPLE, text_pieces
from projects import REPOSITORY, make_project, run_uapress
from uapress.commands.exchange import import_file
from uapress.exchange.docx_import import read_docx
from uapress.exchange.markup import Chunk, markdown_chunks, same_text, signature, to_markdown
from uapress.localise import po
from uapress.localise.segments import action_segments
from uapress.source import load_action

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
SLUG = "defender"
TODAY = dt.date.today().isoformat()

GERMAN = {
    # (field, block index in the field) -> the translation, with the source's inlines in the same order.
    ("title", 0): "Lasst Ana Pérez frei",
    ("summary", 0): "Ana Pérez, eine *Menschenrechtsverteidigerin*, ist seit dem 3. März 2025 "
    "**willkürlich inhaftiert**.",
    ("summary", 1): "Sie wird ohne Anklage im [El Helicoide](https://www.amnesty.org/en/latest/) festgehalten.",
    ("targets.0.title", 0): "Justizminister",
    ("targets.0.salutation", 0): "Sehr geehrter Herr Minister,",
    ("targets.1.title", 0): "Generalstaatsanwältin",
    ("targets.1.salutation", 0): "Sehr geehrte Frau Generalstaatsanwältin,",
    ("letter", 0): "Ich fordere Sie auf, Ana Pérez **sofort und bedingungslos** freizulassen.",
    ("letter", 1): "Stellen Sie bis zu ihrer Freilassung sicher, dass sie:",
    ("letter", 2): "Zugang zu einem Rechtsbeistand ihrer Wahl erhält;",
    ("letter", 3): "eine *angemessene* medizinische Versorgung erhält.",
    ("letter", 4): "Bitte beachten Sie den [früheren Appell](#) zu 2.000 Fällen.  \n"
    "Vielen Dank für Ihre Aufmerksamkeit.",
    ("closing", 0): "Mit freundlichen Grüßen,",
    ("background", 0): "Ana Pérez leitet eine Menschenrechtsgruppe in Caracas.",
    ("background", 1): "Wir lassen uns nicht zum Schweigen bringen, sagte sie.",
    ("subject", 0): "Ana Pérez",  # a name: the same in every language, and imported all the same
    ("pronoun", 0): "sie/ihr",
}


# --- helpers ------------------------------------------------------------------------------


def unbound(text: str, action_file: Path) -> str:
    """Return text with the names the DOCX binds by no-break spaces (issue 20) spaced as the source spells them."""
    from uapress.model.typography import unbind_names

    action, _ = load_action(action_file)
    return unbind_names(text, (*action.keep, *(t.name for t in action.targets), *(c.name for c in action.copies)))


def project(tmp_path: Path) -> Path:
    return make_project(tmp_path, "exchange")


def action_of(root: Path, slug: str = SLUG):
    action, _ = load_action(root / "source" / "actions" / slug / "action.yaml")
    return action


def german_by_id(root: Path) -> dict[str, str]:
    """Return the German translation of every segment of the fixture, by segment id."""
    out, counts = {}, {}
    for segment in action_segments(action_of(root)):
        index = counts.get(segment.field, 0)
        counts[segment.field] = index + 1
        out[segment.id] = GERMAN[(segment.field, index)]
    return out


def po_path(root: Path, lang: str = "de") -> Path:
    return root / "source" / "actions" / SLUG / "translations" / f"{lang}.po"


def msgstrs(path: Path) -> dict[str, str]:
    """Return msgstr by segment id (the `#. id:` note) of the live entries of a PO file."""
    return {e.notes[0].removeprefix("id: "): e.msgstr for e in po.read(path).entries if not e.obsolete and e.notes}


def entries(path: Path) -> dict[str, po.PoEntry]:
    return {e.notes[0].removeprefix("id: "): e for e in po.read(path).entries if not e.obsolete and e.notes}


def export_docx(root: Path, lang: str = "en") -> Path:
    result = run_uapress(root, "export", SLUG, "--lang", lang, "--format", "docx")
    assert result.returncode == 0, result.stderr
    path = root / "build" / SLUG / "translate" / f"{SLUG}.{lang}.docx"
    assert path.is_file() and f"wrote build/{SLUG}/translate/{SLUG}.{lang}.docx" in result.stdout
    return path


@pytest.fixture(scope="module")
def exported_english(tmp_path_factory) -> Path:
    """The fixture's English DOCX edition as `uapress export` writes it, exported once for the module (issue 18):
    the tests that type over it or damage it take a copy (`english_copy`)."""
    return export_docx(project(tmp_path_factory.mktemp("english")), "en")


@pytest.fixture
def english_copy(exported_english, tmp_path) -> Path:
    """A copy of the module's exported English edition, named as the export names it."""
    copy = tmp_path / "export" / exported_english.name
    copy.parent.mkdir()
    shutil.copyfile(exported_english, copy)
    return copy


def edit_docx(src: Path, dest: Path, texts: dict[str, str], drop: tuple = (), add_after: dict | None = None) -> None:
    """Type `texts` over the bookmarked segments of a DOCX, run by run; drop whole paragraphs; add new ones.

    `drop`: segment ids whose paragraph is deleted (its bookmark goes with it). `add_after`: segment
    id -> text of a new paragraph (in the same style, no bookmark) typed after that segment's paragraph.
    """
    with zipfile.ZipFile(src) as archive:
        parts = {info.filename: archive.read(info.filename) for info in archive.infolist()}
    root = etree.fromstring(parts["word/document.xml"])
    body = root.find(f"{W}body")
    for start in list(body.iter(f"{W}bookmarkStart")):
        name = start.get(f"{W}name")
        paragraph = next(a for a in start.iterancestors() if a.tag == f"{W}p")
        if name in texts:
            runs = _texts_between(body, start)
            pieces = text_pieces(texts[name])
            assert len(runs) == len(pieces), (name, [t.text for t in runs], pieces)
            for node, piece in zip(runs, pieces):
                node.text = piece
                node.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        if name in (add_after or {}):
            new = etree.fromstring(
                f'<w:p xmlns:w="{W[1:-1]}"><w:pPr><w:pStyle w:val="{paragraph.find(f"{W}pPr/{W}pStyle").get(f"{W}val")}"/>'
                f'</w:pPr><w:r><w:t xml:space="preserve">{add_after[name]}</w:t></w:r></w:p>'
            )
            paragraph.addnext(new)
        if name in drop:
            paragraph.getparent().remove(paragraph)
    parts["word/document.xml"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    write_zip(dest, parts)


def _texts_between(body, start) -> list:
    mark_id = start.get(f"{W}id")
    found, inside = [], False
    for node in body.iter():
        if node is start:
            inside = True
        elif inside and node.tag == f"{W}bookmarkEnd" and node.get(f"{W}id") == mark_id:
            return found
        elif inside and node.tag == f"{W}t":
            found.append(node)
    raise AssertionError(f"no end for bookmark {start.get(f'{W}name')}")


def write_zip(dest: Path, parts: dict[str, bytes]) -> None:
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


def resaved(office, name: str, tmp_path: Path) -> Path:
    """Return a copy of DOCX `name` as LibreOffice opened and re-saved it (headless --convert-to docx), as a
    translator's office would. LibreOffice saves every DOCX the tests type in one batch (issue 18)."""
    saved = tmp_path / "libreoffice" / f"{name}.docx"
    saved.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(office.converted(name, "docx"), saved)
    names = zipfile.ZipFile(saved).namelist()
    assert "word/document.xml" in names
    return saved


def paragraph_edits(root: Path) -> dict:
    """The translator's edits beyond typing over: the letter's third paragraph deleted, one added after the first."""
    ids = {(s.field, s.source[:10]): s.id for s in action_segments(action_of(root))}
    return {
        "drop": (ids[("letter", "Pending he")],),
        "add_after": {ids[("letter", "I urge you")]: "Ein Absatz, den die Übersetzerin hinzugefügt hat."},
    }


def german_docx(edited: bool = False):
    """Return the producer of a German DOCX: the English edition exported, the German typed over it (and, when
    `edited`, a paragraph deleted and one added); LibreOffice re-saves it (`resaved`)."""

    def make(path: Path) -> None:
        root = project(path.parent)
        edit_docx(export_docx(root, "en"), path, german_by_id(root), **(paragraph_edits(root) if edited else {}))

    return make


def sample_export(lang: str):
    """Return the producer of the sample's DOCX edition in `lang`, as `uapress export` writes it."""

    def make(path: Path) -> None:
        root = make_project(path.parent, REPOSITORY)
        slug = "venezuela-hrd-release"
        assert run_uapress(root, "export", slug, "--lang", lang, "--format", "docx").returncode == 0
        shutil.copyfile(root / "build" / slug / "translate" / f"{slug}.{lang}.docx", path)

    return make


libreoffice_batch.register(__name__, f"{SLUG}.de", german_docx(), ["docx"])
libreoffice_batch.register(__name__, f"{SLUG}.de-edited", german_docx(edited=True), ["docx"])
for _lang in ("es", "fr", "ar"):
    libreoffice_batch.register(__name__, f"venezuela-hrd-release.{_lang}", sample_export(_lang), ["docx"])


# --- the Markdown the reader writes --------------------------------------------------------


@pytest.mark.parametrize(
    "markdown",
    [
        "A human rights defender is *arbitrarily* detained.",
        "I urge you to **release** the defender, as the [UN experts](https://www.ohchr.org/en) have asked.",
        'the "[c]rimes against humanity (...)" and **bold *both* bold**',
        "over [2,000 people arbitrarily detained](#) for political reasons",
        "line one  \nline two",
        "5 \\* 3 = 15, a_b_c, a back\\\\slash and 1\\. at the start",
        "***both*** and [**bold link**](https://example.org/a_(b))",
        "&lt;b&gt; is no tag and &amp;amp; no entity",
    ],
)
def test_markdown_of_formatted_text_reads_as_the_text(markdown):
    chunks = markdown_chunks(markdown)
    written, exact = to_markdown(chunks)
    assert exact
    assert signature(markdown_chunks(written)) == signature(chunks)


@pytest.mark.parametrize(
    "chunks, expected",
    [
        ([Chunk("# not a heading")], "\\# not a heading"),
        ([Chunk("1. not a list")], "1\\. not a list"),
        ([Chunk("- not a bullet")], "\\- not a bullet"),
        ([Chunk("<b>x</b> *y* [z]")], "&lt;b>x&lt;/b> \\*y\\* [z]"),
        ([Chunk("a "), Chunk("bold ", bold=True), Chunk("x")], "a **bold** x"),
        ([Chunk("Foro Penal", link="https://example.org/a b")], "[Foro Penal](https://example.org/a%20b)"),
    ],
)
def test_text_that_looks_like_markup_is_escaped(chunks, expected):
    written, exact = to_markdown(chunks)
    assert (written, exact) == (expected, True)
    assert signature(markdown_chunks(written)) == signature(chunks)


# --- bookmarks as the writer makes them -----------------------------------------------------


def test_every_segment_of_every_sample_edition_reads_back_as_its_text(tmp_path):
    from helpers import sample_brand, sample_document
    from uapress.writers import WRITERS

    for lang in ("en", "es", "fr", "ar"):
        document = sample_document(lang)
        path = tmp_path / f"sample.{lang}.docx"
        path.write_bytes(WRITERS["docx"].load()(document, sample_brand()))
        units = {u.id: u for u in read_docx(path).units}
        assert set(units) == {s.id for s in document.segments}, lang
        for segment in document.segments:
            assert units[segment.id].problem is None
            # Names come back bound by no-break spaces (issue 20); the import gives them plain spaces again.
            assert same_text(unbound(units[segment.id].text, SAMPLE), segment.text), (lang, segment.id)


# --- the LibreOffice round trip (issue, point 3) -----------------------------------------


def test_libreoffice_resaved_edition_with_replaced_texts_imports_completely(tmp_path, office, msgfmt_check):
    root = project(tmp_path)
    translated = resaved(office, f"{SLUG}.de", tmp_path)
    # LibreOffice really rewrote the file: its own bookmark numbering and hyperlink style.
    document = zipfile.ZipFile(translated).read("word/document.xml").decode("utf-8")
    assert "InternetLink" in document and "w:history" not in document

    result = run_uapress(root, "import", str(translated), "--action", SLUG, "--lang", "de")

    assert result.returncode == 0, result.stderr
    german = german_by_id(root)
    # The subject is only a name ("Ana Pérez"), the same in every language: stored, not counted as edited (issue 12).
    assert f"imported:   {len(german) - 1} segments" in result.stdout
    assert "only names, the same in every language, stored as they are: 1 segment" in result.stdout
    assert "not in the file" not in result.stdout and "rejected" not in result.stdout
    assert "translations/de.po: created" in result.stdout
    path = po_path(root)
    assert msgstrs(path) == german  # emphasis, strong, links (resolved and `#`) and the hard break came back
    for entry in entries(path).values():
        assert entry.comments == [f"imported from {translated.name} on {TODAY}"]
        assert not entry.fuzzy
    msgfmt_check(path)


@pytest.mark.parametrize("lang", ["es", "fr", "ar"])
def test_libreoffice_resave_of_a_sample_edition_changes_no_translation(tmp_path, office, lang):
    """Arabic runs split around digits, LRM marks, InternetLink: the same edition imports as unchanged."""
    root = make_project(tmp_path, REPOSITORY)
    slug = "venezuela-hrd-release"
    saved = resaved(office, f"{slug}.{lang}", tmp_path)  # the edition `uapress export` wrote, re-saved
    path = root / "source" / "actions" / slug / "translations" / f"{lang}.po"
    before = path.read_bytes()

    report = import_file(root, saved, action=slug, lang=lang)

    assert not report.imported and not report.conflicts and not report.rejected and not report.not_found
    translated = sum(1 for e in po.read(path).entries if e.msgstr and not e.fuzzy and not e.obsolete)
    assert len(report.unchanged) == translated
    # French has untranslated blocks: the edition shows the source there, which is never imported.
    total = len(action_segments(action_of(root, slug)))
    assert [item.detail for item in report.untranslated] == ["still the source text"] * (total - translated)
    assert path.read_bytes() == before


def test_deleted_paragraph_and_added_paragraph_are_reported(tmp_path, office):
    root = project(tmp_path)
    (deleted,) = paragraph_edits(root)["drop"]
    translated = resaved(office, f"{SLUG}.de-edited", tmp_path)

    result = run_uapress(root, "import", str(translated), "--action", SLUG, "--lang", "de")

    assert result.returncode == 0, result.stderr
    german = german_by_id(root)
    assert f"imported:   {len(german) - 2} segments" in result.stdout  # one deleted, one only a name
    assert re.search(rf"not in the file .*: 1\n    {deleted} \(letter\)", result.stdout)
    assert "text outside every segment, not imported" in result.stdout
    assert '"Ein Absatz, den die Übersetzerin hinzugefügt hat."' in result.stdout
    imported = msgstrs(po_path(root))
    assert imported[deleted] == ""
    assert {k: v for k, v in imported.items() if k != deleted} == {k: v for k, v in german.items() if k != deleted}


# --- existing translations, older files, tracked changes ------------------------------------


def _typed(english: Path, tmp_path: Path, texts: dict[str, str], name: str = f"{SLUG}.de.docx") -> Path:
    typed = tmp_path / name
    edit_docx(english, typed, texts)
    return typed


def test_accepted_translation_is_replaced_only_with_force(tmp_path, english_copy):
    root = project(tmp_path)
    german = german_by_id(root)
    import_file(root, _typed(english_copy, tmp_path, german), action=SLUG, lang="de", today=dt.date(2026, 2, 1))
    path = po_path(root)
    title = action_segments(action_of(root))[0].id
    # Accept every import (the translator comment goes), then a second file changes the title.
    path.write_text(
        re.sub(r"^# imported from .*\n", "", path.read_text(encoding="utf-8"), flags=re.M), encoding="utf-8"
    )
    before = path.read_bytes()
    second = _typed(english_copy, tmp_path, {**german, title: "Freiheit für Ana Pérez"}, "second.docx")

    result = run_uapress(root, "import", str(second), "--lang", "de")  # the action found by its bookmarks

    assert result.returncode == 0, result.stderr
    assert "NOT replaced: the PO has another translation (use --force to replace it): 1" in result.stdout
    assert "PO:   Lasst Ana Pérez frei" in result.stdout and "file: Freiheit für Ana Pérez" in result.stdout
    assert f"unchanged:  {len(german) - 1} segments" in result.stdout
    assert path.read_bytes() == before

    result = run_uapress(root, "import", str(second), "--lang", "de", "--force")

    assert result.returncode == 0, result.stderr
    assert "imported:   1 segment" in result.stdout
    entry = entries(path)[title]
    assert entry.msgstr == "Freiheit für Ana Pérez"
    assert entry.comments == [f"imported from second.docx on {TODAY}"]


def test_names_bound_with_no_break_spaces_come_back_with_plain_spaces(tmp_path, english_copy):
    # Issue 20: the DOCX edition binds names ("Ana\u00a0Pérez") so that they never break; a translator who edits
    # around them brings them back bound, and the PO keeps the name as the source spells it.
    root = project(tmp_path)
    german = german_by_id(root)
    title = action_segments(action_of(root))[0].id
    assert "Ana Pérez" in german[title]
    typed = _typed(english_copy, tmp_path, {**german, title: german[title].replace("Ana Pérez", "Ana\u00a0Pérez")})
    import_file(root, typed, action=SLUG, lang="de", today=dt.date(2026, 2, 1))
    assert msgstrs(po_path(root))[title] == german[title]


def test_file_made_from_an_older_source_is_matched_through_previous_entries(tmp_path, english_copy):
    root = project(tmp_path)
    german = german_by_id(root)
    import_file(root, _typed(english_copy, tmp_path, german), action=SLUG, lang="de")
    old_file = _typed(english_copy, tmp_path, german, "old.docx")  # made before the source changes
    segments = action_segments(action_of(root))
    old_id = next(s.id for s in segments if s.source.startswith("Ana Pérez leads"))
    yaml_path = root / "source" / "actions" / SLUG / "action.yaml"
    yaml_path.write_text(
        yaml_path.read_text(encoding="utf-8").replace(
            "leads a human rights group in Caracas.", "leads a human rights group in Caracas and Valencia."
        ),
        encoding="utf-8",
    )
    assert run_uapress(root, "translations", "update", SLUG, "--lang", "de").returncode == 0
    entry = next(e for e in entries(po_path(root)).values() if e.msgid.endswith("Caracas and Valencia."))
    assert entry.fuzzy and entry.previous.endswith("Caracas.")
    edit_docx(old_file, tmp_path / "old-revised.docx", {old_id: "Ana Pérez leitet eine Gruppe in Caracas."})

    report = import_file(root, tmp_path / "old-revised.docx", action=SLUG, lang="de")

    assert [item.id for item in report.older] == [old_id]
    entry = next(e for e in entries(po_path(root)).values() if e.msgid.endswith("Caracas and Valencia."))
    assert entry.msgstr == "Ana Pérez leitet eine Gruppe in Caracas."
    assert entry.fuzzy, "a translation of the old source is never published for the new one"
    assert entry.comments == [f"imported from old-revised.docx on {TODAY}"]
    # The new segment's bookmark is not in the old file; the report says so.
    assert [item.field for item in report.not_found] == ["background"]


def test_tracked_changes_are_read_as_accepted(tmp_path, english_copy):
    root = project(tmp_path)
    title = action_segments(action_of(root))[0].id
    english = english_copy
    with zipfile.ZipFile(english) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    xml = parts["word/document.xml"].decode("utf-8")
    old_run = '<w:r><w:t xml:space="preserve">Release Ana\u00a0Pérez</w:t></w:r>'  # a bound name (issue 20)
    assert old_run in xml
    tracked = (
        '<w:del w:id="90" w:author="T"><w:r><w:delText>Release Ana Pérez</w:delText></w:r></w:del>'
        '<w:ins w:id="91" w:author="T"><w:r><w:t>Lasst Ana Pérez frei</w:t></w:r></w:ins>'
    )
    parts["word/document.xml"] = xml.replace(old_run, tracked, 1).encode("utf-8")
    write_zip(tmp_path / "tracked.docx", parts)

    report = import_file(root, tmp_path / "tracked.docx", action=SLUG, lang="de")

    # The title; the subject is only a name, so it reads the same in German and is stored as it is.
    assert [item.field for item in report.imported] == ["title"]
    assert [item.field for item in report.names] == ["subject"]
    assert msgstrs(po_path(root))[title] == "Lasst Ana Pérez frei"
    assert "the file has 2 tracked changes: read as if they were all accepted" in report.notes


def test_links_written_as_fields_are_read(tmp_path, english_copy):
    """Some converters write a link as a HYPERLINK field instead of `w:hyperlink`; both are links."""
    root = project(tmp_path)
    english = english_copy
    with zipfile.ZipFile(english) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    xml = parts["word/document.xml"].decode("utf-8")
    link = re.search(r"<w:hyperlink [^>]*>(<w:r>.*?</w:r>)</w:hyperlink>", xml)
    field = (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        '<w:r><w:instrText xml:space="preserve"> HYPERLINK "https://example.org/helicoide" </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        + link.group(1)
        + '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )
    parts["word/document.xml"] = xml.replace(link.group(0), field, 1).encode("utf-8")
    write_zip(tmp_path / "field.docx", parts)
    summary = next(s for s in action_segments(action_of(root)) if "El Helicoide" in s.source)

    units = {u.id: u.text for u in read_docx(tmp_path / "field.docx").units}

    text = units[summary.id].replace("\u00a0", " ")  # the name is bound (issue 20)
    assert text == "She is held in [El Helicoide](https://example.org/helicoide) without charge."


# --- the checklist knows the origin (issue, point 5) ---------------------------------------


def test_checklist_shows_imported_segments_and_checks_them(tmp_path, english_copy):
    root = project(tmp_path)
    german = german_by_id(root)
    number_segment = next(s.id for s in action_segments(action_of(root)) if "2,000" in s.source)
    german[number_segment] = german[number_segment].replace("2.000", "zweitausend")  # a QA error: the number is gone
    import_file(root, _typed(english_copy, tmp_path, german), action=SLUG, lang="de")

    result = run_uapress(root, "checklist", SLUG, "--lang", "de")

    assert result.returncode == 0, result.stderr
    data = json.loads((root / "build" / SLUG / "de" / "checklist.json").read_text(encoding="utf-8"))
    origins = {s["id"]: s["origin"] for s in data["segments"]}
    assert set(origins.values()) == {f"imported from {SLUG}.de.docx on {TODAY}"}
    assert f"{len(german)} imported segments to review" in data["reasons"]
    assert data["ready"] is False
    findings = next(s["findings"] for s in data["segments"] if s["id"] == number_segment)
    assert any(f["check"] == "numbers" and f["severity"] == "error" for f in findings)
    html = (root / "build" / SLUG / "de" / "checklist.html").read_text(encoding="utf-8")
    assert f"imported from {SLUG}.de.docx on {TODAY}" in html

    # Accepting = deleting the comment: the segment is no longer flagged.
    path = po_path(root)
    path.write_text(
        re.sub(r"^# imported from .*\n", "", path.read_text(encoding="utf-8"), flags=re.M), encoding="utf-8"
    )
    assert run_uapress(root, "checklist", SLUG, "--lang", "de").returncode == 0
    data = json.loads((root / "build" / SLUG / "de" / "checklist.json").read_text(encoding="utf-8"))
    assert not any("imported" in reason for reason in data["reasons"])


# --- a whole new language (issue, "Tests") --------------------------------------------------


def test_full_cycle_for_a_new_language(tmp_path, office):
    root = project(tmp_path)
    translated = resaved(office, f"{SLUG}.de", tmp_path)
    result = run_uapress(root, "import", str(translated), "--action", SLUG, "--lang", "de")
    assert result.returncode == 0, result.stderr
    assert "'de' is not published yet: add it to 'languages'" in result.stdout
    # Publishing a language is the publishing team's decision, made in the source.
    yaml_path = root / "source" / "actions" / SLUG / "action.yaml"
    yaml_path.write_text(
        yaml_path.read_text(encoding="utf-8").replace("language: en\n", "language: en\nlanguages: [de]\n"),
        encoding="utf-8",
    )

    result = run_uapress(root, "build")  # what `make all` runs

    assert result.returncode == 0, result.stdout + result.stderr
    folder = root / "build" / SLUG / "de"
    for name in (f"{SLUG}.de.pdf", f"{SLUG}.de.docx", f"{SLUG}.de.html", "checklist.html", "checklist.json"):
        assert (folder / name).is_file(), name
    html = (folder / f"{SLUG}.de.html").read_text(encoding="utf-8").replace("\u00a0", " ")  # bound names (issue 20)
    assert "Ich fordere Sie auf, Ana Pérez" in html and 'lang="de"' in html
    assert "I urge you" not in html
    checklist = json.loads((folder / "checklist.json").read_text(encoding="utf-8"))
    assert checklist["language"] == "de" and checklist["counts"]["missing"] == 0
    assert all(s["origin"].startswith("imported from") for s in checklist["segments"])
    # The German DOCX edition carries the same bookmarks, so it can go round again.
    units = {
        u.id: unbound(u.text, root / "source" / "actions" / SLUG / "action.yaml")
        for u in read_docx(folder / f"{SLUG}.de.docx").units
    }
    assert units == german_by_id(root)


# --- bad input: every failure leaves the PO file as it was, byte for byte ------------------


@pytest.fixture(scope="module")
def with_po_made(tmp_path_factory) -> Path:
    """A project whose German PO file already holds one translation, made once for the module (issue 18)."""
    root = project(tmp_path_factory.mktemp("with-po"))
    assert run_uapress(root, "translations", "update", SLUG, "--lang", "de").returncode == 0
    path = po_path(root)
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            'msgid "Release Ana Pérez"\nmsgstr ""', 'msgid "Release Ana Pérez"\nmsgstr "Lasst Ana Pérez frei"'
        ),
        encoding="utf-8",
    )
    assert msgstrs(path)[action_segments(action_of(root))[0].id] == "Lasst Ana Pérez frei"
    return root


@pytest.fixture
def with_po(with_po_made, tmp_path) -> Path:
    """A copy of the project whose German PO file already holds one translation, for one test to change."""
    root = tmp_path / with_po_made.name
    shutil.copytree(with_po_made, root, symlinks=True)
    return root


def _refused(root: Path, file: Path, *words: str, code: int = 1, args=("--action", SLUG, "--lang", "de")) -> str:
    path = po_path(root)
    before = path.read_bytes()
    listing = sorted(p.name for p in path.parent.iterdir())
    result = run_uapress(root, "import", str(file), *args)
    assert result.returncode == code, (result.stdout, result.stderr)
    for word in words:
        assert word in result.stderr, (word, result.stderr)
    assert "Traceback" not in result.stderr
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == listing  # no temporary file left behind
    return result.stderr


def test_renamed_pdf_is_refused(with_po, tmp_path):
    fake = tmp_path / "translated.docx"
    fake.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n")
    _refused(with_po, fake, "translated.docx is not a DOCX file (it is a PDF document)")


def test_text_file_is_refused(with_po, tmp_path):
    fake = tmp_path / "notes.docx"
    fake.write_text("Just some notes.\n", encoding="utf-8")
    _refused(with_po, fake, "notes.docx is not a DOCX file")


def test_truncated_zip_is_refused(with_po, tmp_path, english_copy):
    whole = english_copy
    broken = tmp_path / "broken.docx"
    broken.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    _refused(with_po, broken, "broken.docx: the file is damaged (corrupted zip)")


def test_zip_with_a_corrupted_member_is_refused(with_po, tmp_path, english_copy):
    data = bytearray(english_copy.read_bytes())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo("word/document.xml")
    # Flip bytes inside the deflated document part: the directory is intact, the data is not.
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra) + 40
    for offset in range(start, start + 32):
        data[offset] ^= 0xFF
    broken = tmp_path / "flipped.docx"
    broken.write_bytes(bytes(data))
    _refused(with_po, broken, "flipped.docx: the file is damaged (corrupted zip)")


def test_zip_bomb_is_refused_before_inflating(with_po, tmp_path, english_copy):
    bomb = tmp_path / "bomb.docx"
    with zipfile.ZipFile(english_copy) as source:
        parts = {name: source.read(name) for name in ("[Content_Types].xml", "_rels/.rels")}
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            block = b"\0" * (1024 * 1024)
            for _ in range(60):
                member.write(block)
    assert bomb.stat().st_size < 1024 * 1024
    _refused(with_po, bomb, "bomb.docx: refused", "MiB allowed", "zip bomb")


def test_external_entities_are_never_resolved(with_po, tmp_path, english_copy):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT", encoding="utf-8")
    english = english_copy
    parts = {n: zipfile.ZipFile(english).read(n) for n in zipfile.ZipFile(english).namelist()}
    xml = parts["word/document.xml"].decode("utf-8")
    xml = xml.replace(
        "<w:document ", f'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>\n<w:document ', 1
    )
    xml = xml.replace(">Release Ana Pérez<", ">&xxe;<", 1)
    parts["word/document.xml"] = xml.encode("utf-8")
    hostile = tmp_path / "xxe.docx"
    write_zip(hostile, parts)
    stderr = _refused(with_po, hostile, "xxe.docx: word/document.xml: refused: the XML declares a DOCTYPE")
    assert "TOP-SECRET" not in stderr
    assert "TOP-SECRET" not in po_path(with_po).read_text(encoding="utf-8")


def test_docx_without_bookmarks_is_refused(with_po, tmp_path):
    import docx

    plain = docx.Document()
    plain.add_paragraph("Lasst Ana Pérez frei")
    path = tmp_path / "retyped.docx"
    plain.save(path)
    _refused(
        with_po,
        path,
        "retyped.docx has no segment bookmarks, so nothing was imported",
        "not made by uapress, or it lost its bookmarks",
    )


def test_opendocument_file_is_refused(with_po, tmp_path):
    odt = tmp_path / "translated.docx"
    write_zip(odt, {"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<office/>"})
    _refused(with_po, odt, "translated.docx is not a DOCX file: it is an OpenDocument file (save it as .docx)")


def test_docx_of_another_action_is_refused(with_po, tmp_path):
    other = make_project(tmp_path / "other", "minimal")
    result = run_uapress(other, "export", "minimal", "--lang", "en", "--format", "docx")
    assert result.returncode == 0, result.stderr
    exported = other / "build" / "minimal" / "translate" / "minimal.en.docx"
    # The file names its action (issue 19): a conflicting --action is a usage error, and without one
    # the import says the project has no such action.
    _refused(with_po, exported, "is a translation of the action 'minimal', not 'defender'", code=2)
    _refused(with_po, exported, "the action 'minimal', which this project does not have", args=("--lang", "de"))
    # A file that names no action (its properties stripped) is matched by its bookmarks.
    with zipfile.ZipFile(exported) as archive:
        parts = {
            i.filename: archive.read(i.filename) for i in archive.infolist() if i.filename != "docProps/custom.xml"
        }
    anonymous = tmp_path / "anonymous.docx"
    write_zip(anonymous, parts)
    _refused(
        with_po,
        anonymous,
        # Two of its segments are in both actions ("Minister of Justice", "Dear Minister,").
        "only 2 of its 8 segments belong to the action 'defender'",
        "made for another action",
        "Nothing was imported",
    )


def test_docx_needs_a_language(with_po, english_copy):
    _refused(
        with_po,
        english_copy,
        "is the en edition",
        "translated into with --lang",
        code=2,
        args=("--action", SLUG),
    )


def test_source_language_is_no_target(with_po, english_copy):
    _refused(
        with_po,
        english_copy,
        "'en' is the source language of defender",
        code=2,
        args=("--action", SLUG, "--lang", "en"),
    )


def test_link_to_a_forbidden_address_is_rejected(with_po, tmp_path, english_copy):
    """A translated link may not go to `javascript:`: that segment is rejected, the others import."""
    english = english_copy
    parts = {n: zipfile.ZipFile(english).read(n) for n in zipfile.ZipFile(english).namelist()}
    parts["word/_rels/document.xml.rels"] = parts["word/_rels/document.xml.rels"].replace(
        b"https://www.amnesty.org/en/latest/", b"javascript:alert(1)"
    )
    hostile = tmp_path / "script.docx"
    write_zip(hostile, parts)
    summary = next(s for s in action_segments(action_of(with_po)) if "El Helicoide" in s.source)
    german = german_by_id(with_po)
    edit_docx(hostile, hostile, german)

    report = import_file(with_po, hostile, action=SLUG, lang="de")

    assert [(item.id, "javascript:alert(1)" in item.detail) for item in report.rejected] == [(summary.id, True)]
    assert msgstrs(po_path(with_po))[summary.id] == ""


# --- export -------------------------------------------------------------------------------


def test_export_po_is_a_copy_of_the_store(with_po):
    result = run_uapress(with_po, "export", SLUG, "--lang", "de", "--format", "po")
    assert result.returncode == 0, result.stderr
    assert (with_po / "build" / SLUG / "translate" / f"{SLUG}.de.po").read_bytes() == po_path(with_po).read_bytes()


def test_export_po_of_a_new_language_starts_it(tmp_path, msgfmt_check):
    root = project(tmp_path)
    out = tmp_path / "new.po"
    result = run_uapress(root, "export", SLUG, "--lang", "pt-BR", "--format", "po", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "a new PO file for this language" in result.stdout
    assert not po_path(root, "pt-BR").exists()  # the store itself is untouched
    assert len([e for e in po.read(out).entries if not e.obsolete]) == len(action_segments(action_of(root)))
    msgfmt_check(out)


def test_export_docx_in_any_language_carries_the_bookmarks(tmp_path):
    root = project(tmp_path)
    ids = [s.id for s in action_segments(action_of(root))]
    for lang in ("en", "fr"):  # the source edition, and a language with no translation (all fallbacks)
        units = read_docx(export_docx(root, lang)).units
        assert [u.id for u in units] == ids, lang


def test_export_rejects_unknown_format_and_language(tmp_path):
    root = project(tmp_path)
    result = run_uapress(root, "export", SLUG, "--lang", "de", "--format", "odt")
    assert result.returncode == 2 and "unknown export format 'odt'" in result.stderr
    result = run_uapress(root, "export", SLUG, "--lang", "xx-notalang", "--format", "xliff")
    assert result.returncode == 2 and "'xx-notalang' is not a known language tag" in result.stderr
