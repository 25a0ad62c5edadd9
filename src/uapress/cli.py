"""Command line: parse options and call one library function per command."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import List, Optional

import typer

from . import __version__
from .errors import UapressError, UsageError
from .report import paint, print_diagnostics

class _App(typer.Typer):
    """Typer app that turns an unexpected exception into one line unless --debug is given."""

    def __call__(self, *args, **kwargs):
        try:
            return super().__call__(*args, **kwargs)
        except Exception as exc:  # a bug, not a user error: say so briefly
            if "--debug" in sys.argv:
                raise
            print(f"uapress: internal error: {type(exc).__name__}: {exc} (run with --debug for the traceback)",
                  file=sys.stderr)
            sys.exit(1)


app = _App(
    help="Compile urgent-action sources into branded PDF, DOCX and HTML editions with translation checklists.",
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_enable=False,
)
translations_app = typer.Typer(help="Manage the translation store (PO files).", no_args_is_help=True)
app.add_typer(translations_app, name="translations")


class _State:
    debug = False
    quiet = False
    verbose = False


def _version(value: bool) -> None:
    if value:
        typer.echo(f"uapress {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks of unexpected errors."),
    quiet: bool = typer.Option(False, "-q", "--quiet", help="Print errors only."),
    verbose: bool = typer.Option(False, "-v", "--verbose", help="Print every file written."),
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version."),
) -> None:
    """uapress: one source per urgent action, every edition in every language."""
    _State.debug, _State.quiet, _State.verbose = debug, quiet, verbose


def _root() -> Path:
    from .source import project_root

    return project_root()


def _fail(exc: UapressError) -> None:
    if _State.debug:
        raise exc
    if exc.args and exc.args[0]:
        typer.echo(paint("error", "error") + f": {exc.args[0]}", err=True)
    print_diagnostics(exc.diagnostics)
    raise typer.Exit(exc.exit_code)


@app.command()
def build(
    slugs: Optional[List[str]] = typer.Argument(None, help="Actions to build (folder names); all by default."),
    format: Optional[List[str]] = typer.Option(None, "--format", "-f", help="html, pdf or docx; repeat for several."),
    lang: Optional[List[str]] = typer.Option(None, "--lang", "-l", help="Only these languages; repeat for several."),
    out: Optional[Path] = typer.Option(None, "--out", help="Output folder (default: build/)."),
    paper: Optional[str] = typer.Option(None, "--paper", help="A4 or Letter, overriding the brand."),
    strict: bool = typer.Option(False, "--strict", help="Fail on warnings and on untranslated segments."),
    force: bool = typer.Option(False, "--force", help="Rebuild editions whose inputs have not changed."),
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j", min=1, help="Worker processes (default: one per core)."),
) -> None:
    """Build every edition of the named actions.

    Example: uapress build venezuela-hrd-release --lang es --format pdf
    """
    from .build import build as run_build

    try:
        root = _root()
        progress = None if _State.quiet else (lambda name: typer.echo(paint(f"  building {name}", "dim"), err=True))
        report = run_build(root, slugs or None, langs=lang or None, formats=format or None, out=out, paper=paper,
                           jobs=jobs, force=force, progress=progress, debug=_State.debug)
    except UapressError as exc:
        _fail(exc)
    print_diagnostics(report.diagnostics, quiet=_State.quiet)
    if not _State.quiet:
        for edition in report.editions:
            state = "FAILED" if edition.failed else ("unchanged" if edition.unchanged else f"{len(edition.files)} file(s)")
            counts = edition.counts
            extra = ""
            if counts and edition.job.lang != edition.job.action.language:
                extra = f" · {counts['translated']} translated, {counts['fuzzy']} fuzzy, {counts['missing']} missing"
            typer.echo(f"{edition.job.name}: {state}{extra}")
            if _State.verbose:
                for path in edition.files:
                    typer.echo(f"    {path}")
        errors, warnings = len(report.errors), len(report.warnings)
        unchanged = sum(e.unchanged for e in report.editions)
        typer.echo(f"{len(report.editions) - unchanged} edition(s) built, {unchanged} unchanged, "
                   f"{errors} error(s), {warnings} warning(s)")
    raise typer.Exit(report.exit_code(strict))


@app.command()
def check(
    slugs: Optional[List[str]] = typer.Argument(None, help="Actions to check; all by default."),
    strict: bool = typer.Option(False, "--strict", help="Fail on warnings, untranslated or fuzzy segments and QA errors."),
) -> None:
    """Validate sources, translations and labels without building anything.

    Example: uapress check --strict
    """
    from .check import check as run_check

    try:
        report = run_check(_root(), slugs or None)
    except UapressError as exc:
        _fail(exc)
    print_diagnostics(report.diagnostics, quiet=_State.quiet)
    if not _State.quiet:
        typer.echo(f"{report.actions} action(s) checked, {len(report.errors)} error(s), {len(report.warnings)} warning(s)")
    raise typer.Exit(report.exit_code(strict))


@app.command()
def status(slugs: Optional[List[str]] = typer.Argument(None, help="Actions; all by default.")) -> None:
    """Print translated, fuzzy and missing counts and readiness per action and language.

    Example: uapress status
    """
    from .check import status_rows

    try:
        rows = status_rows(_root(), slugs or None)
    except UapressError as exc:
        _fail(exc)
    header = ("action", "lang", "translated", "fuzzy", "missing", "QA errors", "readiness", "verdict")
    table = [header] + [tuple(str(v) for v in row) for row in rows]
    widths = [max(len(r[i]) for r in table) for i in range(len(header))]
    for index, row in enumerate(table):
        typer.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
        if index == 0:
            typer.echo("  ".join("-" * width for width in widths))


@app.command()
def checklist(
    slug: str = typer.Argument(..., help="The action."),
    lang: str = typer.Option(..., "--lang", "-l", help="The language, published or not yet (e.g. de)."),
    out: Optional[Path] = typer.Option(None, "--out", help="Folder for checklist.html and checklist.json (default: build/<slug>/<lang>/)."),
) -> None:
    """Write the translation checklist of one language, even one with no PO file yet.

    Example: uapress checklist venezuela-hrd-release --lang de
    """
    from .check import write_checklist

    try:
        paths = write_checklist(_root(), slug, lang, out)
    except UapressError as exc:
        _fail(exc)
    for path in paths:
        typer.echo(str(path))


@translations_app.command("update")
def translations_update(
    slugs: Optional[List[str]] = typer.Argument(None, help="Actions; all by default."),
    lang: Optional[List[str]] = typer.Option(None, "--lang", "-l", help="Languages; the action's languages by default."),
) -> None:
    """Create or update the PO files from the source: new blocks empty, changed ones fuzzy, removed ones obsolete.

    Example: uapress translations update venezuela-hrd-release --lang de
    """
    from .check import update_translations

    try:
        reports = update_translations(_root(), slugs or None, lang or None)
    except UapressError as exc:
        _fail(exc)
    for report in reports:
        typer.echo(report.summary())


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
