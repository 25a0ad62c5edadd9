"""Stage 2, localise: gather everything one edition needs in its language."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from uapress.core.characters import hidden, named
from uapress.core.counts import plural
from uapress.core.errors import Diagnostic
from uapress.core.inputs import Inputs
from uapress.core.nodes import Segment
from uapress.localise import locale
from uapress.localise.labels import Labels, load_labels
from uapress.localise.qa import structure_error
from uapress.localise.segments import SourceSegment, action_segments
from uapress.localise.store import Store, open_store
from uapress.source.markdown import MarkdownIssue, parse_inlines
from uapress.source.schema import Action, text_limit


@dataclass(frozen=True)
class Localisation:
    """An action's text and facts in one language, with the state of every segment."""

    action: Action
    lang: str
    direction: str
    labels: Labels
    segments: tuple[Segment, ...]
    """Model segments in document order, each translated or falling back to the source."""
    sources: tuple[SourceSegment, ...]
    """The matching source segments (kind, list position)."""
    previous: dict[str, str] = field(default_factory=dict)
    """Old source of fuzzy segments, by segment id."""
    comments: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Translator comments by segment id."""
    drafts: dict[str, str] = field(default_factory=dict)
    """Translations not published (fuzzy or breaking Markdown), by segment id."""
    problems: tuple[Diagnostic, ...] = ()
    store_path: Path | None = None

    @property
    def is_source(self) -> bool:
        """Tell whether this is the source-language edition."""
        return self.lang == self.action.language

    def field(self, name: str) -> list[tuple[Segment, SourceSegment]]:
        """Return the segments of one field with their source, in order."""
        return [(s, src) for s, src in zip(self.segments, self.sources) if s.field == name]

    def one(self, name: str) -> Segment | None:
        """Return the only segment of a one-line field."""
        found = self.field(name)
        return found[0][0] if found else None

    def required(self, name: str) -> Segment:
        """Return the only segment of a one-line field every action has (its title, subject, people's titles)."""
        segment = self.one(name)
        if segment is None:  # `action_segments` always yields these fields; without one the source is not an action
            raise KeyError(f"no segment for the field {name!r}")
        return segment

    @property
    def issued(self) -> str:
        """Return the issue date as it reads in this language."""
        return locale.long_date(self.action.issued, self.lang)

    @property
    def deadline(self) -> str:
        """Return the deadline as it reads in this language."""
        return locale.long_date(self.action.deadline, self.lang)

    @property
    def appeal_language(self) -> str:
        """Return the appeal language named in this language."""
        return locale.language_name(self.action.appeal_language, self.lang)

    @property
    def country(self) -> str:
        """Return the country named in this language."""
        return locale.country_name(self.action.country, self.lang)

    @property
    def counts(self) -> dict[str, int]:
        """Return how many segments are translated, fuzzy and missing."""
        out = {"translated": 0, "fuzzy": 0, "missing": 0, "invalid": 0}
        for segment in self.segments:
            out["translated" if segment.status == "source" else segment.status] += 1
        return out


def localise(action: Action, lang: str, root: Path, inputs: Inputs | None = None) -> Localisation:
    """Resolve every segment of `action` in `lang`: translation, fallback, or the source itself.

    `inputs` keeps the bytes of every file read, for a build to hash what it renders.
    """
    inputs = inputs or Inputs()
    labels = load_labels(root, lang, inputs)
    sources = action_segments(action)
    problems: list[Diagnostic] = []
    previous: dict[str, str] = {}
    comments: dict[str, tuple[str, ...]] = {}
    drafts: dict[str, str] = {}
    if lang == action.language:
        segments = tuple(Segment(s.id, s.field, s.source, s.source, "source") for s in sources)
        store_path = None
    else:
        store: Store = open_store(action, lang, inputs)
        problems += store.problems
        store_path = store.path
        found_segments: list[Segment] = []
        for source in sources:
            found = store.lookup(source)
            status = found.status
            if status == "translated" and (
                issue := _translation_error(source.source, found.translation, source.field, lang)
            ):
                status = "invalid"
                # A translated segment has its entry in the file (`Store.lookup` found it there).
                entry = store.file.find(source.field, source.source) if store.file else None
                problems.append(
                    Diagnostic(
                        "error",
                        f"translation of segment {source.id} {issue}",
                        store.path,
                        entry.msgstr_line if entry else None,
                        field=source.field,
                        hint="fix it in msgstr; the source text is shown until then",
                    )
                )
            text = found.translation if status == "translated" else source.source
            if status in ("fuzzy", "invalid"):
                drafts[source.id] = found.translation
            found_segments.append(Segment(source.id, source.field, source.source, text, status))
            if found.previous:
                previous[source.id] = found.previous
            if found.comments:
                comments[source.id] = found.comments
        segments = tuple(found_segments)
    if labels.missing and labels.path is not None:
        problems.append(
            Diagnostic(
                "warning",
                f"{plural(len(labels.missing), 'label')} missing, shown in English: {', '.join(labels.missing)}",
                labels.path,
                hint="translate them in this catalogue",
                code="labels-missing",
            )
        )
    elif labels.path is None and lang != "en":
        problems.append(
            Diagnostic(
                "warning",
                f"no label catalogue for '{lang}': the fixed wording is shown in English",
                root / "source" / "labels" / f"{lang}.po",
                hint=f"copy source/labels/en.po to {lang}.po and translate it",
                code="labels-missing",
            )
        )
    return Localisation(
        action,
        lang,
        locale.direction(lang),
        labels,
        segments,
        tuple(sources),
        previous,
        comments,
        drafts,
        tuple(problems),
        store_path,
    )


def _translation_error(source: str, text: str, field: str, lang: str) -> str | None:
    """Return what is wrong with a translation (too long, broken Markdown, hiding characters), if anything."""
    # Issue 25: a bidi override showed "007" for 700 in every edition; such a translation is never published.
    errors, _ = hidden(text, locale.direction(lang) == "rtl")
    if errors:
        return f"holds {named(errors)}, which hide or reorder text"
    # A translation may run longer than its source, but not without bound (issue 10).
    limit = 2 * text_limit(tuple(int(part) if part.isdigit() else part for part in field.split(".")))
    if len(text) > limit:
        return f"is {len(text):,} characters long; a translation of this field holds at most {limit:,}"
    issue = _markdown_error(source, text)
    return f"breaks Markdown: {issue}" if issue else None


def _markdown_error(source: str, text: str) -> str | None:
    """Return the first Markdown error of a translation, if any; a structure unlike the source's is one (issue 12)."""
    try:
        _, issues = parse_inlines(text)
    except MarkdownIssue as issue:
        return issue.message
    errors = [i.message for i in issues if i.severity == "error"]
    return errors[0] if errors else structure_error(source, text)
