"""Stage 5, build: plan the editions to build from the named actions; what building each produced."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, cast

from uapress.build.cache import action_key, encode, proof_name
from uapress.core.errors import Diagnostic, Findings, UsageError
from uapress.core.inputs import Inputs
from uapress.source.load import find_actions, review_action
from uapress.source.schema import Action
from uapress.writers import EDITION_FORMATS

if TYPE_CHECKING:
    from collections.abc import Collection

    from uapress.build.cache import LoadedAction
    from uapress.build.index_sources import Verdict
    from uapress.core.nodes import Proof

# Localising and modelling (Babel, Markdown) are imported where an edition is localised: a no-op build never is.


@dataclass(frozen=True)
class Job:
    """One edition to build: an action in one language, in some formats."""

    action: Action
    lang: str
    formats: tuple[str, ...]
    proof: Proof | None = None
    """The `model.nodes.Proof` to draw when the job builds a proof (formats `("proof",)`)."""
    inputs: Inputs = field(default_factory=Inputs, compare=False, repr=False)
    """The source files read for this edition: rendered and hashed from these very bytes."""
    today: dt.date | None = None
    """The day the checklist's verdict is given on (default: the date now)."""

    @property
    def name(self) -> str:
        """Return `slug/lang`."""
        return f"{self.action.slug}/{self.lang}"

    @property
    def cache_name(self) -> str:
        """Return the job's cache entry: proofs are kept apart from the editions."""
        return proof_name(self.name) if "proof" in self.formats else self.name


@dataclass
class EditionResult:
    """What building one edition produced."""

    job: Job
    files: list[Path] = field(default_factory=list)
    problems: list[Diagnostic] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    failed: bool = False
    failed_format: str = ""
    """The writer that failed (`pdf`…), when one did."""
    unchanged: bool = False
    """True when the inputs had not changed and nothing was rebuilt."""
    outputs: dict[str, bytes] = field(default_factory=dict)
    """The rendered files by name in the edition folder, until the build writes them."""
    withdrawn: list[str] = field(default_factory=list)
    """Files of the edition folder to remove when it is written (letter sheets no longer on offer)."""
    verdict: Verdict | None = None
    """What the publication index shows of the edition's checklist (`index_sources.Verdict`), found while rendering it."""
    blockers: int | None = None
    """How many reasons hold the edition back (0: ready to send), for the build's summary; None when unknown."""

    def fail(self, format: str, why: str, file: Path | None, what: str, hint: str | None = None) -> None:
        """Mark the edition failed in one format (`pdf`, `write`…), with an error saying why."""
        self.failed, self.failed_format = True, format
        self.problems.append(Diagnostic("error", f"{what}: {why}", file, hint=hint))


@dataclass
class BuildReport(Findings):
    """Everything a build did and found, for the summary and the exit code."""

    editions: list[EditionResult] = field(default_factory=list)
    problems: list[Diagnostic] = field(default_factory=list)
    """Problems not tied to one edition (sources that failed to load)."""

    # Findings reads `diagnostics` only; a build's are derived from its editions, so a property stands in.
    @property
    def diagnostics(self) -> list[Diagnostic]:  # type: ignore[override]
        """Return every problem found, source problems first."""
        return self.problems + [p for e in self.editions for p in e.problems]

    def exit_code(self, strict: bool) -> int:
        """Return 1 on errors (or warnings under --strict), else 0."""
        failed = any(e.failed for e in self.editions)
        return 1 if failed or self.errors or (strict and self.warnings) else 0


@dataclass(frozen=True)
class Recalled:
    """An action by what names and keys its editions: the cache's record of it, or a built action's stand-in."""

    path: Path
    slug: str
    language: str
    deadline: dt.date


def settled(job: Job, standins: dict[Path, Recalled]) -> Job:
    """Return the job with its action replaced by a stand-in (one per action in `standins`), once its edition is done.

    A loaded action (its texts, and the UTF-8 copies pickling them for the workers leaves in each string) is
    some 45 kB; held by every job and result until an archive's build ended, it was most of the main
    process's growth (issue 24). What the closing lines and the cache key read of it stays.
    """
    action = job.action
    standin = standins.get(action.path)
    if standin is None:
        standin = standins[action.path] = Recalled(action.path, action.slug, action.language, action.deadline)
    return replace(job, action=cast("Action", standin))


class Dated(Protocol):
    """What `has_expired` reads of an action: a loaded `Action`, or the cache's record of one."""

    @property
    def deadline(self) -> dt.date:
        """Return the last day to take action."""
        ...


def chosen_formats(formats: list[str] | None) -> tuple[str, ...]:
    """Return the formats a build writes: those asked for (all edition formats by default); refuse unknown ones."""
    chosen = tuple(formats or EDITION_FORMATS)
    unknown = [f for f in chosen if f not in EDITION_FORMATS]
    if unknown:
        raise UsageError(f"unknown format: {', '.join(unknown)}; known formats: {', '.join(EDITION_FORMATS)}")
    return chosen


def plan(
    root: Path,
    slugs: list[str] | None,
    langs: list[str] | None,
    formats: list[str] | None,
    report: BuildReport,
    today: dt.date | None = None,
    loaded: dict[str, LoadedAction] | None = None,
) -> list[Job]:
    """Load the named actions and list the editions to build; sources with errors are reported, not built.

    `loaded` receives, by path, what loading each valid action found, for the cache (`Cache.actions`).
    """
    chosen = chosen_formats(formats)
    jobs: list[Job] = []
    for path in find_actions(root, slugs):
        inputs = Inputs()
        try:
            raw = inputs.read(path)
        except OSError:  # unreadable: the loader reads it again and reports why
            raw = None
        action, found = review_action(path, today, raw)
        report.problems += found  # an expired action is noticed here, still built, marked in the index
        if action is None:
            continue
        if loaded is not None and raw is not None:
            # Its findings depend on its bytes and, through the deadline notice, on whether it has expired.
            loaded[str(path)] = {
                "key": action_key(raw),
                "slug": action.slug,
                "language": action.language,
                "deadline": action.deadline.isoformat(),
                "expired": has_expired(action, today),
                "editions": list(action.editions),
                "problems": [encode(d) for d in found],
            }
        editions, missing = chosen_languages(action.editions, langs)
        if missing and slugs:
            raise UsageError(
                f"{action.slug} is not published in {', '.join(missing)}; "
                f"its languages: {', '.join(action.editions)} (add them to 'languages' in action.yaml)"
            )
        jobs += [Job(action, lang, chosen, inputs=Inputs(inputs.files), today=today) for lang in editions]
    return jobs


def chosen_languages(editions: Collection[str], langs: list[str] | None) -> tuple[tuple[str, ...], list[str]]:
    """Return the editions `--lang` asks for (all without it) and the languages asked for that it lacks."""
    if not langs:
        return tuple(editions), []
    return tuple(lang for lang in editions if lang in langs), [lang for lang in langs if lang not in editions]


def has_expired(action: Dated, today: dt.date | None) -> bool:
    """Tell whether an action's deadline has passed (on `today`, default the date now)."""
    return action.deadline < (today or dt.date.today())
