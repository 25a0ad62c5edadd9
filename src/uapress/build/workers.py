"""Stage 5, build: render editions in worker processes that never outlive the build nor leave files behind."""

from __future__ import annotations

import contextlib
import ctypes
import functools
import gc
import multiprocessing
import multiprocessing.connection as connection
import os
import pickle
import queue
import shutil
import signal
import tempfile
import threading
import traceback
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from uapress.build.outputs import work_folder
from uapress.build.render import render_edition
from uapress.core.errors import SourceError
from uapress.core.inputs import Inputs
from uapress.core.processes import die_with
from uapress.localise.locale import babel_locale
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
HIGHEST = pickle.HIGHEST_PROTOCOL
WORKER_END = 10
"""Seconds a terminated worker is given to end (it dies with the build in any case)."""


class Workers:
    """The worker processes of one build, started in a process of their own while the build localises its editions."""

    def __init__(self, count: int, formats: Iterable[str], brand: Brand) -> None:
        """Start the process that forks up to `count` workers (none for one: editions then render in this process).

        The workers ignore Ctrl-C (the build answers it), die with the build (even a SIGKILLed one), and keep
        their temporary files in a folder of the build that is removed at its end. Their process prepares
        what `formats`' writers share while the build plans, then waits for `begin`.
        """
        self.count = count
        self.work: str | None = None
        self.process: multiprocessing.process.BaseProcess | None = None
        self.received: dict[int, tuple[str, Any]] = {}
        if count <= 1:
            return
        names = sorted(set(formats))
        try:
            self.work = work_folder()  # a killed build's is swept by the next build (issue 25)
        except OSError:  # no writable temporary folder: WeasyPrint says so when it writes there
            self.work = None
        context = multiprocessing.get_context("fork")
        tasks, self.results = context.Pipe(duplex=False), context.Pipe(duplex=False)
        # Forked with Ctrl-C ignored: a terminal's Ctrl-C reaches the whole process group, and only the build may
        # answer it (one line, no traceback from each worker).
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            self.process = context.Process(
                target=_start_workers,
                args=(os.getpid(), self.work, names, brand, tasks, self.results),
                name="uapress-workers",
                daemon=False,  # it forks the workers, which a daemon process may not
            )
            self.process.start()
        finally:
            signal.signal(signal.SIGINT, previous)
        tasks[0].close()
        self.results[1].close()
        self.sender = _Sender(tasks[1])

    def begin(self, count: int, langs: Iterable[str]) -> None:
        """Fork `count` workers, which will render editions in `langs`; with one or none, render in this process."""
        if count <= 1:
            self.close()
        elif self.process is not None:
            self.sender.put((count, sorted(set(langs))))
        self.count = count

    @property
    def parallel(self) -> bool:
        """Tell whether editions render in worker processes (else in this one)."""
        return self.process is not None

    def run(self, todo: Iterable[Todo], brand: Brand, debug: bool) -> Iterator[tuple[Job, str, EditionResult]]:
        """Yield (job, key, result) for each (job, key, (result, localisation, appeal localisation)) of `todo`, in order.

        `todo` is taken as the workers need it, a few editions ahead of the one being written: each
        localisation is dropped once its edition is sent, so an archive's memory stays flat (issue 24).
        """
        if self.process is None:
            for job, key, localised in todo:
                assert localised is not None
                yield job, key, _guarded(localised, brand, debug)
            return
        entries = iter(todo)
        sent: deque[tuple[Job, str, Job]] = deque()
        number = 0
        while True:
            while len(sent) < AHEAD * self.count and (entry := next(entries, None)) is not None:
                job, key, localised = entry
                assert localised is not None
                self.sender.put((number + len(sent), pickle.dumps((_portable(localised), brand, debug), HIGHEST)))
                sent.append((job, key, localised[0].job))
            if not sent:
                return
            job, key, own = sent.popleft()
            done = self._result(number)
            number += 1
            done.job = own  # the worker's copy of the job was left behind (see `_rendered`)
            yield job, key, done

    def _result(self, number: int) -> EditionResult:
        """Wait for the result of the edition sent as `number`; raise what its worker raised."""
        while number not in self.received:
            assert self.process is not None
            results = self.results[0]
            if results not in connection.wait([results, self.process.sentinel]):
                raise BrokenProcessPool("the build's worker processes ended before their editions were rendered")
            got, outcome, data = results.recv()
            self.received[got] = outcome, data
        outcome, data = self.received.pop(number)
        if outcome == "raised":
            error, trace = data
            raise error from WorkerTraceback(trace)
        result: EditionResult = pickle.loads(data)
        return result

    def close(self) -> None:
        """End the workers now, whether or not they finished (Ctrl-C, SIGTERM, an error), and remove their folder."""
        if self.process is not None:
            # Their process ends them and waits for them on SIGTERM: none writes in the work folder once it is gone.
            self.process.terminate()
            self.process.join(WORKER_END)
            if self.process.exitcode is None:
                self.process.kill()
                self.process.join()
            self.sender.close()
            self.results[0].close()
            self.process = None
        if self.work is not None:
            shutil.rmtree(self.work, ignore_errors=True)
            self.work = None


class _Sender:
    """A thread that writes the build's editions to the workers' process, so that the build never waits on the pipe.

    The build goes on localising while the workers start. Not a multiprocessing queue: a Ctrl-C landing
    while the build holds that queue's lock left its closing waiting for the lock for ever.
    """

    def __init__(self, pipe: connection.Connection) -> None:
        self.pipe = pipe
        self.queue: queue.SimpleQueue[tuple[int, Any] | None] = queue.SimpleQueue()
        threading.Thread(target=self._send, name="uapress-send", daemon=True).start()

    def put(self, task: tuple[int, Any]) -> None:
        """Send (number, pickled edition) to the workers' process; first (workers to fork, their languages)."""
        self.queue.put(task)

    def close(self) -> None:
        """Send nothing more; the pipe closes once what was put is sent (the workers' process then shuts down)."""
        self.queue.put(None)

    def _send(self) -> None:
        try:
            while (task := self.queue.get()) is not None:
                self.pipe.send(task)
        except OSError:  # the workers' process has ended (the build is stopping): what is left is not needed
            pass
        finally:
            self.pipe.close()


class WorkerTraceback(Exception):
    """The traceback of an exception raised in a worker, shown as the cause of the one the build raises."""

    def __str__(self) -> str:
        return str(self.args[0])


def _start_workers(
    parent: int,
    work: str | None,
    names: list[str],
    brand: Brand,
    pipes: tuple[connection.Connection, connection.Connection],
    answers: tuple[connection.Connection, connection.Connection],
) -> None:
    """Import what the workers share, fork them, and hand them the build's editions until it closes its pipe.

    This runs in a process of its own, forked at the start of the build: importing WeasyPrint and compiling
    the templates (~0.8 s of CPU) takes one core while the build localises its editions on the other,
    and the workers forked from here still share all of it (issue 24).
    """
    die_with(parent)
    # What the build held when it forked this process (an archive's every loaded action) is never walked by this
    # process's garbage collector nor its workers': walking it would copy its pages into each (issue 24).
    gc.freeze()
    # Forked from a build that turns SIGTERM into Ctrl-C: until the workers are forked, SIGTERM simply ends this one.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    # The build's ends of the pipes, copied by the fork: closed, so that the build closing its own ends the loop below.
    (tasks, build_end), (build_results, results) = pipes, answers
    build_end.close()
    build_results.close()
    if work is not None:
        tempfile.tempdir = work
    try:
        _share(names, brand)
    except Exception:  # a template that does not compile, say: each worker meets it again, reported per edition
        pass
    try:
        count, langs = tasks.recv()  # once the build has planned
    except EOFError:  # it had nothing to render after all
        return
    for lang in langs:
        _ = babel_locale(lang).date_formats  # CLDR's data of each language (~20 ms each), which every edition reads
    # Nor are WeasyPrint's and the writers' objects, by the workers forked now: they stay shared pages.
    gc.collect()
    gc.freeze()
    pool = ProcessPoolExecutor(
        count, mp_context=multiprocessing.get_context("fork"), initializer=_start_worker, initargs=(os.getpid(), work)
    )

    def stop(signum: int, frame: object) -> None:
        # The build ends its workers through this process: end them and wait, so that none outlives the work folder.
        # (ProcessPoolExecutor.terminate_workers() does this from Python 3.14.)
        processes = list((pool._processes or {}).values())
        for process in processes:
            process.terminate()
        for process in processes:
            process.join(WORKER_END)
        os._exit(0)

    signal.signal(signal.SIGTERM, stop)

    sending = threading.Lock()  # answers come from the pool's thread, or this one for an edition already done

    def answer(number: int, future: Future[bytes]) -> None:
        error = future.exception()
        message = (number, "rendered", future.result()) if error is None else (number, "raised", _raised(error))
        with sending, contextlib.suppress(OSError):  # the build is gone: this process ends with it
            results.send(message)
        del message
        trim_memory()  # each edition's bytes passed through here: C's allocator would keep their pages

    with contextlib.suppress(EOFError):  # the build has sent every edition
        while True:
            number, payload = tasks.recv()
            pool.submit(_rendered, payload).add_done_callback(functools.partial(answer, number))
    pool.shutdown(wait=True)


def _start_worker(parent: int, work: str | None) -> None:
    """Prepare a worker: die with the process that forked it, keep temporary files in the build's folder."""
    die_with(parent)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not its parent's handler, which ends the workers
    if work is not None:
        tempfile.tempdir = work


def _share(names: list[str], brand: Brand) -> None:
    """Import, compile and read once what the workers forked after share: WeasyPrint, the writers' templates…"""
    if any(WRITERS[name].weasyprint for name in names):
        # Imported once here, WeasyPrint (and the C types every PDF parses) is every worker's, shared by the
        # fork, instead of imported and parsed again in each (issue 24: ~0.5 s of CPU and ~20 MiB a worker).
        import_weasyprint()
        parse_c_types()
    # So are the writers (python-docx…) and their templates, compiled once here instead of once per worker
    # (issue 24: ~0.1 s of CPU and ~0.15 s of imports a worker): the compiled templates are cached by the
    # writers' own filter functions, which the workers inherit with them.
    for name in names:
        compile_ahead(brand, WRITERS[name].templates())
        WRITERS[name].ahead(brand)  # the brand's Word styles, the logo's PNG… (issue 24: ~0.1 s a worker)


def _raised(error: BaseException) -> tuple[BaseException, str]:
    """Return a worker's exception and its traceback as they can be sent to the build."""
    cause = error.__cause__
    trace = str(cause) if cause is not None else "".join(traceback.format_exception(error))
    try:
        pickle.dumps(error)
    except Exception:  # an exception that cannot be sent: its text is
        error = RuntimeError(f"{type(error).__name__}: {error}")
    return error, trace


def _portable(localised: Rendering) -> Rendering:
    """Return an edition's (result, localisation, appeal) without the source files' bytes, for a worker.

    A worker renders from the localisation: the bytes (some 70 kB an edition: its PO files and the
    labels) were only read to be hashed, and pickling them to and fro cost time and a copy per edition.
    """
    result, loc, appeal = localised
    return replace(result, job=replace(result.job, inputs=Inputs())), loc, appeal


def _rendered(payload: bytes) -> bytes:
    """Render an edition in a worker from its pickled (rendering, brand, debug); return its pickled result.

    Pickled by the build and unpickled here only, the edition passes through the workers' process as bytes.
    The result leaves its job behind: each job sent back would be unpickled as a new copy of its action,
    kept by the build's report until the end (issue 13).
    """
    localised, brand, debug = pickle.loads(payload)
    result = _guarded(localised, brand, debug)
    result.job = None  # type: ignore[assignment]  # not sent back: `Workers.run` puts the build's own job back
    return pickle.dumps(result, HIGHEST)


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
