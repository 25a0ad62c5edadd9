"""Shared fixtures for the real clients the tests drive.

Every client fixture calls ``require(...)``: a missing client skips the test,
except under ``CI=true``, where it fails and says how to install it
(``scripts/setup-system.sh``). The clients:

- ``chromium_page``: a fresh Playwright page (own browser context) per test,
  from one Debian Chromium per session. Only ``file:``, ``data:`` and
  ``http://127.0.0.1`` requests go through; everything else is aborted and
  listed in ``page.blocked_requests``. Uncaught page errors are listed in
  ``page.page_errors``.
- ``libreoffice``: ``convert(src, fmt, outdir) -> Path`` with a private
  LibreOffice profile reused for the whole session; ``convert_many`` for a batch.
- ``office``: every DOCX the selected tests' modules registered in
  ``libreoffice_batch``, converted in one LibreOffice run per format (issue 18).
- ``pdftotext``: ``(pdf) -> str``.
- ``msgfmt_check``: ``(po, strict=False) -> None``, AssertionError with
  msgfmt's messages; ``strict=True`` also fails on warnings.

Also enforced here (DESIGN.md, "Tests"): a WeasyPrint warning or error logged
while a test runs fails that test, unless the test is marked
``@pytest.mark.allow_weasyprint_warnings("regex", ...)`` with a pattern that
matches the message (no pattern: any message is allowed).

Shared builds (issue 18): ``sample_build`` builds the sample action once per
session (``sample_html_build`` its HTML only); ``built_sample`` (``built_sample_html``)
restores a copy of it for a test that changes a built project.
Tests that wait on timers (signals at random moments, locks, a watching server)
are marked ``slow``: ``-m "not slow"`` leaves them out of a quick run; ``make
test`` and CI run them.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest

SETUP_SCRIPT = "scripts/setup-system.sh"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-quic",
    "--disable-sync",
]
LIBREOFFICE_TIMEOUT = 120  # seconds; the first start with a fresh profile takes a few


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


def missing(what: str, how: str = f"run {SETUP_SCRIPT} (as root)") -> None:
    """Skip the current test, or fail it under CI=true, because `what` is missing."""
    message = f"{what} is missing: {how} to install it"
    if in_ci():
        pytest.fail(f"{message} (CI=true: a missing client is a failure)", pytrace=False)
    pytest.skip(message)


def require(cmd: str) -> str:
    """The absolute path of command `cmd` (a name or a path), or skip/fail (see `missing`)."""
    found = shutil.which(cmd)
    if found is None:
        missing(f"the client {cmd!r}")
    return found


def _run(args: list[str], *, timeout: float, what: str) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(
            args,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=timeout,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired as exc:
        raise RuntimeError(f"{what} timed out after {timeout} s: {' '.join(args)}") from exc


# --- Chromium (Playwright) ---------------------------------------------------


def _allowed_url(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in ("file", "data"):
        return True
    return parts.scheme == "http" and parts.hostname == "127.0.0.1"


@pytest.fixture(scope="session")
def chromium_browser() -> Iterator[object]:
    """One headless Debian Chromium for the session (use `chromium_page` in tests)."""
    require(CHROMIUM)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("the Python package 'playwright'", "run `make test` or `.venv/bin/pip install -e '.[test]'`")
    # Never `playwright install`: Debian's Chromium is the browser.
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def chromium_page(chromium_browser) -> Iterator[object]:
    """A fresh page in its own context; nothing but file:, data: and http://127.0.0.1 loads."""
    context = chromium_browser.new_context(service_workers="block")
    page = context.new_page()
    page.blocked_requests = []  # URLs the route below aborted
    page.page_errors = []  # uncaught JavaScript errors

    def guard(route) -> None:
        url = route.request.url
        if _allowed_url(url):
            route.continue_()
        else:
            page.blocked_requests.append(url)
            route.abort("blockedbyclient")

    page.route("**/*", guard)
    if hasattr(page, "route_web_socket"):  # WebSockets bypass page.route

        def guard_ws(ws) -> None:
            if _allowed_url(ws.url.replace("ws", "http", 1)):
                ws.connect_to_server()
            else:
                page.blocked_requests.append(ws.url)
                ws.close()

        page.route_web_socket(re.compile(".*"), guard_ws)
    page.on("pageerror", lambda error: page.page_errors.append(str(error)))
    try:
        yield page
    finally:
        context.close()


# --- LibreOffice -------------------------------------------------------------


@pytest.fixture(scope="session")
def libreoffice_profile(tmp_path_factory) -> Path:
    """A private LibreOffice user profile, created on first use and reused all session."""
    return tmp_path_factory.mktemp("libreoffice-profile")


class LibreOffice:
    """`convert(src, fmt, outdir) -> Path` with `soffice --headless --convert-to fmt`; `convert_many` for a batch."""

    def __init__(self, soffice: str, profile: Path) -> None:
        self.soffice, self.profile = soffice, profile
        self.lock = threading.Lock()  # one profile can serve one soffice at a time

    def __call__(self, src: Path, fmt: str, outdir: Path) -> Path:
        src = Path(src).resolve()
        (out,), report = self.convert_many([src], fmt, outdir)
        if out is None:
            raise RuntimeError(f"LibreOffice could not convert {src} to {fmt!r}: {report}")
        return out

    def convert_many(self, sources: list[Path], fmt: str, outdir: Path) -> tuple[list[Path | None], str]:
        """Convert every file of `sources` (distinct stems) to `fmt` in one LibreOffice run (issue 18).

        Returns the written file of each source (None where LibreOffice wrote nothing) and LibreOffice's
        exit status and output, for the message of a test that misses its file.
        """
        sources, outdir = [Path(s).resolve() for s in sources], Path(outdir).resolve()
        assert len({s.stem for s in sources}) == len(sources), "two sources would write the same file"
        outdir.mkdir(parents=True, exist_ok=True)
        outs = [outdir / f"{src.stem}.{fmt.split(':', 1)[0]}" for src in sources]
        for out in outs:
            out.unlink(missing_ok=True)
        args = [
            self.soffice,
            "--headless",
            "--norestore",
            f"-env:UserInstallation={self.profile.as_uri()}",
            "--convert-to",
            fmt,
            "--outdir",
            str(outdir),
            *map(str, sources),
        ]
        with self.lock:
            proc = _run(args, timeout=LIBREOFFICE_TIMEOUT + 15 * len(sources), what="LibreOffice")
        report = (
            f"exit {proc.returncode}, expected {', '.join(map(str, outs))}\n"
            f"stderr: {proc.stderr.strip()}\nstdout: {proc.stdout.strip()}"
        )
        return [out if proc.returncode == 0 and out.is_file() else None for out in outs], report


@pytest.fixture(scope="session")
def libreoffice(libreoffice_profile) -> LibreOffice:
    """`convert(src, fmt, outdir) -> Path` with `soffice --headless --convert-to fmt`.

    `fmt` is anything --convert-to takes: "pdf", "docx", "odt",
    "txt:Text (encoded):UTF8". Returns the written file; raises RuntimeError
    with LibreOffice's output when it fails or writes nothing. `convert_many`
    converts a batch in one run; tests that read editions back use `office`.
    """
    return LibreOffice(require("soffice"), libreoffice_profile)


@pytest.fixture(scope="session")
def office(request, libreoffice, tmp_path_factory) -> object:
    """Every DOCX registered with `libreoffice_batch.register` by a module with selected tests that use this fixture,
    converted in one LibreOffice run per format (issue 18; see tests/libreoffice_batch.py)."""
    import libreoffice_batch as registry

    modules = {item.module.__name__ for item in request.session.items if "office" in item.fixturenames}
    jobs = [job for job in registry.JOBS.values() if job.modules & modules]
    return registry.Batch(tmp_path_factory.mktemp("office"), jobs, libreoffice.convert_many)


# --- builds shared by the session (issue 18) --------------------------------


@dataclass(frozen=True)
class Built:
    """A project built by `uapress build` and kept aside: what the build printed, and the place it was built in.

    The build cache hashes where a project lies (its keys hold absolute paths), so a copy elsewhere renders every
    edition again. `restore()` puts a copy back at the place it was built, where its editions are up to date.
    """

    root: Path
    """The kept project: read it, never change it."""
    result: subprocess.CompletedProcess
    place: Path
    """Where it was built, and where `restore` puts a copy."""

    @property
    def out(self) -> Path:
        return self.root / "build"

    def restore(self) -> Path:
        """Put a fresh copy of the built project at the place it was built in; return that place."""
        shutil.rmtree(self.place, ignore_errors=True)
        shutil.copytree(self.root, self.place, symlinks=True)
        return self.place


def _build_sample(tmp_path_factory, name: str, *args: str) -> Built:
    """Build the sample action alone (`projects.SAMPLE`) with `uapress build ARGS`, and keep it aside."""
    from projects import SAMPLE, make_project, run_uapress

    folder = tmp_path_factory.mktemp(name)
    place = make_project(folder / "stage", SAMPLE)
    result = run_uapress(place, "build", *args, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    kept = folder / "kept" / place.name
    shutil.copytree(place, kept, symlinks=True)
    return Built(kept, result, place)


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory) -> Built:
    """The sample action alone, every edition in every format built once for the session by one worker (issue 18).
    Read it, never change it: a test that changes a built project takes `built_sample`."""
    return _build_sample(tmp_path_factory, "sample-build", "--jobs", "1")


@pytest.fixture
def built_sample(sample_build) -> Path:
    """The session's built sample, restored for one test to change at the place it was built: every edition is up to
    date there (a no-op build changes nothing). Tests run one at a time in a session, so they take turns there."""
    return sample_build.restore()


@pytest.fixture(scope="session")
def sample_html_build(tmp_path_factory) -> Built:
    """The sample action alone, its HTML editions (and checklists and index) built once for the session."""
    return _build_sample(tmp_path_factory, "sample-html-build", "--format", "html")


@pytest.fixture
def built_sample_html(sample_html_build) -> Path:
    """The session's HTML build of the sample, restored for one test to change (see `built_sample`)."""
    return sample_html_build.restore()


# --- poppler, gettext -------------------------------------------------------


@pytest.fixture(scope="session")
def pdftotext() -> Callable[[Path], str]:
    """`(pdf) -> str`: the PDF's text as `pdftotext -enc UTF-8 pdf -` extracts it."""
    exe = require("pdftotext")

    def extract(pdf: Path) -> str:
        proc = _run([exe, "-enc", "UTF-8", str(pdf), "-"], timeout=60, what="pdftotext")
        if proc.returncode != 0:
            raise RuntimeError(f"pdftotext failed on {pdf} (exit {proc.returncode}): {proc.stderr.strip()}")
        return proc.stdout

    return extract


@pytest.fixture(scope="session")
def msgfmt_check() -> Callable[..., None]:
    """`(po) -> None`: `msgfmt -c` must accept the file (exit 0).

    Raises AssertionError with msgfmt's messages. With `strict=True` a warning
    (e.g. a missing PO-Revision-Date, Last-Translator or Language-Team header
    field) fails too.
    """
    exe = require("msgfmt")

    def check(po: Path, *, strict: bool = False) -> None:
        proc = _run([exe, "-c", "-o", os.devnull, str(po)], timeout=60, what="msgfmt")
        if proc.returncode != 0 or (strict and proc.stderr.strip()):
            raise AssertionError(f"msgfmt -c rejects {po} (exit {proc.returncode}):\n{proc.stderr.strip()}")

    return check


# --- WeasyPrint warnings fail the test that caused them ---------------------


def pytest_configure(config) -> None:
    config.addinivalue_line(
        "markers",
        "allow_weasyprint_warnings(*patterns): WeasyPrint warnings matching any regex "
        "pattern (any warning when none is given) do not fail the test",
    )


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def _watch_weasyprint(item):
    """Run one test phase; fail it if WeasyPrint logged an unexpected warning."""
    logger = logging.getLogger("weasyprint")
    handler = _Collect()
    logger.addHandler(handler)
    try:
        result = yield  # a failure of the phase itself propagates unchanged
    finally:
        logger.removeHandler(handler)
    marker = item.get_closest_marker("allow_weasyprint_warnings")
    if marker is not None and not marker.args:
        return result
    allowed = [re.compile(p) for p in marker.args] if marker else []
    unexpected = [
        f"{r.levelname}: {r.getMessage()}"
        for r in handler.records
        if not any(p.search(r.getMessage()) for p in allowed)
    ]
    if unexpected:
        pytest.fail("unexpected WeasyPrint warnings:\n  " + "\n  ".join(unexpected), pytrace=False)
    return result


# Setup too: a warning raised while a fixture renders fails the first test using it.
pytest_runtest_setup = pytest.hookimpl(wrapper=True)(_watch_weasyprint)
pytest_runtest_call = pytest.hookimpl(wrapper=True)(_watch_weasyprint)
pytest_runtest_teardown = pytest.hookimpl(wrapper=True)(_watch_weasyprint)
