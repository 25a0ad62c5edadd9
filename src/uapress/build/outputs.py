"""Stage 5, build: write whole edition folders at once, and sweep what killed builds left behind."""

from __future__ import annotations

import ctypes
import errno
import os
import re
import shutil
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path

from uapress.core.errors import UsageError, display_path
from uapress.core.files import LOCK_NAME, TMP_SUFFIX, uninterrupted

WORK_PREFIX = ".uapress-work-"
"""Folder in the output folder where the workers of earlier versions kept their temporary files: swept."""
WORK_FOLDER = "uapress-work-"
"""Start of the name of the folder, in the system's temporary folder, where a build's workers keep their temporary
files (WeasyPrint's fonts); then the build's pid, so that the next build knows it for a dead build's (issue 25)."""
# Marked as uapress's own (issue 25): a sweep never takes another tool's `.x.tmp` or `.x.old` for a leftover.
_STAGING, _OLD, _TMP = ".uapress-staging", ".uapress-old", TMP_SUFFIX


def write_edition(folder: Path, outputs: dict[str, bytes], remove: Iterable[str] = ()) -> list[Path]:
    """Write files into an edition folder (and remove the `remove` ones) all at once; return their final paths.

    The folder is rebuilt beside itself (its other files hard-linked, the new ones written) and the two
    are swapped in one step (Linux's renameat2 RENAME_EXCHANGE), so a reader, a static host or a build
    killed at any moment sees the whole old edition or the whole new one, never a mix (issue 10).
    What a kill leaves beside the folder is cleared by `sweep` at the next build; Ctrl-C waits for the write.
    """
    with uninterrupted():
        return _write_edition(folder, outputs, remove)


def _write_edition(folder: Path, outputs: dict[str, bytes], remove: Iterable[str]) -> list[Path]:
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


def _public(filename: str | None, folder: Path) -> str:
    """Return `filename` with a staging folder of `folder` read as `folder` itself."""
    parts = Path(filename).parts if filename else ()
    for index, part in enumerate(parts):
        if part.startswith(f".{folder.name}.") and part.endswith(_STAGING):
            return str(folder.joinpath(*parts[index + 1 :]))
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


def claim(out: Path) -> None:
    """Refuse an output folder that holds files and was never written by uapress (no build lock file in it).

    A build replaces edition folders and sweeps its own leftovers in its output folder: pointed at a folder of
    other files (`--out ~/Documents`), it must stop before touching anything (issue 25).
    """
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {display_path(out)} is a file, not a folder; choose an empty or new folder")
    # Files named `.uapress-…` (the lock, the cache, a work folder) are uapress's own.
    others = out.is_dir() and any(not entry.name.startswith(".uapress-") for entry in out.iterdir())
    if others and not (out / LOCK_NAME).exists():
        raise UsageError(
            f"--out {display_path(out)} is not empty and is not an earlier uapress output; "
            "choose an empty or new folder, so that no other files are replaced or removed"
        )


_EARLIER = re.compile(r"^\..+\.[a-z0-9_]{8}(\.tmp|\.staging|\.old)$")
"""What builds killed before issue 25 left: Python's 8 random characters, then `.tmp`, `.staging` or `.old`."""


def work_folder() -> str:
    """Make the folder this build's workers keep their temporary files in; return its path.

    In the system's temporary folder, not the output folder (issue 25): a killed build left some 6 MB of
    WeasyPrint's fonts in build/, published by a static host until the next build. Named after this process,
    so that `sweep_work` removes it once the build is gone.
    """
    return tempfile.mkdtemp(prefix=f"{WORK_FOLDER}{os.getpid()}-")


def sweep_work() -> None:
    """Remove the work folders of builds that are gone (killed) from the system's temporary folder."""
    try:
        found = list(Path(tempfile.gettempdir()).glob(f"{WORK_FOLDER}*-*"))
    except OSError:
        return
    for path in found:
        owner = path.name[len(WORK_FOLDER) :].split("-", 1)[0]
        try:
            info = path.lstat()
            # Only this user's folders (not a link planted in a shared /tmp), of a process that is gone.
            if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or not owner.isdigit():
                continue
            if _alive(int(owner)):
                continue
        except OSError:
            continue
        shutil.rmtree(path, ignore_errors=True)


def _alive(pid: int) -> bool:
    """Tell whether a process `pid` runs (this one included)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def sweep(out: Path) -> None:
    """Remove what killed builds left in the output folder (temporary files, staging folders, earlier versions'
    work folders) and their work folders in the system's temporary folder.

    Run under the build lock, so nothing found belongs to a running build. A folder moved aside by a
    two-rename swap (`.X.….old`) is put back when its edition folder is missing.
    """
    sweep_work()
    if not out.is_dir():
        return
    ours = (out / LOCK_NAME).exists()  # a folder uapress built into: what earlier versions left is theirs too
    for path in sorted(out.rglob(".*"), key=lambda p: len(p.parts)):
        name = path.name
        earlier = _EARLIER.match(name) if ours else None
        if earlier:  # named as before issue 25 (`.x.pdf.k3j2h1a9.tmp`): read as today's name
            name = name[: -len(earlier[1])] + {".tmp": _TMP, ".staging": _STAGING, ".old": _OLD}[earlier[1]]
        try:
            if path.is_file() and name.endswith(_TMP):
                path.unlink(missing_ok=True)
            elif path.is_dir() and name.endswith(_OLD):
                live = path.with_name(name[1 : -len(_OLD)].rsplit(".", 1)[0])
                if live.exists():
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    os.rename(path, live)
            elif path.is_dir() and (name.endswith(_STAGING) or name.startswith(WORK_PREFIX)):
                shutil.rmtree(path, ignore_errors=True)
        except OSError:  # a read-only folder: the build reports what it cannot write
            continue
