"""Translation QA measured on a generated corpus with one seeded error per variant (issue 12).

Every variant goes through the real pipeline: its PO file is written into a throwaway project,
localised and checked by `build_checklist`, as `uapress checklist` does. The report (recall and
precision per class and per language, and every miss) is written to the test's temporary folder
(`qa-report.md`, never into the work tree: issue 18) and printed (`pytest -s tests/test_qa_corpus.py`
shows it). Recall and precision must reach TARGET per language and per error class, and every class
must be seeded in every language.
"""

from __future__ import annotations

import shutil
from collections import defaultdict
from functools import cache
from pathlib import Path

import pytest

from qa_corpus import ACTIONS, LANGS, MUTATIONS, Variant, variants
from uapress.localise import localise, po
from uapress.model.checklist import build_checklist
from uapress.source import load_action

REPO = Path(__file__).resolve().parents[1]
TARGET = 0.95


def _project(tmp: Path, slug: str) -> Path:
    root = tmp / slug
    shutil.copytree(ACTIONS[slug], root / "source" / "actions" / slug)
    shutil.copytree(REPO / "source" / "labels", root / "source" / "labels")
    return root


def _checklist(root: Path, slug: str, lang: str, segment: str | None = None, text: str = ""):
    """Write the language's PO file with one segment's translation replaced, and build its checklist."""
    folder = root / "source" / "actions" / slug
    original = ACTIONS[slug] / "translations" / f"{lang}.po"
    file = po.read(original)
    if segment:
        (entry,) = [e for e in file.entries if not e.obsolete and e.notes == [f"id: {segment}"]]
        entry.msgstr = text
    (folder / "translations" / f"{lang}.po").write_text(po.render(file), encoding="utf-8")
    action, _ = load_action(folder / "action.yaml")
    loc = localise(action, lang, root)
    return loc, build_checklist(loc)


@cache
def _results(tmp: Path) -> tuple:
    """Run the checklist on every variant; return (variant, checklist, localisation) triples and the clean runs."""
    roots = {slug: _project(tmp, slug) for slug in ACTIONS}
    clean = {(slug, lang): _checklist(roots[slug], slug, lang)[1] for slug in ACTIONS for lang in LANGS}
    runs = []
    for variant in variants():
        loc, checklist = _checklist(
            roots[variant.action], variant.action, variant.lang, variant.segment, variant.translation
        )
        runs.append((variant, checklist, loc))
    return tuple(runs), clean


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    return _results(tmp_path_factory.mktemp("qa-corpus"))


def _blocking(checklist, segment_id: str) -> list:
    (segment,) = [s for s in checklist.segments if s.id == segment_id]
    return [f for f in segment.findings if f.blocking]


def _score(runs) -> dict:
    """Count, per (class, language): seeded, caught (a blocking finding of the right class), flagged, verdicts.

    A segment flagged (a blocking finding) is a true positive when it holds the seeded error, a false
    positive when it is clean: every other segment of the variant, and the changed segment of a
    `benign` variant (an edit translators make on purpose).
    """
    table: dict = defaultdict(lambda: {"seeded": 0, "caught": 0, "flagged": 0, "not_ready": 0, "false": 0})
    by_class_found: dict = defaultdict(lambda: [0, 0])  # finding class -> [on a seeded error, on clean text]
    misses, noise = [], []
    for variant, checklist, _ in runs:
        seeded = variant.error != "benign"
        found = _blocking(checklist, variant.segment)
        caught = any(f.check in variant.accepted() for f in found)
        others = sum(1 for s in checklist.segments if s.id != variant.segment and any(f.blocking for f in s.findings))
        for key in ((variant.error, variant.lang), (variant.error, "all"), ("all", variant.lang), ("all", "all")):
            row = table[key]
            row["seeded"] += 1
            row["benign"] = row.get("benign", 0) + (not seeded)
            row["flagged"] += bool(found) and seeded
            row["caught"] += caught and seeded
            row["not_ready"] += not checklist.ready and _qa_blocks(checklist)
            row["false"] += others + (bool(found) and not seeded)
        if seeded and not caught:
            misses.append(variant)
        if not seeded and found:
            noise.append((variant, found))
        for segment in checklist.segments:
            for finding in segment.findings:
                if finding.blocking:
                    by_class_found[finding.check][0 if seeded and segment.id == variant.segment else 1] += 1
    return {"table": table, "classes": by_class_found, "misses": misses, "noise": noise}


def _recall(row) -> float:
    seeded = row["seeded"] - row.get("benign", 0)
    return row["caught"] / seeded if seeded else 1.0


def _precision(row) -> float:
    # A segment flagged is a true positive when it is the seeded one, a false positive otherwise.
    return row["flagged"] / (row["flagged"] + row["false"]) if row["flagged"] + row["false"] else 1.0


def _report(score, clean) -> str:
    table = score["table"]
    lines = [
        "# Translation QA on the seeded corpus (issue 12)",
        "",
        f"{table['all', 'all']['seeded']} variants, one seeded error each, from the sample action and the "
        "qa-links fixture (es, fr, ar); `benign` variants hold an edit translators make on purpose (a "
        "localised or kept address, another number notation, a sentence split in two, Arabic-Indic digits, "
        "a prefix glued to a name) and no error. Recall: the seeded segment gets a blocking finding (error, "
        "or warning to confirm) of the right class. Precision: flagged segments that hold an error, among "
        "all flagged segments (clean and benign ones included). Not ready: the checklist's verdict names "
        "a QA reason.",
        "",
        "| class | lang | variants | caught | recall | precision | not ready |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for error in list(MUTATIONS) + ["all"]:
        for lang in list(LANGS) + ["all"]:
            row = table.get((error, lang))
            if not row:
                continue
            lines.append(
                f"| {error} | {lang} | {row['seeded']} | {row['caught']} | {_recall(row):.1%} | "
                f"{_precision(row):.1%} | {row['not_ready']} |"
            )
    lines += [
        "",
        "Blocking findings by class: on the seeded segment / on a clean one (false alarms):",
        "",
        "| finding class | on seeded | false alarms | precision |",
        "|---|---:|---:|---:|",
    ]
    for check, (right, wrong) in sorted(score["classes"].items()):
        lines.append(f"| {check} | {right} | {wrong} | {right / (right + wrong):.1%} |")
    findings_on_clean = sum(len(s.findings) for c in clean.values() for s in c.segments)
    lines += ["", f"Findings on the clean translations (every severity): {findings_on_clean}", "", "Misses:", ""]
    lines += [f"- {v.error} / {v.lang} / {v.action} {v.segment}: {v.how}" for v in score["misses"]] or ["- none"]
    lines += ["", "Benign edits flagged (false positives):", ""]
    lines += [
        f"- {v.lang} / {v.action} {v.segment}: {v.how}: " + "; ".join(f"{f.check}: {f.message}" for f in found)
        for v, found in score["noise"]
    ] or ["- none"]
    return "\n".join(lines) + "\n"


def test_clean_translations_have_no_findings(results):
    _, clean = results
    found = [
        (key, s.id, f.check, f.message)
        for key, c in clean.items()
        for s in c.segments
        for f in s.findings
        if not f.confirmed
    ]
    assert found == []
    # The one confirmed finding: the seed's ICC quotation, left open in the English source and closed in the
    # Spanish translation (issue 19); the translation is right, so the sample's es.po confirms it.
    confirmed = [(key, f.check) for key, c in clean.items() for s in c.segments for f in s.findings if f.confirmed]
    assert confirmed == [(("venezuela-hrd-release", "es"), "paired")]
    # The sample's own editorial blockers (placeholder links, no reference, past deadline) still hold it back:
    # what matters here is that QA holds back neither clean translation.
    assert not _qa_blocks(clean["venezuela-hrd-release", "es"]) and not _qa_blocks(
        clean["chile-journalist-threatened", "ar"]
    )
    assert clean["chile-journalist-threatened", "ar"].ready, clean["chile-journalist-threatened", "ar"].reasons


def _qa_blocks(checklist) -> bool:
    """Tell whether the verdict names a QA error or an unconfirmed QA warning among its reasons."""
    return any(reason.code in ("qa_errors", "qa_warnings") for reason in checklist.reasons)


def test_recall_and_precision_per_language_and_per_class(results, tmp_path):
    runs, clean = results
    score = _score(runs)
    text = _report(score, clean)
    report = tmp_path / "qa-report.md"  # issue 18: it was written into the work tree (tests/_output/)
    report.write_text(text, encoding="utf-8")
    print(f"\n{text}\n(written to {report})")
    table = score["table"]
    assert table["all", "all"]["seeded"] >= 250
    for lang in LANGS:
        row = table["all", lang]
        assert _recall(row) >= TARGET, f"{lang}: recall {_recall(row):.1%}"
        assert _precision(row) >= TARGET, f"{lang}: precision {_precision(row):.1%}"
    for error in MUTATIONS:
        assert table[error, "all"]["seeded"] >= 15, f"too few variants of {error}"
        # Issue 18: the report promises recall per class; a class the checks stopped catching hid in the
        # per-language figures, and one no longer seeded in a language went unnoticed.
        for lang in LANGS:
            assert table.get((error, lang), {}).get("seeded", 0) >= 1, f"{error} is no longer seeded in {lang}"
        if error == "benign":
            continue  # no error to catch: its flags are false positives, counted in every precision above
        row = table[error, "all"]
        assert _recall(row) >= TARGET, f"{error}: recall {_recall(row):.1%}"
        assert _precision(row) >= TARGET, f"{error}: precision {_precision(row):.1%}"
    assert score["noise"] == []


def test_every_seeded_error_makes_the_language_not_ready(results):
    runs, _ = results
    ready = [
        (v.error, v.lang, v.how)
        for v, checklist, _ in runs
        if v.error != "benign" and (checklist.ready or not _qa_blocks(checklist))
    ]
    # The corpus holds a few misses (see the report); the verdict follows the findings exactly.
    missed = {(v.error, v.lang, v.how) for v in _score(runs)["misses"]}
    assert set(ready) <= missed


def test_broken_markdown_falls_back_to_the_source_in_the_edition(results):
    """A translation whose Markdown does not match the source's is never published (issue 12)."""
    from uapress.model.document import build_document
    from uapress.writers import WRITERS, files_for
    from uapress.writers.brand import load_brand

    runs, _ = results
    brand = load_brand(REPO)
    markdown = [(v, loc) for v, _, loc in runs if v.error == "markdown"]
    assert len(markdown) >= 30
    html = WRITERS["html"].load()
    for variant, loc in markdown:
        (segment,) = [s for s in loc.segments if s.id == variant.segment]
        assert segment.status == "invalid" and segment.text == segment.source, variant.how
    for variant, loc in markdown[::8]:
        page = html(build_document(loc, files_for(variant.action, variant.lang)), brand).decode("utf-8")
        assert "**" not in page, variant.how


def test_seeded_variant_is_reproducible():
    first, second = variants(), variants()
    assert first == second and isinstance(first[0], Variant)
