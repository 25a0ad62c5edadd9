"""Command line: parse options and call one library function per command."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, ParamSpec

import typer

from uapress import __version__
from uapress.build.run import build as run_build
from uapress.commands.check import check as run_check
from uapress.commands.check import (
    checklist_lines,
    confirm_findings,
    status_rows,
    update_translations,
    write_checklist,
)
from uapress.commands.comments import collect as collect_comments
from uapress.commands.comments import comments_json, format_comments, to_checklist
from uapress.commands.diff import diff as run_diff
from uapress.commands.exchange import export as run_export
from uapress.commands.exchange import import_file
from uapress.commands.report import Progress, paint, plural, print_diagnostics, summary, verdict_table
from uapress.commands.scaffold import followup_action, new_action
from uapress.commands.serve import serve as run_serve
from uapress.core.errors import Interrupted, UapressError, UsageError, display_path
from uapress.source import find_actions, load_action, project_root

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
    verbose: bool = typer.Option(
        False, "-v", "--verbose", help="Print every file written, and every warning of a build."
    ),
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version."),
) -> None:
    """uapress: one source per urgent action, every edition in every language."""
    _State.debug, _State.quiet, _State.verbose = debug, quiet, verbose


def reported(command: Callable[P, None]) -> Callable[P, None]:
    """Run a command so that a UapressError ends it with its message, its findings and its exit code, no traceback."""

    @functools.wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> None:
        try:
            command(*args, **kwargs)
        except UapressError as exc:
            if _State.debug:
                raise
            if exc.args and exc.args[0]:
                typer.echo(paint("error", "error") + f": {exc.args[0]}", err=True)
            print_diagnostics(exc.diagnostics)
            raise typer.Exit(exc.exit_code) from None

    return run


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
        progress = None if _State.quiet else Progress()
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
            debug=_State.debug,
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
    print_diagnostics(report.diagnostics, quiet=_State.quiet, warnings=_State.verbose, width=100)
    if not _State.quiet:
        for edition in report.editions:
            state = (
                "FAILED" if edition.failed else ("unchanged" if edition.unchanged else f"{len(edition.files)} file(s)")
            )
            counts = edition.counts
            extra = ""
            if counts and edition.job.lang != edition.job.action.language:
                extra = f" · {counts['translated']} translated, {counts['fuzzy']} fuzzy, {counts['missing']} missing"
            typer.echo(f"{edition.job.name}: {state}{extra}")
            if _State.verbose:
                for path in edition.files:
                    typer.echo(f"    {path}")
        unchanged = sum(e.unchanged for e in report.editions)
        if not proof:
            rows = [(e.job.action.slug, e.job.lang, e.failed, e.blockers) for e in report.editions]
            for line in verdict_table(rows, display_path(out) if out else "build"):
                typer.echo(line)
        if report.warnings and not _State.verbose:
            warned = len({(d.file, d.line, d.field, d.message) for d in report.warnings})
            typer.echo(plural(warned, "warning", "warnings") + ": `uapress check` or `uapress -v build` lists them")
        failed = sum(e.failed for e in report.editions)
        # Only what was written counts as built: a failed edition is counted apart (issue 19).
        built = len(report.editions) - unchanged - failed
        counted = f"{built} {'proof' if proof else 'edition'}(s) built, {unchanged} unchanged"
        typer.echo(summary(counted + (f", {failed} FAILED" if failed else ""), report))
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
    print_diagnostics(report.diagnostics, quiet=_State.quiet)
    if not _State.quiet:
        typer.echo(summary(f"{report.actions} action(s) checked", report))
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
    rows = status_rows(project_root(), slugs or None)
    header = ("action", "lang", "translated", "fuzzy", "missing", "QA errors", "translated %", "verdict")
    table = [header] + [tuple(str(v) for v in row[:-1]) for row in rows]
    widths = [max(len(r[i]) for r in table) for i in range(len(header))]
    reasons = [()] + [row[-1] for row in rows]
    for index, row in enumerate(table):
        typer.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
        if index == 0:
            typer.echo("  ".join("-" * width for width in widths))
        if reasons[index]:
            typer.echo(f"    {'; '.join(reasons[index])}")


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
    if not _State.quiet:
        for line in checklist_lines(result):
            typer.echo(line)


@translations_app.command("confirm")
@reported
def translations_confirm(
    slug: str = typer.Argument(..., help="The action."),
    finding_ids: list[str] = typer.Argument(..., help="Ids of the QA warnings a person checked (from the checklist)."),
    lang: str = typer.Option(..., "--lang", "-l", help="The translation's language."),
) -> None:
    """Confirm QA warnings a person checked, so they no longer block readiness ('# qa-ok: ID' in the PO file).

    Example: uapress translations confirm venezuela-hrd-release --lang es links-3fa29c1b
    """
    lines = confirm_findings(project_root(), slug, lang, finding_ids)
    for line in lines:
        typer.echo(line)


@translations_app.command("update")
@reported
def translations_update(
    slugs: list[str] | None = typer.Argument(None, help="Actions; all by default."),
    lang: list[str] | None = typer.Option(None, "--lang", "-l", help="Languages; the action's languages by default."),
    memory: bool = typer.Option(
        True,
        "--memory/--no-memory",
        help="Pre-fill new and changed blocks from the "
        "translation memory (every action's translations and imported TMX files).",
    ),
) -> None:
    """Create or update the PO files from the source: new blocks empty (or filled from the translation memory),
    changed ones fuzzy, removed ones obsolete.

    Example: uapress translations update venezuela-hrd-release-fi1 --lang es
    """
    reports = update_translations(project_root(), slugs or None, lang or None, memory=memory)
    for report in reports:
        typer.echo(report.summary())


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
    if not _State.quiet:
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
    print_diagnostics(warnings, quiet=_State.quiet)
    typer.echo(f"wrote {display_path(path)}")
    if not _State.quiet:
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
        debug=_State.debug,
        log=lambda line: None if _State.quiet else typer.echo(line),
    )
    typer.echo("stopped")


@app.command("import")
@reported
def import_(
    file: Path = typer.Argument(
        ...,
        help="The translated file: a DOCX edition, an XLIFF 2.x file or a PO file, or an OmegaT project folder "
        "(its target/ PO file); or a TMX file for the translation memory.",
    ),
    action: str | None = typer.Option(
        None,
        "--action",
        "-a",
        help="The action (files name it; only for a DOCX that names none, the one its bookmarks belong to by default).",
    ),
    lang: str | None = typer.Option(
        None,
        "--lang",
        "-l",
        help="The language translated into (files name it; needed for a DOCX of the source-language edition).",
    ),
    force: bool = typer.Option(False, "--force", help="Replace accepted translations that differ from the file's."),
) -> None:
    """Read a translated file into translations/LANG.po, creating it if needed; report what changed.

    A TMX file goes to source/memory/ instead, and feeds `translations update` of every action.

    Example: uapress import venezuela-hrd-release.de.docx (the file names its action and language)

    OmegaT: uapress import build/venezuela-hrd-release/translate/venezuela-hrd-release.fr.omegat

    Memory from TMX: uapress import memory.tmx
    """
    report = import_file(project_root(), file, action=action, lang=lang, force=force)
    if not _State.quiet:
        for line in report.lines():
            typer.echo(line)


@app.command()
@reported
def export(
    slug: str | None = typer.Argument(None, help="The action (for tmx: all actions by default)."),
    lang: str | None = typer.Option(
        None,
        "--lang",
        "-l",
        help="The language to translate into (for docx: the edition's "
        "language, the source language or any other; for tmx: every language by default).",
    ),
    format: str = typer.Option(
        "xliff",
        "--format",
        "-f",
        help="xliff (XLIFF 2.1), po (a copy of the PO file), "
        "docx (the edition to translate), omegat (an OmegaT project folder: the PO, the memory of the "
        "language pair, a glossary) or tmx (the translation memory, TMX 1.4b).",
    ),
    out: Path | None = typer.Option(
        None,
        "--out",
        help="The file to write, or a folder to write it in (default: "
        "build/SLUG/translate/SLUG.LANG.EXT; for omegat the folder build/SLUG/translate/SLUG.LANG.omegat; "
        "for tmx build/memory.tmx or build/SLUG/translate/SLUG.tmx).",
    ),
) -> None:
    """Write the file a translator works on: XLIFF 2.1 for CAT tools, the PO file, the DOCX edition, an OmegaT project, or the memory as TMX.

    Example: uapress export venezuela-hrd-release --lang de --format xliff

    OmegaT: uapress export venezuela-hrd-release --lang fr --format omegat

    Memory as TMX: uapress export --format tmx
    """
    result = run_export(project_root(), slug, lang, format, out)
    typer.echo(f"wrote {display_path(result.path)}" + (f" ({result.note})" if result.note else ""))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
