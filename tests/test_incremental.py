"""Incremental, interrupted, parallel and concurrent builds (the speed issue, points 2, 3 and "Bad input").

Every test builds a throwaway copy of the repository's project (its `source/` and `styles/`) through the
CLI in a subprocess, and reads the per-edition summary lines (`slug/lang: unchanged | N files | FAILED`)
to learn what was rebuilt. Functional tests only: nothing here is timed (the speed figures are
`make bench`'s job).
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from lxml import html as lxml_html

from projects import SAMPLE, make_project, run_uapress, start_uapress, uapress_command

REPO = Path(__file__).resolve().parents[1]
SLUG = "venezuela-hrd-release"
LANGS = ("en", "es", "fr", "ar")
EDITIONS = {f"{SLUG}/{lang}" for lang in LANGS}
CACHE = ".uapress-cache.json"
SUMMARY_LINE = re.compile(r"^(\S+/\S+): (unchanged|FAILED|\d+ files?)", re.M)
TIMEOUT = 600


# --- helpers -----------------------------------------------------------------


def build(root: Path, *args: str, check: bool = True, verbose: bool = False) -> subprocess.CompletedProcess:
    """Run `uapress build ARGS` in `root`; with `check`, fail the test unless it exits 0.

    `verbose` runs `uapress -v build`, which lists the warnings (a build only counts them, issue 21).
    """
    result = run_uapress(root, *(("-v",) if verbose else ()), "build", *args, timeout=TIMEOUT)
    if check:
        assert result.returncode == 0, f"exit {result.returncode}\n{result.stdout}\n{result.stderr}"
    return result


def states(result: subprocess.CompletedProcess) -> dict[str, str]:
    """Return each edition's state from the summary: 'unchanged', 'built' or 'FAILED'."""
    found = {name: ("built" if state[-1] in "es" else state) for name, state in SUMMARY_LINE.findall(result.stdout)}
    assert found, f"no summary lines in:\n{result.stdout}"
    return found


def rebuilt(result: subprocess.CompletedProcess) -> set[str]:
    """Return the editions the build says it rebuilt."""
    return {name for name, state in states(result).items() if state == "built"}


def stamps(out: Path) -> dict[str, tuple]:
    """Return (inode, mtime, bytes) of every file under `out`: an atomic rewrite changes the inode."""
    return {
        str(p.relative_to(out)): (p.stat().st_ino, p.stat().st_mtime_ns, p.read_bytes())
        for p in sorted(out.rglob("*"))
        if p.is_file()
    }


def contents(out: Path) -> dict[str, bytes]:
    """Return the bytes of every edition output under `out` (the cache file left out)."""
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file() and p.name != CACHE}


def edition_files(out: Path, lang: str) -> set[str]:
    return {str(p.relative_to(out)) for p in (out / SLUG / lang).iterdir() if p.is_file()}


def assert_complete(out: Path, formats=("html", "pdf", "docx")) -> None:
    """Every edition has every format, each whole: PDF from %PDF to %%EOF, DOCX a valid zip, HTML parses."""
    assert not list(out.rglob("*.uapress-tmp")), f"temporary files left: {list(out.rglob('*.uapress-tmp'))}"
    for lang in LANGS:
        folder = out / SLUG / lang
        if "pdf" in formats:
            pdf = (folder / f"{SLUG}.{lang}.pdf").read_bytes()
            assert pdf.startswith(b"%PDF-"), f"{lang}: not a PDF"
            assert pdf.rstrip().endswith(b"%%EOF"), f"{lang}: PDF truncated"
        if "docx" in formats:
            with zipfile.ZipFile(folder / f"{SLUG}.{lang}.docx") as docx:
                assert docx.testzip() is None, f"{lang}: corrupt DOCX entry"
                document = etree.fromstring(docx.read("word/document.xml"))
                assert document.tag.endswith("}document")
        if "html" in formats:
            text = (folder / f"{SLUG}.{lang}.html").read_text(encoding="utf-8")
            assert text.rstrip().endswith("</html>"), f"{lang}: HTML truncated"
            page = lxml_html.document_fromstring(text)
            assert page.find("body") is not None and page.text_content().strip()
        checklist = json.loads((folder / "checklist.json").read_text(encoding="utf-8"))
        assert checklist["segments"], f"{lang}: empty checklist"


@pytest.fixture
def project(tmp_path) -> Path:
    return make_project(tmp_path, SAMPLE)  # these tests count the sample's editions


@pytest.fixture(scope="module")
def reference(sample_build) -> dict[str, bytes]:
    """Every output of a clean, one-worker, all-format build of the sample, the session's one (issue 18). Outputs
    do not depend on the project's location, so other copies must produce exactly these bytes."""
    assert "--jobs" in sample_build.result.args and "1" in sample_build.result.args
    return contents(sample_build.out)


# --- the cache ---------------------------------------------------------------


def test_second_build_is_unchanged_and_rewrites_nothing(project):
    first = build(project, "--format", "html")
    assert rebuilt(first) == EDITIONS
    before = stamps(project / "build")
    second = build(project, "--format", "html")
    assert states(second) == {name: "unchanged" for name in EDITIONS}
    assert "0 editions built, 4 unchanged" in second.stdout
    assert stamps(project / "build") == before, "a no-op build rewrote files (the cache included)"


def test_editing_one_po_rebuilds_only_that_language(built_sample_html):
    # French is not the appeal language (Spanish, whose letter every other edition shows: issue 14).
    project = built_sample_html  # built with `uapress build --format html`: the session's build, restored (issue 18)
    out = project / "build"
    before = stamps(out)
    po = project / "source" / "actions" / SLUG / "translations" / "fr.po"
    po.write_text(
        po.read_text(encoding="utf-8").replace(
            "Présidente par intérim de la République", "Présidente intérimaire de la République"
        ),
        encoding="utf-8",
    )
    result = build(project, "--format", "html")
    assert states(result) == {
        f"{SLUG}/fr": "built",
        f"{SLUG}/en": "unchanged",
        f"{SLUG}/es": "unchanged",
        f"{SLUG}/ar": "unchanged",
    }
    after = stamps(out)
    for lang in ("en", "es", "ar"):
        for name in edition_files(out, lang):
            assert after[name] == before[name], f"{name} was rewritten"
    assert "Présidente intérimaire" in (out / SLUG / "fr" / f"{SLUG}.fr.html").read_text(encoding="utf-8")


def test_editing_the_appeal_language_po_rebuilds_the_editions_showing_its_letter(built_sample_html):
    # Issue 14: every edition carries the Spanish letter as an annex, so es.po is an input of them all.
    project = built_sample_html  # built with `uapress build --format html`: the session's build, restored (issue 18)
    po = project / "source" / "actions" / SLUG / "translations" / "es.po"
    po.write_text(
        po.read_text(encoding="utf-8").replace('msgstr "Atentamente,"', 'msgstr "Cordialmente,"'), encoding="utf-8"
    )
    result = build(project, "--format", "html")
    assert set(states(result).values()) == {"built"}
    assert "Cordialmente," in (project / "build" / SLUG / "fr" / f"{SLUG}.fr.html").read_text(encoding="utf-8")


def test_changing_a_style_rebuilds_everything(built_sample_html):
    project = built_sample_html  # built with `uapress build --format html`: the session's build, restored (issue 18)
    brand = project / "styles" / "brand.yaml"
    text = brand.read_text(encoding="utf-8")
    assert 'primary: "#0B4F6C"' in text
    brand.write_text(text.replace('primary: "#0B4F6C"', 'primary: "#7A1F5C"'), encoding="utf-8")
    result = build(project, "--format", "html")
    assert rebuilt(result) == EDITIONS
    assert "4 editions built, 0 unchanged" in result.stdout


def test_force_rebuilds_everything(built_sample_html):
    project = built_sample_html  # built with `uapress build --format html`: the session's build, restored (issue 18)
    before = stamps(project / "build")
    result = build(project, "--format", "html", "--force")
    assert rebuilt(result) == EDITIONS
    after = stamps(project / "build")
    outputs = [name for name in before if name.startswith(f"{SLUG}/")]  # the editions, not the index
    assert all(after[name][0] != before[name][0] for name in outputs), "--force left some outputs unwritten"
    assert all(after[name][2] == before[name][2] for name in outputs), "same inputs, different bytes"


def test_deleting_an_output_rebuilds_its_edition(built_sample_html):
    project = built_sample_html  # built with `uapress build --format html`: the session's build, restored (issue 18)
    out = project / "build"
    (out / SLUG / "fr" / f"{SLUG}.fr.html").unlink()
    result = build(project, "--format", "html")
    assert rebuilt(result) == {f"{SLUG}/fr"}
    assert (out / SLUG / "fr" / f"{SLUG}.fr.html").is_file()
    assert_complete(out, formats=("html",))


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda data: data[: len(data) // 2], id="truncated"),
        pytest.param(lambda data: b"", id="empty"),
        pytest.param(lambda data: b"\x00\xff\xfe garbage {[", id="garbage-not-utf8"),
        pytest.param(lambda data: b"[1, 2, 3]\n", id="json-list"),
        pytest.param(
            lambda data: b'{"editions": {"%s/en": "no entry", "%s/es": {"key": 7}}}' % ((SLUG.encode(),) * 2),
            id="wrong-shapes",
        ),
    ],
)
def test_a_damaged_cache_costs_a_full_build(built_sample_html, damage):
    project = built_sample_html  # built with `uapress build --format html`: the session's build, restored (issue 18)
    out = project / "build"
    clean = contents(out)
    cache = out / CACHE
    cache.write_bytes(damage(cache.read_bytes()))
    result = build(project, "--format", "html")
    assert rebuilt(result) == EDITIONS
    assert_complete(out, formats=("html",))
    assert contents(out) == clean
    # The damaged cache was replaced by a good one: the next build has nothing to do.
    assert set(states(build(project, "--format", "html")).values()) == {"unchanged"}


def test_a_cache_entry_naming_a_missing_file_is_rebuilt(built_sample_html):
    project = built_sample_html  # built with `uapress build --format html`: the session's build, restored (issue 18)
    cache = project / "build" / CACHE
    data = json.loads(cache.read_text(encoding="utf-8"))
    data["editions"][f"{SLUG}/ar"]["files"].append(f"{SLUG}/ar/was-deleted.ar.html")
    # An entry for an action that no longer exists is harmless too.
    data["editions"]["removed-action/en"] = {"key": "0" * 64, "files": ["removed-action/en/removed-action.en.html"]}
    cache.write_text(json.dumps(data), encoding="utf-8")
    result = build(project, "--format", "html")
    assert rebuilt(result) == {f"{SLUG}/ar"}
    assert_complete(project / "build", formats=("html",))


def diagnostics(result: subprocess.CompletedProcess) -> list[str]:
    """Return the lines a build printed about its sources (not its progress, per-edition and total lines).

    Issue 21: nor the files -v lists, nor the line naming the output folder under the verdict table.
    """
    lines = (result.stdout + result.stderr).splitlines()
    return [
        line
        for line in lines
        if not SUMMARY_LINE.match(line)
        and " built, " not in line
        and not re.match(r"\s*\[\d+/\d+\] ", line)
        and not re.match(r"^    \S+$", line)
        and not line.endswith("index.html lists the files, ready apart from drafts.")
    ]


def test_a_no_op_build_prints_the_full_builds_warnings_without_localising(project):
    # Issue 13: a no-op answers from the cache (no PO parsed, no Babel, Markdown or WeasyPrint imported),
    # yet reports every warning and notice the full build found, and the same translation counts.
    full = build(project, "--format", "html", "--format", "pdf", verbose=True)
    assert ": warning: " in full.stderr, "the sample has warnings to repeat (untranslated French)"
    noop = subprocess.run(
        [*uapress_command("-X", "importtime"), "-v", "build", "--format", "html", "--format", "pdf"],
        cwd=project,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=TIMEOUT,
    )
    assert noop.returncode == 0, noop.stderr
    imported = {line.rsplit("|", 1)[-1].strip() for line in noop.stderr.splitlines() if line.startswith("import time:")}
    assert not {"babel", "markdown", "weasyprint", "docx"} & imported, "a no-op build loaded a heavy library"
    noop.stderr = "\n".join(line for line in noop.stderr.splitlines() if not line.startswith("import time:"))
    assert set(states(noop).values()) == {"unchanged"}
    assert diagnostics(noop) == diagnostics(full)
    counts = re.compile(r"^(\S+/\S+): .*?(· .*)?$", re.M)
    assert [(n, c) for n, c in counts.findall(noop.stdout) if "/" in n] == [
        (n, c) for n, c in counts.findall(full.stdout) if "/" in n
    ]
    assert re.search(r"\d+ warnings?\b", noop.stdout).group() == re.search(r"\d+ warnings?\b", full.stdout).group()
    # --strict fails on the remembered warnings as on the found ones.
    assert build(project, "--format", "html", "--format", "pdf", "--strict", check=False).returncode == 1


def test_library_versions_come_from_the_installed_folders_as_importlib_metadata_gives_them(monkeypatch):
    # Issue 13: "dist-info" has a hyphen of its own, so no `NAME-VERSION.dist-info` folder was ever taken and
    # every build, a no-op one too, asked importlib.metadata (a tenth of a no-op build).
    from importlib import metadata

    from uapress.build import cache

    expected = ";".join(f"{name}={metadata.version(name)}" for name in cache.LIBRARIES)
    asked = []
    monkeypatch.setattr(metadata, "version", lambda name: asked.append(name) or "?")
    assert cache._library_versions() == expected
    assert asked == []


def test_a_no_op_build_notices_an_edited_action_and_reports_its_new_warnings(built_sample_html):
    # Issue 13: the remembered findings of an action are only used while its bytes are the same.
    project = built_sample_html  # built with `uapress build --format html`: the session's build, restored (issue 18)
    action = project / "source" / "actions" / SLUG / "action.yaml"
    text = action.read_text(encoding="utf-8")
    title = "title: Human rights defenders must be released\n"
    assert title in text
    action.write_text(text.replace(title, 'title: "TODO: Human rights defenders must be released"\n'), encoding="utf-8")
    result = build(project, "--format", "html", verbose=True)
    assert rebuilt(result) == EDITIONS
    assert "placeholder" in result.stdout + result.stderr
    again = build(project, "--format", "html", verbose=True)
    assert set(states(again).values()) == {"unchanged"}
    assert diagnostics(again) == diagnostics(result)


# --- interrupted builds ------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("whom", ["process-group", "main-process"])
def test_an_interrupted_build_leaves_no_temporary_files_and_the_next_build_completes(project, reference, whom):
    # Ctrl-C in a terminal signals the whole foreground process group (the workers too); `kill -INT`
    # signals the main process only. Both must leave whole files and a cache that tells the truth.
    out = project / "build"
    running = start_uapress(project, "build", "--force", start_new_session=True)
    time.sleep(1.0)
    if whom == "process-group":
        os.killpg(running.pid, signal.SIGINT)
    else:
        running.send_signal(signal.SIGINT)
    running.communicate(timeout=TIMEOUT)
    assert not list(project.rglob("*.uapress-tmp")), "an interrupted build left temporary files"

    result = build(project)
    assert set(states(result)) == EDITIONS
    built = len(rebuilt(result))
    assert f"{built} edition{'' if built == 1 else 's'} built, {4 - built} unchanged" in result.stdout
    assert_complete(out)
    assert contents(out) == reference


def _children(pid: int) -> list[int]:
    """Return the child processes of `pid`."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        found += [int(child) for child in task.read_text().split()]
    return found


def _alive_in_session(session: int) -> list[int]:
    """Return the processes of `session` still running a few seconds on (not the dead ones init has yet to reap)."""
    alive: list[int] = []
    for _ in range(50):
        alive = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:  # ended meanwhile
                continue
            if int(fields[3]) == session and fields[0] != "Z":  # fields: state, ppid, pgrp, session…
                alive.append(int(stat.parent.name))
        if not alive:
            break
        time.sleep(0.1)
    return alive


@pytest.mark.parametrize("delay", [0.0, 0.15, 0.4, 0.8])
def test_ctrl_c_while_the_workers_start_ends_the_build_at_once(project, delay):
    # Issue 24: the workers start in a process of their own while the build localises and sends it editions; a
    # Ctrl-C landing while the build held the lock of the queue it sent them through left it waiting for ever.
    running = start_uapress(project, "build", "--force", "--jobs", "2", start_new_session=True)
    started = time.monotonic()
    while not _children(running.pid) and time.monotonic() - started < 60:
        time.sleep(0.01)
    assert _children(running.pid), "the build started no worker process"
    time.sleep(delay)
    os.killpg(running.pid, signal.SIGINT)
    _, stderr = running.communicate(timeout=60)
    assert running.returncode in (0, 130), stderr
    assert "Traceback" not in stderr, stderr
    if running.returncode == 130:
        assert "interrupted" in stderr, stderr
    assert _alive_in_session(running.pid) == [], "processes of the build outlived it"
    assert not list(project.rglob("*.uapress-tmp"))


def test_an_interrupted_rebuild_does_not_vouch_for_half_written_editions(project):
    # Regression: an edition interrupted after writing some of its new files kept its old cache entry;
    # once its input was reverted, the next build called it "unchanged" and kept the new, wrong file.
    build(project, "--format", "html", "--lang", "es")
    po = project / "source" / "actions" / SLUG / "translations" / "es.po"
    original = po.read_text(encoding="utf-8")
    po.write_text(original.replace("Presidenta encargada", "Presidenta interina"), encoding="utf-8")
    interrupt_after_first_file = (
        "import uapress.build.run as b\n"
        "real = b.write_edition\n"
        "def write_then_stop(folder, outputs, remove=()):\n"
        "    real(folder, outputs, remove)\n"
        "    raise KeyboardInterrupt\n"
        "b.write_edition = write_then_stop\n"
        "from uapress.cli import app\n"
        "app(['build', '--format', 'html', '--lang', 'es', '--jobs', '1'])\n"
    )
    stopped = subprocess.run(
        [sys.executable, "-c", interrupt_after_first_file], cwd=project, capture_output=True, text=True, timeout=TIMEOUT
    )
    assert stopped.returncode == 130, stopped.stderr
    assert "Presidenta interina" in (project / "build" / SLUG / "es" / f"{SLUG}.es.html").read_text(encoding="utf-8")
    po.write_text(original, encoding="utf-8")
    result = build(project, "--format", "html", "--lang", "es")
    assert states(result) == {f"{SLUG}/es": "built"}
    page = (project / "build" / SLUG / "es" / f"{SLUG}.es.html").read_text(encoding="utf-8")
    assert "Presidenta encargada" in page and "Presidenta interina" not in page


# --- workers and concurrent builds ------------------------------------------


def test_two_workers_and_one_give_identical_outputs(project):
    one = build(project, "--jobs", "1", "--out", "one")
    two = build(project, "--jobs", "2", "--out", "two")
    assert rebuilt(one) == rebuilt(two) == EDITIONS
    assert_complete(project / "two")
    assert contents(project / "two") == contents(project / "one")
    # Workers send back what they rendered, not the edition's job and the bytes it read (issue 13: those copies
    # grew the build's memory with the archive): the warnings and the cache's record of each edition stay the same.
    assert diagnostics(two) == diagnostics(one) and any("warning" in line for line in diagnostics(one))
    verbose = [build(project, "--jobs", jobs, "--out", out, verbose=True) for jobs, out in (("1", "one"), ("2", "two"))]
    assert diagnostics(verbose[1]) == diagnostics(verbose[0]) and any(
        ": warning: " in d for d in diagnostics(verbose[0])
    )
    one_cache, two_cache = (json.loads((project / out / CACHE).read_text(encoding="utf-8")) for out in ("one", "two"))
    assert two_cache["editions"] == one_cache["editions"]
    assert all(any(read.endswith(".po") for read in entry["reads"]) for entry in one_cache["editions"].values())


def test_editions_share_equal_source_bytes_and_read_an_edited_file_anew(project):
    # Every edition reads the labels and the appeal language's PO file: equal bytes are kept once (issue 13:
    # an archive of 100 actions held 400 copies of each); an edit between two reads is never served stale.
    from uapress.core.inputs import Inputs

    po = project / "source" / "labels" / "es.po"
    first, second = Inputs().read(po), Inputs().read(po)
    assert first == po.read_bytes() and first is second
    po.write_bytes(first + b"\n")
    assert Inputs().read(po) == first + b"\n"


@pytest.mark.slow
def test_two_builds_at_once_into_one_folder_one_waits_for_the_other(project, reference):
    # `make -j` may run two builds into the same build/: with --wait the second waits for the first's lock,
    # and neither sees or leaves a half-written file (issue 10: no lock left mixed editions).
    runs = [start_uapress(project, "build", "--force", "--wait") for _ in range(2)]
    for run in runs:
        stdout, stderr = run.communicate(timeout=TIMEOUT)
        assert run.returncode == 0, f"{stdout}\n{stderr}"
    out = project / "build"
    assert_complete(out)
    assert contents(out) == reference
    json.loads((out / CACHE).read_text(encoding="utf-8"))
    after = build(project)
    assert set(states(after)) == EDITIONS
    assert contents(out) == reference


def test_a_second_build_into_the_same_folder_stops_and_names_the_running_one(project):
    # Issue 10: without --wait, the build that finds the folder locked writes nothing and says who holds it.
    runs = [start_uapress(project, "build", "--force", "--format", "html") for _ in range(2)]
    outcomes = [(run.pid, run.returncode, stderr) for run in runs for _, stderr in [run.communicate(timeout=TIMEOUT)]]
    refused = [(pid, stderr) for pid, code, stderr in outcomes if code == 1]
    assert sorted(code for _, code, _ in outcomes) == [0, 1], outcomes
    ((pid, stderr),) = refused
    (other,) = [p for p, _, _ in outcomes if p != pid]
    assert (
        f"error: another build is running (pid {other}) in build; wait for it to finish, or run with --wait" in stderr
    )
    assert_complete(project / "build", formats=("html",))
