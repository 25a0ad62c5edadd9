"""Bad input files (issue 10): links out of the project, oversized files and fields, YAML aliases, strict PO files.

Each case runs the real command line in a copy of the sample project, and checks what a user sees: exit 1,
one error naming the file, the line and what to do, no traceback, and nothing of the linked file shown.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from projects import REPOSITORY, files_under, make_project, run_uapress

SLUG = "venezuela-hrd-release"
ACTION = f"source/actions/{SLUG}/action.yaml"
SECRET = "root:x:0:0"  # the first line of /etc/passwd: must never be printed


@pytest.fixture
def project(tmp_path) -> Path:
    """The repository's sources (the sample and its follow-up) and styles."""
    return make_project(tmp_path, REPOSITORY)


def assert_refused(result, *words: str) -> str:
    """Assert the command failed with a clear error holding `words`; return its stderr."""
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "Traceback" not in output and "internal error" not in output and "MemoryError" not in output, output
    for word in words:
        assert word in result.stderr, result.stderr
    return result.stderr


def error_lines(stderr: str, file: str) -> list[str]:
    """Return the head lines of the errors about `file` (`path:line:column: error: ...`)."""
    return [line for line in stderr.splitlines() if re.match(rf"^\S*{re.escape(file)}:\d+(:\d+)?: error: ", line)]


# --- links out of the project and files too large ---------------------------------------------------

LINKED = {
    "action": ACTION,
    "translation": f"source/actions/{SLUG}/translations/fr.po",
    "labels": "source/labels/es.po",
}


@pytest.mark.parametrize("target", ["/etc/passwd", "/dev/zero"])
@pytest.mark.parametrize("kind", sorted(LINKED))
def test_a_file_linking_outside_the_project_is_refused(project, kind, target):
    # Issue 10: the first line of /etc/passwd was printed in the error; /dev/zero gave a MemoryError.
    path = project / LINKED[kind]
    path.unlink()
    path.symlink_to(target)
    for command in (["check"], ["build", "--format", "html"]):
        result = run_uapress(project, *command, timeout=120)
        stderr = assert_refused(result, "links outside the project", target, Path(LINKED[kind]).name)
        assert SECRET not in result.stdout + stderr
    if kind == "action":
        assert not (project / "build" / SLUG).exists(), "nothing of the action is built"


def test_a_link_inside_the_project_is_read(project):
    # A link is not refused as such: one to a file inside the project is followed.
    po = project / LINKED["translation"]
    shared = project / "source" / "shared-fr.po"
    po.rename(shared)
    po.symlink_to(Path("..") / ".." / ".." / "shared-fr.po")
    result = run_uapress(project, "check")
    assert result.returncode == 0, result.stderr


def test_a_source_larger_than_2_mb_is_refused_with_its_size(project):
    action = project / ACTION
    action.write_text(action.read_text(encoding="utf-8") + ("# padding\n" * 300_000), encoding="utf-8")
    stderr = assert_refused(
        run_uapress(project, "check", timeout=60), "action.yaml", "2.9 MiB", "more than the 2.0 MiB"
    )
    assert len(max(stderr.splitlines(), key=len)) < 400


def test_a_po_file_larger_than_2_mb_is_refused_with_its_size(project):
    po = project / LINKED["translation"]
    po.write_text(po.read_text(encoding="utf-8") + ("# padding\n" * 300_000), encoding="utf-8")
    assert_refused(run_uapress(project, "check", timeout=60), "fr.po", "more than the 2.0 MiB")


def test_serve_shows_the_refusal_and_never_the_linked_file(project):
    from test_serve import Server

    action = project / ACTION
    action.unlink()
    action.symlink_to("/etc/passwd")
    server = Server(project, SLUG)
    try:
        response = server.get(f"/{SLUG}/")
        page = response.read().decode("utf-8")
    finally:
        server.stop()
    assert "links outside the project" in page, page
    assert SECRET not in page and SECRET not in server.text()


# --- YAML anchors and aliases -----------------------------------------------------------------------


def _replace_keep(project: Path, block: str) -> int:
    """Replace the sample's `keep:` list with `block`; return the line `keep:` is on."""
    action = project / ACTION
    text = action.read_text(encoding="utf-8")
    start = text.index("\nkeep:\n") + 1
    end = text.index("\n\n", start) if "\n\n" in text[start:] else len(text)
    action.write_text(text[:start] + block + text[end:], encoding="utf-8")
    return text[:start].count("\n") + 1


def test_an_alias_in_a_source_is_refused_at_its_anchor(project):
    # Issue 10: anchors and aliases are never needed in a source; `keep: [&n Ana, *n]` was accepted.
    line = _replace_keep(project, "keep:\n  - &who Rocío San Miguel\n  - *who\n")
    stderr = assert_refused(run_uapress(project, "check"), "anchors and aliases are not allowed", "fix:")
    (head,) = error_lines(stderr, "action.yaml")
    assert f"action.yaml:{line + 1}:5: error:" in head and "keep:" in head, head


def test_an_alias_bomb_is_refused_before_it_expands(project):
    # Nine nested levels of nine aliases: a billion strings once expanded (issue 10).
    levels = ["  - &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    levels += [f"  - &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]" for i in range(1, 10)]
    _replace_keep(project, "keep:\n" + "\n".join(levels) + "\n")
    started = time.monotonic()
    result = run_uapress(project, "check", timeout=60)
    assert_refused(result, "anchor '&l0'", "anchors and aliases are not allowed")
    assert time.monotonic() - started < 30


# --- field sizes ------------------------------------------------------------------------------------


def test_a_title_over_its_limit_names_field_line_limit_and_size(project):
    action = project / ACTION
    text = action.read_text(encoding="utf-8")
    line = text[: text.index("\ntitle: ") + 1].count("\n") + 1
    action.write_text(
        re.sub(r"^title: .*$", "title: " + "Release them " * 400, text, count=1, flags=re.M), encoding="utf-8"
    )
    stderr = assert_refused(run_uapress(project, "check"), "at most 300", "5,199 characters")
    (head,) = error_lines(stderr, "action.yaml")
    assert f"action.yaml:{line}:" in head and "title:" in head, head
    assert len(max(stderr.splitlines(), key=len)) < 400, "the excerpt of a long line is cut"


def test_a_field_padded_to_megabytes_fails_fast(project):
    # Issue 10: a 20 MB action padded in one field rendered for minutes; the file cap stops 20 MB, and a
    # field just under it is refused by its own limit before anything is rendered.
    action = project / ACTION
    text = action.read_text(encoding="utf-8")
    padding = "\n\n".join(["Padding paragraph " * 50] * 1_500)
    action.write_text(
        text.replace("\nbackground: |\n", "\nbackground: |\n  " + padding.replace("\n", "\n  ") + "\n\n  ", 1),
        encoding="utf-8",
    )
    assert 1.2e6 < action.stat().st_size < 2 * 2**20
    started = time.monotonic()
    result = run_uapress(project, "build", "--format", "html", timeout=120)
    assert_refused(result, "background:", "at most 20,000")
    assert time.monotonic() - started < 60
    assert not files_under(project / "build" / SLUG)


def test_a_list_over_its_limit_is_refused(project):
    _replace_keep(project, "keep:\n" + "".join(f"  - Name {i}\n" for i in range(300)))
    assert_refused(run_uapress(project, "check"), "keep:", "300 items", "at most 200")


def test_a_translation_far_longer_than_its_field_allows_is_refused_at_its_msgstr(project):
    po = project / LINKED["translation"]
    lines = po.read_text(encoding="utf-8").splitlines()
    index = lines.index('msgctxt "title"') + 2
    assert lines[index].startswith("msgstr ")
    lines[index] = 'msgstr ""'
    lines.insert(index + 1, '"' + "Liberez-les " * 100 + '"')
    po.write_text("\n".join(lines) + "\n", encoding="utf-8")
    stderr = assert_refused(run_uapress(project, "check"), "at most 600")
    assert [line for line in error_lines(stderr, "fr.po") if f"fr.po:{index + 1}:" in line], stderr


# --- PO files -----------------------------------------------------------------------------------------


def test_a_charset_other_than_utf8_is_an_error_at_its_line(project):
    # Issue 10: the header was ignored, so a Latin-1 file was published as mojibake with exit 0.
    po = project / LINKED["translation"]
    text = po.read_text(encoding="utf-8")
    po.write_text(text.replace("charset=UTF-8", "charset=ISO-8859-1"), encoding="utf-8")
    line = text[: text.index("charset=")].count("\n") + 1
    stderr = assert_refused(run_uapress(project, "check"), "charset=ISO-8859-1", "UTF-8")
    assert any(f"fr.po:{line}:" in head for head in error_lines(stderr, "fr.po")), stderr


@pytest.mark.parametrize("where", ["translation", "labels"])
def test_a_duplicate_entry_names_both_lines(project, where):
    po = project / LINKED[where]
    text = po.read_text(encoding="utf-8")
    blocks = text.rstrip("\n").split("\n\n")
    first = text[: text.index(blocks[1])].count("\n") + 2  # the msgctxt line, after the `#.` comment
    po.write_text(text.rstrip("\n") + "\n\n" + blocks[1] + "\n", encoding="utf-8")
    second = text.rstrip("\n").count("\n") + 4
    stderr = assert_refused(run_uapress(project, "check"), "duplicate entry", f"lines {first} and {second}")
    assert any(f"{po.name}:{second}:" in head for head in error_lines(stderr, po.name)), stderr


def test_an_invalid_escape_is_an_error_at_its_line(project):
    po = project / LINKED["translation"]
    lines = po.read_text(encoding="utf-8").splitlines()
    index = lines.index('msgctxt "title"') + 2
    lines[index] = lines[index][:-1] + '\\q"'
    po.write_text("\n".join(lines) + "\n", encoding="utf-8")
    stderr = assert_refused(run_uapress(project, "check"), "invalid escape '\\q'")
    assert any(f"fr.po:{index + 1}:" in head for head in error_lines(stderr, "fr.po")), stderr


def test_a_broken_translation_is_reported_at_its_msgstr_not_its_msgid(project):
    # Issue 10: the error pointed at the msgid, several lines above the translation to fix.
    po = project / LINKED["translation"]
    lines = po.read_text(encoding="utf-8").splitlines()
    start = lines.index('msgctxt "title"')
    msgstr = lines[start + 2]
    assert msgstr.startswith('msgstr "')
    lines[start + 2 : start + 3] = ['msgstr ""', '"<b>' + msgstr[len('msgstr "') :]]
    po.write_text("\n".join(lines) + "\n", encoding="utf-8")
    stderr = assert_refused(run_uapress(project, "check"), "breaks Markdown")
    heads = error_lines(stderr, "fr.po")
    assert heads and all(f"fr.po:{start + 3}:" in head for head in heads), stderr
