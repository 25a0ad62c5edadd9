"""The command line, run as a subprocess in throwaway projects: exit codes, messages, atomic builds.

DESIGN.md, "Rules every part keeps": messages name file, line and field; exit 0 ok, 1 content errors (or
warnings under --strict), 2 usage; no traceback unless --debug; a failed build leaves the previous editions.
"""

from __future__ import annotations

import os
import pty
import re
import subprocess
from dataclasses import dataclass, field

import pytest

import uapress
from projects import ANSI, BAD_CASES, action_file, files_under, make_project, run_uapress, uapress_command

ACTION = "source/actions/minimal/action.yaml"
HEAD = re.compile(r"^\S.*?: (error|warning): ")


@dataclass
class Printed:
    """One finding as the CLI prints it: the head line and the lines under it."""

    head: str
    body: list[str] = field(default_factory=list)

    @property
    def severity(self) -> str:
        return HEAD.match(self.head).group(1)

    @property
    def fix(self) -> str | None:
        for line in self.body:
            if line.startswith("  fix: "):
                return line[len("  fix: ") :]
        return None


def printed(stderr: str) -> list[Printed]:
    """Split stderr into the findings printed."""
    found: list[Printed] = []
    for line in stderr.splitlines():
        if HEAD.match(line):
            found.append(Printed(line))
        elif found and line.startswith("  "):
            found[-1].body.append(line)
    return found


def assert_clean(result: subprocess.CompletedProcess) -> None:
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output
    assert "internal error" not in output, output


def errors(result) -> list[Printed]:
    return [p for p in printed(result.stderr) if p.severity == "error"]


# --- malformed sources ------------------------------------------------------


@pytest.mark.parametrize("case", sorted(BAD_CASES))
def test_check_reports_file_line_field_and_fix(tmp_path, case):
    line, field_, words = BAD_CASES[case]
    root = make_project(tmp_path, case)
    result = run_uapress(root, "check")
    assert_clean(result)
    assert result.returncode == 1, result.stderr
    matching = [p for p in errors(result) if all(w in p.head for w in words)]
    assert matching, f"no error with {words} in:\n{result.stderr}"
    found = matching[0]
    assert found.head.startswith(f"{ACTION}:{line}:"), found.head  # file:line[:column]
    where = f"line {line}, " + (f"{field_}: " if field_ else "")
    assert where in found.head, found.head
    assert found.fix, f"no fix printed for:\n{result.stderr}"
    assert "1 action checked" in result.stdout


@pytest.mark.parametrize("case", sorted(BAD_CASES))
def test_build_of_a_bad_source_writes_nothing(tmp_path, case):
    root = make_project(tmp_path, case)
    result = run_uapress(root, "build", "--format", "html")
    assert_clean(result)
    assert result.returncode == 1, result.stderr
    assert errors(result)
    assert files_under(root / "build") == {}


def test_several_errors_are_reported_in_one_run(tmp_path):
    root = make_project(tmp_path, "several-errors")
    result = run_uapress(root, "check")
    assert_clean(result)
    assert result.returncode == 1
    heads = [p.head for p in errors(result)]
    assert len(heads) == 3, result.stderr
    assert any(f"{ACTION}:5:11: error: line 5, deadline: 2026-02-30 is not a date (YYYY-MM-DD)" in h for h in heads)
    assert any(f"{ACTION}:6:1: error: line 6, deadlin: unknown key 'deadlin'" in h for h in heads)
    assert any("letter: required field 'letter' is missing" in h for h in heads)
    assert "3 errors" in result.stdout


def test_unknown_key_suggests_the_nearest(tmp_path):
    result = run_uapress(make_project(tmp_path, "unknown-key"), "check")
    (unknown,) = [p for p in errors(result) if "unknown key 'deadlin'" in p.head]
    assert unknown.fix == "did you mean 'deadline'?"


def test_caret_stands_under_the_bad_value(tmp_path):
    result = run_uapress(make_project(tmp_path, "impossible-date"), "check")
    (bad,) = errors(result)
    excerpt, caret = bad.body[0], bad.body[1]
    assert excerpt == "  5 | deadline: 2026-02-30"
    assert caret.rstrip() == "    | " + " " * len("deadline: ") + "^"
    assert caret.index("^") == excerpt.index("2026-02-30")


def test_caret_under_the_unclosed_quote(tmp_path):
    result = run_uapress(make_project(tmp_path, "yaml-unclosed-quote"), "check")
    (bad,) = errors(result)
    excerpt, caret = bad.body[0], bad.body[1]
    assert excerpt == '  9 | subject: "A human rights defender'
    assert caret.index("^") == excerpt.index('"')


# --- warnings and --strict --------------------------------------------------


def test_valid_project_checks_clean_but_for_its_unresolved_link(tmp_path):
    root = make_project(tmp_path, "minimal")
    result = run_uapress(root, "check")
    assert_clean(result)
    assert result.returncode == 0, result.stderr
    (warning,) = printed(result.stderr)
    assert warning.severity == "warning"
    assert f"{ACTION}:23:39: warning: line 23, letter: link 'previous appeal' has no address yet (#)" in warning.head
    assert "0 errors, 1 warning" in result.stdout
    strict = run_uapress(root, "check", "--strict")
    assert_clean(strict)
    assert strict.returncode == 1


def test_missing_reference_is_a_warning(tmp_path):
    root = make_project(tmp_path, "no-reference")
    result = run_uapress(root, "check")
    assert_clean(result)
    assert result.returncode == 0, result.stderr
    warnings = [p.head for p in printed(result.stderr) if p.severity == "warning"]
    assert any("no 'reference'" in h and "add 'reference:" in h for h in warnings), result.stderr
    assert any("has no address yet (#)" in h for h in warnings), result.stderr
    assert not errors(result)
    strict = run_uapress(root, "check", "--strict")
    assert_clean(strict)
    assert strict.returncode == 1


# --- usage errors -----------------------------------------------------------


@pytest.mark.parametrize(
    "args, words",
    [
        (["build", "no-such-action"], ["no such action: 'no-such-action'", "known actions: minimal"]),
        (["build", "minimall"], ["no such action: 'minimall'", "did you mean 'minimal'?"]),
        (["check", "minimal-"], ["did you mean 'minimal'?"]),
        (["build", "--format", "nope"], ["unknown format: nope", "html"]),
        (["check", "--no-such-option"], ["No such option"]),
        (["no-such-command"], ["No such command"]),
    ],
)
def test_usage_errors_exit_2(tmp_path, args, words):
    root = make_project(tmp_path, "minimal")
    result = run_uapress(root, *args)
    assert_clean(result)
    assert result.returncode == 2, result.stderr
    for word in words:
        assert word in result.stderr
    assert files_under(root / "build") == {}


def test_outside_a_project_is_a_usage_error(tmp_path):
    result = run_uapress(tmp_path, "check")
    assert_clean(result)
    assert result.returncode == 2
    assert "no uapress project here" in result.stderr


# --- colour -----------------------------------------------------------------


def run_in_terminal(root, *args: str, env: dict) -> str:
    """Run uapress with a pseudo-terminal as stdout and stderr; return everything it printed."""
    master, slave = pty.openpty()
    environment = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    environment.update(env)
    process = subprocess.Popen(
        uapress_command() + list(args), cwd=root, env=environment, stdin=subprocess.DEVNULL, stdout=slave, stderr=slave
    )
    os.close(slave)
    chunks = []
    try:
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(master)
        process.wait(timeout=120)
    return b"".join(chunks).decode("utf-8", "replace")


def test_piped_output_has_no_colour(tmp_path):
    result = run_uapress(make_project(tmp_path, "impossible-date"), "check", env={"TERM": "xterm-256color"})
    assert result.returncode == 1
    assert errors(result)
    assert ANSI not in result.stderr and ANSI not in result.stdout


def test_no_color_turns_colour_off_on_a_terminal(tmp_path):
    root = make_project(tmp_path, "impossible-date")
    coloured = run_in_terminal(root, "check", env={"TERM": "xterm-256color"})
    assert "2026-02-30 is not a date" in coloured
    assert ANSI in coloured  # the terminal run really can show colour...
    plain = run_in_terminal(root, "check", env={"TERM": "xterm-256color", "NO_COLOR": "1"})
    assert "2026-02-30 is not a date" in plain
    assert ANSI not in plain  # ...and NO_COLOR turns it off


# --- help and version -------------------------------------------------------


def test_version(tmp_path):
    result = run_uapress(tmp_path, "--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"uapress {uapress.__version__}"


@pytest.mark.parametrize(
    "args, words",
    [
        (["--help"], ["build", "check", "status", "checklist", "translations"]),
        (["-h"], ["build", "check"]),
        (["build", "--help"], ["--format", "--lang", "--strict"]),
        (["check", "--help"], ["--strict"]),
    ],
)
def test_help(tmp_path, args, words):
    result = run_uapress(tmp_path, *args, env={"COLUMNS": "120"})
    assert_clean(result)
    assert result.returncode == 0, result.stderr
    assert "Usage" in result.stdout
    for word in words:
        assert word in result.stdout


# --- atomic builds ----------------------------------------------------------


def test_failed_build_leaves_the_previous_editions(tmp_path):
    root = make_project(tmp_path, "minimal")
    first = run_uapress(root, "build", "--format", "html")
    assert_clean(first)
    assert first.returncode == 0, first.stderr
    before = files_under(root / "build")
    html = "minimal/en/minimal.en.html"
    assert html in before and b"Release the defender" in before[html]

    path = action_file(root)
    path.write_text(
        path.read_text(encoding="utf-8").replace("deadline: 2026-06-30", "deadline: 2026-02-30"), encoding="utf-8"
    )
    second = run_uapress(root, "build", "--format", "html")
    assert_clean(second)
    assert second.returncode == 1
    assert any("2026-02-30 is not a date (YYYY-MM-DD)" in p.head for p in errors(second))
    # Byte for byte the same files, and no temporary file left behind.
    assert files_under(root / "build") == before


def test_a_build_counts_in_real_plural_forms(sample_build):
    # Issue 21: the build printed "4 edition(s) built", "0 error(s), 27 warning(s), 1 notice(s)", "7 file(s)".
    printed = sample_build.result.stdout + sample_build.result.stderr
    assert "(s)" not in printed, printed
    assert re.search(r"^4 editions built, 0 unchanged, 0 errors, \d+ warnings, 1 notice$", printed, re.M), printed
    assert re.search(r"^venezuela-hrd-release/fr: \d+ files ·", printed, re.M), printed
