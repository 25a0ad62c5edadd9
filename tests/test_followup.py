"""`uapress followup OLD NEW` (issue 14, part 2): a follow-up action scaffolded from an earlier one.

`previous` names OLD when its reference and public address are known, and holds a TODO mark (with a
warning) when they are not; dates start again, marked TODO; targets, copies, languages, keep terms
and every text are OLD's; a bad name or an existing action is refused like `uapress new`.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import yaml

from projects import REPO, SAMPLE, files_under, make_project, run_uapress
from test_cli import assert_clean, errors, printed
from uapress.commands.scaffold import render_followup
from uapress.source import load_action
from uapress.source.schema import KNOWN_KEYS, Previous

OLD = "venezuela-hrd-release"
NEW = "venezuela-hrd-release-fi2"
NEW_FILE = f"source/actions/{NEW}/action.yaml"
COPIED = (
    "language",
    "languages",
    "country",
    "appeal_language",
    "subject",
    "pronoun",
    "title",
    "summary",
    "targets",
    "copies",
    "letter",
    "closing",
    "background",
    "keep",
    "ua_number",
)


@pytest.fixture
def project(tmp_path):
    """A project holding the sample action only, with labels and styles."""
    return make_project(tmp_path, SAMPLE)


def load(root: Path, slug: str):
    action, _ = load_action(root / "source" / "actions" / slug / "action.yaml")
    return action


def add_reference(root: Path, reference: str) -> None:
    path = root / "source" / "actions" / OLD / "action.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("issued: 2026-01-19", f'reference: "{reference}"\nissued: 2026-01-19', 1), encoding="utf-8"
    )


def test_followup_of_the_sample_copies_everything_but_dates_and_previous(project):
    before = dt.date.today()
    result = run_uapress(project, "followup", OLD, NEW)
    assert_clean(result)
    assert result.returncode == 0, result.stderr
    assert f"wrote {NEW_FILE}" in result.stdout
    # The sample has neither a reference nor a known address: both are said, and previous is left to fill.
    warnings = [p.head for p in printed(result.stderr)]
    assert any("has no 'reference'" in w for w in warnings), result.stderr
    assert any("no public address" in w and "--url" in w for w in warnings), result.stderr
    old, new = load(project, OLD), load(project, NEW)
    for key in COPIED:
        assert getattr(new, key) == getattr(old, key), key
    assert new.previous is None and new.reference is None
    assert new.issued in (before, dt.date.today())
    assert new.deadline == new.issued + dt.timedelta(weeks=6)
    text = (project / NEW_FILE).read_text(encoding="utf-8")
    lines = text.splitlines()
    for key in ("issued", "deadline", "previous"):
        (line,) = [line for line in lines if line.startswith(f"{key}:")]
        assert "TODO:" in line, line
    assert 'url: "https://…"' in next(line for line in lines if line.startswith("previous:"))
    # No address is invented anywhere: besides the template's "https://…" examples, the only URLs are
    # those the sample's own text holds.
    old_text = (project / "source" / "actions" / OLD / "action.yaml").read_text(encoding="utf-8")
    urls = set(re.findall(r"https?://[^\s\"')]+", text)) - {"https://…"}
    assert urls <= set(re.findall(r"https?://[^\s\"')]+", old_text))
    assert list(yaml.safe_load(text)) == list(KNOWN_KEYS)


def test_check_warns_about_each_todo_of_the_followup_and_nothing_breaks(project):
    assert run_uapress(project, "followup", OLD, NEW).returncode == 0
    check = run_uapress(project, "check", NEW)
    assert_clean(check)
    assert check.returncode == 0, check.stderr
    assert not errors(check)
    fields = {
        re.search(r"line \d+, ([\w.]+): still holds", p.head).group(1)
        for p in printed(check.stderr)
        if "still holds a placeholder" in p.head
    }
    assert fields == {"issued", "deadline", "previous"}, check.stderr
    assert run_uapress(project, "check", "--strict", NEW).returncode == 1


def test_previous_is_filled_from_the_reference_and_the_given_address(project):
    add_reference(project, "AMR 53/0300/2026")
    url = "https://example.org/documents/amr53/0300/2026/en/"
    result = run_uapress(project, "followup", OLD, NEW, "--url", url)
    assert_clean(result)
    assert result.returncode == 0, result.stderr
    assert not printed(result.stderr), result.stderr
    new = load(project, NEW)
    assert new.previous == Previous("AMR 53/0300/2026", url)
    previous_line = next(
        line for line in (project / NEW_FILE).read_text(encoding="utf-8").splitlines() if line.startswith("previous:")
    )
    assert "TODO" not in previous_line


def test_a_known_reference_without_address_still_leaves_a_todo(project):
    add_reference(project, "AMR 53/0300/2026")
    result = run_uapress(project, "followup", OLD, NEW)
    assert result.returncode == 0, result.stderr
    heads = [p.head for p in printed(result.stderr)]
    assert len(heads) == 1 and "no public address" in heads[0], result.stderr
    line = next(
        line for line in (project / NEW_FILE).read_text(encoding="utf-8").splitlines() if line.startswith("previous:")
    )
    assert "TODO:" in line and '"AMR 53/0300/2026"' in line
    assert load(project, NEW).previous is None


@pytest.mark.parametrize(
    "args, words",
    [
        ((OLD, OLD), "already exists"),
        ((OLD, "Bad_Name"), "not a valid action name"),
        (("no-such-action", NEW), "no-such-action"),
        ((OLD, NEW, "--url", "javascript:alert(1)"), "not a web address"),
    ],
)
def test_followup_refuses_with_exit_2_and_writes_nothing(project, args, words):
    before = files_under(project / "source")
    result = run_uapress(project, "followup", *args)
    assert_clean(result)
    assert result.returncode == 2, result.stderr
    assert words in result.stderr
    assert files_under(project / "source") == before


def test_every_kind_of_text_survives_the_copy(tmp_path):
    """Markdown with hard breaks, quotes, colons, lists; several targets with e-mail; copies: loaded back equal."""
    folder = tmp_path / "source" / "actions" / "old"
    folder.mkdir(parents=True)
    (folder / "action.yaml").write_text(
        """\
schema: 1
ua_number: "UA 12/26"
issued: 2026-01-19
deadline: 2026-06-30
language: en
languages: [es, fr]
country: VE
appeal_language: es
subject: 'Two defenders: "A" and B'
title: "Release *them*: now"
summary: |
  First line with a hard break  
  second line: "quoted", 'single', # not a comment.

  - a list item
  - another, with [a link](https://example.org/a?b=1&c=2)
targets:
  - name: Ana Pérez
    title: Minister of Justice
    address: |
      Ministry of Justice,
      Caracas, Venezuela
    salutation: "Dear Minister,"
    email: ana@example.org
  - name: José Ruiz
    title: Attorney General
    address: Fiscalía, Caracas
    salutation: Dear Attorney General,
copies:
  - name: Embassy
    title: Ambassador
    address: |
      1 Street
      London
letter: |
  1. numbered
  2. list

  > a quote
closing: Yours faithfully,
background: "One paragraph without final newline"
keep: [Ana Pérez, "José Ruiz", "Foro: Penal"]
""",
        encoding="utf-8",
    )
    old, _ = load_action(folder / "action.yaml")
    text, _ = render_followup(old, "new", None, dt.date(2026, 11, 20))
    (tmp_path / "source" / "actions" / "new").mkdir()
    (tmp_path / "source" / "actions" / "new" / "action.yaml").write_text(text, encoding="utf-8")
    new, found = load_action(tmp_path / "source" / "actions" / "new" / "action.yaml")
    assert not [d for d in found if d.is_error]
    for key in COPIED:
        assert getattr(new, key) == getattr(old, key), key
    assert new.issued == dt.date(2026, 11, 20)


def test_help_shows_an_example(project):
    result = run_uapress(project, "followup", "--help")
    assert result.returncode == 0
    assert "Example: uapress followup venezuela-hrd-release" in result.stdout
    assert "--url" in result.stdout


def test_the_repository_followup_is_the_sample_as_followup_wrote_it():
    """The follow-up in source/actions/ keeps every field but the ones it says it changed."""
    old, new = load(REPO, OLD), load(REPO, "venezuela-hrd-release-fi1")
    for key in set(COPIED) - {"summary", "letter"}:
        assert getattr(new, key) == getattr(old, key), key
    assert "Example text of an illustrative follow-up" in new.summary
    old_paragraphs, new_paragraphs = old.letter.split("\n\n"), new.letter.split("\n\n")
    assert new_paragraphs[1:] == old_paragraphs
    assert "Example paragraph of an illustrative follow-up" in new_paragraphs[0]


def test_followup_in_another_source_language_makes_the_old_one_a_target(project):
    # Issue 19: a follow-up written in Spanish says so; the original's English becomes a target.
    result = run_uapress(project, "followup", OLD, "venezuela-hrd-release-es1", "--lang", "es")
    assert result.returncode == 0, result.stderr
    action = load(project, "venezuela-hrd-release-es1")
    assert action.language == "es"
    assert action.languages == ("en", "fr", "ar")
    # The text is still the original's English until it is rewritten: check says so.
    check = run_uapress(project, "check", "venezuela-hrd-release-es1")
    assert "reads as English (en), but 'language' says Spanish (es)" in check.stderr
