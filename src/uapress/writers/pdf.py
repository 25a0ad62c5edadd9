"""Stage 4, writers: the PDF edition (and proof), the HTML page laid out by WeasyPrint with the bundled fonts."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
from collections.abc import Callable, Iterator
from types import ModuleType
from typing import TYPE_CHECKING

from uapress.core.errors import BuildError
from uapress.core.nodes import Document
from uapress.writers.brand import Brand
from uapress.writers.fetcher import project_fetcher
from uapress.writers.html import EDITION_CSS, EDITION_PAGE, FONTS_CSS, PRINT_CSS, PROOF_PAGE, render
from uapress.writers.pdf_text import install
from uapress.writers.pdfbytes import font_names
from uapress.writers.proof_map import MAP_NAME, proof_map
from uapress.writers.weasy import import_weasyprint

if TYPE_CHECKING:
    from weasyprint import CSS
    from weasyprint.document import Document as Layout
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import URLFetcher


TEMPLATES = (EDITION_PAGE, EDITION_CSS, PRINT_CSS, FONTS_CSS, PROOF_PAGE)
"""The templates this writer renders (a proof adds its summary page): compiled before the fork (issue 24)."""


def write(document: Document, brand: Brand) -> bytes:
    """Return the PDF edition as bytes, laid out again more tightly when a page would be nearly empty."""
    return html_to_pdf(lambda fit: render(document, brand, for_print=True, fit=fit), brand, document, fits=FITS)


def html_to_pdf(
    page: Callable[[str | None], str],
    brand: Brand,
    document: Document,
    what: str = "",
    headings: bool = True,
    fits: tuple[str | None, ...] = (None,),
) -> bytes:
    """Lay out a page of `document` with the bundled fonts and no network, and check its fonts; `what` names it in errors.

    `page(fit)` returns the HTML page for each print.css variant of `fits`, tried in turn until no page is
    nearly empty. `headings`: the page sets headings, so the brand's heading face must be in the PDF.
    """
    what = what or f"{document.meta.slug} ({document.meta.lang})"
    # WeasyPrint costs ~0.3 s to import: only a build that writes a PDF pays for it.
    weasyprint = import_weasyprint()
    from weasyprint.urls import FatalURLFetchingError

    install()
    fetcher = project_fetcher(brand.folder)
    # No creation or modification date is passed: the same edition gives the same bytes.
    # Tagged (structure tree, /MarkInfo, /Lang from <html lang>) in every variant: PDF/UA-1 by default,
    # PDF/A-3b for archiving (`--pdf-variant`), which WeasyPrint would otherwise leave untagged.
    options = {**weasyprint.DEFAULT_OPTIONS, "pdf_variant": brand.pdf_variant, "pdf_tags": True}
    try:
        layouts, parsed = [], None
        for fit in fits:
            markup, sheets = _split_style(page(fit))
            # The variants differ in their stylesheets only: the page is parsed once.
            if parsed is None or parsed[0] != markup:
                parsed = markup, weasyprint.HTML(string=markup, base_url=str(brand.folder), url_fetcher=fetcher)
            stylesheets = [_stylesheet(weasyprint, css, brand, fetcher) for css in sheets]
            layouts.append(
                parsed[1].render(font_config=_font_config(weasyprint), **{**options, "stylesheets": stylesheets})
            )
            if len(fits) == 1 or well_filled(layouts[-1]):
                chosen = layouts[-1]
                break
        else:
            chosen = layouts[0]  # no variant fills every page well: the first stays
        if document.meta.proof is not None and headings:
            # A proof carries the map of its blocks to their segments: `uapress comments` reads it (issue 22).
            attachment = weasyprint.Attachment(string=proof_map(chosen, document), name=MAP_NAME)
            options["attachments"] = [*(options.get("attachments") or ()), attachment]
        with _fixed_font_dates():
            pdf: bytes = chosen.write_pdf(**options)
        check_fonts(pdf, document, brand, headings)
        return pdf
    except BaseException as exc:
        # A render stopped halfway (Ctrl-C, a full $TMPDIR) can leave a font written to the configuration's
        # folder but never registered; WeasyPrint then skips that face for good and every later PDF of this
        # process falls back to another font (issue 10). Start the next render from a clean configuration.
        discard_font_config()
        if isinstance(exc, FatalURLFetchingError):
            raise BuildError(f"{what}: {exc.__cause__ or exc}") from None
        raise


FONT_DATE = "1767225600"
"""2026-01-01, written as the `modified` date of fonts that fontTools re-saves, unless SOURCE_DATE_EPOCH is set."""


@contextlib.contextmanager
def _fixed_font_dates() -> Iterator[None]:
    """Date the fonts WeasyPrint re-saves with fontTools by SOURCE_DATE_EPOCH, so equal editions are equal bytes.

    Without libharfbuzz-subset (or for a variable font) WeasyPrint subsets with fontTools, which stamps
    each font's `head.modified` with the current second: two builds a second apart differed.
    """
    if "SOURCE_DATE_EPOCH" in os.environ:  # the reproducible-builds setting of whoever runs the build
        if not os.environ["SOURCE_DATE_EPOCH"].strip().isdigit():  # fontTools would fail on it mid-render
            raise BuildError(
                f"SOURCE_DATE_EPOCH={os.environ['SOURCE_DATE_EPOCH']!r} is not a number of seconds "
                "since 1970; set it to one (e.g. SOURCE_DATE_EPOCH=1767225600) or unset it"
            )
        yield
        return
    os.environ["SOURCE_DATE_EPOCH"] = FONT_DATE
    try:
        yield
    finally:
        os.environ.pop("SOURCE_DATE_EPOCH", None)


def check_fonts(pdf: bytes, document: Document, brand: Brand, headings: bool = True) -> None:
    """Raise BuildError unless the PDF sets its text in the brand's faces only, the ones its language needs included.

    The names are WeasyPrint's (`Noto-Sans`, `Noto-Sans-Bold`, `Noto-Naskh-Arabic`…): the family with its
    spaces as hyphens, then the style. Arabic pages are set in the arabic role (`:lang(ar)` in print.css),
    the others in the body role with headings in the heading role.
    """
    families = {role: brand.family(role).replace(" ", "-") for role in brand.fonts}
    used = font_names(pdf)
    arabic = document.meta.lang.split("-")[0].lower() == "ar" and "arabic" in families
    needed = (
        {families["arabic"]: any(_is_face(font, families["arabic"]) for font in used)}
        if arabic
        else {
            families[role]: any(_is_face(font, families[role]) for font in used)
            for role in ("body", "heading")
            if role in families and (headings or role == "body")
        }
    )
    # The page's own family needs its regular face: without it, Pango sets the body text in the bold face.
    # (Other families may rightly appear in bold only: a proof's summary quotes Arabic headings.)
    main = families["arabic" if arabic else "body"]
    needed[f"{main} (regular)"] = main in used
    missing = [name for name, present in needed.items() if not present]
    foreign = sorted(font for font in used if not any(_is_face(font, name) for name in families.values()))
    if missing or foreign:
        what = "; ".join(
            part
            for part in (
                f"missing {', '.join(missing)}" if missing else "",
                f"set in {', '.join(foreign)} instead of the brand's fonts" if foreign else "",
            )
            if part
        )
        raise BuildError(
            f"{document.meta.slug} ({document.meta.lang}): the PDF's fonts are wrong ({what}); "
            "it was not written. Check styles/brand.yaml and styles/fonts/, then build again"
        )


def _is_face(font: str, family: str) -> bool:
    """Tell whether a PDF font name is a face of a family (`Noto-Sans-Bold` of `Noto-Sans`)."""
    return font == family or font.startswith(family + "-") or font.startswith(family + ",")


FITS = (None, "tight", "carry")
"""print.css variants tried in turn until no page is nearly empty; the first layout stays when none succeeds."""
MIN_FILL = 0.25
"""The least share of its text area a page's content may fill (issue 11: a facts box alone on a last page)."""


def well_filled(laid_out: Layout) -> bool:
    """Tell whether no page of a layout is nearly empty; a one-page edition always is well filled."""
    fills = page_fills(laid_out)
    return len(fills) == 1 or min(fills) >= MIN_FILL


def page_fills(laid_out: Layout) -> list[float]:
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


_STYLE = re.compile(r"<style>(.*?)</style>", re.S)
EDITION_RULES = "/* Per edition"
"""Where print.css's rules for one edition begin: those before are the same for every edition of a brand."""


def _split_style(page: str) -> tuple[str, list[str]]:
    """Return the page without its `<style>` element, and the stylesheets it held, in cascade order.

    A stylesheet with rules per edition (print.css) is two: the brand's rules, which every edition shares, then
    the edition's. Several stylesheets of one origin cascade as their concatenation: the later wins at equal
    specificity.
    """
    found = _STYLE.search(page)
    if not found:
        return page, [""]
    shared, mark, own = found.group(1).partition(EDITION_RULES)
    return page[: found.start()] + page[found.end() :], [shared, mark + own] if mark else [shared]


_FONTS: FontConfiguration | None = None
_SHEETS: dict[tuple[str, str], CSS] = {}
"""Stylesheets parsed with the process's font configuration, by text and folder (issue 13)."""
SHEETS_KEPT = 32
"""Enough for the brand's shared rules and each language's edition rules, page-fill variants, letters and proof."""


def _stylesheet(weasyprint: ModuleType, css: str, brand: Brand, fetcher: URLFetcher) -> CSS:
    """Return the page's stylesheet parsed once per process: WeasyPrint would parse it again for every layout.

    Its @font-face rules are bound to the font configuration it was parsed with, so it is dropped with
    it (`discard_font_config`): a stylesheet of a discarded configuration would poison later PDFs.
    A stylesheet given to WeasyPrint has the user origin, which only differs from the author's against
    author rules (the page has none left) and !important ones (none in the brand's stylesheets).
    """
    key = (css, str(brand.folder))
    sheet = _SHEETS.pop(key, None)
    if sheet is None:
        if len(_SHEETS) >= SHEETS_KEPT:
            _SHEETS.pop(next(iter(_SHEETS)))
        sheet = weasyprint.CSS(
            string=css, base_url=str(brand.folder), url_fetcher=fetcher, font_config=_font_config(weasyprint)
        )
    # The least recently used goes first: the brand's rules, which every edition uses, stay however many languages.
    _SHEETS[key] = sheet
    return sheet


def _font_config(weasyprint: ModuleType) -> FontConfiguration:
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


def discard_font_config() -> None:
    """Drop the process's font configuration and its folder of font files; the next PDF makes a new one."""
    global _FONTS
    fonts, _FONTS = _FONTS, None
    _SHEETS.clear()
    if fonts is None:
        return
    folder = getattr(fonts, "_folder", None)
    if folder:
        fonts._folder = None
        shutil.rmtree(folder, ignore_errors=True)
