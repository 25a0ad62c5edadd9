"""Stage 4, writers: the DOCX edition, an editable Word file in the brand's named styles.

Modules: `styles` (Word styles from the brand and `styles/docx.yaml`), `blocks` and
`inlines` (one handler per node type), `parts` (page, header and footer, properties,
reproducible bytes), `embed` (the logo and the fonts the file carries), `context` (what the
handlers share), `ooxml` (elements in schema order).
Every translatable block sits in a Word bookmark named by its segment id, so a
translated DOCX can come back in.
"""

from __future__ import annotations

from uapress.core.nodes import Document
from uapress.writers.brand import Brand
from uapress.writers.docx import blocks, embed, parts, styles
from uapress.writers.docx.context import Output


def ahead(brand: Brand) -> None:
    """Read the Word styles and rasterise the logo: once in the process the build's workers are forked from."""
    brand.data("docx.yaml")
    embed.logo_png(brand)


def write(document: Document, brand: Brand) -> bytes:
    """Return the DOCX edition of `document` in the brand's styles."""
    import docx

    out = Output(docx.Document(), brand, document.meta)
    styles.apply(out)
    parts.page(out)
    blocks.blocks(out, document.sections)
    styles.prune(out)
    embed.fonts(out, styles.font_roles(out))
    parts.properties(out)
    parts.settings(out)
    return parts.package(out)
