"""Command line: the Typer app, its global options and the one error handler every command runs under."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any, ParamSpec

import typer

from uapress import __version__
from uapress.commands.report import paint, print_diagnostics
from uapress.core.errors import UapressError

P = ParamSpec("P")


class _App(typer.Typer):
    """Typer app that turns an unexpected exception into one line unless --debug is given."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().__call__(*args, **kwargs)
        except Exception as exc:  # a bug, not a user error: say so briefly
            if "--debug" in sys.argv:
                raise
            print(
                f"uapress: internal error: {type(exc).__name__}: {exc} (run with --debug for the traceback)",
                file=sys.stderr,
            )
            sys.exit(1)


app = _App(
    help="Compile urgent-action sources into branded PDF, DOCX and HTML editions with translation checklists.",
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_enable=False,
)
translations_app = typer.Typer(help="Manage the translation store (PO files).", no_args_is_help=True)
app.add_typer(translations_app, name="translations")


class Options:
    """The global options, as the callback set them for the command that runs."""

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
    verbose: bool = typer.Option(
        False, "-v", "--verbose", help="Print every file written, and every warning of a build."
    ),
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version."),
) -> None:
    """uapress: one source per urgent action, every edition in every language."""
    Options.debug, Options.quiet, Options.verbose = debug, quiet, verbose


def reported(command: Callable[P, None]) -> Callable[P, None]:
    """Run a command so that a UapressError ends it with its message, its findings and its exit code, no traceback."""

    @functools.wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> None:
        try:
            command(*args, **kwargs)
        except UapressError as exc:
            if Options.debug:
                raise
            if exc.args and exc.args[0]:
                typer.echo(paint("error", "error") + f": {exc.args[0]}", err=True)
            print_diagnostics(exc.diagnostics)
            raise typer.Exit(exc.exit_code) from None

    return run
