"""Command line: the translation store and the files translators work on (import, export)."""

from __future__ import annotations

from pathlib import Path

import typer

from uapress.cli.app import Options, app, reported, translations_app
from uapress.commands.check import confirm_findings, update_translations
from uapress.commands.exchange import export as run_export
from uapress.commands.exchange import import_file
from uapress.core.errors import display_path
from uapress.source import project_root


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
    if not Options.quiet:
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
