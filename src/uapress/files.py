"""Build: atomic file writes shared by every stage that changes files, whole editions, the build lock."""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import hashlib
import os
import shutil
import signal
import tempfile
import threading
from pathlib import Path

from .errors import BuildError, display_path
from .inputs import read_project_file

LOCK_NAME = ".uapress-lock"
WORK_PREFIX = ".uapress-work-"
"""Folder in the output folder where a build's workers keep their temporary files (WeasyPrint's fonts)."""
_STAGING, _OLD, _TMP = ".staging", ".old", ".tmp"


@contextlib.contextmanager
def uninterrupted():
    """Hold Ctrl-C and SIGTERM until the block ends: a write (or a hand-over) of milliseconds is never cut in two.

    Python raises KeyboardInterrupt between any two bytecodes, so without this a Ctrl-C that lands inside
    `tempfile.mkdtemp`, after the folder is made but before its name is returned, leaves it behind. The
    handlers are swapped rather than the signals masked: a mask holds only this thread's signals, and the
    worker pool's thread would take the Ctrl-C instead.
    """
    if threading.current_thread() is not threading.main_thread():  # only the main thread has handlers
        yield
        return
    caught = []
    previous = {number: signal.signal(number, lambda number, frame: caught.append(number))
                for number in (signal.SIGINT, signal.SIGTERM)}
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
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
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


class Inputs:
    """The bytes of the source files one edition is made from, each read from disk once.

    A build hashes these bytes for its cache key and renders from the same bytes, so a file saved
    while the build runs is neither half-published nor vouched for (issue 10).
    """

    def __init__(self, files: dict | None = None):
        self.files: dict[Path, bytes | None] = dict(files or {})

    def read(self, path: Path) -> bytes | None:
        """Return a file's bytes, or None when it does not exist; the first answer is kept."""
        path = Path(path)
        if path not in self.files:
            # Missing is an answer (an untranslated language); a link out of the project or an
            # oversized file raises SourceError like every other read (issue 10).
            data = read_project_file(path) if path.exists() or path.is_symlink() else None
            self.files[path] = None if data is None else _shared(data)
        return self.files[path]

    def exists(self, path: Path) -> bool:
        """Tell whether a file exists, as first seen."""
        return self.read(path) is not None

    def digest(self) -> str:
        """Return a hash of every file read (and of those found missing), by path."""
        digest = hashlib.sha256()
        for path in sorted(self.files):
            data = self.files[path]
            digest.update(str(path).encode("utf-8") + b"\0" + (b"<missing>" if data is None else data) + b"\0")
        return digest.hexdigest()


SHARED_KEPT = 64
"""Source files whose bytes `Inputs` share between editions: the labels and PO files of the last actions read."""
_SHARED: dict[bytes, bytes] = {}


def _shared(data: bytes) -> bytes:
    """Return the bytes object already held for equal bytes read lately, else `data`, kept for the next reader.

    Every edition reads the labels of its language and of English, and the appeal language's PO file: an
    archive of 100 actions held 400 copies of each, some 25 MiB in the build (issue 13). Equal bytes
    are interchangeable, so sharing one object changes nothing a reader sees.
    """
    kept = _SHARED.pop(data, data)  # re-inserted last: the least recently read go first
    _SHARED[kept] = kept
    if len(_SHARED) > SHARED_KEPT:
        del _SHARED[next(iter(_SHARED))]
    return kept


def write_edition(folder: Path, outputs: dict[str, bytes], remove: list[str] = ()) -> list[Path]:
    """Write files into an edition folder (and remove the `remove` ones) all at once; return their final paths.

    The folder is rebuilt beside itself (its other files hard-linked, the new ones written) and the two
    are swapped in one step (Linux's renameat2 RENAME_EXCHANGE), so a reader, a static host or a build
    killed at any moment sees the whole old edition or the whole new one, never a mix (issue 10).
    What a kill leaves beside the folder is cleared by `sweep` at the next build; Ctrl-C waits for the write.
    """
    with uninterrupted():
        return _write_edition(folder, outputs, remove)


def _write_edition(folder: Path, outputs: dict[str, bytes], remove: list[str]) -> list[Path]:
    staging = folder.parent / f".{folder.name}.{_STAGING}"  # until made: what an error names
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", suffix=_STAGING, dir=folder.parent))
        os.chmod(staging, 0o755)
        if folder.is_dir():
            shutil.copytree(folder, staging, copy_function=_link, dirs_exist_ok=True)
        for name in remove:
            (staging / name).unlink(missing_ok=True)
        for name, data in outputs.items():
            target = staging / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.unlink(missing_ok=True)  # a hard link to the old file: never write through it
            try:
                target.write_bytes(data)
            except OSError as exc:  # a full disk: the error names no file, so name it
                raise OSError(exc.errno, exc.strerror, str(target)) from None
            os.chmod(target, 0o644)
        _swap(staging, folder)
    except OSError as exc:  # name the path the user knows, never the staging folder
        shutil.rmtree(staging, ignore_errors=True)
        raise OSError(exc.errno, exc.strerror, _public(exc.filename, folder)) from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return [folder / name for name in outputs]


def _public(filename, folder: Path) -> str:
    """Return `filename` with a staging folder of `folder` read as `folder` itself."""
    parts = Path(filename).parts if filename else ()
    for index, part in enumerate(parts):
        if part.startswith(f".{folder.name}.") and part.endswith(_STAGING):
            return str(folder.joinpath(*parts[index + 1:]))
    return str(filename or folder)


def _link(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:  # a file system without hard links
        shutil.copy2(source, target)


def _swap(staging: Path, folder: Path) -> None:
    """Put `staging` in the place of `folder` and delete the old one."""
    if not folder.exists():
        os.rename(staging, folder)
        return
    if _exchange(staging, folder):
        shutil.rmtree(staging, ignore_errors=True)
        return
    # No atomic exchange here: two renames; a kill between them leaves `.X.….old`, put back by `sweep`.
    old = staging.with_name(staging.name[: -len(_STAGING)] + _OLD)
    os.rename(folder, old)
    os.rename(staging, folder)
    shutil.rmtree(old, ignore_errors=True)


def _exchange(one: Path, other: Path) -> bool:
    """Swap two folders atomically; False where the system cannot."""
    renameat2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(one), at_fdcwd, os.fsencode(other), rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(other))


def sweep(out: Path) -> None:
    """Remove what killed builds left in the output folder: temporary files, staging and work folders.

    Run under the build lock, so nothing found belongs to a running build. A folder moved aside by a
    two-rename swap (`.X.….old`) is put back when its edition folder is missing.
    """
    if not out.is_dir():
        return
    for path in sorted(out.rglob(".*"), key=lambda p: len(p.parts)):
        name = path.name
        try:
            if path.is_file() and name.endswith(_TMP):
                path.unlink(missing_ok=True)
            elif path.is_dir() and name.endswith(_OLD):
                live = path.with_name(name[1:-len(_OLD)].rsplit(".", 1)[0])
                if live.exists():
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    os.rename(path, live)
            elif path.is_dir() and (name.endswith(_STAGING) or name.startswith(WORK_PREFIX)):
                shutil.rmtree(path, ignore_errors=True)
        except OSError:  # a read-only folder: the build reports what it cannot write
            continue


class BuildLock:
    """An exclusive lock on an output folder (flock on `.uapress-lock` inside it), held for a whole build."""

    def __init__(self, out: Path, wait: bool = False):
        self.path = out / LOCK_NAME
        self.wait = wait
        self.fd: int | None = None

    def __enter__(self) -> "BuildLock":
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
                raise BuildError(f"another build is running{f' (pid {holder})' if holder else ''} in "
                                 f"{display_path(self.path.parent)}; wait for it to finish, or run with --wait") from None
            fcntl.flock(self.fd, fcntl.LOCK_EX)
        return self

    def holder(self) -> int | None:
        """Return the pid holding the lock, from /proc/locks (Linux), or None."""
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

    def __exit__(self, *exc) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None
