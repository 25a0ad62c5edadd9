"""Ground floor: atomic file writes, Ctrl-C held during a write, and the lock on an output folder."""

from __future__ import annotations

import contextlib
import fcntl
import os
import signal
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

from uapress.core.errors import BuildError, display_path

LOCK_NAME = ".uapress-lock"
TMP_SUFFIX = ".uapress-tmp"
"""End of the name of every temporary file uapress writes: a build sweeps only names it made itself (issue 25)."""


@contextlib.contextmanager
def uninterrupted() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM until the block ends: a write (or a hand-over) of milliseconds is never cut in two.

    Python raises KeyboardInterrupt between any two bytecodes, so without this a Ctrl-C that lands inside
    `tempfile.mkdtemp`, after the folder is made but before its name is returned, leaves it behind. The
    handlers are swapped rather than the signals masked: a mask holds only this thread's signals, and the
    worker pool's thread would take the Ctrl-C instead.
    """
    if threading.current_thread() is not threading.main_thread():  # only the main thread has handlers
        yield
        return
    caught: list[int] = []
    previous = {
        number: signal.signal(number, lambda number, frame: caught.append(number))
        for number in (signal.SIGINT, signal.SIGTERM)
    }
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, signal.SIG_DFL if handler is None else handler)  # None: set outside Python
        if caught:  # answered now, by the handler the build had: KeyboardInterrupt after the write
            signal.raise_signal(caught[0])


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write a file through a temporary file and a rename, so a failure leaves the old one whole."""
    with uninterrupted():
        _write_atomic(path, data)


def _write_atomic(path: Path, data: str | bytes) -> None:
    try:
        _write_through_temporary(path, data)
    except OSError as exc:  # named as the file the user knows, never its temporary file (issue 25)
        raise OSError(exc.errno, exc.strerror, str(path)) from None


def _write_through_temporary(path: Path, data: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TMP_SUFFIX, dir=path.parent)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_outputs(out: Path, files: dict[Path, str | bytes]) -> None:
    """Write files atomically under the build lock of `out` when they land inside it, waiting for a running build.

    A build sweeps temporary files and swaps whole edition folders; a checklist or export written beside it
    without the lock could be swept mid-write or land in a folder about to be replaced.
    """
    inside = any(_inside(path, out) for path in files)
    with BuildLock(out, wait=True) if inside else contextlib.nullcontext():
        for path, data in files.items():
            write_atomic(path, data)


def _inside(path: Path, folder: Path) -> bool:
    """Tell whether `path` lies inside `folder` (both resolved)."""
    try:
        path.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True


class BuildLock:
    """An exclusive lock on an output folder (flock on `.uapress-lock` inside it), held for a whole build."""

    def __init__(self, out: Path, wait: bool = False):
        self.path = out / LOCK_NAME
        self.wait = wait
        self.fd: int | None = None

    def __enter__(self) -> BuildLock:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # Opened without writing: the file stays empty and unchanged, so a no-op build changes nothing.
            self.fd = os.open(self.path, os.O_RDONLY | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except OSError as exc:
            raise BuildError(f"cannot write to {display_path(self.path.parent)}: {exc.strerror}") from None
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = self.holder()
            if not self.wait:
                os.close(self.fd)
                raise BuildError(
                    f"another build is running{f' (pid {holder})' if holder else ''} in "
                    f"{display_path(self.path.parent)}; wait for it to finish, or run with --wait"
                ) from None
            fcntl.flock(self.fd, fcntl.LOCK_EX)
        return self

    def holder(self) -> int | None:
        """Return the pid holding the lock, from /proc/locks (Linux), or None."""
        if self.fd is None:  # not open: nobody's lock to name
            return None
        try:
            inode = os.fstat(self.fd).st_ino
            with open("/proc/locks", encoding="ascii") as locks:
                for line in locks:
                    fields = line.split()
                    if len(fields) > 5 and fields[1] == "FLOCK" and fields[5].endswith(f":{inode}"):
                        return int(fields[4])
        except (OSError, ValueError):
            pass
        return None

    def release_in_child(self) -> None:
        """Close the lock in a forked worker, which must never keep it once the build is gone."""
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None

    def __exit__(self, *exc: object) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None
