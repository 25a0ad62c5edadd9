"""Reviewers' comments in a PDF proof come back to the source line they are about (issue 22).

The proofs are real WeasyPrint PDFs; the comments are written the way readers store them: pypdf's
annotation classes, and raw annotation dictionaries as Acrobat, Preview and pdf.js write them (a Popup,
rich text in /RC only, a reply by /IRT, a rotated page).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.annotations import Highlight, Text
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from conftest import require
from projects import SAMPLE, SAMPLE_SLUG, make_project, run_uapress


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    require("pdftotext")
    root = make_project(tmp_path_factory.mktemp("comments"), SAMPLE)
    result = run_uapress(root, "build", "--proof", "--wait", SAMPLE_SLUG)
    assert result.returncode == 0, result.stdout + result.stderr
    return root


def proof(root: Path, lang: str) -> Path:
    return root / "build" / SAMPLE_SLUG / lang / "proof" / f"{SAMPLE_SLUG}.{lang}.proof.pdf"


def words_box(pdf: Path, first: str, count: int) -> tuple[int, tuple[float, float, float, float]]:
    """Return the page and the box (PDF points, origin bottom left) of `count` words from the first `first`."""
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    height = float(PdfReader(pdf).pages[0].mediabox.height)
    for number, page in enumerate(out.split("<page ")[1:], start=1):
        words = re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', page
        )
        for index, word in enumerate(words):
            if word[4] == first:
                chosen = words[index : index + count]
                x0 = min(float(w[0]) for w in chosen)
                x1 = max(float(w[2]) for w in chosen)
                return number, (x0, height - float(chosen[0][3]), x1, height - float(chosen[0][1]))
    raise AssertionError(f"{first!r} not found in {pdf}")


def quad(box: tuple[float, float, float, float]) -> ArrayObject:
    x0, y0, x1, y1 = box
    return ArrayObject([FloatObject(v) for v in (x0, y1, x1, y1, x0, y0, x1, y0)])  # as Acrobat orders them


def stamp(annotation: DictionaryObject, text: str, author: str, date: str = "D:20260312143000+01'00'") -> None:
    annotation[NameObject("/Contents")] = TextStringObject(text)
    annotation[NameObject("/T")] = TextStringObject(author)
    annotation[NameObject("/M")] = TextStringObject(date)


def comments(root: Path, pdf: Path) -> list[dict]:
    result = run_uapress(root, "comments", str(pdf), "--json")
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(result.stdout)


def line_of(path: Path, fragment: str, prefix: str = "") -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, start=1) if fragment in line and line.startswith(prefix))


def test_a_highlight_and_a_note_on_the_english_letter_name_its_line_in_action_yaml(project, tmp_path):
    pdf = proof(project, "en")
    page, box = words_box(pdf, "long-awaited-for", 3)
    writer = PdfWriter(clone_from=pdf)
    highlight = Highlight(rect=box, quad_points=quad(box))
    stamp(highlight, "Say which month", "Ana Reviewer")
    writer.add_annotation(page - 1, highlight)
    note = Text(rect=(box[0], box[1] - 30, box[0] + 20, box[1] - 10), text="Too long: cut this sentence")
    stamp(note, "Too long: cut this sentence", "Ben Editor")
    writer.add_annotation(page - 1, note)
    margin = Text(rect=(5, 5, 25, 25), text="The footer is crowded")
    stamp(margin, "The footer is crowded", "Ana Reviewer")
    writer.add_annotation(page - 1, margin)
    annotated = tmp_path / "en-annotated.pdf"
    writer.write(annotated)

    found = comments(project, annotated)
    action = project / "source" / "actions" / SAMPLE_SLUG / "action.yaml"
    letter_line = line_of(action, "We took note of the long-awaited-for release")
    first = next(c for c in found if c["kind"] == "highlight")
    assert (first["file"], first["line"], first["field"]) == (
        f"source/actions/{SAMPLE_SLUG}/action.yaml",
        letter_line,
        "letter",
    )
    assert first["quote"] == "long-awaited-for release of"
    assert (first["comment"], first["author"], first["date"]) == ("Say which month", "Ana Reviewer", "2026-03-12 14:30")
    sticky = next(c for c in found if c["comment"] == "Too long: cut this sentence")
    assert (sticky["line"], sticky["kind"], sticky["author"]) == (letter_line, "note", "Ben Editor")
    general = next(c for c in found if c["comment"] == "The footer is crowded")
    assert general["general"] and general["file"] is None and general["page"] == page

    text = run_uapress(project, "comments", str(annotated)).stdout
    assert (
        f"source/actions/{SAMPLE_SLUG}/action.yaml:{letter_line}: “long-awaited-for release of” — Say which month, "
        "Ana Reviewer" in text
    )
    assert f"general, page {page}: The footer is crowded" in text
    assert text.index("Say which month") < text.index("The footer is crowded")  # file by file, general last


def acrobat_note(writer: PdfWriter, page: int, rect, rich: str, author: str, reply_to=None) -> object:
    """Add a sticky note as Acrobat writes one: its text only as /RC rich text, a Popup, maybe a reply (/IRT)."""
    note = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Text"),
            NameObject("/Rect"): ArrayObject([FloatObject(v) for v in rect]),
            NameObject("/RC"): TextStringObject(
                f'<?xml version="1.0"?><body xmlns="http://www.w3.org/1999/xhtml"><p dir="ltr">{rich}</p></body>'
            ),
            NameObject("/T"): TextStringObject(author),
            NameObject("/M"): TextStringObject("D:20260313091500Z"),
            NameObject("/F"): NumberObject(4),
        }
    )
    if reply_to is not None:
        note[NameObject("/IRT")] = reply_to
        note[NameObject("/RT")] = NameObject("/R")
    ref = writer._add_object(note)
    popup = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Popup"),
            NameObject("/Rect"): ArrayObject([FloatObject(v) for v in (300, 300, 500, 400)]),
            NameObject("/Parent"): ref,
        }
    )
    note[NameObject("/Popup")] = writer._add_object(popup)
    annots = writer.pages[page - 1].setdefault(NameObject("/Annots"), ArrayObject())
    annots.append(ref)
    annots.append(note["/Popup"])
    return ref


def test_a_spanish_proof_names_the_msgstr_line_with_replies_under_their_comment(project, tmp_path):
    pdf = proof(project, "es")
    page, box = words_box(pdf, "Hemos", 3)
    writer = PdfWriter(clone_from=pdf)
    # A strike-out as pdf.js writes it: quads and a /Contents; a note as Acrobat writes it, with a reply.
    strike = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/StrikeOut"),
            NameObject("/Rect"): ArrayObject([FloatObject(v) for v in box]),
            NameObject("/QuadPoints"): quad(box),
        }
    )
    stamp(strike, "Mejor «Tomamos nota»", "Carla Revisora")
    writer.add_annotation(page - 1, strike)
    parent = acrobat_note(
        writer, page, (box[0], box[1] - 25, box[0] + 20, box[1] - 5), "¿Falta <b>un</b> nombre?", "Carla"
    )
    acrobat_note(writer, page, (box[0], box[1] - 25, box[0] + 20, box[1] - 5), "No, está completo.", "Diego", parent)
    # The reviewer turned the page before saving: annotations stay in the page's own coordinates.
    writer.pages[page - 1][NameObject("/Rotate")] = NumberObject(90)
    annotated = tmp_path / "es-annotated.pdf"
    writer.write(annotated)

    found = comments(project, annotated)
    po_file = project / "source" / "actions" / SAMPLE_SLUG / "translations" / "es.po"
    msgstr = line_of(po_file, "Hemos tomado nota", "msgstr")
    struck = next(c for c in found if c["kind"] == "strike-out")
    assert (struck["file"], struck["line"]) == (f"source/actions/{SAMPLE_SLUG}/translations/es.po", msgstr)
    assert struck["quote"] == "Hemos tomado nota"
    assert struck["comment"] == "Mejor «Tomamos nota»" and not struck["changed"]
    note = next(c for c in found if c["kind"] == "note")
    assert (note["line"], note["comment"], note["author"]) == (msgstr, "¿Falta un nombre?", "Carla")
    assert [(r["comment"], r["author"]) for r in note["replies"]] == [("No, está completo.", "Diego")]
    assert not any(c["comment"] == "No, está completo." for c in found)  # a reply is not a comment of its own

    # The translation changes after the proof was made: the comment says so.
    text = po_file.read_text(encoding="utf-8").replace('msgstr "Hemos tomado nota', 'msgstr "Tomamos nota', 1)
    po_file.write_text(text, encoding="utf-8")
    try:
        again = next(c for c in comments(project, annotated) if c["kind"] == "strike-out")
        assert again["changed"] and again["line"] == msgstr
        assert "[changed since this proof]" in run_uapress(project, "comments", str(annotated)).stdout
    finally:
        po_file.write_text(text.replace('msgstr "Tomamos nota', 'msgstr "Hemos tomado nota', 1), encoding="utf-8")


def test_a_comment_on_a_fact_points_at_its_field(project, tmp_path):
    pdf = proof(project, "en")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "30 June 2026" in text
    page, box = words_box(pdf, "30", 3)
    writer = PdfWriter(clone_from=pdf)
    highlight = Highlight(rect=box, quad_points=quad(box))
    stamp(highlight, "Extend to July", "Ana Reviewer")
    writer.add_annotation(page - 1, highlight)
    annotated = tmp_path / "fact.pdf"
    writer.write(annotated)
    (found,) = comments(project, annotated)
    action = project / "source" / "actions" / SAMPLE_SLUG / "action.yaml"
    assert (found["field"], found["line"]) == ("deadline", line_of(action, "deadline:", "deadline"))
    assert found["quote"] == "30 June 2026"


def test_a_pdf_that_is_not_a_proof_is_a_usage_error(project, tmp_path):
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    plain = tmp_path / "plain.pdf"
    writer.write(plain)
    result = run_uapress(project, "comments", str(plain))
    assert result.returncode == 2
    assert "uapress build --proof" in result.stderr and "Traceback" not in result.stderr


def test_comments_of_a_spanish_proof_go_to_its_checklist_until_confirmed(project, tmp_path):
    root = tmp_path / "project"
    shutil.copytree(project, root, symlinks=True)
    pdf = proof(root, "es")
    page, box = words_box(pdf, "Hemos", 3)
    writer = PdfWriter(clone_from=pdf)
    highlight = Highlight(rect=box, quad_points=quad(box))
    stamp(highlight, "Mejor «Tomamos nota»", "Carla Revisora")
    writer.add_annotation(page - 1, highlight)
    margin = Text(rect=(5, 5, 25, 25), text="Pie de página apretado")
    stamp(margin, "Pie de página apretado", "Carla Revisora")
    writer.add_annotation(page - 1, margin)
    annotated = tmp_path / "es-annotated.pdf"
    writer.write(annotated)

    result = run_uapress(root, "comments", str(annotated), "--to-checklist")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 comment added to the es checklist as warnings" in result.stdout
    assert "not collected (general): page" in result.stdout and "Pie de página apretado" in result.stdout
    po_file = root / "source" / "actions" / SAMPLE_SLUG / "translations" / "es.po"
    msgstr = line_of(po_file, "Hemos tomado nota", "msgstr")
    # The line printed is the msgstr line of the PO file as it now stands, its comment added above it.
    assert f"translations/es.po:{msgstr}: “Hemos tomado nota” — Mejor «Tomamos nota»" in result.stdout
    lines = po_file.read_text(encoding="utf-8").splitlines()
    entry_start = max(n for n in range(msgstr) if lines[n].startswith("#") and "comment:" in lines[n])
    assert lines[entry_start] == (
        "# comment: “Hemos tomado nota”: Mejor «Tomamos nota» — Carla Revisora, 2026-03-12, "
        f"es-annotated.pdf page {page}"
    )

    assert run_uapress(root, "checklist", SAMPLE_SLUG, "--lang", "es").returncode == 0
    data = json.loads((root / "build" / SAMPLE_SLUG / "es" / "checklist.json").read_text(encoding="utf-8"))
    (found,) = [f for s in data["segments"] for f in s["findings"] if f["check"] == "comment"]
    assert found["severity"] == "warning" and not found["confirmed"]
    assert any(re.search(r"QA warnings? to confirm", reason) for reason in data["reasons"])

    # Collecting the same proof again adds nothing; confirming the comment clears the warning.
    again = run_uapress(root, "comments", str(annotated), "--to-checklist")
    assert "0 comments added" in again.stdout
    confirmed = run_uapress(root, "translations", "confirm", SAMPLE_SLUG, "--lang", "es", found["id"])
    assert confirmed.returncode == 0, confirmed.stdout + confirmed.stderr
    assert run_uapress(root, "checklist", SAMPLE_SLUG, "--lang", "es").returncode == 0
    data = json.loads((root / "build" / SAMPLE_SLUG / "es" / "checklist.json").read_text(encoding="utf-8"))
    assert [f["confirmed"] for s in data["segments"] for f in s["findings"] if f["check"] == "comment"] == [True]


def test_the_source_proof_has_no_checklist_to_collect_into(project, tmp_path):
    result = run_uapress(project, "comments", str(proof(project, "en")), "--to-checklist")
    assert result.returncode == 2
    assert "source language" in result.stderr and "Traceback" not in result.stderr


def test_a_caret_and_a_text_box_are_placed_on_the_block_they_mark(project, tmp_path):
    pdf = proof(project, "en")
    page, box = words_box(pdf, "long-awaited-for", 3)
    writer = PdfWriter(clone_from=pdf)
    # An inserted-text caret as Acrobat writes one: a small /Rect at the insertion point, no quads.
    caret = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Caret"),
            NameObject("/Rect"): ArrayObject([FloatObject(v) for v in (box[2] - 3, box[1], box[2] + 3, box[1] + 8)]),
        }
    )
    stamp(caret, "insert: and welcome", "Ana Reviewer")
    writer.add_annotation(page - 1, caret)
    # A text box (FreeText) typed over the paragraph, as Preview and pdf.js write it.
    free = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/FreeText"),
            NameObject("/Rect"): ArrayObject([FloatObject(v) for v in (box[0], box[1] - 2, box[0] + 60, box[3])]),
            NameObject("/DA"): TextStringObject("/Helv 10 Tf 0 g"),
        }
    )
    stamp(free, "Name the month", "Ben Editor")
    writer.add_annotation(page - 1, free)
    annotated = tmp_path / "caret.pdf"
    writer.write(annotated)

    found = comments(project, annotated)
    action = project / "source" / "actions" / SAMPLE_SLUG / "action.yaml"
    letter_line = line_of(action, "We took note of the long-awaited-for release")
    by_text = {c["comment"]: c for c in found}
    assert (by_text["insert: and welcome"]["kind"], by_text["insert: and welcome"]["line"]) == ("insert", letter_line)
    assert (by_text["Name the month"]["field"], by_text["Name the month"]["line"]) == ("letter", letter_line)
    assert by_text["Name the month"]["author"] == "Ben Editor"
