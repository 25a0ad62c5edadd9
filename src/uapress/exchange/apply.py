"""Translation exchange: apply what a translated file holds to the PO store, in memory, then write once.

The PO file is first brought in line with the source (as `translations update` would), so that
segments changed since the file was made are fuzzy entries that keep the old text as `#| msgid`:
a file made from that old text still matches them. Nothing is written unless every step worked,
and then only through a temporary file and a rename.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
from collections import Counter

from uapress.core.counts import plural
from uapress.core.files import write_atomic
from uapress.core.langid import describe, identify
from uapress.core.safety import ExchangeError
from uapress.exchange.markup import same_text
from uapress.exchange.received import Received, Unit
from uapress.exchange.report import ImportReport, Item
from uapress.localise import po
from uapress.localise.locale import language_name
from uapress.localise.memory import IMPORTED
from uapress.localise.qa import comment_line
from uapress.localise.segments import SourceSegment, action_segments, segment_id
from uapress.localise.store import merge_store, open_store, save_store, store_path
from uapress.model.typography import unbind_names
from uapress.source.markdown import MarkdownIssue, parse_inlines
from uapress.source.schema import Action


def apply(
    action: Action, lang: str, received: Received, force: bool = False, today: dt.date | None = None
) -> ImportReport:
    """Import the units of `received` into the PO file of `lang`; write it only when all went well."""
    path = store_path(action, lang)
    file, update = merge_store(action, lang)
    report = ImportReport(
        received.path,
        received.kind,
        action.slug,
        lang,
        path,
        created=update.created,
        outside=list(received.outside),
        notes=list(received.notes),
        published=lang in action.languages,
    )
    if not update.created and (update.added or update.fuzzy or update.obsolete):
        report.merged = f"{update.added} new, {update.fuzzy} fuzzy, {update.obsolete} obsolete"
    origin = f"{IMPORTED} from {received.path.name} on {(today or dt.date.today()).isoformat()}"
    segments = action_segments(action)
    current = {segment.id: segment for segment in segments}
    live = {(e.context, e.msgid): e for e in file.entries if not e.obsolete}
    by_previous = {
        segment_id(e.context, e.previous): e
        for e in file.entries
        if not e.obsolete and e.fuzzy and e.previous is not None
    }
    retired = {segment_id(e.context, e.msgid): e for e in file.entries if e.obsolete}
    # Entries the merge dropped because they were empty: their old source still names the file's segments.
    before = {
        segment_id(e.context, e.msgid): (e.context, e.msgid)
        for e in (po.read(path).entries if not update.created else [])
        if not e.obsolete and not e.msgstr.strip()
    }
    keep = action.keep + tuple(target.name for target in action.targets)
    # The DOCX edition binds names with no-break spaces (issue 20); the PO keeps them as the source spells them.
    names = keep + tuple(copy.name for copy in action.copies)
    shown = _edition_texts(action, lang, received)
    seen: set[str] = set()
    touched: set[int] = set()  # entries given a unit, by id(): a PO entry is a mutable dataclass, not hashable
    for unit in received.units:
        if unit.id in seen:
            report.notes.append(f"segment {unit.id} appears twice in the file; the first one is read")
            continue
        seen.add(unit.id)
        unit = dataclasses.replace(unit, text=unbind_names(unit.text, names))
        if unit.id in current:
            segment = current[unit.id]
            entry = live[(segment.field, segment.source)]
            touched.add(id(entry))
            _one(report, entry, segment.source, unit, received.kind, force, origin, keep, shown.get(unit.id))
        elif unit.id in by_previous and id(by_previous[unit.id]) not in touched:
            entry = by_previous[unit.id]
            touched.add(id(entry))
            _older(report, entry, unit, received.kind, origin)
        elif unit.id in before and (successor := _successor(file, before[unit.id], touched)) is not None:
            # Empty in the PO when the file was made, and reworded since (issue 19): the translator's text is
            # kept as a fuzzy entry, with the source it was made from as its previous text.
            touched.add(id(successor))
            successor.previous = before[unit.id][1]
            _older(report, successor, unit, received.kind, origin)
            taken = bool(report.older) and report.older[-1].id == unit.id
            successor.fuzzy, successor.previous = (True, successor.previous) if taken else (False, None)
        elif unit.id in retired:
            entry = retired[unit.id]
            report.obsolete.append(Item(unit.id, entry.context, _excerpt(entry.msgid)))
            report.kept_apart.append(unit)
        else:
            report.unknown.append(Item(unit.id, unit.field or "", _excerpt(unit.source or unit.text)))
            report.kept_apart.append(unit)
    report.not_found = [Item(s.id, s.field, _excerpt(s.source)) for s in segments if s.id not in seen]
    matched = len(received.units) - len(report.unknown) - len(report.obsolete)
    if received.units and matched * 2 < len(received.units):
        # Segment ids hash the field and the text, so two actions share a few ("Yours sincerely,"):
        # a file most of whose segments this action never had was made for another one.
        share = "none" if matched == 0 else f"only {matched}"
        raise ExchangeError(
            f"{received.path.name}: {share} of its {plural(len(received.units), 'segment')} belong to the action "
            f"'{action.slug}' as it is, or was before: the file was made for another action (or a much older "
            "version of this one). Nothing was imported."
        )
    _refuse_other_language(action, lang, received, report)
    _comments(report, received, current, live, by_previous)
    if update.created and not (report.imported or report.drafts or report.older or report.comments):
        return report  # nothing translated: no new PO file full of empty entries
    report.written = save_store(path, file)
    _keep_apart(action, lang, received, report, origin)
    return report


def _comments(
    report: ImportReport,
    received: Received,
    current: dict[str, SourceSegment],
    live: dict[tuple[str, str], po.PoEntry],
    by_previous: dict[str, po.PoEntry],
) -> None:
    """Keep each Word comment as a `# comment:` line of its segment's entry, which the checklist shows (issue 22)."""
    report.tracked = received.tracked
    for note in received.comments:
        entry = None
        if note.segment in current:
            segment = current[note.segment]
            entry = live.get((segment.field, segment.source))
        elif note.segment is not None:
            entry = by_previous.get(note.segment)
        line = comment_line(note.text, note.author, note.date, received.path.name)
        said = f"{' '.join(note.text.split())}" + (f" ({note.author})" if note.author else "")
        if entry is None:
            report.general_comments.append(Item(note.segment or "", "", said))
            continue
        if line not in entry.comments:
            entry.comments = [*entry.comments, line]
        report.comments.append(Item(note.segment or "", entry.context, said))


def _keep_apart(action: Action, lang: str, received: Received, report: ImportReport, origin: str) -> None:
    """Write the translator's text the PO has no place for to `build/<slug>/translate/`, so none is lost."""
    units = [unit for unit in report.kept_apart if unit.text.strip()]
    report.kept_apart = units
    if not units:
        return
    root = action.folder.parents[2]  # source/actions/<slug>
    target = root / "build" / action.slug / "translate" / f"{received.path.stem}.{lang}.not-imported.md"
    lines = [
        f"# Not imported into {lang} of {action.slug}",
        "",
        f"Text {origin} that the action's source no longer has (or never had as such).",
        "Copy what is still needed into the PO file, then delete this file.",
    ]
    for unit in units:
        lines += ["", f"## {unit.id}" + (f" ({unit.field})" if unit.field else ""), "", unit.text.strip()]
    write_atomic(target, "\n".join(lines) + "\n")
    report.apart = target


def _one(
    report: ImportReport,
    entry: po.PoEntry,
    source: str,
    unit: Unit,
    kind: str,
    force: bool,
    origin: str,
    keep: tuple[str, ...] = (),
    shown: tuple[str, str] | None = None,
) -> None:
    """Apply one unit to the entry of a current segment; `shown` is (language, text) the DOCX edition showed."""
    item = Item(unit.id, entry.context)
    text = unit.text.strip()
    if _rejected(report, item, unit, text):
        return
    if not text:
        report.untranslated.append(Item(unit.id, entry.context, "empty in the file"))
        return
    accepted = bool(entry.msgstr.strip()) and not entry.fuzzy
    if unit.state == "initial":
        # An unconfirmed draft never replaces a translation; it may become the fuzzy suggestion.
        if entry.msgstr.strip() and same_text(entry.msgstr, text):
            report.unchanged.append(item)
            return
        if same_text(source, text):
            # CAT tools fill an untouched target with a copy of the source.
            report.untranslated.append(Item(unit.id, entry.context, "a draft that is still the source text"))
            return
        if accepted:
            report.rejected.append(
                Item(unit.id, entry.context, "a draft (state initial) never replaces the PO's translation")
            )
            return
        entry.msgstr, entry.fuzzy = text, True
        _mark(entry, origin)
        report.drafts.append(item)
        return
    if accepted and same_text(entry.msgstr, text):
        report.unchanged.append(item)
        return
    if kind == "DOCX" and same_text(source, text) and not _only_names(text, keep):
        # The edition showed the source here (a fallback, or the source edition): nobody translated it.
        # A segment that is only names ("Ana Pérez" as the subject) reads the same in every language.
        report.untranslated.append(Item(unit.id, entry.context, "still the source text"))
        return
    if shown and same_text(shown[1], text) and not _only_names(text, keep):
        # Exported as another language's edition and left as it was (issue 12: an untouched Spanish
        # paragraph was stored as the French translation because LibreOffice rewrote its mailto link).
        report.untranslated.append(Item(unit.id, entry.context, f"still the text of the {shown[0]} edition"))
        return
    if accepted and not force:
        report.conflicts.append(Item(unit.id, entry.context, current=entry.msgstr, incoming=text))
        return
    entry.msgstr, entry.fuzzy, entry.previous = text, False, None
    _mark(entry, origin)
    if kind == "DOCX" and same_text(source, text):
        # Only names, which read the same in every language: stored, but not counted as edited (issue 12).
        report.names.append(item)
    else:
        report.imported.append(item)


def _successor(file: po.PoFile, old: tuple[str, str], touched: set[int]) -> po.PoEntry | None:
    """Return the still-empty entry of the old source's field that reads most like it, if one is close."""
    field, text = old
    best, score = None, 0.0
    for entry in file.entries:
        if entry.obsolete or entry.context != field or entry.msgstr.strip() or id(entry) in touched:
            continue
        ratio = difflib.SequenceMatcher(None, entry.msgid, text, autojunk=False).ratio()
        if ratio > score:
            best, score = entry, ratio
    return best if score >= 0.6 else None  # the threshold `translations update` uses for a reworded block


def _older(report: ImportReport, entry: po.PoEntry, unit: Unit, kind: str, origin: str) -> None:
    """Apply a unit made from the old source of a fuzzy entry: keep it fuzzy, the source has changed since."""
    item = Item(unit.id, entry.context, f"now: {_excerpt(entry.msgid)}")
    text = unit.text.strip()
    if _rejected(report, item, unit, text):
        return
    if not text or (kind == "DOCX" and same_text(entry.previous or "", text)):
        report.untranslated.append(Item(unit.id, entry.context, "older source; still the source text or empty"))
        return
    if not same_text(entry.msgstr, text):
        entry.msgstr = text
        _mark(entry, origin)
    report.older.append(item)


def _refuse_other_language(action: Action, lang: str, received: Received, report: ImportReport) -> None:
    """Refuse a file most of whose new text is in another of the action's languages (issue 19).

    English or Spanish text imported with `--lang fr` was stored and published as French. Segments
    too short to tell (names, titles) do not count; one stray segment is left to QA, which blocks it.
    """
    taken = {item.id for item in (*report.imported, *report.drafts, *report.older)}
    texts = [unit.text for unit in received.units if unit.id in taken]
    languages = (action.language, *action.languages)
    verdicts = [v for v in (identify(text, lang, languages) for text in texts) if v]
    if len(verdicts) < 2 or len(verdicts) * 2 <= len(texts):
        return
    commonest = Counter(verdicts).most_common(1)[0][0]
    names = {code: language_name(code, "en") for code in (lang, commonest.lang) if code}
    raise ExchangeError(
        f"{received.path.name}: {len(verdicts)} of the {plural(len(texts), 'segment')} it would import read as "
        f"{describe(commonest, names)}, not {names[lang]} ({lang}). Nothing was imported. If the file is a "
        f"{names[lang]} translation, check that --lang names its language; if it is not, import it with the "
        "language it is in."
    )


def _edition_texts(action: Action, lang: str, received: Received) -> dict[str, tuple[str, str]]:
    """Return (language, text) by segment id of what a DOCX made as another translation's edition showed."""
    edition = received.edition_lang
    if received.kind != "DOCX" or not edition or edition in (lang, action.language):
        return {}
    store = open_store(action, edition)
    out = {}
    for segment in action_segments(action):
        found = store.lookup(segment)
        if found.status == "translated":
            out[segment.id] = (edition, found.translation)
    return out


def _only_names(text: str, keep: tuple[str, ...]) -> bool:
    """Tell whether a text is nothing but `keep` terms and target names, which no language translates."""
    rest = text
    for term in sorted(keep, key=len, reverse=True):
        rest = rest.replace(term, " ")
    return rest != text and not any(char.isalpha() for char in rest)


def _rejected(report: ImportReport, item: Item, unit: Unit, text: str) -> bool:
    problem = unit.problem or (_markdown_error(text) if text else None)
    if problem:
        report.rejected.append(Item(item.id, item.field, problem))
        return True
    return False


def _mark(entry: po.PoEntry, origin: str) -> None:
    """Say where the translation came from, replacing an older import note."""
    entry.comments = [c for c in entry.comments if not c.lower().startswith(IMPORTED)] + [origin]


def _markdown_error(text: str) -> str | None:
    try:
        _, issues = parse_inlines(text)
    except MarkdownIssue as issue:
        return f"breaks Markdown: {issue.message}"
    errors = [i.message for i in issues if i.severity == "error"]
    return f"breaks Markdown: {errors[0]}" if errors else None


def _excerpt(text: str, width: int = 60) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"
