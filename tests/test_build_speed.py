"""The build's costs around WeasyPrint's layout (issue 24): C types not parsed per font subset, editions localised
as they are rendered. No timings here: `make bench` measures them; these tests pin the causes."""

from __future__ import annotations

import gc
import html
import json
import json.encoder
import subprocess
import sys
from pathlib import Path

import pycparser.c_parser
import pytest
import yaml

from projects import REPO, REPOSITORY, SAMPLE, SAMPLE_SLUG, make_project
from uapress.build import run as run_module
from uapress.build import site as site_module
from uapress.build.cache import Cache
from uapress.build.run import build
from uapress.build.workers import AHEAD
from uapress.core.errors import Diagnostic, SourceError
from uapress.source.markdown import plain
from uapress.source.schema import Action
from uapress.source.yamlpos import YamlProblem, _load, load_with_positions
from uapress.writers.brand import _parse_yaml, load_brand, read_yaml


def test_font_subsets_parse_no_c_declarations(tmp_path, monkeypatch, pdftotext):
    """Issue 24: each font subset asked cffi for `hb_codepoint_t[N]`, a C declaration pycparser parsed anew for every
    new N (~20 ms each, some 17 per edition); they are made from the item type now."""
    root = make_project(tmp_path, SAMPLE)
    parsed: list[str] = []
    parse = pycparser.c_parser.CParser.parse

    def counted(self, text, *args, **kwargs):
        parsed.append(text.rsplit("__dummy(", 1)[-1])
        return parse(self, text, *args, **kwargs)

    monkeypatch.setattr(pycparser.c_parser.CParser, "parse", counted)
    report = build(root, [SAMPLE_SLUG], langs=["en", "fr"], formats=["pdf"], jobs=1, force=True)
    assert not any(e.failed for e in report.editions)
    sized = [text for text in parsed if "[" in text and "[]" not in text]
    assert sized == [], f"sized array types parsed: {sized}"
    # The PDFs are whole: their fonts were subset with those arrays.
    for lang in ("en", "fr"):
        text = pdftotext(root / "build" / SAMPLE_SLUG / lang / f"{SAMPLE_SLUG}.{lang}.pdf")
        assert "Venezuela" in text


@pytest.mark.parametrize("jobs", [1, 2])
def test_editions_are_localised_as_they_are_rendered(tmp_path, monkeypatch, jobs):
    """Issue 24: every edition was localised before the first was rendered, and all the localisations were held
    at once (an archive's memory grew ~0.4 MiB per action); now each is localised a few editions ahead of its
    worker and dropped once sent."""
    root = make_project(tmp_path, REPOSITORY)
    events: list[str] = []
    localise = run_module.inspect_edition

    def logged(job, *args, **kwargs):
        events.append(f"localised {job.name}")
        return localise(job, *args, **kwargs)

    monkeypatch.setattr(run_module, "inspect_edition", logged)
    report = build(
        root, None, formats=["html"], jobs=jobs, force=True, progress=lambda n, total, what: events.append(what)
    )
    built = [e.job.name for e in report.editions if not e.failed and not e.unchanged]
    assert len(built) == 8, events
    first = next(i for i, event in enumerate(events) if event.endswith(" built"))
    localised_first = [event for event in events[:first] if event.startswith("localised")]
    # One worker in this process renders each edition as soon as it is localised; two take AHEAD each at most.
    assert len(localised_first) == (1 if jobs == 1 else AHEAD * 2), events
    for name in built:
        slug, lang = name.split("/")
        page = (root / "build" / slug / lang / f"{slug}.{lang}.html").read_text(encoding="utf-8")
        assert f'lang="{lang}"' in page and "Venezuela" in page


def _sources() -> list[Path]:
    return sorted((REPO / "tests" / "fixtures").rglob("*.yaml")) + sorted((REPO / "source").rglob("action.yaml"))


def test_sources_are_parsed_by_libyaml(monkeypatch):
    """Issue 24: PyYAML's pure-Python scanner read every source (~3 % of a build's CPU); libyaml's reads them now."""
    scanned: list[int] = []
    scan = yaml.scanner.Scanner.check_token

    def counted(self, *choices):
        scanned.append(1)
        return scan(self, *choices)

    monkeypatch.setattr(yaml.scanner.Scanner, "check_token", counted)
    action, positions = load_with_positions(
        (REPO / "source" / "actions" / SAMPLE_SLUG / "action.yaml").read_text(encoding="utf-8"), Path("action.yaml")
    )
    assert isinstance(action, dict) and action["schema"] == 1
    assert positions.of(("schema",)) == (6, 9)
    assert scanned == []


@pytest.mark.parametrize("source", _sources(), ids=lambda path: str(path.relative_to(REPO)))
def test_libyaml_gives_the_same_values_positions_and_errors(source):
    """Issue 24: libyaml's parser gives the values and positions PyYAML's gave; a source it refuses gets PyYAML's
    error, as before."""
    text = source.read_text(encoding="utf-8", errors="replace")

    def outcome(parser):
        try:
            value, positions = _load(text, source, parser)
            return value, positions.values, positions.keys, positions.block
        except YamlProblem as exc:
            return exc.diagnostic

    slow = outcome(yaml.SafeLoader)
    fast = outcome(yaml.CSafeLoader)
    assert fast == slow or isinstance(slow, Diagnostic)
    try:
        public = load_with_positions(text, source)
        public_outcome = public[0], public[1].values, public[1].keys, public[1].block
    except YamlProblem as exc:
        public_outcome = exc.diagnostic
    assert public_outcome == slow


def calls_per_process(root: Path, module: str, owner: str, method: str, logged: str, build_args: str) -> dict:
    """Build in a subprocess with `module.owner.method` logging `logged` (an expression of its first argument,
    `arg`) per process; return the lines logged by pid, and the build's own pid under "parent"."""
    logs = root.parent / f"{method}-calls"
    logs.mkdir()
    script = f"""
import os, pathlib, {module}
original = {module}.{owner}.{method}
def logged(self, arg, *args, **kwargs):
    with open(pathlib.Path({str(logs)!r}) / str(os.getpid()), "a") as log:
        log.write({logged} + "\\n")
    return original(self, arg, *args, **kwargs)
{module}.{owner}.{method} = logged
from uapress.build.run import build
report = build(pathlib.Path("."), None, {build_args})
assert not any(e.failed for e in report.editions)
print(os.getpid())
"""
    result = subprocess.run([sys.executable, "-c", script], cwd=root, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    calls: dict = {log.name: log.read_text().split("\n")[:-1] for log in logs.iterdir()}
    calls["parent"] = calls.pop(result.stdout.split()[-1], [])
    return calls


def test_workers_share_weasyprint_imported_before_they_fork(tmp_path, pdftotext):
    """Issue 24: each worker imported WeasyPrint and parsed its C types again; one process, which forks the workers,
    now does both once, while the build localises its editions: a worker parses no C declaration, and the build's
    own process imports no WeasyPrint at all."""
    root = make_project(tmp_path, SAMPLE)
    parsed = calls_per_process(
        root,
        "pycparser.c_parser",
        "CParser",
        "parse",
        'arg.rsplit("__dummy(", 1)[-1].strip().removesuffix(");").strip()',
        'formats=["pdf"], jobs=2, force=True',
    )
    assert parsed["parent"] == []
    parsing = {pid: lines for pid, lines in parsed.items() if pid != "parent" and lines}
    # One process parsed them all (the workers' own parent): with a worker parsing again there would be two.
    assert len(parsing) == 1, parsing
    assert any("PangoFcFontMap" in line for line in next(iter(parsing.values())))
    for lang in ("en", "es", "fr", "ar"):
        text = pdftotext(root / "build" / SAMPLE_SLUG / lang / f"{SAMPLE_SLUG}.{lang}.pdf")
        assert len(text.split()) > 300


def test_templates_are_compiled_once_before_the_workers_fork(tmp_path, pdftotext):
    """Issue 24: each worker compiled the Jinja templates of `styles/` again at its first edition (~0.1 s of CPU
    each); the process that forks the workers compiles those its writers render, once, and the workers none. The
    build's own process compiles only the index's, which it writes."""
    root = make_project(tmp_path, SAMPLE)
    compiled = calls_per_process(
        root, "jinja2.environment", "Environment", "from_string", "repr(arg[:80])", "jobs=2, force=True"
    )
    index = compiled.pop("parent")
    assert len(index) == 1 and "publication index" in index[0], index
    compiling = {pid: sources for pid, sources in compiled.items() if sources}
    assert len(compiling) == 1, compiling  # a worker compiling again would make two
    # The edition page, its stylesheets, the letter sheets', the checklist's, the e-mail part: once each.
    shared = next(iter(compiling.values()))
    assert len(shared) >= 7 and len(set(shared)) == len(shared), shared
    edition = root / "build" / SAMPLE_SLUG
    for lang in ("en", "es", "fr", "ar"):
        assert len(pdftotext(edition / lang / f"{SAMPLE_SLUG}.{lang}.pdf").split()) > 300
        page = (edition / lang / f"{SAMPLE_SLUG}.{lang}.html").read_text(encoding="utf-8")
        assert f'lang="{lang}"' in page and "@font-face" in page
        assert "Venezuela" in (edition / lang / "checklist.html").read_text(encoding="utf-8")
    assert "Venezuela" in pdftotext(edition / "en" / "letters" / f"{SAMPLE_SLUG}.en.letters.pdf")


def test_workers_share_the_logo_and_the_languages_data_read_before_they_fork(tmp_path):
    """Issue 24: each worker rasterised the brand's logo for its first DOCX and loaded CLDR's data of its languages
    (~0.1 s of CPU a worker); the process the workers are forked from does both once."""
    root = make_project(tmp_path, SAMPLE)
    rasterised = calls_per_process(root, "pypdfium2", "PdfDocument", "__init__", "'logo'", "jobs=2, force=True")
    assert rasterised.pop("parent") == []
    assert [lines for lines in rasterised.values() if lines] == [["logo"]], rasterised
    second = make_project(tmp_path / "second", SAMPLE)
    loaded = calls_per_process(
        second,
        "babel.localedata",
        "LocaleDataDict",
        "__init__",
        "'locale' if 'date_formats' in arg else ''",  # a locale's whole data, not one of its parts
        'formats=["docx"], jobs=2, force=True',
    )
    loaded.pop("parent")
    # The build's own process localises, so it reads them too; of the others, only the workers' parent does.
    reading = {pid: lines.count("locale") for pid, lines in loaded.items() if "locale" in lines}
    assert len(reading) == 1, reading
    edition = root / "build" / SAMPLE_SLUG
    for lang in ("en", "es", "fr", "ar"):
        assert (edition / lang / f"{SAMPLE_SLUG}.{lang}.docx").stat().st_size > 100_000


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_built_edition_keeps_no_source_bytes(tmp_path, jobs):
    """Issue 24: every job kept the bytes of the files it was read from (its action.yaml, its PO files) until the
    build ended, most of the main process's growth over an archive; an edition hashed, rendered and recorded now
    keeps only the names of those files. A second, unchanged build also lets them go."""
    root = make_project(tmp_path, REPOSITORY)
    for force in (True, False):
        report = build(root, None, formats=["html"], jobs=jobs, force=force)
        assert len(report.editions) >= 8 and not any(e.failed for e in report.editions)
        assert all(e.unchanged for e in report.editions) is not force
        for edition in report.editions:
            files = edition.job.inputs.files
            assert root / "source" / "actions" / edition.job.action.slug / "action.yaml" in files
            held = {path.name: len(data) for path, data in files.items() if data is not None}
            assert held == {}, f"{edition.job.name} still holds {held}"
    # The editions are whole: their text comes from those bytes.
    page = (root / "build" / SAMPLE_SLUG / "es" / f"{SAMPLE_SLUG}.es.html").read_text(encoding="utf-8")
    assert "Venezuela" in page and 'lang="es"' in page


def test_styles_are_parsed_by_libyaml(monkeypatch):
    """Issue 24: PyYAML's pure-Python scanner read brand.yaml, docx.yaml and letters-docx.yaml (~0.16 s of a build's
    CPU); libyaml's reads them now, with the same values."""
    scanned: list[int] = []
    scan = yaml.scanner.Scanner.check_token

    def counted(self, *choices):
        scanned.append(1)
        return scan(self, *choices)

    styles = sorted((REPO / "styles").glob("*.yaml"))
    assert {path.name for path in styles} >= {"brand.yaml", "docx.yaml", "letters-docx.yaml"}
    expected = {path.name: yaml.safe_load(path.read_text(encoding="utf-8")) for path in styles}
    _parse_yaml.cache_clear()
    monkeypatch.setattr(yaml.scanner.Scanner, "check_token", counted)
    brand = load_brand(REPO)
    assert brand.family("body") and brand.sizes["body"] == expected["brand.yaml"]["sizes"]["body"]
    assert {path.name: brand.data(path.name) for path in styles} == expected
    assert scanned == []


@pytest.mark.parametrize(
    "broken",
    ["sizes:\n  body: 10.5\n  title: [1, 2\n", "name: &a Brand\nlogo_alt: *a\n", "colours:\n  primary: '#123456\n"],
    ids=["unclosed bracket", "alias", "unclosed quote"],
)
def test_a_broken_style_file_gets_pyyaml_error_and_line(tmp_path, monkeypatch, broken):
    """Issue 24: a style file libyaml refuses is read again by PyYAML's parser, so its error names the same line and
    words it as before."""
    path = tmp_path / "styles" / "docx.yaml"
    path.parent.mkdir()
    path.write_text(broken, encoding="utf-8")

    def error() -> Diagnostic:
        _parse_yaml.cache_clear()
        with pytest.raises(SourceError) as caught:
            read_yaml(path)
        return caught.value.diagnostics[0]

    fast = error()
    monkeypatch.delattr(yaml, "CSafeLoader")
    slow = error()
    assert fast == slow
    assert fast.file == path and (fast.line or "cannot read" in fast.message)


def _pdf_in_a_new_process(tmp_path: Path, lang: str, before_writing: str = "") -> dict:
    """Write the sample's PDF edition in a fresh process, `before_writing` run once WeasyPrint is imported; return
    whether fontTools' subsetter and instancer were imported before and after writing, and the PDF's path."""
    path = tmp_path / f"{lang}.pdf"
    script = f"""
import json, sys
sys.path.insert(0, {str(REPO / "tests")!r})
from helpers import sample_brand, sample_document
from uapress.writers import pdf
from uapress.writers.weasy import import_weasyprint
weasyprint = import_weasyprint()
loaded = lambda: {{name: name in sys.modules for name in ("fontTools.subset", "fontTools.varLib.instancer")}}
imported = loaded()
{before_writing}
open({str(path)!r}, "wb").write(pdf.write(sample_document({lang!r}), sample_brand()))
print(json.dumps({{"imported": imported, "written": loaded()}}))
"""
    result = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return {**json.loads(result.stdout.splitlines()[-1]), "path": path}


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_weasyprint_is_imported_without_fonttools_subsetter(tmp_path, pdftotext, lang):
    """Issue 24: importing WeasyPrint imported fontTools' subsetter and variable-font instancer (~0.1 s of CPU before
    the workers fork), which a PDF of static fonts subset by HarfBuzz never calls: they are imported on first call."""
    found = _pdf_in_a_new_process(tmp_path, lang)
    assert found["imported"] == {"fontTools.subset": False, "fontTools.varLib.instancer": False}
    assert found["written"] == found["imported"]
    assert "Venezuela" in pdftotext(found["path"]) or lang == "ar"
    assert len(pdftotext(found["path"]).split()) > 300


def test_without_harfbuzz_subsetter_fonttools_subsets_the_fonts(tmp_path, pdftotext):
    """Issue 24: where HarfBuzz's subsetter is missing, WeasyPrint's call to fontTools' subsetter imports it then and
    subsets the fonts as before; nothing WeasyPrint may call is left out."""
    found = _pdf_in_a_new_process(
        tmp_path, "en", "import weasyprint.pdf.fonts as fonts\nfonts.harfbuzz_subset = None  # as on such a system"
    )
    assert found["written"]["fontTools.subset"]
    assert "Venezuela" in pdftotext(found["path"])
    # Subset: the PDF holds some of each face, not the faces' whole files (some 550 kB each).
    assert found["path"].stat().st_size < 400_000


def test_a_variable_font_is_instantiated_by_fonttools_on_first_call(tmp_path):
    """Issue 24: the instancer WeasyPrint calls for a variable font is the real one, imported when called."""
    script = f"""
import sys
from uapress.writers.weasy import import_weasyprint
import_weasyprint()
import weasyprint.pdf.fonts as fonts
from fontTools.ttLib import TTFont
assert "fontTools.varLib.instancer" not in sys.modules
try:
    fonts.instantiateVariableFont(TTFont({str(REPO / "styles" / "fonts" / "NotoSans-Regular.ttf")!r}), {{"wght": 700}})
except Exception as exc:  # a static font: the real instancer's own refusal
    print(exc)
print("fontTools.varLib.instancer" in sys.modules)
"""
    result = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    refusal, imported = result.stdout.splitlines()[-2:]
    assert "Missing required table fvar" in refusal and imported == "True"


def test_each_font_file_is_read_once_per_process(tmp_path, monkeypatch):
    """Issue 24: the HTML and DOCX writers read and hashed a brand font file (~0.5 MB) for every subset they cut and
    every face they asked about, 173 reads in a sample build; each file is read once while it stays the same, and
    read again once it changes (`serve`)."""
    from uapress.writers import fonts

    root = make_project(tmp_path, SAMPLE)
    reads: list[str] = []
    read = fonts.read_project_file

    def counted(path, *args, **kwargs):
        reads.append(Path(path).name)
        return read(path, *args, **kwargs)

    monkeypatch.setattr(fonts, "read_project_file", counted)
    monkeypatch.setattr(fonts, "_READ", {}, raising=False)  # what this process read before: not counted
    report = build(root, [SAMPLE_SLUG], formats=["html", "docx"], jobs=1, force=True)
    assert len(report.editions) == 4 and not any(e.failed for e in report.editions)
    assert reads and len(reads) == len(set(reads)), sorted(reads)
    page = (root / "build" / SAMPLE_SLUG / "fr" / f"{SAMPLE_SLUG}.fr.html").read_text(encoding="utf-8")
    assert "@font-face" in page and "Venezuela" in page
    # A font file replaced (another face under the regular face's name) is read and cut afresh.
    regular = fonts.Face("body", "Noto Sans", "regular", root / "styles" / "fonts" / "NotoSans-Regular.ttf")
    chars = fonts.characters("Venezuela")
    before = fonts.subset(regular, chars)
    regular.path.write_bytes((root / "styles" / "fonts" / "NotoSans-Bold.ttf").read_bytes())
    reads.clear()
    assert fonts.subset(regular, chars) != before and reads == ["NotoSans-Regular.ttf"]


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_built_action_is_not_held_to_the_end(tmp_path, monkeypatch, jobs):
    """Issue 24: every loaded action (its texts, ~40 kB, and the UTF-8 copies pickling them for the workers leaves
    in each string) stayed alive until the build ended: the plan's jobs, the report's and the index's sources held
    it, the main process's growth over an archive. Once its editions are written only what the closing lines and
    the index show of it is kept; the index and the closing lines say the same."""
    root = make_project(tmp_path, REPOSITORY)
    alive: list[list[str]] = []
    write_index = site_module.write_index

    def counting(*args, **kwargs):  # the moment every edition is written and the index is about to be
        gc.collect()
        alive.append([o.slug for o in gc.get_objects() if isinstance(o, Action) and o.path.is_relative_to(root)])
        return write_index(*args, **kwargs)

    monkeypatch.setattr(site_module, "write_index", counting)
    report = build(root, None, formats=["html"], jobs=jobs, force=True)
    assert len(report.editions) >= 8 and not any(e.failed for e in report.editions)
    assert alive == [[]], f"actions still held when the index is written: {alive}"
    gc.collect()
    assert not any(isinstance(o, Action) and o.path.is_relative_to(root) for o in gc.get_objects())
    # What the closing lines read of each edition is still there.
    assert {(e.job.action.slug, e.job.lang, e.job.action.language) for e in report.editions} >= {
        (SAMPLE_SLUG, "es", "en"),
        (SAMPLE_SLUG, "fr", "en"),
    }
    # The index still shows each action from what it kept: its title, its editions, its follow-up.
    index = html.unescape((root / "build" / "index.html").read_text(encoding="utf-8"))
    source = yaml.safe_load((root / "source" / "actions" / SAMPLE_SLUG / "action.yaml").read_text(encoding="utf-8"))
    assert plain(source["title"]) in index and f'href="{SAMPLE_SLUG}/es/{SAMPLE_SLUG}.es.html"' in index
    assert f'href="{SAMPLE_SLUG}-fi1/fr/{SAMPLE_SLUG}-fi1.fr.html"' in index


def test_the_cache_is_written_in_one_pass(tmp_path, monkeypatch):
    """Issue 24: the cache was written indented, which Python's json writes with its pure-Python encoder: a list
    of small strings for every entry of every edition, joined at the end (at 200 actions, HTML only, 7.2 MiB
    at its peak instead of 4.3, and 4 times the CPU), paid twice at the end of a build while the workers still
    hold their memory. It is written by the C encoder now, and reads back the same."""

    def pure_python(*args, **kwargs):
        raise AssertionError("the cache was written with json's pure-Python encoder")

    save = Cache.save

    def watched(self):  # the writers' own JSON (the checklist, the proof map) is theirs
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(json.encoder, "_make_iterencode", pure_python)
            return save(self)

    monkeypatch.setattr(Cache, "save", watched)
    root = make_project(tmp_path, REPOSITORY)
    report = build(root, None, formats=["html"], jobs=1, force=True)
    assert len(report.editions) >= 8 and not any(e.failed for e in report.editions)
    cache = json.loads((root / "build" / ".uapress-cache.json").read_text(encoding="utf-8"))
    assert f"{SAMPLE_SLUG}/es/{SAMPLE_SLUG}.es.html" in cache["editions"][f"{SAMPLE_SLUG}/es"]["files"]
    # The next build finds it and rebuilds nothing.
    again = build(root, None, formats=["html"], jobs=1)
    assert all(e.unchanged for e in again.editions) and len(again.editions) == len(report.editions)
