"""Issue 21: counted words take the plural form of their language, through gettext plurals.

The checklist said "1 espace(s) doublé(s)" in French and "{count} مسافة" for every count in Arabic:
the label files had one string per language, and the PO reader kept only `msgstr[0]` of a plural entry.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from lxml import html as lxml_html

from projects import REPO, SAMPLE, SAMPLE_SLUG, make_project, run_uapress
from uapress.localise import po
from uapress.localise.labels import load_labels

SPACE = re.compile(r"(?<=\S) (?=\S)")
DOUBLED = re.compile(r"\S( {2,}|\t+)(?=\S)")
"""What the QA check counts as a doubled space (localise/qa/text.py)."""

EXPECTED = {
    "es": {1: "1 espacio doble dentro de la traducción", 2: "2 espacios dobles dentro de la traducción"},
    "fr": {1: "1 espace doublé dans la traduction", 2: "2 espaces doublés dans la traduction"},
    "ar": {
        1: "مسافة مزدوجة واحدة داخل الترجمة",
        2: "مسافتان مزدوجتان داخل الترجمة",
        3: "3 مسافات مزدوجة داخل الترجمة",
        11: "11 مسافة مزدوجة داخل الترجمة",
        100: "100 مسافة مزدوجة داخل الترجمة",
    },
}
ENGLISH = {
    1: "1 doubled space inside the translation",
    2: "2 doubled spaces inside the translation",
    3: "3 doubled spaces inside the translation",
    11: "11 doubled spaces inside the translation",
    100: "100 doubled spaces inside the translation",
}


def _double_spaces(root: Path, lang: str, counts: list[int]) -> None:
    """Give the longest translations of `lang` `counts` doubled spaces, one count each."""
    path = root / "source" / "actions" / SAMPLE_SLUG / "translations" / f"{lang}.po"
    file = po.read(path)
    entries = sorted(
        (e for e in file.entries if e.msgstr and not e.fuzzy and not e.obsolete),
        key=lambda e: len(SPACE.findall(e.msgstr)),
        reverse=True,
    )
    for entry, count in zip(entries, sorted(counts, reverse=True), strict=False):
        assert not DOUBLED.search(entry.msgstr) and len(SPACE.findall(entry.msgstr)) >= count
        entry.msgstr = SPACE.sub("  ", entry.msgstr, count=count)
        assert len(DOUBLED.findall(entry.msgstr)) == count
    path.write_text(po.render(file), encoding="utf-8")


def _whitespace_findings(page: Path) -> list[str]:
    """Return the message of every doubled-space finding, as the checklist shows it."""
    tree = lxml_html.fromstring(page.read_bytes())
    out = []
    for item in tree.xpath("//li[code='[whitespace]']"):
        # The message is the text after the check's name and the language's colon, before the fix.
        out.append(re.sub(r"^[\s:\u00a0\u202f]+", "", item.xpath("text()")[-1]))
    return out


@pytest.mark.parametrize("lang", ["es", "fr", "ar"])
def test_a_count_takes_its_language_s_plural_form_in_the_checklist(tmp_path, lang):
    """Issue 21: one and two doubled spaces (in Arabic 1, 2, 3, 11 and 100) read right, in the language and in English."""
    root = make_project(tmp_path, SAMPLE)
    _double_spaces(root, lang, list(EXPECTED[lang]))
    out = tmp_path / "out"
    result = run_uapress(root, "checklist", SAMPLE_SLUG, "--lang", lang, "--out", str(out))
    assert result.returncode in (0, 1), result.stderr
    assert sorted(_whitespace_findings(out / "checklist.html")) == sorted(EXPECTED[lang].values())
    assert "(s)" not in (out / "checklist.html").read_text(encoding="utf-8")
    messages = [
        f["message"]
        for s in json.loads((out / "checklist.json").read_text(encoding="utf-8"))["segments"]
        for f in s["findings"]
        if f["check"] == "whitespace"
    ]
    assert sorted(messages) == sorted(ENGLISH[n] for n in EXPECTED[lang])


def test_arabic_has_six_forms_chosen_by_its_rule():
    """Issue 21: Arabic's zero, one, two, few, many and other forms, for 0, 1, 2, 3, 11 and 100."""
    labels = load_labels(REPO, "ar")
    said = [labels.counted("qa_sentences", n).replace("{want}", str(n)) for n in (0, 1, 2, 3, 11, 100, 102)]
    assert [s.split(" وفي الترجمة")[0].removeprefix("في النص الأصلي ") for s in said] == [
        "0 جملة",
        "جملة واحدة",
        "جملتان",
        "3 جمل",
        "11 جملة",
        "100 جملة",
        "102 جملة",
    ]
    assert labels.counted("qa_keep", 2).count("مرتين") == 1
    french, english = load_labels(REPO, "fr"), load_labels(REPO, "en")
    assert [french.counted("qa_whitespace_doubled", n).split()[1] for n in (0, 1, 2)] == ["espace", "espace", "espaces"]
    assert [english.counted("qa_whitespace_doubled", n).split()[2] for n in (0, 1, 2)] == ["spaces", "space", "spaces"]


def test_every_label_file_keeps_its_plural_forms(msgfmt_check, tmp_path):
    """Issue 21: the PO reader kept only msgstr[0]; every form survives reading and writing, and msgfmt accepts it."""
    for path in sorted((REPO / "source" / "labels").glob("*.po")):
        msgfmt_check(path)
        file = po.read(path)
        forms = int(re.search(r"nplurals=(\d+)", file.header["Plural-Forms"]).group(1))
        counted = [e for e in file.entries if e.msgid_plural]
        assert {e.context for e in counted} >= {"qa_sentences", "qa_keep", "qa_whitespace_doubled"}, path.name
        assert all(len(e.plurals) == forms and all(e.plurals) for e in counted), path.name
        again = tmp_path / path.name
        again.write_text(po.render(file), encoding="utf-8")
        msgfmt_check(again)
        assert [(e.msgid_plural, e.plurals) for e in po.read(again).entries if e.msgid_plural] == [
            (e.msgid_plural, e.plurals) for e in counted
        ]
