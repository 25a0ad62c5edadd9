"""Command `comments`: the comments reviewers left in a PDF proof, each at the source line it is about (issue 22)."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from uapress.core.counts import plural
from uapress.core.errors import UsageError, display_path
from uapress.core.inputs import read_project_text
from uapress.exchange.pdf_comments import Annotation, read_comments
from uapress.localise import po
from uapress.localise.qa import comment_line
from uapress.localise.segments import SourceSegment, action_segments
from uapress.localise.store import save_store, store_path
from uapress.source import find_actions, load_action
from uapress.source.markdown import split_blocks
from uapress.source.yamlpos import Path_, Positions, load_with_positions
from uapress.writers.proof_map import text_hash

CHANGED = "changed since this proof"


@dataclass
class Reply:
    """An answer to a comment, in its thread."""

    comment: str
    author: str
    date: str
    kind: str


@dataclass
class Comment:
    """One comment placed at its source: the file and line to edit, or general (no segment under it) with its page."""

    file: str | None
    line: int | None
    segment: str | None
    field: str | None
    quote: str
    comment: str
    author: str
    date: str
    kind: str
    page: int
    changed: bool = False
    """The segment's text is no longer what the proof showed."""
    replies: list[Reply] = dataclasses.field(default_factory=list)

    @property
    def general(self) -> bool:
        """Tell whether the comment stands outside every segment and fact (a margin, the cover)."""
        return self.file is None


def collect(root: Path, proof: Path) -> list[Comment]:
    """Return the comments of a proof placed on their segments, sorted by file and line, the general ones last."""
    return _placed(root, proof)[1]


def _placed(root: Path, proof: Path) -> tuple[_Source, list[Comment]]:
    found = read_comments(proof)
    if found.map is None:
        raise UsageError(
            f"{proof}: this PDF carries no map of its blocks (uapress-proof.json); "
            "comment on a proof made by `uapress build --proof` with this version of uapress"
        )
    where = _Source(root, found.map)
    placed = [where.place(note) for note in found.comments]
    return where, sorted(placed, key=lambda c: (c.file is None, c.file or "", c.line or 0, c.page))


def to_checklist(root: Path, proof: Path) -> list[str]:
    """Keep each comment of a translation's proof as a `# comment:` line of its PO entry; return what was done.

    The checklist shows each as a warning until `uapress translations confirm` confirms it (issue 22).
    Comments outside every segment, on a fact, or on a segment changed since the proof stay where
    `uapress comments` lists them.
    """
    where, placed = _placed(root, proof)
    if where.source:
        raise UsageError(
            f"{proof.name} is the {where.lang} proof, the source language: its comments are about action.yaml, "
            "which has no checklist to collect them; --to-checklist is for a translation's proof"
        )
    if not where.po_path.is_file():
        raise UsageError(f"{display_path(where.po_path)} does not exist: run `uapress translations update` first")
    file = po.read(where.po_path)
    stored, left = 0, []
    for item in placed:
        current = where.segments.get(item.segment or "")
        entry = file.find(current.field, current.source) if current else None
        if entry is None or item.changed:
            why = "general" if item.general else (CHANGED if item.changed else "not on a translated segment")
            left.append(f"  not collected ({why}): {_one_line(item)}")
            continue
        text = (f"“{item.quote}”: " if item.quote else "") + (item.comment or f"({item.kind})")
        text += "".join(f" ↳ {reply.comment} ({reply.author})" for reply in item.replies)
        line = comment_line(text, item.author, item.date[:10], f"{proof.name} page {item.page}")
        if line not in entry.comments:
            entry.comments = [*entry.comments, line]
            stored += 1
    save_store(where.po_path, file)
    slug = str(where.map["slug"])
    head = (
        f"{plural(stored, 'comment')} added to the {where.lang} checklist as warnings "
        f"({display_path(where.po_path)}); see them with `uapress checklist {slug} --lang {where.lang}` "
        f"and confirm each with `uapress translations confirm {slug} --lang {where.lang} ID`"
    )
    return [head, *left]


def _one_line(item: Comment) -> str:
    where = f"{item.file}:{item.line}" if not item.general else f"page {item.page}"
    return f"{where}: {' '.join(item.comment.split()) or item.kind}"


class _Source:
    """The action and PO file a proof was made from, as they are now."""

    def __init__(self, root: Path, proof_map: dict[str, Any]):
        self.map = proof_map
        slug, self.lang = str(proof_map["slug"]), str(proof_map["lang"])
        found = [path for path in find_actions(root) if path.parent.name == slug]
        if not found:
            raise UsageError(
                f"the proof is of action '{slug}', which this project does not have (source/actions/{slug})"
            )
        self.action, _ = load_action(found[0])
        self.yaml = found[0]
        _, positions = load_with_positions(read_project_text(self.yaml), self.yaml)
        self.positions: Positions = positions
        self.segments: dict[str, SourceSegment] = {s.id: s for s in action_segments(self.action)}
        self.source = self.lang == str(proof_map.get("source_lang"))
        self.po_path = store_path(self.action, self.lang)
        self.po = po.read(self.po_path) if not self.source and self.po_path.is_file() else None
        self.root = root

    def place(self, note: Annotation) -> Comment:
        """Return a reviewer's annotation with the file and line of the block under it."""
        block = self._block(note)
        comment = Comment(
            None, None, None, None, note.quote, note.comment, note.author, note.date, note.kind, note.page
        )
        comment.replies = [Reply(r.comment, r.author, r.date, r.kind) for r in _thread(note)]
        if block is None:
            return comment
        segment = block.get("segment")
        if segment:
            recorded = self.map["segments"].get(segment, {})
            comment.segment, comment.field = segment, recorded.get("field")
            comment.file, comment.line, comment.changed = self._segment_line(segment, recorded)
        else:
            comment.field = block["fields"][0]
            comment.file, comment.line = self._path(self.yaml), self.positions.key(_path(comment.field))[0]
        return comment

    def _block(self, note: Annotation) -> dict[str, Any] | None:
        """Return the smallest block of the note's page that holds where it points, or None (a margin, the cover)."""
        for x0, y0, x1, y1 in note.areas:
            x, y = (x0 + x1) / 2, (y0 + y1) / 2
            holding = [
                block
                for block in self.map["blocks"]
                if block["page"] == note.page
                and block["rect"][0] <= x <= block["rect"][2]
                and block["rect"][1] <= y <= block["rect"][3]
            ]
            if holding:
                smallest: dict[str, Any] = min(
                    holding, key=lambda b: (b["rect"][2] - b["rect"][0]) * (b["rect"][3] - b["rect"][1])
                )
                return smallest
        return None

    def _segment_line(self, segment_id: str, recorded: dict[str, Any]) -> tuple[str, int, bool]:
        """Return the file and line to edit for a segment, and whether its text changed since the proof."""
        current = self.segments.get(segment_id)
        field_name = str(recorded.get("field", ""))
        if current is None:  # its source text changed: the id is the hash of field and text
            return self._path(self.yaml), self.positions.key(_path(field_name))[0], True
        if not self.source and self.po is not None:
            entry = self.po.find(current.field, current.source)
            if entry is not None:
                shown = entry.msgstr if entry.msgstr and not entry.fuzzy else current.source
                return self._path(self.po_path), entry.msgstr_line, text_hash(shown) != recorded.get("text")
        return (
            self._path(self.yaml),
            _source_line(self.positions, self.action, current),
            text_hash(current.source) != recorded.get("text") and self.source,
        )

    def _path(self, path: Path) -> str:
        return display_path(path)


def _thread(note: Annotation) -> list[Annotation]:
    """Return the replies to a note and the replies to them, in reading order."""
    out = []
    for reply in note.replies:
        out.append(reply)
        out.extend(_thread(reply))
    return out


def _path(dotted: str) -> Path_:
    return tuple(int(part) if part.isdigit() else part for part in dotted.split("."))


def _source_line(positions: Positions, action: object, segment: SourceSegment) -> int:
    """Return the line of `action.yaml` where a segment's text starts (its block, in a Markdown field)."""
    path = _path(segment.field)
    if segment.kind != "line":
        text = getattr(action, segment.field, None)  # summary, letter, background: the fields made of blocks
        for block in split_blocks(text) if isinstance(text, str) else ():
            if block.markdown == segment.source:
                return positions.text_line(path, block.line)
    return positions.of(path)[0]


def format_comments(comments: list[Comment]) -> str:
    """Return the comments as terminal text: file:line: quote — comment, author; replies indented under them."""
    lines = []
    for item in comments:
        where = f"{item.file}:{item.line}" if not item.general else f"general, page {item.page}"
        quote = f"“{item.quote}” — " if item.quote else ""
        who = ", ".join(part for part in (item.author, item.date) if part)
        text = " ".join(item.comment.split()) or f"({item.kind}, no text)"
        flag = f" [{CHANGED}]" if item.changed else ""
        lines.append(f"{where}: {quote}{text}{', ' + who if who else ''} ({item.kind}){flag}")
        for reply in item.replies:
            who = ", ".join(part for part in (reply.author, reply.date) if part)
            lines.append(f"    ↳ {' '.join(reply.comment.split())}{', ' + who if who else ''}")
    return "\n".join(lines) if lines else "no comments in this proof"


def comments_json(comments: list[Comment]) -> str:
    """Return the comments as a JSON list of objects (file, line, segment, field, quote, comment, author, kind…)."""
    return json.dumps([{**asdict(item), "general": item.general} for item in comments], ensure_ascii=False, indent=2)
