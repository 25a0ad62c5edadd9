"""Translation exchange: read a DOCX package's parts: main part, relationships, styles and document properties."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from uapress.core.safety import ExchangeError, Package

if TYPE_CHECKING:
    from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE_DOCUMENT = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument",
    "http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument",
)
OFF = {"0", "false", "off", "none"}


def w(name: str) -> str:
    """Return the Clark name of a WordprocessingML element or attribute."""
    return f"{{{W}}}{name}"


@dataclass
class Style:
    name: str
    based_on: str | None
    bold: bool | None
    italic: bool | None


CUSTOM_LANGUAGE, CUSTOM_ACTION = "uapress-language", "uapress-action"
"""The custom properties the DOCX writer names the edition's language and action with (writers/docx/parts.py)."""


def custom_properties(package: Package) -> dict[str, str]:
    """Return the custom document properties (`docProps/custom.xml`) by name; LibreOffice keeps them."""
    custom = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
    out: dict[str, str] = {}
    if package.has("docProps/custom.xml"):
        for prop in package.xml("docProps/custom.xml").iter(f"{{{custom}}}property"):
            name = prop.get("name")
            # lxml-stubs say itertext() may give bytes; lxml gives str.
            value = "".join(prop.itertext()).strip()  # type: ignore[arg-type]
            if name and value:
                out.setdefault(name, value)
    return out


def core_language(package: Package) -> str | None:
    """Return the language of the core properties, which files not written by uapress may carry."""
    if package.has("docProps/core.xml"):
        found = package.xml("docProps/core.xml").find("{http://purl.org/dc/elements/1.1/}language")
        if found is not None and (found.text or "").strip():
            return (found.text or "").strip()
    return None


def main_part(package: Package) -> str:
    """Return the name of the main document part, as the package relationships give it."""
    if package.has("_rels/.rels"):
        for rel in package.xml("_rels/.rels").iter(f"{{{PKG_REL}}}Relationship"):
            if rel.get("Type") in OFFICE_DOCUMENT:
                target = rel.get("Target", "").lstrip("/")
                if package.has(target):
                    return target
    if package.has("word/document.xml"):
        return "word/document.xml"
    what = "an OpenDocument file (save it as .docx)" if package.has("mimetype") else "a zip with no Word document in it"
    raise ExchangeError(f"{package.path.name} is not a DOCX file: it is {what}")


def rels_name(part: str) -> str:
    pure = PurePosixPath(part)
    return str(pure.parent / "_rels" / f"{pure.name}.rels")


def relationships(package: Package, main: str) -> dict[str | None, str]:
    """Return the hyperlink addresses of the main part by relationship id."""
    name = rels_name(main)
    if not package.has(name):
        return {}
    out = {}
    for rel in package.xml(name).iter(f"{{{PKG_REL}}}Relationship"):
        if rel.get("Type", "").endswith("/hyperlink"):
            out[rel.get("Id")] = rel.get("Target", "")
    return out


def read_styles(package: Package, main: str) -> dict[str | None, Style]:
    """Return the document's styles by id: name, parent, and whether they set bold or italic."""
    name = str(PurePosixPath(main).parent / "styles.xml")
    if not package.has(name):
        return {}
    out = {}
    for style in package.xml(name).iter(w("style")):
        style_id = style.get(w("styleId"))
        label = style.find(w("name"))
        based = style.find(w("basedOn"))
        r_pr = style.find(w("rPr"))
        out[style_id] = Style(
            normalised(label.get(w("val")) if label is not None else style_id),
            based.get(w("val")) if based is not None else None,
            run_flag(r_pr, "b") if r_pr is not None else None,
            run_flag(r_pr, "i") if r_pr is not None else None,
        )
    return out


def normalised(name: str | None) -> str:
    return re.sub(r"[\s_-]", "", (name or "").lower())


def run_flag(r_pr: etree._Element, name: str) -> bool | None:
    node = r_pr.find(w(name))
    if node is None:
        return None
    return node.get(w("val"), "1").lower() not in OFF
