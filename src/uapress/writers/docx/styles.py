"""Stage 4, DOCX writer: Word styles from the brand, as `styles/docx.yaml` maps them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from docx.enum.style import WD_STYLE_TYPE
from docx.oxml.ns import qn
from docx.styles import BabelFish
from docx.styles.style import CharacterStyle, ParagraphStyle, StyleFactory

from uapress.writers.docx.context import Output, word_language
from uapress.writers.docx.ooxml import element, hex_colour, length, put, twips
from uapress.writers.html import tint

if TYPE_CHECKING:
    from docx.oxml.styles import CT_Style
    from docx.styles.style import BaseStyle
    from lxml import etree

Rules = dict[str, Any]
"""A style's rules as styles/docx.yaml gives them (`font`, `size`, `space_after`…), values as YAML reads them."""

ALIGN = {"start": "left", "center": "center", "end": "right", "both": "both"}
"""Word (and LibreOffice) read `w:jc` and `w:ind` left/right of a right-to-left paragraph as its
start/end (ECMA-376 17.3.1.6), so these and the indents hold both ways."""
SIDES = {
    False: {"top": "top", "start": "left", "bottom": "bottom", "end": "right", "between": "between"},
    True: {"top": "top", "start": "right", "bottom": "bottom", "end": "left", "between": "between"},
}
"""Paragraph borders stay physical in a right-to-left paragraph: its start is on the right. `between` rules
off each of a run of paragraphs with the same borders, which Word and LibreOffice frame as one."""
WORD_BUILT_IN = {"Hyperlink"}
"""Word's own styles that python-docx's template lacks: added as built-in, so Word treats them as its own."""
KEEP_IN_PPR = {qn("w:numPr")}
"""Template properties a restyled style keeps: the list styles' numbering."""


def apply(out: Output) -> None:
    """Restyle the template's styles and add the edition's own, all from the brand."""
    defaults(out, out.spec["defaults"])
    kinds = (("paragraph", WD_STYLE_TYPE.PARAGRAPH), ("character", WD_STYLE_TYPE.CHARACTER))
    # Create every style first: a style may be based on one defined further down.
    found = _Found(out.word.styles.element)
    styles = {name: _get_or_add(out, name, kind, found) for group, kind in kinds for name in out.spec[group]}
    for group, _ in kinds:
        for name in out.spec[group]:
            restyle(out, styles[name], style_rules(out, group, name), styles)
    out.remember_styles(styles)


def style_rules(out: Output, group: str, name: str) -> Rules:
    """Return a style's rules, with a proof's marks on top when the edition is a proof (docx.yaml `proof`)."""
    own = out.spec[group][name] or {}
    if out.meta.proof is None:
        return own
    return {**own, **(out.spec.get("proof", {}).get(group, {}).get(name) or {})}


def font_roles(out: Output) -> list[str]:
    """Return the brand's font roles the edition's styles set, complex scripts' only when it has them."""
    spec = out.spec
    roles = [spec["defaults"]["font"]]
    roles += [
        rules["font"]
        for group in ("paragraph", "character")
        for rules in spec[group].values()
        if rules and rules.get("font")
    ]
    if out.rtl:
        roles.append(spec["defaults"]["complex_font"])
    return list(dict.fromkeys(roles))


def prune(out: Output) -> None:
    """Drop the template's styles nothing uses (its ~140 table styles…), keeping the brand's own.

    Kept: the styles docx.yaml defines (a translator may use them), every style a part refers
    to, Word's defaults, and the styles those are based on, followed by or linked to.
    """
    root = out.word.styles.element
    by_id = {style.get(qn("w:styleId")): style for style in root.findall(qn("w:style"))}
    wanted = {out.style(name).style_id for group in ("paragraph", "character") for name in out.spec[group]}
    wanted |= {style_id for style_id, style in by_id.items() if style.get(qn("w:default")) == "1"}
    parts = [out.word.element] + [
        rel.target_part.element
        for rel in out.word.part.rels.values()
        if not rel.is_external and hasattr(rel.target_part, "element")
    ]
    tags = [qn(tag) for tag in ("w:pStyle", "w:rStyle", "w:tblStyle", "w:numStyleLink", "w:styleLink")]
    for part in parts:
        wanted |= {node.get(qn("w:val")) for node in part.iter(*tags)}
    queue = list(wanted)
    while queue:
        style = by_id.get(queue.pop())
        for tag in ("w:basedOn", "w:next", "w:link"):
            found = style.find(qn(tag)) if style is not None else None
            if found is not None and found.get(qn("w:val")) not in wanted:
                wanted.add(found.get(qn("w:val")))
                queue.append(found.get(qn("w:val")))
    for style_id, style in by_id.items():
        if style_id not in wanted:
            root.remove(style)


def defaults(out: Output, rules: Rules) -> None:
    """Set the document's default font, size, spacing, language and direction."""
    doc_defaults = out.word.styles.element.find(qn("w:docDefaults"))
    r_pr = doc_defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    p_pr = doc_defaults.find(qn("w:pPrDefault")).find(qn("w:pPr"))
    _fonts(out, r_pr, rules["font"])
    _size(out, r_pr, rules["size"])
    lang = word_language(out.meta.lang)
    # `w:val` is the language of Latin text, `w:bidi` that of complex scripts (ECMA-376 17.3.2.20).
    put(r_pr, "lang", **({"val": word_language(out.latin_lang), "bidi": lang} if out.rtl else {"val": lang}))
    if out.rtl:
        put(p_pr, "bidi")
    _spacing(p_pr, rules, _leading(out, rules.get("line_spacing"), rules["size"]))


def restyle(out: Output, style: BaseStyle, rules: Rules, styles: dict[str, BaseStyle]) -> None:
    """Give a style exactly the look `rules` describe, dropping what the template had."""
    node = style.element
    for stale in node.findall(qn("w:rsid")):
        node.remove(stale)
    for link in node.findall(qn("w:link")):
        # Unlink the template's paired character style (TitleChar…): it would keep the old look.
        partner = out.word.styles.element.get_by_id(link.get(qn("w:val")))
        for back in partner.findall(qn("w:link")) if partner is not None else ():
            partner.remove(back)
        node.remove(link)
    # python-docx gives a base style to character and paragraph styles only, a next style to paragraph styles only.
    if "based_on" in rules and isinstance(style, CharacterStyle):
        style.base_style = styles[rules["based_on"]]
    if "next" in rules and isinstance(style, ParagraphStyle):
        style.next_paragraph_style = styles[rules["next"]]
    style.hidden = False
    style.quick_style = True
    if style.type == WD_STYLE_TYPE.PARAGRAPH:
        p_pr = node.get_or_add_pPr()
        for child in list(p_pr):
            if child.tag not in KEEP_IN_PPR:
                p_pr.remove(child)
        _paragraph(out, p_pr, rules, _leading(out, *_inherited(out, rules, ("line_spacing", "size"))))
    r_pr = node.get_or_add_rPr()
    for child in list(r_pr):
        r_pr.remove(child)
    _run(out, r_pr, rules)


class _StylesElement(Protocol):
    """The `w:styles` element as python-docx makes it: its metaclass adds `style_lst`, which mypy cannot see."""

    style_lst: list[CT_Style]

    def add_style_of_type(self, name: str, style_type: WD_STYLE_TYPE, builtin: bool) -> CT_Style:
        """Return a new `w:style` of that name and type, appended."""


class _Found:
    """The template's styles by name and by id, first in document order first, as python-docx finds them.

    python-docx searches every style at each lookup and again before adding one: most of `apply`'s time.
    """

    def __init__(self, root: _StylesElement) -> None:
        self.root = root
        self.by_name: dict[str | None, CT_Style] = {}
        self.by_id: dict[str | None, CT_Style] = {}
        for style in root.style_lst:
            self.note(style)

    def note(self, style: CT_Style) -> None:
        """Take in a style, unless one of the same name or id comes first."""
        self.by_name.setdefault(style.name_val, style)
        self.by_id.setdefault(style.styleId, style)


def _get_or_add(out: Output, name: str, kind: WD_STYLE_TYPE, found: _Found) -> BaseStyle:
    internal = BabelFish.ui2internal(name)
    if internal in found.by_name:
        style = StyleFactory(found.by_name[internal])  # python-docx maps UI names: "Heading 2" is "heading 2" inside
    elif name in found.by_id:
        style = out.word.styles[name]  # found by its id, with python-docx's warning
    else:
        element = found.root.add_style_of_type(internal, kind, name in WORD_BUILT_IN)  # `add_style`, less its search
        found.note(element)
        return StyleFactory(element)
    if style.type != kind:
        raise ValueError(f"styles/docx.yaml: '{name}' is a {style.type} style in Word's template")
    return style


def _inherited(out: Output, rules: Rules, keys: tuple[str, ...]) -> list[Any]:
    """Return the values of `keys` a paragraph style has, its own or from the styles it is based on, or the defaults."""
    found: list[Any] = []
    for key in keys:
        current: Rules | None = rules
        while current is not None and key not in current:
            base = current.get("based_on")
            current = (out.spec["paragraph"].get(base) or {}) if base else None
        found.append((current or out.spec["defaults"]).get(key))
    return found


def _leading(out: Output, line_spacing: object, size: str) -> float | None:
    """Return the fixed line height, in points, of a style spaced by the brand's leading at its size, else None.

    Issue 21: Word's spacing is a factor of the face's own line height (1.36 em for Noto Sans, 1.7 for Noto
    Naskh Arabic), so the DOCX ran looser than the PDF, whose lines are `leading` times the type size
    (print.css line-height), and the Arabic edition ran to an extra page. `line_spacing: leading` sets the
    PDF's height exactly: a style's type size times docx.yaml's `leading` (`arabic_leading` in a
    right-to-left edition, where body text is `arabic_scale` larger, as in the PDF).
    """
    if line_spacing != "leading":
        return None
    leading = out.spec["leading"]
    points = float(out.brand.sizes[size])
    if out.rtl:
        scale = out.brand.arabic_scale if size == "body" else 1.0
        return points * scale * float(leading["arabic"])
    return points * float(leading["latin"])


def _paragraph(out: Output, p_pr: etree._Element, rules: Rules, leading: float | None = None) -> None:
    if rules.get("keep_with_next") is not None:
        put(p_pr, "keepNext", val=_on(rules["keep_with_next"]))
    if rules.get("keep_together"):
        put(p_pr, "keepLines")
    if rules.get("border"):
        borders = put(p_pr, "pBdr")
        for side, border in rules["border"].items():
            put(
                borders,
                SIDES[out.rtl][side],
                val="single",
                sz=round(_points(border["width"]) * 8),
                space=round(_points(border.get("space", "0pt"))),
                color=_colour(out, border["colour"], border.get("tint")),
            )
    if rules.get("shading"):
        put(p_pr, "shd", val="clear", color="auto", fill=_colour(out, rules["shading"]))
    if rules.get("tab_end"):
        # A tab stop at the text's end (issue 21): the running header's date stands there, as in the PDF.
        width, _ = out.brand.page_width_height
        margins = out.brand.margins
        end = length(width).pt - length(margins["left"]).pt - length(margins["right"]).pt
        put(p_pr, "tabs", [element("w:tab", val="right", pos=round(end * 20))])
    if out.rtl:
        put(p_pr, "bidi")
    _spacing(p_pr, rules, leading)
    indents = {
        attr: twips(rules[key]) for key, attr in (("indent_start", "left"), ("indent_end", "right")) if key in rules
    }
    if rules.get("bleed"):
        indents.update(_bleed(out, rules))
    if indents:
        put(p_pr, "ind", **indents)
    if rules.get("align"):
        put(p_pr, "jc", val=ALIGN[rules["align"]])
    if "outline_level" in rules:
        put(p_pr, "outlineLvl", val=rules["outline_level"])


def _bleed(out: Output, rules: Rules) -> dict[str, int]:
    """Return the indents that carry a paragraph's ground to the page's edges, its text inside its borders' space.

    Issue 21: the PDF's band runs from edge to edge; in Word the shading ends at the borders' outer edge, so the
    indent is the page margin less the border (its width and space) on each side, a negative one.
    """
    margins = out.brand.margins
    indents = {}
    for side, attr in (("start", "left"), ("end", "right")):
        border = rules.get("border", {}).get(side, {})
        inside = _points(border.get("width", "0pt")) + _points(border.get("space", "0pt"))
        indents[attr] = round((inside - length(margins[SIDES[out.rtl][side]]).pt) * 20)
    return indents


def _spacing(p_pr: etree._Element, rules: Rules, leading: float | None = None) -> None:
    spacing: dict[str, int | str] = {
        attr: twips(rules[key]) for key, attr in (("space_before", "before"), ("space_after", "after")) if key in rules
    }
    if leading is not None:
        spacing.update(line=round(leading * 20), lineRule="exact")
    elif rules.get("line_spacing") not in (None, "leading"):
        spacing.update(line=round(240 * float(rules["line_spacing"])), lineRule="auto")
    if "line_height" in rules:  # a fixed height: an empty ruled line is otherwise as tall as its font makes it
        spacing.update(line=twips(rules["line_height"]), lineRule="exact")
    if spacing:
        put(p_pr, "spacing", **spacing)


def _run(out: Output, r_pr: etree._Element, rules: Rules) -> None:
    if rules.get("font"):
        _fonts(out, r_pr, rules["font"])
    # Complex scripts (Arabic) have their own bold, italic and size: set both.
    for key, names in (("bold", ("b", "bCs")), ("italic", ("i", "iCs"))):
        if rules.get(key) is not None:
            for name in names:
                put(r_pr, name, val=_on(rules[key]))
    if rules.get("caps"):
        put(r_pr, "caps")
    if rules.get("colour"):
        put(r_pr, "color", val=_colour(out, rules["colour"]))
    if rules.get("letter_spacing") and not out.rtl:
        # print.css spaces the capitals of Latin mastheads (issue 21), in em; Word counts twentieths of a point.
        size = float(out.brand.sizes[rules.get("size") or out.spec["defaults"]["size"]])
        em = float(str(rules["letter_spacing"]).removesuffix("em"))
        put(r_pr, "spacing", val=round(em * size * 20))
    if rules.get("size"):
        _size(out, r_pr, rules["size"])
    if rules.get("underline"):
        put(r_pr, "u", val=rules["underline"])


def _fonts(out: Output, r_pr: etree._Element, role: str) -> None:
    family = out.brand.family(role)
    complex_family = out.brand.family(out.spec["defaults"]["complex_font"])
    # Plain names only: the template's theme fonts (asciiTheme…) would win over them.
    put(r_pr, "rFonts", ascii=family, hAnsi=family, eastAsia=family, cs=complex_family)


def _size(out: Output, r_pr: etree._Element, role: str) -> None:
    points = float(out.brand.sizes[role])
    put(r_pr, "sz", val=round(points * 2))
    # Issue 20: Arabic (complex-script) body text a step up, as the PDF and HTML editions set it (brand.yaml
    # `arabic_scale`); they give headings, labels and notes their sizes in points, unscaled.
    scale = out.brand.arabic_scale if role == "body" else 1.0
    put(r_pr, "szCs", val=round(points * scale * 2))


def _colour(out: Output, role: str, amount: float | None = None) -> str:
    colour = out.brand.colours[role]
    return hex_colour(colour if amount is None else tint(colour, float(amount)))


def _points(value: str) -> float:
    points: float = length(value).pt
    return points


def _on(flag: bool) -> str:
    return "1" if flag else "0"
