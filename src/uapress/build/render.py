"""Stage 5, build: the one chain from a localised edition to its files in memory (localise -> model -> writers)."""

from __future__ import annotations

import datetime as dt
import errno
import tempfile
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from uapress.build.index_sources import verdict
from uapress.build.outputs import WORK_FOLDER
from uapress.build.plan import EditionResult, Job
from uapress.core.counts import plural
from uapress.core.errors import BuildError, Diagnostic, SourceError, UsageError
from uapress.core.inputs import Inputs
from uapress.core.nodes import Document
from uapress.localise import Localisation, localise
from uapress.model.document import build_document
from uapress.model.letters import with_letters
from uapress.source.schema import Action
from uapress.writers import LETTER_SHEETS, WRITERS, files_for
from uapress.writers.brand import Brand

if TYPE_CHECKING:
    from uapress.core.nodes import Segment


def render_edition(
    result: EditionResult, loc: Localisation, appeal: Localisation | None, brand: Brand, debug: bool = False
) -> EditionResult:
    """Render every format of one localised edition in memory into `result.outputs`; stop at the first failure.

    Runs in a worker: it returns the files' bytes by name in the edition folder, and the build writes
    them, so that only the main process ever touches `build/` (and a stopped build writes nothing more).
    `appeal` is the appeal language's localisation, whose letter the edition carries as an annex (or None).
    """
    job = result.job
    document = edition_document(loc, appeal, job.today)
    assert document.checklist is not None  # build_document always makes one
    result.verdict = verdict(document.checklist)  # spares the index localising the edition again
    companions = CHECKLISTS
    if document.letter is not None:
        companions += tuple(LETTER_SHEETS[name] for name in job.formats if name in LETTER_SHEETS)
    if job.proof is not None:
        # A proof is its edition with the reviewers' marks on top; the checklists are the editions' business.
        document = replace(document, meta=replace(document.meta, proof=job.proof))
        companions = ()
    for name in job.formats + companions:
        try:
            result.outputs.update(render(document, (name,), brand))
        except (SourceError, UsageError):
            raise
        except Exception as exc:  # a writer bug or a rendering failure: report it, keep the old files
            if isinstance(exc, OSError) and exc.errno in WRITE_FAILURES:
                # Issue 25: a full disk where WeasyPrint writes its fonts was "action.yaml: the pdf writer failed".
                where = _written(exc)
                result.outputs = {}
                result.fail(
                    name,
                    f"{exc.strerror}{' (the disk is full)' if exc.errno == errno.ENOSPC else ''}",
                    where,
                    f"the {name} edition was not rendered: a temporary file could not be written",
                    f"free some space in {where}, or set TMPDIR to a folder on a disk with space; then build again",
                )
                return result
            if debug and not isinstance(exc, BuildError):
                raise
            result.outputs = {}
            result.fail(
                name,
                str(exc) if isinstance(exc, BuildError) else f"{type(exc).__name__}: {exc}",
                job.action.path,
                f"the {name} writer failed",
                "run with --debug for the traceback",
            )
            return result
    if document.letter is None and job.proof is None:
        # A letter no longer wholly translated (its source changed) must not stay on offer as a sheet to send.
        result.withdrawn = [
            WRITERS[LETTER_SHEETS[name]].file_for(job.action.slug, job.lang)
            for name in job.formats
            if name in LETTER_SHEETS
        ]
    return result


CHECKLISTS: tuple[str, ...] = ("checklist-html", "checklist-json")
"""The companions every edition gets (not a proof)."""


def writers_for(formats: Iterable[str]) -> set[str]:
    """Return the writers that jobs of `formats` may run: those formats, their letter sheets and the checklists."""
    chosen = set(formats)
    return chosen | {LETTER_SHEETS[name] for name in chosen if name in LETTER_SHEETS} | set(CHECKLISTS)


WRITE_FAILURES = (errno.ENOSPC, errno.EFBIG, errno.EDQUOT, errno.EROFS)
"""What a writer's temporary file meets on a full disk (or over a size limit, or on a read-only one)."""


def _written(exc: OSError) -> Path:
    """Return the file a render could not write, or the temporary folder it wrote in (never a build's work folder)."""
    if exc.filename:
        return Path(exc.filename)
    folder = Path(tempfile.gettempdir())
    return folder.parent if folder.name.startswith(WORK_FOLDER) else folder


def localised(
    action: Action,
    lang: str,
    root: Path,
    *,
    today: dt.date | None = None,
    inputs: Inputs | None = None,
    letters: bool = True,
) -> tuple[Localisation, Document]:
    """Localise one edition and build its document, with its letter pack unless `letters` is false.

    The chain every command that shows an edition runs (build, checklist, serve, export); a build
    localises in its main process and renders in its workers, so it runs the two halves apart.
    """
    loc = localise(action, lang, root, inputs)
    if not letters:
        return loc, build_document(loc, files_for(action.slug, lang), today)
    return loc, edition_document(loc, appeal_localisation(action, lang, root, inputs), today)


def render(document: Document, names: tuple[str, ...], brand: Brand) -> dict[str, bytes]:
    """Return the files the writers `names` make of a document, by their name in its edition folder."""
    meta = document.meta
    return {WRITERS[name].file_for(meta.slug, meta.lang): WRITERS[name].load()(document, brand) for name in names}


def edition_document(loc: Localisation, appeal: Localisation | None, today: dt.date | None = None) -> Document:
    """Return the document of an edition with its letter pack: its letter, and the appeal language's as an annex."""
    return with_letters(build_document(loc, files_for(loc.action.slug, loc.lang), today), loc, appeal)


def appeal_localisation(action: Action, lang: str, root: Path, inputs: Inputs | None = None) -> Localisation | None:
    """Localise the appeal language for the annex letter of an edition in `lang`, or return None when it has none.

    A build reads it through the job's inputs, so the appeal language's PO file is hashed into the
    edition's key (an edit to es.po rebuilds every edition showing the Spanish letter) and rendered
    from those very bytes.
    """
    appeal = action.appeal_language
    if appeal == lang or appeal not in action.editions:
        return None

    return localise(action, appeal, root, inputs)


def inspect_edition(job: Job, root: Path, unchanged: bool = False) -> tuple[EditionResult, Localisation]:
    """Localise an edition and list its problems (fallbacks included) without rendering it."""
    loc = localise(job.action, job.lang, root, job.inputs)
    result = EditionResult(job, problems=list(loc.problems), counts=loc.counts, unchanged=unchanged)
    result.problems += fallback_warnings(loc)
    return result, loc


def fallback_warnings(loc: Localisation) -> list[Diagnostic]:
    """Return one warning per field and kind of fallback (seven untranslated paragraphs make one line); none for
    the source language."""
    if loc.lang == loc.action.language:
        return []
    groups: dict[tuple[str, str], list[str]] = {}
    segment: Segment
    for segment in loc.segments:
        if segment.fallback:
            groups.setdefault((segment.field, segment.status), []).append(segment.id)
    what = {"missing": "not translated", "fuzzy": "out of date (fuzzy)", "invalid": "breaking Markdown"}
    store = loc.store_path.name if loc.store_path else f"translations/{loc.lang}.po"
    return [
        Diagnostic(
            "warning",
            f"[{loc.lang}] {plural(len(ids), 'segment')} {what[status]}, shown in the source language: {', '.join(ids)}",
            loc.store_path or loc.action.path,
            field=field,
            hint=f"translate them in {store}; the checklist lists them",
        )
        for (field, status), ids in groups.items()
    ]
