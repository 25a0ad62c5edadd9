"""Translation exchange: read the translated text of every bookmarked segment of a DOCX edition.

The DOCX writer wraps each translatable block in a Word bookmark named by its segment id. Word
and LibreOffice keep bookmarks (name and extent) through editing and re-saving, but split and
merge runs, rename styles (LibreOffice's "Hyperlink" style becomes "InternetLink") and drop
content controls. So the reader walks the body in document order, keeping only what carries
meaning: text, hard breaks, bold and italic (direct or through a character style), links
(`w:hyperlink` or a HYPERLINK field) and where each bookmark starts and ends.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from uapress.core.counts import plural
from uapress.core.safety import ExchangeError, Package, open_zip
from uapress.exchange.docx_package import (
    CUSTOM_ACTION,
    CUSTOM_LANGUAGE,
    PKG_REL,
    core_language,
    custom_properties,
    main_part,
    read_styles,
    relationships,
    rels_name,
    w,
)
from uapress.exchange.docx_walk import Walk, own_names, walk_children
from uapress.exchange.markup import Chunk, to_markdown
from uapress.exchange.received import Received, Unit, WordComment

SEGMENT_ID = re.compile(r"^ua_[0-9a-f]{6,37}$")
"""Bookmark names the writer gives (`segment_id`); Word adds its own (`_GoBack`, `_Hlk…`), ignored."""
SEGMENT_STYLES = {"title", "body", "letter", "salutation", "listbullet", "listnumber", "quote"}
"""Paragraph styles the writer uses only for segments: such a paragraph with no bookmark was typed in."""


def read_docx(path: Path) -> Received:
    """Return the text of every bookmarked segment of a DOCX, as Markdown."""
    package = open_zip(path, "DOCX")
    main = main_part(package)
    document = package.xml(main)
    if document.tag != w("document"):
        raise ExchangeError(f"{path.name} is not a Word document: its main part is <{document.tag}>")
    body = document.find(w("body"))
    if body is None:
        raise ExchangeError(f"{path.name} is not a Word document: it has no body")
    walk = Walk(relationships(package, main), read_styles(package, main))
    walk_children(walk, body)
    received = _segments(path, walk)
    received.tracked = walk.tracked
    received.comments = _comments(package, main, walk)
    properties = custom_properties(package)
    received.edition_lang = properties.get(CUSTOM_LANGUAGE) or core_language(package)
    # The writer names the action (issue 19): bookmark overlap only guesses it, and guesses wrong once
    # a follow-up shares most of its original's segments.
    received.action = properties.get(CUSTOM_ACTION) or None
    return received


def _comments(package: Package, main: str, walk: Walk) -> list[WordComment]:
    """Return the Word comments (`comments.xml`, as the main part's relationships name it) in document order."""
    part = str(PurePosixPath(main).parent / "comments.xml")
    rels = rels_name(main)
    if package.has(rels):
        for rel in package.xml(rels).iter(f"{{{PKG_REL}}}Relationship"):
            target = rel.get("Target", "")
            if rel.get("Type", "").endswith("/comments") and target:
                part = target.lstrip("/") if target.startswith("/") else str(PurePosixPath(main).parent / target)
    if not package.has(part):
        return []
    by_id: dict[str | None, WordComment] = {}
    for node in package.xml(part).iter(w("comment")):
        paragraphs = [
            "".join(t.text or "" for t in p.iter(w("t"))).strip() for p in node.iter(w("p"))
        ]  # lxml-stubs aside, iter() with a tag gives elements
        text = " ".join(piece for piece in paragraphs if piece)
        if text:
            by_id[node.get(w("id"))] = WordComment(text, node.get(w("author"), ""), node.get(w("date"), "")[:10])
    out = []
    for mark, segment in walk.anchors.items():
        found = by_id.pop(mark, None)
        if found is not None:
            found.segment = segment
            out.append(found)
    return out + list(by_id.values())  # comments whose anchor was deleted: outside every segment


@dataclass
class _Open:
    name: str
    chunks: list[Chunk] = field(default_factory=list)
    paragraphs: int = 1


def _segments(path: Path, walk: Walk) -> Received:
    received = Received(path, "DOCX")
    open_by_id: dict[str | None, _Open] = {}
    done: dict[str, _Open] = {}
    names_seen: dict[str, bool] = {}
    style: str | None = None
    touched = False  # the current paragraph has a bookmark in it
    loose: list[str] = []  # text of the current paragraph outside any bookmark
    for token in walk.tokens:
        # Compared through the token itself, so that mypy knows the shape of each kind.
        if token[0] == "start":
            _, mark_id, name = token
            if not SEGMENT_ID.match(name or ""):
                continue
            touched = True
            if name in names_seen:
                received.notes.append(f"bookmark {name} appears twice; the first one is read")
                continue
            names_seen[name] = True
            open_by_id[mark_id] = _Open(name)
        elif token[0] == "end":
            opened = open_by_id.pop(token[1], None)
            if opened is not None:
                touched = True
                done[opened.name] = opened
        elif token[0] == "comment":
            # A comment belongs to the innermost segment open at its anchor: the range start, or else the
            # reference mark (Word puts both; a comment typed at a caret has only the reference).
            if open_by_id and walk.anchors.get(token[1]) is None:
                walk.anchors[token[1]] = list(open_by_id.values())[-1].name
            else:
                walk.anchors.setdefault(token[1], None)
        elif token[0] == "paragraph":
            style, touched, loose = token[1], bool(open_by_id), []
            for opened in open_by_id.values():
                if opened.chunks:
                    opened.paragraphs += 1
                    opened.chunks.append(Chunk(" "))
        elif token[0] == "paragraph_end":
            text = "".join(loose).strip()
            if text and not touched and own_names(walk, style) & SEGMENT_STYLES:
                received.outside.append(text)
        elif token[0] == "text":
            _, text, bold, italic, link, marker = token
            if marker:
                continue  # "not yet translated": the writer's label, never the translation
            if open_by_id:
                for opened in open_by_id.values():
                    opened.chunks.append(Chunk(text, bold, italic, link))
            else:
                loose.append(text)
    for opened in open_by_id.values():  # a start without an end: read to the end of the document
        done.setdefault(opened.name, opened)
        received.notes.append(f"bookmark {opened.name} has no end; read to the end of the document")
    if walk.tracked:
        received.notes.append(
            f"the file has {plural(walk.tracked, 'tracked change')}: read as if they were all accepted"
        )
    for name in names_seen:
        opened = done[name]
        text, exact = to_markdown(opened.chunks)
        unit = Unit(name, text)
        if not exact:
            unit.problem = "its formatting cannot be written exactly in Markdown"
        if opened.paragraphs > 1:
            unit.note = f"spans {opened.paragraphs} paragraphs in the file; joined into one"
        received.units.append(unit)
    return received
