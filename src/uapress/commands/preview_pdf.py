"""Preview (`uapress serve`): the background process that renders the PDF of the editions on screen."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from uapress.build.render import render
from uapress.core.processes import die_with
from uapress.writers.weasy import import_weasyprint

if TYPE_CHECKING:
    from uapress.core.nodes import Document
    from uapress.writers.brand import Brand

PDF_NICENESS = 10
"""How much less CPU the background PDF process asks for than the server: the HTML reload comes first (issue 24)."""


def start_pdf_process(parent: int) -> None:
    """Prepare the background PDF process: die with the server, yield the CPU to it, import WeasyPrint once."""
    die_with(parent)  # and Ctrl-C is the server's to answer
    os.nice(PDF_NICENESS)
    import_weasyprint()


def render_file(document: Document, writer: str, brand: Brand, name: str) -> bytes:
    """Render one file of an edition (in the background PDF process)."""
    return render(document, (writer,), brand)[name]
