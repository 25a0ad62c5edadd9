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

    install()
    fetcher = project_fetcher(brand.folder)
    # No creation or modification date is passed: the same edition gives the same bytes.
    # Tagged (structure tree, /MarkInfo, /Lang from <html lang>) in every variant: PDF/UA-1 by default,
    # PDF/A-3b for archiving (`--pdf-variant`), which WeasyPrint would otherwise leave untagged.
    options = {**weasyprint.DEFAULT_OPTIONS, "pdf_variant": brand.pdf_variant, "pdf_tags": True}
    try:
        layouts = []
        for fit in FITS:
            page = render(document, brand, for_print=True, fit=fit)
            html = weasyprint.HTML(string=page, base_url=str(brand.folder), url_fetcher=fetcher)
            layouts.append(html.render(font_config=_font_config(weasyprint), **options))
            if well_filled(layouts[-1]):
                break
        return (layouts[-1] if well_filled(layouts[-1]) else layouts[0]).write_pdf(**options)
    except FatalURLFetchingError as exc:
        raise BuildError(f"{document.meta.slug} ({document.meta.lang}): {exc.__cause__ or exc}") from None


FITS = (None, "tight", "carry")
"""print.css variants tried in turn until no page is nearly empty; the first layout stays when none succeeds."""
MIN_FILL = 0.25
"""The least share of its text area a page's content may fill (issue 11: a facts box alone on a last page)."""


def well_filled(laid_out) -> bool:
    """Tell whether no page of a layout is nearly empty; a one-page edition always is well filled."""
    fills = page_fills(laid_out)
    return len(fills) == 1 or min(fills) >= MIN_FILL


def page_fills(laid_out) -> list[float]:
    """Return how far down its text area each page's content reaches (0 empty, 1 full)."""
    from weasyprint.formatting_structure.boxes import LineBox, MarginBox, ReplacedBox

    fills = []
    for page in laid_out.pages:
        box = page._page_box
        top, height = box.content_box_y(), box.height
        lowest = top
        for child in box.children:
            if isinstance(child, MarginBox):
                continue
            for descendant in child.descendants():
                if isinstance(descendant, (LineBox, ReplacedBox)):
                    lowest = max(lowest, descendant.position_y + descendant.margin_height())
        fills.append(min(1.0, (lowest - top) / height) if height else 1.0)
    return fills


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
