"""Preview (`uapress serve`): the editions on screen, rebuilt in memory when `source/` or `styles/` change, and the preview's own pages."""

from __future__ import annotations

import multiprocessing
import os
import secrets
import threading
import traceback
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from uapress.build.render import fallback_warnings, localised, render
from uapress.commands.preview_pages import error_page, inject_reload
from uapress.commands.preview_pdf import render_file, start_pdf_process
from uapress.commands.preview_watch import WATCHED, touches, watched
from uapress.core.counts import plural
from uapress.core.errors import (
    Diagnostic,
    UapressError,
)
from uapress.source import load_action
from uapress.writers import files_for
from uapress.writers.brand import Brand, load_brand

if TYPE_CHECKING:
    from uapress.core.nodes import Document

SETTLE_MS = 30
"""Milliseconds without a file event before a change is built: editors write a file in several steps (issue 24)."""
ERROR_GRACE = 0.4
"""Seconds a build that failed waits for one more change before its error page is shown: a half-written file
that the next write completes never flashes an error (issue 24)."""
MAX_UNPUBLISHED = 16
"""Editions of languages an action does not publish kept at once (issue 25: each asked-for tag was kept forever)."""


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
    document: Document | None = None
    brand: Brand | None = None
    resolved_lang: str | None = None
    unpublished: bool = False
    """Whether the last build found the language not among the action's: its error page."""
    files: dict[str, bytes] = field(default_factory=dict)
    """Other formats (PDF…) rendered on request, or in the background, for this version, by file name."""
    rendering: dict[str, Future[bytes]] = field(default_factory=dict)
    """Files of this version being rendered in the background, by file name."""
    viewers: int = 0
    """Open pages (event streams) showing it: only these are rebuilt as files change (issue 24)."""
    stale: bool = False
    """Whether files changed since its last build while no page showed it: rebuilt when next asked for."""

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
    document: Document | None = None
    brand: Brand | None = None
    lang: str | None = None
    unpublished: bool = False


class Preview:
    """The editions being previewed: their last builds, the watcher that rebuilds them, the reload signal."""

    def __init__(self, root: Path, log: Callable[[str], None], debug: bool = False) -> None:
        self.root = root
        self.log = log
        self.debug = debug
        self.token = secrets.token_hex(4)
        """Differs per server run, so a page left open across a restart reloads too."""
        self.editions: dict[tuple[str, str | None], Edition] = {}
        self.lock = threading.RLock()
        self.changed = threading.Condition(self.lock)
        self.stopping = threading.Event()
        self.render_lock = threading.Lock()
        self._real_root = root.resolve()
        """The root as the system names the changed files: absolute, links resolved."""
        self._changes: set[str] = set()
        """Files changed since the builder last looked (the watcher adds, the builder takes)."""
        self._changes_ready = threading.Condition(threading.Lock())
        self._pdf_wanted: dict[tuple[str, str | None], Edition] = {}
        self._pdf_ready = threading.Condition(threading.Lock())
        self._threads = [
            threading.Thread(target=self._watch, name="uapress-watch", daemon=True),
            threading.Thread(target=self._rebuild, name="uapress-rebuild", daemon=True),
            threading.Thread(target=self._render_pdfs, name="uapress-pdf", daemon=True),
        ]
        self._pdf_pool: ProcessPoolExecutor | None = None

    def start(self) -> None:
        """Start the PDF process, then watch the files."""
        # One process, forked before the server's threads start, renders the PDFs: in a thread, WeasyPrint's
        # layout held the interpreter's lock and doubled the time of the HTML reloads (issue 24).
        self._pdf_pool = ProcessPoolExecutor(
            1, mp_context=multiprocessing.get_context("fork"), initializer=start_pdf_process, initargs=(os.getpid(),)
        )
        self._pdf_pool.submit(os.getpid)  # forks it now
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        """Stop watching and release every open event stream."""
        self.stopping.set()
        for condition in (self.changed, self._changes_ready, self._pdf_ready):
            with condition:
                condition.notify_all()
        if self._pdf_pool is not None:
            for process in list((self._pdf_pool._processes or {}).values()):
                process.terminate()
            self._pdf_pool.shutdown(wait=False, cancel_futures=True)

    def known(self, slug: str) -> bool:
        """Tell whether `slug` is an action (or was one while serving: its page says it was deleted)."""
        with self.lock:
            if any(key[0] == slug for key in self.editions):
                return True
        return (self.root / "source" / "actions" / slug / "action.yaml").is_file()

    def edition(self, slug: str, lang: str | None) -> Edition:
        """Return an edition, building it the first time it is asked for, or when files changed unseen."""
        with self.lock:
            edition = self.editions.get((slug, lang))
            if edition is None:
                edition = self.editions[(slug, lang)] = Edition(slug, lang)
                self._publish(edition, self._build(slug, lang))
                self._forget_unpublished()
            elif edition.stale:
                edition.stale = False
                self._publish(edition, self._build(slug, lang))
            return edition

    def watching(self, edition: Edition, delta: int) -> None:
        """Count a page that opens (+1) or closes (-1) the edition's event stream."""
        with self.lock:
            edition.viewers += delta
        if delta > 0:
            self._want_pdf(edition)

    def _forget_unpublished(self) -> None:
        """Drop the oldest editions of languages no action publishes beyond MAX_UNPUBLISHED."""
        # Issue 25: any tag in a URL (/SLUG/xx-a1/) built an error page kept for the server's life; the
        # published languages are few, the tags one can type are not.
        unpublished = [key for key, edition in self.editions.items() if edition.unpublished]
        for key in unpublished[: max(0, len(unpublished) - MAX_UNPUBLISHED)]:
            del self.editions[key]

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
            # An edition built without errors has all three (`_publish` of a `_build` that succeeded).
            assert document is not None and brand is not None and edition.resolved_lang is not None
            names = {file: writer for writer, file in files_for(edition.slug, edition.resolved_lang).items()}
            cached = edition.files.get(name)
            pending = edition.rendering.get(name)
        if name not in names:
            raise LookupError(name)
        if cached is None and pending is not None:
            try:
                cached = pending.result()
            except Exception:  # rendered again here, where its error is reported
                cached = None
        if cached is None:
            with self.render_lock:  # WeasyPrint renders one document at a time
                with self.lock:  # rendered meanwhile (in the background, issue 24)?
                    cached = edition.files.get(name) if edition.version == version else None
                if cached is None:
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
            problem = Diagnostic(
                "error",
                "the file was deleted (or renamed) while serving",
                path,
                hint=f"restore it, or start again with `uapress new {slug}`",
            )
            return self._failed(slug, lang, [problem])
        try:
            brand = load_brand(self.root)
            action, warnings = load_action(path)
            resolved = lang or action.language
            if resolved not in action.editions:
                problem = Diagnostic(
                    "error",
                    f"this action is not published in {resolved}; its languages: {', '.join(action.editions)}",
                    path,
                    field="languages",
                    hint=f"add {resolved} to 'languages', or open /{slug}/",
                )
                return replace(self._failed(slug, lang, [problem]), unpublished=True)
            loc, document = localised(action, resolved, self.root)
            page = next(iter(render(document, ("html",), brand).values()))
        except UapressError as exc:
            message = str(exc.args[0]) if exc.args and exc.args[0] else ""
            return self._failed(slug, lang, exc.diagnostics or [Diagnostic("error", message or type(exc).__name__)])
        except Exception as exc:  # a bug in a stage: show it on the page, keep serving
            if self.debug:
                self.log(traceback.format_exc())
            problem = Diagnostic(
                "error",
                f"the preview failed: {type(exc).__name__}: {exc}",
                path,
                hint="run `uapress --debug serve` for the traceback",
            )
            return self._failed(slug, lang, [problem])
        # The untranslated segments shown in the source language count as the build counts them (issue 19).
        found = list(warnings) + list(loc.problems) + fallback_warnings(loc)
        return Built(page, True, found, document, brand, resolved)

    def _failed(self, slug: str, lang: str | None, problems: list[Diagnostic]) -> Built:
        return Built(error_page(slug, lang, problems).encode("utf-8"), False, problems)

    def _publish(self, edition: Edition, built: Built) -> None:
        """Make a build the edition's current state; a different page gets a new version and a reload."""
        with self.lock:
            if built.page != edition.page or not edition.version:
                edition.version += 1
                edition.files, edition.rendering = {}, {}
            edition.page, edition.ok = built.page, built.ok
            edition.document, edition.brand, edition.resolved_lang = built.document, built.brand, built.lang
            edition.unpublished = built.unpublished
            self.changed.notify_all()
        if built.ok and edition.viewers:
            self._want_pdf(edition)
        lang = built.lang or edition.lang
        name = f"{edition.slug}/{lang}" if lang else edition.slug
        errors = [p for p in built.problems if p.is_error]
        if built.ok:
            self.log(f"{name}: built, {plural(len(built.problems), 'warning')}")
        else:
            self.log(f"{name}: {plural(len(errors), 'error')}, shown in the browser")
            for problem in errors:
                self.log("  " + problem.format())

    # Watching

    def _watch(self) -> None:
        """Hand the files that change to the builder, as the system reports them (issue 24: polling took 0.3-0.6 s)."""
        from watchfiles import watch  # only `serve` watches files

        root = self._real_root
        paths = [root / top for top in WATCHED if (root / top).is_dir()]
        while not self.stopping.is_set():
            try:
                for changes in watch(
                    *paths,
                    watch_filter=lambda _, path: watched(root, path),
                    step=SETTLE_MS,
                    stop_event=self.stopping,
                    rust_timeout=500,
                    raise_interrupt=False,
                ):
                    with self._changes_ready:
                        self._changes.update(path for _, path in changes)
                        self._changes_ready.notify_all()
            except Exception:  # a bug must not silently end the reloads: say so, and keep watching
                self.log(f"preview: the watcher failed: {traceback.format_exc(limit=1).strip()}")
                self.stopping.wait(1)

    def _take_changes(self, timeout: float | None) -> set[str]:
        """Return the files changed since the last call, waiting up to `timeout` seconds for one."""
        with self._changes_ready:
            if not self._changes and not self.stopping.is_set():
                self._changes_ready.wait(timeout)
            taken, self._changes = self._changes, set()
        return taken

    def _rebuild(self) -> None:
        """Rebuild the editions on screen that a change touches; mark the others to be rebuilt when asked for."""
        changed: set[str] = set()
        while not self.stopping.is_set():
            changed |= self._take_changes(None if not changed else 0)
            if not changed or self.stopping.is_set():
                continue
            try:
                results = self._rebuild_touched(changed)
                if results is None:
                    continue  # changed again meanwhile: build again, with every change so far
                for edition, result in results:
                    self._publish(edition, result)
                changed = set()
            except Exception:  # a bug must not silently end the reloads: say so, and keep watching
                self.log(f"preview: the rebuild failed: {traceback.format_exc(limit=1).strip()}")
                changed = set()

    def _rebuild_touched(self, changed: set[str]) -> list[tuple[Edition, Built]] | None:
        """Build the shown editions `changed` touches; None when files changed again before they could be shown."""
        with self.lock:
            touched = [e for e in self.editions.values() if touches(self._real_root, changed, e.slug)]
            shown = [e for e in touched if e.viewers]
            for edition in touched:
                edition.stale = not edition.viewers
        results = [(edition, self._build(edition.slug, edition.lang)) for edition in shown]
        more = self._take_changes(0)
        if not more and any(not built.ok for _, built in results):
            # An error may be a file caught half-written: show it only if nothing follows soon.
            more = self._take_changes(ERROR_GRACE)
        if more:
            changed |= more
            return None
        return results

    def _want_pdf(self, edition: Edition) -> None:
        """Ask for the edition's PDF to be rendered in the background, so that it is ready when opened."""
        with self._pdf_ready:
            self._pdf_wanted[(edition.slug, edition.lang)] = edition
            self._pdf_ready.notify_all()

    def _render_pdfs(self) -> None:
        """Render the PDF of each edition on screen after each build, never holding up the HTML reload."""
        while not self.stopping.is_set():
            with self._pdf_ready:
                if not self._pdf_wanted:
                    self._pdf_ready.wait()
                wanted, self._pdf_wanted = list(self._pdf_wanted.values()), {}
            for edition in wanted:
                if self.stopping.is_set() or self._pdf_pool is None:
                    return
                with self.lock:
                    version, document, brand, lang = (
                        edition.version,
                        edition.document,
                        edition.brand,
                        edition.resolved_lang,
                    )
                    if not edition.ok or not edition.viewers or document is None or brand is None or lang is None:
                        continue
                    name = files_for(edition.slug, lang)["pdf"]
                    if name in edition.files or name in edition.rendering:
                        continue
                    future = edition.rendering[name] = self._pdf_pool.submit(render_file, document, "pdf", brand, name)
                try:
                    data = future.result()
                except Exception:  # shown (with its error) when the PDF is opened: it is rendered again then
                    if self.debug:
                        self.log(traceback.format_exc())
                    with self.lock:
                        if edition.rendering.get(name) is future:
                            del edition.rendering[name]
                    continue
                with self.lock:
                    if edition.version == version:
                        edition.files[name] = data
