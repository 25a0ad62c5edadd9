"""Stage 5, build: render editions in worker processes that never outlive the build nor leave files behind."""

from __future__ import annotations

import ctypes
import functools
import multiprocessing
import os
import shutil
import signal
import tempfile
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from uapress.build.outputs import work_folder
from uapress.build.render import render_edition
from uapress.core.errors import SourceError
from uapress.core.files import BuildLock, uninterrupted
from uapress.core.inputs import Inputs
from uapress.core.processes import die_with
from uapress.writers import WRITERS
from uapress.writers.templating import compile_ahead
from uapress.writers.weasy import import_weasyprint, parse_c_types

if TYPE_CHECKING:
    from uapress.build.plan import EditionResult, Job
    from uapress.localise import Localisation
    from uapress.writers.brand import Brand

    Rendering = tuple[EditionResult, Localisation, Localisation | None]
    """An edition to render: its result so far, its localisation and the appeal language's."""
    Todo = tuple[Job, str, Rendering | None]
    """(job, cache key, rendering); the build drops the rendering once the edition is written."""

AHEAD = 2
"""Editions localised and sent per worker before the first is written: enough that no worker waits (issue 24)."""
WORKER_END = 10
"""Seconds a terminated worker is given to end (it dies with the build in any case)."""


class Workers:
    """The worker processes of one build, forked before it localises its editions so that their imports overlap."""

    def __init__(self, count: int, out: Path, lock: BuildLock, formats: Iterable[str], brand: Brand) -> None:
        """Fork `count` workers now (none for one: editions then render in this process).

        They ignore Ctrl-C (the build answers it), die with the build (even a SIGKILLed one), and keep
        their temporary files in a folder of the build that is removed at its end.
        """
        self.pool: ProcessPoolExecutor | None = None
        self.work: str | None = None
        self.count = count
        if count <= 1:
            return
        names = sorted(set(formats))
        needs_pdf = any(WRITERS[name].weasyprint for name in names)
        try:
            self.work = work_folder()  # a killed build's is swept by the next build (issue 25)
        except OSError:  # no writable temporary folder: WeasyPrint says so when it writes there
            self.work = None
        if needs_pdf:
            # Imported once here, WeasyPrint (and the C types every PDF parses) is every worker's, shared by the
            # fork, instead of imported and parsed again in each (issue 24: ~0.5 s of CPU and ~20 MiB a worker).
            import_weasyprint()
            parse_c_types()
        # So are the writers (python-docx…) and their templates, compiled once here instead of once per worker
        # (issue 24: ~0.1 s of CPU and ~0.15 s of imports a worker): the compiled templates are cached by the
        # writers' own filter functions, which the workers inherit with them.
        for name in names:
            compile_ahead(brand, WRITERS[name].templates())
        context = multiprocessing.get_context("fork")
        self.pool = ProcessPoolExecutor(
            count, mp_context=context, initializer=_start_worker, initargs=(os.getpid(), self.work, lock, needs_pdf)
        )
        # Workers are forked with Ctrl-C ignored: a terminal's Ctrl-C reaches the whole process group, and only
        # the build may answer it (one line, no traceback from each worker). The first task forks them all.
        # (Not gc.freeze() first: the build holds only its imports at this point, and freezing them left the
        # workers' memory as it was; theirs is WeasyPrint's and their renders', issue 13.)
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            self.pool.submit(os.getpid)
        finally:
            signal.signal(signal.SIGINT, previous)

    def run(self, todo: Iterable[Todo], brand: Brand, debug: bool) -> Iterator[tuple[Job, str, EditionResult]]:
        """Yield (job, key, result) for each (job, key, (result, localisation, appeal localisation)) of `todo`, in order.

        `todo` is taken as the workers need it, a few editions ahead of the one being written: each
        localisation is dropped once its edition is sent, so an archive's memory stays flat (issue 24).
        """
        if self.pool is None:
            for job, key, localised in todo:
                assert localised is not None
                yield job, key, _guarded(localised, brand, debug)
            return
        entries = iter(todo)
        sent: deque[tuple[Job, str, Job, Future[EditionResult]]] = deque()
        while True:
            while len(sent) < AHEAD * self.count and (entry := next(entries, None)) is not None:
                job, key, localised = entry
                assert localised is not None
                # The pool's submit takes its shutdown lock with a `with`: a Ctrl-C landing just after the lock
                # is taken can leave it taken, and the shutdown that follows the Ctrl-C would wait for ever.
                with uninterrupted():
                    future = self.pool.submit(_rendered, _portable(localised), brand, debug)
                sent.append((job, key, localised[0].job, future))
            if not sent:
                return
            job, key, own, future = sent.popleft()
            done = future.result()
            done.job = own  # the worker's copy of the job was left behind (see `_rendered`)
            yield job, key, done

    def close(self) -> None:
        """End the workers now, whether or not they finished (Ctrl-C, SIGTERM, an error), and remove their folder."""
        if self.pool is not None:
            # (ProcessPoolExecutor.terminate_workers() does this from Python 3.14.)
            processes = list((self.pool._processes or {}).values())
            for process in processes:
                process.terminate()
            # Not shutdown(wait=True): after a Ctrl-C the pool's threads may be writing an edition into the pipe
            # of workers now killed, and waiting for them could last for ever. The workers are what must end.
            self.pool.shutdown(wait=False, cancel_futures=True)
            for process in processes:
                process.join(WORKER_END)
        if self.work is not None:
            shutil.rmtree(self.work, ignore_errors=True)


def _start_worker(parent: int, work: str | None, lock: BuildLock, needs_pdf: bool) -> None:
    """Prepare a worker: die with the build, keep temporary files in its folder, import WeasyPrint once."""
    # Forked from a build that turns SIGTERM into Ctrl-C: here both must simply end (or be ignored).
    die_with(parent)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    lock.release_in_child()
    if work is not None:
        tempfile.tempdir = work
    if needs_pdf:
        import_weasyprint()


def _portable(localised: Rendering) -> Rendering:
    """Return an edition's (result, localisation, appeal) without the source files' bytes, for a worker.

    A worker renders from the localisation: the bytes (some 70 kB an edition: its PO files and the
    labels) were only read to be hashed, and pickling them to and fro cost time and a copy per edition.
    """
    result, loc, appeal = localised
    return replace(result, job=replace(result.job, inputs=Inputs())), loc, appeal


def _rendered(localised: Rendering, brand: Brand, debug: bool) -> EditionResult:
    """Render an edition in a worker; return its result without the job, which the build already holds.

    Each job sent back would be unpickled as a new copy of its action, kept by the build's report
    until the end: the build's memory grew with every edition of an archive (issue 13).
    """
    result = _guarded(localised, brand, debug)
    result.job = None  # type: ignore[assignment]  # not sent back: `Workers.run` puts the build's own job back
    return result


def _guarded(localised: Rendering, brand: Brand, debug: bool) -> EditionResult:
    result, loc, appeal = localised
    try:
        return render_edition(result, loc, appeal, brand, debug)
    except SourceError as exc:
        result.problems += exc.diagnostics
        result.failed = True
        return result
    finally:
        trim_memory()


@functools.cache
def _malloc_trim() -> Callable[[int], object] | None:
    """Return glibc's malloc_trim, or None on another C library."""
    try:
        return ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return None


def trim_memory() -> None:
    """Give the memory an edition freed back to the system: C's allocator keeps it otherwise (some 10 MiB a process)."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)
