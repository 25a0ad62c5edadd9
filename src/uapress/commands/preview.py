"""Preview (`uapress serve`): the editions on screen, rebuilt in memory when `source/` or `styles/` change, and the preview's own pages."""

from __future__ import annotations

import functools
import json
import os
import re
import secrets
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from textwrap import dedent
from typing import TYPE_CHECKING, TypedDict

from uapress.build.render import fallback_warnings, localised, render
from uapress.core.counts import plural
from uapress.core.errors import (
    Diagnostic,
    UapressError,
    display_path,
)
from uapress.core.inputs import source_line
from uapress.source import find_actions, load_action
from uapress.writers import files_for
from uapress.writers.brand import Brand, load_brand

if TYPE_CHECKING:
    from jinja2 import Template

    from uapress.core.nodes import Document

POLL = 0.3
"""Seconds between two looks at the files; a change is built once one look finds nothing new."""
WATCHED = ("source", "styles")
Snapshot = dict[str, tuple[int, int, int]]
"""(modification time, size, inode) of each watched file, by path."""
MAX_UNPUBLISHED = 16
"""Editions of languages an action does not publish kept at once (issue 25: each asked-for tag was kept forever)."""
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
    document: Document | None = None
    brand: Brand | None = None
    resolved_lang: str | None = None
    unpublished: bool = False
    """Whether the last build found the language not among the action's: its error page."""
    files: dict[str, bytes] = field(default_factory=dict)
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
                self._forget_unpublished()
            return edition

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
                edition.files = {}
            edition.page, edition.ok = built.page, built.ok
            edition.document, edition.brand, edition.resolved_lang = built.document, built.brand, built.lang
            edition.unpublished = built.unpublished
            self.changed.notify_all()
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
        """Rebuild the editions a change touches, once the files have stopped changing."""
        built = seen = self._built
        while not self.stopping.wait(POLL):
            try:
                built, seen = self._look(built, seen)
            except Exception:  # a bug must not silently end the reloads: say so, and keep watching
                self.log(f"preview: the watcher failed: {traceback.format_exc(limit=1).strip()}")

    def _look(self, built: Snapshot, seen: Snapshot) -> tuple[Snapshot, Snapshot]:
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


def snapshot(root: Path) -> Snapshot:
    """Return (modification time, size, inode) of every file under `source/` and `styles/`."""
    found: Snapshot = {}
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
def _page() -> Template:
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
    return _page().render(
        page="error",
        title=f"{count} · {edition} · uapress preview",
        edition=edition,
        count=count,
        errors=errors,
        warnings=warnings,
    )


class Finding(TypedDict):
    """What the error page shows of one finding."""

    severity: str
    file: str
    line: int | None
    field: str | None
    message: str
    detail: str


def _finding(problem: Diagnostic) -> Finding:
    """Return what the page shows of one finding: where, what, and the excerpt with the fix."""
    detail = problem.format(excerpt=True, source=source_line(problem)).partition("\n")[2]  # the head is shown in parts
    return {
        "severity": problem.severity,
        "file": display_path(problem.file) if problem.file else "<input>",
        "line": problem.line,
        "field": problem.field,
        "message": problem.message,
        "detail": dedent(detail),
    }


def index_page(root: Path) -> str:
    """Return the list of actions, for `uapress serve` without an action when there are several."""
    slugs = [path.parent.name for path in find_actions(root)]
    return _page().render(page="actions", title="Actions · uapress preview", slugs=slugs)


def not_found_page(path: str) -> str:
    """Return the page for an address the preview does not serve."""
    return _page().render(page="not-found", title="Not found · uapress preview", path=path)
