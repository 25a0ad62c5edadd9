"""The publication index, build/index.html (issue point 3, and 5 "Expired actions"): every action, language
and format, links that are relative and lead to files that exist, accessible markup, and a no-op build that
rewrites it cheaply (without WeasyPrint). Every build here runs the CLI in a throwaway project.
"""

from __future__ import annotations

import datetime as dt
import http.server
import json
import re
import shutil
import subprocess
import sys
import threading
from functools import partial
from pathlib import Path
from urllib.parse import unquote, urlsplit

import lxml.html
import pytest

from conftest import require
from projects import ACTIVE, ACTIVE_DAYS, active_source, make_project, run_uapress
from projects import SAMPLE as SAMPLE_PROJECT
from uapress.build.site import pdf_page_count
from uapress.writers.index import days_left, human_size

SAMPLE = "venezuela-hrd-release"
LANGS = ("en", "es", "fr", "ar")
TODAY = dt.date.today()
ACTIVE_SOURCE = active_source(appeal_language="es", title="Release the *teacher*")
LISTED = re.compile(
    r"^(?P<slug>[a-z0-9-]+)/(?P<lang>[a-z-]+)/(?:(?P=slug)\.(?P=lang)\.(?:html|pdf|docx)|checklist\.html"
    r"|proof/(?P=slug)\.(?P=lang)\.proof\.pdf|letters/(?P=slug)\.(?P=lang)\.letters\.(?:pdf|docx))$"
)
"""The files the index must list (or link, for checklist.html)."""


def index_project(parent: Path, *, active: bool = True) -> Path:
    """Copy the repository's sample and styles, plus an action whose deadline is 30 days away."""
    root = make_project(parent, SAMPLE_PROJECT)  # the sample alone: these tests count its actions and editions
    if active:
        folder = root / "source" / "actions" / ACTIVE
        folder.mkdir()
        (folder / "action.yaml").write_text(ACTIVE_SOURCE, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """Build every edition of both actions once; return the output folder."""
    root = index_project(tmp_path_factory.mktemp("index"))
    result = run_uapress(root, "build")
    assert result.returncode == 0, result.stdout + result.stderr
    return root / "build"


def index_page(out: Path) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring((out / "index.html").read_text(encoding="utf-8"))


def text(element) -> str:
    return " ".join(element.text_content().split())


def listed_files(out: Path) -> set[str]:
    """Return every output file under `out` the index must link to."""
    return {str(p.relative_to(out)) for p in out.rglob("*") if p.is_file() and LISTED.match(str(p.relative_to(out)))}


def hrefs(page) -> list[str]:
    return [a.get("href") for a in page.xpath("//a[@href]") if not a.get("href").startswith("#")]


def rows(page, slug: str) -> dict:
    """Return the table rows of an action by language code."""
    section = page.xpath(f"//section[@aria-labelledby='action-{slug}']")[0]
    found = {}
    for row in section.xpath(".//tbody/tr[th]"):
        lang = row.xpath("./th/span[@lang]/@lang")[0]
        found[lang] = row
    return found


# --- content ------------------------------------------------------------------


def test_index_lists_every_action_with_its_facts(built):
    page = index_page(built)
    sections = page.xpath("//main/section")
    assert [s.get("aria-labelledby") for s in sections] == [f"action-{ACTIVE}", f"action-{SAMPLE}"]
    active = page.xpath(f"//section[@aria-labelledby='action-{ACTIVE}']")[0]
    assert text(active.xpath(".//h2/span[@lang]")[0]) == "Release the teacher"  # Markdown reduced to text
    facts = {text(d.xpath("dt")[0]): text(d.xpath("dd")[0]) for d in active.xpath(".//dl/div")}
    assert facts == {
        "Reference": "AMR 53/0001/2026",
        "Deadline": (TODAY + dt.timedelta(days=ACTIVE_DAYS)).isoformat(),
        "Status": f"{ACTIVE_DAYS} days left",
        # Issue 14: the letter sheets by language (this action is published in English only).
        "Letters to print": "English: PDF, letters in English · DOCX, letters in English",
    }
    sample = page.xpath(f"//section[@aria-labelledby='action-{SAMPLE}']")[0]
    sample_facts = {text(d.xpath("dt")[0]): text(d.xpath("dd")[0]) for d in sample.xpath(".//dl/div")}
    # The sample's deadline, 30 June 2026, has passed by now: still built, and marked expired.
    deadline = dt.date(2026, 6, 30)
    letters = "; ".join(
        f"{name}{note}: PDF, letters in {name} · DOCX, letters in {name}"
        for name, note in (("español", " (the target's language)"), ("English", ""), ("français", ""), ("العربية", ""))
    )
    assert sample_facts == {
        "Reference": "none yet",
        "Deadline": deadline.isoformat(),
        "Status": days_left((deadline - TODAY).days),
        "Letters to print": letters,
    }
    assert bool(sample.xpath(".//span[@class='status expired']")) == (deadline < TODAY)


def test_index_lists_each_language_with_title_readiness_and_checklist(built):
    page = index_page(built)
    found = rows(page, SAMPLE)
    assert list(found) == list(LANGS)
    for lang, row in found.items():
        checklist = json.loads((built / SAMPLE / lang / "checklist.json").read_text(encoding="utf-8"))
        cell = row.xpath("./td")[1]
        share = "source text" if lang == "en" else f"{checklist['translated']:.0%} translated"
        assert text(cell).startswith(f"{share} · not ready"), text(cell)
        assert cell.xpath(".//a/@href") == [f"{SAMPLE}/{lang}/checklist.html"]
    assert "7 segments not translated" in text(found["fr"].xpath("./td")[1])
    assert text(found["es"].xpath("./td[@class='title']")[0]).startswith("Las personas defensoras")


# Issue 11: "100 %, ready" was shown for languages of an action with 8 placeholder links, no reference and
# an expired deadline. The share translated is a figure; the verdict is the model's, and says why.
def test_index_never_calls_a_blocked_action_ready(built):
    page = index_page(built)
    sample = page.xpath(f"//section[@aria-labelledby='action-{SAMPLE}']")[0]
    verdicts = [text(v) for v in sample.xpath(".//tbody//span[contains(@class, 'verdict')]")]
    assert verdicts == ["not ready"] * 4
    assert text(rows(page, SAMPLE)["es"].xpath("./td")[1]).startswith("100% translated · not ready")
    blockers = [text(li) for li in sample.xpath(".//div[@class='blockers']//li")]
    assert blockers[:2] == ["8 links without an address (#)", "no document reference"]
    assert ("the deadline 2026-06-30 has passed" in blockers) == (dt.date(2026, 6, 30) < TODAY)
    # The active action (a reference, a resolved link, 30 days left) is ready in its source language.
    active = rows(page, ACTIVE)["en"]
    assert text(active.xpath("./td")[1]).startswith("source text · ready")
    assert not page.xpath(f"//section[@aria-labelledby='action-{ACTIVE}']//div[@class='blockers']")


def test_right_to_left_titles_carry_their_language_and_direction(built):
    arabic = rows(index_page(built), SAMPLE)["ar"]
    title = arabic.xpath("./td[@class='title']")[0]
    assert (title.get("lang"), title.get("dir")) == ("ar", "rtl")
    assert re.search(r"[\u0600-\u06FF]", text(title))
    name = arabic.xpath("./th/span")[0]
    assert (name.get("lang"), name.get("dir"), text(name)) == ("ar", "rtl", "العربية")


def test_each_format_shows_file_name_size_and_pdf_page_count(built, tmp_path):
    pdfinfo = require("pdfinfo")
    found = rows(index_page(built), SAMPLE)
    for lang, row in found.items():
        cells = row.xpath("./td")[2:]
        assert len(cells) == 3, "HTML, PDF and DOCX columns (no proof built)"
        for cell, ext in zip(cells, ("html", "pdf", "docx")):
            name = f"{SAMPLE}.{lang}.{ext}"
            path = built / SAMPLE / lang / name
            (link,) = cell.xpath(".//a")
            assert (link.get("href"), text(link)) == (f"{SAMPLE}/{lang}/{name}", name)
            meta = text(cell.xpath(".//span[@class='meta']")[0])
            assert meta.startswith(human_size(path.stat().st_size))
            if ext == "pdf":
                info = subprocess.run([pdfinfo, str(path)], capture_output=True, text=True, check=True).stdout
                pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
                assert meta.endswith(f"· {pages} pages"), meta
                assert pdf_page_count(path.read_bytes()) == pages


def test_every_file_is_listed_and_every_link_leads_to_a_file(built):
    links = hrefs(index_page(built))
    assert links, "the index links nothing"
    for href in links:
        parts = urlsplit(href)
        assert not parts.scheme and not parts.netloc and not href.startswith("/"), f"not a relative link: {href}"
        assert (built / unquote(parts.path)).is_file(), f"links to a missing file: {href}"
    assert {unquote(h) for h in links} == listed_files(built)


# --- real clients -------------------------------------------------------------


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def static_host(built):
    """Serve the output folder as a plain static web host on 127.0.0.1."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(built)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def follow_every_link(page, start: str, out: Path) -> int:
    """Open `start` in Chromium and follow each link; every one must deliver the file on disk."""
    page.goto(start)
    targets = page.eval_on_selector_all("a[href]:not([href^='#'])", "links => links.map(a => a.href)")
    assert targets
    base = start.rsplit("/", 1)[0] + "/"
    for url in targets:
        assert url.startswith(base), f"{url} leaves the folder"
        path = out / unquote(url[len(base) :])
        if url.endswith(".docx"):
            with page.expect_download() as download:
                try:
                    page.goto(url)
                except Exception as exc:  # Chromium reports a download as an aborted navigation
                    assert "Download is starting" in str(exc), exc
            assert Path(download.value.path()).read_bytes() == path.read_bytes(), url
        else:
            response = page.goto(url)
            assert response is not None and response.ok, f"{url}: {response and response.status}"
            if url.endswith(".pdf"):
                # Chromium shows a PDF in its viewer, whose page is what `body()` returns.
                if url.startswith("http"):
                    assert page.request.get(url).body() == path.read_bytes(), url
            else:
                assert response.body() == path.read_bytes(), url
    return len(targets)


def network(blocked: list[str]) -> list[str]:
    """Return the blocked requests that went to the network (Chromium's PDF viewer asks for chrome:// parts)."""
    return [url for url in blocked if not url.startswith(("chrome:", "chrome-extension:"))]


def test_chromium_follows_every_link_from_disk(built, chromium_page):
    count = follow_every_link(chromium_page, (built / "index.html").as_uri(), built)
    assert count == len(listed_files(built))
    assert not network(chromium_page.blocked_requests)
    assert not chromium_page.page_errors


def test_chromium_follows_every_link_from_a_static_host(built, chromium_page, static_host):
    count = follow_every_link(chromium_page, static_host + "index.html", built)
    assert count == len(listed_files(built))
    assert not network(chromium_page.blocked_requests)


def test_chromium_sets_the_arabic_title_right_to_left(built, chromium_page):
    chromium_page.goto((built / "index.html").as_uri())
    direction = chromium_page.eval_on_selector("td.title[lang='ar']", "cell => getComputedStyle(cell).direction")
    assert direction == "rtl"
    align = chromium_page.eval_on_selector("td.title[lang='ar']", "cell => getComputedStyle(cell).textAlign")
    assert align in ("right", "start")


def test_on_a_phone_only_the_tables_scroll(built, chromium_page):
    chromium_page.set_viewport_size({"width": 390, "height": 800})
    chromium_page.goto((built / "index.html").as_uri())
    assert chromium_page.evaluate("document.documentElement.scrollWidth") <= 390, "the page scrolls sideways"
    widths = chromium_page.eval_on_selector_all(".table-wrap", "boxes => boxes.map(b => b.clientWidth)")
    assert widths and max(widths) <= 390


# --- accessible and self-contained ------------------------------------------------


def test_index_has_landmarks_headings_and_table_semantics(built):
    page = index_page(built)
    assert page.get("lang") == "en"
    assert page.findtext(".//title")
    assert len(page.xpath("//body/header")) == 1 and len(page.xpath("//body/main")) == 1
    assert len(page.xpath("//body/footer")) == 1
    assert [text(h) for h in page.xpath("//h1")] == ["Publications"]
    assert len(page.xpath("//main/section/h2")) == 2
    for table in page.xpath("//table"):
        assert text(table.xpath("./caption")[0])
        assert table.xpath("./thead/tr/th") and all(th.get("scope") == "col" for th in table.xpath("./thead/tr/th"))
        assert all(th.get("scope") == "row" for th in table.xpath("./tbody/tr/th"))
        region = table.getparent()
        assert region.get("role") == "region" and region.get("aria-labelledby") == table.xpath("./caption/@id")[0]
    assert all(img.get("alt") is not None for img in page.xpath("//img"))


def test_index_is_self_contained(built):
    source = (built / "index.html").read_text(encoding="utf-8")
    page = lxml.html.document_fromstring(source)
    assert not page.xpath("//link[@rel='stylesheet'] | //script[@src]")
    assert all(src.startswith("data:") for src in page.xpath("//img/@src"))
    assert not re.search(r"url\((?!['\"]?data:)", source), "the stylesheet loads a file"


# --- cheap on every build ---------------------------------------------------------


def test_a_no_op_build_keeps_the_index_and_never_imports_weasyprint(tmp_path):
    root = index_project(tmp_path)
    assert run_uapress(root, "build", "--format", "html").returncode == 0
    index = root / "build" / "index.html"
    before = (index.stat().st_ino, index.read_bytes())
    code = (
        "import sys\nfrom uapress.cli import app\n"
        "try:\n    app(['build', '--format', 'html'])\nexcept SystemExit as exit:\n    print('exit', exit.code)\n"
        "print('weasyprint' in sys.modules)\n"
    )
    again = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=300)
    assert again.stdout.strip().splitlines()[-2:] == ["exit 0", "False"], again.stdout + again.stderr
    assert "0 editions built" in again.stdout
    assert (index.stat().st_ino, index.read_bytes()) == before, "a no-op build rewrote an unchanged index"
    index.unlink()
    third = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=300)
    assert third.stdout.strip().splitlines()[-1] == "False"
    assert index.read_bytes() == before[1], "a no-op build did not write the missing index"


def _index_from_scratch(root: Path) -> bytes:
    """Return the index page as gathered afresh from the project and the build folder, as a no-op build writes it."""
    from uapress.build.cache import Cache
    from uapress.build.site import gather
    from uapress.writers import index as index_writer
    from uapress.writers.brand import load_brand

    out = root / "build"
    return index_writer.write(gather(root, out, Cache(out)), load_brand(root))


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_the_index_a_build_writes_is_the_one_gathered_afresh(tmp_path, jobs):
    # Issue 13: a build hands the index what it has (loaded actions, unchanged editions' localisations, the
    # verdicts its workers found) and reads the rest while the workers render; the page must not change by it.
    root = index_project(tmp_path)
    index = root / "build" / "index.html"
    steps = [(ACTIVE,), (SAMPLE,), ()]  # one action of two, then the other, then both with one language changed
    for number, slugs in enumerate(steps):
        if number == 2:
            po = root / "source" / "actions" / SAMPLE / "translations" / "fr.po"
            text_before = po.read_text(encoding="utf-8")
            po.write_text(
                text_before.replace("droits humains doivent être", "droits humains devront être"), encoding="utf-8"
            )
            (root / "source" / "actions" / SAMPLE / "translations" / "ar.po").write_text("msgid garbage\n")
        result = run_uapress(root, "build", *slugs, "--format", "html", "--jobs", jobs)
        assert result.returncode == (1 if number == 2 else 0), result.stdout + result.stderr
        assert index.read_bytes() == _index_from_scratch(root), f"after building {slugs or 'everything'}"
    page = index_page(root / "build")
    assert "droits humains devront être libéré·e·s" in text(rows(page, SAMPLE)["fr"])  # rendered, then listed
    assert "the translation file has errors" in text(rows(page, SAMPLE)["ar"])
    assert re.search(rf"^{SAMPLE}/fr: \d+ files?\b", result.stdout, re.M), result.stdout
    assert f"{ACTIVE}/en: unchanged" in result.stdout and f"{SAMPLE}/es: unchanged" in result.stdout


def test_days_left_wording():
    assert [days_left(n) for n in (-3, 0, 1, 12)] == ["expired", "last day", "1 day left", "12 days left"]


# --- expired actions and failures ---------------------------------------------------


def test_an_expired_action_is_built_marked_and_only_noticed(tmp_path):
    root = index_project(tmp_path, active=False)
    shutil.rmtree(root / "source" / "actions" / SAMPLE)
    folder = root / "source" / "actions" / ACTIVE
    folder.mkdir(parents=True)
    deadline = TODAY - dt.timedelta(days=3)
    expired = ACTIVE_SOURCE.replace(
        f"deadline: {(TODAY + dt.timedelta(days=ACTIVE_DAYS)).isoformat()}", f"deadline: {deadline.isoformat()}"
    )
    expired = expired.replace(
        f"issued: {(TODAY - dt.timedelta(days=5)).isoformat()}",
        f"issued: {(TODAY - dt.timedelta(days=40)).isoformat()}",
    )
    (folder / "action.yaml").write_text(expired, encoding="utf-8")

    check = run_uapress(root, "check", "--strict")
    assert check.returncode == 0, check.stdout + check.stderr  # a notice never fails, not even under --strict
    assert f"notice: line 4, deadline: deadline {deadline.isoformat()} has passed" in check.stderr
    assert "0 errors, 0 warnings, 1 notice" in check.stdout

    build = run_uapress(root, "build", "--strict", "--format", "html")
    assert build.returncode == 0, build.stdout + build.stderr
    assert "1 notice" in build.stdout
    assert (root / "build" / ACTIVE / "en" / f"{ACTIVE}.en.html").is_file()
    section = index_page(root / "build").xpath(f"//section[@aria-labelledby='action-{ACTIVE}']")[0]
    assert text(section.xpath(".//span[contains(@class, 'status')]")[0]) == "expired"
    assert "expired" in section.get("class")


def test_an_active_action_gets_no_notice(tmp_path):
    root = index_project(tmp_path)
    shutil.rmtree(root / "source" / "actions" / SAMPLE)
    check = run_uapress(root, "check", "--strict")
    assert check.returncode == 0, check.stderr
    assert "notice" not in check.stdout + check.stderr


def test_a_pdf_that_fails_to_render_is_marked_and_the_rest_still_builds(tmp_path):
    # Issue, "Bad input": the index marks the failure, other editions still build, exit 1.
    root = index_project(tmp_path)
    code = (
        "import sys\n"
        "import uapress.writers.pdf as pdf\n"
        "real = pdf.write\n"
        "def write(document, brand):\n"
        f"    if document.meta.slug == {ACTIVE!r}:\n"
        "        raise RuntimeError('the layout engine gave up')\n"
        "    return real(document, brand)\n"
        "pdf.write = write\n"
        "from uapress.cli import app\n"
        "app(['build', '--format', 'html', '--format', 'pdf', '--jobs', '1'])\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=600)
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"{ACTIVE}/en: FAILED" in result.stdout
    assert "the pdf writer failed: RuntimeError: the layout engine gave up" in result.stderr
    out = root / "build"
    for lang in LANGS:
        assert (out / SAMPLE / lang / f"{SAMPLE}.{lang}.pdf").is_file()
    assert not (out / ACTIVE / "en").exists(), "a failed edition writes none of its files"
    page = index_page(out)
    (row,) = rows(page, ACTIVE).values()
    pdf_cell = row.xpath("./td")[3]
    assert "failed" in text(pdf_cell) and "the layout engine gave up" in text(pdf_cell)
    assert not pdf_cell.xpath(".//a")
    for href in hrefs(page):
        assert (out / unquote(href)).is_file(), href
    assert {unquote(h) for h in hrefs(page)} == listed_files(out)


def test_a_build_that_only_finds_broken_sources_leaves_the_index_as_it_was(tmp_path):
    root = index_project(tmp_path, active=False)
    assert run_uapress(root, "build", "--format", "html").returncode == 0
    index = root / "build" / "index.html"
    before = index.read_bytes()
    source = root / "source" / "actions" / SAMPLE / "action.yaml"
    source.write_text(
        source.read_text(encoding="utf-8").replace("deadline: 2026-06-30", "deadline: 2026-02-30"), encoding="utf-8"
    )
    assert run_uapress(root, "build", "--format", "html").returncode == 1
    assert index.read_bytes() == before
