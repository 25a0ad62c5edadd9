"""Stage 4, writers: Jinja templates from `styles/`, compiled once per process and file version."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from uapress.core.inputs import read_project_text
from uapress.writers.brand import Brand

if TYPE_CHECKING:
    from jinja2 import Template

Filters = tuple[tuple[str, Callable[..., object]], ...]
"""Jinja filters as (name, function) pairs: a tuple, so that compiled templates can be cached by them."""


def template(
    brand: Brand, name: str, *, autoescape: bool = True, strict: bool = False, filters: Filters = ()
) -> Template:
    """Return the compiled template `styles/<name>`; `filters` is a tuple of (name, function) pairs."""
    path = brand.folder / name
    # Keyed on the file's mtime so that a preview server picks up an edited template.
    return _compiled(str(path), path.stat().st_mtime_ns, autoescape, strict, filters)


@lru_cache(maxsize=64)
def _compiled(path: str, _mtime: int, autoescape: bool, strict: bool, filters: Filters) -> Template:
    from jinja2 import (  # not for a no-op build, which renders nothing
        Environment,
        StrictUndefined,
    )

    # Compiling edition.css, print.css and the page costs ~40 ms: a build pays it once per worker.
    env = Environment(
        autoescape=autoescape,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=StrictUndefined if strict else Environment().undefined,
    )
    env.filters.update(dict(filters))
    return env.from_string(read_project_text(Path(path)))
