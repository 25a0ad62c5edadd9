"""Stage 4, writers: the PDF edition (and proof), the HTML page laid out by WeasyPrint with the bundled fonts."""

from __future__ import annotations

from ..brand import Brand
from ..errors import BuildError
from ..model.nodes import Document
from .html import render
from .weasy import import_weasyprint


def write(document: Document, brand: Brand) -> bytes:
    """Return the PDF edition as bytes."""
    # WeasyPrint costs ~0.3 s to import: only a build that writes a PDF pays for it.
    weasyprint = import_weasyprint()
    from weasyprint.urls import FatalURLFetchingError

    from .fetcher import project_fetcher
    from .pdf_text import install

    install(weasyprint)

    page = render(document, brand, for_print=True)
    fetcher = project_fetcher(brand.folder)
    try:
        # No creation or modification date is passed: the same edition gives the same bytes.
        # Tagged (structure tree, /MarkInfo, /Lang from <html lang>) in every variant: PDF/UA-1 by default,
        # PDF/A-3b for archiving (`--pdf-variant`), which WeasyPrint would otherwise leave untagged.
        return weasyprint.HTML(string=page, base_url=str(brand.folder), url_fetcher=fetcher).write_pdf(
            pdf_variant=brand.pdf_variant, pdf_tags=True, font_config=_font_config(weasyprint))
    except FatalURLFetchingError as exc:
        raise BuildError(f"{document.meta.slug} ({document.meta.lang}): {exc.__cause__ or exc}") from None


_FONTS = None


def _font_config(weasyprint):
    """Return one font configuration per process.

    A new FontConfiguration per document loads the seven bundled faces again (~45% of a
    render) and leaks ~0.35 MiB per PDF; the bundled @font-face rules are the same for every
    edition, and the output is byte-identical either way.
    """
    global _FONTS
    if _FONTS is None:
        from weasyprint.text.fonts import FontConfiguration

        _FONTS = FontConfiguration()
    return _FONTS
