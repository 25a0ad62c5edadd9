"""Stage 5, build: a build that finds nothing changed, reported from the cache alone (nothing loaded or rendered)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, cast

from uapress.build.cache import Cache, action_key, decode, edition_key, styles_hash
from uapress.build.outputs import sweep
from uapress.build.plan import BuildReport, EditionResult, Job, Recalled, chosen_languages, has_expired
from uapress.build.site import refresh_index
from uapress.core.errors import SourceError
from uapress.core.inputs import Inputs
from uapress.source.load import find_actions
from uapress.writers import EDITION_FORMATS

if TYPE_CHECKING:
    from uapress.source.schema import Action
    from uapress.writers.brand import Brand

Report = Callable[[int, int, str], None]
"""A build's progress callback: editions through, editions in all, which one and how."""


def recall(
    root: Path,
    slugs: list[str] | None,
    langs: list[str] | None,
    formats: list[str] | None,
    brand: Brand,
    out: Path,
    today: dt.date | None,
    progress: Report | None,
) -> BuildReport | None:
    """Return the report of a build that finds nothing changed, from the cache alone; None when anything did.

    Each action's bytes and every file each edition was made from are read and hashed as a full build
    would, but nothing is loaded, localised (no PO parsed, no Babel or Markdown imported) or rendered:
    the findings come from the cache, as the build that wrote the outputs recorded them.
    """
    chosen = tuple(formats or EDITION_FORMATS)
    sweep(out)
    cache = Cache(out)
    if cache.problems or any(name not in EDITION_FORMATS for name in chosen):
        return None  # the full build says what is wrong
    styles = styles_hash(root)
    report = BuildReport()
    try:
        for path in find_actions(root, slugs):
            inputs = Inputs()
            known = cache.actions.get(str(path))
            if not isinstance(known, dict) or known.get("key") != action_key(inputs.read(path) or b""):
                return None
            action = Recalled(path, known["slug"], known["language"], dt.date.fromisoformat(known["deadline"]))
            if known.get("expired") != has_expired(action, today):
                return None  # expired since: its notice is new
            editions, missing = chosen_languages(known["editions"], langs)
            if missing and slugs:
                return None  # the full build says which language is missing
            report.problems += [decode(fields) for fields in known["problems"]]
            for lang in editions:
                # The job only names the edition and keys it (slug, path, language, deadline): never localised,
                # so the cache's record of the action stands in for the loaded one.
                job = Job(cast("Action", action), lang, chosen, inputs=Inputs(inputs.files), today=today)
                recorded = cache.recall(job.cache_name)
                if recorded is None:
                    return None
                reads, problems, counts = recorded
                for read in reads:
                    job.inputs.read(Path(read))
                if not cache.fresh(job.cache_name, job_key(job, styles, brand), out):
                    return None
                job.inputs.release()  # hashed: a no-op build over an archive holds no sources (issue 24)
                blockers = cache.blockers(job.cache_name)
                report.editions.append(
                    EditionResult(job, problems=problems, counts=counts, unchanged=True, blockers=blockers)
                )
    except (OSError, SourceError, KeyError, TypeError, ValueError):  # unreadable, or a damaged entry: build it all
        return None
    if progress:
        for number, result in enumerate(report.editions, 1):
            progress(number, len(report.editions), f"{result.job.name} unchanged")
    refresh_index(root, out, brand, cache, today, False, report, styles)
    return report


def job_key(job: Job, styles: str, brand: Brand) -> str:
    """Return the cache key of an edition from the very bytes its job has read, the styles and the options."""
    # The checklist's verdict turns to "not ready" the day the deadline passes: that day rebuilds it.
    expired = has_expired(job.action, job.today)
    options = f"paper={brand.page_size},pdf={brand.pdf_variant},lang={job.lang},expired={expired}"
    return edition_key(job.inputs.digest(), job.formats, styles, options)
