"""Review: what changed in an action since an earlier git revision, per language (proofs and `uapress diff`).

The old `action.yaml` and `translations/<lang>.po` are read with `git show REV:path` and localised like
the current ones, so both sides are what an edition shows. Segment ids hash field and text, so a changed
block has a new id: blocks are matched per field by their source text (difflib), and a block whose
source or shown text differs at the same place counts as changed rather than as removed and added.
"""

from __future__ import annotations

import difflib
import os
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from uapress.core.errors import SourceError, UsageError
from uapress.core.nodes import Change, LanguageChanges
from uapress.localise import locale, localise
from uapress.source import load_action
from uapress.source.markdown import plain as plain_markdown
from uapress.source.schema import Action, Copy, Target

if TYPE_CHECKING:
    from collections.abc import Iterable

    from uapress.core.nodes import Segment
    from uapress.localise import Localisation

GIT_TIMEOUT = 60  # seconds; `git show` of one small file takes milliseconds


@dataclass(frozen=True)
class Revision:
    """A git commit, as reviewers read it."""

    hash: str
    short: str
    date: str
    """Committer date, YYYY-MM-DD."""
    subject: str

    def describe(self) -> str:
        """Return `89a75be (2026-11-28, "Fix the deadline")`."""
        subject = self.subject if len(self.subject) <= 60 else self.subject[:59] + "…"
        return f'{self.short} ({self.date}, "{subject}")'


class Git:
    """The git repository holding a project, or the reason there is none (no change bars then)."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.reason: str | None = None
        """Why there is no repository to read (git missing, not a repository); None when there is one."""
        probe = self._run("rev-parse", "--is-inside-work-tree")
        if probe is None:
            self.reason = "git is not installed"
        elif probe.returncode != 0 or probe.stdout.strip() != b"true":
            self.reason = "not a git repository"

    @property
    def available(self) -> bool:
        """Tell whether the project is in a git repository that git can read."""
        return self.reason is None

    def _run(self, *args: str) -> subprocess.CompletedProcess[bytes] | None:
        # Plain bytes, C locale, no optional locks: `git status` must not take the index lock while another
        # build (or the author's editor) uses the repository.
        env = dict(os.environ, LC_ALL="C", GIT_OPTIONAL_LOCKS="0", GIT_TERMINAL_PROMPT="0")
        try:
            return subprocess.run(
                ["git", *args],
                cwd=self.root,
                capture_output=True,
                env=env,
                stdin=subprocess.DEVNULL,
                timeout=GIT_TIMEOUT,
            )
        except (OSError, subprocess.TimeoutExpired):
            return None

    def _commit(self, rev: str) -> Revision | None:
        found = self._run("log", "-1", "--format=%H%x00%h%x00%cs%x00%s", rev, "--")
        if found is None or found.returncode != 0 or not found.stdout.strip():
            return None
        full, short, date, subject = found.stdout.decode("utf-8", "replace").rstrip("\n").split("\0", 3)
        return Revision(full, short, date, subject)

    def resolve(self, rev: str) -> Revision:
        """Return the commit `rev` names; raise UsageError when there is none."""
        if self.available and rev and not rev.startswith("-"):
            found = self._run("rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}")
            if found is not None and found.returncode == 0:
                commit = self._commit(found.stdout.decode().strip())
                if commit:
                    return commit
        raise UsageError(
            f"revision '{rev}' not found"
            + (f" ({self.reason})" if self.reason else "")
            + "; name a commit, branch or tag, e.g. HEAD~1 or the hash `git log` shows"
        )

    def last_commit(self, path: Path) -> Revision | None:
        """Return the last commit that touched a file or folder, or None when none did."""
        if not self.available:
            return None
        return self._commit_of(self._run("log", "-1", "--format=%H", "--", self._relative(path)))

    def head(self) -> Revision | None:
        """Return the checked-out commit, or None in a repository without commits."""
        return self._commit("HEAD") if self.available else None

    def dirty(self, *paths: Path) -> bool:
        """Tell whether files under `paths` differ from the checked-out commit (untracked ones included)."""
        if not self.available:
            return False
        found = self._run("status", "--porcelain", "--untracked-files=all", "--", *map(self._relative, paths))
        return bool(found and found.returncode == 0 and found.stdout.strip())

    def show(self, revision: Revision, path: Path) -> bytes | None:
        """Return a file as it was at `revision`, or None when it did not exist there."""
        found = self._run("show", f"{revision.hash}:./{self._relative(path)}")
        return found.stdout if found is not None and found.returncode == 0 else None

    def _commit_of(self, found: subprocess.CompletedProcess[bytes] | None) -> Revision | None:
        if found is None or found.returncode != 0 or not found.stdout.strip():
            return None
        return self._commit(found.stdout.decode().strip())

    def _relative(self, path: Path) -> str:
        return Path(path).resolve().relative_to(self.root.resolve()).as_posix()


@dataclass(frozen=True)
class ActionChanges:
    """Everything that differs in one action between a revision and the working tree."""

    slug: str
    since: Revision
    metadata: tuple[Change, ...] = ()
    """Changes of untranslated facts (`Change`), the same for every language."""
    languages: tuple[LanguageChanges, ...] = ()
    """Block changes per published language (`LanguageChanges`), in the action's order."""
    notes: tuple[str, ...] = ()
    """What the comparison could not do as usual (the action did not exist then…)."""

    def language(self, lang: str) -> LanguageChanges:
        """Return the block changes of one language."""
        return next(item for item in self.languages if item.lang == lang)

    def marks(self, lang: str) -> frozenset[str]:
        """Return the segment ids and metadata fields whose blocks get a change bar in `lang`."""
        changes = self.language(lang).changes + self.metadata
        return frozenset(change.mark for change in changes if change.mark)


def compare(git: Git, root: Path, action: Action, since: Revision) -> ActionChanges:
    """Compare an action and its translations now with the same files at `since`."""
    notes: list[str] = []
    with tempfile.TemporaryDirectory(prefix="uapress-since-") as tmp:
        old = _old_action(git, action, since, Path(tmp), notes)
        languages: list[LanguageChanges] = []
        for lang in action.editions:
            new_loc = localise(action, lang, root)
            old_loc: Localisation | None = None
            if old is not None and lang in old.editions:
                try:
                    old_loc = localise(old, lang, root)
                except SourceError:
                    notes.append(
                        f"{lang}: translations/{lang}.po had errors at {since.short}; every block counts as added"
                    )
            elif old is not None:
                notes.append(f"{lang} was not published at {since.short}; every block counts as added")
            languages.append(LanguageChanges(lang, locale.own_language_name(lang), tuple(_blocks(old_loc, new_loc))))
    metadata = tuple(_facts_changes(_facts(old) if old else {}, _facts(action)))
    return ActionChanges(action.slug, since, metadata, tuple(languages), tuple(notes))


def _old_action(git: Git, action: Action, since: Revision, tmp: Path, notes: list[str]) -> Action | None:
    """Load the action as it was at `since` from a temporary copy of its files; None when it cannot be."""
    data = git.show(since, action.path)
    if data is None:
        notes.append(f"the action did not exist at {since.short}; every block counts as added")
        return None
    folder = tmp / action.slug  # the loader takes the slug from the folder name
    (folder / "translations").mkdir(parents=True)
    (folder / "action.yaml").write_bytes(data)
    for lang in action.editions:
        po = git.show(since, action.folder / "translations" / f"{lang}.po")
        if po is not None:
            (folder / "translations" / f"{lang}.po").write_bytes(po)
    try:
        old, _ = load_action(folder / "action.yaml")
    except SourceError:
        notes.append(f"action.yaml had errors at {since.short}; every block counts as added")
        return None
    return old


def _blocks(old_loc: Localisation | None, new_loc: Localisation) -> list[Change]:
    """Return the block changes from one localisation to the other, field by field, in document order."""
    old_fields = _by_field(old_loc.segments if old_loc else ())
    new_fields = _by_field(new_loc.segments)
    out: list[Change] = []
    for name in list(new_fields) + [f for f in old_fields if f not in new_fields]:
        before, after = old_fields.get(name, []), new_fields.get(name, [])
        matcher = difflib.SequenceMatcher(None, [s.source for s in before], [s.source for s in after], autojunk=False)
        for op, i1, i2, j1, j2 in matcher.get_opcodes():
            pairs = list(zip(before[i1:i2], after[j1:j2]))
            for old, new in pairs:
                # Same source: changed only when what the edition shows differs (a translation was edited,
                # or became fuzzy and now shows the source).
                if op != "equal" or old.text != new.text or old.fallback != new.fallback:
                    out.append(Change("changed", name, plain_markdown(old.text), plain_markdown(new.text), new.id))
            out += [Change("added", name, "", plain_markdown(s.text), s.id) for s in after[j1 + len(pairs) : j2]]
            out += [Change("removed", name, plain_markdown(s.text), "", None) for s in before[i1 + len(pairs) : i2]]
    return out


def _by_field(segments: Iterable[Segment]) -> dict[str, list[Segment]]:
    fields: dict[str, list[Segment]] = {}
    for segment in segments:
        fields.setdefault(segment.field, []).append(segment)
    return fields


def _facts(action: Action) -> dict[str, str]:
    """Return the untranslated facts of an action by field, as plain values."""
    facts = {
        "issued": action.issued.isoformat(),
        "deadline": action.deadline.isoformat(),
        "reference": action.reference or "",
        "ua_number": action.ua_number or "",
        "country": action.country,
        "appeal_language": action.appeal_language,
        "languages": ", ".join(action.languages),
        "previous": f"{action.previous.reference} {action.previous.url}" if action.previous else "",
        "keep": ", ".join(action.keep),
    }
    groups: tuple[tuple[str, tuple[Target | Copy, ...]], ...] = (("targets", action.targets), ("copies", action.copies))
    for group, people in groups:
        for index, person in enumerate(people):
            facts[f"{group}.{index}.name"] = person.name
            facts[f"{group}.{index}.address"] = " / ".join(
                line.strip() for line in person.address.splitlines() if line.strip()
            )
            if isinstance(person, Target):  # only targets have an email
                facts[f"{group}.{index}.email"] = person.email or ""
    return facts


def _facts_changes(old: dict[str, str], new: dict[str, str]) -> list[Change]:
    out = []
    for name in list(new) + [key for key in old if key not in new]:
        before, after = old.get(name, ""), new.get(name, "")
        if before == after:
            continue
        kind = "added" if not before else ("removed" if not after else "changed")
        out.append(Change(kind, name, before, after, None if kind == "removed" else name))
    return out


def format_changes(changes: ActionChanges, langs: list[str] | None = None, width: int = 100) -> str:
    """Return the change summary of an action as terminal text."""
    lines = [f"{changes.slug}: changes since {changes.since.describe()}"]
    lines += [f"  note: {note}" for note in changes.notes]
    if changes.metadata:
        lines.append("  metadata (every language):")
        lines += [
            f"    {_SIGN[c.kind]} {c.field}: {_shorten(c.before, width // 2)} -> {_shorten(c.after, width // 2)}"
            if c.kind == "changed"
            else f"    {_SIGN[c.kind]} {c.field}: {_shorten(c.before or c.after, width)}"
            for c in changes.metadata
        ]
    for item in changes.languages:
        if langs and item.lang not in langs:
            continue
        counts = ", ".join(f"{item.count(kind)} {kind}" for kind in ("added", "changed", "removed"))
        lines.append(f"  {item.lang} ({item.language_name}): {counts}")
        for change in item.changes:
            text = change.after if change.kind != "removed" else change.before
            lines.append(f"    {_SIGN[change.kind]} {change.field}: {_shorten(text, width)}")
    if not changes.metadata and not any(item.changes for item in changes.languages if not langs or item.lang in langs):
        lines.append("  nothing changed")
    return "\n".join(lines)


_SIGN = {"added": "+", "changed": "~", "removed": "-"}


def _shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
