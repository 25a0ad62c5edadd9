"""Translation exchange: what an import did, segment by segment, for the terminal and for tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from uapress.core.counts import plural
from uapress.core.errors import display_path
from uapress.exchange.received import Unit


@dataclass(frozen=True)
class Item:
    """One segment the report mentions."""

    id: str
    field: str = ""
    detail: str = ""
    """What to say about it: the reason, the two texts of a conflict, an excerpt."""
    current: str = ""
    """For a conflict: the PO's translation."""
    incoming: str = ""
    """For a conflict: the file's text."""


@dataclass
class ImportReport:
    """Everything one `uapress import` found and did."""

    file: Path
    kind: str
    action: str
    lang: str
    po_path: Path
    created: bool = False
    written: bool = False
    merged: str = ""
    """What bringing the PO in line with the source changed, if anything (like `translations update`)."""
    imported: list[Item] = field(default_factory=list)
    unchanged: list[Item] = field(default_factory=list)
    names: list[Item] = field(default_factory=list)
    """DOCX blocks that are only names, the same in every language: stored as they are, not counted as edited."""
    drafts: list[Item] = field(default_factory=list)
    """XLIFF targets in state `initial`: stored as fuzzy (not published)."""
    untranslated: list[Item] = field(default_factory=list)
    """Empty in the file, or still the source text: nothing to import."""
    conflicts: list[Item] = field(default_factory=list)
    """The PO already has another accepted translation; replaced only with --force."""
    not_found: list[Item] = field(default_factory=list)
    """Segments of the current source the file does not have (bookmark deleted while editing)."""
    older: list[Item] = field(default_factory=list)
    """Segments of an older source text, matched through the PO's previous msgid: imported as fuzzy."""
    obsolete: list[Item] = field(default_factory=list)
    """Segments the source no longer has at all."""
    unknown: list[Item] = field(default_factory=list)
    rejected: list[Item] = field(default_factory=list)
    """Translations that cannot be stored: they break Markdown, or links go where they may not."""
    kept_apart: list[Unit] = field(default_factory=list)
    """Units with text the PO has no place for (obsolete, unknown): written to `apart`, never dropped."""
    apart: Path | None = None
    """The file the translator's text of `kept_apart` was written to (issue 19), if any."""
    outside: list[str] = field(default_factory=list)
    comments: list[Item] = field(default_factory=list)
    """Word comments kept in the PO as `# comment:` lines of their segment's entry (issue 22)."""
    general_comments: list[Item] = field(default_factory=list)
    """Word comments anchored outside every segment the PO has: listed, not stored."""
    tracked: int = 0
    """Tracked changes read as accepted."""
    notes: list[str] = field(default_factory=list)
    published: bool = True
    """False when the language is not in the action's `languages` yet."""

    def lines(self) -> list[str]:
        """Return the report as lines for the terminal."""
        po_name = display_path(self.po_path)
        state = (
            ("created" if self.created else "updated")
            if self.written
            else ("not created (nothing to import)" if self.created else "unchanged")
        )
        out = [f"{self.file.name} ({self.kind}) -> {po_name}: {state}"]
        if self.merged:
            out.append(f"  brought in line with the source first: {self.merged}")
        out.append(
            f"  imported:   {plural(len(self.imported), 'segment')}"
            + (" (marked 'imported from …' for review in the checklist)" if self.imported else "")
        )
        out.append(f"  unchanged:  {plural(len(self.unchanged), 'segment')}")
        if self.names:
            out.append(
                f"  only names, the same in every language, stored as they are: {plural(len(self.names), 'segment')}"
            )
        sections = (
            ("drafts (state initial), stored as fuzzy, not published", self.drafts),
            ("not imported, still the source text or empty in the file", self.untranslated),
            ("NOT replaced: the PO has another translation (use --force to replace it)", self.conflicts),
            ("not in the file (bookmark or unit deleted while editing?); the PO keeps what it had", self.not_found),
            (
                "from an older version of the source, matched through the PO's previous text: imported as fuzzy",
                self.older,
            ),
            ("in the file but no longer in the source: not imported", self.obsolete),
            ("in the file but unknown to this action (made from another version?): not imported", self.unknown),
            ("rejected", self.rejected),
        )
        for title, items in sections:
            if not items:
                continue
            out.append(f"  {title}: {len(items)}")
            for item in items:
                where = f" ({item.field})" if item.field else ""
                out.append(f"    {item.id}{where}" + (f": {item.detail}" if item.detail else ""))
                if item.current or item.incoming:
                    out.append(f"      PO:   {_excerpt(item.current)}")
                    out.append(f"      file: {_excerpt(item.incoming)}")
        if self.apart:
            out.append(
                f"  kept apart: the text of {plural(len(self.kept_apart), 'segment')} the PO has no place for is in "
                f"{display_path(self.apart)}: copy what is still needed into the PO"
            )
        if self.outside:
            out.append(
                f"  text outside every segment, not imported (a paragraph added while editing?): {len(self.outside)}"
            )
            out += [f'    "{_excerpt(text)}"' for text in self.outside]
        if self.comments:
            out.append(
                f"  comments: {len(self.comments)}, kept in the PO as '# comment:' lines; each is a warning in the "
                "checklist until confirmed (uapress translations confirm)"
            )
            out += [f"    {item.id} ({item.field}): {_excerpt(item.detail)}" for item in self.comments]
        if self.general_comments:
            out.append(f"  comments outside every segment, not stored: {len(self.general_comments)}")
            out += [f"    {_excerpt(item.detail)}" for item in self.general_comments]
        out += [f"  note: {note}" for note in self.notes]
        if not self.published:
            out.append(
                f"  note: '{self.lang}' is not published yet: add it to 'languages' in "
                f"source/actions/{self.action}/action.yaml to build its editions"
            )
        if self.imported or self.names:
            out.append(
                "  to accept an imported translation, delete its '# imported from …' comment line in the PO file"
            )
        return out


def _excerpt(text: str, width: int = 100) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"
