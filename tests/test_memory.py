"""The translation memory (issue 14, part 2): `translations update` pre-fills new and changed blocks.

An exact match (same source text, any action) arrives translated with `# tm: exact from SLUG`, is
published, QA-checked and listed "from memory" in the checklist; a close match (similarity >= 75 %:
difflib's ratio over word and punctuation tokens) arrives fuzzy with the percentage and the memory's
source as the previous msgid, and is never published. PO files are read with the independent
parser of test_translations and checked by `msgfmt -c`.
"""

from __future__ import annotations

import difflib
import json
import re
from pathlib import Path

import pytest

from projects import REPO, REPOSITORY, make_project, run_uapress
from test_cli import assert_clean
from test_translations import find, live, parse_po
from uapress.localise.memory import Memory, Unit, similarity
from uapress.localise.segments import action_segments
from uapress.source import load_action

OLD = "venezuela-hrd-release"
FOLLOWUP = "venezuela-hrd-release-fi1"
LANGS = ("es", "fr", "ar")


def tokens(text: str) -> list[str]:
    return re.findall(r"\w+|[^\w\s]", text)


def ratio(a: str, b: str) -> float:
    """The documented similarity, computed here independently: 2·M/T over word and punctuation tokens."""
    return difflib.SequenceMatcher(None, tokens(a), tokens(b), autojunk=False).ratio()


def po_file(root: Path, slug: str, lang: str) -> Path:
    return root / "source" / "actions" / slug / "translations" / f"{lang}.po"


def accepted(root: Path, slug: str, lang: str) -> dict[str, str]:
    """Return msgid -> msgstr of the published translations of one PO file."""
    return {
        e["msgid"]: e["msgstr"]
        for e in live(parse_po(po_file(root, slug, lang).read_text(encoding="utf-8")))
        if e["msgstr"] and "fuzzy" not in e["flags"] and e["msgid"]
    }


@pytest.fixture
def repo_copy(tmp_path):
    """The repository's sources and styles: the sample and its follow-up."""
    return make_project(tmp_path, REPOSITORY)


# --- the similarity ------------------------------------------------------------------


def test_similarity_is_the_token_ratio():
    base = "We call for the immediate release of Javier Tarazona and Kennedy Tejada."
    one_word = base.replace("immediate", "unconditional")
    assert similarity(base, base) == 1.0
    # 12 words and a full stop each, 12 tokens in common: 2·12/26.
    assert len(tokens(base)) == 13
    assert similarity(base, one_word) == pytest.approx(24 / 26)
    assert similarity(base, "Something else entirely.") < 0.75


def test_exact_match_prefers_the_same_kind_of_field():
    units = (
        Unit("Ana Pérez", "Ana Pérez (letter)", "en", "es", "letter", "a"),
        Unit("Ana Pérez", "Ana Pérez (title)", "en", "es", "targets.0.title", "b"),
    )
    match = Memory("en", "es", units).best("Ana Pérez", "targets.3.title")
    assert match.exact and match.unit.origin == "b"
    assert match.comment() == "tm: exact from b (targets.0.title)"
    assert Memory("en", "es", units).best("Ana Pérez", "summary").unit.origin == "a"


# --- the sample's follow-up: the measured share --------------------------------------


def test_followup_of_the_sample_is_prefilled_and_the_share_is_printed(repo_copy, msgfmt_check):
    for lang in LANGS:
        po_file(repo_copy, FOLLOWUP, lang).unlink()
    result = run_uapress(repo_copy, "translations", "update", FOLLOWUP)
    assert_clean(result)
    assert result.returncode == 0, result.stderr
    action, _ = load_action(repo_copy / "source" / "actions" / FOLLOWUP / "action.yaml")
    segments = action_segments(action)
    shares = {}
    for lang in LANGS:
        memory = accepted(repo_copy, OLD, lang)
        exact = [s for s in segments if s.source in memory]
        close = [
            s
            for s in segments
            if s.source not in memory and max((ratio(m, s.source) for m in memory), default=0) >= 0.75
        ]
        share = (len(exact) + len(close)) / len(segments)
        shares[lang] = share
        line = next(line for line in result.stdout.splitlines() if f"/{FOLLOWUP}/translations/{lang}.po" in line)
        assert (
            f"from memory: {len(exact)} exact, {len(close)} close, {share:.0%} of {len(segments)} segments" in line
        ), line
        entries = parse_po(po_file(repo_copy, FOLLOWUP, lang).read_text(encoding="utf-8"))
        for segment in exact:
            entry = find(entries, segment.field, segment.source)
            assert entry["msgstr"] == memory[segment.source]
            assert "fuzzy" not in entry["flags"]
            assert any(c.startswith(f"tm: exact from {OLD}") for c in entry["comments"]), entry
        msgfmt_check(po_file(repo_copy, FOLLOWUP, lang))
        # The committed follow-up is what this command writes (header dates aside).
        committed = parse_po(
            (REPO / po_file(repo_copy, FOLLOWUP, lang).relative_to(repo_copy)).read_text(encoding="utf-8")
        )
        assert [(e["context"], e["msgid"], e["msgstr"], e["flags"], e["comments"]) for e in entries[1:]] == [
            (e["context"], e["msgid"], e["msgstr"], e["flags"], e["comments"]) for e in committed[1:]
        ]
    # Every language whose sample translation is complete gets all but the follow-up's new blocks.
    assert shares["es"] == shares["ar"] == pytest.approx((len(segments) - 2) / len(segments))
    assert shares["fr"] < shares["es"]  # the sample's French background is untranslated: nothing to reuse
    print("pre-filled from memory: " + ", ".join(f"{lang} {shares[lang]:.0%}" for lang in LANGS))


# --- close matches, QA, the checklist ------------------------------------------------------


@pytest.fixture
def followup_project(tmp_path):
    """The minimal action with a Spanish translation (one with a QA error), and a follow-up of it edited."""
    root = make_project(tmp_path, "minimal")
    (root / "source" / "actions" / "minimal" / "translations").mkdir()
    po_file(root, "minimal", "es").write_text(
        """\
msgid ""
msgstr ""
"Language: es\\n"
"MIME-Version: 1.0\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"Content-Transfer-Encoding: 8bit\\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"

msgctxt "title"
msgid "Release the defender"
msgstr "Liberen al defensor"

msgctxt "letter"
msgid "I urge you to **release** the defender, as the [UN experts](https://www.ohchr.org/en) have asked."
msgstr "Le insto a **liberar** al defensor, como han pedido los [expertos de la ONU](https://www.ohchr.org/en)."

msgctxt "background"
msgid "The defender was detained in January 2026."
msgstr "El defensor fue detenido en enero."
""",
        encoding="utf-8",
    )
    assert run_uapress(root, "followup", "minimal", "minimal-fi1").returncode == 0
    path = root / "source" / "actions" / "minimal-fi1" / "action.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace(
        "as the [UN experts](https://www.ohchr.org/en) have asked.",
        "as the [UN experts](https://www.ohchr.org/en) have asked again.",
    )
    path.write_text(text, encoding="utf-8")
    return root


def test_close_match_is_fuzzy_with_percentage_and_old_source(followup_project, msgfmt_check):
    result = run_uapress(followup_project, "translations", "update", "minimal-fi1", "--lang", "es")
    assert_clean(result)
    assert result.returncode == 0, result.stderr
    entries = parse_po(po_file(followup_project, "minimal-fi1", "es").read_text(encoding="utf-8"))
    old = "I urge you to **release** the defender, as the [UN experts](https://www.ohchr.org/en) have asked."
    new = old.replace("have asked.", "have asked again.")
    entry = find(entries, "letter", new)
    assert "fuzzy" in entry["flags"]
    assert entry["msgstr"].startswith("Le insto a **liberar**")
    assert entry["previous"] == old
    percent = int(ratio(old, new) * 100)
    assert 75 <= percent < 100
    assert f"tm: {percent}% match from minimal (letter)" in entry["comments"], entry
    title = find(entries, "title", "Release the defender")
    assert title["msgstr"] == "Liberen al defensor" and "fuzzy" not in title["flags"]
    assert "tm: exact from minimal (title)" in title["comments"]
    msgfmt_check(po_file(followup_project, "minimal-fi1", "es"))
    assert "from memory: 2 exact, 1 close" in result.stdout, result.stdout


def test_checklist_lists_memory_matches_runs_qa_and_never_publishes_fuzzy(followup_project, tmp_path):
    assert run_uapress(followup_project, "translations", "update", "minimal-fi1", "--lang", "es").returncode == 0
    out = tmp_path / "checklist"
    result = run_uapress(followup_project, "checklist", "minimal-fi1", "--lang", "es", "--out", str(out))
    assert result.returncode == 0, result.stderr
    data = json.loads((out / "checklist.json").read_text(encoding="utf-8"))
    by_field = {s["field"]: s for s in data["segments"]}
    title = by_field["title"]
    assert title["status"] == "translated" and title["from_memory"]
    assert title["origin"] == "tm: exact from minimal (title)"
    # The memory's translation dropped "2026": QA runs on exact matches like on any translation.
    background = by_field["background"]
    assert background["status"] == "translated" and background["from_memory"]
    assert any(f["check"] == "numbers" and f["severity"] == "error" for f in background["findings"])
    letter = [s for s in data["segments"] if s["field"] == "letter" and s["from_memory"]]
    assert [s["status"] for s in letter] == ["fuzzy"]
    assert "%" in letter[0]["origin"]
    assert not data["ready"]
    # Matches from memory are not "imported segments to review".
    assert not any("imported" in reason for reason in data["reasons"]), data["reasons"]
    html = (out / "checklist.html").read_text(encoding="utf-8")
    # The Spanish checklist says "from the translation memory" in Spanish, then the match's origin.
    assert "de la memoria de traducción" in html and "exact from minimal (title)" in html
    assert re.search(r"de la memoria de traducción: 3\b", html)


def test_no_memory_leaves_new_blocks_empty(followup_project):
    result = run_uapress(followup_project, "translations", "update", "minimal-fi1", "--lang", "es", "--no-memory")
    assert result.returncode == 0, result.stderr
    entries = parse_po(po_file(followup_project, "minimal-fi1", "es").read_text(encoding="utf-8"))
    assert all(not e["msgstr"] for e in entries if e["msgid"])
    assert "from memory" not in result.stdout


def test_an_imported_tmx_feeds_later_prefills(tmp_path):
    """A TMX from another tool (DOCTYPE, srclang EN-US, inline <hi> and <bpt>/<ept> codes) pre-fills an action."""
    root = make_project(tmp_path, "minimal")
    tmx = tmp_path / "agency.tmx"
    tmx.write_text(
        """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE tmx PUBLIC "-//LISA OSCAR:1998//DTD for Translation Memory eXchange//EN" "tmx14.dtd">
<tmx version="1.4">
 <header creationtool="OtherTool" creationtoolversion="2" segtype="sentence" o-tmf="x" adminlang="en-US"
         srclang="EN-US" datatype="plaintext"/>
 <body>
  <tu><tuv xml:lang="en-US"><seg>Release the defender</seg></tuv>
      <tuv xml:lang="es-ES"><seg>Liberen <hi type="x">al</hi> defensor</seg></tuv></tu>
  <tu><tuv xml:lang="EN-US"><seg>A human rights defender</seg></tuv>
      <tuv xml:lang="es"><seg><bpt i="1">&lt;b&gt;</bpt>Una<ept i="1">&lt;/b&gt;</ept> persona defensora</seg></tuv></tu>
 </body>
</tmx>
""",
        encoding="utf-8",
    )
    result = run_uapress(root, "import", str(tmx))
    assert_clean(result)
    assert result.returncode == 0, result.stderr
    assert (root / "source" / "memory" / "agency.tmx").is_file()
    assert "2 translation units" in result.stdout, result.stdout
    result = run_uapress(root, "translations", "update", "minimal", "--lang", "es")
    assert result.returncode == 0, result.stderr
    entries = parse_po(po_file(root, "minimal", "es").read_text(encoding="utf-8"))
    assert find(entries, "title", "Release the defender")["msgstr"] == "Liberen al defensor"
    subject = find(entries, "subject", "A human rights defender")
    assert subject["msgstr"] == "Una persona defensora"
    assert "tm: exact from agency.tmx" in subject["comments"]
