"""Stage 2, localise: the translation store, one PO file per action and language."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from uapress.core.counts import plural
from uapress.core.errors import Diagnostic, SourceError, display_path
from uapress.core.files import write_atomic
from uapress.core.inputs import Inputs, read_project_file
from uapress.localise import po
from uapress.localise.segments import SourceSegment, action_segments
from uapress.source.schema import Action

if TYPE_CHECKING:  # the memory reads the stores: at run time only it imports the other
    from uapress.localise.memory import Memory


@dataclass(frozen=True)
class Lookup:
    """What the store holds for one source segment."""

    status: str
    """`translated`, `fuzzy` or `missing`."""
    translation: str = ""
    previous: str | None = None
    """The old source of a fuzzy entry."""
    comments: tuple[str, ...] = ()


@dataclass
class Store:
    """The translations of one action into one language."""

    path: Path
    lang: str
    file: po.PoFile | None
    problems: list[Diagnostic] = field(default_factory=list)

    def lookup(self, segment: SourceSegment) -> Lookup:
        """Return the translation state of a segment; fuzzy and empty entries are never published."""
        entry = self.file.find(segment.field, segment.source) if self.file else None
        if entry is None or not entry.msgstr.strip():
            # Its comments still count: a reviewer may comment on a segment left untranslated (issue 22).
            return Lookup(
                "missing", previous=entry.previous if entry else None, comments=tuple(entry.comments) if entry else ()
            )
        if entry.fuzzy:
            return Lookup("fuzzy", entry.msgstr, entry.previous, tuple(entry.comments))
        return Lookup("translated", entry.msgstr, None, tuple(entry.comments))


def store_path(action: Action, lang: str) -> Path:
    """Return where the PO file of an action's language lives."""
    return action.folder / "translations" / f"{lang}.po"


def open_store(action: Action, lang: str, inputs: Inputs | None = None) -> Store:
    """Read the store of one language; a missing file is an empty store."""
    inputs = inputs or Inputs()
    path = store_path(action, lang)
    if not inputs.exists(path):
        return Store(path, lang, None)
    file = po.read(path, inputs.read(path))
    store = Store(path, lang, file)
    segments = action_segments(action)
    fields = {segment.field for segment in segments}
    for entry in file.entries:
        if not entry.obsolete and entry.context not in fields:
            store.problems.append(
                Diagnostic(
                    "warning",
                    f"entry for field '{entry.context}', which the source does not have, is not used",
                    path,
                    entry.line,
                    field=entry.context,
                    hint="run 'uapress translations update' to mark it obsolete",
                )
            )
    if any(file.find(s.field, s.source) is None for s in segments):
        # The source changed since the last `translations update`: read the store as that command would
        # leave it (in memory only), so a reworded paragraph shows as out of date, with its old translation
        # and a diff in the checklist, rather than as never translated.
        merged, report = merge_store(action, lang, inputs)
        if report.fuzzy:
            store.file = merged
            store.problems.append(
                Diagnostic(
                    "warning",
                    f"{plural(report.fuzzy, 'block')} of the source changed since this file was updated; "
                    "their translations are shown as out of date",
                    path,
                    hint=f"run 'uapress translations update {action.slug} --lang {lang}', then revise the fuzzy entries",
                    code="fuzzy",
                )
            )
    return store


@dataclass
class UpdateReport:
    """What `translations update` did to one PO file."""

    path: Path
    added: int = 0
    fuzzy: int = 0
    obsolete: int = 0
    kept: int = 0
    created: bool = False
    changed: bool = False
    memory_exact: int = 0
    """New or changed blocks filled from an exact match in the translation memory (published)."""
    memory_close: int = 0
    """New or changed blocks given a close match from the memory as a fuzzy suggestion (not published)."""
    segments: int = 0

    def summary(self) -> str:
        """Return one line for the terminal."""
        state = "created" if self.created else ("updated" if self.changed else "unchanged")
        memory = ""
        if self.memory_exact or self.memory_close:
            memory = (
                f"; from memory: {self.memory_exact} exact, {self.memory_close} close, "
                f"{self.prefilled_share:.0%} of {self.segments} segments pre-filled"
            )
        return (
            f"{display_path(self.path)}: {state} ({self.kept} kept, {self.added} new, {self.fuzzy} fuzzy, "
            f"{self.obsolete} obsolete{memory})"
        )

    @property
    def prefilled_share(self) -> float:
        """Return the share of the action's segments this update filled from the memory, exact or close."""
        return (self.memory_exact + self.memory_close) / self.segments if self.segments else 0.0


def update_store(action: Action, lang: str, memory: Memory | None = None) -> UpdateReport:
    """Bring a PO file in line with the source, msgmerge-style; never drop a translation.

    With a `memory`, a new or changed block, or one whose entry is still empty, is filled from it: an
    exact match of a reviewed translation as a translation, a close one (or an unreviewed import) as a
    fuzzy suggestion, each with a `tm:` comment naming where it comes from.
    """
    merged, report = merge_store(action, lang, memory=memory)
    report.changed = save_store(store_path(action, lang), merged)
    return report


def save_store(path: Path, file: po.PoFile) -> bool:
    """Write a PO file atomically if its text changed; return whether it was written."""
    new_text = po.render(file)
    if path.exists() and _current(path) == new_text.encode("utf-8"):
        return False
    write_atomic(path, new_text)
    return True


def _current(path: Path) -> bytes | None:
    try:
        return read_project_file(path)
    except SourceError:
        return None  # unreadable (a link out of the project): replaced by the new file


def merge_store(
    action: Action, lang: str, inputs: Inputs | None = None, memory: Memory | None = None
) -> tuple[po.PoFile, UpdateReport]:
    """Return the PO file of a language merged with the source, in memory, and what the merge did.

    `update_store` writes the result; `uapress import` applies a translated file to it first, so
    that one atomic write does both (and a failed import writes nothing).
    """
    inputs = inputs or Inputs()
    path = store_path(action, lang)
    old = po.read(path, inputs.read(path)) if inputs.exists(path) else None
    report = UpdateReport(path, created=old is None, segments=len(action_segments(action)))
    header = old.header if old else po.new_header(f"uapress {action.slug}", lang)
    comment = (
        old.header_comment
        if old
        else (
            f"# Translations of the urgent action '{action.slug}' into {lang}.\n"
            f"# msgctxt is the field, msgid the source block (Markdown), msgstr its translation."
        )
    )
    live = [e for e in (old.entries if old else []) if not e.obsolete]
    retired = [e for e in (old.entries if old else []) if e.obsolete]
    segments = action_segments(action)
    wanted = {(s.field, s.source) for s in segments}
    unused = [e for e in live if (e.context, e.msgid) not in wanted]
    entries = []
    for segment in segments:
        existing = next((e for e in live if e.context == segment.field and e.msgid == segment.source), None)
        if existing is None:
            # Like msgmerge, a block that comes back revives its obsolete entry: the translation is
            # not lost, and no live entry duplicates an obsolete one (msgfmt rejects that).
            existing = next((e for e in retired if e.context == segment.field and e.msgid == segment.source), None)
            if existing:
                retired.remove(existing)
                existing.obsolete = False
        found = memory.best(segment.source, segment.field) if memory else None
        if existing and not existing.msgstr.strip() and found:
            # Still empty: a follow-up catches up with what was translated in its original after it was
            # made (issue 19), exact and reviewed as a translation, close as a fuzzy suggestion.
            existing.msgstr, existing.fuzzy = found.unit.target, not found.exact
            existing.previous = None if found.exact else found.unit.source
            existing.comments = [*existing.comments, found.comment()]
            if found.exact:
                report.memory_exact += 1
            else:
                report.memory_close += 1
        if existing:
            report.kept += 1
            existing.notes = [f"id: {segment.id}"]
            entries.append(existing)
            continue
        if found and found.exact:
            # Accepted once for this very text: published, and listed "from memory" in the checklist.
            report.memory_exact += 1
            entries.append(
                po.PoEntry(
                    segment.field,
                    segment.source,
                    found.unit.target,
                    comments=[found.comment()],
                    notes=[f"id: {segment.id}"],
                )
            )
            continue
        match = _closest(segment, unused)
        if match and match.msgstr:
            unused.remove(match)
            report.fuzzy += 1
            entries.append(
                po.PoEntry(
                    segment.field,
                    segment.source,
                    match.msgstr,
                    fuzzy=True,
                    previous=match.previous or match.msgid,
                    comments=match.comments,
                    notes=[f"id: {segment.id}"],
                )
            )
        elif found:
            # A close match: the memory's source is kept as the previous msgid (like msgmerge), so CAT
            # tools and the checklist show what differs; fuzzy, so it is never published unrevised.
            report.memory_close += 1
            entries.append(
                po.PoEntry(
                    segment.field,
                    segment.source,
                    found.unit.target,
                    fuzzy=True,
                    previous=found.unit.source,
                    comments=[found.comment()],
                    notes=[f"id: {segment.id}"],
                )
            )
        else:
            report.added += 1
            entries.append(po.PoEntry(segment.field, segment.source, notes=[f"id: {segment.id}"]))
    for entry in unused:
        if entry.msgstr:
            # The fuzzy flag stays: a revived entry must not publish a translation that was out of date.
            entry.obsolete, entry.previous = True, None
            retired.append(entry)
            report.obsolete += 1
    return po.PoFile(header, entries + retired, comment), report


def _closest(segment: SourceSegment, candidates: list[po.PoEntry]) -> po.PoEntry | None:
    best, score = None, 0.0
    for entry in candidates:
        if entry.context != segment.field:
            continue
        ratio = difflib.SequenceMatcher(None, entry.msgid, segment.source, autojunk=False).ratio()
        if ratio > score:
            best, score = entry, ratio
    # Like msgmerge, a weak match is worse than none: the translator would start from the wrong text.
    return best if score >= 0.6 else None
