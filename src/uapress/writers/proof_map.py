"""Stage 4, writers: the map a proof carries of what it was made from, so reviewers' comments find their source line.

A proof PDF embeds one JSON file, `uapress-proof.json` (issue 22): the action, the language, a hash of
every segment's text as the proof shows it, and the rectangle of each block on its page with the segment
id, or the untranslated fields (deadline, an address), it shows. Rectangles are in PDF points in the
page's default user space (origin bottom left), the space annotations' /Rect and /QuadPoints use.
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any

from uapress.core.nodes import Document

if TYPE_CHECKING:
    from weasyprint.document import Document as Layout

MAP_NAME = "uapress-proof.json"
"""The file name of the map among the proof's attachments."""
MAP_VERSION = 1
PX_TO_PT = 0.75
"""WeasyPrint lays out in CSS pixels (1/96 in) and writes PDF points (1/72 in)."""


def text_hash(text: str) -> str:
    """Return the short hash of a segment's text that a proof records, to tell later whether it changed."""
    return hashlib.sha1(text.encode()).hexdigest()[:16]


def source_hash(texts: dict[str, str]) -> str:
    """Return the hash of every segment's text hash, by segment id: what the proof's words were made from."""
    joined = "\n".join(f"{key}={value}" for key, value in sorted(texts.items()))
    return hashlib.sha1(joined.encode()).hexdigest()[:16]


def proof_map(layout: Layout, document: Document) -> bytes:
    """Return the JSON map of a laid-out proof: its segments' hashes and each block's rectangle per page."""
    segments = {
        segment.id: {"field": segment.field, "text": text_hash(segment.text), "status": segment.status}
        for segment in document.segments
    }
    blocks: list[dict[str, Any]] = []
    for number, page in enumerate(layout.pages, start=1):
        box = page._page_box
        height = box.margin_height()
        # One rectangle per element and page: the union of its boxes (a span runs over several lines).
        found: dict[int, tuple[Any, list[float]]] = {}
        for descendant in box.descendants():
            element = getattr(descendant, "element", None)
            if element is None or not (element.get("data-segment") or element.get("data-fields")):
                continue
            x0, y0 = descendant.border_box_x(), descendant.border_box_y()
            x1, y1 = x0 + descendant.border_width(), y0 + descendant.border_height()
            known = found.get(id(element))
            if known is None:
                found[id(element)] = (element, [x0, y0, x1, y1])
            else:
                rect = known[1]
                rect[:] = [min(rect[0], x0), min(rect[1], y0), max(rect[2], x1), max(rect[3], y1)]
        for element, (x0, y0, x1, y1) in found.values():
            if x1 <= x0 or y1 <= y0:
                continue
            block: dict[str, Any] = {
                "page": number,
                "rect": [
                    round(v, 2)
                    for v in (x0 * PX_TO_PT, (height - y1) * PX_TO_PT, x1 * PX_TO_PT, (height - y0) * PX_TO_PT)
                ],
            }
            if element.get("data-segment"):
                block["segment"] = element.get("data-segment")
            if element.get("data-fields"):
                block["fields"] = element.get("data-fields").split()
            blocks.append(block)
    meta = document.meta
    data = {
        "uapress_proof": MAP_VERSION,
        "slug": meta.slug,
        "lang": meta.lang,
        "source_lang": meta.source_lang,
        "source": source_hash({key: value["text"] for key, value in segments.items()}),
        "segments": segments,
        "blocks": blocks,
    }
    return json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1).encode()
