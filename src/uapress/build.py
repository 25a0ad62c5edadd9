"""Stage 5, build: plan the editions, run the pipeline for each, write outputs atomically."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .brand import Brand, load_brand
from .errors import BuildError, Diagnostic, SourceError, UapressError, UsageError
from .files import write_atomic
from .localise import localise
from .model.document import build_document
from .source import find_actions, load_action
from .source.schema import Action
from .writers import EDITION_FORMATS, WRITERS, files_for


@dataclass(frozen=True)
class Job:
    """One edition to build: an action in one language, in some formats."""

    action: Action
    lang: str
    formats: tuple

    @property
    def name(self) -> str:
        """Return `slug/lang`."""
        return f"{self.action.slug}/{self.lang}"


@dataclass
class EditionResult:
    """What building one edition produced."""

    job: Job
    files: list[Path] = field(default_factory=list)
    problems: list[Diagnostic] = field(default_factory=list)
    counts: dict = field(default_factory=dict)
    failed: bool = False


@dataclass
class BuildReport:
    """Everything a build did and found, for the summary and the exit code."""

    editions: list[EditionResult] = field(default_factory=list)
    problems: list[Diagnostic] = field(default_factory=list)
    """Problems not tied to one edition (sources that failed to load)."""

    @property
    def diagnostics(self) -> list[Diagnostic]:
        """Return every problem found, source problems first."""
        return self.problems + [p for e in self.editions for p in e.problems]

    @property
    def errors(self) -> list[Diagnostic]:
        """Return the problems that fail the build."""
        return [d for d in self.diagnostics if d.is_error]

    @property
    def warnings(self) -> list[Diagnostic]:
        """Return the problems that only warn."""
        return [d for d in self.diagnostics if not d.is_error]

    def exit_code(self, strict: bool) -> int:
        """Return 1 on errors (or warnings under --strict), else 0."""
        failed = any(e.failed for e in self.editions)
        return 1 if failed or self.errors or (strict and self.warnings) else 0


def plan(root: Path, slugs: list[str] | None, langs: list[str] | None, formats: list[str] | None,
         report: BuildReport) -> list[Job]:
    """Load the named actions and list the editions to build; sources with errors are reported, not built."""
    formats = tuple(formats or EDITION_FORMATS)
    unknown = [f for f in formats if f not in WRITERS]
    if unknown:
        raise UsageError(f"unknown format: {', '.join(unknown)}; known formats: {', '.join(EDITION_FORMATS)}")
    jobs = []
    for path in find_actions(root, slugs):
        try:
            action, warnings = load_action(path)
        except SourceError as exc:
            report.problems += exc.diagnostics
            continue
        report.problems += warnings
        editions = action.editions
        if langs:
            missing = [lang for lang in langs if lang not in editions]
            if missing and slugs:
                raise UsageError(f"{action.slug} is not published in {', '.join(missing)}; "
                                 f"its languages: {', '.join(editions)} (add them to 'languages' in action.yaml)")
            editions = tuple(lang for lang in editions if lang in langs)
        jobs += [Job(action, lang, formats) for lang in editions]
    return jobs


def build_edition(job: Job, root: Path, brand: Brand, out: Path) -> EditionResult:
    """Render every format of one edition in memory, then write them all; on failure write nothing."""
    result = EditionResult(job)
    loc = localise(job.action, job.lang, root)
    result.problems += loc.problems
    result.counts = loc.counts
    if job.lang != job.action.language:
        for segment in loc.segments:
            if segment.fallback:
                result.problems.append(_fallback_warning(job, loc, segment))
    document = build_document(loc, files_for(job.action.slug, job.lang))
    outputs: dict[Path, bytes] = {}
    folder = out / job.action.slug / job.lang
    for name in job.formats + ("checklist-html", "checklist-json"):
        writer = WRITERS[name]
        try:
            outputs[folder / writer.file_for(job.action.slug, job.lang)] = writer.load()(document, brand)
        except UapressError:
            raise
        except Exception as exc:  # a writer bug or a rendering failure: report it, keep the old files
            result.failed = True
            result.problems.append(Diagnostic("error", f"the {name} writer failed: {type(exc).__name__}: {exc}",
                                              job.action.path, hint="run with --debug for the traceback"))
            return result
    for path, data in outputs.items():
        write_atomic(path, data)
        result.files.append(path)
    return result


def _fallback_warning(job: Job, loc, segment) -> Diagnostic:
    what = {"missing": "is not translated", "fuzzy": "has an out-of-date (fuzzy) translation",
            "invalid": "has a translation that breaks Markdown"}[segment.status]
    return Diagnostic("warning", f"[{job.lang}] segment {segment.id} {what}; the source text is shown",
                      loc.store_path or job.action.path, field=segment.field,
                      hint=f"translate it in {loc.store_path.name if loc.store_path else job.lang + '.po'}")


def build(root: Path, slugs: list[str] | None = None, *, langs: list[str] | None = None,
          formats: list[str] | None = None, out: Path | None = None, paper: str | None = None,
          progress: Callable[[str], None] | None = None, debug: bool = False) -> BuildReport:
    """Build the editions of the named actions (all by default) into `out` (default `build/`)."""
    report = BuildReport()
    brand = load_brand(root).with_page(paper)
    out = out or root / "build"
    jobs = plan(root, slugs, langs, formats, report)
    for job in jobs:
        if progress:
            progress(job.name)
        try:
            report.editions.append(build_edition(job, root, brand, out))
        except SourceError as exc:
            report.editions.append(EditionResult(job, problems=exc.diagnostics, failed=True))
        except Exception:
            if debug:
                raise
            raise BuildError(f"building {job.name} failed unexpectedly; run with --debug for the traceback")
    return report
