"""Every stage's input: read a file of the project (source/, styles/) safely, or refuse it with a clear error.

A project is shared through git and pull requests, so its files are not trusted: a file that is a link
to `/etc/passwd` must not end up in an error message or an edition, a link to `/dev/zero` must not
eat the memory, and a 20 MB action must not take minutes to render (issue 10).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from .errors import Diagnostic, SourceError

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
    except (OSError, RuntimeError) as exc:  # RuntimeError: a loop of links
        raise _refused(path, f"cannot read the file: {getattr(exc, 'strerror', None) or 'a loop of links'}") from None
    if not real.is_relative_to(inside):
        raise _refused(path, f"links outside the project (to {real}): uapress reads only files inside {inside}",
                       "replace the link with a copy of the file inside the project")
    try:
        # Non-blocking: opening a named pipe must not wait for a writer; it is refused just below.
        fd = os.open(real, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
    except OSError as exc:
        raise _refused(path, f"cannot read the file: {exc.strerror}") from None
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise _refused(path, "is not a regular file (a device, a pipe or a folder)",
                           "replace it with an ordinary text file")
        data = handle.read(limit + 1)  # never more, even if the file grows while it is read
    if len(data) > limit:
        size = max(os.stat(real).st_size, len(data))
        raise _refused(path, f"the file is {_megabytes(size)}, more than the {_megabytes(limit)} a file of the "
                       "project may have", "keep only the text of the action in it; a source is a few kB")
    return data


def read_project_text(path: Path, limit: int = MAX_TEXT, boundary: Path | None = None) -> str:
    """Return a project file as UTF-8 text (see `read_project_file`); an encoding error raises SourceError."""
    data = read_project_file(path, limit, boundary)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SourceError("", [Diagnostic("error", f"the file is not UTF-8 (byte 0x{data[exc.start]:02x})", path, line,
                                          hint="save the file as UTF-8 in your editor")]) from None


def _refused(path: Path, message: str, hint: str | None = None) -> SourceError:
    return SourceError("", [Diagnostic("error", message, path, hint=hint)])


def _megabytes(size: int) -> str:
    return f"{size / MiB:.1f} MB" if size < 10 * MiB else f"{size // MiB} MB"
