"""Preview (`uapress serve`): the HTML edition on 127.0.0.1, rebuilt when `source/` or `styles/` change.

The pipeline runs in memory (load -> localise -> document model -> HTML writer); nothing is written to
`build/`. A watcher thread polls file times and sizes, waits until the files stop changing (editors save
in several steps), rebuilds the editions the change touches and tells the open pages to reload, by
Server-Sent Events, through a small script added to the served page only. When the source has errors
the page lists them instead of the edition, and turns back into the edition once they are fixed.
Standard library only: previewing must not need anything the build does not.
"""

from __future__ import annotations

import errno
import functools
import json
import mimetypes
import os
import re
import secrets
import socket
import socketserver
import sys
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from textwrap import dedent
from urllib.parse import urlsplit

from uapress.build.render import localised, render
from uapress.core.errors import (
    Diagnostic,
    SourceError,
    UapressError,
    UsageError,
    display_path,
)
from uapress.core.inputs import source_line
from uapress.source import find_actions, load_action
from uapress.source.load import SLUG
from uapress.writers import files_for
from uapress.writers.brand import load_brand

HOST = "127.0.0.1"
"""The only address served: the preview is for the person at this machine, never the network."""
POLL = 0.3
"""Seconds between two looks at the files; a change is built once one look finds nothing new."""
KEEPALIVE = 15
"""Seconds between keep-alive comments on an idle event stream (they reveal closed pages)."""
WATCHED = ("source", "styles")
LANG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")
EDITOR_LITTER = re.compile(r"^(\..*|.*~|.*\.(swp|swx|tmp|bak)|#.*#|4913)$")
"""Swap, backup and temporary files editors (and `write_atomic`) leave beside the real ones."""


@dataclass
class Edition:
    """One previewed edition: its last build and a version that changes whenever the page does."""

    slug: str
    lang: str | None
    """The language asked for; None for the action's source language, whatever it is."""
    version: int = 0
    page: bytes = b""
    """The HTML edition, or the error page, without the reload script."""
    ok: bool = False
    document: object = None
    brand: object = None
    resolved_lang: str | None = None
    files: dict = field(default_factory=dict)
    """Other formats (PDF…) rendered on request for this version, by file name."""

    @property
    def url(self) -> str:
        """Return the edition's path on the server."""
        return f"/{self.slug}/" + (f"{self.lang}/" if self.lang else "")


@dataclass
class Built:
    """The outcome of building one edition."""

    page: bytes
    ok: bool
    problems: list[Diagnostic]
    document: object = None
    brand: object = None
    lang: str | None = None


def serve(root: Path, slug: str | None = None, *, lang: str | None = None, port: int = 8000,
          log: Callable[[str], None] = print, debug: bool = False) -> None:
    """Serve the edition of `slug` (or every action) on 127.0.0.1:`port` until Ctrl-C."""
    default = _default_edition(root, slug, lang)
    preview = Preview(root, log, debug)
    server = _bind(port, preview)
    server.default = default
    try:
        if default:
            preview.edition(*default)  # built before the address is printed: the first page is ready
        where = f"{default[0]} ({default[1] or 'source language'})" if default else "every action"
        log(f"serving {where} at http://{HOST}:{server.server_port}/ - watching source/ and styles/; Ctrl-C to stop")
        preview.start()
        server.serve_forever(poll_interval=0.25)
    except KeyboardInterrupt:
        pass
    finally:
        preview.stop()
        server.server_close()


def _default_edition(root: Path, slug: str | None, lang: str | None) -> tuple[str, str | None] | None:
    """Check the command's action and language; return the edition `/` leads to (None: an index)."""
    if lang is not None and not LANG.match(lang):
        raise UsageError(f"'{lang}' is not a language tag (use a BCP 47 tag such as en, es, pt-BR)")
    if slug is not None:
        if not SLUG.match(slug):
            raise UsageError(f"'{slug}' is not an action name: action names are lowercase letters, digits and hyphens")
        find_actions(root, [slug])  # UsageError, with a suggestion, for an action that does not exist
    actions = find_actions(root)
    if not actions:
        raise UsageError("there is no action to preview yet: start one with `uapress new SLUG`")
    if slug is None and len(actions) > 1:
        if lang is not None:
            raise UsageError(f"--lang needs an action when there are several: uapress serve SLUG --lang {lang}")
        return None
    slug = slug or actions[0].parent.name
    if lang is not None:
        _check_published(root, slug, lang)
    return slug, lang


def _check_published(root: Path, slug: str, lang: str) -> None:
    try:
        action, _ = load_action(root / "source" / "actions" / slug / "action.yaml")
    except SourceError:
        return  # the page will show the source's errors; the language is checked once they are fixed
    if lang not in action.editions:
        raise UsageError(f"{slug} is not published in {lang}; its languages: {', '.join(action.editions)} "
                         "(add it to 'languages' in action.yaml)")


def _bind(port: int, preview: Preview) -> _Server:
    """Open the server socket, or explain why the port cannot be used and suggest one that can."""
    try:
        return _Server((HOST, port), _Handler, preview)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise UsageError(f"port {port} is in use (another preview, or another program); "
                             f"try --port {_free_port(port)}") from None
        if exc.errno == errno.EACCES:
            raise UsageError(f"port {port} needs administrator rights; try --port {_free_port(8000)}") from None
        raise UsageError(f"cannot serve on {HOST}:{port}: {exc.strerror}") from None


def _free_port(after: int) -> int:
    """Return a free port just above `after`, or any free port."""
    for candidate in list(range(after + 1, min(after + 50, 65535) + 1)) + [0]:
        with socket.socket() as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server will
            try:
                probe.bind((HOST, candidate))
            except OSError:
                continue
            return probe.getsockname()[1]
    return 0


class Preview:
    """The editions being previewed: their last builds, the watcher that rebuilds them, the reload signal."""

    def __init__(self, root: Path, log: Callable[[str], None], debug: bool = False):
        self.root = root
        self.log = log
        self.debug = debug
        self.token = secrets.token_hex(4)
        """Differs per server run, so a page left open across a restart reloads too."""
        self.editions: dict[tuple, Edition] = {}
        self.lock = threading.RLock()
        self.changed = threading.Condition(self.lock)
        self.stopping = threading.Event()
        self.render_lock = threading.Lock()
        self._watcher = threading.Thread(target=self._watch, name="uapress-watch", daemon=True)
        self._built = snapshot(root)

    def start(self) -> None:
        """Start watching the files."""
        self._watcher.start()

    def stop(self) -> None:
        """Stop watching and release every open event stream."""
        self.stopping.set()
        with self.changed:
            self.changed.notify_all()

    def known(self, slug: str) -> bool:
        """Tell whether `slug` is an action (or was one while serving: its page says it was deleted)."""
        with self.lock:
            if any(key[0] == slug for key in self.editions):
                return True
        return (self.root / "source" / "actions" / slug / "action.yaml").is_file()

    def edition(self, slug: str, lang: str | None) -> Edition:
        """Return an edition, building it the first time it is asked for."""
        with self.lock:
            edition = self.editions.get((slug, lang))
            if edition is None:
                edition = self.editions[(slug, lang)] = Edition(slug, lang)
                self._publish(edition, self._build(slug, lang))
            return edition

    def version(self, edition: Edition) -> str:
        """Return the token the page embeds and the event stream announces."""
        return f"{self.token}.{edition.version}"

    def page(self, edition: Edition) -> bytes:
        """Return the edition (or its error page) with the reload script."""
        with self.lock:
            page, version = edition.page, self.version(edition)
        return inject_reload(page, version)

    def file(self, edition: Edition, name: str) -> tuple[bytes, bool] | None:
        """Return another file of the edition (PDF, DOCX, checklist) rendered now, and whether it is one."""
        with self.lock:
            if not edition.ok:
                return None
            version, document, brand = edition.version, edition.document, edition.brand
            names = {file: writer for writer, file in files_for(edition.slug, edition.resolved_lang).items()}
            cached = edition.files.get(name)
        if name not in names:
            raise LookupError(name)
        if cached is None:
            with self.render_lock:  # WeasyPrint renders one document at a time
                cached = render(document, (names[name],), brand)[name]
            with self.lock:
                if edition.version == version:
                    edition.files[name] = cached
        return cached, names[name] == "html"

    # Building

    def _build(self, slug: str, lang: str | None) -> Built:
        """Run the pipeline for one edition in memory; on any problem, build the error page instead."""
        path = self.root / "source" / "actions" / slug / "action.yaml"
        if not path.exists():
            problem = Diagnostic("error", "the file was deleted (or renamed) while serving", path,
                                 hint=f"restore it, or start again with `uapress new {slug}`")
            return self._failed(slug, lang, [problem])
        try:
            brand = load_brand(self.root)
            action, warnings = load_action(path)
            resolved = lang or action.language
            if resolved not in action.editions:
                problem = Diagnostic("error", f"this action is not published in {resolved}; its languages: "
                                     f"{', '.join(action.editions)}", path, field="languages",
                                     hint=f"add {resolved} to 'languages', or open /{slug}/")
                return self._failed(slug, lang, [problem])
            loc, document = localised(action, resolved, self.root)
            page = next(iter(render(document, ("html",), brand).values()))
        except UapressError as exc:
            message = str(exc.args[0]) if exc.args and exc.args[0] else ""
            return self._failed(slug, lang, exc.diagnostics or [Diagnostic("error", message or type(exc).__name__)])
        except Exception as exc:  # a bug in a stage: show it on the page, keep serving
            if self.debug:
                self.log(traceback.format_exc())
            problem = Diagnostic("error", f"the preview failed: {type(exc).__name__}: {exc}", path,
                                 hint="run `uapress --debug serve` for the traceback")
            return self._failed(slug, lang, [problem])
        return Built(page, True, list(warnings) + list(loc.problems), document, brand, resolved)

    def _failed(self, slug: str, lang: str | None, problems: list[Diagnostic]) -> Built:
        return Built(error_page(slug, lang, problems).encode("utf-8"), False, problems)

    def _publish(self, edition: Edition, built: Built) -> None:
        """Make a build the edition's current state; a different page gets a new version and a reload."""
        with self.lock:
            if built.page != edition.page or not edition.version:
                edition.version += 1
                edition.files = {}
            edition.page, edition.ok = built.page, built.ok
            edition.document, edition.brand, edition.resolved_lang = built.document, built.brand, built.lang
            self.changed.notify_all()
        lang = built.lang or edition.lang
        name = f"{edition.slug}/{lang}" if lang else edition.slug
        errors = [p for p in built.problems if p.is_error]
        if built.ok:
            self.log(f"{name}: built, {len(built.problems)} warning(s)")
        else:
            self.log(f"{name}: {len(errors)} error(s), shown in the browser")
            for problem in errors:
                self.log("  " + problem.format())

    # Watching

    def _watch(self) -> None:
        """Rebuild the editions a change touches, once the files have stopped changing."""
        built = seen = self._built
        while not self.stopping.wait(POLL):
            try:
                built, seen = self._look(built, seen)
            except Exception:  # a bug must not silently end the reloads: say so, and keep watching
                self.log(f"preview: the watcher failed: {traceback.format_exc(limit=1).strip()}")

    def _look(self, built: dict, seen: dict) -> tuple[dict, dict]:
        """Compare the files with the last look and the last build; rebuild when they settled on something new."""
        current = snapshot(self.root)
        if current != seen or current == built:  # still being written (look again first), or nothing new
            return built, current
        changed = {path for path in current.keys() | built.keys() if current.get(path) != built.get(path)}
        with self.lock:
            touched = [e for e in self.editions.values() if _touches(self.root, changed, e.slug)]
        results = [(edition, self._build(edition.slug, edition.lang)) for edition in touched]
        after = snapshot(self.root)
        if after != current:  # changed again while building: these builds may mix old and new files
            return built, after
        for edition, result in results:
            self._publish(edition, result)
        return current, current


def _touches(root: Path, changed: set[str], slug: str) -> bool:
    """Tell whether a change to these files can change an action's editions."""
    own = str(root / "source" / "actions") + os.sep
    mine = own + slug + os.sep
    return any(not path.startswith(own) or path.startswith(mine) for path in changed)


def snapshot(root: Path) -> dict[str, tuple[int, int, int]]:
    """Return (modification time, size, inode) of every file under `source/` and `styles/`."""
    found = {}
    for top in WATCHED:
        for folder, dirs, files in os.walk(root / top):
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            for name in files:
                if EDITOR_LITTER.match(name):
                    continue
                path = os.path.join(folder, name)
                try:
                    stat = os.stat(path)
                except OSError:  # deleted between listing and looking
                    continue
                found[path] = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
    return found


# Pages

TEMPLATES = Path(__file__).with_name("templates")
"""The preview's own page and reload script (package data, not the project's styles/)."""


@functools.cache
def _reload_script() -> str:
    """Return the reload script's tag; its `{{ version }}` is the version the page shows."""
    return "<script>\n" + (TEMPLATES / "reload.js").read_text(encoding="utf-8") + "</script>\n"


def inject_reload(page: bytes, version: str) -> bytes:
    """Add the reload script just before `</body>`."""
    shown = json.dumps(version)[1:-1].replace("</", "<\\/")  # a JavaScript string's content, safe in a script
    script = _reload_script().replace("{{ version }}", shown).encode("utf-8")
    head, found, tail = page.rpartition(b"</body>")
    return head + script + found + tail if found else page + script


@functools.cache
def _page():
    """Return the compiled preview page (Jinja, autoescaped), loaded once per server."""
    from jinja2 import Environment  # only `serve` shows these pages

    env = Environment(autoescape=True, keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True)
    return env.from_string((TEMPLATES / "preview.html").read_text(encoding="utf-8"))


def error_page(slug: str, lang: str | None, problems: list[Diagnostic]) -> str:
    """Return the page shown instead of an edition whose sources have errors: every finding, in full."""
    in_order = sorted(problems, key=lambda p: (str(p.file or ""), p.line or 0, p.column or 0))
    errors = [_finding(p) for p in in_order if p.is_error]
    warnings = [_finding(p) for p in in_order if not p.is_error]
    count = f"{len(errors)} error" + ("" if len(errors) == 1 else "s")
    edition = f"{slug} ({lang})" if lang else slug
    return _page().render(page="error", title=f"{count} · {edition} · uapress preview", edition=edition, count=count,
                          errors=errors, warnings=warnings)


def _finding(problem: Diagnostic) -> dict:
    """Return what the page shows of one finding: where, what, and the excerpt with the fix."""
    detail = problem.format(excerpt=True, source=source_line(problem)).partition("\n")[2]  # the head is shown in parts
    return {"severity": problem.severity, "file": display_path(problem.file) if problem.file else "<input>",
            "line": problem.line, "field": problem.field, "message": problem.message, "detail": dedent(detail)}


def index_page(root: Path) -> str:
    """Return the list of actions, for `uapress serve` without an action when there are several."""
    slugs = [path.parent.name for path in find_actions(root)]
    return _page().render(page="actions", title="Actions · uapress preview", slugs=slugs)


def not_found_page(path: str) -> str:
    """Return the page for an address the preview does not serve."""
    return _page().render(page="not-found", title="Not found · uapress preview", path=path)


# HTTP

class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address, handler, preview: Preview):
        self.preview = preview
        self.default: tuple | None = None
        """The edition `/` leads to; None for the list of actions."""
        super().__init__(address, handler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind looks the host name up in DNS; the preview has no use for it.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]

    def handle_error(self, request, client_address) -> None:
        # A page closed mid-answer is normal; anything else is a bug worth a line.
        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            self.preview.log(f"preview: could not answer a request: {traceback.format_exc(limit=1).strip()}")


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    server_version = "uapress-preview"

    def log_message(self, format, *args) -> None:  # noqa: A002 - the base class's name
        pass  # one line per request would drown the rebuild messages

    def do_GET(self) -> None:  # noqa: N802 - the base class's name
        preview = self.server.preview
        host = self.headers.get("Host", "")
        if host not in (f"{HOST}:{self.server.server_port}", f"localhost:{self.server.server_port}"):
            # Only pages of this machine's own addresses: a web page elsewhere must not read the preview.
            return self._send(403, b"forbidden host", "text/plain; charset=utf-8")
        path = urlsplit(self.path).path
        if path == "/":
            return self._start()
        # /SLUG/ is the source-language edition, /SLUG/LANG/ another; below each, `_events` and the
        # edition's own file names (the HTML edition links to its PDF, DOCX and checklist by name).
        slug, *rest = path.split("/")[1:]
        if not SLUG.match(slug) or not preview.known(slug):
            return self._not_found(path)
        if not rest or (len(rest) == 1 and LANG.match(rest[0])):
            return self._redirect(path + "/")
        if len(rest) == 2 and LANG.match(rest[0]):
            lang, name = rest
        elif len(rest) == 1:
            lang, name = None, rest[0]
        else:
            return self._not_found(path)
        edition = preview.edition(slug, lang)
        if name == "":
            return self._send(200, preview.page(edition), "text/html; charset=utf-8")
        if name == "_events":
            return self._events(edition)
        try:
            found = preview.file(edition, name)
        except LookupError:
            return self._not_found(path)
        if found is None:  # the source has errors: show them here too
            return self._send(503, preview.page(edition), "text/html; charset=utf-8")
        data, is_edition = found
        if is_edition:
            return self._send(200, preview.page(edition), "text/html; charset=utf-8")
        return self._send(200, data, mimetypes.guess_type(name)[0] or "application/octet-stream")

    def _start(self) -> None:
        preview = self.server.preview
        default = self.server.default
        if default:
            return self._redirect(Edition(*default).url)
        return self._send(200, index_page(preview.root).encode("utf-8"), "text/html; charset=utf-8")

    def _events(self, edition: Edition) -> None:
        """Stream the edition's version: now, then every time it changes, until the page goes away."""
        preview = self.server.preview
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(b"retry: 1000\n\n")
        sent = None
        try:
            while not preview.stopping.is_set():
                with preview.changed:
                    if preview.version(edition) == sent:
                        preview.changed.wait(KEEPALIVE)
                    version = preview.version(edition)
                if preview.stopping.is_set():
                    break
                if version != sent:
                    self.wfile.write(f"event: reload\ndata: {version}\n\n".encode("ascii"))
                    sent = version
                else:
                    self.wfile.write(b": keep-alive\n\n")
                self.wfile.flush()
        except (ConnectionError, TimeoutError):
            pass  # the page was closed or reloaded

    def _redirect(self, location: str) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()

    def _not_found(self, path: str) -> None:
        self._send(404, not_found_page(path).encode("utf-8"), "text/html; charset=utf-8")

    def _send(self, status: int, data: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(data)
