"""Translation exchange: hand a language out (XLIFF 2.1, PO, DOCX) and take its translation back in.

`export` writes the file a translator works on; `import_file` reads a translated DOCX edition
(its segment bookmarks), an XLIFF 2.0/2.1 file or a PO file into the action's PO store. Modules:
`safety` (zip and XML guards), `docx_import`, `xliff`, `pofile` (readers), `markup` (formatted
text to the Markdown subset and back), `apply` (the PO update) and `report`.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from uapress.build.render import localised, render
from uapress.core.counts import plural
from uapress.core.errors import SourceError, UsageError, display_path
from uapress.core.files import write_outputs
from uapress.core.inputs import read_project_file
from uapress.core.safety import ExchangeError, describe, read_head
from uapress.exchange.apply import apply
from uapress.exchange.docx_import import read_docx
from uapress.exchange.omegat import CONFIG_DIR, PROJECT_FILE, project_files, project_po
from uapress.exchange.pofile import read_po_file
from uapress.exchange.report import ImportReport
from uapress.exchange.tmx import TmxImport, export_tmx, import_tmx, pair_memories
from uapress.exchange.xliff import looks_like_xml, read_xliff, write_xliff
from uapress.localise import po
from uapress.localise.segments import action_segments
from uapress.localise.store import merge_store, store_path
from uapress.source import find_actions, load_action
from uapress.source.validate import require_language
from uapress.writers.brand import load_brand

if TYPE_CHECKING:
    from uapress.exchange.received import Received
    from uapress.source.schema import Action

FORMATS = {"xliff": "xlf", "po": "po", "docx": "docx", "tmx": "tmx", "omegat": "omegat"}
"""Export formats and their file extensions."""

__all__ = ["FORMATS", "ExchangeError", "ExportResult", "ImportReport", "export", "import_file"]


def import_file(
    root: Path,
    path: Path,
    action: str | None = None,
    lang: str | None = None,
    force: bool = False,
    today: dt.date | None = None,
) -> ImportReport | TmxImport:
    """Import a translated DOCX, XLIFF or PO file into `translations/<lang>.po` of its action.

    A DOCX names the language of its edition (the `uapress-language` property), which is the default
    `lang`, and its action (`uapress-action`); only a DOCX that names no action is matched to the action
    its bookmarks name most (issue 19). XLIFF and PO files name both; `action` and `lang`, when given,
    must agree with what the file names. An accepted translation is replaced only with
    `force`. On any error the PO file is left exactly as it was.
    """
    path = Path(path)
    if path.is_dir():
        path = _omegat_target(path)
    if not path.is_file():
        raise UsageError(f"no such file: {path}")
    if _is_tmx(path):
        if action or lang or force:
            raise UsageError(
                f"{path.name} is a translation memory (TMX): it feeds every action and language it holds, "
                "so --action, --lang and --force do not apply"
            )

        return import_tmx(root, path)
    received = _read(path)
    if received.kind == "DOCX" and not received.units:
        raise ExchangeError(
            f"{path.name} has no segment bookmarks, so nothing was imported: it was not made by uapress, "
            "or it lost its bookmarks (e.g. copied into a new document, or saved through a converter that "
            "drops them). Export the edition again with `uapress export SLUG --lang LANG --format docx` "
            "and translate in that file."
        )
    slug = _action_slug(root, received, action)
    loaded = _load(root, slug)
    if received.kind == "DOCX" and not lang:
        # A DOCX exported with `--lang fr` names its language (issue 12); older files and the source
        # language's edition do not say which language it was translated into.
        lang = received.edition_lang if received.edition_lang != loaded.language else None
        if not lang:
            made = (
                f"the {received.edition_lang} edition" if received.edition_lang else "an edition that names no language"
            )
            raise UsageError(
                f"{path.name} is {made}: give the language it was translated into with --lang (e.g. --lang de)"
            )
    target = _language(received, lang)
    if received.source_lang and received.source_lang != loaded.language:
        raise ExchangeError(
            f"{path.name} translates from '{received.source_lang}', but the source language of "
            f"{slug} is '{loaded.language}'"
        )
    if target == loaded.language:
        raise UsageError(f"'{target}' is the source language of {slug}: it has no translation file to import into")
    require_language(target)
    return apply(loaded, target, received, force=force, today=today)


def _omegat_target(folder: Path) -> Path:
    """Return the translated PO file of an OmegaT project folder (issue 23), or say why there is none."""
    if not (folder / PROJECT_FILE).is_file():
        raise UsageError(
            f"{folder} is a folder, not a file: import a DOCX, XLIFF, PO or TMX file, or an OmegaT project "
            f"folder (one with {PROJECT_FILE})"
        )
    found = project_po(folder)
    if found is None:
        raise UsageError(
            f"{folder} is an OmegaT project without one translated PO file in target/: create the translated "
            "documents in OmegaT first (Project > Create Translated Documents), or name the file to import"
        )
    return found


def _is_tmx(path: Path) -> bool:
    """Tell a TMX file by its name or by its root element, whatever its name."""
    return path.suffix.lower() == ".tmx" or (looks_like_xml(path) and b"<tmx" in read_head(path, 1024))


def _read(path: Path) -> Received:
    """Read a file by what it is, not by its name."""
    head = read_head(path, 64)
    suffix = path.suffix.lower()
    if head.startswith(b"PK") or zipfile.is_zipfile(path):
        return read_docx(path)
    if looks_like_xml(path):
        return read_xliff(path)
    claimed = suffix in (".docx", ".xlf", ".xliff")
    if suffix in (".po", ".pot") or (not claimed and head.lstrip().startswith((b"msgid", b"msgctxt", b"#"))):
        return read_po_file(path)
    what = describe(head)
    kind = {".docx": "a DOCX", ".xlf": "an XLIFF", ".xliff": "an XLIFF"}.get(suffix, "a DOCX, XLIFF or PO")
    found = f"it is {what}" if what else "its content is of no kind uapress reads"
    raise ExchangeError(f"{path.name} is not {kind} file ({found})")


def _action_slug(root: Path, received: Received, action: str | None) -> str:
    named = received.action
    if named and action and named != action:
        raise UsageError(
            f"{received.path.name} is a translation of the action '{named}', not '{action}' "
            f"(the file names its action: leave --action out, or export {action}'s own file)"
        )
    slug = named or action
    if slug:
        known = {p.parent.name for p in find_actions(root)}
        if slug not in known:
            if named:
                raise ExchangeError(
                    f"{received.path.name} is a translation of the action '{named}', "
                    f"which this project does not have (its actions: {', '.join(sorted(known)) or 'none'})"
                )
            find_actions(root, [slug])  # raises the usual "no such action" with a suggestion
        return slug
    return _guess_action(root, received)


def _guess_action(root: Path, received: Received) -> str:
    """Return the action whose segment ids the file's bookmarks name."""
    ids = {unit.id for unit in received.units}
    scores: list[tuple[int, str]] = []
    for path in find_actions(root):
        try:
            loaded, _ = load_action(path)
        except SourceError:
            continue
        scores.append((len(ids & {s.id for s in action_segments(loaded)}), loaded.slug))
    scores.sort(reverse=True)
    if not scores or scores[0][0] == 0 or (len(scores) > 1 and scores[1][0] == scores[0][0]):
        raise UsageError(f"{received.path.name}: say which action it translates with --action SLUG")
    return scores[0][1]


def _language(received: Received, lang: str | None) -> str:
    named = received.lang
    if named and lang and named != lang:
        raise UsageError(
            f"{received.path.name} is a translation into '{named}', not '{lang}' "
            f"(leave --lang out to take the file's language)"
        )
    found = named or lang
    if not found:  # a PO file without a Language header
        raise UsageError(
            f"{received.path.name} names no language: give the language it translates into with --lang (e.g. --lang de)"
        )
    return found


def _load(root: Path, slug: str) -> Action:
    loaded, _ = load_action(find_actions(root, [slug])[0])
    return loaded


@dataclass(frozen=True)
class ExportResult:
    """What `export` wrote."""

    path: Path
    note: str = ""


def export(root: Path, slug: str | None, lang: str | None, fmt: str, out: Path | None = None) -> ExportResult:
    """Write the file to translate one action into `lang`: XLIFF 2.1, a copy of the PO, or the DOCX edition.

    For `docx`, `lang` is the edition's language: the source language or any other (untranslated
    blocks show the source text, marked). The default place is `build/<slug>/translate/`.
    For `tmx`, both are optional: the translation memory of every action (and imported TMX file),
    or of one action, in every language or one, to `build/memory.tmx` or `build/<slug>/translate/<slug>.tmx`.
    """
    if fmt not in FORMATS:
        raise UsageError(f"unknown export format '{fmt}'; known formats: {', '.join(FORMATS)}")
    if lang:
        require_language(lang)
    if fmt == "tmx":
        if slug:
            _load(root, slug)  # an unknown action is a usage error with a suggestion
        data, count, pairs = export_tmx(root, slug, [lang] if lang else None)
        name = f"{slug}.tmx" if slug else "memory.tmx"
        target = _target(out, root / "build" / (f"{slug}/translate" if slug else "") / name, name)
        files: dict[Path, str | bytes] = {target: data}
        note = plural(count, "translation unit")
        if len(pairs) > 1:
            # A CAT tool takes any language of a unit that lacks its target (issue 23): one file per pair for them.
            stem = target.name.removesuffix(".tmx")
            files |= {target.with_name(f"{stem}.{s}-{t}.tmx"): pair_data for (s, t), pair_data in pairs.items()}
            note += (
                f"; every language in one file, for archives. For a CAT tool use one language pair: "
                f"{', '.join(p.name for p in list(files)[1:])}"
            )
        write_outputs(root / "build", files)
        return ExportResult(target, note)
    if not slug or not lang:
        raise UsageError(
            f"--format {fmt} exports one action into one language: give the action and --lang "
            f"(e.g. uapress export venezuela-hrd-release --lang de --format {fmt})"
        )
    action = _load(root, slug)
    if fmt == "omegat":
        return _omegat(root, action, lang, out)
    name = f"{slug}.{lang}.{FORMATS[fmt]}"
    target = _target(out, root / "build" / slug / "translate" / name, name)
    note = ""
    if fmt == "docx":
        data = _docx(root, action, lang)
    else:
        if lang == action.language:
            raise UsageError(
                f"'{lang}' is the source language of {slug}: export a target language "
                f"(its languages: {', '.join(action.languages) or 'none yet'})"
            )
        merged, update = merge_store(action, lang)
        if fmt == "xliff":
            data = write_xliff(action, lang, merged)
        else:
            path = store_path(action, lang)
            if path.exists() and not (update.added or update.fuzzy or update.obsolete):
                data = read_project_file(path)
            else:
                data = po.render(merged).encode("utf-8")
                note = (
                    "a new PO file for this language"
                    if update.created
                    else "brought in line with the current source; run `uapress translations update` to do the same "
                    "to the store"
                )
        if update.created and fmt == "xliff":
            note = "no translations yet: every unit is in state 'initial'"
    write_outputs(root / "build", {target: data})
    return ExportResult(target, note)


def _omegat(root: Path, action: Action, lang: str, out: Path | None) -> ExportResult:
    """Write an OmegaT project folder for one action and language (issue 23)."""
    if lang == action.language:
        raise UsageError(
            f"'{lang}' is the source language of {action.slug}: export a target language "
            f"(its languages: {', '.join(action.languages) or 'none yet'})"
        )
    name = f"{action.slug}.{lang}.omegat"
    folder = _target(out, root / "build" / action.slug / "translate" / name, name)
    if folder.exists() and not (folder / PROJECT_FILE).is_file() and any(folder.iterdir()):
        raise UsageError(f"{folder} exists and is no OmegaT project: name an empty or new folder with --out")
    merged, _ = merge_store(action, lang)
    exact, suggestions = pair_memories(root, action.language, lang, merged, action.slug)
    keep = [(term, "kept as it is (keep)") for term in action.keep]
    keep += [(target.name, "the name of a target") for target in action.targets]
    keep += [(copy.name, "a name") for copy in action.copies]
    files = project_files(
        action.slug, action.language, lang, po.render(merged).encode("utf-8"), exact, suggestions, keep
    )
    write_outputs(root / "build", {folder / path: data for path, data in files.items()})
    for empty in ("target", "dictionary", "omegat"):
        (folder / empty).mkdir(exist_ok=True)
    return ExportResult(
        folder,
        f"open it in OmegaT with its custom tags: omegat --config-dir={display_path(folder / CONFIG_DIR)} "
        f"{display_path(folder)}; then `uapress import {display_path(folder)}`",
    )


def _target(out: Path | None, default: Path, name: str) -> Path:
    if not out:
        return default
    target = Path(out)
    if target.is_dir() or str(out).endswith(("/", "\\")):
        return target / name  # a folder: the file gets its usual name inside it
    return target


def _docx(root: Path, action: Action, lang: str) -> bytes:
    # The edition without its letter pack: a translator translates the action, not the appeal-language annex.
    _, document = localised(action, lang, root, letters=False)
    return next(iter(render(document, ("docx",), load_brand(root)).values()))
