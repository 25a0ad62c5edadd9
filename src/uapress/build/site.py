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
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from uapress.build.cache import Cache, Failure, proof_name
from uapress.core.errors import SourceError
from uapress.core.files import write_atomic
from uapress.core.inputs import read_project_text
from uapress.localise import locale, localise
from uapress.model.checklist import Checklist, build_checklist
from uapress.source import find_actions, load_action
from uapress.source.markdown import plain as plain_markdown
from uapress.writers import WRITERS
from uapress.writers import index as index_writer
from uapress.writers.brand import Brand
from uapress.writers.index import page
from uapress.writers.pdfbytes import page_count as pdf_page_count

if TYPE_CHECKING:
    from collections.abc import Collection

    from uapress.localise import Localisation
    from uapress.source.schema import Action

INDEX_NAME = "index.html"
LISTED = tuple(name for name, writer in WRITERS.items() if writer.listed == "edition")
"""The files the index lists per edition, by writer name, with their column heading."""
LETTERS = tuple(name for name, writer in WRITERS.items() if writer.listed == "letters")
"""The letter sheets (issue 14), listed per action by language."""


@dataclass(frozen=True)
class IndexFile:
    """One output file that exists."""

    kind: str
    """Writer name: `html`, `pdf`, `docx`, `proof`."""
    name: str
    href: str
    """Address relative to the index."""
    size: int
    """Bytes."""
    pages: int | None = None
    """Page count, for PDF files."""


@dataclass(frozen=True)
class IndexLanguage:
    """One language of an action: its title, readiness and files."""

    lang: str
    language_name: str
    direction: str
    title: str
    source: bool
    """True for the source language."""
    published: bool
    """False for a folder left from a language the action no longer lists."""
    files: dict[str, IndexFile]
    """Existing files by writer name (`IndexFile`)."""
    failures: dict[str, Failure]
    """How the last build of a format failed, by writer name: {format, message}."""
    translated: float | None = None
    """Share of segments translated, from the model; not the verdict."""
    ready: bool | None = None
    """The model's verdict (`model.readiness`): the action and the translation both ready."""
    reasons: tuple[str, ...] = ()
    """Why not, in English: this language's own reasons (the action's are on `IndexAction.blockers`)."""
    checklist: str | None = None
    """Address of checklist.html, when it exists."""
    letters: dict[str, IndexFile] | None = None
    """Existing letter sheets by writer name (`letters-pdf`, `letters-docx`)."""
    appeal: bool = False
    """True for the language the target prefers to be addressed in."""


@dataclass(frozen=True)
class IndexAction:
    """One action: its facts and languages."""

    slug: str
    title: str
    lang: str
    direction: str
    reference: str | None
    deadline: dt.date | None
    days_left: int | None
    problem: str | None
    """Why the action is listed without its facts (its source has errors, or is gone)."""
    languages: tuple[IndexLanguage, ...]
    blockers: tuple[str, ...] = ()
    """What holds back every language of the action (links still `#`, no reference, expired), in English."""
    follows: str | None = None
    """The slug of the action this one is a follow-up (further information) of, when it is one in this project."""
    follows_title: str | None = None
    further: int = 0
    """Its place in the series: 1 for the first further information, 2 for the next; 0 when not a follow-up."""
    previous: str | None = None
    """The reference of the urgent action it follows (`previous.reference`), when given."""

    @property
    def expired(self) -> bool:
        """Tell whether the deadline has passed."""
        return self.days_left is not None and self.days_left < 0

    @property
    def kinds(self) -> tuple[str, ...]:
        """Return the writer names that have a column: every edition format (proofs are listed apart, issue 21)."""
        return tuple(kind for kind in LISTED if WRITERS[kind].edition)

    @property
    def proofs(self) -> tuple[IndexLanguage, ...]:
        """Return the languages that have a proof (or a failed one), listed apart from the files to send."""
        return tuple(item for item in self.languages if "proof" in item.files or "proof" in item.failures)

    @property
    def ready(self) -> tuple[IndexLanguage, ...]:
        """Return the languages whose files are ready to send."""
        return tuple(item for item in self.languages if item.ready and item.published)

    @property
    def drafts(self) -> tuple[IndexLanguage, ...]:
        """Return the languages whose files are drafts (or have no verdict, or are no longer published)."""
        return tuple(item for item in self.languages if not (item.ready and item.published))

    @property
    def letters(self) -> tuple[IndexLanguage, ...]:
        """Return the languages that have letter sheets, the target's preferred language first."""
        return tuple(sorted((item for item in self.languages if item.letters), key=lambda item: not item.appeal))


@dataclass(frozen=True)
class Index:
    """Everything the publication index shows."""

    today: dt.date
    actions: tuple[IndexAction, ...]


@dataclass(frozen=True)
class Verdict:
    """What the index shows of one language's checklist: small, so that a worker can send it back."""

    title: str | None
    """The title as the edition shows it, as plain text; None when that is not a translation (the source's is)."""
    translated: float
    ready: bool
    reasons: tuple[str, ...]
    """This language's own reasons, in English."""
    blockers: tuple[str, ...]
    """The action's reasons, which hold back every language, in English."""


@dataclass
class ActionSource:
    """One action as the index reads it from the project: the action, and its languages' verdicts (filled in by a build)."""

    path: Path
    action: Action | None
    """The loaded `Action`, or None when its source has errors."""
    verdicts: dict[str, Verdict | None]
    """`Verdict` by language; None for a language whose translation file has errors."""


def verdict(checklist: Checklist) -> Verdict:
    """Return what the index shows of a checklist (`model.checklist.Checklist`)."""
    shown = next((s for s in checklist.segments if s.field == "title"), None)
    title = plain_markdown(shown.translation) if shown and shown.status in ("source", "translated") else None
    return Verdict(
        title,
        checklist.translated,
        checklist.ready,
        tuple(r.message for r in checklist.reasons if not r.editorial),
        tuple(r.message for r in checklist.reasons if r.editorial),
    )


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


def read_sources(
    root: Path,
    today: dt.date,
    actions: dict[Path, Action] | None = None,
    verdicts: dict[str, Verdict | None] | None = None,
    later: Collection[str] = (),
) -> list[ActionSource]:
    """Return every action of the project with its languages' verdicts as of `today`.

    `actions` (loaded actions by path) and `verdicts` (by `slug/lang`) are what a build already has; the
    editions named in `later` (`slug/lang`) are left out, for their workers to tell (`gather` reads any
    still missing then).
    """
    actions, verdicts = actions or {}, verdicts or {}
    found: list[ActionSource] = []
    for path in find_actions(root):
        action = actions.get(path)
        if action is None:
            try:
                action, _ = load_action(path)
            except SourceError:
                found.append(ActionSource(path, None, {}))
                continue
        names = {lang: f"{action.slug}/{lang}" for lang in action.editions}
        found.append(
            ActionSource(
                path,
                action,
                {
                    lang: verdicts[name] if name in verdicts else _verdict(root, action, lang, today)
                    for lang, name in names.items()
                    if name in verdicts or name not in later
                },
            )
        )
    return found


def prepare(
    root: Path,
    brand: Brand,
    today: dt.date | None,
    actions: dict[Path, Action],
    unchanged: dict[str, Localisation],
    later: set[str],
) -> list[ActionSource]:
    """Return `read_sources` for a build, with the index page compiled; a build runs it while its workers render.

    The localisations of its `unchanged` editions (by `slug/lang`) give their verdicts; the editions named
    in `later` are left for their workers to tell (`with_rendered`).
    """
    day = today or dt.date.today()
    verdicts: dict[str, Verdict | None] = {name: verdict(build_checklist(loc, day)) for name, loc in unchanged.items()}
    found = read_sources(root, day, actions, verdicts, later)
    page(brand)
    return found


def with_rendered(sources: list[ActionSource], rendered: dict[str, Verdict]) -> list[ActionSource]:
    """Return the sources with the verdicts (by `slug/lang`) that a build's workers found for the editions they rendered."""
    for source in sources:
        if source.action is not None:
            for lang in source.action.editions:
                name = f"{source.action.slug}/{lang}"
                if name in rendered:
                    source.verdicts[lang] = rendered[name]
    return sources


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
            lang: source.verdicts[lang] if lang in source.verdicts else _verdict(root, action, lang, today)
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
                action.previous.reference if action.previous else None,
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


def _verdict(root: Path, action: Action, lang: str, today: dt.date) -> Verdict | None:
    """Return the verdict of a published language, or None when its translation file has errors."""
    try:
        return verdict(build_checklist(localise(action, lang, root), today))
    except SourceError:
        return None


def _language(
    out: Path, cache: Cache, slug: str, lang: str, action: Action | None, published: bool, found: Verdict | None = None
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
