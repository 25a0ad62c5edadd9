"""Every stage's input: read a file of the project (source/, styles/) safely, or refuse it with a clear error.

A project is shared through git and pull requests, so its files are not trusted: a file that is a link
to `/etc/passwd` must not end up in an error message or an edition, a link to `/dev/zero` must not
eat the memory, and a 20 MB action must not take minutes to render (issue 10).
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from pathlib import Path

from uapress.core.errors import Diagnostic, SourceError

MiB = 2**20
MAX_TEXT = 2 * MiB
"""Largest source or style text read (action.yaml, PO files, labels, brand.yaml, stylesheets, templates)."""
MAX_ASSET = 32 * MiB
"""Largest binary read from styles/ (fonts, logo): the bundled Noto faces are under 1 MB each."""


def project_boundary(path: Path) -> Path:
    """Return the folder `path` must stay inside: its project (the parent of source/ or styles/)."""
    path = Path(path).absolute()
    for folder in path.parents:
        if folder.name in ("source", "styles") and (folder.parent / "source" / "actions").is_dir():
            return folder.parent
    # A copy outside any project (an old revision unpacked for a proof): its own folder.
    return path.parent


def read_project_file(path: Path, limit: int = MAX_TEXT, boundary: Path | None = None) -> bytes:
    """Return the bytes of a project file; raise SourceError if it leads outside the project or is too large."""
    path = Path(path)
    inside = (boundary or project_boundary(path)).resolve()
    try:
        real = path.resolve(strict=True)
    except (OSError, RuntimeError) as exc:  # RuntimeError: a loop of links (Python 3.11), OSError ELOOP later
        if isinstance(exc, RuntimeError) or exc.errno == errno.ELOOP:
            raise _refused(
                path, "cannot read the file: it is a symbolic link loop", "replace the link with the file itself"
            ) from None
        raise _refused(path, f"cannot read the file: {exc.strerror}") from None
    if not real.is_relative_to(inside):
        raise _refused(
            path,
            f"links outside the project (to {real}): uapress reads only files inside {inside}",
            "replace the link with a copy of the file inside the project",
        )
    try:
        # Non-blocking: opening a named pipe must not wait for a writer; it is refused just below.
        fd = os.open(real, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
    except OSError as exc:
        raise _refused(path, f"cannot read the file: {exc.strerror}") from None
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise _refused(
                path, "is not a regular file (a device, a pipe or a folder)", "replace it with an ordinary text file"
            )
        data = handle.read(limit + 1)  # never more, even if the file grows while it is read
    if len(data) > limit:
        size = max(os.stat(real).st_size, len(data))
        raise _refused(
            path,
            f"the file is {_megabytes(size)}, more than the {_megabytes(limit)} a file of the project may have",
            "keep only the text of the action in it; a source is a few kB",
        )
    return data


def read_project_text(path: Path, limit: int = MAX_TEXT, boundary: Path | None = None) -> str:
    """Return a project file as UTF-8 text (see `read_project_file`); an encoding error raises SourceError."""
    data = read_project_file(path, limit, boundary)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SourceError(
            "",
            [
                Diagnostic(
                    "error",
                    f"the file is not UTF-8 (byte 0x{data[exc.start]:02x})",
                    path,
                    line,
                    hint="save the file as UTF-8 in your editor",
                )
            ],
        ) from None


def _refused(path: Path, message: str, hint: str | None = None) -> SourceError:
    return SourceError("", [Diagnostic("error", message, path, hint=hint)])


def _megabytes(size: int) -> str:
    # Issue 25: mebibytes counted and rounded down but named "MB" gave a 20 MB file as "19 MB"; binary units
    # throughout, named as such, like the import's limits (core/safety.py).
    return f"{size / MiB:.1f} MiB"


class Inputs:
    """The bytes of the source files one edition is made from, each read from disk once.

    A build hashes these bytes for its cache key and renders from the same bytes, so a file saved
    while the build runs is neither half-published nor vouched for (issue 10).
    """

    def __init__(self, files: dict[Path, bytes | None] | None = None):
        self.files: dict[Path, bytes | None] = dict(files or {})
        self.released = False

    def read(self, path: Path) -> bytes | None:
        """Return a file's bytes, or None when it does not exist; the first answer is kept."""
        path = Path(path)
        self._held()
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
        self._held()
        digest = hashlib.sha256()
        for path in sorted(self.files):
            data = self.files[path]
            digest.update(str(path).encode("utf-8") + b"\0" + (b"<missing>" if data is None else data) + b"\0")
        return digest.hexdigest()

    def release(self) -> None:
        """Drop the bytes read, keeping which files were read: for an edition hashed, rendered and recorded.

        A build's jobs live as long as the build; their bytes (the action's source, its PO files, some
        45 kB an edition) were its main process's growth over an archive (issue 24).
        """
        self.files = dict.fromkeys(self.files)
        self.released = True

    def _held(self) -> None:
        if self.released:  # a released file would read as missing: a wrong answer, never given
            raise RuntimeError("the inputs of this edition were released")


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


def source_line(diagnostic: Diagnostic) -> str | None:
    """Return the line of its file a finding points at, for the excerpt under an error; None when unknown."""
    if not (diagnostic.file and diagnostic.line and diagnostic.show_line):
        return None
    try:
        # Through the safe reader: a file that links outside the project is never quoted.
        text = read_project_text(Path(diagnostic.file))
    except SourceError:
        return None
    lines = text.splitlines()
    return lines[diagnostic.line - 1] if 0 < diagnostic.line <= len(lines) else None
