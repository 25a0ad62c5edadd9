"""Stage 4, writers: the translation checklist as a self-contained HTML page, for people."""

from __future__ import annotations

from ..brand import Brand
from ..localise import locale
from ..model.nodes import Document
from .templating import template

STATUS_TEXT = {
    "source": "source text",
    "translated": "translated",
    "missing": "missing",
    "fuzzy": "fuzzy (source changed)",
    "invalid": "breaks Markdown",
}


def write(document: Document, brand: Brand) -> bytes:
    """Return the checklist page of an edition, styled from the brand."""
    page = template(brand, "checklist.html", strict=True)
    checklist = document.checklist
    html = page.render(
        checklist=checklist,
        meta=document.meta,
        brand=brand,
        status_text=STATUS_TEXT,
        direction=locale.direction(checklist.lang),
        edition=document.meta.files.get("html", ""),
    )
    return html.encode("utf-8")
