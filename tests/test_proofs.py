"""Proofs for reviewers and `uapress diff` (issue points 1 and 2): watermark, build stamp, change bars beside
exactly the changed blocks, the summary page, and the bad inputs (unknown revision, no git).

The project is a git repository made from the sample action with a known change on top of its last commit:
one summary paragraph added, one letter paragraph changed, the last background paragraph removed, the
deadline moved, and (Spanish only) the title's translation edited. The bars are found where a reviewer
sees them: dark pixels in the margin of the page image, matched to the text lines beside them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
import subprocess
import unicodedata
from pathlib import Path

import lxml.etree
import lxml.html
import pytest
from PIL import Image

from conftest import require
from projects import REPO, SAMPLE, make_project, run_uapress
from uapress.build.proof import Review
from uapress.localise import localise
from uapress.model.document import build_document
from uapress.source import load_action
from uapress.writers import files_for, html
from uapress.writers.brand import load_brand

SLUG = "venezuela-hrd-release"
LANGS = ("en", "es", "fr", "ar")
SPANISH_MONTHS = (
    "enero", "febrero", "marzo", "abril", "mayo", "junio",
    "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre",
)  # fmt: skip
ACTION = Path("source/actions") / SLUG / "action.yaml"
ADDED = "The defenders need your letters now: every appeal counts."
CHANGED = ("We remain concerned over the safety", "We remain deeply concerned over the safety")
REMOVED = "  Since November 2021, the Office of the [Prosecutor](#)"
DEADLINE = ("deadline: 2026-06-30", "deadline: 2026-12-31")
ES_TITLE = (
    "Las personas defensoras de los derechos humanos deben quedar en libertad",
    "Las personas defensoras de derechos humanos deben ser liberadas",
)
STAMP = re.compile(
    r"PROOF · built (\d{4}-\d{2}-\d{2} \d{2}:\d{2}) UTC · source ([0-9a-f]{7,}) \+ uncommitted changes"
    r" · inputs ([0-9a-f]{10}) · changes since ([0-9a-f]{7,})"
)
BAR = (0x1A, 0x1A, 0x1A)
"""Colour of a change bar: the brand's text colour (styles/print.css)."""
DPI = 72  # one pixel per point
BIDI_CONTROLS = dict.fromkeys(map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))
"""pdftotext wraps right-to-left runs, and the Latin text inside them, in these."""


def git(root: Path, *args: str) -> str:
    env = dict(
        os.environ,
        GIT_CONFIG_GLOBAL=os.devnull,
        GIT_CONFIG_NOSYSTEM="1",
        GIT_AUTHOR_NAME="Test",
        GIT_AUTHOR_EMAIL="test@example.org",
        GIT_COMMITTER_NAME="Test",
        GIT_COMMITTER_EMAIL="test@example.org",
    )
    return subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True, text=True).stdout.strip()


def copy_project(parent: Path) -> Path:
    return make_project(parent, SAMPLE)  # the sample alone: these tests count its actions and editions


def make_change(root: Path) -> None:
    """Apply the known change to the sample (see the module docstring)."""
    path = root / ACTION
    text = path.read_text(encoding="utf-8")
    summary = re.search(r"^summary: \|\n(  .*\n)", text, re.M)
    text = text[: summary.end()] + f"\n  {ADDED}\n" + text[summary.end() :]
    assert CHANGED[0] in text and REMOVED in text and DEADLINE[0] in text
    text = text.replace(*CHANGED).replace(*DEADLINE)
    text = re.sub(r"\n\n" + re.escape(REMOVED) + r".*\n", "\n", text)
    path.write_text(text, encoding="utf-8")
    po = root / "source" / "actions" / SLUG / "translations" / "es.po"
    po.write_text(po.read_text(encoding="utf-8").replace(*ES_TITLE), encoding="utf-8")


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """A git project: an empty first commit, the sample as the second, the known change uncommitted."""
    require("git")
    root = copy_project(tmp_path_factory.mktemp("proofs"))
    git(root, "init", "-q")
    git(root, "commit", "-q", "--allow-empty", "-m", "Start")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Add the Venezuela action")
    make_change(root)
    return root


@pytest.fixture(scope="module")
def built(project) -> dict:
    """Build the PDF editions, then the proofs; return what each step left."""
    first = run_uapress(project, "build", "--format", "pdf")
    assert first.returncode == 0, first.stdout + first.stderr
    out = project / "build"
    editions = {lang: out / SLUG / lang / f"{SLUG}.{lang}.pdf" for lang in LANGS}
    before = {lang: (path.stat().st_ino, path.read_bytes()) for lang, path in editions.items()}
    proofs = run_uapress(project, "build", "--proof")
    assert proofs.returncode == 0, proofs.stdout + proofs.stderr
    return {
        "result": proofs,
        "editions": editions,
        "before": before,
        "proofs": {lang: out / SLUG / lang / "proof" / f"{SLUG}.{lang}.proof.pdf" for lang in LANGS},
    }


# --- reading the proofs back --------------------------------------------------------


def pages_text(pdf: Path) -> list[str]:
    exe = require("pdftotext")
    text = subprocess.run([exe, "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    text = text.translate(BIDI_CONTROLS)
    return [" ".join(page.split()) for page in text.rstrip("\f\n").split("\f")]


def layout(pdf: Path) -> list[dict]:
    """Return each page's size and its text lines with their boxes (pdftotext -bbox-layout)."""
    exe = require("pdftotext")
    xml = subprocess.run([exe, "-bbox-layout", str(pdf), "-"], capture_output=True, check=True).stdout
    tree = lxml.etree.fromstring(xml, lxml.etree.XMLParser(recover=True))
    pages = []
    for page in tree.iter("{*}page"):
        lines = []
        for line in page.iter("{*}line"):
            words = [w.text or "" for w in line.iter("{*}word")]
            box = [float(line.get(k)) for k in ("xMin", "yMin", "xMax", "yMax")]
            lines.append({"box": box, "text": " ".join(words)})
        words = [
            (w.text or "", [float(w.get(k)) for k in ("xMin", "yMin", "xMax", "yMax")]) for w in page.iter("{*}word")
        ]
        pages.append(
            {"width": float(page.get("width")), "height": float(page.get("height")), "lines": lines, "words": words}
        )
    return pages


def images(pdf: Path, folder: Path) -> list[Image.Image]:
    """Return every page as an RGB image at 72 dpi (one pixel per point)."""
    exe = require("pdftoppm")
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run([exe, "-png", "-r", str(DPI), str(pdf), str(folder / "page")], check=True)
    return [Image.open(p).convert("RGB") for p in sorted(folder.glob("page-*.png"), key=lambda p: int(p.stem[5:]))]


def is_bar(pixel) -> bool:
    return all(abs(a - b) <= 40 for a, b in zip(pixel, BAR))


def bar_columns(image: Image.Image, x_range: range) -> set[int]:
    """Return the x positions in `x_range` where a vertical run of bar-coloured pixels (≥ 6 pt) stands."""
    found = set()
    for x in x_range:
        run = 0
        for y in range(image.height):
            run = run + 1 if is_bar(image.getpixel((x, y))) else 0
            if run >= 6:
                found.add(x)
                break
    return found


def marked_lines(pdf: Path, folder: Path, rtl: bool = False) -> tuple[list[str], set[int]]:
    """Return the text lines with a change bar beside them, in page order, and the bars' columns."""
    margin = _mm(load_brand(REPO).margins["right" if rtl else "left"])
    found, columns = [], set()
    for page, image in zip(layout(pdf), images(pdf, folder)):
        width = image.width
        band = range(width - int(margin), width) if rtl else range(0, int(margin))
        page_columns = bar_columns(image, band)
        columns |= page_columns
        for line in page["lines"]:
            x0, y0, x1, y1 = line["box"]
            if y1 - y0 > 30:  # the watermark's letters
                continue
            rows = range(int(y0) + 1, max(int(y1) - 1, int(y0) + 2))
            if any(is_bar(image.getpixel((x, y))) for x in page_columns for y in rows):
                found.append(line["text"])
    return found, columns


def _mm(length: str) -> float:
    return float(length.removesuffix("mm")) * 72 / 25.4


def squash(text: str) -> str:
    """Return text as letters and digits only: line breaks, hyphens, spaces and punctuation do not count."""
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", text).casefold())


def proof_dom(project: Path, lang: str):
    """Return the proof of one edition as the writers receive it, and its page as a DOM."""
    action, _ = load_action(project / ACTION)
    document = build_document(localise(action, lang, project), files_for(SLUG, lang))
    proof = Review(project).proof(action, lang, "0" * 64)
    document = dataclasses.replace(document, meta=dataclasses.replace(document.meta, proof=proof))
    page = lxml.html.document_fromstring(html.render(document, load_brand(project), for_print=True))
    return document, page


# --- where proofs go ------------------------------------------------------------------


def test_proofs_go_to_their_own_folder_and_leave_the_editions_alone(built):
    assert "4 proofs built" in built["result"].stdout
    for lang in LANGS:
        proof, edition = built["proofs"][lang], built["editions"][lang]
        assert proof.read_bytes().startswith(b"%PDF-") and proof.parent.name == "proof"
        assert (edition.stat().st_ino, edition.read_bytes()) == built["before"][lang], f"{edition.name} was rewritten"
        assert not list(proof.parent.glob(".*.uapress-tmp"))


def test_the_index_lists_the_proofs_apart_from_the_editions(built):
    out = built["proofs"]["en"].parents[3]
    page = lxml.html.document_fromstring((out / "index.html").read_text(encoding="utf-8"))
    links = set(page.xpath("//a/@href"))
    # Issue 21: the proofs are not in the rows of files to send, but in a list of their own.
    in_tables = set(page.xpath("//table//a/@href"))
    proofs = set(page.xpath("//div[@class='proofs']//a/@href"))
    for lang in LANGS:
        assert f"{SLUG}/{lang}/proof/{SLUG}.{lang}.proof.pdf" in proofs - in_tables
        assert f"{SLUG}/{lang}/{SLUG}.{lang}.pdf" in links & in_tables
    assert "Proof" not in [" ".join(th.text_content().split()) for th in page.xpath("//thead//th")]
    assert " ".join(page.xpath("//div[@class='proofs']/p")[0].text_content().split()) == (
        "Proofs for reviewers · not for publication:"
    )


def test_a_second_proof_build_is_unchanged_and_editions_stay_cached(project, built):
    again = run_uapress(project, "build", "--proof")
    assert again.returncode == 0, again.stderr
    assert "0 proofs built, 4 unchanged" in again.stdout
    editions = run_uapress(project, "build", "--format", "pdf")
    assert "0 editions built, 4 unchanged" in editions.stdout, "proofs disturbed the editions' cache"


# --- watermark, stamp, summary ----------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_every_page_carries_the_watermark_and_the_stamp(built, project, lang):
    proof = built["proofs"][lang]
    head = git(project, "rev-parse", "--short", "HEAD")
    for number, (text, page) in enumerate(zip(pages_text(proof), layout(proof)), start=1):
        stamp = STAMP.search(text)
        assert stamp, f"page {number} has no build stamp: {text[-300:]}"
        built_at, source, _inputs, since = stamp.groups()
        assert (source, since) == (head, head)
        assert abs(dt.datetime.strptime(built_at, "%Y-%m-%d %H:%M") - dt.datetime.utcnow()) < dt.timedelta(hours=1)
        # The watermark is set large and diagonally: its letters are the only words that tall.
        letters = sorted((box[0], word) for word, box in page["words"] if box[3] - box[1] > 40)
        assert "".join(word for _, word in letters) == "PROOF", f"page {number}: {letters}"


def test_the_stamp_hashes_the_inputs(built):
    inputs = {STAMP.search(pages_text(built["proofs"][lang])[0]).group(3) for lang in LANGS}
    assert len(inputs) == len(LANGS), "each edition has its own inputs"


def first_page_lines(pdf: Path) -> list[str]:
    """Return the first page's lines as pdftotext lays them out (table rows stay whole)."""
    exe = require("pdftotext")
    text = subprocess.run(
        [exe, "-layout", "-f", "1", "-l", "1", "-enc", "UTF-8", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [" ".join(line.translate(BIDI_CONTROLS).split()) for line in text.splitlines() if line.strip()]


def test_first_page_summarises_the_changes(built, project):
    head = git(project, "rev-parse", "--short", "HEAD")
    first = pages_text(built["proofs"]["es"])[0]
    # Issue 21: headed by the action, the language and the revision compared with, in the proof's language;
    # the revision's message is a detail under it, in typographic quotes.
    date = git(project, "log", "-1", "--format=%cs", "HEAD")
    when = f"{int(date[8:])} de {SPANISH_MONTHS[int(date[5:7]) - 1]} de {date[:4]}"
    lines = first_page_lines(built["proofs"]["es"])
    assert lines[0] == "PRUEBA PARA REVISIÓN · NO PUBLICAR"
    assert lines[1] == ES_TITLE[1]
    assert lines[2] == f"español (es) · Comparada con la revisión del {when} ({head})"
    assert lines[3].startswith("Mensaje de esa revisión: “Add the Venezuela action” · ")
    assert "Changes since" not in first and '"' not in first
    assert "Añadidos: 1 · Modificados: 2 · Eliminados: 1 · Datos modificados: 1" in first
    # Added, changed, removed per language; this proof's language first.
    rows = [line for line in lines if re.search(r"(en|es|fr|ar)\)", line) and re.search(r"\d \d \d$", line)]
    assert rows[0] == "español (es), esta prueba 1 2 1", rows
    assert "English (en) 1 1 1" in rows and "français (fr) 1 1 1" in rows, rows
    # pdftotext sets the parenthesis before the Arabic name in visual order: "( العربية ar)".
    assert any("العربية" in row and "ar)" in row and row.endswith("1 1 1") for row in rows), rows
    assert "deadline 2026-06-30 2026-12-31" in lines
    assert "MODIFICADOS title" in first and ES_TITLE[1] in first and ES_TITLE[0] in first
    assert "AÑADIDOS summary" in first and ADDED in first
    assert "ELIMINADOS background" in first and "Desde noviembre de 2021" in first
    # Issue 11: the proofs, not the public editions, lead reviewers to the checklist.
    assert "La lista de control de esta edición, con su veredicto: checklist.html" in " ".join(first.split())


def test_the_summary_page_comes_before_an_untouched_edition_layout(built):
    proof = pages_text(built["proofs"]["en"])
    assert proof[0].startswith("PROOF FOR REVIEW · NOT FOR PUBLICATION")
    assert "URGENT ACTION" in proof[1][:200], "the edition starts on a page of its own, band first"


# --- change bars ----------------------------------------------------------------------


def test_the_model_marks_exactly_the_changed_blocks(project):
    document, page = proof_dom(project, "en")
    changed = page.xpath("//*[contains(concat(' ', @class, ' '), ' changed ')]")
    by_id = {s.id: s for s in document.segments}
    marked = [by_id[e.get("data-segment")].field if e.get("data-segment") else e.get("class") for e in changed]
    assert marked == ["summary", "letter", "fact changed"]
    assert ADDED in changed[0].text_content() and CHANGED[1] in changed[1].text_content()
    assert "31 December 2026" in changed[2].text_content()
    # The Spanish title's translation changed: barred in Spanish only.
    _, spanish = proof_dom(project, "es")
    assert spanish.xpath("//h1[contains(@class, 'changed')]")
    assert not page.xpath("//h1[contains(@class, 'changed')]")


@pytest.mark.parametrize("lang", ("en", "es", "fr"))
def test_change_bars_stand_beside_exactly_the_changed_blocks(built, project, tmp_path, lang):
    _, page = proof_dom(project, lang)
    expected = [e.text_content() for e in page.xpath("//*[contains(concat(' ', @class, ' '), ' changed ')]")]
    lines, columns = marked_lines(built["proofs"][lang], tmp_path)
    assert squash(" ".join(lines)) == squash(" ".join(expected))
    # One column in the left margin, the bar's width: 1.6 mm is 4.5 pt.
    margin = _mm(load_brand(REPO).margins["left"])
    assert columns and max(columns) - min(columns) <= 5 and max(columns) < margin - 10, sorted(columns)


def test_change_bars_stand_in_the_right_margin_of_a_right_to_left_edition(built, tmp_path):
    lines, columns = marked_lines(built["proofs"]["ar"], tmp_path, rtl=True)
    text = squash(" ".join(lines))
    assert squash(CHANGED[1]) in text and squash(ADDED) in text
    assert squash("We took note of the long-awaited-for release") not in text
    width = 595  # A4
    margin = _mm(load_brand(REPO).margins["right"])
    assert columns and max(columns) - min(columns) <= 5 and min(columns) > width - margin + 10, sorted(columns)


@pytest.mark.parametrize("lang", LANGS)
def test_proofs_render_without_weasyprint_warnings(project, lang):
    # The CLI builds above run in subprocesses, out of conftest's sight: render here, under its watch.
    from uapress.writers import pdf

    document, _ = proof_dom(project, lang)
    assert pdf.write(document, load_brand(project)).startswith(b"%PDF-")


def test_editions_carry_no_proof_marks(built, tmp_path):
    text = " ".join(pages_text(built["editions"]["en"]))
    assert "PROOF" not in text and "Compared with the revision" not in text
    lines, columns = marked_lines(built["editions"]["en"], tmp_path)
    assert not lines and not columns


# --- uapress diff -----------------------------------------------------------------------


def test_diff_prints_the_same_summary(project):
    result = run_uapress(project, "diff", SLUG, "--lang", "es")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    head = git(project, "rev-parse", "--short", "HEAD")
    assert out.startswith(f"{SLUG}: changes since {head} (")
    assert "~ deadline: 2026-06-30 -> 2026-12-31" in out
    assert "es (español): 1 added, 2 changed, 1 removed" in out
    assert f"+ summary: {ADDED}" in out
    assert "- background: Desde noviembre de 2021" in out  # what the Spanish edition showed
    assert "en (English)" not in out, "--lang limits the languages"
    every = run_uapress(project, "diff", SLUG)
    assert all(f"{lang} (" in every.stdout for lang in LANGS)


def test_diff_since_a_revision_without_the_action_counts_every_block_as_added(project):
    first = git(project, "rev-list", "--max-parents=0", "HEAD")
    result = run_uapress(project, "diff", SLUG, "--since", first[:8], "--lang", "en")
    assert result.returncode == 0, result.stderr
    assert f"the action did not exist at {first[:7]}" in result.stdout
    action, _ = load_action(project / ACTION)
    total = len(localise(action, "en", project).segments)
    assert f"en (English): {total} added, 0 changed, 0 removed" in result.stdout


# --- bad input ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "command", (["build", "--proof", "--since", "no-such-rev"], ["diff", SLUG, "--since", "no-such-rev"])
)
def test_an_unknown_revision_is_a_usage_error(project, command):
    before = sorted(p for p in (project / "build").rglob("*") if p.is_file())
    result = run_uapress(project, *command)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "revision 'no-such-rev' not found" in result.stderr
    assert "Traceback" not in result.stderr
    assert sorted(p for p in (project / "build").rglob("*") if p.is_file()) == before


def test_since_without_proof_is_a_usage_error(project):
    result = run_uapress(project, "build", "--since", "HEAD")
    assert result.returncode == 2 and "--since goes with --proof" in result.stderr


def test_without_git_proofs_still_build_without_bars_and_say_so(tmp_path):
    root = copy_project(tmp_path)
    for args in ((), ("--since", "HEAD")):
        result = run_uapress(root, "build", "--proof", "--lang", "en", "--force", *args)
        assert result.returncode == 0, result.stdout + result.stderr
        proof = root / "build" / SLUG / "en" / "proof" / f"{SLUG}.en.proof.pdf"
        pages = pages_text(proof)
        assert all("no git revision (not a git repository): no change bars" in page for page in pages)
        assert not any("Compared with the revision" in page for page in pages), "no revision, no summary page"
        lines, _ = marked_lines(proof, tmp_path / f"images{len(args)}")
        assert not lines


def test_diff_without_git_says_there_is_nothing_to_compare(tmp_path):
    result = run_uapress(copy_project(tmp_path), "diff", SLUG)
    assert result.returncode == 2
    assert "not a git repository" in result.stderr and "Traceback" not in result.stderr


def test_proof_with_format_is_a_usage_error(project):
    result = run_uapress(project, "build", "--proof", "--format", "html")
    assert result.returncode == 2 and "proofs are PDF only" in result.stderr
