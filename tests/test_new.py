"""`uapress new SLUG`: a commented action.yaml with every field that `uapress check` accepts but for placeholders.

Issue, point 1: every field present, one comment line each (what it is, an example, whether it is
translated); issued today, deadline six weeks later; refuses to overwrite an action or to take a slug
that is not lowercase letters, digits and hyphens.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
import yaml

from projects import files_under, make_project, run_uapress
from test_cli import assert_clean, errors, printed
from uapress.commands.scaffold import new_action
from uapress.source.schema import KNOWN_KEYS, TARGET_KEYS

SLUG = "belarus-journalist-detained"
ACTION = f"source/actions/{SLUG}/action.yaml"


@pytest.fixture
def project(tmp_path):
    return make_project(tmp_path, "minimal")


def test_new_action_passes_check_with_only_placeholder_warnings(project):
    result = run_uapress(project, "new", SLUG)
    assert_clean(result)
    assert result.returncode == 0, result.stderr
    assert f"wrote {ACTION}" in result.stdout
    check = run_uapress(project, "check", SLUG)
    assert_clean(check)
    assert check.returncode == 0, check.stderr
    assert not errors(check)
    warnings = [p.head for p in printed(check.stderr)]
    placeholders = [h for h in warnings if "still holds a placeholder" in h]
    assert set(warnings) - set(placeholders) == {h for h in warnings if "no 'reference'" in h}, check.stderr
    # Each placeholder warning names its line and field.
    fields = {re.search(r"line \d+, ([\w.]+): still holds", h).group(1) for h in placeholders}
    assert fields == {
        "language",  # issue 19: the source language is a choice, not a silent default
        "country",
        "appeal_language",
        "subject",
        "title",
        "summary",
        "targets.0.name",
        "targets.0.title",
        "targets.0.address",
        "targets.0.salutation",
        "letter",
        "background",
    }
    lines = (project / ACTION).read_text(encoding="utf-8").splitlines()
    for head in placeholders:
        number = int(re.search(r"line (\d+),", head).group(1))
        assert "TODO:" in lines[number - 1], head
    assert run_uapress(project, "check", "--strict", SLUG).returncode == 1


def test_every_field_is_present_under_a_one_line_comment(project):
    path = new_action(project, SLUG, dt.date(2026, 11, 20))
    text = path.read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    assert list(data) == list(KNOWN_KEYS)
    assert set(data["targets"][0]) == set(TARGET_KEYS)
    lines = text.splitlines()
    for number, line in enumerate(lines):
        key = re.match(r"^\s*(?:- )?([a-z_]+):", line)
        if not key:
            continue
        comment = lines[number - 1].strip()
        assert comment.startswith("# "), f"{key.group(1)} has no comment line above it"
        example = "always 1" if key.group(1) == "schema" else "e.g."  # the one value it can take is its example
        assert example in comment, f"{key.group(1)}: no example in {comment!r}"
        assert "translated" in comment, f"{key.group(1)}: does not say whether it is translated: {comment!r}"


def test_dates_are_today_and_six_weeks_later(project):
    before = dt.date.today()
    assert run_uapress(project, "new", SLUG).returncode == 0
    after = dt.date.today()
    data = yaml.safe_load((project / ACTION).read_text(encoding="utf-8"))
    assert data["issued"] in (before, after)
    assert data["deadline"] == data["issued"] + dt.timedelta(days=42)
    other = new_action(project, "leap-year", dt.date(2028, 1, 31))
    assert yaml.safe_load(other.read_text(encoding="utf-8"))["deadline"] == dt.date(2028, 3, 13)


def test_filled_in_it_checks_clean_even_under_strict(project):
    path = new_action(project, SLUG)
    text = path.read_text(encoding="utf-8")
    text = re.sub(r'"TODO: [^"]*"', '"Filled in"', text)
    text = re.sub(r"  # TODO: .*", "", text)
    text = re.sub(r"TODO: .*", "Filled in.", text)
    text = text.replace("reference:\n", 'reference: "EUR 49/0001/2026"\n')
    path.write_text(text, encoding="utf-8")
    result = run_uapress(project, "check", "--strict", SLUG)
    assert_clean(result)
    assert result.returncode == 0, result.stderr
    assert printed(result.stderr) == []


def test_refuses_to_overwrite_an_action(project):
    assert run_uapress(project, "new", SLUG).returncode == 0
    (project / ACTION).write_text("# my work\n", encoding="utf-8")
    before = files_under(project / "source")
    result = run_uapress(project, "new", SLUG)
    assert_clean(result)
    assert result.returncode == 2
    assert f"{ACTION} already exists" in result.stderr
    assert files_under(project / "source") == before


@pytest.mark.parametrize("slug", ["../x", "a b", "Abc", "x/y", "trailing-", "dots.yaml", "ünï"])
def test_refuses_a_slug_that_is_not_lowercase_letters_digits_and_hyphens(project, slug):
    before = files_under(project)
    result = run_uapress(project, "new", slug)
    assert_clean(result)
    assert result.returncode == 2, result.stderr
    assert f"'{slug}' is not a valid action name" in result.stderr
    assert "lowercase letters, digits and hyphens" in result.stderr
    assert files_under(project) == before
    assert not (project / "source" / "x").exists() and not (project.parent / "x").exists()


# --- issue 19: the source language cannot be wrong silently -------------------------------


def test_new_takes_the_source_language_and_leaves_no_unmarked_default(project):
    result = run_uapress(project, "new", SLUG, "--lang", "es")
    assert result.returncode == 0, result.stderr
    data = yaml.safe_load((project / ACTION).read_text(encoding="utf-8"))
    assert data["language"] == "es" and data["appeal_language"] == "es"
    line = next(x for x in (project / ACTION).read_text(encoding="utf-8").splitlines() if x.startswith("language:"))
    assert line == "language: es"
    # Without --lang the default is marked, and `check` warns about it.
    other = run_uapress(project, "new", "other-action")
    assert other.returncode == 0, other.stderr
    text = (project / "source/actions/other-action/action.yaml").read_text(encoding="utf-8")
    assert next(x for x in text.splitlines() if x.startswith("language:")).startswith("language: en  # TODO:")
    assert "--lang" in text
    unknown = run_uapress(project, "new", "third-action", "--lang", "xx-nope")
    assert unknown.returncode == 2 and "not a known language tag" in unknown.stderr
    assert not (project / "source/actions/third-action").exists()


SPANISH = {
    "title: Release the defender": "title: Liberen a la defensora",
    "  A human rights defender is *arbitrarily* detained.": "  Una defensora de los derechos humanos está detenida *arbitrariamente* desde hace meses por las autoridades.",
    "  I urge you to **release** the defender, as the [UN experts](https://www.ohchr.org/en) have asked.": (
        "  Le insto a **liberar** a la defensora, como lo han pedido los [expertos de la ONU](https://www.ohchr.org/en)."
    ),
    "  Please also see the [previous appeal](#).": "  Vea también el [llamamiento anterior](#) sobre su caso.",
    "  The defender was detained in January 2026.": "  La defensora fue detenida en enero de 2026 por su trabajo con las familias de los detenidos.",
}


def test_a_spanish_action_declared_english_is_warned_about(project):
    path = project / "source/actions/minimal/action.yaml"
    text = path.read_text(encoding="utf-8")
    for old, new in SPANISH.items():
        assert old in text
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")

    result = run_uapress(project, "check", "minimal")

    assert result.returncode == 0, result.stderr
    heads = [p.head for p in printed(result.stderr)]
    assert any(
        "language: the text of the action reads as Spanish (es), but 'language' says English (en)" in h for h in heads
    ), result.stderr
    assert "language: es" in result.stderr
    # Declared as Spanish, it checks without that warning.
    path.write_text(text.replace("language: en", "language: es"), encoding="utf-8")
    assert "reads as" not in run_uapress(project, "check", "minimal").stderr


def test_languages_holding_the_source_language_is_an_error(project):
    path = project / "source/actions/minimal/action.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("language: en\n", "language: en\nlanguages: [es, en]\n"),
        encoding="utf-8",
    )

    result = run_uapress(project, "check", "minimal")

    assert result.returncode == 1, result.stderr
    assert "languages.1: 'en' is the source language" in result.stderr
    assert "remove en from 'languages'" in result.stderr
