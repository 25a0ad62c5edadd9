"""Smoke tests: each real-client fixture in conftest.py works on trivial input."""

from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path

import pytest

import conftest


def test_require_skips_locally_and_fails_under_ci(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="setup-system.sh"):
        conftest.require("uapress-no-such-client")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="'uapress-no-such-client'.*setup-system.sh"):
        conftest.require("uapress-no-such-client")
    assert conftest.require("sh").endswith("/sh")


def test_url_guard():
    allowed = ["file:///tmp/a.html", "data:text/plain,hi", "http://127.0.0.1:8000/x.css"]
    blocked = [
        "https://127.0.0.1/",
        "http://127.0.0.1.nip.invalid/",
        "http://localhost/",
        "http://203.0.113.9/",
        "ftp://127.0.0.1/",
    ]
    assert all(conftest._allowed_url(u) for u in allowed)
    assert not any(conftest._allowed_url(u) for u in blocked)


def test_chromium_loads_file_and_blocks_network(chromium_page, tmp_path):
    page_file = tmp_path / "page.html"
    page_file.write_text(
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Smoke</title>'
        '<link rel="stylesheet" href="https://fonts.invalid/x.css"></head>'
        '<body><h1>Acción urgente</h1><a id="local" href="other.html">next</a>'
        '<img src="http://203.0.113.9/pixel.png" alt=""></body></html>',
        encoding="utf-8",
    )
    (tmp_path / "other.html").write_text("<p>other page</p>", encoding="utf-8")
    chromium_page.goto(page_file.as_uri(), wait_until="load")
    assert chromium_page.title() == "Smoke"
    assert chromium_page.inner_text("h1") == "Acción urgente"
    assert sorted(chromium_page.blocked_requests) == [
        "http://203.0.113.9/pixel.png",
        "https://fonts.invalid/x.css",
    ]
    chromium_page.click("#local")
    chromium_page.wait_for_url("**/other.html")
    assert chromium_page.inner_text("p") == "other page"
    assert chromium_page.page_errors == []


def test_chromium_allows_loopback_http(chromium_page, tmp_path):
    (tmp_path / "index.html").write_text(
        '<!doctype html><link rel="stylesheet" href="s.css"><p>served</p>', encoding="utf-8"
    )
    (tmp_path / "s.css").write_text("p { color: rgb(11, 79, 108); }", encoding="utf-8")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        chromium_page.goto(f"http://127.0.0.1:{server.server_address[1]}/index.html")
        colour = chromium_page.eval_on_selector("p", "p => getComputedStyle(p).color")
    finally:
        server.shutdown()
        server.server_close()
    assert colour == "rgb(11, 79, 108)"
    assert chromium_page.blocked_requests == []


def test_libreoffice_converts_docx_to_text(libreoffice, tmp_path):
    import docx

    document = docx.Document()
    document.add_heading("Urgent action", level=1)
    document.add_paragraph("¡Libérenlo ya! — Caracas, 30 de junio de 2026")
    src = tmp_path / "smoke.docx"
    document.save(src)
    out = libreoffice(src, "txt:Text (encoded):UTF8", tmp_path / "out")
    assert out == tmp_path / "out" / "smoke.txt"
    text = out.read_text(encoding="utf-8-sig")
    assert "Urgent action" in text
    assert "¡Libérenlo ya! — Caracas, 30 de junio de 2026" in text


def test_libreoffice_reports_failure(libreoffice, tmp_path):
    bogus = tmp_path / "missing.docx"
    with pytest.raises(RuntimeError, match="could not convert"):
        libreoffice(bogus, "pdf", tmp_path / "out")


def test_pdftotext_reads_weasyprint_pdf(pdftotext, tmp_path):
    from weasyprint import HTML

    pdf = tmp_path / "hello.pdf"
    pdf.write_bytes(HTML(string="<p>Hello</p>").write_pdf())
    assert pdftotext(pdf).strip() == "Hello"


PO_HEADER = """msgid ""
msgstr ""
"Project-Id-Version: uapress smoke\\n"
"PO-Revision-Date: 2026-06-30 12:00+0000\\n"
"Last-Translator: Smoke Test <smoke@uapress.invalid>\\n"
"Language-Team: Spanish\\n"
"Language: es\\n"
"MIME-Version: 1.0\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"Content-Transfer-Encoding: 8bit\\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"

"""


def test_msgfmt_accepts_valid_po(msgfmt_check, tmp_path):
    po = tmp_path / "es.po"
    po.write_text(
        PO_HEADER + 'msgctxt "summary"\nmsgid "Release him now."\nmsgstr "Libérenlo ya."\n',
        encoding="utf-8",
    )
    msgfmt_check(po, strict=True)


def test_msgfmt_strict_fails_on_warnings(msgfmt_check, tmp_path):
    po = tmp_path / "es.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Language: es\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Release him now."\nmsgstr "Libérenlo ya."\n',
        encoding="utf-8",
    )
    msgfmt_check(po)  # missing header fields are only warnings
    with pytest.raises(AssertionError, match="Last-Translator"):
        msgfmt_check(po, strict=True)


def test_msgfmt_rejects_broken_po(msgfmt_check, tmp_path):
    po = tmp_path / "es.po"
    po.write_text(
        PO_HEADER + '#, c-format\nmsgid "%d days left"\nmsgstr "quedan %s días"\n',
        encoding="utf-8",
    )
    with pytest.raises(AssertionError, match="msgfmt -c rejects"):
        msgfmt_check(po)


@pytest.mark.allow_weasyprint_warnings(r"unknown property")
def test_expected_weasyprint_warning_is_allowed():
    from weasyprint import HTML

    HTML(string='<p style="colr: red">x</p>').render()


def test_unexpected_weasyprint_warning_fails_its_test(tmp_path):
    import shutil
    import subprocess
    import sys

    shutil.copy(Path(conftest.__file__), tmp_path / "conftest.py")
    (tmp_path / "test_w.py").write_text(
        "import logging, pytest\n"
        "log = logging.getLogger('weasyprint')\n"
        "def test_quiet(): log.info('fine')\n"
        "def test_warns(): log.warning('Ignored `colr: red`, unknown property.')\n"
        "@pytest.mark.allow_weasyprint_warnings('colr')\n"
        "def test_allowed(): log.warning('Ignored `colr: red`, unknown property.')\n"
        "@pytest.mark.allow_weasyprint_warnings('other')\n"
        "def test_not_allowed(): log.error('Failed to load image at http://x.invalid/')\n",
        encoding="utf-8",
    )
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rA", "-p", "no:cacheprovider", str(tmp_path)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    out = proc.stdout
    assert "2 failed, 2 passed" in out, out
    assert "FAILED test_w.py::test_warns" in out and "FAILED test_w.py::test_not_allowed" in out, out
    assert "WARNING: Ignored `colr: red`" in out and "ERROR: Failed to load image" in out, out
