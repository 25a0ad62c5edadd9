"""Stage 4, writers: one registry; every writer is `write(document, brand) -> bytes` and never touches files."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Writer:
    """A registered output format."""

    name: str
    module: str
    """Module holding `write(document, brand) -> bytes`; imported only when used (WeasyPrint is heavy)."""
    filename: str
    """File name pattern in `build/<slug>/<lang>/`."""
    edition: bool = True
    """True for the editions themselves (HTML, PDF, DOCX); false for companions (checklists)."""

    def load(self) -> Callable:
        """Import the writer and return its `write` function."""
        return importlib.import_module(self.module).write

    def file_for(self, slug: str, lang: str) -> str:
        """Return the output file name of an edition."""
        return self.filename.format(slug=slug, lang=lang)


WRITERS: dict[str, Writer] = {
    writer.name: writer
    for writer in (
        Writer("html", "uapress.writers.html", "{slug}.{lang}.html"),
        Writer("pdf", "uapress.writers.pdf", "{slug}.{lang}.pdf"),
        Writer("docx", "uapress.writers.docx", "{slug}.{lang}.docx"),
        Writer("checklist-html", "uapress.writers.checklist_html", "checklist.html", edition=False),
        Writer("checklist-json", "uapress.writers.checklist_json", "checklist.json", edition=False),
        # The PDF writer again: a document whose Meta.proof is set comes out as a proof (watermark, stamp,
        # change bars); its own folder keeps it apart from the edition it must never overwrite.
        Writer("proof", "uapress.writers.pdf", "proof/{slug}.{lang}.proof.pdf", edition=False),
        # The letter pack (issue 14): the edition's model letter on one printable page per target, built with
        # the edition format of the same kind, when the edition's letter is wholly translated.
        Writer("letters-pdf", "uapress.writers.letters_pdf", "letters/{slug}.{lang}.letters.pdf", edition=False),
        Writer("letters-docx", "uapress.writers.letters_docx", "letters/{slug}.{lang}.letters.docx", edition=False),
    )
}
LETTER_SHEETS = {"pdf": "letters-pdf", "docx": "letters-docx"}
"""The letter-sheet writer that comes with each edition format."""
EDITION_FORMATS = tuple(name for name, writer in WRITERS.items() if writer.edition)


def files_for(slug: str, lang: str) -> dict[str, str]:
    """Return every output file name of an edition, by writer name."""
    return {name: writer.file_for(slug, lang) for name, writer in WRITERS.items()}
