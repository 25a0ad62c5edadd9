"""Preview (`uapress serve`): the preview's own pages (errors, the list of actions, not found) and its reload script."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from textwrap import dedent
from typing import TYPE_CHECKING, TypedDict

from uapress.core.errors import Diagnostic, display_path
from uapress.core.inputs import source_line
from uapress.source import find_actions

if TYPE_CHECKING:
    from jinja2 import Template

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
