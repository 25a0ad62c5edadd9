"""Stage 4, writers: the HTML edition, one self-contained page (and the page the PDF writer lays out)."""

from __future__ import annotations

import base64
import datetime as dt
import re
from html import unescape
from typing import TypedDict

from markupsafe import Markup

from uapress.core.nodes import Document, Meta
from uapress.localise.locale import colon, direction, long_date, regional_tag
from uapress.model.typography import smart_quotes
from uapress.writers import files_for, fonts
from uapress.writers.brand import Brand
from uapress.writers.html_nodes import HtmlRenderer
from uapress.writers.mailto import EMAIL_PART, email_part
from uapress.writers.templating import Spec, template


class FontFace(TypedDict):
    """A bundled face as edition.css embeds it (`@font-face`)."""

    family: str
    weight: int
    style: str
    src: str
    """A `data:` URI of the face's WOFF2 subset."""


class Download(TypedDict):
    """A sibling edition file the HTML edition offers to download."""

    href: str
    text: str
    kind: str


class EditionChoice(TypedDict):
    """One language of the action, as the edition's language switcher lists it."""

    lang: str
    name: str
    direction: str
    href: str
    current: bool
    og_locale: str


def write(document: Document, brand: Brand) -> bytes:
    """Return the HTML edition as UTF-8 bytes."""
    return render(document, brand).encode("utf-8")


def render(document: Document, brand: Brand, *, for_print: bool = False, fit: str | None = None) -> str:
    """Return the edition as one HTML page; `for_print` adds the bundled fonts and print.css and drops the downloads.

    `fit` picks a print.css variant that sets the same text on better-filled pages (`tight`, `carry`).
    """
    meta = document.meta
    renderer = HtmlRenderer(meta)
    context = {
        "meta": meta,
        "labels": meta.labels,
        "colon": colon(meta.lang),
        "for_print": for_print,
        "rtl": meta.direction == "rtl",
        "logo_src": brand.logo if for_print else brand.logo_data_uri,
        # On screen the mark is decoration next to its own wording; tagged PDF wants every image described.
        "logo_alt": brand.logo_alt if for_print else "",
        "downloads": [] if for_print else _downloads(meta),
        "editions": [] if for_print else _editions(meta),
        "og_locale": regional_tag(meta.lang, "_"),
        "proof_page": Markup(proof_page(brand, meta)) if meta.proof else "",
    }
    masthead = [s for s in document.sections if s.role == "masthead"]
    context["masthead"] = Markup("".join(renderer.blocks(s.blocks) for s in masthead))
    # On screen, the e-mail buttons follow the model letter (issue 14); print has no use for them.
    email = "" if for_print else email_part(document, brand)
    context["sections"] = Markup(
        "".join(
            renderer.section(s) + (email if s.role == "letter" else "")
            for s in document.sections
            if s.role != "masthead"
        )
    )
    page = template(brand, EDITION_PAGE)
    # The screen edition carries its fonts cut to the characters it shows: render once to know them.
    if for_print:
        font_faces = []
    else:
        bare = page.render(context, css="")
        font_faces = embedded_fonts(brand, _page_text(bare), italic="<em>" in bare)
    context["css"] = Markup(stylesheets(brand, meta, for_print, fit, font_faces))
    return page.render(context)


def embedded_fonts(brand: Brand, text: str, italic: bool) -> list[FontFace]:
    """Return the brand's faces that draw `text`, each as a WOFF2 `data:` URI cut to its characters.

    Italic faces only come along when the page has emphasis: each face costs a second to cut.
    """
    chars = fonts.characters(text)
    return [
        {
            "family": face.family,
            "weight": face.weight,
            "style": face.style,
            "src": "data:font/woff2;base64," + base64.b64encode(fonts.subset(face, chars, "woff2")).decode("ascii"),
        }
        for face in fonts.faces(brand)
        if (italic or face.style == "normal") and fonts.covers(face, chars)
    ]


def _page_text(page: str) -> str:
    """Return what a page shows or says, its text and attribute values, without the markup's names."""
    attributes = " ".join(re.findall(r'="([^"]*)"', page))
    return unescape(re.sub(r"<[^>]*>", " ", page) + " " + attributes)


def proof_page(brand: Brand, meta: Meta) -> str:
    """Return the proof's watermark and, when there is a revision to compare with, its summary of changes."""
    return template(brand, PROOF_PAGE).render(
        proof=meta.proof,
        meta=meta,
        labels=meta.labels,
        colon=colon(meta.lang),
        compared=_compared(meta),
        direction=direction,
        source_direction=direction(meta.source_lang),
    )


def _compared(meta: Meta) -> dict[str, str]:
    """Return what the proof's cover says of the revision compared with, in the proof's language (issue 21)."""
    proof = meta.proof
    if proof is None or proof.revision is None:
        return {}
    short, date, subject = proof.revision
    try:
        when = long_date(dt.date.fromisoformat(date), meta.lang)
    except ValueError:
        when = date
    line = meta.labels.get("proof_compared", "Compared with the revision of {date} ({revision})")
    return {
        "line": line.replace("{date}", when).replace("{revision}", short),
        "subject": smart_quotes(f'"{subject}"', "en"),
    }


def field_name(field: str) -> str:
    """Return a field path as reviewers read it ("targets.0.title" -> "target 1, title")."""
    parts = field.split(".")
    if len(parts) == 3 and parts[1].isdigit():
        person = {"targets": "target", "copies": "copy"}.get(parts[0], parts[0])
        return f"{person} {int(parts[1]) + 1}, {parts[2]}".replace("_", " ")
    return field.replace("_", " ").replace(".", ", ")


def stylesheets(
    brand: Brand, meta: Meta, for_print: bool, fit: str | None = None, font_faces: list[FontFace] | None = None
) -> str:
    """Return edition.css (and print.css when printing, in its `fit` variant) filled from the brand; `font_faces` are embedded."""
    context = {
        "font_faces": font_faces or [],
        "colours": brand.colours,
        "fonts": brand.fonts,
        "sizes": brand.sizes,
        "arabic_scale": brand.arabic_scale,
        "page_size": brand.page_size,
        "margins": brand.margins,
        "for_print": for_print,
        "rtl": meta.direction == "rtl",
        "page_of": page_counter_content(meta.labels.get("page_of", "{page} / {pages}")),
        "proof": meta.proof is not None,
        "stamp": css_string(meta.proof.stamp) if meta.proof else "",
        "fit": fit,
        "bundled_fonts": bundled_fonts(brand) if for_print else "",
    }
    specs = [EDITION_CSS] + ([PRINT_CSS] if for_print else [])
    return "\n".join(template(brand, spec).render(context) for spec in specs)


def bundled_fonts(brand: Brand) -> str:
    """Return the @font-face rules of the bundled fonts (styles/fonts.css), shared by every page WeasyPrint lays out."""
    return template(brand, FONTS_CSS).render(fonts=brand.fonts)


def page_counter_content(label: str) -> str:
    """Return a CSS `content` value for a label such as "Page {page} of {pages}"."""
    parts = []
    for piece in re.split(r"(\{page\}|\{pages\})", label):
        if piece in ("{page}", "{pages}"):
            parts.append(f"counter({piece[1:-1]})")
        elif piece:
            parts.append(css_string(piece))
    return " ".join(parts)


def css_string(text: str) -> str:
    """Quote text as a CSS string that is also safe inside an HTML `<style>` element."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\A ").replace("<", "\\3C ")
    return f'"{escaped}"'


def tint(colour: str, amount: float) -> str:
    """Mix a `#RRGGBB` colour into white: `amount` 0 is white, 1 the colour itself."""
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    mixed = (round(255 - (255 - c) * amount) for c in (red, green, blue))
    return "#" + "".join(f"{c:02X}" for c in mixed)


def rgba(colour: str, alpha: float) -> str:
    """Return a `#RRGGBB` colour with transparency, as CSS `rgba()`."""
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red}, {green}, {blue}, {alpha})"


def _downloads(meta: Meta) -> list[Download]:
    """Return the sibling files the HTML edition links to: the other editions, never the internal checklist."""
    # Readers get the editions only (issue 11); the index and the proofs lead editors to the checklists.
    names = (("pdf", "PDF"), ("docx", "DOCX"))
    return [{"href": meta.files[key], "text": text, "kind": key} for key, text in names if meta.files.get(key)]


def _editions(meta: Meta) -> list[EditionChoice]:
    """Return the action's editions in every published language, each linked from this one."""
    if not meta.files.get("html") or len(meta.editions) < 2:
        return []
    return [
        {
            "lang": e.lang,
            "name": e.name[:1].upper() + e.name[1:],
            "direction": e.direction,
            "href": meta.files["html"]
            if e.lang == meta.lang
            else f"../{e.lang}/{files_for(meta.slug, e.lang)['html']}",
            "current": e.lang == meta.lang,
            "og_locale": regional_tag(e.lang, "_"),
        }
        for e in meta.editions
    ]


FILTERS = (("css_string", css_string), ("tint", tint), ("rgba", rgba))

EDITION_PAGE = Spec("edition.html", filters=FILTERS)
PROOF_PAGE = Spec("proof.html", filters=(*FILTERS, ("field_name", field_name)))
EDITION_CSS = Spec("edition.css", autoescape=False, filters=FILTERS)
PRINT_CSS = Spec("print.css", autoescape=False, filters=FILTERS)
FONTS_CSS = Spec("fonts.css", autoescape=False, filters=FILTERS)
TEMPLATES = (EDITION_PAGE, EDITION_CSS, EMAIL_PART)
"""The templates this writer renders: a build compiles them before forking its workers (issue 24)."""
