"""Stage 5, build: plan the editions, run the pipeline for each, write outputs atomically."""

from __future__ import annotations

import datetime as dt
import hashlib
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable

from .brand import Brand, load_brand
from .cache import Cache, edition_key, proof_name, styles_hash
from .errors import BuildError, Diagnostic, Findings, SourceError, UsageError
from .files import write_atomic
from .localise import localise
from .model.document import build_document
from .model.letters import with_letters
from .source import find_actions
from .source.load import review_action
from .source.schema import Action
from .writers import EDITION_FORMATS, LETTER_SHEETS, WRITERS, files_for


@dataclass(frozen=True)
class Job:
    """One edition to build: an action in one language, in some formats."""

    action: Action
    lang: str
    formats: tuple
    proof: object = None
    """The `model.nodes.Proof` to draw when the job builds a proof (formats `("proof",)`)."""

    @property
    def name(self) -> str:
        """Return `slug/lang`."""
        return f"{self.action.slug}/{self.lang}"

    @property
    def cache_name(self) -> str:
        """Return the job's cache entry: proofs are kept apart from the editions."""
        return proof_name(self.name) if "proof" in self.formats else self.name


@dataclass
class EditionResult:
    """What building one edition produced."""

    job: Job
    files: list[Path] = field(default_factory=list)
    problems: list[Diagnostic] = field(default_factory=list)
    counts: dict = field(default_factory=dict)
    failed: bool = False
    failed_format: str = ""
    """The writer that failed (`pdf`…), when one did."""
    unchanged: bool = False
    """True when the inputs had not changed and nothing was rebuilt."""


@dataclass
class BuildReport(Findings):
    """Everything a build did and found, for the summary and the exit code."""

    editions: list[EditionResult] = field(default_factory=list)
    problems: list[Diagnostic] = field(default_factory=list)
    """Problems not tied to one edition (sources that failed to load)."""

    @property
    def diagnostics(self) -> list[Diagnostic]:
        """Return every problem found, source problems first."""
        return self.problems + [p for e in self.editions for p in e.problems]

    def exit_code(self, strict: bool) -> int:
        """Return 1 on errors (or warnings under --strict), else 0."""
        failed = any(e.failed for e in self.editions)
        return 1 if failed or self.errors or (strict and self.warnings) else 0


def plan(root: Path, slugs: list[str] | None, langs: list[str] | None, formats: list[str] | None,
         report: BuildReport, today: dt.date | None = None) -> list[Job]:
    """Load the named actions and list the editions to build; sources with errors are reported, not built."""
    formats = tuple(formats or EDITION_FORMATS)
    unknown = [f for f in formats if f not in EDITION_FORMATS]
    if unknown:
        raise UsageError(f"unknown format: {', '.join(unknown)}; known formats: {', '.join(EDITION_FORMATS)}")
    jobs = []
    for path in find_actions(root, slugs):
        action, found = review_action(path, today)
        report.problems += found  # an expired action is noticed here, still built, marked in the index
        if action is None:
            continue
        editions = action.editions
        if langs:
            missing = [lang for lang in langs if lang not in editions]
            if missing and slugs:
                raise UsageError(f"{action.slug} is not published in {', '.join(missing)}; "
                                 f"its languages: {', '.join(editions)} (add them to 'languages' in action.yaml)")
            editions = tuple(lang for lang in editions if lang in langs)
        jobs += [Job(action, lang, formats) for lang in editions]
    return jobs


def build_edition(job: Job, root: Path, brand: Brand, out: Path, debug: bool = False) -> EditionResult:
    """Render every format of one edition in memory, then write them all; on failure write nothing."""
    result, loc = inspect_edition(job, root)
    document = edition_document(loc, root)
    companions = ("checklist-html", "checklist-json")
    if document.letter is not None:
        companions += tuple(LETTER_SHEETS[name] for name in job.formats if name in LETTER_SHEETS)
    if job.proof is not None:
        # A proof is its edition with the reviewers' marks on top; the checklists are the editions' business.
        document = replace(document, meta=replace(document.meta, proof=job.proof))
        companions = ()
    outputs: dict[Path, bytes] = {}
    folder = out / job.action.slug / job.lang
    for name in job.formats + companions:
        writer = WRITERS[name]
        try:
            outputs[folder / writer.file_for(job.action.slug, job.lang)] = writer.load()(document, brand)
        except (SourceError, UsageError):
            raise
        except Exception as exc:  # a writer bug or a rendering failure: report it, keep the old files
            if debug and not isinstance(exc, BuildError):
                raise
            result.failed, result.failed_format = True, name
            why = str(exc) if isinstance(exc, BuildError) else f"{type(exc).__name__}: {exc}"
            result.problems.append(Diagnostic("error", f"the {name} writer failed: {why}", job.action.path,
                                              hint="run with --debug for the traceback"))
            return result
    for path, data in outputs.items():
        write_atomic(path, data)
        result.files.append(path)
    if document.letter is None and job.proof is None:
        # A letter no longer wholly translated (its source changed) must not stay on offer as a sheet to send.
        for name in job.formats:
            if name in LETTER_SHEETS:
                (folder / WRITERS[LETTER_SHEETS[name]].file_for(job.action.slug, job.lang)).unlink(missing_ok=True)
    return result


def edition_document(loc, root: Path):
    """Return the document of an edition with its letter pack: its letter, and the appeal language's as an annex."""
    action, appeal = loc.action, loc.action.appeal_language
    document = build_document(loc, files_for(action.slug, loc.lang))
    published = appeal != loc.lang and appeal in action.editions
    return with_letters(document, loc, localise(action, appeal, root) if published else None)


def inspect_edition(job: Job, root: Path, unchanged: bool = False):
    """Localise an edition and list its problems (fallbacks included) without rendering it."""
    loc = localise(job.action, job.lang, root)
    result = EditionResult(job, problems=list(loc.problems), counts=loc.counts, unchanged=unchanged)
    if job.lang != job.action.language:
        result.problems += _fallback_warnings(job, loc)
    return result, loc


def _fallback_warnings(job: Job, loc) -> list[Diagnostic]:
    """Return one warning per field and kind of fallback (seven untranslated paragraphs make one line)."""
    groups: dict[tuple, list] = {}
    for segment in loc.segments:
        if segment.fallback:
            groups.setdefault((segment.field, segment.status), []).append(segment.id)
    what = {"missing": "not translated", "fuzzy": "out of date (fuzzy)", "invalid": "breaking Markdown"}
    store = loc.store_path.name if loc.store_path else f"translations/{job.lang}.po"
    return [
        Diagnostic("warning", f"[{job.lang}] {len(ids)} segment(s) {what[status]}, shown in the source language: "
                   f"{', '.join(ids)}", loc.store_path or job.action.path, field=field,
                   hint=f"translate them in {store}; the checklist lists them")
        for (field, status), ids in groups.items()
    ]


def build(root: Path, slugs: list[str] | None = None, *, langs: list[str] | None = None,
          formats: list[str] | None = None, out: Path | None = None, paper: str | None = None,
          pdf_variant: str | None = None, proof: bool = False, since: str | None = None,
          jobs: int | None = None, force: bool = False, today: dt.date | None = None,
          progress: Callable[[int, int, str], None] | None = None, debug: bool = False) -> BuildReport:
    """Build the editions of the named actions (all by default) into `out` (default `build/`).

    Editions whose inputs have not changed since the last build are skipped (`force` rebuilds
    them); the others are built in `jobs` worker processes (default: one per core). With `proof`,
    proof PDFs are built instead, with change bars since `since` (default: each action's last
    commit). Every build ends by rewriting `out/index.html`, the publication index.
    """
    report = BuildReport()
    brand = load_brand(root).with_page(paper).with_pdf_variant(pdf_variant)
    out = out or root / "build"
    if proof and formats:
        raise UsageError("proofs are PDF only: leave out --format with --proof")
    review = None
    if proof:
        from .proof import Review

        review = Review(root, since)  # an unknown --since stops here, before anything is written
    planned = plan(root, slugs, langs, formats, report, today)
    cache = Cache(out)
    styles = styles_hash(root)
    options = f"paper={brand.page_size},pdf={brand.pdf_variant}"
    todo = []
    for job in planned:
        if review is not None:
            job = replace(job, formats=("proof",))
        key = edition_key(root, job.action.path, job.lang, job.formats, styles, options,
                          also=(job.action.appeal_language,))
        if review is not None:
            # The stamp shows the inputs' hash; the cache also needs the revisions compared with.
            inputs, key = key, hashlib.sha256(f"{key}\0{review.key(job.action)}".encode()).hexdigest()
        if not force and cache.fresh(job.cache_name, key, out):
            # Nothing to render, but its warnings still count (--strict must see the fallbacks).
            report.editions.append(inspect_edition(job, root, unchanged=True)[0])
            if progress:
                progress(len(report.editions), len(planned), f"{job.name} unchanged")
        else:
            if review is not None:
                job = replace(job, proof=review.proof(job.action, job.lang, inputs))
            todo.append((job, key))
    if todo:
        # Drop the old entries before writing anything: a build killed halfway leaves an edition with some
        # new and some old files, and the old key must not vouch for them if the inputs are then reverted.
        for job, _ in todo:
            cache.forget(job.cache_name)
        cache.save()
    try:
        for (job, key), result in zip(todo, _run(todo, root, brand, out, jobs, debug)):
            report.editions.append(result)
            if result.failed:
                # Not fresh, so rebuilt next time; remembered for the publication index.
                message = next((d.message for d in result.problems if d.is_error), "failed")
                cache.record_failure(job.cache_name, result.failed_format, message)
            else:
                cache.record(job.cache_name, key, [str(p.relative_to(out)) for p in result.files])
            if progress:
                progress(len(report.editions), len(planned), f"{job.name} {'FAILED' if result.failed else 'built'}")
    finally:
        # Saved even on Ctrl-C: what finished is recorded, what did not is rebuilt next time.
        if todo:
            cache.save()
    # Every build rewrites the index (a no-op one too: days left change), except one that only found
    # broken sources: like a failed build, it leaves build/ exactly as it was.
    index_key = cache.index_inputs(root, styles, (today or dt.date.today()).isoformat())
    fresh_index = cache.index_key == index_key and (out / "index.html").is_file()
    if not fresh_index and (todo or not any(d.is_error for d in report.problems)):
        from .site import write_index

        try:
            write_index(root, out, brand, cache, today)
            cache.index_key = index_key
            cache.save()
        except OSError as exc:  # a brand folder without styles/index.html, a read-only build folder
            report.problems.append(Diagnostic("error", f"the publication index was not written: {exc.strerror}",
                                              Path(exc.filename) if exc.filename else out / "index.html",
                                              hint="styles/ needs index.html (copy it from uapress's styles/)"))
    return report


def _run(todo, root: Path, brand: Brand, out: Path, jobs: int | None, debug: bool):
    """Yield the result of each job, in order, from worker processes when there are several."""
    workers = min(jobs or os.cpu_count() or 1, len(todo))
    if workers <= 1:
        for job, _ in todo:
            yield _guarded(job, root, brand, out, debug)
        return
    context = multiprocessing.get_context("fork")
    needs_pdf = any("pdf" in job.formats or "proof" in job.formats for job, _ in todo)
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_warm, initargs=(needs_pdf,)) as pool:
        futures = [pool.submit(_guarded, job, root, brand, out, debug) for job, _ in todo]
        for future in futures:
            yield future.result()


def _warm(needs_pdf: bool) -> None:
    """Import WeasyPrint once per worker, before its first edition."""
    if needs_pdf:
        from .writers.weasy import import_weasyprint

        import_weasyprint()


def _guarded(job: Job, root: Path, brand: Brand, out: Path, debug: bool) -> EditionResult:
    try:
        return build_edition(job, root, brand, out, debug)
    except SourceError as exc:
        return EditionResult(job, problems=exc.diagnostics, failed=True)
