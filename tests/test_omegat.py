"""The CAT-tool route, tested with a real OmegaT (issue 23): export a project, translate it headless, import it.

OmegaT 3.6 (Debian's `omegat`) runs in console mode (`--mode=console-translate`): it inserts the exact
matches of `tm/auto/` and writes `target/`. With the all-language memory it filled French with Spanish;
with sentence segmentation it emptied translations spanning sentences; it wrote `#, fuzzy` drafts back
empty; Markdown was plain text. Each test below reads what a translator would get back.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
from lxml import etree

from conftest import require
from projects import SAMPLE, SAMPLE_SLUG, make_project, run_uapress
from uapress.core.langid import identify
from uapress.localise import po

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
PROJECT = f"build/{SAMPLE_SLUG}/translate/{SAMPLE_SLUG}.fr.omegat"


def omegat(project: Path, home: Path, *options: str) -> subprocess.CompletedProcess[str]:
    """Run OmegaT headless on `project` with the project's own preferences (its custom tags)."""
    home.mkdir(exist_ok=True)
    return subprocess.run(
        [
            require("omegat"),
            str(project),
            "--mode=console-translate",
            f"--config-dir={project / 'omegat-config'}",
            "--disable-location-save",
            "--no-team",
            *options,
        ],
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        stdin=subprocess.DEVNULL,
        env={**os.environ, "HOME": str(home)},
        timeout=300,
    )


def entries(path: Path) -> dict[tuple[str, str], po.PoEntry]:
    return {(e.context, e.msgid): e for e in po.read(path, boundary=Path("/")).entries if not e.obsolete}


def tmx(units: list[tuple[str, dict[str, str]]]) -> str:
    body = "".join(
        "<tu>" + "".join(f'<tuv xml:lang="{lang}"><seg>{text}</seg></tuv>' for lang, text in langs.items()) + "</tu>"
        for _, langs in units
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header creationtool="agency" '
        'creationtoolversion="1" segtype="paragraph" o-tmf="x" adminlang="en" srclang="en" datatype="plaintext"/>'
        f"<body>{body}</body></tmx>\n"
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The sample, with a French draft (fuzzy) and an agency memory: one unit with French, one without."""
    require("omegat")
    root = make_project(tmp_path, SAMPLE)
    fr = root / "source" / "actions" / SAMPLE_SLUG / "translations" / "fr.po"
    file = po.read(fr)
    empty = [e for e in file.entries if not e.obsolete and not e.msgstr.strip() and e.context != ""]
    assert len(empty) >= 3, "the sample's French lacks the untranslated segments this test needs"
    draft, from_memory, spanish_only = empty[0], empty[1], empty[2]
    draft.msgstr, draft.fuzzy = "Brouillon de la traductrice : les autorités ont libéré les personnes détenues.", True
    fr.write_text(po.render(file), encoding="utf-8")
    es = entries(root / "source" / "actions" / SAMPLE_SLUG / "translations" / "es.po")
    assert es[(spanish_only.context, spanish_only.msgid)].msgstr, "the Spanish must translate the unit without French"
    memory = [
        ("french", {"en": from_memory.msgid, "fr": _french(from_memory.msgid)}),
        ("spanish only", {"en": spanish_only.msgid, "es": es[(spanish_only.context, spanish_only.msgid)].msgstr}),
    ]
    agency = tmp_path / "agency.tmx"
    agency.write_text(tmx([(k, {lang: _xml(t) for lang, t in v.items()}) for k, v in memory]), encoding="utf-8")
    done = run_uapress(root, "import", str(agency))
    assert done.returncode == 0, done.stderr
    (root / "keys.txt").write_text(
        "\n".join(f"{e.context}\x1f{e.msgid}" for e in (draft, from_memory, spanish_only)), encoding="utf-8"
    )
    return root


def _french(source: str) -> str:
    """Return a French translation of `source` that keeps its links and emphasis, as a translator would."""
    marks = re.findall(r"\[[^\]]*\]\([^)]*\)|\*\*[^*]+\*\*", source)
    return "Traduction de l'agence : le texte de la mémoire en français" + "".join(f", {m}" for m in marks) + "."


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;")


def _keys(root: Path) -> list[tuple[str, str]]:
    return [tuple(line.split("\x1f", 1)) for line in (root / "keys.txt").read_text(encoding="utf-8").split("\n")]  # type: ignore[misc]


def test_omegat_round_trip_keeps_french_french_and_every_translation(project: Path, tmp_path: Path) -> None:
    """Export, translate with OmegaT's console mode and the project's memory, import: only French lands in fr.po."""
    fr = project / "source" / "actions" / SAMPLE_SLUG / "translations" / "fr.po"
    before = entries(fr)
    draft, from_memory, spanish_only = _keys(project)
    exported = run_uapress(project, "export", SAMPLE_SLUG, "--lang", "fr", "--format", "omegat")
    assert exported.returncode == 0, exported.stderr
    folder = project / PROJECT
    ran = omegat(folder, tmp_path / "home", "--tag-validation=abort")
    assert ran.returncode == 0, ran.stdout[-2000:] + ran.stderr[-2000:]
    assert list((folder / "target").glob("*.po")), "OmegaT wrote no translated PO file"
    imported = run_uapress(project, "import", str(folder))
    assert imported.returncode == 0, imported.stdout + imported.stderr
    after = entries(fr)

    # Every translation there was survives, word for word (sentence segmentation emptied them).
    kept = [key for key, e in before.items() if e.msgstr.strip() and not e.fuzzy]
    assert len(kept) >= 10
    for key in kept:
        assert after[key].msgstr == before[key].msgstr, key
    # The reviewed memory's French exact match was inserted; the unit without French left the segment empty.
    assert after[from_memory].msgstr.startswith("Traduction de l'agence"), imported.stdout
    assert not after[spanish_only].msgstr.strip(), after[spanish_only].msgstr
    # No Spanish anywhere in fr.po.
    es = {e.msgstr for e in entries(fr.with_name("es.po")).values() if e.msgstr.strip()}
    for key, entry in after.items():
        if entry.msgstr.strip():
            assert entry.msgstr not in es, key
            assert identify(entry.msgstr, "fr", ("en", "es", "fr", "ar")) is None, entry.msgstr
    # The draft is still the translator's draft, fuzzy; and links and emphasis came back as they were.
    assert after[draft].fuzzy and after[draft].msgstr.startswith("Brouillon de la traductrice")
    for key, entry in after.items():
        if entry.msgstr.strip() and not entry.fuzzy:
            for mark in ("](", "**"):
                assert entry.msgstr.count(mark) == key[1].count(mark), (mark, entry.msgstr)


def test_omegat_project_offers_drafts_and_unreviewed_text_only_as_suggestions(project: Path) -> None:
    """Fuzzy drafts reach the translator in tm/ (suggestions), never in tm/auto/; every unit has the pair's languages."""
    draft, _, spanish_only = _keys(project)
    assert run_uapress(project, "export", SAMPLE_SLUG, "--lang", "fr", "--format", "omegat").returncode == 0
    folder = project / PROJECT

    def units(path: Path) -> dict[str, dict[str, str]]:
        tree = etree.parse(str(path))
        out = {}
        for tu in tree.iter("tu"):
            langs = {tuv.get(XML_LANG): "".join(tuv.find("seg").itertext()) for tuv in tu.iter("tuv")}
            out[langs["en"]] = langs
        return out

    (auto,) = (folder / "tm" / "auto").glob("*.tmx")
    (suggestions,) = (folder / "tm").glob("*.suggestions.tmx")
    exact, offered = units(auto), units(suggestions)
    assert offered[draft[1]]["fr"].startswith("Brouillon de la traductrice")
    assert draft[1] not in exact and spanish_only[1] not in exact
    for langs in [*exact.values(), *offered.values()]:
        assert set(langs) == {"en", "fr"}, langs
    assert len(exact) >= 10
    project_file = (folder / "omegat.project").read_text(encoding="utf-8")
    assert "<sentence_seg>false</sentence_seg>" in project_file
    glossary = (folder / "glossary" / f"{SAMPLE_SLUG}.fr.utf8").read_text(encoding="utf-8")
    assert "Rocío San Miguel\tRocío San Miguel\tdo not translate" in glossary


def test_omegat_checks_markdown_as_tags(project: Path, tmp_path: Path) -> None:
    """With the project's custom tags, a memory translation that drops a link's marks fails OmegaT's tag check."""
    assert run_uapress(project, "export", SAMPLE_SLUG, "--lang", "fr", "--format", "omegat").returncode == 0
    folder = project / PROJECT
    fr = entries(project / "source" / "actions" / SAMPLE_SLUG / "translations" / "fr.po")
    taken = {msgid for _, msgid in _keys(project)}  # the agency memory translates these already
    linked = next(m for (_, m), e in fr.items() if "](" in m and not e.msgstr.strip() and m not in taken)
    broken = "Texte sans ses liens : " + linked.replace("](#)", "").replace("[", "")
    (folder / "tm" / "auto" / "broken.tmx").write_text(
        tmx([("broken", {"en": _xml(linked), "fr": _xml(broken)})]), encoding="utf-8"
    )
    ran = omegat(folder, tmp_path / "home", "--tag-validation=abort")
    assert ran.returncode != 0 and "Tag validation failed" in ran.stdout, ran.stdout[-2000:]
    assert "](#)" in ran.stdout.split("Missing:", 1)[1].splitlines()[0]
