"""Stage 5, build: the incremental-build cache, keyed by a hash of every input of an edition."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
import sys
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, TypedDict, cast

from uapress import __version__
from uapress.core.errors import Diagnostic, SourceError
from uapress.core.files import write_atomic
from uapress.core.inputs import MAX_ASSET, read_project_file

CACHE_NAME = ".uapress-cache.json"
PACKAGE = Path(__file__).resolve().parent

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable


class EncodedDiagnostic(TypedDict):
    """A finding as the cache stores it (`encode`): `Diagnostic`'s fields, the file as text."""

    severity: str
    message: str
    file: str | None
    line: int | None
    column: int | None
    field: str | None
    hint: str | None
    show_line: bool
    code: str


class Failure(TypedDict):
    """How an edition failed at its last build."""

    format: str
    message: str


class EditionEntry(TypedDict, total=False):
    """One edition in the cache: what `Cache.record` wrote, or only `failed` (`Cache.record_failure`)."""

    key: str
    files: list[str]
    reads: list[str]
    problems: list[EncodedDiagnostic]
    counts: dict[str, int]
    blockers: int | None
    """How many reasons held the edition back when it was built (0: ready), for the build's summary (issue 21)."""
    failed: Failure


class LoadedAction(TypedDict):
    """What loading one action found, as the cache keeps it for a no-op build (`plan.plan`)."""

    key: str
    slug: str
    language: str
    deadline: str
    expired: bool
    editions: list[str]
    problems: list[EncodedDiagnostic]


def _hash_files(paths: Iterable[Path], content: Callable[[Path], bytes] | None = None) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(str(path).encode("utf-8") + b"\0")
        digest.update((content or _content)(path))
    return digest.hexdigest()


def _content(path: Path) -> bytes:
    """Return a file's bytes for hashing, through the safe reader: a link out of the project is not read."""
    try:
        return read_project_file(path, MAX_ASSET) if path.is_file() else b"<missing>"
    except SourceError:
        return b"<refused>"  # loading the file reports why


@cache
def package_hash() -> str:
    """Return a hash of uapress itself, so a changed writer rebuilds everything."""
    files = [p for p in PACKAGE.rglob("*") if p.is_file() and p.suffix in (".py", ".html", ".css", ".yaml")]
    # The package's own files are read plainly: the project reader's checks (links out, sizes) guard user files
    # and cost a no-op build a third of its time here.
    files = [p for p in files if "__pycache__" not in p.parts]
    return _hash_files(files, Path.read_bytes) + __version__ + _library_versions()


LIBRARIES = ("weasyprint", "pydyf", "python-docx", "markdown", "babel", "jinja2", "pyyaml")
"""The libraries that shape the outputs: an upgrade rebuilds everything."""


def _library_versions() -> str:
    """Return the versions of the LIBRARIES, as installed."""
    versions = _dist_info_versions()
    missing = [name for name in LIBRARIES if _normal(name) not in versions]
    if missing:  # not installed from wheels: ask the slower importlib.metadata (a tenth of a no-op build)
        from importlib.metadata import PackageNotFoundError, version

        for name in missing:
            try:
                versions[_normal(name)] = version(name)
            except PackageNotFoundError:
                versions[_normal(name)] = "?"
    return ";".join(f"{name}={versions[_normal(name)]}" for name in LIBRARIES)


def _dist_info_versions() -> dict[str, str]:
    """Return {normalised name: version} from the `NAME-VERSION.dist-info` folders on sys.path, first found wins."""
    found: dict[str, str] = {}
    for folder in sys.path:
        try:
            entries = os.listdir(folder or ".")
        except OSError:
            continue
        for entry in entries:
            stem = entry[: -len(".dist-info")]
            if entry.endswith(".dist-info") and stem.count("-") == 1:  # ("dist-info" has a hyphen of its own)
                name, version = stem.split("-")
                found.setdefault(_normal(name), version)
    return found


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def styles_hash(root: Path) -> str:
    """Return a hash of the whole styles folder: brand, stylesheets, fonts, logo."""
    return _hash_files([p for p in (root / "styles").rglob("*") if p.is_file()])


def proof_name(name: str) -> str:
    """Return the cache entry of an edition's proof: proofs are cached apart from the deterministic editions."""
    return f"proof:{name}"


def action_key(raw: bytes) -> str:
    """Return the hash of what loading an action depends on besides the date: its bytes and the package."""
    return hashlib.sha256(raw + b"\0" + package_hash().encode()).hexdigest()


def edition_key(inputs: str, formats: tuple[str, ...], styles: str, options: str) -> str:
    """Return the hash of one edition's inputs: the hash of its source files' bytes, styles, package, options."""
    digest = hashlib.sha256()
    for part in (inputs, styles, package_hash(), ",".join(formats), options):
        digest.update(part.encode("utf-8") + b"\0")
    return digest.hexdigest()


class Cache:
    """What the last build wrote, per edition; a damaged cache only costs a full build."""

    def __init__(self, out: Path) -> None:
        self.path = out / CACHE_NAME
        self.entries: dict[str, EditionEntry] = {}
        self.actions: dict[str, LoadedAction] = {}
        """What loading each action found ({key, slug, language, deadline, editions, problems}), by path."""
        self.index_key: str | None = None
        self.problems: list[Diagnostic] = []
        """A notice when the file was unreadable and discarded, an error when it could not be written."""
        self.unsaved: str | None = None
        """Why the last save failed: a build saves several times, and says so once (issue 19)."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return
        except (OSError, UnicodeDecodeError) as exc:
            self._discard(getattr(exc, "strerror", None) or "not UTF-8")
            return
        try:
            data = json.loads(text)
        except (ValueError, RecursionError):  # garbage, or JSON nested deeper than Python recurses
            self._discard("not valid JSON")
            return
        editions = data.get("editions") if isinstance(data, dict) else None
        if not isinstance(editions, dict):
            self._discard("not a uapress cache")
            return
        self.entries = {name: entry for name, entry in editions.items() if _well_formed(entry)}
        self.index_key = data.get("index") if isinstance(data.get("index"), str) else None
        actions = data.get("actions")
        self.actions = actions if isinstance(actions, dict) else {}
        if len(self.entries) != len(editions):
            self._discard("entries of the wrong shape", keep=True)

    def _discard(self, why: str, keep: bool = False) -> None:
        """Note that (part of) the cache was unusable: the editions it described are rebuilt."""
        what = "its damaged entries were dropped" if keep else "it was discarded; every edition is rebuilt"
        self.problems.append(Diagnostic("notice", f"the build cache was unreadable ({why}): {what}", self.path))

    def index_inputs(self, root: Path, styles: str, today: str) -> str:
        """Return the hash of everything the publication index shows: sources, outputs, styles, the date."""
        sources = _hash_files([p for p in (root / "source").rglob("*") if p.is_file()])
        recorded = json.dumps(self.entries, sort_keys=True)
        return hashlib.sha256("\0".join((sources, recorded, styles, package_hash(), today)).encode()).hexdigest()

    def fresh(self, name: str, key: str, out: Path) -> bool:
        """Tell whether an edition's outputs are up to date and all still on disk."""
        entry = self.entries.get(name)
        if not isinstance(entry, dict) or entry.get("key") != key:
            return False
        files = entry.get("files")
        return isinstance(files, list) and bool(files) and all((out / f).is_file() for f in files)

    def record(
        self,
        name: str,
        key: str,
        files: list[str],
        reads: Iterable[str] = (),
        problems: Iterable[Diagnostic] = (),
        counts: dict[str, int] | None = None,
        blockers: int | None = None,
    ) -> None:
        """Remember what an edition wrote, the files it was made from, and what localising it found.

        With these a no-op build checks the edition's key and reports its warnings without localising it.
        """
        self.entries[name] = {
            "key": key,
            "files": files,
            "reads": list(reads),
            "problems": [encode(d) for d in problems],
            "counts": counts or {},
            "blockers": blockers,
        }

    def blockers(self, name: str) -> int | None:
        """Return how many reasons held an edition back when it was built (0: ready); None when not recorded."""
        value = self.entries.get(name, {}).get("blockers")
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    def recall(self, name: str) -> tuple[list[str], list[Diagnostic], dict[str, int]] | None:
        """Return the files an edition was made from, its problems and counts, as recorded; None when unknown."""
        entry = self.entries.get(name)
        if entry is None:
            return None
        try:
            reads, problems, counts = entry["reads"], entry["problems"], entry["counts"]
            if not all(isinstance(path, str) for path in reads) or not isinstance(counts, dict):
                return None
            return reads, [decode(d) for d in problems], counts
        except (KeyError, TypeError, ValueError):  # an older or damaged entry: the edition is localised again
            return None

    def record_failure(self, name: str, format: str, message: str) -> None:
        """Remember that an edition failed to render, for the publication index; it is rebuilt next time."""
        self.entries[name] = {"failed": {"format": format, "message": message}}

    def failure(self, name: str) -> Failure | None:
        """Return how an edition failed at its last build ({format, message}), or None."""
        entry = self.entries.get(name)
        failed = entry.get("failed") if isinstance(entry, dict) else None
        return failed if isinstance(failed, dict) else None

    def forget(self, name: str) -> None:
        """Drop an edition, so that it is rebuilt next time."""
        self.entries.pop(name, None)

    def save(self) -> list[Diagnostic]:
        """Write the cache atomically; return an error naming the path and the cause when it cannot be."""
        data = {"editions": self.entries, "actions": self.actions, "index": self.index_key}
        try:
            # Not indented: json indents with its pure-Python encoder, a list of small strings for every entry
            # (issue 24: at 200 actions, HTML only, 7.2 MiB at its peak instead of 4.3, and 4 times the CPU).
            write_atomic(self.path, json.dumps(data, sort_keys=True, separators=(",", ":")) + "\n")
        except OSError as exc:
            cause, self.unsaved = self.unsaved, str(exc.strerror or exc)
            if cause == self.unsaved:
                return []
            return [
                Diagnostic(
                    "error",
                    f"the build cache was not saved: {exc.strerror or exc}",
                    self.path,
                    hint="remove or fix that path; until then every build rebuilds every edition",
                )
            ]
        self.unsaved = None
        return []


def encode(diagnostic: Diagnostic) -> EncodedDiagnostic:
    """Return a finding as JSON-ready fields."""
    # asdict gives exactly Diagnostic's fields; only `file` changes type, just below.
    fields = cast("EncodedDiagnostic", dataclasses.asdict(diagnostic))
    fields["file"] = str(diagnostic.file) if diagnostic.file is not None else None
    return fields


def decode(fields: object) -> Diagnostic:
    """Return the finding `encode` gave; raise TypeError or ValueError when the fields are not one."""
    if not isinstance(fields, dict) or not isinstance(fields.get("message"), str):
        raise ValueError("not a finding")
    return Diagnostic(**{**fields, "file": Path(fields["file"]) if fields.get("file") is not None else None})


def _well_formed(entry: object) -> bool:
    """Tell whether a cache entry has one of the shapes `record` and `record_failure` write."""
    if not isinstance(entry, dict):
        return False
    if "failed" in entry:
        failed = entry["failed"]
        return isinstance(failed, dict) and all(isinstance(failed.get(k), str) for k in ("format", "message"))
    files = entry.get("files")
    return isinstance(entry.get("key"), str) and isinstance(files, list) and all(isinstance(f, str) for f in files)
