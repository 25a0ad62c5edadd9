"""Stage 4, writers: the letter sheets as DOCX, one page per target, addressed for a DL window envelope."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING

from uapress.core.errors import BuildError
from uapress.core.nodes import Document, Text
from uapress.localise.locale import colon
from uapress.writers.brand import Brand
from uapress.writers.docx import ahead as docx_ahead
from uapress.writers.docx import blocks, embed, parts, styles
from uapress.writers.docx.context import Output
from uapress.writers.docx.ooxml import element, length, put
from uapress.writers.envelope import DIN_5008_B

if TYPE_CHECKING:
    from docx.table import Table, _Cell

    from uapress.model.letters import Addressee, Letter


def ahead(brand: Brand) -> None:
    """Read what the DOCX edition reads, and the letter sheets' styles: once, before the workers fork."""
    docx_ahead(brand)
    brand.data("letters-docx.yaml")


def write(document: Document, brand: Brand) -> bytes:
    """Return the letter sheets of the edition's letter as a Word file."""
    import docx

    letter = document.letter
    if letter is None:
        raise BuildError(f"{document.meta.slug} ({document.meta.lang}): the letter is not translated, no letter sheets")
    out = Output(docx.Document(), brand, document.meta)
    # The sheets' own styles join the edition's, written by the same rules.
    for group, extra in brand.data("letters-docx.yaml").items():  # parsed once per process, read safely
        out.spec[group].update(extra)
    styles.apply(out)
    _page(out)
    for number, target in enumerate(letter.targets):
        _sheet(out, letter, target, first=number == 0)
    styles.prune(out)
    # Like the edition, the sheets carry their faces: without them Word or LibreOffice on a machine without
    # Noto sets the letter in another, wider font, and the signature line runs onto a second page (issue 11).
    embed.fonts(out, styles.font_roles(out))
    parts.properties(out)
    parts.settings(out)
    return parts.package(out)


def _page(out: Output) -> None:
    """Set the paper from the brand and the margins of DIN 5008 (25 mm on the binding side), mirrored in RTL."""
    g = DIN_5008_B
    section = out.word.sections[0]
    width, height = out.brand.page_width_height
    section.page_width, section.page_height = length(width), length(height)
    start, end = length(f"{g.margin_start}mm"), length(f"{g.margin_end}mm")
    section.left_margin, section.right_margin = (end, start) if out.rtl else (start, end)
    section.top_margin, section.bottom_margin = length(f"{g.margin_top}mm"), length(f"{g.margin_bottom}mm")
    if out.rtl:
        put(section._sectPr, "bidi")


def _sheet(out: Output, letter: Letter, target: Addressee, first: bool) -> None:
    """Add one target's page: the head (sender, address in the window, date), the letter, signature, copies."""
    g = DIN_5008_B
    labels, sep = letter.labels, colon(letter.lang).rstrip()
    head = _head(out)
    if not first:
        # The table opens the page; its first paragraph carries the page break.
        put(head.cell(0, 0).paragraphs[0]._p.get_or_add_pPr(), "pageBreakBefore")
    sender = _in(out, head.cell(0, 0))  # on the start side, above the window or beside it
    blocks.translatable(sender, "Letter Field", (Text(labels["letter_sender"]),), None, letter.lang)
    for _ in range(3):
        blocks.new_paragraph(sender, "Letter Blank", out.rtl)
    window_column, date_column = (0, 1) if _window_first(out) else (1, 0)
    address = _in(out, head.cell(2, window_column))
    blocks.translatable(address, "Letter Address", (Text(target.name),), None, None)
    blocks.translatable(address, "Letter Address", target.title, None, letter.lang)
    for line in target.address:
        # Names and addresses are never translated: their own script sets their direction.
        blocks.translatable(address, "Letter Address", (Text(line),), None, None)
    date = blocks.translatable(
        _in(out, head.cell(2, date_column)),
        "Letter Field",
        (Text(f"{labels['letter_date']}{sep} ____________________"),),
        None,
        letter.lang,
    )
    # The date goes to the side away from the window; right-to-left paragraphs read "right" as their end, the left.
    away = "right" if out.brand.envelope_window == "left" else "left"
    put(date.get_or_add_pPr(), "jc", val={"left": "right", "right": "left"}[away] if out.rtl else away)
    for cell in head._cells:
        _drop_first_paragraph(cell)
    salutation = blocks.translatable(out, "Letter Text", target.salutation, None, letter.lang)
    # The head ends where the address zone does; form B starts the text 98.46 mm from the top.
    put(salutation.get_or_add_pPr(), "spacing", before=_twips(g.text_top - g.field_top - g.field_height))
    blocks.blocks(out, letter.body, "Letter Text")
    blocks.translatable(out, "Letter Closing", letter.closing, None, letter.lang)
    blocks.new_paragraph(out, "Signature Blank", out.rtl)
    blocks.translatable(out, "Letter Field", (Text(labels["letter_signature"]),), None, letter.lang)
    if letter.copies:
        heading = blocks.translatable(out, "Letter Copies", (Text(f"{labels['copies_to']}{sep}"),), None, letter.lang)
        put(heading.get_or_add_pPr(), "spacing", before=_twips(8))
        for person in letter.copies:
            blocks.translatable(
                out,
                "Letter Copies",
                (Text(f"{person.name}, "),) + person.title + (Text(", " + " ".join(person.address)),),
                None,
                letter.lang,
            )


def _head(out: Output) -> Table:
    """Return the head of a sheet: a borderless table whose rows end exactly where DIN 5008 form B's zones do.

    Rows: the sender (top margin to 45 mm), the notes zone of the window (17.7 mm), the address zone
    (27.3 mm) with the address on the side of the envelope's window (the brand's, whatever the language's
    direction: issue 20) and the date on the other. A right-to-left table (`bidiVisual`: LibreOffice sets
    one so in a right-to-left section anyway) has its first column on the right.
    """
    from docx.enum.table import WD_ROW_HEIGHT_RULE
    from docx.shared import Mm

    g = DIN_5008_B
    page_width = out.word.sections[0].page_width
    assert page_width is not None, "_page sets the paper before the first sheet"
    text_width = float(page_width.mm) - g.margin_start - g.margin_end
    table: Table = out.word.add_table(rows=3, cols=2)
    tbl_pr = table._tbl.tblPr
    if out.rtl:
        put(tbl_pr, "bidiVisual")
    put(tbl_pr, "tblW", w=_twips(text_width), type="dxa")
    put(tbl_pr, "tblInd", w=0, type="dxa")
    put(tbl_pr, "tblLayout", type="fixed")
    put(tbl_pr, "tblCellMar", [element(f"w:{side}", w=0, type="dxa") for side in ("top", "left", "bottom", "right")])
    widths = (g.field_width - g.field_inset, text_width - (g.field_width - g.field_inset))[
        :: 1 if _window_first(out) else -1
    ]
    for column, width in zip(table.columns, widths):
        column.width = Mm(width)
        for cell in column.cells:
            cell.width = Mm(width)
    for row, height in zip(table.rows, (g.field_top - g.margin_top, g.notes_zone, g.field_height - g.notes_zone)):
        row.height, row.height_rule = Mm(height), WD_ROW_HEIGHT_RULE.EXACTLY
    return table


def _window_first(out: Output) -> bool:
    """Tell whether the head's first column is the one on the envelope window's side."""
    return (out.brand.envelope_window == "left") != out.rtl


def _in(out: Output, cell: _Cell) -> Output:
    """Return the output writing into a table cell rather than at the end of the document."""
    inside = copy.copy(out)
    inside.story = cell
    return inside


def _drop_first_paragraph(cell: _Cell) -> None:
    """Remove the empty paragraph a new cell starts with, when others were added after it."""
    paragraphs = cell.paragraphs
    if len(paragraphs) > 1 and not paragraphs[0].text and paragraphs[0]._p.pPr is None:
        paragraphs[0]._p.getparent().remove(paragraphs[0]._p)


def _twips(mm: float) -> int:
    return round(mm * 1440 / 25.4)
