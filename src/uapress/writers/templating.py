"""Stage 4, writers: Jinja templates from `styles/`, compiled once per process and file version.

Styles come from many hands, so templates run in Jinja's sandbox (issue 25): a template formats the values it is
given and never reaches Python (no attribute starting with `_`, no unsafe call); one that tries is refused, named
by its file and line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from uapress.core.errors import Diagnostic, SourceError
from uapress.core.inputs import read_project_text
from uapress.writers.brand import Brand

if TYPE_CHECKING:
    from jinja2 import Template

Filters = tuple[tuple[str, Callable[..., object]], ...]
"""Jinja filters as (name, function) pairs: a tuple, so that compiled templates can be cached by them."""


@dataclass(frozen=True)
class Spec:
    """A template of `styles/` and how it compiles: a writer's constant, so that a build can compile it ahead."""

    name: str
    autoescape: bool = True
    strict: bool = False
    filters: Filters = ()
    """(name, function) pairs of module-level functions: the same objects in every process forked from the build."""


TEMPLATE_FILE = "<template>"
"""The file name Jinja gives the frames of a template compiled from a string: where its line is found."""


class Page:
    """A compiled template of `styles/` that reports a sandbox refusal as an error in its file."""

    def __init__(self, compiled: Template, path: Path):
        self.compiled = compiled
        self.path = path

    def render(self, *args: Any, **kwargs: Any) -> str:
        """Render the template; an unsafe expression is a SourceError naming the file and line."""
        from jinja2.exceptions import SecurityError

        try:
            return self.compiled.render(*args, **kwargs)
        except SecurityError as exc:
            raise SourceError(
                diagnostics=[
                    Diagnostic(
                        "error",
                        f"the template tried an unsafe operation ({exc})",
                        self.path,
                        _template_line(exc),
                        hint="templates may only format the values they are given; remove the expression",
                    )
                ]
            ) from None


def _template_line(exc: BaseException) -> int | None:
    """Return the template line where `exc` was raised (Jinja rewrites its frames to the template's lines)."""
    line = None
    trace = exc.__traceback__
    while trace is not None:
        if trace.tb_frame.f_code.co_filename == TEMPLATE_FILE:
            line = trace.tb_lineno
        trace = trace.tb_next
    return line


def template(brand: Brand, spec: Spec) -> Page:
    """Return the compiled template `styles/<spec.name>`."""
    from jinja2.exceptions import TemplateSyntaxError

    path = brand.folder / spec.name
    try:
        # Keyed on the file's mtime so that a preview server picks up an edited template.
        compiled = _compiled(str(path), path.stat().st_mtime_ns, spec.autoescape, spec.strict, spec.filters)
    except TemplateSyntaxError as exc:
        raise SourceError(
            diagnostics=[
                Diagnostic(
                    "error",
                    f"the template does not compile: {exc.message}",
                    path,
                    exc.lineno,
                    hint="correct the template's {{ }} and {% %} tags at that line",
                )
            ]
        ) from None
    return Page(compiled, path)


def compile_ahead(brand: Brand, specs: Iterable[Spec]) -> None:
    """Compile `specs` now, in this process: worker processes forked after it find them compiled (issue 24)."""
    for spec in specs:
        template(brand, spec)


@lru_cache(maxsize=64)
def _compiled(path: str, _mtime: int, autoescape: bool, strict: bool, filters: Filters) -> Template:
    from jinja2 import StrictUndefined, Undefined  # not for a no-op build, which renders nothing
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    # Compiling the templates a build uses costs ~0.1 s of CPU: a build pays it once, before forking its workers
    # (`compile_ahead`, issue 24); the cache key's filters are the writers' own functions, inherited by the fork.
    env = ImmutableSandboxedEnvironment(
        autoescape=autoescape,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=StrictUndefined if strict else Undefined,
    )
    env.filters.update(dict(filters))
    return env.from_string(read_project_text(Path(path)))
