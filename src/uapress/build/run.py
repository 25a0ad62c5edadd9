"""Stage 5, build: run a whole build under the lock: what changed is rendered by the workers and written at once."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import signal
import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, TypeVar

from uapress.build.cache import (
    CACHE_NAME,
    Cache,
    styles_hash,
)
from uapress.build.index_sources import prepare, verdict, with_rendered
from uapress.build.outputs import claim, sweep, write_edition
from uapress.build.plan import (
    BuildReport,
    EditionResult,
    Job,
    Recalled,
    chosen_formats,
    plan,
    settled,
)
from uapress.build.proof import Review
from uapress.build.recall import Report, job_key, recall
from uapress.build.render import appeal_localisation, inspect_edition, writers_for
from uapress.build.site import refresh_index
from uapress.build.workers import Workers, trim_memory
from uapress.core.errors import Interrupted, SourceError, UsageError
from uapress.core.files import BuildLock
from uapress.core.inputs import Inputs
from uapress.model.checklist import build_checklist
from uapress.writers.brand import Brand, load_brand

if TYPE_CHECKING:
    from uapress.build.cache import LoadedAction
    from uapress.build.index_sources import Verdict
    from uapress.build.workers import Todo

T = TypeVar("T")


def build(
    root: Path,
    slugs: list[str] | None = None,
    *,
    langs: list[str] | None = None,
    formats: list[str] | None = None,
    out: Path | None = None,
    paper: str | None = None,
    pdf_variant: str | None = None,
    proof: bool = False,
    since: str | None = None,
    jobs: int | None = None,
    force: bool = False,
    today: dt.date | None = None,
    progress: Callable[[int, int, str], None] | None = None,
    debug: bool = False,
    wait: bool = False,
) -> BuildReport:
    """Build the editions of the named actions (all by default) into `out` (default `build/`).

    Editions whose inputs have not changed since the last build are skipped (`force` rebuilds
    them); the others are built in `jobs` worker processes (default: one per core). With `proof`,
    proof PDFs are built instead, with change bars since `since` (default: each action's last
    commit). Every build ends by rewriting `out/index.html`, the publication index. One build at a
    time writes to `out`: another one raises BuildError, or is waited for with `wait`. Ctrl-C (or
    SIGTERM) stops the build between two editions' writes and raises Interrupted.
    """
    report = BuildReport()
    brand = load_brand(root).with_page(paper).with_pdf_variant(pdf_variant)
    out = out or root / "build"
    claim(out)
    if proof and formats:
        raise UsageError("proofs are PDF only: leave out --format with --proof")
    review = None
    if proof:
        review = Review(root, since)  # an unknown --since stops here, before anything is written
    if review is None and not force and (out / CACHE_NAME).is_file():
        with BuildLock(out, wait), _stopped_by_sigterm():
            recalled = recall(root, slugs, langs, formats, brand, out, today, progress)
        if recalled is not None:
            return recalled
    # Started before the plan reads every action: the workers' process imports WeasyPrint meanwhile, and holds
    # none of an archive's loaded actions, which it would otherwise keep a copy of as the build lets them go (issue 24).
    count = jobs or os.cpu_count() or 1
    workers = Workers(count, writers_for(("proof",) if review is not None else chosen_formats(formats)), brand)
    try:
        loaded: dict[str, LoadedAction] = {}
        planned = plan(root, slugs, langs, formats, report, today, loaded)
        if not planned and any(d.is_error for d in report.problems):
            return report  # only broken sources: like a failed build, it leaves build/ exactly as it was (no lock)
        with BuildLock(out, wait), _stopped_by_sigterm():
            sweep(out)
            languages = {job.lang for job in planned} | {job.action.appeal_language for job in planned}
            workers.begin(min(count, len(planned)), languages)
            report = _build(root, planned, brand, out, review, force, report, progress, today, loaded, workers, debug)
    finally:
        workers.close()  # stops the workers now, whatever happened
    return report


def _build(
    root: Path,
    planned: list[Job],
    brand: Brand,
    out: Path,
    review: Review | None,
    force: bool,
    report: BuildReport,
    progress: Report | None,
    today: dt.date | None,
    loaded: dict[str, LoadedAction],
    workers: Workers,
    debug: bool,
) -> BuildReport:
    """Render the planned editions whose inputs changed, write them and the index; runs under the build's lock."""
    cache = Cache(out)
    report.problems += cache.problems
    remembered = cache.actions
    cache.actions = {**{path: known for path, known in remembered.items() if Path(path).is_file()}, **loaded}
    styles = styles_hash(root)
    # Drop the old entries of the editions to render before writing anything: a build killed halfway must not
    # leave an old key vouching for an edition if its inputs are then reverted. Those found stale only once
    # localised are dropped then, and the cache saved before they are written.
    forgotten = _forget_stale(planned, cache, review, force, styles, brand, out)
    if forgotten:
        report.problems += cache.save()
    done = 0
    rendered: dict[str, Verdict] = {}
    # The index reads what it needs besides the rendered editions while the workers render them; with no
    # workers, this process reads it first, then renders. Every edition's verdict comes from the build: the
    # rendered ones' from their workers, the unchanged ones' as they are localised.
    actions = {job.action.path: job.action for job in planned}
    names = {job.name for job in planned}
    sources = _alongside(workers.parallel, prepare, root, brand, today, actions, {}, names)
    del actions  # the index keeps only what it shows of each action: an archive's actions are let go as they are built
    standins: dict[Path, Recalled] = {}
    unsaved: list[bool] = []
    # Localised as the workers take them, a few ahead: an archive's localisations never all wait in memory (issue 24).
    todo = _stale(
        planned, root, brand, out, cache, review, force, report, progress, styles, rendered, unsaved, standins
    )
    results = workers.run(todo, brand, debug)
    try:
        for job, key, result in results:
            if unsaved:
                report.problems += cache.save()
                unsaved.clear()
            _write(result, out)
            done += 1
            report.editions.append(result)
            if result.failed:
                # Not fresh, so rebuilt next time; remembered for the publication index.
                message = next((d.message for d in result.problems if d.is_error), "failed")
                cache.record_failure(job.cache_name, result.failed_format, message)
            else:
                if result.verdict is not None:
                    result.blockers = len(result.verdict.reasons) + len(result.verdict.blockers)
                cache.record(
                    job.cache_name,
                    key,
                    [str(p.relative_to(out)) for p in result.files],
                    sorted(map(str, job.inputs.files)),
                    result.problems,
                    result.counts,
                    result.blockers,
                )
            job.inputs.release()  # hashed, rendered and recorded: its bytes are no longer needed (issue 24)
            job = result.job = settled(result.job, standins)  # so is its action's text (issue 24)
            # The localisations freed here left C's allocator holding their pages: returned, the build's own process
            # grew 0.13 MiB per action of an archive instead of 0.16 (issue 24; under 1 ms an edition).
            trim_memory()
            if progress:
                progress(len(report.editions), len(planned), f"{job.name} {'FAILED' if result.failed else 'built'}")
    except KeyboardInterrupt:
        built = sum(not e.failed for e in report.editions if not e.unchanged)
        raise Interrupted(built, len(planned) - len(report.editions)) from None
    finally:
        # Saved even on Ctrl-C: what finished is recorded, what did not is rebuilt next time.
        if done or forgotten or unsaved:
            report.problems += cache.save()
    rendered.update({result.job.name: result.verdict for result in report.editions if result.verdict is not None})
    refresh_index(
        root, out, brand, cache, today, bool(done), report, styles, lambda: with_rendered(sources(), rendered)
    )
    if cache.actions != remembered and not done:
        report.problems += cache.save()
    return report


def _stale(
    planned: list[Job],
    root: Path,
    brand: Brand,
    out: Path,
    cache: Cache,
    review: Review | None,
    force: bool,
    report: BuildReport,
    progress: Report | None,
    styles: str,
    verdicts: dict[str, Verdict],
    unsaved: list[bool],
    standins: dict[Path, Recalled],
) -> Iterator[Todo]:
    """Localise each planned edition in turn; report the unchanged ones, yield (job, key, localisation) of the others.

    `verdicts` receives the verdict of each unchanged edition by `slug/lang`, for the index. An edition found
    stale whose cache entry is still there has it dropped, and `unsaved` is marked: save before writing it.
    Each job of `planned` is replaced by its `settled` form as it is taken: the build keeps no action it is done with.
    """
    for number, job in enumerate(planned):
        planned[number] = settled(job, standins)
        if review is not None:
            job = replace(job, formats=("proof",))
        try:
            result, loc = inspect_edition(job, root)
            appeal = appeal_localisation(job.action, job.lang, root, job.inputs)
        except SourceError as exc:  # a PO file that cannot be read: this edition fails, the others go on
            job.inputs.release()
            report.editions.append(EditionResult(settled(job, standins), problems=exc.diagnostics, failed=True))
            continue
        # The key hashes the very bytes just read and localised, which are what the edition is rendered from.
        key = job_key(job, styles, brand)
        if review is not None:
            # The stamp shows the inputs' hash; the cache also needs the revisions compared with.
            inputs, key = key, hashlib.sha256(f"{key}\0{review.key(job.action)}".encode()).hexdigest()
        if not force and cache.fresh(job.cache_name, key, out):
            # Nothing to render, but its warnings still count (--strict must see the fallbacks).
            result.unchanged = True
            result.blockers = cache.blockers(job.cache_name)
            found = verdict(build_checklist(loc, job.today or dt.date.today()))
            if found is not None:
                verdicts[job.name] = found
            job.inputs.release()
            result.job = settled(result.job, standins)
            report.editions.append(result)
            if progress:
                progress(len(report.editions), len(planned), f"{job.name} unchanged")
        else:
            if review is not None:
                job = result.job = replace(job, proof=review.proof(job.action, job.lang, inputs))
            if job.cache_name in cache.entries:
                cache.forget(job.cache_name)
                unsaved[:] = [True]
            yield job, key, (result, loc, appeal)


def _forget_stale(
    planned: list[Job], cache: Cache, review: Review | None, force: bool, styles: str, brand: Brand, out: Path
) -> bool:
    """Drop the cache entries of the planned editions that will be rendered, as far as known before localising them.

    An entry stays when the files it records the edition was read from still give its key (what a no-op
    build checks); `_stale` drops those found stale once localised. Return whether any entry was dropped.
    """
    dropped = False
    if review is not None:
        return dropped  # a proof's key also hashes the revisions compared with: `_stale` tells
    for job in planned:
        if job.cache_name not in cache.entries:
            continue
        if not force:
            recorded = cache.recall(job.cache_name)
            if recorded is None:
                continue  # an older entry without its reads: `_stale` tells
            inputs = Inputs(job.inputs.files)
            try:
                for read in recorded[0]:
                    inputs.read(Path(read))
                if cache.fresh(job.cache_name, job_key(replace(job, inputs=inputs), styles, brand), out):
                    continue
            except (OSError, SourceError):  # unreadable now: rendering it says why
                pass
        cache.forget(job.cache_name)
        dropped = True
    return dropped


def _alongside(threaded: bool, function: Callable[..., T], *args: object) -> Callable[[], T]:
    """Start `function(*args)` in a thread when `threaded`; return a function that waits for and returns its result.

    Without a thread, `function` runs now, so that its arguments are let go of at once (the build's loaded
    actions, issue 24). The thread is a daemon: a build
    stopped by Ctrl-C exits at once instead of waiting for an index it will not write.
    """
    if not threaded:
        found = function(*args)
        return lambda: found
    value: list[T] = []
    error: list[BaseException] = []

    def run() -> None:
        try:
            value.append(function(*args))
        except BaseException as exc:  # handed to whoever asks for the result
            error.append(exc)

    thread = threading.Thread(target=run, name="uapress-index", daemon=True)
    thread.start()

    def result() -> T:
        thread.join()
        if error:
            raise error[0]
        return value[0]

    return result


def _write(result: EditionResult, out: Path) -> None:
    """Write an edition's rendered files all at once; a file system error fails this edition only."""
    if result.failed or not result.outputs:
        return
    job = result.job
    try:
        result.files = write_edition(out / job.action.slug / job.lang, result.outputs, result.withdrawn)
    except OSError as exc:  # a full disk, a read-only folder: name the path and the cause
        where = Path(exc.filename) if exc.filename else out / job.action.slug / job.lang
        result.fail(
            "write",
            exc.strerror or str(exc),
            where,
            "the edition was not written",
            "free some space or make the folder writable, then build again",
        )
    result.outputs = {}


class _stopped_by_sigterm:
    """Turn SIGTERM into Ctrl-C while a build runs, so that it stops its workers and cleans up the same way."""

    def __enter__(self) -> _stopped_by_sigterm:
        self.previous: Callable[[int, FrameType | None], object] | int | None = None
        if threading.current_thread() is threading.main_thread():
            self.previous = signal.signal(signal.SIGTERM, signal.default_int_handler)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.previous is not None:
            signal.signal(signal.SIGTERM, self.previous)
