"""Stage 4, writers: one registry; every writer is `write(document, brand) -> bytes` and never touches files."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from uapress.core.nodes import Document
    from uapress.writers.brand import Brand
    from uapress.writers.templating import Spec

WriteFunction = Callable[["Document", "Brand"], bytes]
"""What every registered writer's `write` is."""


@dataclass(frozen=True)
class Writer:
    """A registered output format."""

    name: str
    module: str
    """Module holding `write(document, brand) -> bytes`; imported only when used (WeasyPrint is heavy)."""
    filename: str
    """File name pattern in `build/<slug>/<lang>/`."""
    label: str = ""
    """What the publication index calls its files (`PDF`); empty for files it does not list."""
    edition: bool = True
    """True for the editions themselves (HTML, PDF, DOCX); false for companions (checklists)."""
    listed: str = ""
    """Where the publication index lists its files: `edition` (a column of the table), `letters`, or nowhere."""
    sheets: str = ""
    """The letter-sheet writer that comes with this edition format, if any."""
    paged: bool = False
    """True when its files are PDF, whose pages the index counts."""
    weasyprint: bool = False
    """True when it renders with WeasyPrint, which a build's workers then import before their first edition."""

    def load(self) -> WriteFunction:
        """Import the writer and return its `write` function."""
        write: WriteFunction = importlib.import_module(self.module).write
        return write

    def templates(self) -> tuple[Spec, ...]:
        """Import the writer and return the templates of `styles/` it renders (its module's `TEMPLATES`)."""
        specs: tuple[Spec, ...] = getattr(importlib.import_module(self.module), "TEMPLATES", ())
        return specs

    def ahead(self, brand: Brand) -> None:
        """Import the writer and read now what each of its renders reads once per process (its module's `ahead`)."""
        prepare: Callable[[Brand], None] | None = getattr(importlib.import_module(self.module), "ahead", None)
        if prepare is not None:
            prepare(brand)

    def file_for(self, slug: str, lang: str) -> str:
        """Return the output file name of an edition."""
        return self.filename.format(slug=slug, lang=lang)


WRITERS: dict[str, Writer] = {
    writer.name: writer
    for writer in (
        Writer("html", "uapress.writers.html", "{slug}.{lang}.html", "HTML", listed="edition"),
        Writer(
            "pdf",
            "uapress.writers.pdf",
            "{slug}.{lang}.pdf",
            "PDF",
            listed="edition",
            sheets="letters-pdf",
            paged=True,
            weasyprint=True,
        ),
        Writer("docx", "uapress.writers.docx", "{slug}.{lang}.docx", "DOCX", listed="edition", sheets="letters-docx"),
        Writer("checklist-html", "uapress.writers.checklist_html", "checklist.html", edition=False),
        Writer("checklist-json", "uapress.writers.checklist_json", "checklist.json", edition=False),
        # The PDF writer again: a document whose Meta.proof is set comes out as a proof (watermark, stamp,
        # change bars); its own folder keeps it apart from the edition it must never overwrite.
        Writer(
            "proof",
            "uapress.writers.pdf",
            "proof/{slug}.{lang}.proof.pdf",
            "Proof",
            edition=False,
            listed="edition",
            paged=True,
            weasyprint=True,
        ),
        # The letter pack (issue 14): the edition's model letter on one printable page per target, built with
        # the edition format of the same kind, when the edition's letter is wholly translated.
        Writer(
            "letters-pdf",
            "uapress.writers.letters_pdf",
            "letters/{slug}.{lang}.letters.pdf",
            "PDF",
            edition=False,
            listed="letters",
            weasyprint=True,
        ),
        Writer(
            "letters-docx",
            "uapress.writers.letters_docx",
            "letters/{slug}.{lang}.letters.docx",
            "DOCX",
            edition=False,
            listed="letters",
        ),
    )
}
LETTER_SHEETS = {name: writer.sheets for name, writer in WRITERS.items() if writer.sheets}
"""The letter-sheet writer that comes with each edition format."""
EDITION_FORMATS = tuple(name for name, writer in WRITERS.items() if writer.edition)


def files_for(slug: str, lang: str) -> dict[str, str]:
    """Return every output file name of an edition, by writer name."""
    return {name: writer.file_for(slug, lang) for name, writer in WRITERS.items()}
