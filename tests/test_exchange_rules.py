"""Issue 19: a translator's work lands in its own action and language, and only reviewed text is reused.

Played as a section office would, on the repository's sample with its follow-up beside it: the
DOCX edition is exported, typed over, imported back; the PO files are read back and `msgfmt -c`
checks them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import shutil
import subprocess
import time
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from conftest import require
from projects import REPO, run_uapress
from uapress.localise import po
from uapress.localise.segments import action_segments
from uapress.source import load_action

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
OLD = "venezuela-hrd-release"
FOLLOWUP = "venezuela-hrd-release-fi1"

FRENCH_BACKGROUND = (
    "La politique de répression menée depuis longtemps par le gouvernement vénézuélien pour faire taire toute "
    "forme de dissidence a recours aux détentions arbitraires pour persécuter les personnes au Venezuela."
)
SPANISH_BACKGROUND = (
    "La política de represión del gobierno venezolano para silenciar cualquier forma de disidencia ha usado "
    "las detenciones arbitrarias por motivos políticos para perseguir a las personas en Venezuela."
)


@pytest.fixture
def repo_copy(tmp_path):
    """The repository's sources and styles: the sample and its follow-up."""
    for name in ("source", "styles"):
        shutil.copytree(REPO / name, tmp_path / name)
    return tmp_path


def po_file(root: Path, slug: str, lang: str) -> Path:
    return root / "source" / "actions" / slug / "translations" / f"{lang}.po"


def segments(root: Path, slug: str):
    action, _ = load_action(root / "source" / "actions" / slug / "action.yaml")
    return action_segments(action)


def export_docx(root: Path, slug: str, lang: str) -> Path:
    result = run_uapress(root, "export", slug, "--lang", lang, "--format", "docx")
    assert result.returncode == 0, result.stderr
    return root / "build" / slug / "translate" / f"{slug}.{lang}.docx"


def type_over(src: Path, dest: Path, texts: dict[str, str]) -> None:
    """Type `texts` (plain) over the bookmarked paragraphs named by segment id, as a translator would."""
    with zipfile.ZipFile(src) as archive:
        parts = {info.filename: archive.read(info.filename) for info in archive.infolist()}
    root = etree.fromstring(parts["word/document.xml"])
    for start in list(root.iter(f"{W}bookmarkStart")):
        name = start.get(f"{W}name")
        if name not in texts:
            continue
        mark, found, inside = start.get(f"{W}id"), [], False
        for node in root.iter():
            if node is start:
                inside = True
            elif inside and node.tag == f"{W}bookmarkEnd" and node.get(f"{W}id") == mark:
                break
            elif inside and node.tag == f"{W}t":
                found.append(node)
        assert found, name
        found[0].text = texts[name]
        for node in found[1:]:
            node.text = ""
    parts["word/document.xml"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


def edit_source(root: Path, slug: str, old: str, new: str) -> None:
    path = root / "source" / "actions" / slug / "action.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def entry_for(root: Path, slug: str, lang: str, start: str) -> po.PoEntry:
    return next(e for e in po.read(po_file(root, slug, lang)).entries if not e.obsolete and e.msgid.startswith(start))


# --- where the work lands -----------------------------------------------------------------


def test_old_docx_of_an_action_with_a_followup_imports_into_its_own_action(repo_copy, tmp_path, msgfmt_check):
    background = next(s for s in segments(repo_copy, OLD) if s.field == "background")
    exported = export_docx(repo_copy, OLD, "fr")
    # The source is edited after the export (the summary reworded), as happens while a file is out.
    edit_source(repo_copy, OLD, "In January 2026, human rights", "In January 2026, the human rights")
    typed = tmp_path / "retour.docx"
    type_over(exported, typed, {background.id: FRENCH_BACKGROUND})
    followup_before = po_file(repo_copy, FOLLOWUP, "fr").read_bytes()

    result = run_uapress(repo_copy, "import", str(typed))

    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{OLD}" in result.stdout
    assert entry_for(repo_copy, OLD, "fr", background.source[:40]).msgstr == FRENCH_BACKGROUND
    assert po_file(repo_copy, FOLLOWUP, "fr").read_bytes() == followup_before, "the follow-up was not touched"
    msgfmt_check(po_file(repo_copy, OLD, "fr"))


def test_a_conflicting_action_option_is_a_usage_error(repo_copy, tmp_path):
    exported = export_docx(repo_copy, OLD, "fr")
    before = po_file(repo_copy, FOLLOWUP, "fr").read_bytes()

    result = run_uapress(repo_copy, "import", str(exported), "--action", FOLLOWUP)

    assert result.returncode == 2, result.stdout + result.stderr
    assert f"a translation of the action '{OLD}', not '{FOLLOWUP}'" in result.stderr
    assert "Traceback" not in result.stderr
    assert po_file(repo_copy, FOLLOWUP, "fr").read_bytes() == before


# --- the right language -------------------------------------------------------------------


def translations(root: Path, slug: str, lang: str) -> dict[str, str]:
    """Return the published translation of every segment of an action into `lang`, by segment id."""
    entries = {(e.context, e.msgid): e for e in po.read(po_file(root, slug, lang)).entries if not e.obsolete}
    out = {}
    for segment in segments(root, slug):
        entry = entries.get((segment.field, segment.source))
        if entry and entry.msgstr and not entry.fuzzy:
            out[segment.id] = entry.msgstr
    return out


def test_spanish_docx_imported_as_french_is_refused_naming_both_languages(repo_copy, tmp_path):
    spanish = translations(repo_copy, OLD, "es")
    french = translations(repo_copy, OLD, "fr")
    # A Spanish translator's file: the English edition typed over in Spanish, then imported as French.
    typed = tmp_path / "traduccion.docx"
    type_over(export_docx(repo_copy, OLD, "en"), typed, {i: t for i, t in spanish.items() if i not in french})
    before = po_file(repo_copy, OLD, "fr").read_bytes()

    result = run_uapress(repo_copy, "import", str(typed), "--lang", "fr")

    assert result.returncode == 1, result.stdout + result.stderr
    assert "read as Spanish (es), not French (fr)" in result.stderr
    assert "Nothing was imported" in result.stderr and "Traceback" not in result.stderr
    assert po_file(repo_copy, OLD, "fr").read_bytes() == before


def findings_of(root: Path, slug: str, lang: str) -> dict:
    result = run_uapress(root, "checklist", slug, "--lang", lang)
    assert "Traceback" not in result.stderr
    return json.loads((root / "build" / slug / lang / "checklist.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("lang", "wrong", "words"),
    [
        ("ar", "es", "reads as Spanish (es), not Arabic (ar)"),
        ("fr", "es", "reads as Spanish (es), not French (fr)"),
        ("es", "ar", "reads as Arabic (ar), not Spanish (es)"),
    ],
)
def test_a_paragraph_in_another_language_is_an_error_that_blocks_the_edition(repo_copy, lang, wrong, words):
    # The first background paragraph, as the sample's other translation has it (its links and all).
    background = next(s for s in segments(repo_copy, OLD) if s.field == "background")
    path = po_file(repo_copy, OLD, lang)
    file = po.read(path)
    entry = next(e for e in file.entries if not e.obsolete and e.msgid == background.source)
    entry.msgstr, entry.fuzzy = translations(repo_copy, OLD, wrong)[background.id], False
    path.write_text(po.render(file), encoding="utf-8")

    checklist = findings_of(repo_copy, OLD, lang)

    segment = next(s for s in checklist["segments"] if s["id"] == background.id)
    errors = [f for f in segment["findings"] if f["severity"] == "error"]
    assert [(f["check"], words in f["message"]) for f in errors] == [("language", True)], segment["findings"]
    assert not checklist["ready"]
    assert any("QA error" in reason for reason in checklist["reasons"]), checklist["reasons"]
    # Every other translated segment of the sample reads as its language: no false alarm.
    others = [f for s in checklist["segments"] if s["id"] != background.id for f in s["findings"]]
    assert not [f for f in others if f["check"] == "language"]


def test_english_left_as_the_arabic_translation_is_caught_by_its_script():
    from uapress.localise.qa import check_segment

    source = "The defenders are still detained and their families have not been told where they are held."
    found = check_segment(source, source.replace("held", "kept"), (), "summary", "ar", "en", ("es", "fr", "ar"))
    assert [(f.check, f.severity) for f in found if f.check == "language"] == [("language", "error")]
    assert "English (en), not Arabic (ar)" in next(f.message for f in found if f.check == "language")


# --- only reviewed text is reused ---------------------------------------------------------


def import_french_background(root: Path, tmp_path: Path) -> list:
    """Import a French translation of every background paragraph of the sample; return those segments."""
    background = [s for s in segments(root, OLD) if s.field == "background"]
    typed = tmp_path / "fond.docx"
    type_over(
        export_docx(root, OLD, "fr"),
        typed,
        {s.id: f"{FRENCH_BACKGROUND} Paragraphe {n}." for n, s in enumerate(background, 1)},
    )
    result = run_uapress(root, "import", str(typed))
    assert result.returncode == 0, result.stdout + result.stderr
    for segment in background:
        assert "imported from fond.docx" in " ".join(entry_for(root, OLD, "fr", segment.source[:40]).comments)
    return background


def test_a_followup_takes_no_unreviewed_import_as_exact(repo_copy, tmp_path, msgfmt_check):
    background = import_french_background(repo_copy, tmp_path)
    po_file(repo_copy, FOLLOWUP, "fr").unlink()

    result = run_uapress(repo_copy, "translations", "update", FOLLOWUP, "--lang", "fr")

    assert result.returncode == 0, result.stderr
    shared = [s for s in background if s.source in {f.source for f in segments(repo_copy, FOLLOWUP)}]
    assert shared, "the follow-up keeps the sample's background"
    for segment in shared:
        entry = entry_for(repo_copy, FOLLOWUP, "fr", segment.source[:40])
        assert entry.msgstr.startswith(FRENCH_BACKGROUND), "offered as a suggestion"
        assert entry.fuzzy, "an unreviewed import is never published through the memory"
        assert any("unreviewed import" in c for c in entry.comments), entry.comments
        assert not any("tm: exact" in c for c in entry.comments)
    msgfmt_check(po_file(repo_copy, FOLLOWUP, "fr"))


def test_tmx_export_leaves_out_unreviewed_imports_and_counts_its_tu(repo_copy, tmp_path):
    import_french_background(repo_copy, tmp_path)

    result = run_uapress(repo_copy, "export", OLD, "--format", "tmx", "--out", str(tmp_path / "out.tmx"))

    assert result.returncode == 0, result.stderr
    tree = etree.parse(str(tmp_path / "out.tmx"))
    count = len(tree.findall(".//tu"))
    assert count > 0 and f"{count} translation unit{'s' if count != 1 else ''}" in result.stdout, result.stdout
    segs = tree.findall(".//seg")
    assert not [s for s in segs if (s.text or "").startswith(FRENCH_BACKGROUND)], "unreviewed imports left out"


def test_a_followup_catches_up_with_translations_made_in_its_original_later(repo_copy, msgfmt_check):
    # The sample's French background is translated (and reviewed) after the follow-up was made.
    background = [s for s in segments(repo_copy, OLD) if s.field == "background"]
    path = po_file(repo_copy, OLD, "fr")
    file = po.read(path)
    for n, segment in enumerate(background, 1):
        entry = next(e for e in file.entries if not e.obsolete and e.msgid == segment.source)
        entry.msgstr, entry.fuzzy = f"{FRENCH_BACKGROUND} Paragraphe {n}.", False
    path.write_text(po.render(file), encoding="utf-8")
    shared = [s for s in background if s.source in {f.source for f in segments(repo_copy, FOLLOWUP)}]
    assert shared and all(not entry_for(repo_copy, FOLLOWUP, "fr", s.source[:40]).msgstr for s in shared)

    result = run_uapress(repo_copy, "translations", "update", FOLLOWUP, "--lang", "fr")

    assert result.returncode == 0, result.stderr
    assert f"from memory: {len(shared)} exact" in result.stdout, result.stdout
    for segment in shared:
        entry = entry_for(repo_copy, FOLLOWUP, "fr", segment.source[:40])
        assert entry.msgstr.startswith(FRENCH_BACKGROUND) and not entry.fuzzy
        assert f"tm: exact from {OLD} (background)" in entry.comments
    msgfmt_check(po_file(repo_copy, FOLLOWUP, "fr"))


# --- no edit is lost to an old file -------------------------------------------------------


def test_a_paragraph_empty_in_the_po_and_reworded_since_the_export_is_imported_as_fuzzy(
    repo_copy, tmp_path, msgfmt_check
):
    background = [s for s in segments(repo_copy, OLD) if s.field == "background"]
    exported = export_docx(repo_copy, OLD, "fr")
    # After the export, one background paragraph (empty in fr.po) is reworded and another removed.
    edit_source(repo_copy, OLD, "authorities released a small proportion", "authorities released a small share")
    removed = background[2]
    edit_source(repo_copy, OLD, removed.source, "")
    typed = tmp_path / "ancien.docx"
    type_over(exported, typed, {background[1].id: FRENCH_BACKGROUND, removed.id: f"{FRENCH_BACKGROUND} Fin."})

    result = run_uapress(repo_copy, "import", str(typed))

    assert result.returncode == 0, result.stdout + result.stderr
    assert "from an older version of the source" in result.stdout and background[1].id in result.stdout
    entry = entry_for(repo_copy, OLD, "fr", "Between December 2025")
    assert entry.msgstr == FRENCH_BACKGROUND and entry.fuzzy, "kept, and revised before it is published"
    assert entry.previous == background[1].source, "the source it was made from, as #| msgid"
    msgfmt_check(po_file(repo_copy, OLD, "fr"))
    # The paragraph the source no longer has is not dropped: it is written apart, and the report names the file.
    apart = repo_copy / "build" / OLD / "translate" / "ancien.fr.not-imported.md"
    assert f"build/{OLD}/translate/ancien.fr.not-imported.md" in result.stdout, result.stdout
    text = apart.read_text(encoding="utf-8")
    assert f"{FRENCH_BACKGROUND} Fin." in text and removed.id in text


# --- paired marks -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "translation", "words"),
    [
        (
            'He called it "a crime against humanity" in January.',
            "Il l'a qualifié de « crime contre l'humanité en janvier.",
            "a quotation mark is left open in the translation",
        ),
        (
            "Three defenders (all detained since 2024) remain in prison.",
            "Tres defensores (todos detenidos desde 2024 siguen en prisión.",
            "a bracket mark is left open in the translation",
        ),
    ],
)
def test_a_quotation_or_bracket_left_open_is_a_warning(source, translation, words):
    from uapress.localise.qa import check_segment

    found = [f for f in check_segment(source, translation, (), "letter", "fr", "en") if f.check == "paired"]
    assert [(f.severity, words in f.message) for f in found] == [("warning", True)], found
    # Closed as the source closes it (with the language's own marks): nothing to say.
    fixed = translation.replace("l'humanité", "l'humanité »").replace("2024 ", "2024) ")
    assert not [f for f in check_segment(source, fixed, (), "letter", "fr", "en") if f.check == "paired"]


def test_the_seed_quotation_open_in_english_and_closed_in_spanish_is_a_warning(repo_copy):
    checklist = findings_of(repo_copy, OLD, "es")
    paired = [(s["field"], f) for s in checklist["segments"] for f in s["findings"] if f["check"] == "paired"]
    assert [(field, f["severity"]) for field, f in paired] == [("background", "warning")], paired
    assert "the source leaves a quotation mark open" in paired[0][1]["message"]


# --- small slips --------------------------------------------------------------------------


def test_check_says_to_make_the_po_file_first_when_it_does_not_exist(tmp_path):
    from projects import make_project

    root = make_project(tmp_path, "minimal")
    path = root / "source" / "actions" / "minimal" / "action.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("language: en\n", "language: en\nlanguages: [fr]\n"))

    result = run_uapress(root, "check", "minimal")

    assert "run `uapress translations update minimal --lang fr` to make" in result.stderr, result.stderr
    assert "source/actions/minimal/translations/fr.po" in result.stderr


def test_an_empty_required_value_is_called_empty_not_missing(tmp_path):
    from projects import make_project

    root = make_project(tmp_path, "minimal")
    path = root / "source" / "actions" / "minimal" / "action.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("    address: |\n      Ministry of Justice,\n      Caracas, Venezuela\n", "    address:\n")
    path.write_text(text.replace("title: Release the defender", "title:"), encoding="utf-8")

    result = run_uapress(root, "check", "minimal")

    assert result.returncode == 1
    assert "targets.0.address: required field 'targets.0.address' is empty" in result.stderr, result.stderr
    assert "write its value after 'address:'" in result.stderr
    assert "title: required field 'title' is empty" in result.stderr
    assert "is missing" not in result.stderr


def test_a_po_file_with_a_byte_order_mark_keeps_its_header_comments(repo_copy, msgfmt_check):
    path = po_file(repo_copy, OLD, "fr")
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# ")
    first = text.splitlines()[0]
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    # A change to the source makes `translations update` rewrite the file.
    edit_source(repo_copy, OLD, "In January 2026, human rights", "In January 2026, the human rights")

    result = run_uapress(repo_copy, "translations", "update", OLD, "--lang", "fr")

    assert result.returncode == 0, result.stderr
    rewritten = path.read_text(encoding="utf-8")
    assert rewritten.startswith(first + "\n"), rewritten[:200]
    msgfmt_check(path)


# Fixtures' dates are read as of a fixed day, so that the sample (issued 2026-01-19, deadline 2026-06-30) is
# a current action whatever day the tests run.
SAMPLE_DAY = dt.date(2026, 6, 1)


def _dated(root: Path, issued: str, deadline: str) -> Path:
    path = root / "source" / "actions" / OLD / "action.yaml"
    text = path.read_text(encoding="utf-8")
    assert "issued: 2026-01-19\n" in text and "deadline: 2026-06-30\n" in text
    text = text.replace("issued: 2026-01-19\n", f"issued: {issued}\n").replace(
        "deadline: 2026-06-30\n", f"deadline: {deadline}\n"
    )
    path.write_text(text, encoding="utf-8")
    return path


def _date_findings(root: Path, today: dt.date) -> list:
    from uapress.commands.check import check

    return [d for d in check(root, [OLD], today).diagnostics if d.field in ("issued", "deadline")]


def test_the_sample_dates_raise_no_date_warning(repo_copy):
    assert _date_findings(repo_copy, SAMPLE_DAY) == []


@pytest.mark.parametrize(
    ("issued", "deadline", "expected"),
    [
        # The year mistyped in the deadline: a year ahead, and a year after the issue date.
        (
            "2026-01-19",
            "2027-06-30",
            [
                ("deadline", "deadline 2027-06-30 is more than a year after today (2026-06-01)"),
                ("deadline", "deadline 2027-06-30 is more than six months after the issue date 2026-01-19"),
            ],
        ),
        # Both years mistyped the same way: ten years ahead.
        (
            "2036-01-19",
            "2036-02-28",
            [
                ("issued", "issued 2036-01-19 is more than a year after today (2026-06-01)"),
                ("deadline", "deadline 2036-02-28 is more than a year after today (2026-06-01)"),
            ],
        ),
        # The month mistyped: an action open for eleven months.
        (
            "2026-01-19",
            "2026-12-30",
            [("deadline", "deadline 2026-12-30 is more than six months after the issue date 2026-01-19")],
        ),
    ],
)
def test_a_date_far_from_today_or_a_long_action_is_a_warning(repo_copy, issued, deadline, expected):
    """Issue 19: such dates were accepted silently."""
    path = _dated(repo_copy, issued, deadline)
    lines = path.read_text(encoding="utf-8").splitlines()

    found = _date_findings(repo_copy, SAMPLE_DAY)

    assert [(d.field, d.message) for d in found] == expected
    assert all(d.severity == "warning" and d.hint for d in found)
    assert all(lines[d.line - 1].startswith(f"{d.field}: ") for d in found)


def test_check_shows_a_far_date_on_its_line(repo_copy):
    _dated(repo_copy, "2026-01-19", "2062-06-30")

    result = run_uapress(repo_copy, "check", OLD)

    assert "warning: line 17, deadline: deadline 2062-06-30 is more than a year after today" in result.stderr, (
        result.stderr
    )


@contextlib.contextmanager
def read_only(folder: Path):
    """Make `folder` and what it holds unwritable, for root too (the immutable attribute), then writable again."""
    if os.geteuid() == 0:
        chattr = require("chattr")
        subprocess.run([chattr, "-R", "+i", str(folder)], check=True)
        try:
            yield
        finally:
            subprocess.run([chattr, "-R", "-i", str(folder)], check=True)
    else:
        modes = {path: path.stat().st_mode for path in [folder, *folder.rglob("*")]}
        for path in modes:
            path.chmod(modes[path] & ~0o222)
        try:
            yield
        finally:
            for path, mode in modes.items():
                path.chmod(mode)


def test_a_read_only_build_folder_counts_no_edition_built_and_says_the_cache_error_once(repo_copy):
    """Issue 19: the summary said "3 edition(s) built" beside 3 FAILED, and the cache error came once per save."""
    options = ("build", OLD, "--format", "html", "--lang", "en", "--lang", "es", "--lang", "fr")
    first = run_uapress(repo_copy, *options)
    assert first.returncode == 0, first.stderr
    assert "3 editions built, 0 unchanged" in first.stdout
    before = {p: p.read_bytes() for p in (repo_copy / "build").rglob("*") if p.is_file()}

    with read_only(repo_copy / "build"):
        result = run_uapress(repo_copy, *options, "--force")

    assert result.returncode == 1
    assert "0 editions built, 0 unchanged, 3 FAILED" in result.stdout, result.stdout
    assert result.stderr.count("the build cache was not saved") == 1, result.stderr
    assert result.stderr.count("the edition was not written") == 3
    assert {p: p.read_bytes() for p in (repo_copy / "build").rglob("*") if p.is_file()} == before


def test_serve_counts_the_untranslated_segments_as_the_build_does(repo_copy):
    """Issue 19: serve said "0 warning(s)" for an edition shown mostly in the source language."""
    from test_serve import Server

    # -v: a build lists its warnings only when asked (issue 21); its last line counts them.
    build = run_uapress(repo_copy, "-v", "build", FOLLOWUP, "--format", "html", "--lang", "fr")
    assert build.returncode == 0, build.stderr
    built = re.search(r"editions? built, .*?, (\d+) warnings?", build.stdout)
    # Listed once each, wrapped to 100 columns (issue 21).
    untranslated = re.findall(r"\[fr\] (\d+) segments?\s+not\s+translated", build.stdout + build.stderr)
    assert built and untranslated, build.stdout + build.stderr

    server = Server(repo_copy, FOLLOWUP)
    try:
        assert server.get(f"/{FOLLOWUP}/fr/").status == 200
        deadline = time.monotonic() + 30
        while f"{FOLLOWUP}/fr: built" not in server.text() and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        server.stop()

    assert f"{FOLLOWUP}/fr: built, {built.group(1)} warning{'' if built.group(1) == '1' else 's'}" in server.text(), (
        server.text()
    )
    assert int(built.group(1)) >= len(untranslated) > 0


def _reworded(monkeypatch) -> None:
    """Reword every message of the wording checks, as a later release of uapress might."""
    from uapress.localise.qa import text

    original = text.check

    def check(*args, **kwargs):
        return [(f[0], f[1], "reworded: " + f[2], *f[3:]) for f in original(*args, **kwargs)]

    monkeypatch.setattr(text, "check", check)


def test_a_finding_id_does_not_change_when_its_message_is_reworded(monkeypatch):
    """Issue 19: the id hashed the message, so rewording one re-opened every confirmed warning."""
    from uapress.localise.qa import check_segment

    source = "Three defenders (all detained since 2024) remain in “prison”.  Ana Pérez is one."
    translation = "Tres defensores (todos detenidos desde 2024 siguen en «prisión».  Ana es una."
    before = [(f.check, f.id) for f in check_segment(source, translation, ("Ana Pérez",), "letter", "es", "en")]
    assert {"paired", "keep", "whitespace"} <= {check for check, _ in before}, before

    _reworded(monkeypatch)
    after = check_segment(source, translation, ("Ana Pérez",), "letter", "es", "en")

    assert all(f.message.startswith("reworded: ") for f in after if f.check in ("paired", "keep", "whitespace"))
    assert [(f.check, f.id) for f in after] == before
    assert len({id for _, id in before}) == len(before)  # each finding still has an id of its own


def test_the_sample_s_confirmation_survives_a_reworded_message(repo_copy, monkeypatch):
    from uapress.localise import localise
    from uapress.model.checklist import build_checklist

    action, _ = load_action(repo_copy / "source" / "actions" / OLD / "action.yaml")
    _reworded(monkeypatch)
    checklist = build_checklist(localise(action, "es", repo_copy), SAMPLE_DAY)

    paired = [f for s in checklist.segments for f in s.findings if f.check == "paired"]
    assert [(f.message.startswith("reworded: "), f.confirmed) for f in paired] == [(True, True)], paired


def _checklist_page(root: Path, slug: str, lang: str) -> str:
    from uapress.build.render import localised, render
    from uapress.writers.brand import load_brand

    action, _ = load_action(root / "source" / "actions" / slug / "action.yaml")
    _, document = localised(action, lang, root, today=SAMPLE_DAY)
    (page,) = render(document, ("checklist-html",), load_brand(root)).values()
    return page.decode("utf-8")


def test_findings_are_in_the_checklist_s_language(repo_copy):
    """Issue 19: the checklist gave every QA finding in English, the rest of the page in its language."""
    page = _checklist_page(repo_copy, OLD, "es")
    assert "el original deja abiertas unas comillas que la traducción cierra" in page
    assert "compruebe dónde termina el texto citado" in page
    assert "the source leaves a quotation mark open" not in page

    path = po_file(repo_copy, OLD, "fr")
    text = path.read_text(encoding="utf-8")
    assert 'msgstr "Les défenseur·e·s des droits humains' in text
    path.write_text(
        text.replace('msgstr "Les défenseur·e·s des droits humains', 'msgstr "Les défenseur·e·s  des  droits humains'),
        encoding="utf-8",
    )
    page = _checklist_page(repo_copy, OLD, "fr")
    assert "2 espaces doublés dans la traduction" in page  # issue 21: its plural form, not "(s)"
    assert "remplacez chaque suite d’espaces par une seule espace" in page
    assert "doubled space(s)" not in page


def test_a_name_to_keep_is_named_in_the_checklist_s_language(repo_copy):
    path = po_file(repo_copy, OLD, "es")
    text = path.read_text(encoding="utf-8")
    action, _ = load_action(repo_copy / "source" / "actions" / OLD / "action.yaml")
    name = next(term for term in action.keep if text.count(term) > 1)
    path.write_text(text.replace(name, name.upper()), encoding="utf-8")

    page = _checklist_page(repo_copy, OLD, "es")

    assert f"«{name}» debe quedar sin cambios: el original lo tiene" in page, name
    assert "must stay unchanged" not in page
