"""Command line: build the editions, check them, and what reviewers read (status, checklists, diffs, comments)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import typer

from uapress.build.run import build as run_build
from uapress.cli.app import Options, app, reported
from uapress.commands.check import check as run_check
from uapress.commands.check import checklist_lines, status_rows, status_table, write_checklist
from uapress.commands.comments import collect as collect_comments
from uapress.commands.comments import comments_json, format_comments, to_checklist
from uapress.commands.diff import diff as run_diff
from uapress.commands.report import Progress, build_lines, print_diagnostics, summary
from uapress.core.counts import plural
from uapress.core.errors import Interrupted, UsageError, display_path
from uapress.source import project_root


@app.command()
@reported
def build(
    slugs: list[str] | None = typer.Argument(None, help="Actions to build (folder names); all by default."),
    format: list[str] | None = typer.Option(None, "--format", "-f", help="html, pdf or docx; repeat for several."),
    lang: list[str] | None = typer.Option(None, "--lang", "-l", help="Only these languages; repeat for several."),
    out: Path | None = typer.Option(None, "--out", help="Output folder (default: build/)."),
    paper: str | None = typer.Option(None, "--paper", help="A4 or Letter, overriding the brand."),
    pdf_variant: str | None = typer.Option(
        None, "--pdf-variant", help="pdf/ua-1 (tagged, the default) or pdf/a-3b (archiving, tagged too)."
    ),
    proof: bool = typer.Option(
        False,
        "--proof",
        help="Write proof PDFs for reviewers (watermark, build stamp, change "
        "bars) to build/SLUG/LANG/proof/ instead of the editions.",
    ),
    since: str | None = typer.Option(
        None,
        "--since",
        help="With --proof: the git revision change bars compare "
        "with (default: the last commit that touched the action).",
    ),
    strict: bool = typer.Option(False, "--strict", help="Fail on warnings and on untranslated segments."),
    force: bool = typer.Option(False, "--force", help="Rebuild editions whose inputs have not changed."),
    jobs: int | None = typer.Option(None, "--jobs", "-j", min=1, help="Worker processes (default: one per core)."),
    wait: bool = typer.Option(
        False,
        "--wait",
        help="When another build is writing to the same folder, wait for it to finish instead of stopping (exit 1).",
    ),
) -> None:
    """Build every edition of the named actions, then the publication index build/index.html.

    Example: uapress build venezuela-hrd-release --lang es --format pdf --paper letter

    Proofs: uapress build --proof --since HEAD~3
    """
    try:
        root = project_root()
        progress = None if Options.quiet else Progress()
        if since and not proof:
            raise UsageError("--since goes with --proof (or use `uapress diff SLUG --since REV`)")
        report = run_build(
            root,
            slugs or None,
            langs=lang or None,
            formats=format or None,
            out=out,
            paper=paper,
            pdf_variant=pdf_variant,
            proof=proof,
            since=since,
            jobs=jobs,
            force=force,
            progress=progress,
            debug=Options.debug,
            wait=wait,
        )
    except (Interrupted, KeyboardInterrupt) as exc:
        # One line, whatever was running: the editions written are whole, the others untouched.
        typer.echo(
            str(exc) if isinstance(exc, Interrupted) else "interrupted: nothing built; outputs left as they were",
            err=True,
        )
        # Everything is written and the workers are gone: leave now, without waiting at exit for the worker
        # pool's threads, which may be stuck on the pipe of the killed workers.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(Interrupted.exit_code)
    # Issue 21: a build lists its warnings with -v only, each once, in lines that fit 100 columns.
    print_diagnostics(report.diagnostics, quiet=Options.quiet, warnings=Options.verbose, width=100)
    if not Options.quiet:
        for line in build_lines(
            report, proof=proof, out=display_path(out) if out else "build", verbose=Options.verbose
        ):
            typer.echo(line)
    raise typer.Exit(report.exit_code(strict))


@app.command()
@reported
def check(
    slugs: list[str] | None = typer.Argument(None, help="Actions to check; all by default."),
    strict: bool = typer.Option(
        False, "--strict", help="Fail on warnings, untranslated or fuzzy segments and QA errors."
    ),
) -> None:
    """Validate sources, translations and labels without building anything.

    Example: uapress check --strict
    """
    report = run_check(project_root(), slugs or None)
    print_diagnostics(report.diagnostics, quiet=Options.quiet)
    if not Options.quiet:
        typer.echo(summary(f"{plural(report.actions, 'action')} checked", report))
    raise typer.Exit(report.exit_code(strict))


@app.command()
@reported
def diff(
    slug: str = typer.Argument(..., help="The action."),
    since: str | None = typer.Option(
        None, "--since", help="The git revision to compare with (default: the last commit that touched the action)."
    ),
    lang: list[str] | None = typer.Option(None, "--lang", "-l", help="Only these languages; repeat for several."),
) -> None:
    """Print what changed in an action since a git revision: blocks added, changed, removed per language, and facts.

    Example: uapress diff venezuela-hrd-release --since HEAD~3 --lang es
    """
    text = run_diff(project_root(), slug, since, lang or None)
    typer.echo(text)


@app.command()
@reported
def comments(
    proof: Path = typer.Argument(..., help="A proof PDF (build/SLUG/LANG/proof/…) with reviewers' comments."),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON list of objects instead of text."),
    checklist: bool = typer.Option(
        False,
        "--to-checklist",
        help="Also keep each comment of a translation's proof in its PO entry: a warning in the checklist "
        "until confirmed with `uapress translations confirm`.",
    ),
) -> None:
    """Print the comments reviewers left in a PDF proof, each at the source line to edit, grouped by file.

    Sticky notes, highlights, underlines, strike-outs, carets and text boxes are placed on the block under
    them: action.yaml for the source language, the msgstr line of translations/LANG.po for a translation,
    the field's line for facts. Replies follow their comment; comments outside every block are general.

    Example: uapress comments build/venezuela-hrd-release/es/proof/venezuela-hrd-release.es.proof.pdf
    """
    # Collected first: the lines printed are those of the PO file as it now stands, comments added.
    collected = to_checklist(project_root(), proof) if checklist else []
    found = collect_comments(project_root(), proof)
    typer.echo(comments_json(found) if as_json else format_comments(found))
    for line in collected:
        typer.echo(line, err=as_json)  # the JSON on stdout stays one document


@app.command()
@reported
def status(slugs: list[str] | None = typer.Argument(None, help="Actions; all by default.")) -> None:
    """Print translated, fuzzy and missing counts, the share translated and the verdict per action and language.

    A language is ready only when nothing holds it back; the reasons (links still '#', no reference, an expired deadline, warnings, untranslated text) are printed under its row.

    Example: uapress status
    """
    for line in status_table(status_rows(project_root(), slugs or None)):
        typer.echo(line)


@app.command()
@reported
def checklist(
    slug: str = typer.Argument(..., help="The action."),
    lang: str = typer.Option(..., "--lang", "-l", help="The language, published or not yet (e.g. de)."),
    out: Path | None = typer.Option(
        None, "--out", help="Folder for checklist.html and checklist.json (default: build/<slug>/<lang>/)."
    ),
) -> None:
    """Write the translation checklist of one language, even one with no PO file yet; print its verdict and QA findings.

    Example: uapress checklist venezuela-hrd-release --lang de
    """
    paths, result = write_checklist(project_root(), slug, lang, out)
    for path in paths:
        typer.echo(str(path))
    if not Options.quiet:
        for line in checklist_lines(result):
            typer.echo(line)
