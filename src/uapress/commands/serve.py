"""Preview (`uapress serve`): the HTML edition on 127.0.0.1, rebuilt when `source/` or `styles/` change.

The pipeline runs in memory (load -> localise -> document model -> HTML writer); nothing is written to
`build/`. A watcher thread waits on the system's file events (watchfiles), lets a save settle for a few
milliseconds (editors save in several steps), rebuilds the editions on screen that the change touches and
tells their pages to reload, by Server-Sent Events, through a small script added to the served page only;
each shown edition's PDF is then rendered in the background, so that it is ready when opened (issue 24). When the source has errors
the page lists them instead of the edition, and turns back into the edition once they are fixed.
The server is the standard library's; the one library previewing adds to a build's is watchfiles.
"""

from __future__ import annotations

import errno
import mimetypes
import re
import socket
import socketserver
import sys
import traceback
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import cast
from urllib.parse import urlsplit

from uapress.commands.preview import Edition, Preview
from uapress.commands.preview_pages import index_page, not_found_page
from uapress.core.errors import (
    SourceError,
    UsageError,
)
from uapress.source import find_actions, load_action
from uapress.source.validate import SLUG

HOST = "127.0.0.1"
"""The only address served: the preview is for the person at this machine, never the network."""
KEEPALIVE = 15
IDLE_TIMEOUT = 60
"""Seconds a connection may send nothing before it is closed (issue 25: idle connections were held forever)."""
"""Seconds between keep-alive comments on an idle event stream (they reveal closed pages)."""
LANG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")


def serve(
    root: Path,
    slug: str | None = None,
    *,
    lang: str | None = None,
    port: int = 8000,
    log: Callable[[str], None] = print,
    debug: bool = False,
) -> None:
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
        raise UsageError(
            f"{slug} is not published in {lang}; its languages: {', '.join(action.editions)} "
            "(add it to 'languages' in action.yaml)"
        )


def _bind(port: int, preview: Preview) -> _Server:
    """Open the server socket, or explain why the port cannot be used and suggest one that can."""
    try:
        return _Server((HOST, port), _Handler, preview)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise UsageError(
                f"port {port} is in use (another preview, or another program); try --port {_free_port(port)}"
            ) from None
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
            port: int = probe.getsockname()[1]
            return port
    return 0


# HTTP


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler], preview: Preview) -> None:
        self.preview = preview
        self.default: tuple[str, str | None] | None = None
        """The edition `/` leads to; None for the list of actions."""
        super().__init__(address, handler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind looks the host name up in DNS; the preview has no use for it.
        socketserver.TCPServer.server_bind(self)
        host, self.server_port = self.server_address[:2]
        self.server_name = cast(str, host)  # bound to HOST, a str: the address keeps its type

    def handle_error(self, request: object, client_address: object) -> None:
        # A page closed mid-answer is normal; anything else is a bug worth a line.
        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            self.preview.log(f"preview: could not answer a request: {traceback.format_exc(limit=1).strip()}")


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    server_version = "uapress-preview"

    def setup(self) -> None:
        super().setup()
        # A client that sends nothing for IDLE_TIMEOUT seconds is dropped (issue 25: held forever).
        self.connection.settimeout(IDLE_TIMEOUT)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
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
        preview.watching(edition, +1)  # an edition on screen is rebuilt as soon as its files change (issue 24)
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
        finally:
            preview.watching(edition, -1)

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
