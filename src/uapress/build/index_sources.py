"""Stage 5, build: each action as the index reads it from the project, with its languages' readiness verdicts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from uapress.core.errors import SourceError
from uapress.localise import localise
from uapress.model.checklist import Checklist, build_checklist
from uapress.source import find_actions, load_action
from uapress.source.markdown import plain as plain_markdown
from uapress.writers.index import page

if TYPE_CHECKING:
    from collections.abc import Collection

    from uapress.localise import Localisation
    from uapress.source.schema import Action
    from uapress.writers.brand import Brand


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


@dataclass(frozen=True)
class Shown:
    """What the index shows of a loaded action, all it keeps of it until the index is written.

    Not the `Action` itself: its texts held for every action of an archive until the end of the build were
    most of the build's growth (issue 24).
    """

    slug: str
    title: str
    """Inline Markdown, as in the source."""
    language: str
    reference: str | None
    deadline: dt.date
    editions: tuple[str, ...]
    appeal_language: str
    previous: str | None
    """The reference of the urgent action it follows (`previous.reference`), when given."""


def shown(action: Action) -> Shown:
    """Return what the index shows of an action."""
    return Shown(
        action.slug,
        action.title,
        action.language,
        action.reference,
        action.deadline,
        tuple(action.editions),
        action.appeal_language,
        action.previous.reference if action.previous else None,
    )


@dataclass
class ActionSource:
    """One action as the index reads it from the project: what it shows of it, and its languages' verdicts (filled
    in by a build)."""

    path: Path
    action: Shown | None
    """What the index shows of the loaded action (`Shown`), or None when its source has errors."""
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
                shown(action),
                {
                    lang: verdicts[name] if name in verdicts else language_verdict(root, action, lang, today)
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


def language_verdict(root: Path, action: Action | Path, lang: str, today: dt.date) -> Verdict | None:
    """Return the verdict of a published language, or None when its translation file has errors.

    `action` is the loaded action, or the path of its source (loaded then; None when it no longer loads).
    """
    try:
        if isinstance(action, Path):
            action, _ = load_action(action)
        return verdict(build_checklist(localise(action, lang, root), today))
    except SourceError:
        return None
