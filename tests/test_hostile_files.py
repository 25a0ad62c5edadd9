"""Hostile files (issue 25): templates and translations that try to run code or link out, Trojan-source text,
an output folder that holds other people's files, and inputs built to exhaust memory, CPU or time.

Each case runs the real command line in a copy of the sample project and checks what a user sees.
"""

from __future__ import annotations

import io
import os
import shutil
import signal
import struct
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from projects import REPO, copy_sample_sources, run_uapress, uapress_command

SLUG = "venezuela-hrd-release"
ACTION = f"source/actions/{SLUG}/action.yaml"


@pytest.fixture
def project(tmp_path) -> Path:
    root = tmp_path / "project"
    copy_sample_sources(root)
    shutil.copytree(REPO / "styles", root / "styles")
    return root


def assert_refused(result, *words: str) -> str:
    """Assert the command failed with one clear error holding `words`; return its stderr."""
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "Traceback" not in output and "internal error" not in output, output
    for word in words:
        assert word in result.stderr, result.stderr
    return result.stderr


# --- 1. templates never reach Python -------------------------------------------------------------------


def test_a_template_cannot_call_into_python(project):
    # Issue 25: `cycler.__init__.__globals__.os.popen(...)` in styles/edition.html ran during the build.
    page = project / "styles" / "edition.html"
    attack = '{{ cycler.__init__.__globals__.os.popen("echo PWNED-$((6*7))").read() }}'
    page.write_text(page.read_text(encoding="utf-8").replace("<body", attack + "<body", 1), encoding="utf-8")
    result = run_uapress(project, "build", SLUG, "--lang", "en", "--format", "html")
    output = result.stdout + result.stderr
    published = "".join(p.read_text(encoding="utf-8") for p in (project / "build").rglob("*.html"))
    assert "PWNED-42" not in published and "PWNED-42" not in output
    assert_refused(result, "styles/edition.html", "unsafe")


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_template_that_does_not_compile_is_named_by_its_file_and_line(project, jobs):
    # A Jinja syntax error in styles/ was an "internal error" (two workers) or "the html writer failed" on
    # action.yaml (one), without the template's name or line.
    page = project / "styles" / "edition.html"
    lines = page.read_text(encoding="utf-8").split("\n")
    line = next(number for number, text in enumerate(lines, 1) if "<body" in text)
    lines[line - 1] = lines[line - 1].replace("<body", "{% if %}<body", 1)
    page.write_text("\n".join(lines), encoding="utf-8")
    result = run_uapress(project, "build", SLUG, "--format", "html", "--jobs", jobs)
    assert_refused(result, f"styles/edition.html:{line}:", "does not compile")
    assert not list((project / "build").rglob(f"{SLUG}.*.html"))


# --- 2. no live link out of a translation ----------------------------------------------------------------


def _translate(project: Path, lang: str, old: str, new: str) -> None:
    """Replace `old` by `new` in the translation `lang.po` of the sample action."""
    po = project / f"source/actions/{SLUG}/translations/{lang}.po"
    text = po.read_text(encoding="utf-8")
    assert old in text
    po.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize("url", ["javascript:alert(1)", "JavaScript:alert(1)", "data:text/html,<script>1</script>"])
def test_a_translated_javascript_link_is_never_live_in_the_checklist(project, chromium_page, url):
    # Issue 25: the edition fell back to the source, but checklist.html showed <a href="javascript:alert(1)">.
    _translate(project, "es", 'msgstr "Hemos tomado nota', f'msgstr "[Hemos tomado nota]({url})')
    result = run_uapress(project, "build", SLUG, "--lang", "es", "--format", "html")
    assert "not allowed" in result.stderr, result.stderr
    folder = project / "build" / SLUG / "es"
    for page in (folder / "checklist.html", folder / f"{SLUG}.es.html", project / "build" / "index.html"):
        chromium_page.goto(page.as_uri())
        hrefs = chromium_page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
        assert hrefs, page  # each page has links: the sample's https: addresses, the editions
        assert not [h for h in hrefs if not h.startswith(("https:", "http:", "mailto:", "file:"))], (page, hrefs)
    # The reviewer still sees the words and the refused address, as text.
    chromium_page.goto((folder / "checklist.html").as_uri())
    assert "Hemos tomado nota" in chromium_page.inner_text("body")


# --- 4. an output folder's other files are never touched ---------------------------------------------------


def _others(folder: Path) -> dict[str, bytes]:
    """Put files of other tools in `folder`, named like the leftovers of an interrupted write; return them."""
    files = {"notes.txt": b"mine", ".draft.tmp": b"an editor's", ".site.staging/page.html": b"a deploy's"}
    files[".photos.old/p.jpg"] = b"a backup"
    for name, data in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    return files


def test_build_refuses_an_out_folder_holding_other_files(project, tmp_path):
    # Issue 25: `build --out DIR` removed every .*.tmp and .*.staging under DIR and renamed .X.old to X.
    out = tmp_path / "site"
    out.mkdir()
    files = _others(out)
    result = run_uapress(project, "build", SLUG, "--lang", "en", "--format", "html", "--out", str(out))
    assert result.returncode == 2, result.stdout + result.stderr
    assert "not empty" in result.stderr and "Traceback" not in result.stderr, result.stderr
    assert {str(p.relative_to(out)): p.read_bytes() for p in out.rglob("*") if p.is_file()} == files


def test_build_sweeps_only_its_own_leftovers(project, tmp_path):
    # Issue 25: in a folder uapress built before, files of other tools named `.*.tmp`, `.*.staging`, `.*.old` stay.
    out = tmp_path / "site"
    first = run_uapress(project, "build", SLUG, "--lang", "en", "--format", "html", "--out", str(out))
    assert first.returncode == 0, first.stderr
    files = _others(out)
    again = run_uapress(project, "build", SLUG, "--lang", "en", "--format", "html", "--out", str(out), "--force")
    assert again.returncode == 0, again.stderr
    for name, data in files.items():
        assert (out / name).read_bytes() == data, name
    assert not (out / "photos").exists()
    assert (out / SLUG / "en" / f"{SLUG}.en.html").is_file()


# --- 3. Trojan-source text ---------------------------------------------------------------------------------

RLO, PDF_MARK, RLI, PDI, ZWSP, RLM = "\u202e", "\u202c", "\u2067", "\u2069", "\u200b", "\u200f"


def test_bidi_overrides_in_a_translation_are_an_error_and_never_published(project, pdftotext):
    # Issue 25: U+202E around "700" and "Delcy Rodríguez" made the PDF show "007" and "zeugírdoR ycleD" while
    # the text (and so every QA check) held 700 and the name; nothing was reported.
    _translate(project, "es", "más de otras 700 personas", f"más de otras {RLO}700{PDF_MARK} personas")
    _translate(project, "es", "Pedimos a Delcy Rodríguez", f"Pedimos a {RLO}Delcy Rodríguez{PDF_MARK}")
    listed = run_uapress(project, "checklist", SLUG, "--lang", "es")
    assert "U+202E" in listed.stdout and "summary" in listed.stdout, listed.stdout
    result = run_uapress(project, "build", SLUG, "--lang", "es", "--format", "pdf")
    assert "U+202E" in result.stderr and "es.po" in result.stderr, result.stderr
    text = pdftotext(project / "build" / SLUG / "es" / f"{SLUG}.es.pdf")
    assert "Delcy Rodríguez" in text and "700" in text
    assert "007" not in text and "zeugírdoR" not in text and RLO not in text


def test_isolates_are_an_error_in_a_left_to_right_language_and_zero_width_a_warning(project):
    # Issue 25: isolates (U+2066–U+2069) and zero-width characters passed into every edition unreported.
    _translate(project, "es", "Pedimos a Delcy Rodríguez", f"Pedimos a {RLI}Delcy Rodríguez{PDI}")
    _translate(project, "es", "Junto a ellas", f"Junto{ZWSP} a ellas")
    listed = run_uapress(project, "checklist", SLUG, "--lang", "es")
    lines = [line for line in listed.stdout.splitlines() if "U+" in line]
    assert any("error" in line and "U+2067" in line for line in lines), listed.stdout
    assert any("warning" in line and "U+200B" in line for line in lines), listed.stdout


def test_right_to_left_marks_in_arabic_are_allowed(project):
    # Issue 25: Arabic may need RLM and isolates around Latin names; they are no finding there.
    _translate(project, "ar", 'msgstr "رئيسة الجمهورية بالإنابة"', f'msgstr "رئيسة الجمهورية{RLM} بالإنابة"')
    listed = run_uapress(project, "checklist", SLUG, "--lang", "ar")
    assert listed.returncode in (0, 1), listed.stderr
    assert "U+200F" not in listed.stdout + listed.stderr


@pytest.mark.parametrize("char", ["\x1b", "\x0c", "\x7f", "\x85"])
def test_a_control_character_in_a_source_field_is_refused_by_check(project, char):
    # Issue 25: `\e` or `\x0c` in a source field passed `check` (exit 0); `build` failed in the docx writer.
    action = project / ACTION
    text = action.read_text(encoding="utf-8")
    line = next(n for n, row in enumerate(text.splitlines(), 1) if row.startswith("subject:"))
    escaped = {"\x1b": "\\e", "\x0c": "\\f", "\x7f": "\\x7f", "\x85": "\\N"}[char]
    row = text.splitlines()[line - 1]
    value = row.split(":", 1)[1].strip().strip('"')
    action.write_text(text.replace(row, f'subject: "{value[:10]}{escaped}{value[10:]}"'), encoding="utf-8")
    result = run_uapress(project, "check", SLUG)
    stderr = assert_refused(result, f"{ACTION}:{line}", "subject", "control character")
    assert f"U+{ord(char):04X}" in stderr, stderr


# --- 5. memory files are read like every other project file ------------------------------------------------

OUTSIDE_TMX = """<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4">
 <header creationtool="x" creationtoolversion="1" segtype="sentence" o-tmf="x" adminlang="en" srclang="en"
         datatype="plaintext"/>
 <body>
  <tu><tuv xml:lang="en"><seg>Release the defender</seg></tuv>
      <tuv xml:lang="es"><seg>SECRETO de fuera del proyecto</seg></tuv></tu>
 </body>
</tmx>
"""


def _memory_link(tmp_path: Path, target: Path | str) -> tuple[Path, Path]:
    """Make the `minimal` fixture project with `source/memory/evil.tmx` linking to `target`; return root and PO."""
    from projects import make_project

    root = make_project(tmp_path, "minimal")
    (root / "source" / "memory").mkdir(parents=True, exist_ok=True)
    (root / "source" / "memory" / "evil.tmx").symlink_to(target)
    return root, root / "source" / "actions" / "minimal" / "translations" / "es.po"


@pytest.mark.parametrize("target", ["outside", "/dev/zero", "fifo"])
def test_a_memory_file_linking_out_or_to_a_device_is_refused(tmp_path, target):
    # Issue 25: source/memory/*.tmx bypassed the safe reader: /dev/zero grew to 2.6 GB (MemoryError), a FIFO
    # hung, and a TMX outside the project was read and its text pre-filled into a PO.
    if target == "outside":
        target = tmp_path / "outside.tmx"
        target.write_text(OUTSIDE_TMX, encoding="utf-8")
    elif target == "fifo":
        target = tmp_path / "pipe.tmx"
        os.mkfifo(target)
    root, po = _memory_link(tmp_path, target)
    result = run_uapress(root, "translations", "update", "minimal", "--lang", "es", timeout=60)
    stderr = assert_refused(result, "source/memory/evil.tmx")
    assert "MemoryError" not in stderr
    assert "SECRETO" not in (po.read_text(encoding="utf-8") if po.exists() else "")


# --- 6. nesting is bounded before anything recurses ------------------------------------------------------


def _insert_after(project: Path, key: str, text: str) -> int:
    """Put `text` as the first line of the block field `key` of the sample action; return that line."""
    action = project / ACTION
    rows = action.read_text(encoding="utf-8").splitlines()
    at = rows.index(f"{key}: |") + 1
    rows[at:at] = ["  " + text, "  "]
    action.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return at + 1


@pytest.mark.parametrize("depth", [500, 100_000])
def test_deeply_nested_yaml_is_refused_at_its_line(project, depth):
    # Issue 25: YAML flow collections 500 deep gave "internal error: RecursionError"; 100,000 deep took 255 s.
    action = project / ACTION
    text = action.read_text(encoding="utf-8")
    line = text.splitlines().index("subject: Venezuelan human rights defenders") + 1
    action.write_text(
        text.replace("subject: Venezuelan", "extra: " + "[" * depth + "]" * depth + "\nsubject: Venezuelan")
    )
    started = time.monotonic()
    result = run_uapress(project, "check", SLUG, timeout=120)
    assert time.monotonic() - started < 20
    assert_refused(result, f"{ACTION}:{line}", "nested")


@pytest.mark.parametrize(
    "markdown",
    [
        pytest.param("> " * 3000 + "deep", id="block-quotes"),
        pytest.param("- " * 3000 + "deep", id="lists"),
        pytest.param("***_" * 2000 + "deep", id="emphasis"),
    ],
)
def test_deeply_nested_markdown_is_refused_at_its_field_and_line(project, markdown):
    # Issue 25: thousands of nested quotes, lists or emphasis gave "internal error: RecursionError", or a
    # summary that built in 29 s instead of 2.
    line = _insert_after(project, "summary", markdown)
    started = time.monotonic()
    result = run_uapress(project, "check", SLUG, timeout=120)
    assert time.monotonic() - started < 20
    assert_refused(result, f"{ACTION}:{line}", "summary", "nested")


# --- 7. a DOCX whose zip directory lies about a part's size ---------------------------------------------


def _lying_docx(project: Path, tmp_path: Path, inflates_to: int, declared: int) -> Path:
    """Return an exported DOCX whose word/document.xml inflates to `inflates_to` zero bytes but is declared `declared`."""
    result = run_uapress(project, "export", SLUG, "--lang", "es", "--format", "docx")
    assert result.returncode == 0, result.stderr
    exported = project / "build" / SLUG / "translate" / f"{SLUG}.es.docx"
    hostile = tmp_path / "lying.docx"
    with zipfile.ZipFile(exported) as source, zipfile.ZipFile(hostile, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename != "word/document.xml":
                target.writestr(info.filename, source.read(info.filename))
        with target.open("word/document.xml", "w") as member:
            block = b"\0" * (1024 * 1024)
            for _ in range(inflates_to // len(block)):
                member.write(block)
    data = bytearray(hostile.read_bytes())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo("word/document.xml")
    # The lie, in the local header (uncompressed size at byte 22) and in the central directory (byte 24).
    struct.pack_into("<I", data, info.header_offset + 22, declared)
    # The central entry: signature, then the local header's fields from "version needed" on, 2 bytes later.
    fields = bytes(data[info.header_offset + 4 : info.header_offset + 22])
    central = data.index(fields, info.header_offset + 30 + info.compress_size) - 6
    assert data[central : central + 4] == b"PK\x01\x02"
    struct.pack_into("<I", data, central + 24, declared)
    hostile.write_bytes(bytes(data))
    with zipfile.ZipFile(hostile) as archive:
        assert archive.getinfo("word/document.xml").file_size == declared
    assert hostile.stat().st_size < 2 * 1024 * 1024
    return hostile


def test_a_docx_whose_directory_lies_about_a_size_is_read_within_the_declared_size(project, tmp_path):
    # Issue 25: document.xml declared as 18 KB but inflating to gigabytes grew the import to 2.1 GB of memory
    # before "Bad CRC-32": zipfile inflated up to 1 GiB in one go, then cut it to the declared size.
    hostile = _lying_docx(project, tmp_path, inflates_to=600 * 1024 * 1024, declared=18 * 1024)
    po = project / f"source/actions/{SLUG}/translations/es.po"
    before = po.read_bytes()
    command = uapress_command() + ["import", str(hostile), "--action", SLUG, "--lang", "es"]
    with open(tmp_path / "stderr", "w+", encoding="utf-8") as errors:
        process = subprocess.Popen(command, cwd=project, stdout=subprocess.DEVNULL, stderr=errors, text=True)
        # wait4 gives this process's own peak memory (getrusage of all children would mix in earlier builds).
        _, status, usage = os.wait4(process.pid, 0)
        errors.seek(0)
        stderr = errors.read()
    assert os.waitstatus_to_exitcode(status) == 1, stderr
    assert "lying.docx: the file is damaged (corrupted zip): part word/document.xml" in stderr, stderr
    assert "Traceback" not in stderr and "internal error" not in stderr
    peak_mib = usage.ru_maxrss / 1024  # Linux gives KiB
    assert peak_mib < 250, f"the import reached {peak_mib:.0f} MiB"
    assert po.read_bytes() == before


# --- 8. leftovers ----------------------------------------------------------------------------------------


def test_a_text_size_in_the_brand_is_refused_with_its_field_and_line(project):
    # Issue 25: `body: "large"` under `sizes:` in brand.yaml failed the DOCX writer with an opaque TypeError.
    brand = project / "styles" / "brand.yaml"
    text = brand.read_text(encoding="utf-8")
    brand.write_text(text.replace("  body: 10.5", '  body: "large"', 1), encoding="utf-8")
    line = text.splitlines().index("  body: 10.5") + 1
    result = run_uapress(project, "build", SLUG, "--lang", "en", "--format", "docx")
    stderr = assert_refused(result, "styles/brand.yaml", f"line {line}, sizes.body: 'large' is not a size in points")
    assert "TypeError" not in stderr


def test_a_file_over_the_cap_is_measured_in_one_unit_system(project):
    # Issue 25: a 20 MB file was reported as "19 MB" (mebibytes counted and rounded down, megabytes named).
    action = project / ACTION
    action.write_bytes(action.read_bytes() + b"#" * (20_000_000 - action.stat().st_size))
    stderr = assert_refused(run_uapress(project, "check", timeout=60), "action.yaml", "is 19.1 MiB", "the 2.0 MiB")
    assert " MB" not in stderr


def test_serve_keeps_a_bounded_number_of_unpublished_languages(project):
    # Issue 25: every language tag asked for (/SLUG/xx-a1/, ...) kept its error page for the server's life.
    from uapress.commands import preview as preview_module

    preview = preview_module.Preview(project, log=lambda line: None)
    for number in range(preview_module.MAX_UNPUBLISHED + 20):
        edition = preview.edition(SLUG, f"qq-a{number}")
        assert b"not published in qq-a" in edition.page
    assert len(preview.editions) == preview_module.MAX_UNPUBLISHED
    assert (SLUG, f"qq-a{preview_module.MAX_UNPUBLISHED + 19}") in preview.editions  # the newest are kept


def test_serve_closes_an_idle_connection(project, monkeypatch):
    # Issue 25: a connection that never sent a request was held open forever.
    import socket
    import threading

    from uapress.commands import preview as preview_module
    from uapress.commands import serve as serve_module

    monkeypatch.setattr(serve_module, "IDLE_TIMEOUT", 1)
    server = serve_module._bind(0, preview_module.Preview(project, log=lambda line: None))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with socket.create_connection(("127.0.0.1", server.server_port), timeout=10) as idle:
            started = time.monotonic()
            assert idle.recv(1) == b""  # closed by the server, not by our own 10 s timeout
            assert time.monotonic() - started < 5
    finally:
        server.shutdown()
        server.server_close()


def _work_leftovers(folder: Path) -> list[Path]:
    """Return what a build's workers keep while they render (their work folder, WeasyPrint's fonts) below `folder`."""
    return [p for p in folder.rglob("*") if "uapress-work-" in p.name or p.name.startswith("weasyprint-")]


@pytest.mark.slow
@pytest.mark.parametrize("kill", ["build", "group"])
def test_a_killed_build_leaves_no_work_files_in_the_published_folder(built_sample, tmp_path, kill):
    # Issue 25: a SIGKILLed build left build/.uapress-work-*/weasyprint-* (some 6 MB, published by a static
    # host) until the next build. The work folder is in the system's temporary folder, and the next build
    # removes the one a dead build left there (`group`: the whole process group killed at once).
    from test_robust_build import start, wait_for_progress, wait_until_gone

    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = {"TMPDIR": str(scratch)}
    running = start(built_sample, "--force", "--jobs", "2", "--format", "pdf", env=env)
    wait_for_progress(running)  # mid-render: the workers hold WeasyPrint's fonts
    if kill == "group":
        os.killpg(running.pid, signal.SIGKILL)
    else:
        os.kill(running.pid, signal.SIGKILL)
    running.communicate(timeout=30)
    wait_until_gone(running.pid)
    assert _work_leftovers(built_sample / "build") == []
    assert [p.name for p in scratch.iterdir()], "the killed build had no work folder: nothing was tested"
    result = run_uapress(built_sample, "build", "--jobs", "2", "--format", "pdf", env=env)
    assert result.returncode == 0, result.stderr
    assert list(scratch.iterdir()) == []
    assert _work_leftovers(built_sample / "build") == []


@pytest.mark.parametrize("command", ["check", "build"])
def test_an_action_that_is_a_link_loop_is_an_error(project, command):
    # Issue 25: source/actions/x/action.yaml linking to itself was skipped without a word, and the exit code was 0.
    loop = project / "source" / "actions" / "looped" / "action.yaml"
    loop.parent.mkdir()
    loop.symlink_to("action.yaml")
    result = run_uapress(project, command, "--format", "html") if command == "build" else run_uapress(project, command)
    assert_refused(result, "source/actions/looped/action.yaml", "a symbolic link loop")


def _full_disk(kind: str, tmp_path: Path) -> tuple[Path, str]:
    """Return a temporary folder on a disk that fills up, and the cause a write there gives."""
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    if kind == "tmpfs":
        if os.geteuid() != 0:
            pytest.skip("mounting a small tmpfs takes root; the file size limit case runs unprivileged")
        mounted = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=400k", "tmpfs", str(scratch)], capture_output=True
        )
        if mounted.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr!r}")
        return scratch, "No space left on device"
    return scratch, "File too large"


@pytest.mark.parametrize("kind", ["file-size-limit", "tmpfs"])
def test_a_full_disk_names_the_folder_that_could_not_be_written(project, tmp_path, kind):
    # Issue 25: when WeasyPrint's temporary fonts could not be written (a full disk), the error named
    # action.yaml ("the pdf writer failed: OSError: [Errno 28] No space left on device").
    scratch, cause = _full_disk(kind, tmp_path)
    script = f"""
import resource, signal, sys
from uapress.cli import app
if {kind == "file-size-limit"}:  # a real write failure, as a full disk gives, without root
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (200_000, resource.RLIM_INFINITY))
app(["build", "{SLUG}", "--lang", "en", "--format", "pdf", "--jobs", "2", "--out", sys.argv[1]])
"""
    try:
        result = subprocess.run(
            [sys.executable, "-c", script, str(tmp_path / "out")],
            cwd=project,
            env={**os.environ, "TMPDIR": str(scratch)},
            capture_output=True,
            text=True,
            timeout=300,
        )
    finally:
        if kind == "tmpfs":
            subprocess.run(["umount", str(scratch)], check=False)
    errors = [line for line in result.stderr.splitlines() if ": error:" in line]
    assert result.returncode == 1, result.stderr
    assert errors, result.stderr
    for line in errors:
        assert "action.yaml" not in line, line
        assert str(scratch) in line and cause in line, line
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr


def test_an_index_in_a_read_only_folder_is_named_as_the_index(built_sample_html, tmp_path):
    # Issue 25: the error named a temporary file, build/.index.html.XXXX.uapress-tmp, not build/index.html.
    out = built_sample_html / "build"
    (out / "index.html").unlink()
    if os.geteuid() != 0:
        out.chmod(0o555)
    else:  # root writes through permissions: a read-only bind mount
        made = subprocess.run(["mount", "--bind", "-o", "ro", str(out), str(out)], capture_output=True)
        if made.returncode != 0:
            pytest.skip(f"cannot make a read-only folder as root here: {made.stderr!r}")
    try:
        result = run_uapress(built_sample_html, "build", "--format", "html")
    finally:
        if os.geteuid() != 0:
            out.chmod(0o755)
        else:
            subprocess.run(["umount", str(out)], check=False)
    assert_refused(result, "build/index.html: error: the publication index was not written")
    assert ".uapress-tmp" not in result.stderr and "styles/ needs index.html" not in result.stderr, result.stderr


def test_leftovers_of_builds_killed_before_issue_25_are_swept_and_foreign_files_kept(built_sample_html):
    # Issue 25: leftovers were renamed `.x.….uapress-tmp`; those of builds killed by the earlier version
    # (`.x.k3j2h1a9.tmp`, `.en.q1w2e3r4.staging`, `.fr.z9y8x7w6.old`) in an output folder of uapress are swept
    # as before, while a file of another tool that only ends in `.tmp` is kept.
    out = built_sample_html / "build"
    folder = out / SLUG / "en"
    leftover = folder / f".{SLUG}.en.html.k3j2h1a9.tmp"
    leftover.write_bytes(b"<html>half")
    staging = folder.parent / ".en.q1w2e3r4.staging"
    staging.mkdir()
    (staging / f"{SLUG}.en.html").write_bytes(b"<html>half")
    (folder.parent / "fr").rename(folder.parent / ".fr.z9y8x7w6.old")
    foreign = out / ".notes.tmp"
    foreign.write_bytes(b"mine")
    result = run_uapress(built_sample_html, "build", "--format", "html")
    assert result.returncode == 0, result.stderr
    assert not leftover.exists() and not staging.exists()
    assert (folder.parent / "fr" / f"{SLUG}.fr.html").is_file()
    assert foreign.read_bytes() == b"mine"
