"""Stage 4, writers: the letter sheets as PDF, one page per target, addressed for a DL window envelope."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict

from markupsafe import Markup

from uapress.core.errors import BuildError
from uapress.core.nodes import Document
from uapress.localise.locale import colon
from uapress.writers.brand import Brand
from uapress.writers.envelope import DIN_5008_B, FOLDS
from uapress.writers.html import FONTS_CSS, bundled_fonts, css_string, tint
from uapress.writers.html_nodes import HtmlRenderer
from uapress.writers.pdf import html_to_pdf
from uapress.writers.templating import Spec, template

if TYPE_CHECKING:
    from uapress.model.letters import Addressee


LETTERS_CSS = Spec("letters.css", autoescape=False, filters=(("css_string", css_string), ("tint", tint)))
LETTERS_PAGE = Spec("letters.html")
TEMPLATES = (LETTERS_PAGE, LETTERS_CSS, FONTS_CSS)
"""The templates this writer renders: compiled before the build forks its workers (issue 24)."""


class Person(TypedDict):
    """An addressee as styles/letters.html shows one, rendered."""

    name: str
    title: Markup
    name_dir: Markup
    """The `dir` attribute of the name when its script runs against the letter, else empty."""
    address: list[tuple[str, Markup]]
    """Each line with its `dir` attribute."""
    salutation: Markup


def write(document: Document, brand: Brand) -> bytes:
    """Return the letter sheets of the edition's letter as a PDF."""
    what = f"{document.meta.slug} ({document.meta.lang}) letters"
    # A sheet that would leave its closing and signature alone on a page of their own is set a little tighter.
    return html_to_pdf(
        lambda fit: render(document, brand, fit), brand, document, what, headings=False, fits=(None, "tight")
    )


def render(document: Document, brand: Brand, fit: str | None = None) -> str:
    """Return the letter sheets as one HTML page for WeasyPrint (styles/letters.html and letters.css)."""
    letter = document.letter
    if letter is None:
        raise BuildError(f"{document.meta.slug} ({document.meta.lang}): the letter is not translated, no letter sheets")
    renderer = HtmlRenderer(document.meta)
    rtl = letter.direction == "rtl"
    css = template(brand, LETTERS_CSS).render(
        colours=brand.colours,
        fonts=brand.fonts,
        sizes=brand.sizes,
        arabic_scale=brand.arabic_scale,
        page_size=brand.page_size,
        rtl=rtl,
        window=brand.envelope_window,
        g=DIN_5008_B,
        folds=FOLDS[brand.page_size],
        bundled_fonts=bundled_fonts(brand),
        fit=fit,
    )
    people = [_person(renderer, person) for person in letter.targets]
    return template(brand, LETTERS_PAGE).render(
        letter=letter,
        labels=letter.labels,
        colon=colon(letter.lang),
        css=Markup(css),
        rtl=rtl,
        title=f"{letter.subject} ({letter.labels.get('letter_sheets', 'Letters')})",
        targets=people,
        copies=[_person(renderer, person) for person in letter.copies],
        body=Markup(renderer.blocks(letter.body)),
        closing=Markup(renderer.inlines(letter.closing)),
    )


def _person(renderer: HtmlRenderer, person: Addressee) -> Person:
    """Return what the template shows of an addressee, rendered."""
    return {
        "name": person.name,
        "title": Markup(renderer.inlines(person.title)),
        # Names and addresses run the way their own script does (a Latin address in an Arabic letter).
        "name_dir": Markup(renderer._direction(person.name)),
        "address": [(line, Markup(renderer._direction(line))) for line in person.address],
        "salutation": Markup(renderer.inlines(person.salutation)),
    }
