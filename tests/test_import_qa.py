"""Import-side QA of a DOCX round trip through LibreOffice (issue 12): an untouched paragraph of
another language's edition is never imported as a translation, even when LibreOffice rewrote its
links; the import count is what was edited; a DOCX names its language, so `import` needs no --lang."""

from __future__ import annotations

import zipfile

import libreoffice_batch
from projects import make_project, run_uapress
from test_import_docx import edit_docx, resaved
from uapress.localise import po

SLUG = "chile-journalist-threatened"
EDITED = (
    "ua_371306db0a99",
    "ua_cc94125a0d3d",
    "ua_b48b403367b5",
    "ua_e93fe017b714",
    "ua_87f0cf43e799",
    "ua_eb13818c2a62",
    "ua_0867bda15814",
    "ua_03bf5fcb16e9",
    "ua_5a96f175ac9f",
)
"""Nine paragraphs the translator types over; the others stay as the edition showed them."""
SUBJECT = "ua_8ea014a41854"
MAILTO = "ua_32d294081b13"
"""The paragraph whose mailto target LibreOffice decodes (`Estaci%C3%B3n%20Austral`)."""


def _translations(root, lang: str) -> dict:
    path = root / "source" / "actions" / SLUG / "translations" / f"{lang}.po"
    return {e.notes[0].removeprefix("id: "): e.msgstr for e in po.read(path).entries if not e.obsolete}


def _export(root, lang: str):
    result = run_uapress(root, "export", SLUG, "--lang", lang, "--format", "docx")
    assert result.returncode == 0, result.stderr
    return root / "build" / SLUG / "translate" / f"{SLUG}.{lang}.docx"


def _french_over_spanish(path) -> None:
    """Type the French of EDITED over the Spanish edition (the French PO file removed first)."""
    root = make_project(path.parent, "qa-links")
    french = _translations(root, "fr")
    (root / "source" / "actions" / SLUG / "translations" / "fr.po").unlink()
    edit_docx(_export(root, "es"), path, {sid: french[sid] for sid in EDITED})


def _one_french_edit(path) -> None:
    """Type one new French title over the French edition."""
    root = make_project(path.parent, "qa-links")
    edit_docx(_export(root, "fr"), path, {"ua_b48b403367b5": "Procureur national du Chili"})


# LibreOffice re-saves what the translator typed, in the session's one batch (issue 18).
libreoffice_batch.register(__name__, f"{SLUG}.fr", _french_over_spanish, ["docx"])
libreoffice_batch.register(__name__, "traduit", _one_french_edit, ["docx"])


def test_untouched_paragraphs_of_another_edition_are_not_imported(tmp_path, office, msgfmt_check):
    root = make_project(tmp_path, "qa-links")
    french = _translations(root, "fr")
    (root / "source" / "actions" / SLUG / "translations" / "fr.po").unlink()
    saved = resaved(office, f"{SLUG}.fr", tmp_path)
    rels = zipfile.ZipFile(saved).read("word/_rels/document.xml.rels").decode("utf-8")
    assert "Estaci%C3%B3n%20Austral" not in rels  # LibreOffice decoded the address: the case of issue 12

    result = run_uapress(root, "import", str(saved), "--action", SLUG, "--lang", "fr")

    assert result.returncode == 0, result.stderr
    assert "imported:   9 segments" in result.stdout, result.stdout
    assert f"{MAILTO} (background): still the text of the es edition" in result.stdout
    # The subject is only a name, the same in every language: stored as it is, and said apart.
    assert "only names, the same in every language, stored as they are: 1 segment" in result.stdout
    stored = {sid: text for sid, text in _translations(root, "fr").items() if text}
    assert sorted(stored) == sorted(EDITED + (SUBJECT,)) and stored[SUBJECT] == "Marta Quispe"
    # Typing over the text keeps the Spanish edition's link addresses: QA asks a person about them.
    assert all(stored[sid] == french[sid].replace("/fr/", "/es/").replace("lang=fr", "lang=es") for sid in EDITED)
    msgfmt_check(root / "source" / "actions" / SLUG / "translations" / "fr.po")
    checklist = run_uapress(root, "checklist", SLUG, "--lang", "fr")
    assert checklist.stdout.count("warning [links] link address changed") == 2, checklist.stdout
    assert (
        "-> https://www.example.org/es/news/2026/02/water-antofagasta/ (names another language than fr)"
        in checklist.stdout
    )


def test_docx_names_its_language_so_import_needs_no_lang(tmp_path, office):
    root = make_project(tmp_path, "qa-links")
    # The French edition `uapress export` wrote, which the translator typed over (`_one_french_edit`).
    exported = office.docx("traduit").parent / "qa-links" / "build" / SLUG / "translate" / f"{SLUG}.fr.docx"
    names = zipfile.ZipFile(exported).namelist()
    assert "docProps/custom.xml" in names
    assert b">fr<" in zipfile.ZipFile(exported).read("docProps/custom.xml")
    saved = resaved(office, "traduit", tmp_path)

    result = run_uapress(root, "import", str(saved), "--force")

    assert result.returncode == 0, result.stderr
    assert "-> source/actions/chile-journalist-threatened/translations/fr.po: updated" in result.stdout, result.stdout
    assert "imported:   1 segment" in result.stdout
    # Every other paragraph, links and the decoded mailto target included, reads as the PO has it.
    assert "unchanged:  12 segments" in result.stdout
    assert _translations(root, "fr")["ua_b48b403367b5"] == "Procureur national du Chili"


def test_docx_of_the_source_edition_still_needs_lang(tmp_path):
    root = make_project(tmp_path, "qa-links")
    result = run_uapress(root, "import", str(_export(root, "en")))
    assert result.returncode == 2 and "is the en edition" in result.stderr and "--lang" in result.stderr
