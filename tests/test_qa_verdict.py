"""The QA verdict (issue 12): errors and unconfirmed warnings keep a language from being ready,
`uapress translations confirm` records a person's check in the PO file, and `uapress checklist`
names each finding's class and fix."""

from __future__ import annotations

import json
import re
import subprocess

from projects import make_project, run_uapress

SLUG = "chile-journalist-threatened"


def _po(root, lang="es"):
    return root / "source" / "actions" / SLUG / "translations" / f"{lang}.po"


def _edit(root, old: str, new: str, lang="es") -> None:
    path = _po(root, lang)
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _checklist(root, lang="es") -> dict:
    result = run_uapress(root, "checklist", SLUG, "--lang", lang)
    assert result.returncode == 0, result.stderr
    return result, json.loads((root / "build" / SLUG / lang / "checklist.json").read_text(encoding="utf-8"))


def test_clean_fixture_is_ready(tmp_path):
    root = make_project(tmp_path, "qa-links")
    result, data = _checklist(root)
    assert data["ready"] is True and f"{SLUG} [es]: ready" in result.stdout
    assert all(s["findings"] == [] for s in data["segments"])


def test_warning_blocks_until_confirmed(tmp_path):
    root = make_project(tmp_path, "qa-links")
    _edit(
        root,
        "(https://www.example.org/es/news/2026/02/water-antofagasta/)",
        "(http://www.example.org/es/news/2026/02/water-antofagasta/)",
    )
    result, data = _checklist(root)
    findings = [f for s in data["segments"] for f in s["findings"]]
    assert [(f["check"], f["severity"], f["confirmed"]) for f in findings] == [("links", "warning", False)]
    finding = findings[0]
    assert data["ready"] is False and any("warning" in r for r in data["reasons"])
    # The terminal names the class, the fix and the command that confirms it.
    assert "warning [links] link address changed" in result.stdout and "https -> http" in result.stdout
    assert (
        "fix: write the source's address (https://www.example.org/en/news/2026/02/water-antofagasta/)" in result.stdout
    )
    assert f"uapress translations confirm {SLUG} --lang es {finding['id']}" in result.stdout
    html = (root / "build" / SLUG / "es" / "checklist.html").read_text(encoding="utf-8")
    # The page is in Spanish; the class, the fix (in English, marked so) and the finding's id are there.
    assert "[links]" in html and f'id="{finding["id"]}"' in html
    assert "Cómo corregirlo" in html and "write the source&#39;s address" in html.replace("&#x27;", "&#39;")

    confirmed = run_uapress(root, "translations", "confirm", SLUG, "--lang", "es", finding["id"])
    assert confirmed.returncode == 0, confirmed.stderr
    assert f"# qa-ok: {finding['id']}" in _po(root).read_text(encoding="utf-8")
    subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(_po(root))], check=True)
    result, data = _checklist(root)
    assert data["ready"] is True
    assert [f["confirmed"] for s in data["segments"] for f in s["findings"]] == [True]

    # Editing the translation again gives new findings: the old confirmation no longer covers them.
    _edit(root, "(http://www.example.org/es/news/", "(http://www.example.org/es/noticias/")
    _, data = _checklist(root)
    assert data["ready"] is False


def test_errors_and_unknown_ids_cannot_be_confirmed(tmp_path):
    root = make_project(tmp_path, "qa-links")
    _edit(root, "abogada en abogada.rios@example.net", "abogada en abogada.rio@example.net")
    _, data = _checklist(root)
    (finding,) = [f for s in data["segments"] for f in s["findings"]]
    assert finding["check"] == "emails" and finding["severity"] == "error"
    before = _po(root).read_bytes()
    refused = run_uapress(root, "translations", "confirm", SLUG, "--lang", "es", finding["id"])
    assert refused.returncode == 2 and "cannot be confirmed" in refused.stderr
    unknown = run_uapress(root, "translations", "confirm", SLUG, "--lang", "es", "links-00000000")
    assert unknown.returncode == 2 and "no QA finding links-00000000" in unknown.stderr
    assert _po(root).read_bytes() == before


def test_broken_markdown_is_shown_as_the_source_in_the_html_edition(tmp_path):
    # Issue 12: "**ponga en libertad…" was published literally.
    root = make_project(tmp_path, "qa-links")
    _edit(root, "*medidas de protección eficaces*", "**medidas de protección eficaces*")
    assert run_uapress(root, "build", SLUG, "--lang", "es", "--format", "html").returncode == 1
    html = (root / "build" / SLUG / "es" / f"{SLUG}.es.html").read_text(encoding="utf-8")
    text = re.sub(r"<[^>]+>", "", html)
    assert "**" not in text and "effective protection measures" in text
    _, data = _checklist(root)
    assert data["ready"] is False and data["counts"]["invalid"] == 1
