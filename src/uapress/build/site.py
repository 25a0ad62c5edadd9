"""Stage 5, build: the publication index, `build/index.html`, gathered from the files on disk.

Every build rewrites it, a no-op build too, so it stays cheap: it reads the sources and translations and
gives each language the model's readiness verdict as of today (no rendering), the cache's record of
failures, and each PDF's page count from its bytes. It never imports WeasyPrint. It lists exactly the files
that exist, and links to them with relative addresses, so the folder works from disk and from any static host.
A build hands it what it already knows (`read_sources`): the actions it loaded, the verdicts its workers
found while rendering, and the rest read while they render, so only the files are looked at after the last one.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from uapress.build.cache import Cache, Failure, proof_name
from uapress.build.index_model import LETTERS, LISTED, Index, IndexAction, IndexFile, IndexLanguage
from uapress.build.index_sources import ActionSource, Shown, Verdict, language_verdict, read_sources
from uapress.core.errors import Diagnostic, SourceError
from uapress.core.files import write_atomic
from uapress.core.inputs import read_project_text
from uapress.localise import locale
from uapress.source.markdown import plain as plain_markdown
from uapress.writers import WRITERS
from uapress.writers import index as index_writer
from uapress.writers.pdfbytes import page_count as pdf_page_count

if TYPE_CHECKING:
    from collections.abc import Callable

    from uapress.build.plan import BuildReport
    from uapress.writers.brand import Brand

INDEX_NAME = "index.html"


def write_index(
    root: Path,
    out: Path,
    brand: Brand,
    cache: Cache,
    today: dt.date | None = None,
    sources: list[ActionSource] | None = None,
) -> Path:
    """Write `out/index.html` when its content changed (a no-op build leaves the file untouched).

    `sources` are the project's actions as `read_sources` gave them (read now when None).
    """
    data = index_writer.write(gather(root, out, cache, today, sources), brand)
    path = out / INDEX_NAME
    try:
        if path.read_bytes() == data:
            return path
    except OSError:
        pass
    write_atomic(path, data)
    return path


def gather(
    root: Path, out: Path, cache: Cache, today: dt.date | None = None, sources: list[ActionSource] | None = None
) -> Index:
    """Return the index of every action in the project and every edition folder under `out`."""
    today = today or dt.date.today()
    on_disk = _edition_folders(out)
    actions: list[IndexAction] = []
    sources = read_sources(root, today) if sources is None else sources
    series = _series(sources)
    for source in sources:
        slug = source.path.parent.name
        action = source.action
        if action is None:
            message = f"the source has errors: run `uapress check {slug}`"
            actions.append(_unreadable(out, cache, slug, on_disk.get(slug, set()), message))
            continue
        extra = sorted(set(on_disk.get(slug, ())) - set(action.editions))
        verdicts = {
            lang: source.verdicts[lang] if lang in source.verdicts else language_verdict(root, source.path, lang, today)
            for lang in action.editions
        }
        languages = [_language(out, cache, slug, lang, action, True, verdicts[lang]) for lang in action.editions]
        languages += [_language(out, cache, slug, lang, action, False) for lang in extra]
        source_verdict = verdicts[action.language]
        blockers = source_verdict.blockers if source_verdict else ()
        follows, follows_title, further = series.get(slug, (None, None, 0))
        actions.append(
            IndexAction(
                slug,
                plain_markdown(action.title),
                action.language,
                locale.direction(action.language),
                action.reference,
                action.deadline,
                (action.deadline - today).days,
                None,
                tuple(languages),
                blockers,
                follows,
                follows_title,
                further,
                action.previous,
            )
        )
    known = {item.slug for item in actions}
    for slug in sorted(set(on_disk) - known):
        actions.append(
            _unreadable(out, cache, slug, on_disk[slug], f"no source any more: source/actions/{slug} is gone")
        )
    return Index(today, tuple(actions))


def _unreadable(out: Path, cache: Cache, slug: str, langs: set[str], problem: str) -> IndexAction:
    """Return the row of an action whose source cannot be read (broken or gone): its folders on disk and why."""
    languages = tuple(_language(out, cache, slug, lang, None, False) for lang in sorted(langs))
    return IndexAction(slug, slug, "en", "ltr", None, None, None, problem, languages)


def _edition_folders(out: Path) -> dict[str, set[str]]:
    """Return the languages that have at least one listed file on disk, by action."""
    found: dict[str, set[str]] = {}
    if not out.is_dir():
        return found
    for folder in out.glob("*/*/"):
        slug, lang = folder.parent.name, folder.name
        if any((folder / WRITERS[kind].file_for(slug, lang)).is_file() for kind in LISTED):
            found.setdefault(slug, set()).add(lang)
    return found


def _language(
    out: Path, cache: Cache, slug: str, lang: str, action: Shown | None, published: bool, found: Verdict | None = None
) -> IndexLanguage:
    folder = out / slug / lang
    files: dict[str, IndexFile] = {}
    failures: dict[str, Failure] = {}
    for kind in LISTED:
        name = WRITERS[kind].file_for(slug, lang)
        path = folder / name
        if path.is_file():
            data = path.read_bytes() if WRITERS[kind].paged else None
            files[kind] = IndexFile(
                kind,
                Path(name).name,
                _href(slug, lang, name),
                path.stat().st_size,
                pdf_page_count(data) if data is not None else None,
            )
    letters: dict[str, IndexFile] = {}
    for kind in LETTERS:
        name = WRITERS[kind].file_for(slug, lang)
        if (folder / name).is_file():
            letters[kind] = IndexFile(kind, Path(name).name, _href(slug, lang, name), (folder / name).stat().st_size)
    edition = f"{slug}/{lang}"
    failed = cache.failure(edition)
    if failed:
        # An edition is written whole or not at all: every format it was built in is stale or missing.
        failures[failed.get("format") or "edition"] = failed
    if failed := cache.failure(proof_name(edition)):
        failures["proof"] = failed
    title = plain_markdown(action.title) if action else slug
    if found and found.title is not None:
        title = found.title  # the title as the edition shows it
    reasons = found.reasons if found else ()
    if published and action and found is None:
        reasons = (f"the translation file has errors: run `uapress check {slug}`",)
    is_source = action is not None and lang == action.language
    return IndexLanguage(
        lang,
        _language_name(lang),
        locale.direction(lang) if _known(lang) else "ltr",
        title,
        is_source,
        published,
        files,
        failures,
        translated=found.translated if found else None,
        ready=found.ready if found else (False if published and action else None),
        reasons=reasons,
        checklist=_href(slug, lang, "checklist.html") if (folder / "checklist.html").is_file() else None,
        letters=letters,
        appeal=action is not None and lang == action.appeal_language,
    )


def _href(slug: str, lang: str, name: str) -> str:
    return "/".join(quote(part) for part in (slug, lang, *name.split("/")))


def _known(lang: str) -> bool:
    try:
        locale.babel_locale(lang)
    except Exception:  # a folder name that is no language tag
        return False
    return True


def _language_name(lang: str) -> str:
    return locale.own_language_name(lang) if _known(lang) else lang


FOLLOW_UP = re.compile(r"^# a follow-up \(further information\) of ([a-z0-9-]+)\.$", re.M)
"""The line `uapress followup` writes at the top of a follow-up's source, naming the action it follows."""


def _series(sources: list[ActionSource]) -> dict[str, tuple[str, str | None, int]]:
    """Return, by slug, each follow-up's (followed slug, its title, number in the series).

    Issue 21: an action and its follow-up carry the same title; the index says which is the further
    information, and of what. The source format has no field for the action a follow-up follows when
    its `previous` is still to fill in, so the line `uapress followup` writes says it.
    """
    follows: dict[str, str] = {}
    titles: dict[str, str] = {}
    for source in sources:
        slug = source.path.parent.name
        if source.action is not None:
            titles[slug] = plain_markdown(source.action.title)
        try:
            head = read_project_text(source.path)[:4000]
        except SourceError:
            continue
        if (found := FOLLOW_UP.search(head)) and found.group(1) != slug:
            follows[slug] = found.group(1)
    series = {}
    for slug, followed in follows.items():
        number, step, seen = 1, followed, {slug}
        while step in follows and step not in seen:  # a follow-up of a follow-up is the next in the series
            seen.add(step)
            number, step = number + 1, follows[step]
        series[slug] = (followed, titles.get(followed), number)
    return series


def refresh_index(
    root: Path,
    out: Path,
    brand: Brand,
    cache: Cache,
    today: dt.date | None,
    rendered: bool,
    report: BuildReport,
    styles: str,
    sources: Callable[[], list[ActionSource]] | None = None,
) -> None:
    """Rewrite the publication index when what it shows changed.

    Every build rewrites the index (a no-op one too: days left change), except one that only found
    broken sources: like a failed build, it leaves build/ exactly as it was. `sources` returns what the
    build read for it (`index_sources.read_sources`); without it the index reads the project itself.
    """
    index_key = cache.index_inputs(root, styles, (today or dt.date.today()).isoformat())
    fresh_index = cache.index_key == index_key and (out / "index.html").is_file()
    if fresh_index or not (rendered or not any(d.is_error for d in report.problems)):
        return

    try:
        write_index(root, out, brand, cache, today, sources() if sources else None)
    except OSError as exc:  # a brand folder without styles/index.html, a read-only build folder
        where = Path(exc.filename) if exc.filename else out / "index.html"
        report.problems.append(
            Diagnostic(
                "error",
                f"the publication index was not written: {exc.strerror}",
                where,
                # Issue 25: a read-only or full build folder is not a missing template.
                hint="make the folder writable, or free some space, then build again"
                if where == out / "index.html"
                else "styles/ needs index.html (copy it from uapress's styles/)",
            )
        )
        return
    cache.index_key = index_key
    report.problems += cache.save()
