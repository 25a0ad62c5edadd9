"""Test support: the DOCX files the suite reads back through LibreOffice, converted in one batch (issue 18).

Starting LibreOffice costs 2-3 s; one `soffice --convert-to FMT f1 f2 f3 ...` converts many files in about
the time of one. So a test module registers, when it is imported, each DOCX it needs converted and into
which formats (`register`); the session fixture `office` (conftest.py) makes every DOCX registered by
the modules whose selected tests use it, and converts them with one LibreOffice run per format. A test
then reads `office.converted(name, fmt)` (or `office.text(name)`), and `office.docx(name)` for the very
file LibreOffice was given.

A job's `make(path)` writes the DOCX at `path`; it may build a throwaway project in `path.parent`. Its
failure is the failure of the tests that ask for that job only.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

TEXT = "txt:Text (encoded):UTF8"
"""LibreOffice's filter for UTF-8 plain text (`office.text` reads it)."""


@dataclass
class Job:
    name: str
    make: Callable[[Path], None]
    formats: set[str] = field(default_factory=set)
    modules: set[str] = field(default_factory=set)


JOBS: dict[str, Job] = {}


def register(module: str, name: str, make: Callable[[Path], None], formats: Iterable[str]) -> str:
    """Register DOCX `name` (a file stem, unique in the session) made by `make`, to convert into `formats`.

    Several modules may register one name with the same producer: the formats add up. Returns `name`.
    """
    job = JOBS.setdefault(name, Job(name, make))
    assert job.make is make, f"two producers for {name!r}"
    job.formats.update(formats)
    job.modules.add(module)
    return name


def extension(fmt: str) -> str:
    return fmt.split(":", 1)[0]


class Batch:
    """The converted files of one session (see the module docstring)."""

    def __init__(self, folder: Path, jobs: list[Job], convert_many) -> None:
        self.folder = folder
        self.jobs = {job.name: job for job in jobs}
        self.made: dict[str, Path] = {}
        self.failed: dict[str, str] = {}
        self.out: dict[tuple[str, str], Path] = {}
        self.report: dict[str, str] = {}
        sources = folder / "in"
        for job in jobs:
            path = sources / job.name / f"{job.name}.docx"
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                job.make(path)
                assert path.is_file(), f"{job.name}: make() wrote no {path.name}"
                self.made[job.name] = path
            except Exception:  # noqa: BLE001 - reported to the tests that ask for this job
                self.failed[job.name] = traceback.format_exc()
        formats = sorted({fmt for job in jobs for fmt in job.formats})
        for fmt in formats:
            wanted = [self.made[job.name] for job in jobs if fmt in job.formats and job.name in self.made]
            if not wanted:
                continue
            outdir = folder / f"out-{extension(fmt)}"
            outputs, self.report[fmt] = convert_many(wanted, fmt, outdir)
            for source, out in zip(wanted, outputs):
                if out is not None:
                    self.out[source.stem, fmt] = out

    def docx(self, name: str) -> Path:
        """Return the DOCX given to LibreOffice for job `name`."""
        self._check(name)
        return self.made[name]

    def converted(self, name: str, fmt: str) -> Path:
        """Return what LibreOffice made of job `name` in format `fmt` ("pdf", "docx" or `TEXT`)."""
        self._check(name)
        assert fmt in self.jobs[name].formats, f"{name} is not registered for {fmt!r}"
        out = self.out.get((name, fmt))
        if out is None:
            raise RuntimeError(f"LibreOffice did not convert {name}.docx to {fmt!r}:\n{self.report.get(fmt, '')}")
        return out

    def text(self, name: str) -> str:
        """Return the text LibreOffice exports of job `name` (its UTF-8 text filter, byte order mark dropped)."""
        return self.converted(name, TEXT).read_text(encoding="utf-8-sig")

    def _check(self, name: str) -> None:
        assert name in self.jobs, f"no DOCX {name!r} is registered for LibreOffice by a selected test's module"
        if name in self.failed:
            raise RuntimeError(f"making {name}.docx failed:\n{self.failed[name]}")


@cache
def sample_edition(lang: str) -> Callable[[Path], None]:
    """Return the producer of the sample's DOCX edition in `lang`, as the DOCX writer writes it."""

    def make(path: Path) -> None:
        from helpers import sample_brand, sample_document
        from uapress.writers import docx

        path.write_bytes(docx.write(sample_document(lang), sample_brand()))

    return make
