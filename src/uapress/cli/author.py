"""Command line: start an action or a follow-up, and preview it while it is written."""

from __future__ import annotations

import typer

from uapress.cli.app import Options, app, reported
from uapress.commands.report import print_diagnostics
from uapress.commands.scaffold import followup_action, new_action
from uapress.commands.serve import serve as run_serve
from uapress.core.errors import display_path
from uapress.source import find_actions, load_action, project_root


@app.command()
@reported
def new(
    slug: str = typer.Argument(..., help="Folder name of the new action: lowercase letters, digits, hyphens."),
    lang: str | None = typer.Option(
        None,
        "--lang",
        "-l",
        help="The language the action is written in (its source language), e.g. es; en, marked TODO, when not given.",
    ),
) -> None:
    """Start a new action: a commented action.yaml with every field, issued today, deadline in six weeks.

    Example: uapress new belarus-journalist-detained --lang en
    """
    path = new_action(project_root(), slug, lang=lang)
    typer.echo(f"wrote {display_path(path)}")
    if not Options.quiet:
        typer.echo(
            f"next: replace every TODO in it, then run `uapress check {slug}`; preview with `uapress serve {slug}`"
        )


@app.command()
@reported
def followup(
    old: str = typer.Argument(..., help="The action this one follows up (its folder name)."),
    slug: str = typer.Argument(..., help="Folder name of the follow-up: lowercase letters, digits, hyphens."),
    url: str | None = typer.Option(
        None, "--url", help="Where OLD is published (https://…), for 'previous'; left as TODO when not given."
    ),
    lang: str | None = typer.Option(
        None,
        "--lang",
        "-l",
        help="The language the follow-up is written in, when not OLD's (OLD's then becomes a target).",
    ),
) -> None:
    """Start a follow-up (further information) of an action: its targets, languages, keep terms and text, to edit.

    Example: uapress followup venezuela-hrd-release venezuela-hrd-release-fi1 --url https://example.org/ua
    """
    root = project_root()
    old_action, _ = load_action(find_actions(root, [old])[0])
    path, warnings = followup_action(root, old_action, slug, url, lang=lang)
    print_diagnostics(warnings, quiet=Options.quiet)
    typer.echo(f"wrote {display_path(path)}")
    if not Options.quiet:
        typer.echo(
            f"next: replace every TODO and write what changed, then run `uapress translations update {slug}` "
            f"to fill its translations from the memory, and `uapress check {slug}`"
        )


@app.command()
@reported
def serve(
    slug: str | None = typer.Argument(None, help="The action to preview; the only one, or a list of all, by default."),
    lang: str | None = typer.Option(
        None, "--lang", "-l", help="The edition's language (default: the source language)."
    ),
    port: int = typer.Option(8000, "--port", "-p", min=1, max=65535, help="Port on 127.0.0.1."),
) -> None:
    """Preview an action's HTML edition in the browser, rebuilt and reloaded whenever source/ or styles/ change.

    Example: uapress serve venezuela-hrd-release --lang es --port 8001
    """
    run_serve(
        project_root(),
        slug,
        lang=lang,
        port=port,
        debug=Options.debug,
        log=lambda line: None if Options.quiet else typer.echo(line),
    )
    typer.echo("stopped")
