"""Word comments of a returned DOCX reach the PO entry they are about and the checklist (issue 22).

The translated DOCX is the Spanish edition as `uapress export` writes it, commented with python-docx
(which stores comments as Word does: `word/comments.xml`, a commentRangeStart/End pair around the
runs and a commentReference run), and that file again after a LibreOffice re-save, which rewrites
the comment anchors its own way.
"""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from pathlib import Path

import pytest

from projects import SAMPLE, SAMPLE_SLUG, make_project, run_uapress
from uapress.localise import po

PO = Path("source") / "actions" / SAMPLE_SLUG / "translations" / "es.po"


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> Path:
    """The sample's Spanish DOCX edition, exported once for the module."""
    root = make_project(tmp_path_factory.mktemp("docx-comments"), SAMPLE)
    result = run_uapress(root, "export", SAMPLE_SLUG, "--lang", "es", "--format", "docx")
    assert result.returncode == 0, result.stderr
    return root / "build" / SAMPLE_SLUG / "translate" / f"{SAMPLE_SLUG}.es.docx"


def commented(exported: Path, dest: Path) -> Path:
    """Comment the Spanish letter's first paragraph and the deadline note, as a translator does in Word."""
    import docx

    document = docx.Document(str(exported))
    letter = next(p for p in document.paragraphs if "Hemos tomado nota" in p.text)
    document.add_comment(letter.runs, text="¿«largamente esperada» o «tan esperada»?", author="Lucía Traductora")
    title = next(p for p in document.paragraphs if p.style.name == "Heading 1")
    document.add_comment(title.runs[0], text="Título corto a propósito", author="Lucía Traductora")
    masthead = document.paragraphs[0]  # the brand's masthead: no segment, so a general comment
    document.add_comment(masthead.runs, text="El logotipo se ve borroso", author="Lucía Traductora")
    document.save(str(dest))
    return dest


def entry_with(root: Path, fragment: str) -> po.PoEntry:
    return next(e for e in po.read(root / PO).entries if fragment in e.msgstr and not e.obsolete)


def check_imported(root: Path, docx_file: Path) -> None:
    result = run_uapress(root, "import", str(docx_file))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "comments: 2, kept in the PO as '# comment:' lines" in result.stdout
    assert "¿«largamente esperada» o «tan esperada»? (Lucía Traductora)" in result.stdout
    assert "comments outside every segment, not stored: 1\n    El logotipo se ve borroso" in result.stdout

    letter = entry_with(root, "Hemos tomado nota")
    said = [c for c in letter.comments if c.startswith("comment:")]
    assert len(said) == 1 and re.fullmatch(
        rf"comment: ¿«largamente esperada» o «tan esperada»\? — Lucía Traductora, \d{{4}}-\d\d-\d\d, {re.escape(docx_file.name)}",
        said[0],
    ), said
    assert not any(
        "largamente" in c for e in po.read(root / PO).entries if e.msgstr != letter.msgstr for c in e.comments
    )

    # The checklist shows it as a warning that holds the language back until someone confirms it.
    assert run_uapress(root, "checklist", SAMPLE_SLUG, "--lang", "es").returncode == 0
    data = json.loads((root / "build" / SAMPLE_SLUG / "es" / "checklist.json").read_text(encoding="utf-8"))
    found = [f for s in data["segments"] for f in s["findings"] if f["check"] == "comment"]
    assert {f["message"].split(" — ")[0] for f in found} == {
        "comment: ¿«largamente esperada» o «tan esperada»?",
        "comment: Título corto a propósito",
    }
    assert all(f["severity"] == "warning" and not f["confirmed"] for f in found)
    assert data["ready"] is False
    html = (root / "build" / SAMPLE_SLUG / "es" / "checklist.html").read_text(encoding="utf-8")
    assert "largamente esperada" in html

    confirmed = run_uapress(root, "translations", "confirm", SAMPLE_SLUG, "--lang", "es", *(f["id"] for f in found))
    assert confirmed.returncode == 0, confirmed.stdout + confirmed.stderr
    assert run_uapress(root, "checklist", SAMPLE_SLUG, "--lang", "es").returncode == 0
    data = json.loads((root / "build" / SAMPLE_SLUG / "es" / "checklist.json").read_text(encoding="utf-8"))
    assert all(f["confirmed"] for s in data["segments"] for f in s["findings"] if f["check"] == "comment")

    # Importing the same file again adds no second copy of a comment.
    assert run_uapress(root, "import", str(docx_file)).returncode == 0
    assert sum(c.startswith("comment:") for c in entry_with(root, "Hemos tomado nota").comments) == 1


def test_word_comments_reach_the_po_entry_and_the_checklist(exported, tmp_path, msgfmt_check):
    root = make_project(tmp_path, SAMPLE)
    docx_file = commented(exported, tmp_path / f"{SAMPLE_SLUG}.es.docx")
    check_imported(root, docx_file)
    msgfmt_check(root / PO)


def test_word_comments_survive_a_libreoffice_resave(exported, tmp_path, libreoffice):
    root = make_project(tmp_path, SAMPLE)
    (tmp_path / "word").mkdir()
    source = commented(exported, tmp_path / "word" / f"{SAMPLE_SLUG}.es.docx")
    resaved = libreoffice(source, "docx", tmp_path / "resaved")
    with zipfile.ZipFile(resaved) as archive:
        xml = archive.read("word/document.xml").decode("utf-8")
    assert "commentRangeStart" in xml or "commentReference" in xml, "LibreOffice kept the comments"
    check_imported(root, resaved)


def test_tracked_changes_are_counted_in_the_report(exported, tmp_path):
    root = make_project(tmp_path, SAMPLE)
    with zipfile.ZipFile(exported) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    xml = parts["word/document.xml"].decode("utf-8")
    start = xml.index("Hemos tomado nota")
    run_start = xml.rindex("<w:r>", 0, start)
    run_end = xml.index("</w:r>", start) + len("</w:r>")
    run = xml[run_start:run_end]
    changed = (
        f'<w:del w:id="901" w:author="L">{run.replace("<w:t", "<w:delText").replace("</w:t>", "</w:delText>")}</w:del>'
        f'<w:ins w:id="902" w:author="L">{run.replace("Hemos tomado nota", "Tomamos nota")}</w:ins>'
        '<w:ins w:id="903" w:author="L"><w:r><w:t xml:space="preserve"> </w:t></w:r></w:ins>'
    )
    parts["word/document.xml"] = (xml[:run_start] + changed + xml[run_end:]).encode("utf-8")
    dest = tmp_path / f"{SAMPLE_SLUG}.es.docx"
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)

    result = run_uapress(root, "import", str(dest), "--force")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "the file has 3 tracked changes: read as if they were all accepted" in result.stdout
    assert "Tomamos nota" in entry_with(root, "Tomamos nota").msgstr
    shutil.rmtree(root / "build", ignore_errors=True)
