"""Translations (DESIGN.md, "Translations", "Labels"): the PO store, segment ids, the fuzzy cycle, bad input, locale data.

Every PO file the tests read or write is also checked by the real client, `msgfmt -c`.
PO files are read here with a small parser of our own (`parse_po`), not uapress's, so a
reader bug cannot hide a writer bug.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from projects import REPOSITORY, make_project, run_uapress
from uapress.core.nodes import Paragraph, Section, plain_text, walk_blocks
from uapress.localise import localise
from uapress.localise.locale import direction, language_name, long_date
from uapress.localise.segments import action_segments, segment_id
from uapress.model.document import build_document
from uapress.source import load_action

REPO = Path(__file__).resolve().parents[1]
SLUG = "venezuela-hrd-release"
SAMPLE = Path("source") / "actions" / SLUG
FIXTURES = Path(__file__).parent / "fixtures" / "translations"
REPO_PO_FILES = sorted((REPO / "source" / "labels").glob("*.po")) + sorted(
    (REPO / "source" / "actions").glob("*/translations/*.po")
)

# The fuzzy cycle edits a few words of the first letter paragraph.
OLD_WORDS = "We took note of the long-awaited-for release"
NEW_WORDS = "We welcomed the long-awaited release"


# --- helpers -----------------------------------------------------------------


def repository_copy(parent: Path) -> Path:
    """Copy the repository's `source/` and `styles/` into `parent`: a project the test may change."""
    return make_project(parent, REPOSITORY)


def uapress(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the CLI in `project` (no colour, no terminal) and return the finished process."""
    return run_uapress(project, *args, env={"NO_COLOR": "1"})


def parse_po(text: str) -> list[dict]:
    """Return the entries of a PO file: context, msgid, msgstr, flags, previous, notes, comments, obsolete, line.

    Entries are separated by blank lines, as msgmerge, Poedit and uapress write them.
    """
    entries: list[dict] = []
    entry: dict | None = None
    target: str | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            entry, target = None, None
            continue
        if entry is None:
            entry = {
                "context": None,
                "msgid": None,
                "msgstr": None,
                "flags": [],
                "previous": None,
                "notes": [],
                "comments": [],
                "obsolete": False,
                "line": number,
            }
            entries.append(entry)
        if line.startswith("#~"):
            entry["obsolete"] = True
            line = line[2:].strip()
        elif line.startswith("#|"):
            rest = line[2:].strip()
            if rest.startswith("msgid "):
                entry["previous"] = _unquote(rest[len("msgid ") :])
                target = "previous"
            elif rest.startswith('"') and target == "previous":
                entry["previous"] += _unquote(rest)
            continue
        elif line.startswith("#,"):
            entry["flags"] += [flag.strip() for flag in line[2:].split(",") if flag.strip()]
            continue
        elif line.startswith("#."):
            entry["notes"].append(line[2:].strip())
            continue
        elif line.startswith("#"):
            entry["comments"].append(line[1:].strip())
            continue
        if line.startswith('"'):
            assert target is not None, f"line {number}: a string outside any keyword"
            entry[target] += _unquote(line)
            continue
        keyword, _, value = line.partition(" ")
        # A plural entry's msgid_plural and msgstr[n] (issue 21): msgstr is its first form.
        target = {"msgctxt": "context", "msgid": "msgid", "msgid_plural": "msgid_plural", "msgstr[0]": "msgstr"}.get(
            keyword, keyword
        )
        entry[target] = _unquote(value)
    for entry in entries:
        if entry["msgid"] is None:
            raise AssertionError(f"line {entry['line']}: an entry without msgid (a comment block?)")
    return entries


def _unquote(quoted: str) -> str:
    quoted = quoted.strip()
    assert quoted.startswith('"') and quoted.endswith('"'), quoted
    return json.loads(quoted)


def read_po(path: Path) -> list[dict]:
    """Return the entries of a PO file on disk."""
    return parse_po(path.read_text(encoding="utf-8"))


def header_fields(entries: list[dict]) -> dict[str, str]:
    """Return the header fields (the msgstr of the `msgid ""` entry)."""
    header = next(e for e in entries if e["msgid"] == "" and not e["context"])
    return {
        key.strip(): value.strip()
        for key, _, value in (line.partition(":") for line in header["msgstr"].splitlines() if ":" in line)
    }


def live(entries: list[dict]) -> list[dict]:
    """Return the message entries: no header, no obsolete entries."""
    return [e for e in entries if e["msgid"] and not e["obsolete"]]


def find(entries: list[dict], context: str, msgid: str) -> dict:
    """Return the live entry with this context and msgid."""
    found = [e for e in live(entries) if e["context"] == context and e["msgid"] == msgid]
    assert len(found) == 1, f"expected one entry for {context!r} {msgid[:50]!r}, found {len(found)}"
    return found[0]


def tree_hash(folder: Path) -> str:
    """Return a hash of every file's path and bytes below `folder`."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def load_sample(project: Path = REPO):
    action, _ = load_action(project / SAMPLE / "action.yaml")
    return action


def edit_source(project: Path, old: str, new: str) -> None:
    """Replace `old` (present exactly once) with `new` in the sample's action.yaml."""
    path = project / SAMPLE / "action.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def po_path(project: Path, lang: str) -> Path:
    return project / SAMPLE / "translations" / f"{lang}.po"


# --- every PO file of the repository ------------------------------------------


def test_the_repository_has_po_files():
    names = {p.relative_to(REPO).as_posix() for p in REPO_PO_FILES}
    assert {f"source/labels/{lang}.po" for lang in ("en", "es", "fr", "ar")} <= names
    assert {f"{SAMPLE.as_posix()}/translations/{lang}.po" for lang in ("es", "fr", "ar")} <= names


@pytest.mark.parametrize("path", REPO_PO_FILES, ids=lambda p: p.relative_to(REPO).as_posix())
def test_repository_po_file_is_valid(path, msgfmt_check):
    msgfmt_check(path, strict=True)
    entries = read_po(path)
    fields = header_fields(entries)
    lang = path.stem
    assert fields.get("Language") == lang
    assert re.fullmatch(r"nplurals=\d+; plural=.+;", fields.get("Plural-Forms", "")), fields.get("Plural-Forms")
    assert fields.get("Content-Type", "").replace(" ", "").lower() == "text/plain;charset=utf-8"
    header = next(e for e in entries if e["msgid"] == "")
    assert "fuzzy" not in header["flags"], f"{path}: the header is fuzzy; msgfmt and Poedit would ignore it"
    assert live(entries), f"{path} has no messages"


# --- segment ids -------------------------------------------------------------

BOOKMARK = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,39}")


def test_segment_id_is_stable_and_a_bookmark_name():
    first = segment_id("letter", "We call for the release of all detainees.")
    assert first == segment_id("letter", "We call for the release of all detainees.")
    for field, source in [
        ("letter", "x"),
        ("targets.0.title", "Acting President"),
        ("summary", "É" * 5000),
        ("", ""),
        ("title", "٢٠٢٦ — «quotes» & <tags>"),
    ]:
        value = segment_id(field, source)
        assert BOOKMARK.fullmatch(value), value


def test_segment_id_depends_on_context_and_msgid():
    base = segment_id("letter", "Release them.")
    assert segment_id("summary", "Release them.") != base
    assert segment_id("letter", "Release them now.") != base
    # Context and msgid are not simply concatenated: moving text across the boundary changes the id.
    assert segment_id("letter", "a" + "b") != segment_id("lettera", "b")


def test_sample_segment_ids_are_unique():
    ids = [s.id for s in action_segments(load_sample())]
    assert len(ids) == len(set(ids)) == 19


@pytest.mark.parametrize("lang", ["es", "fr", "ar"])
def test_every_sample_po_entry_carries_its_segment_id(lang):
    entries = live(read_po(REPO / SAMPLE / "translations" / f"{lang}.po"))
    for entry in entries:
        assert f"id: {segment_id(entry['context'], entry['msgid'])}" in entry["notes"], entry["line"]
    segments = action_segments(load_sample())
    assert sorted((e["context"], e["msgid"]) for e in entries) == sorted((s.field, s.source) for s in segments)


# --- the fuzzy cycle ---------------------------------------------------------


@pytest.fixture(scope="module")
def fuzzy_project(tmp_path_factory):
    """A project whose first letter paragraph changed by a few words, after `translations update`."""
    project = repository_copy(tmp_path_factory.mktemp("fuzzy"))
    letter = [s for s in action_segments(load_sample(project)) if s.field == "letter"]
    old = letter[0].source
    assert old.startswith(OLD_WORDS)
    old_es = find(read_po(po_path(project, "es")), "letter", old)
    edit_source(project, OLD_WORDS, NEW_WORDS)
    new = old.replace(OLD_WORDS, NEW_WORDS)
    update = uapress(project, "translations", "update")
    assert update.returncode == 0, update.stderr
    return {
        "project": project,
        "old": old,
        "new": new,
        "id": segment_id("letter", new),
        "old_translation": old_es["msgstr"],
        "update": update,
    }


def test_fuzzy_entry_keeps_old_translation_and_old_source(fuzzy_project, msgfmt_check):
    es = po_path(fuzzy_project["project"], "es")
    entry = find(read_po(es), "letter", fuzzy_project["new"])
    assert "fuzzy" in entry["flags"]
    assert entry["msgstr"] == fuzzy_project["old_translation"]
    assert entry["previous"] == fuzzy_project["old"]
    assert f"id: {fuzzy_project['id']}" in entry["notes"]
    assert not [e for e in read_po(es) if e["msgid"] == fuzzy_project["old"]], "the old msgid stays as an entry"
    msgfmt_check(es)
    assert re.search(r"es\.po: updated \(18 kept, 0 new, 1 fuzzy, 0 obsolete\)", fuzzy_project["update"].stdout)


def test_status_counts_the_fuzzy_segment(fuzzy_project):
    result = uapress(fuzzy_project["project"], "status")
    assert result.returncode == 0, result.stderr
    rows = [line.split() for line in result.stdout.splitlines() if line.startswith(SLUG)]
    es = next(row for row in rows if row[1] == "es")
    assert es[2:5] == ["18", "1", "0"], es  # translated, fuzzy, missing
    assert es[-2:] == ["not", "ready"]


def test_strict_check_names_language_segment_and_field(fuzzy_project):
    result = uapress(fuzzy_project["project"], "check", "--strict")
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if fuzzy_project["id"] in line and "[es]" in line]
    assert lines, result.stderr
    assert "letter" in lines[0] and "fuzzy" in lines[0]
    assert uapress(fuzzy_project["project"], "check").returncode == 0, "a fuzzy entry is a warning, not an error"


def test_model_shows_the_source_for_the_fuzzy_segment(fuzzy_project):
    project = fuzzy_project["project"]
    document = build_document(localise(load_sample(project), "es", project))
    segment = next(s for s in document.segments if s.id == fuzzy_project["id"])
    assert segment.status == "fuzzy"
    assert segment.text == fuzzy_project["new"]
    letter = next(s for s in document.sections if isinstance(s, Section) and s.role == "letter")
    paragraph = next(
        b
        for b in walk_blocks(letter.blocks)
        if isinstance(b, Paragraph) and b.segment is not None and b.segment.id == fuzzy_project["id"]
    )
    assert plain_text(paragraph.inlines).startswith(NEW_WORDS)
    assert paragraph.lang == "en", "a fallback paragraph is marked with the source language"
    published = " ".join(plain_text(b.inlines) for b in walk_blocks(letter.blocks) if isinstance(b, Paragraph))
    assert fuzzy_project["old_translation"][:40] not in published, "a fuzzy translation is never published"


def test_checklist_json_shows_the_fuzzy_diff(fuzzy_project, tmp_path):
    result = uapress(fuzzy_project["project"], "checklist", SLUG, "--lang", "es", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    data = json.loads((tmp_path / "checklist.json").read_text(encoding="utf-8"))
    segment = next(s for s in data["segments"] if s["id"] == fuzzy_project["id"])
    assert segment["status"] == "fuzzy"
    assert segment["field"] == "letter"
    assert segment["source"] == fuzzy_project["new"]
    assert segment["translation"] == fuzzy_project["old_translation"]
    removed = " ".join(d["text"] for d in segment["diff"] if d["op"] == "-")
    added = " ".join(d["text"] for d in segment["diff"] if d["op"] == "+")
    assert "took note of" in removed and "long-awaited-for" in removed
    assert "welcomed" in added and "long-awaited" in added
    # Applying the diff's kept and added parts gives the new source; kept and removed, the old one.
    assert "".join(d["text"] for d in segment["diff"] if d["op"] != "-") == fuzzy_project["new"]
    assert "".join(d["text"] for d in segment["diff"] if d["op"] != "+") == fuzzy_project["old"]
    assert data["ready"] is False
    assert data["counts"]["fuzzy"] == 1


def test_update_after_the_fuzzy_cycle_changes_nothing(fuzzy_project):
    project = fuzzy_project["project"]
    before = {lang: po_path(project, lang).read_bytes() for lang in ("es", "fr", "ar")}
    result = uapress(project, "translations", "update")
    assert result.returncode == 0, result.stderr
    assert {lang: po_path(project, lang).read_bytes() for lang in ("es", "fr", "ar")} == before
    # Every PO file of every action is left as it was (the project also holds the sample's follow-up).
    lines = result.stdout.splitlines()
    assert lines and all(": unchanged (" in line for line in lines), result.stdout
    assert sum(f"/{SLUG}/translations/" in line for line in lines) == 3, result.stdout
    # The old source survives a second update (Babel alone reads `#|` lines as comments).
    assert find(read_po(po_path(project, "es")), "letter", fuzzy_project["new"])["previous"] == fuzzy_project["old"]


# --- added and removed blocks, idempotence ------------------------------------

NEW_PARAGRAPH = "Please acknowledge receipt of this letter."


def test_added_block_is_empty_and_removed_block_obsolete(tmp_path, msgfmt_check):
    project = repository_copy(tmp_path)
    action = load_sample(project)
    letter = [s.source for s in action_segments(action) if s.field == "letter"]
    removed = letter[3]  # "Meanwhile, their relatives ..."
    old_translation = find(read_po(po_path(project, "es")), "letter", removed)["msgstr"]
    assert old_translation
    edit_source(project, f"  {removed}\n\n", f"  {NEW_PARAGRAPH}\n\n")

    result = uapress(project, "translations", "update", "--lang", "es")
    assert result.returncode == 0, result.stderr
    assert "updated (18 kept, 1 new, 0 fuzzy, 1 obsolete)" in result.stdout
    es = po_path(project, "es")
    msgfmt_check(es)
    entries = read_po(es)
    added = find(entries, "letter", NEW_PARAGRAPH)
    assert added["msgstr"] == "" and "fuzzy" not in added["flags"] and added["previous"] is None
    assert f"id: {segment_id('letter', NEW_PARAGRAPH)}" in added["notes"]
    obsolete = [e for e in entries if e["obsolete"]]
    assert [(e["context"], e["msgid"], e["msgstr"]) for e in obsolete] == [("letter", removed, old_translation)]
    assert "#~ msgid " in es.read_text(encoding="utf-8")

    # The new paragraph sits between its neighbours in the file, in document order.
    order = [e["msgid"] for e in live(entries) if e["context"] == "letter"]
    assert order == letter[:3] + [NEW_PARAGRAPH] + letter[4:]

    before = es.read_bytes()
    again = uapress(project, "translations", "update", "--lang", "es")
    assert again.returncode == 0, again.stderr
    assert ": unchanged (" in again.stdout
    assert es.read_bytes() == before


def test_removed_block_coming_back_revives_its_entry(tmp_path, msgfmt_check):
    """A block removed by mistake and put back gets its translation back, as with msgmerge.

    Before the fix, `update` added a second, empty entry next to the obsolete one, which
    lost the translation and made msgfmt reject the file ("duplicate message definition").
    """
    project = repository_copy(tmp_path)
    yaml_text = (project / SAMPLE / "action.yaml").read_text(encoding="utf-8")
    letter = [s.source for s in action_segments(load_sample(project)) if s.field == "letter"]
    es = po_path(project, "es")
    translation = find(read_po(es), "letter", letter[3])["msgstr"]
    edit_source(project, f"  {letter[3]}\n\n", "")
    assert uapress(project, "translations", "update", "--lang", "es").returncode == 0
    assert [e["msgid"] for e in read_po(es) if e["obsolete"]] == [letter[3]]
    msgfmt_check(es)

    (project / SAMPLE / "action.yaml").write_text(yaml_text, encoding="utf-8")
    result = uapress(project, "translations", "update", "--lang", "es")
    assert result.returncode == 0, result.stderr
    msgfmt_check(es)
    entries = read_po(es)
    revived = find(entries, "letter", letter[3])
    assert revived["msgstr"] == translation and "fuzzy" not in revived["flags"]
    assert not [e for e in entries if e["obsolete"]]
    assert es.read_bytes() == (REPO / SAMPLE / "translations" / "es.po").read_bytes()


def test_fuzzy_entry_stays_fuzzy_through_removal_and_return(fuzzy_project, tmp_path, msgfmt_check):
    """An out-of-date translation must not come back as a published one."""
    project = tmp_path / "project"
    shutil.copytree(fuzzy_project["project"], project)
    es = po_path(project, "es")
    yaml_text = (project / SAMPLE / "action.yaml").read_text(encoding="utf-8")
    edit_source(project, f"  {fuzzy_project['new']}\n\n", "")
    assert uapress(project, "translations", "update", "--lang", "es").returncode == 0
    obsolete = [e for e in read_po(es) if e["obsolete"]]
    assert [e["msgid"] for e in obsolete] == [fuzzy_project["new"]] and "fuzzy" in obsolete[0]["flags"]
    msgfmt_check(es)
    (project / SAMPLE / "action.yaml").write_text(yaml_text, encoding="utf-8")
    assert uapress(project, "translations", "update", "--lang", "es").returncode == 0
    msgfmt_check(es)
    assert "fuzzy" in find(read_po(es), "letter", fuzzy_project["new"])["flags"]
    loc = localise(load_sample(project), "es", project)
    assert next(s for s in loc.segments if s.id == fuzzy_project["id"]).status == "fuzzy"


def test_update_on_the_unchanged_sample_changes_nothing(tmp_path):
    project = repository_copy(tmp_path)
    before = tree_hash(project / "source")
    result = uapress(project, "translations", "update")
    assert result.returncode == 0, result.stderr
    # Every PO file of every action is left as it was (the project also holds the sample's follow-up).
    lines = result.stdout.splitlines()
    assert lines and all(": unchanged (" in line for line in lines), result.stdout
    assert sum(f"/{SLUG}/translations/" in line for line in lines) == 3, result.stdout
    assert tree_hash(project / "source") == before


def test_update_creates_a_new_language(tmp_path, msgfmt_check):
    project = repository_copy(tmp_path)
    others = {lang: po_path(project, lang).read_bytes() for lang in ("es", "fr", "ar")}
    result = uapress(project, "translations", "update", "--lang", "de")
    assert result.returncode == 0, result.stderr
    de = po_path(project, "de")
    assert "created (0 kept, 19 new, 0 fuzzy, 0 obsolete)" in result.stdout
    msgfmt_check(de)
    entries = read_po(de)
    fields = header_fields(entries)
    assert fields["Language"] == "de"
    assert fields["Plural-Forms"] == "nplurals=2; plural=(n != 1);"
    assert fields["Content-Type"] == "text/plain; charset=UTF-8"
    assert "fuzzy" not in entries[0]["flags"]
    segments = action_segments(load_sample(project))
    assert [(e["context"], e["msgid"]) for e in live(entries)] == [(s.field, s.source) for s in segments]
    assert all(e["msgstr"] == "" and not e["flags"] for e in live(entries))
    assert all(f"id: {s.id}" in e["notes"] for s, e in zip(segments, live(entries)))
    assert {lang: po_path(project, lang).read_bytes() for lang in others} == others


def test_update_refuses_the_source_language(tmp_path):
    project = repository_copy(tmp_path)
    result = uapress(project, "translations", "update", "--lang", "en")
    assert result.returncode == 2
    assert "source language" in result.stderr
    assert not po_path(project, "en").exists()


# --- bad input ---------------------------------------------------------------


def _break_unquoted(lines: list[str], index: int) -> None:
    lines[index] = lines[index].replace('msgid "', "msgid ", 1)


def _break_keyword(lines: list[str], index: int) -> None:
    lines[index] = lines[index].replace("msgid ", "msgdi ", 1)


def _break_missing_msgstr(lines: list[str], index: int) -> None:
    assert lines[index + 1].startswith("msgstr ")
    del lines[index + 1]


@pytest.mark.parametrize(
    "breaker",
    [_break_unquoted, _break_keyword, _break_missing_msgstr],
    ids=["unquoted-msgid", "misspelt-keyword", "missing-msgstr"],
)
def test_po_syntax_error_fails_check_naming_file_and_line(tmp_path, msgfmt_check, breaker):
    project = repository_copy(tmp_path)
    es = po_path(project, "es")
    lines = es.read_text(encoding="utf-8").splitlines()
    index = next(i for i, line in enumerate(lines) if line.startswith('msgid "In January 2026'))
    breaker(lines, index)
    es.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(AssertionError):
        msgfmt_check(es)  # the real client agrees that the file is broken

    result = uapress(project, "check")
    assert result.returncode == 1, result.stderr
    line = index + 1
    assert re.search(rf"translations/es\.po:{line}\b.*error", result.stderr), result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr


def test_entry_for_unknown_field_is_reported_and_unused(tmp_path):
    project = repository_copy(tmp_path)
    es = po_path(project, "es")
    extra = (FIXTURES / "unknown-field.po").read_text(encoding="utf-8")
    es.write_text(es.read_text(encoding="utf-8") + "\n" + extra, encoding="utf-8")

    result = uapress(project, "check")
    assert result.returncode == 0, result.stderr
    warning = [line for line in result.stderr.splitlines() if "footer" in line]
    assert warning and "warning" in warning[0] and "es.po" in warning[0], result.stderr
    assert uapress(project, "check", "--strict").returncode == 1

    loc = localise(load_sample(project), "es", project)
    assert "footer" in " ".join(p.message for p in loc.problems)
    assert all(s.field != "footer" for s in loc.segments)
    assert not any("reciclado" in s.text for s in loc.segments)
    assert loc.counts == {"translated": 19, "fuzzy": 0, "missing": 0, "invalid": 0}


def test_translation_breaking_markdown_falls_back(tmp_path, msgfmt_check):
    project = repository_copy(tmp_path)
    es = po_path(project, "es")
    action = load_sample(project)
    title = next(s for s in action_segments(action) if s.field == "title")
    text = es.read_text(encoding="utf-8")
    good = "Las personas defensoras de los derechos humanos deben quedar en libertad"
    assert text.count(f'msgstr "{good}"') == 1
    es.write_text(
        text.replace(f'msgstr "{good}"', f'msgstr "{good.replace("deben", "<b>deben</b>")}"'), encoding="utf-8"
    )
    msgfmt_check(es)  # valid PO; only the Markdown is wrong

    loc = localise(action, "es", project)
    segment = next(s for s in loc.segments if s.id == title.id)
    assert segment.status == "invalid"
    assert segment.text == title.source, "the edition shows the source, not the broken translation"
    document = build_document(loc)
    entry = next(s for s in document.checklist.segments if s.id == title.id)
    assert entry.status == "invalid"
    assert any(f.check == "markdown" and f.severity == "error" for f in entry.findings)
    assert document.checklist.ready is False

    result = uapress(project, "check")
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if title.id in line]
    assert lines and "error" in lines[0] and "es.po" in lines[0], result.stderr


def _drop_label_entries(path: Path, keys: set[str]) -> None:
    blocks = path.read_text(encoding="utf-8").split("\n\n")
    kept = [b for b in blocks if not any(f'msgctxt "{key}"' in b for key in keys)]
    assert len(kept) == len(blocks) - len(keys)
    path.write_text("\n\n".join(kept), encoding="utf-8")


def test_missing_labels_fall_back_to_english(tmp_path, msgfmt_check):
    project = repository_copy(tmp_path)
    fr_labels = project / "source" / "labels" / "fr.po"
    dropped = {"urgent_action", "additional_information"}
    _drop_label_entries(fr_labels, dropped)
    msgfmt_check(fr_labels)

    loc = localise(load_sample(project), "fr", project)
    assert loc.labels["urgent_action"] == "URGENT ACTION"
    assert loc.labels["additional_information"] == "ADDITIONAL INFORMATION"
    assert loc.labels["take_action"].startswith("AGISSEZ")
    assert set(loc.labels.missing) == dropped
    document = build_document(loc)
    assert set(document.checklist.missing_labels) == dropped
    masthead = next(s for s in document.sections if s.role == "masthead")
    assert plain_text(masthead.blocks[0].inlines) == "URGENT ACTION"

    out = tmp_path / "out"
    result = uapress(project, "checklist", SLUG, "--lang", "fr", "--out", str(out))
    assert result.returncode == 0, result.stderr
    data = json.loads((out / "checklist.json").read_text(encoding="utf-8"))
    assert set(data["missing_labels"]) == dropped
    assert any("label" in reason for reason in data["reasons"])

    check = uapress(project, "check")
    warning = [line for line in check.stderr.splitlines() if "labels/fr.po" in line and "urgent_action" in line]
    assert warning and "additional_information" in warning[0], check.stderr


def test_commands_other_than_update_never_change_source(tmp_path):
    project = repository_copy(tmp_path)
    before = tree_hash(project / "source")
    # Issue 18: each command must also end as it should (a failing build was accepted here): --strict fails on the
    # sample's warnings (placeholder links, untranslated French), everything else succeeds.
    for args, code in (
        (["check"], 0),
        (["check", "--strict"], 1),
        (["status"], 0),
        (["checklist", SLUG, "--lang", "de", "--out", str(tmp_path / "out")], 0),
        (["build", "--format", "html"], 0),
        (["build"], 0),
    ):
        result = uapress(project, *args)
        assert result.returncode == code, (args, result.stdout, result.stderr)
        assert "Traceback" not in result.stderr, (args, result.stderr)
        if args[0] == "build":  # both actions (the sample and its follow-up), every edition built, none failed
            assert re.search(r"^\d+ editions? built, \d+ unchanged, 0 errors", result.stdout, re.M), result.stdout
            assert "FAILED" not in result.stdout
        assert tree_hash(project / "source") == before, f"uapress {' '.join(args)} changed source/"


# --- locale data (Babel CLDR) ------------------------------------------------


@pytest.mark.parametrize(
    "lang, expected",
    [
        ("en", "30 June 2026"),
        ("es", "30 de junio de 2026"),
        ("fr", "30 juin 2026"),
    ],
)
def test_long_date(lang, expected):
    assert long_date(dt.date(2026, 6, 30), lang) == expected


def test_long_date_arabic():
    value = long_date(dt.date(2026, 6, 30), "ar")
    assert "يونيو" in value and "2026" in value


@pytest.mark.parametrize(
    "lang, expected",
    [
        ("en", "Spanish"),
        ("es", "español"),
        ("fr", "espagnol"),
        ("ar", "الإسبانية"),
    ],
)
def test_language_name(lang, expected):
    assert language_name("es", lang) == expected


@pytest.mark.parametrize("lang, expected", [("ar", "rtl"), ("fr", "ltr"), ("en", "ltr"), ("es", "ltr")])
def test_direction(lang, expected):
    assert direction(lang) == expected


# --- reading and writing PO files --------------------------------------------


def test_po_file_round_trips_through_uapress(msgfmt_check):
    """uapress reads back what it writes: old source (`#|`, multi-line), comments, obsolete entries."""
    from uapress.localise import po

    path = FIXTURES / "round-trip.po"
    msgfmt_check(path)
    file = po.read(path)
    fuzzy = next(e for e in file.entries if e.context == "letter")
    assert fuzzy.fuzzy and fuzzy.msgstr == "Pedimos su liberación.\nY justicia."
    assert fuzzy.previous == "We call for their release.\nAnd for justice."
    assert fuzzy.comments == ["Reviewed by the Madrid office."], "`#|` lines are no translator comments"
    obsolete = next(e for e in file.entries if e.obsolete)
    assert (obsolete.context, obsolete.msgid, obsolete.msgstr) == (
        "background",
        "An old paragraph.",
        "Un párrafo antiguo.",
    )
    assert po.render(file) == path.read_text(encoding="utf-8")


def test_a_source_edit_before_update_shows_as_out_of_date_and_leaves_the_po_alone(tmp_path):
    # Reviewers building right after an edit must see "out of date" with the old translation and a diff,
    # not "never translated"; the PO file itself only changes through `translations update`.
    project = repository_copy(tmp_path)
    before = po_path(project, "es").read_bytes()
    edit_source(project, OLD_WORDS, NEW_WORDS)
    action = load_sample(project)
    loc = localise(action, "es", project)
    changed = [s for s in loc.segments if s.status != "translated"]
    assert [(s.field, s.status) for s in changed] == [("letter", "fuzzy")]
    assert changed[0].text == changed[0].source  # the source is shown until the translation is revised
    assert any("translations update" in (p.hint or "") for p in loc.problems)
    checklist = build_document(loc).checklist
    (item,) = [s for s in checklist.segments if s.status == "fuzzy"]
    assert ("-", "took note of") in item.diff and ("+", "welcomed") in item.diff
    assert po_path(project, "es").read_bytes() == before
