"""The translation checklist (model, JSON writer, HTML writer, `uapress checklist`) of the sample action."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from uapress.brand import load_brand
from uapress.localise import localise
from uapress.localise.segments import action_segments
from uapress.model.document import build_document
from uapress.source import load_action
from uapress.writers import checklist_html, checklist_json

REPO = Path(__file__).resolve().parents[1]
SLUG = "venezuela-hrd-release"
ACTION_YAML = REPO / "source" / "actions" / SLUG / "action.yaml"
MANUAL_IDS = ["salutation", "target", "names", "links", "appeal-language", "read-through"]
SEGMENT_KEYS = {"id", "field", "source", "translation", "status", "findings"}


@pytest.fixture(scope="module")
def action():
    loaded, _ = load_action(ACTION_YAML)
    return loaded


@pytest.fixture(scope="module")
def brand():
    return load_brand(REPO)


@pytest.fixture(scope="module")
def documents(action):
    """The sample's edition model in each language, by language."""
    return {lang: build_document(localise(action, lang, REPO)) for lang in ("en", "es", "fr", "ar")}


def uapress(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).with_name("uapress")
    command = [str(exe)] if exe.exists() else [sys.executable, "-m", "uapress.cli"]
    return subprocess.run(command + list(args), cwd=cwd, capture_output=True, text=True, encoding="utf-8",
                          env={**os.environ, "NO_COLOR": "1"}, timeout=300, stdin=subprocess.DEVNULL)


class _Page(HTMLParser):
    """Collect the URL attributes, table rows and text of an HTML page."""

    def __init__(self):
        super().__init__()
        self.urls: list[tuple[str, str, str]] = []
        self.rows: list[str | None] = []
        self.in_tbody = False
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in ("src", "href", "srcset", "action", "poster", "data"):
            if attrs.get(name):
                self.urls.append((tag, name, attrs[name]))
        if tag == "tbody":
            self.in_tbody = True
        if tag == "tr" and self.in_tbody:
            self.rows.append(attrs.get("id"))

    def handle_endtag(self, tag):
        if tag == "tbody":
            self.in_tbody = False

    def handle_data(self, data):
        self.text.append(data)


def parse_html(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


# --- the model ---------------------------------------------------------------


def test_french_checklist_misses_exactly_the_background(action, documents):
    checklist = documents["fr"].checklist
    background = [s.id for s in action_segments(action) if s.field == "background"]
    assert len(background) == 7
    assert [s.id for s in checklist.segments if s.status == "missing"] == background
    assert {s.status for s in checklist.segments if s.id not in background} == {"translated"}
    assert checklist.counts == {"translated": 12, "fuzzy": 0, "missing": 7, "invalid": 0}
    assert checklist.ready is False
    assert any("7" in reason and "not translated" in reason for reason in checklist.reasons), checklist.reasons
    assert len(checklist.reasons) == 1, checklist.reasons
    assert checklist.missing_labels == ()
    assert [s.translation for s in checklist.segments if s.status == "missing"] == [""] * 7


@pytest.mark.parametrize("lang", ["es", "ar"])
def test_spanish_and_arabic_are_ready(documents, lang):
    checklist = documents[lang].checklist
    assert checklist.ready is True, checklist.reasons
    assert checklist.reasons == ()
    assert checklist.counts["translated"] == len(checklist.segments) == 19
    assert checklist.readiness == 1.0
    errors = [(s.id, f.message) for s in checklist.segments for f in s.findings if f.severity == "error"]
    assert errors == []


def test_source_checklist_has_nothing_to_translate(documents):
    checklist = documents["en"].checklist
    assert {s.status for s in checklist.segments} == {"source"}
    assert checklist.ready is True


def test_checklist_segments_follow_the_document(action, documents):
    for lang, document in documents.items():
        assert [s.id for s in document.checklist.segments] == [s.id for s in action_segments(action)], lang


# --- the JSON writer ---------------------------------------------------------


@pytest.fixture(scope="module")
def fr_json(documents, brand):
    return json.loads(checklist_json.write(documents["fr"], brand).decode("utf-8"))


def test_json_lists_every_segment(action, fr_json, documents):
    segments = fr_json["segments"]
    assert [s["id"] for s in segments] == [s.id for s in action_segments(action)]
    for entry, source in zip(segments, action_segments(action)):
        assert SEGMENT_KEYS <= set(entry), entry.keys()
        assert entry["field"] == source.field
        assert entry["source"] == source.source
        assert isinstance(entry["findings"], list)
        for finding in entry["findings"]:
            assert set(finding) == {"check", "severity", "message"}
    title = next(s for s in segments if s["field"] == "title")
    assert title["status"] == "translated" and title["translation"] and title["translation"] != title["source"]
    assert fr_json["counts"]["missing"] == 7
    assert fr_json["ready"] is False and fr_json["language"] == "fr" and fr_json["action"] == SLUG


def test_json_facts_are_localised(fr_json, documents):
    labels = documents["fr"].meta.labels
    facts = {fact["label"]: fact["value"] for fact in fr_json["facts"]}
    assert facts[labels["deadline"]] == "30 juin 2026"
    assert facts[labels["issued"]] == "19 janvier 2026"
    assert facts[labels["preferred_language"]] == "espagnol"


def test_json_manual_items(fr_json):
    assert [item["id"] for item in fr_json["manual"]] == MANUAL_IDS
    assert all(item["text"] and item["done"] is False for item in fr_json["manual"])
    texts = {item["id"]: item["text"].lower() for item in fr_json["manual"]}
    assert "salutation" in texts["salutation"]
    assert "name" in texts["target"] and "address" in texts["target"]
    assert "name" in texts["names"]
    assert "link" in texts["links"]
    assert "language" in texts["appeal-language"]
    assert "read-through" in texts["read-through"]


def test_json_is_deterministic(documents, brand):
    assert checklist_json.write(documents["fr"], brand) == checklist_json.write(documents["fr"], brand)


# --- the HTML writer ---------------------------------------------------------


@pytest.fixture(scope="module")
def fr_html(documents, brand):
    return checklist_html.write(documents["fr"], brand).decode("utf-8")


def test_html_is_self_contained(fr_html):
    page = parse_html(fr_html)
    remote = [url for url in page.urls if re.match(r"\s*(https?:)?//", url[2], re.I)]
    assert remote == []
    assert not re.search(r"url\(\s*['\"]?\s*(https?:)?//", fr_html, re.I)
    assert not re.search(r"@import", fr_html)
    images = [url for tag, name, url in page.urls if tag == "img"]
    assert images and all(url.startswith("data:") for url in images)


def test_html_lists_segments_and_verdict(action, fr_html):
    page = parse_html(fr_html)
    ids = [s.id for s in action_segments(action)]
    assert page.rows == ids
    text = " ".join(" ".join(page.text).split())
    assert "Not ready" in text and "7 segment(s) not translated" in text
    assert "30 juin 2026" in text
    for item in ("salutation", "read-through"):
        assert f'name="{item}"' in fr_html


def test_html_verdict_when_ready(documents, brand):
    text = " ".join(parse_html(checklist_html.write(documents["es"], brand).decode("utf-8")).text)
    assert "Ready to publish." in text and "Not ready" not in text


def test_html_loads_in_chromium(action, documents, brand, tmp_path, chromium_page):
    page = chromium_page
    path = tmp_path / "checklist.html"
    path.write_bytes(checklist_html.write(documents["fr"], brand))
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    rows = page.locator("table tbody tr")
    assert rows.count() == len(action_segments(action)) == 19
    assert page.locator("table tbody tr td.status-missing").count() == 7
    assert page.blocked_requests == []
    assert page.page_errors == []
    logo = page.locator("header img")
    assert logo.evaluate("img => img.complete && img.naturalWidth > 0"), "the inline logo did not load"


def test_arabic_html_sets_direction_on_translations(documents, brand):
    html = checklist_html.write(documents["ar"], brand).decode("utf-8")
    assert html.count('lang="ar" dir="rtl"') == 19


# --- `uapress checklist` for a language with no PO file ----------------------


def test_checklist_command_for_a_language_without_po(action, tmp_path):
    before = sorted(p.name for p in (ACTION_YAML.parent / "translations").iterdir())
    result = uapress(REPO, "checklist", SLUG, "--lang", "de", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["checklist.html", "checklist.json"]
    data = json.loads((tmp_path / "checklist.json").read_text(encoding="utf-8"))
    assert data["language"] == "de"
    assert [s["id"] for s in data["segments"]] == [s.id for s in action_segments(action)]
    assert {s["status"] for s in data["segments"]} == {"missing"}
    assert all(s["translation"] == "" for s in data["segments"])
    assert data["ready"] is False
    assert any("19" in reason and "not translated" in reason for reason in data["reasons"])
    assert {fact["value"] for fact in data["facts"]} >= {"30. Juni 2026", "Spanisch"}
    page = parse_html((tmp_path / "checklist.html").read_text(encoding="utf-8"))
    assert page.rows == [s.id for s in action_segments(action)]
    assert sorted(p.name for p in (ACTION_YAML.parent / "translations").iterdir()) == before, "no de.po is created"


def test_checklist_command_rejects_an_unknown_language(tmp_path):
    result = uapress(REPO, "checklist", SLUG, "--lang", "xx-notalang", "--out", str(tmp_path))
    assert result.returncode == 2, (result.returncode, result.stderr)
    assert not list(tmp_path.iterdir())
