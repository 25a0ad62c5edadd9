"""Stage 5, build: the incremental-build cache, keyed by a hash of every input of an edition."""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path

from . import __version__
from .files import write_atomic

CACHE_NAME = ".uapress-cache.json"
PACKAGE = Path(__file__).resolve().parent


def _hash_files(paths) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(str(path).encode("utf-8") + b"\0")
        digest.update(path.read_bytes() if path.is_file() else b"<missing>")
    return digest.hexdigest()


@lru_cache(maxsize=None)
def package_hash() -> str:
    """Return a hash of uapress itself, so a changed writer rebuilds everything."""
    files = [p for p in PACKAGE.rglob("*") if p.is_file() and p.suffix in (".py", ".html", ".css", ".yaml")]
    return _hash_files([p for p in files if "__pycache__" not in p.parts]) + __version__ + _library_versions()


def _library_versions() -> str:
    """Return the versions of the libraries that shape the outputs: an upgrade rebuilds everything."""
    from importlib.metadata import PackageNotFoundError, version

    found = []
    for name in ("weasyprint", "pydyf", "python-docx", "markdown", "babel", "jinja2", "pyyaml"):
        try:
            found.append(f"{name}={version(name)}")
        except PackageNotFoundError:
            found.append(f"{name}=?")
    return ";".join(found)


def styles_hash(root: Path) -> str:
    """Return a hash of the whole styles folder: brand, stylesheets, fonts, logo."""
    return _hash_files([p for p in (root / "styles").rglob("*") if p.is_file()])


def proof_name(name: str) -> str:
    """Return the cache entry of an edition's proof: proofs are cached apart from the deterministic editions."""
    return f"proof:{name}"


def edition_key(root: Path, action_path: Path, lang: str, formats: tuple, styles: str, options: str,
                also: tuple = ()) -> str:
    """Return the hash of one edition's inputs: source, PO, labels, styles, package and options.

    `also` names other languages whose PO and labels the edition shows (the appeal language's letter).
    """
    labels = root / "source" / "labels"
    inputs = [action_path, labels / "en.po"]
    for name in dict.fromkeys((lang, *also)):
        inputs += [action_path.parent / "translations" / f"{name}.po", labels / f"{name}.po"]
    digest = hashlib.sha256()
    for part in (_hash_files(inputs), styles, package_hash(), ",".join(formats), options):
        digest.update(part.encode("utf-8") + b"\0")
    return digest.hexdigest()


class Cache:
    """What the last build wrote, per edition; a damaged cache only costs a full build."""

    def __init__(self, out: Path):
        self.path = out / CACHE_NAME
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            self.entries = data["editions"] if isinstance(data.get("editions"), dict) else {}
            self.index_key = data.get("index") if isinstance(data.get("index"), str) else None
        except (OSError, ValueError, KeyError, AttributeError, TypeError):
            self.entries = {}
            self.index_key = None

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

    def record(self, name: str, key: str, files: list[str]) -> None:
        """Remember what an edition wrote."""
        self.entries[name] = {"key": key, "files": files}

    def record_failure(self, name: str, format: str, message: str) -> None:
        """Remember that an edition failed to render, for the publication index; it is rebuilt next time."""
        self.entries[name] = {"failed": {"format": format, "message": message}}

    def failure(self, name: str) -> dict | None:
        """Return how an edition failed at its last build ({format, message}), or None."""
        entry = self.entries.get(name)
        failed = entry.get("failed") if isinstance(entry, dict) else None
        return failed if isinstance(failed, dict) else None

    def forget(self, name: str) -> None:
        """Drop an edition, so that it is rebuilt next time."""
        self.entries.pop(name, None)

    def save(self) -> None:
        """Write the cache atomically."""
        data = {"editions": self.entries, "index": self.index_key}
        write_atomic(self.path, json.dumps(data, indent=1, sort_keys=True) + "\n")
