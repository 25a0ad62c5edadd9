"""Stage 4, DOCX writer: what the file carries of the brand itself, the logo as a picture and the fonts.

Word shows a font it does not have from the file when the font is embedded: obfuscated
TrueType parts (`word/fonts/*.odttf`) named by `w:embedRegular`… in the font table
(ECMA-376 part 1, 17.8.1 and 17.8.3.3). Without them, a machine lacking Noto would set the
edition in some other font.

Each face is embedded cut to what the file shows and what a translator of it types (issue 24): the whole
files made every DOCX 1.3-1.5 MB, too heavy to mail. The cut keeps the letters of the scripts of the
edition's language and of every language the action is published in (the DOCX is translated into those),
Latin-1, digits, punctuation and currency signs. The cuts are not marked subsetted (`w:subsetted`,
`w:saveSubsetFonts`): newer LibreOffice leaves a font so marked out of editing, and Word needs no mark.
"""

from __future__ import annotations

import hashlib
import io
import uuid
from functools import lru_cache
from typing import TYPE_CHECKING

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph as WordParagraph
from lxml import etree

from uapress.localise.locale import script
from uapress.writers import fonts as cuts
from uapress.writers.brand import Brand
from uapress.writers.docx.context import Output
from uapress.writers.docx.ooxml import element, length
from uapress.writers.fetcher import project_fetcher
from uapress.writers.weasy import import_weasyprint

if TYPE_CHECKING:
    from docx.oxml.text.paragraph import CT_P
    from docx.types import ProvidesStoryPart

OBFUSCATED_FONT = "application/vnd.openxmlformats-officedocument.obfuscatedFont"
EMBED = {"regular": "embedRegular", "bold": "embedBold", "italic": "embedItalic", "bold_italic": "embedBoldItalic"}
"""The font table's element for each face, in the order CT_Font wants them."""
TYPED = ((0x0020, 0x007E), (0x00A0, 0x00FF), (0x2010, 0x2027), (0x2030, 0x205E), (0x20A0, 0x20C0), (0x2116, 0x2122))
"""Kept in every cut: ASCII, Latin-1, general punctuation (dashes, quotes, ellipsis), currency signs, № and ™."""
SCRIPT_LETTERS = {
    # Latin Extended-A and -B: the CLDR exemplars of Latin-script languages (Polish, Romanian, Turkish…) but
    # those in LATIN_ADDITIONAL; Latin Extended Additional for all would add 40 kB to each DOCX.
    # ẞ too: Word and LibreOffice set a German ß in a capitals style (the headings) as ẞ.
    "Latn": ((0x0100, 0x024F), (0x1E9E, 0x1E9E)),
    "Grek": ((0x0370, 0x03FF),),
    "Cyrl": ((0x0400, 0x052F),),
    "Arab": ((0x0600, 0x06FF), (0x0750, 0x077F)),
}
"""The letters a translator into a language of each script types, by ISO 15924 code; other scripts have no brand face."""
LATIN_ADDITIONAL = {"vi": ((0x1EA0, 0x1EF9),), "yo": ((0x1E00, 0x1EFF),), "ig": ((0x1E00, 0x1EFF),)}
"""Languages whose CLDR exemplars are in Latin Extended Additional (Vietnamese ạ…ỹ, Yoruba and Igbo ẹ ọ ṣ)."""
LOGO_PIXELS = 512
"""Width of the logo's PNG: sharp in print at the band's size."""


def logo(out: Output, p: CT_P, height: str, story: ProvidesStoryPart | None = None) -> None:
    """Put the brand's logo, rendered to PNG, at the start of paragraph `p` of `story` (the body, a header)."""
    # The picture's relationship belongs to the part that holds the paragraph.
    paragraph = WordParagraph(p, story if story is not None else out.word._body)
    picture = paragraph.add_run()
    picture.add_picture(io.BytesIO(logo_png(out.brand)), height=length(height))
    picture.add_text(" ")  # the mark and the words keep apart
    p.remove(picture._r)
    first = p.find(qn("w:pPr"))
    p.insert(0 if first is None else 1, picture._r)
    for doc_pr in picture._r.iter(qn("wp:docPr")):
        doc_pr.set("descr", out.brand.logo_alt)  # the picture's text alternative for screen readers


def logo_png(brand: Brand) -> bytes:
    """Return the logo as a PNG: WeasyPrint draws the SVG as a PDF page, PDFium rasterises it."""
    return _rasterise(brand.logo_svg, str(brand.folder))


@lru_cache(maxsize=4)
def _rasterise(svg: bytes, folder: str) -> bytes:
    import base64
    from pathlib import Path

    import pypdfium2
    from PIL import Image

    weasyprint = import_weasyprint()
    source = "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")
    page = (
        "<style>@page { size: 64px 64px; margin: 0 } html, body { margin: 0 }"
        f' img {{ display: block; width: 64px; height: 64px }}</style><img src="{source}" alt="">'
    )
    fetcher = project_fetcher(Path(folder))
    pdf = weasyprint.HTML(string=page, base_url=folder, url_fetcher=fetcher).write_pdf()
    document = pypdfium2.PdfDocument(pdf)
    try:
        first = document[0]
        bitmap = first.render(scale=LOGO_PIXELS / first.get_width(), fill_color=(255, 255, 255, 0))
        image: Image.Image = bitmap.to_pil()
    finally:
        document.close()
    out = io.BytesIO()
    # Pillow writes no time or software chunk: equal logos give equal bytes.
    image.convert("RGBA").save(out, format="PNG", optimize=True)
    return out.getvalue()


def fonts(out: Output, roles: list[str]) -> None:
    """Embed every face of the font roles the edition's styles use, and tell Word to show them."""
    table_part = out.word.part.part_related_by(RT.FONT_TABLE)
    table = etree.fromstring(table_part.blob)
    chars = characters(out)
    count = 0
    for role in roles:
        spec = out.brand.fonts[role]
        family = spec["family"]
        font = _font_entry(table, family)
        for face, name in EMBED.items():
            if face not in spec:
                continue
            cut = cuts.subset(cuts.Face(role, family, face, out.brand.font_file(role, face)), chars)
            key, obfuscated = _embedded(cut)
            count += 1
            part = Part(PackURI(f"/word/fonts/font{count}.odttf"), OBFUSCATED_FONT, obfuscated, out.word.part.package)
            rid = table_part.relate_to(part, RT.FONT)
            font.append(element(f"w:{name}", fontKey=key))
            font[-1].set(qn("r:id"), rid)
    table_part._blob = etree.tostring(table, xml_declaration=True, encoding="UTF-8", standalone=True)


def characters(out: Output) -> frozenset[str]:
    """Return the characters the edition's cuts keep: every one its parts hold, and what its translators type."""
    parts = [part.blob for part in out.word.part.package.iter_parts() if _is_xml(part.partname)]
    languages = {out.meta.lang, out.meta.source_lang} | {edition.lang for edition in out.meta.editions}
    # The characters of a text and of another together are the union of each's: the typed ones, the same for
    # every edition of an action, are gathered once per process (issue 24: ~15 ms of each DOCX written).
    return frozenset().union(*map(_held, parts)) | _typed(tuple(sorted(languages)))


@lru_cache(maxsize=64)
def _held(blob: bytes) -> frozenset[str]:
    """Return the characters a part holds, once per process and part: most parts are the same in every edition."""
    return cuts.characters(_text(blob))


@lru_cache(maxsize=16)
def _typed(languages: tuple[str, ...]) -> frozenset[str]:
    """Return the characters translators into `languages` type: their scripts' letters, digits and punctuation."""
    ranges = [*TYPED]
    for lang in languages:
        ranges += [*SCRIPT_LETTERS.get(script(lang), ()), *LATIN_ADDITIONAL.get(lang.split("-")[0], ())]
    return cuts.characters("".join(chr(code) for start, end in ranges for code in range(start, end + 1)))


def _is_xml(name: str) -> bool:
    return name.endswith((".xml", ".rels"))


def _text(blob: bytes) -> str:
    # The markup is ASCII, which every cut keeps: the whole part is as good as its text, and quicker to read.
    return blob.decode("utf-8", "replace")


@lru_cache(maxsize=16)
def _embedded(data: bytes) -> tuple[str, bytes]:
    """Return a cut's key and its obfuscated bytes, once per process and cut (the editions of a language often share one).

    The very same bytes each time also spare the zip writer hashing them anew (`archive._font`).
    """
    key = _font_key(data)
    return key, obfuscate(data, key)


def obfuscate(data: bytes, key: str) -> bytes:
    """Return a font file obfuscated with its GUID key, as Word stores it (ECMA-376 part 1, 17.8.1).

    The key's 16 bytes, read from the end of its text, are XORed into the first 32 bytes of
    the font; the same operation reads it back.
    """
    key_bytes = bytes.fromhex(key.strip("{}").replace("-", ""))[::-1]
    head = bytes(byte ^ key_bytes[index % 16] for index, byte in enumerate(data[:32]))
    return head + data[32:]


def _font_key(data: bytes) -> str:
    # A GUID drawn from the font's own bytes, not at random: equal inputs give equal files.
    return "{" + str(uuid.UUID(bytes=hashlib.sha256(data).digest()[:16])).upper() + "}"


def _font_entry(table: etree._Element, family: str) -> etree._Element:
    """Return the font table's `w:font` of a family, new and bare, in place of the template's."""
    for old in table.findall(qn("w:font")):
        if old.get(qn("w:name")) == family:
            table.remove(old)
    font = element("w:font", name=family)
    font.append(element("w:charset", val="00"))
    font.append(element("w:family", val="swiss"))
    font.append(element("w:pitch", val="variable"))
    table.append(font)
    return font
