"""How `uapress check` shows errors, compared with readable expected-output files (issue: errors that point).

Each case folder under tests/fixtures/ may hold `expected-check.txt`: the exact stderr of
`uapress check` with NO_COLOR set, then `--- stdout`, the summary, then `--- exit N`.
After a deliberate change of wording, regenerate a file by running the case and reading the
result before committing it.
"""

from __future__ import annotations

import pytest

from projects import FIXTURES, make_project, run_uapress

CASES = sorted(p.parent.name for p in FIXTURES.glob("*/expected-check.txt"))


def test_there_are_rendering_cases():
    assert len(CASES) >= 6


@pytest.mark.parametrize("case", CASES)
def test_check_output_matches_the_expected_text(tmp_path, case):
    root = make_project(tmp_path, case)
    result = run_uapress(root, "check", env={"NO_COLOR": "1"})
    got = result.stderr + "--- stdout\n" + result.stdout + f"--- exit {result.returncode}\n"
    expected = (FIXTURES / case / "expected-check.txt").read_text(encoding="utf-8")
    assert got == expected
