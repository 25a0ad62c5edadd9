"""Stage 4, DOCX writer: the page, header and footer, document properties, and reproducible bytes."""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn

from uapress.writers.docx import embed
from uapress.writers.docx.archive import zipped
from uapress.writers.docx.context import Format, Output, word_language
from uapress.writers.docx.inlines import run
from uapress.writers.docx.ooxml import element, length, put

if TYPE_CHECKING:
    from docx.blkcntnr import BlockItemContainer
    from docx.opc.package import OpcPackage
    from docx.oxml.text.paragraph import CT_P
    from docx.text.paragraph import Paragraph
    from docx.types import ProvidesStoryPart
    from lxml import etree

DROPPED_PARTS = (RT.THUMBNAIL, "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects")
"""The template's thumbnail (a blank page) and its Word 2010 copy of the styles we replace."""
APP_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
    'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    "<Application>uapress</Application><DocSecurity>0</DocSecurity></Properties>"
)
FIELD = re.compile(r"(\{page\}|\{pages\})")
FIELD_CODES = {"{page}": "PAGE", "{pages}": "NUMPAGES"}


def page(out: Output) -> None:
    """Set the page size, margins and direction from the brand, and the running header and footer."""
    section = out.word.sections[0]
    width, height = out.brand.page_width_height
    section.page_width, section.page_height = length(width), length(height)
    margins = out.brand.margins
    section.top_margin, section.right_margin = length(margins["top"]), length(margins["right"])
    section.bottom_margin, section.left_margin = length(margins["bottom"]), length(margins["left"])
    section.header_distance = length(out.spec["page"]["header_distance"])
    section.footer_distance = length(out.spec["page"]["footer_distance"])
    if out.rtl:
        put(section._sectPr, "bidi")
    # The first page opens with the masthead band: its header stays empty.
    section.different_first_page_header_footer = True
    _paragraph(out, section.first_page_header, "Header")
    running_header(out, _paragraph(out, section.header, "Running Header"), section.header)
    for footer in (section.first_page_footer, section.footer):
        page_numbers(out, _paragraph(out, footer, "Footer"))
    if out.meta.draft:
        for part in (section.first_page_header, section.header):
            draft_marking(out, part)


def running_header(out: Output, p: CT_P, story: ProvidesStoryPart) -> None:
    """Fill the header of pages 2 onwards as the PDF's: the logo, the action's wording, the date at the end.

    Issue 21: it read "URGENT ACTION · 19 January 2026" in grey on one line. As print.css sets it, the
    wording is in the `Running Title` style, a tab takes the reference (or the date of issue) to the text's end,
    and the paragraph's style draws the rule under it.
    """
    spec = out.spec["logo"]
    embed.logo(out, p, spec["header_height"], story)
    logo_run = p.find(qn("w:r"))  # the logo's, which `embed.logo` puts first
    if logo_run is not None:
        r_pr = logo_run.find(qn("w:rPr"))
        if r_pr is None:
            r_pr = element("w:rPr")
            logo_run.insert(0, r_pr)
        # The PDF's gap after the logo: the space that follows it, spaced out (Word and LibreOffice ignore the
        # wrapping distance of an inline picture on its sides, which LibreOffice otherwise takes as 0.32 cm).
        put(r_pr, "spacing", val=round(length(spec["header_gap"]).pt * 20))
    for inline in p.iter(f"{{{DRAWING}}}inline"):
        inline.attrib.update({"distT": "0", "distB": "0", "distL": "0", "distR": "0"})
    fmt = out.format_for(None)
    run(out, p, out.meta.labels["urgent_action"], fmt.but(char_style=out.style("Running Title").style_id))
    p.append(element("w:r", [element("w:tab")]))
    run(out, p, out.meta.reference or out.meta.issued, fmt)


WORDML = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
VML = "urn:schemas-microsoft-com:vml"
OFFICE = "urn:schemas-microsoft-com:office:office"


def draft_marking(out: Output, part: BlockItemContainer) -> None:
    """Mark a header as a draft's: a line saying so in the edition's language, and the word across the page.

    Issue 21: an edition that is not ready must not pass for the final file once forwarded. The word is a
    VML text-path shape anchored in the header, the form Word writes for its own watermarks, so Word and
    LibreOffice draw it behind the text of every page.
    """
    from lxml import etree

    labels = out.meta.labels
    p = part.add_paragraph()._p
    p.style = out.paragraph_style_id("Header")  # as `style=` sets it, without python-docx's search (issue 24)
    if out.rtl:
        put(p.get_or_add_pPr(), "bidi")
    marker = out.style("Draft Marker").style_id
    run(out, p, labels["draft_notice"], out.format_for(None).but(char_style=marker))
    colour = out.brand.colours["warning"]
    font = out.brand.fonts["arabic" if out.rtl else "heading"]["family"]
    shape = etree.fromstring(
        f'<w:r xmlns:w="{WORDML}" xmlns:v="{VML}" xmlns:o="{OFFICE}"><w:pict>'
        '<v:shapetype id="_x0000_t136" coordsize="21600,21600" o:spt="136" adj="10800">'
        '<v:path textpathok="t" o:connecttype="custom"/>'
        '<v:textpath on="t" fitshape="t"/><o:lock v:ext="edit" text="t" shapetype="t"/></v:shapetype>'
        '<v:shape id="PowerPlusWaterMarkObject1" o:spid="_x0000_s2049" type="#_x0000_t136" o:allowincell="f"'
        f' fillcolor="{colour}" stroked="f" style="position:absolute;margin-left:0;margin-top:0;width:440pt;'
        "height:110pt;rotation:315;z-index:-251657216;mso-position-horizontal:center;"
        'mso-position-horizontal-relative:margin;mso-position-vertical:center;mso-position-vertical-relative:margin">'
        '<v:fill opacity="0.16"/><v:path textpathok="t"/>'
        f'<v:textpath on="t" fitshape="t" style="font-family:&quot;{font}&quot;;font-size:1pt;font-weight:bold"'
        ' string=""/>'
        "</v:shape></w:pict></w:r>"
    )
    textpath = shape.find(f".//{{{VML}}}shape/{{{VML}}}textpath")
    assert textpath is not None
    textpath.set("string", labels["draft"])
    p.append(shape)


DRAWING = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"


def float_logo(out: Output, p: CT_P) -> None:
    """Float the band's logo, put inline at the start of `p`, beside the band's lines, centred on them.

    Issue 21: inline, the logo sat on the masthead's line, so the title stood at its foot and the date of
    issue went under it. As in the PDF (a tile beside the masthead and the date, centred on them), the
    picture becomes an anchored one with square wrapping (the form Word writes for a floating picture), so
    the masthead and the meta line run beside it. Its offsets come from docx.yaml (`logo`).
    """
    from lxml import etree

    inline = p.find(f".//{{{DRAWING}}}inline")
    drawing = None if inline is None else inline.getparent()
    if inline is None or drawing is None:
        return
    spec = out.spec["logo"]
    # At the margin, where the PDF sets the tile (issue 21: the band runs on to the edge); LibreOffice mirrors it
    # in a right-to-left section, where the logo opens the band on the right, as in the PDF.
    x = 0
    gap = length(spec["gap"])
    anchor = etree.SubElement(
        drawing,
        f"{{{DRAWING}}}anchor",
        {
            "distT": "0",
            "distB": "0",
            "distL": str(gap),
            "distR": str(gap),
            "simplePos": "0",
            "relativeHeight": "2",
            "behindDoc": "0",
            "locked": "1",
            "layoutInCell": "1",
            "allowOverlap": "0",
        },
    )
    etree.SubElement(anchor, f"{{{DRAWING}}}simplePos", x="0", y="0")
    for axis, relative, offset in (("H", "column", x), ("V", "paragraph", length(spec["offset"]))):
        position = etree.SubElement(anchor, f"{{{DRAWING}}}position{axis}", relativeFrom=relative)
        etree.SubElement(position, f"{{{DRAWING}}}posOffset").text = str(int(offset))
    extent, *rest = list(inline)
    anchor.append(extent)
    etree.SubElement(anchor, f"{{{DRAWING}}}effectExtent", l="0", t="0", r="0", b="0")
    etree.SubElement(anchor, f"{{{DRAWING}}}wrapSquare", wrapText="bothSides")
    anchor.extend(rest)
    drawing.remove(inline)
    # The space that kept the inline mark apart from the words is the wrapping's gap now.
    logo_run = drawing.getparent()
    space = None if logo_run is None else logo_run.find(qn("w:t"))
    if logo_run is not None and space is not None and space.text == " ":
        logo_run.remove(space)


def page_numbers(out: Output, p: CT_P) -> None:
    """Append the "Page {page} of {pages}" label with live PAGE and NUMPAGES fields."""
    fmt = out.format_for(None)
    for piece in FIELD.split(out.meta.labels["page_of"]):
        if piece in FIELD_CODES:
            field(out, p, FIELD_CODES[piece], fmt)
        elif piece:
            run(out, p, piece, fmt)


def field(out: Output, p: CT_P, code: str, fmt: Format) -> None:
    """Append a complex field (begin, code, separate, cached result, end), the form Word writes."""

    def field_run(child: etree._Element) -> None:
        r_pr = [element("w:rPr", [element("w:rtl")])] if fmt.rtl else []
        p.append(element("w:r", r_pr + [child]))

    field_run(element("w:fldChar", fldCharType="begin"))
    instr = element("w:instrText")
    instr.text = f" {code} "
    instr.set(qn("xml:space"), "preserve")
    field_run(instr)
    field_run(element("w:fldChar", fldCharType="separate"))
    result = element("w:t")
    result.text = "1"
    field_run(result)
    field_run(element("w:fldChar", fldCharType="end"))


def properties(out: Output) -> None:
    """Set the core properties from the edition, with dates from its issue date, never "now"."""
    meta = out.meta
    props = out.word.core_properties
    props.title = meta.title
    props.subject = meta.subject
    props.keywords = ", ".join(meta.keywords)
    props.language = meta.lang
    props.author = props.last_modified_by = "uapress"
    props.comments = ""
    props.category = meta.labels.get("urgent_action", "")
    if meta.reference:
        props.identifier = meta.reference
    props.revision = 1
    issued = _issued(out)
    props.created = props.modified = props.last_printed = issued


WORD_2013 = "15"
"""`compatibilityMode` of Word 2013 and later: without it Word opens the file in Compatibility Mode."""


def settings(out: Output) -> None:
    """Tidy the template's settings and parts: current Word layout, embedded fonts shown, no revision ids."""
    settings_element = out.word.settings.element
    for setting in settings_element.iter(qn("w:compatSetting")):
        if setting.get(qn("w:name")) == "compatibilityMode":
            setting.set(qn("w:val"), WORD_2013)
    if settings_element.find(qn("w:embedTrueTypeFonts")) is None:
        # CT_Settings order: after w:zoom (and the few elements between, which the template lacks).
        zoom = settings_element.find(qn("w:zoom"))
        position = list(settings_element).index(zoom) + 1 if zoom is not None else 0
        settings_element.insert(position, element("w:embedTrueTypeFonts"))
    for rsids in settings_element.findall(qn("w:rsids")):
        settings_element.remove(rsids)
    theme_lang = settings_element.find(qn("w:themeFontLang"))
    if theme_lang is not None:
        lang = word_language(out.meta.lang)
        theme_lang.attrib.clear()
        theme_lang.set(qn("w:val"), lang)
        if out.rtl:
            theme_lang.set(qn("w:bidi"), lang)
    for node in out.word.element.body.iter(qn("w:sectPr")):
        for name in [a for a in node.attrib if a.startswith(qn("w:rsid"))]:
            del node.attrib[name]
    package = out.word.part.package
    for rels in (package.rels, out.word.part.rels):
        for rid in [rid for rid, rel in rels.items() if rel.reltype in DROPPED_PARTS]:
            del rels[rid]
            rels.related_parts.pop(rid, None)


def package(out: Output) -> bytes:
    """Return the document zipped with fixed entry times, so equal inputs give equal bytes."""
    members = []
    for name, data in _members(out.word.part.package):
        if name == "docProps/app.xml":
            # The template claims to be "Microsoft Macintosh Word"; say who wrote the file.
            data = APP_XML.encode("utf-8")
        elif name == "[Content_Types].xml":
            data = data.replace(b"</Types>", CUSTOM_TYPE.encode("utf-8") + b"</Types>")
        elif name == "_rels/.rels":
            data = data.replace(b"</Relationships>", CUSTOM_REL.encode("utf-8") + b"</Relationships>")
        members.append((name, data))
    members.append(("docProps/custom.xml", _custom_xml(out).encode("utf-8")))
    return zipped(members, _issued(out).timetuple()[:6])


def _members(package: OpcPackage) -> list[tuple[str, bytes]]:
    """Return the package's members, name and bytes, in the order python-docx's `save` writes them.

    Taken from python-docx's own package writer rather than from a saved file read back: saving zipped
    and deflated the embedded fonts (most of the file) only for `package` to inflate and deflate them
    again, a third of the DOCX writer's time.
    """
    from types import SimpleNamespace

    from docx.opc.pkgwriter import PackageWriter

    members: list[tuple[str, bytes]] = []
    collect = SimpleNamespace(write=lambda uri, blob: members.append((uri.membername, blob)))
    parts = package.parts
    # python-docx leaves these unannotated, and its private helpers are given a stand-in for the zip writer that
    # has the one method they call: mypy checks neither.
    for part in parts:
        part.before_marshal()  # type: ignore[no-untyped-call]
    try:
        PackageWriter._write_content_types_stream(collect, parts)  # type: ignore[no-untyped-call]
        PackageWriter._write_pkg_rels(collect, package.rels)  # type: ignore[no-untyped-call]
        PackageWriter._write_parts(collect, parts)  # type: ignore[arg-type]
    except AttributeError:  # these are python-docx's private helpers: another version saves the ordinary way
        return _saved_members(package)
    return members


def _saved_members(package: OpcPackage) -> list[tuple[str, bytes]]:
    """Return the package's members as python-docx's public `save` writes them."""
    import io
    import zipfile

    raw = io.BytesIO()
    package.save(raw)
    with zipfile.ZipFile(raw) as source:
        return [(info.filename, source.read(info.filename)) for info in source.infolist()]


CUSTOM_TYPE = (
    '<Override PartName="/docProps/custom.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.custom-properties+xml"/>'
)
CUSTOM_REL = (
    '<Relationship Id="rIdUapressCustom" Target="docProps/custom.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"/>'
)
CUSTOM_LANGUAGE, CUSTOM_ACTION = "uapress-language", "uapress-action"
"""Custom document property naming the edition's language, so `uapress import` needs no --lang (issue 12):
LibreOffice keeps custom properties on re-save, while the core properties it writes read as defaults."""


def _custom_xml(out: Output) -> str:
    from xml.sax.saxutils import escape

    props = ((CUSTOM_LANGUAGE, out.meta.lang), (CUSTOM_ACTION, out.meta.slug))
    items = "".join(
        f'<property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="{pid}" name="{name}">'
        f"<vt:lpwstr>{escape(value)}</vt:lpwstr></property>"
        for pid, (name, value) in enumerate(props, 2)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
        f'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">{items}</Properties>'
    )


def _paragraph(out: Output, part: BlockItemContainer, style: str) -> CT_P:
    p: Paragraph = part.paragraphs[0]
    # Header and Footer are paragraph styles (python-docx's template, styles/docx.yaml); `paragraph_style_id` checks
    # it. What python-docx's setter writes, without its search of every style for the default one (issue 24).
    p._p.style = out.paragraph_style_id(style)
    if out.rtl:
        put(p._p.get_or_add_pPr(), "bidi")
    return p._p


def _issued(out: Output) -> dt.datetime:
    issued = dt.date.fromisoformat(out.meta.issued_iso)
    return dt.datetime(max(issued.year, 1980), issued.month, issued.day, tzinfo=dt.UTC)
