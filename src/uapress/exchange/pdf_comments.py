"""File formats: the comments reviewers leave in a PDF proof, as every reader stores them (issue 22).

Acrobat Reader, Preview, Okular, Firefox (pdf.js) and Edge write PDF annotations: Text (a sticky note),
Highlight, Underline, StrikeOut and Squiggly over words (/QuadPoints), Caret (inserted text), FreeText (a
text box, maybe with a callout line /CL), each with its author (/T), its date (/M) and its text in
/Contents or, rich, in /RC; a reply is an annotation whose /IRT names its parent. Popups only show them.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from uapress.core.errors import UsageError
from uapress.core.inputs import read_project_file
from uapress.writers.proof_map import MAP_NAME

KINDS = {
    "/Text": "note",
    "/Highlight": "highlight",
    "/Underline": "underline",
    "/StrikeOut": "strike-out",
    "/Squiggly": "squiggly",
    "/Caret": "insert",
    "/FreeText": "text box",
}
"""The annotation subtypes a reviewer makes, by the name the report gives them."""
MARKUP = ("highlight", "underline", "strike-out", "squiggly")
"""Kinds drawn over words: their quote is the text under their /QuadPoints."""
MAX_PROOF = 200 * 1024 * 1024
"""The largest proof read: a proof of a few pages with a reader's annotations is far smaller."""

Rect = tuple[float, float, float, float]


@dataclass
class Annotation:
    """One reviewer's comment on a page, with its replies."""

    key: str
    page: int
    kind: str
    comment: str
    author: str = ""
    date: str = ""
    areas: list[Rect] = field(default_factory=list)
    """Where it points, in the page's default user space: its quads, else the point it marks."""
    quote: str = ""
    """The words under a highlight, underline, strike-out or squiggly line."""
    parent: str | None = None
    replies: list[Annotation] = field(default_factory=list)


@dataclass
class ProofComments:
    """A proof's map of blocks to segments (None when it carries none) and its comments, replies under their parent."""

    map: dict[str, Any] | None
    comments: list[Annotation]


def read_comments(path: Path) -> ProofComments:
    """Read the annotations of a PDF and the map it carries; raise UsageError when it is not a PDF."""
    data = read_project_file(path, limit=MAX_PROOF, boundary=path.parent)
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        found = [note for number, page in enumerate(reader.pages, start=1) for note in _page_annotations(page, number)]
        proof_map = _read_map(reader)
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        raise UsageError(
            f"{path}: not a PDF that can be read ({exc}); give a proof made by uapress build --proof"
        ) from None
    _quote(data, found)
    by_key = {note.key: note for note in found}
    top = []
    for note in found:
        parent = by_key.get(note.parent) if note.parent else None
        if parent is not None and parent is not note:
            parent.replies.append(note)
        else:
            top.append(note)
    return ProofComments(proof_map, top)


def _read_map(reader: Any) -> dict[str, Any] | None:
    """Return the proof's map of blocks, or None when it has none (not a uapress proof, or an older one)."""
    attached = reader.attachments.get(MAP_NAME)
    if not attached:
        return None
    data = json.loads(attached[0])
    return data if isinstance(data, dict) and data.get("uapress_proof") else None


def _page_annotations(page: Any, number: int) -> list[Annotation]:
    from pypdf.generic import IndirectObject

    out = []
    annots = page.get("/Annots")
    annots = annots.get_object() if annots is not None else []
    for index, ref in enumerate(annots or []):
        annot = ref.get_object()
        kind = KINDS.get(str(annot.get("/Subtype", "")))
        if kind is None:
            continue  # a Popup, a Link, a form field: not a comment
        key = f"{ref.idnum}" if isinstance(ref, IndirectObject) else f"p{number}.{index}"
        irt = annot.get("/IRT")
        parent = f"{irt.idnum}" if isinstance(irt, IndirectObject) else None
        out.append(
            Annotation(
                key=key,
                page=number,
                kind=kind,
                comment=_text(annot),
                author=_string(annot.get("/T")),
                date=_date(_string(annot.get("/M") or annot.get("/CreationDate"))),
                areas=_areas(annot, kind),
                parent=parent,
            )
        )
    return out


def _string(value: Any) -> str:
    value = value.get_object() if hasattr(value, "get_object") else value
    return str(value).strip() if value is not None else ""


_TAG = re.compile(r"<[^>]*>")
_BREAK = re.compile(r"</p>|<br\s*/?>", re.I)


def _text(annot: Any) -> str:
    """Return an annotation's text: /Contents, else its rich text /RC without the markup."""
    contents = _string(annot.get("/Contents"))
    if contents:
        return contents.replace("\r\n", "\n").replace("\r", "\n").strip()
    rich = _string(annot.get("/RC"))
    if not rich:
        return ""
    import html

    plain = html.unescape(_TAG.sub("", _BREAK.sub("\n", rich)))
    return "\n".join(line.strip() for line in plain.splitlines() if line.strip())


_DATE = re.compile(r"^D?:?(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?")


def _date(value: str) -> str:
    """Return a PDF date (`D:20260312143000+01'00'`) as `2026-03-12 14:30`, or as found when it is not one."""
    match = _DATE.match(value)
    if not match:
        return value
    year, month, day, hour, minute = match.groups()
    text = "-".join(part for part in (year, month, day) if part)
    return f"{text} {hour}:{minute or '00'}" if hour else text


def _numbers(value: Any) -> list[float]:
    value = value.get_object() if hasattr(value, "get_object") else value
    try:
        return [float(item.get_object() if hasattr(item, "get_object") else item) for item in value or ()]
    except (TypeError, ValueError):
        return []


def _areas(annot: Any, kind: str) -> list[Rect]:
    """Return where an annotation points: each quad's box over words; a callout's tip; else its rectangle."""
    quads = _numbers(annot.get("/QuadPoints"))
    if kind in MARKUP and len(quads) >= 8:
        boxes = []
        for start in range(0, len(quads) - 7, 8):
            xs, ys = quads[start : start + 8 : 2], quads[start + 1 : start + 8 : 2]
            boxes.append((min(xs), min(ys), max(xs), max(ys)))
        return boxes
    callout = _numbers(annot.get("/CL"))
    if kind == "text box" and len(callout) >= 4:
        return [(callout[0], callout[1], callout[0], callout[1])]  # the tip of the arrow
    rect = _numbers(annot.get("/Rect"))
    if len(rect) != 4:
        return []
    x0, x1 = sorted(rect[0::2])
    y0, y1 = sorted(rect[1::2])
    return [(x0, y0, x1, y1)]


def _quote(data: bytes, notes: list[Annotation]) -> None:
    """Set the words under each markup annotation, read from the page's text layer with PDFium."""
    wanted = [note for note in notes if note.kind in MARKUP and note.areas]
    if not wanted:
        return
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(data)
    try:
        pages: dict[int, Any] = {}
        for note in wanted:
            if note.page not in pages:
                pages[note.page] = document[note.page - 1].get_textpage()
            note.quote = " ".join(" ".join(_words_in(pages[note.page], area).split()) for area in note.areas).strip()
    finally:
        document.close()


def _words_in(textpage: Any, area: Rect) -> str:
    """Return the characters whose middle lies in a quad, in reading order, the proof's slanted watermark left out."""
    import pypdfium2.raw as pdfium_c

    x0, y0, x1, y1 = area
    chars = []
    for index in range(textpage.count_chars()):
        left, bottom, right, top = textpage.get_charbox(index)
        x, y = (left + right) / 2, (bottom + top) / 2
        if not (x0 <= x <= x1 and y0 <= y <= y1):
            continue
        # The watermark ("PROOF") is set across the page at an angle; the text of the proof is level.
        if abs(pdfium_c.FPDFText_GetCharAngle(textpage.raw, index)) > 0.01:
            continue
        chars.append(textpage.get_text_range(index, 1))
    return "".join(chars)
