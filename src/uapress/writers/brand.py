"""Writers' input: the brand (`styles/brand.yaml`), the one place colours, fonts, logo and page live."""

from __future__ import annotations

import base64
import copy
import re
from dataclasses import dataclass, replace
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import yaml

from uapress.core.errors import Diagnostic, SourceError, UsageError
from uapress.core.inputs import MAX_ASSET, read_project_file, read_project_text
from uapress.source.yamlpos import YamlProblem, load_safely

COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")
PAGE_SIZES = {"A4": ("210mm", "297mm"), "LETTER": ("8.5in", "11in")}
ENVELOPE_WINDOWS = ("left", "right")
PDF_VARIANTS = ("pdf/ua-1", "pdf/a-3b")
"""PDF variants an edition can be written in: tagged PDF/UA-1 (the default), or PDF/A-3b for archiving."""


@dataclass(frozen=True)
class Brand:
    """Colours by role, fonts by role, sizes, logo and page, read from `styles/`."""

    folder: Path
    """The `styles/` folder: templates, fonts and logo live here."""
    name: str
    colours: dict[str, str]
    """`#RRGGBB` colours by role (`primary`, `text`…)."""
    fonts: dict[str, dict[str, str]]
    """Font roles (`body`, `heading`, `arabic`), each its `family` and a file name per face (`regular`, `bold`…)."""
    sizes: dict[str, float]
    """Sizes in points by role (`body`, `title`…)."""
    page_size: str
    margins: dict[str, str]
    """CSS lengths by side (`top`, `right`, `bottom`, `left`)."""
    logo: str
    logo_alt: str = ""
    """Text alternative of the logo where it must have one (tagged PDF); the brand's name when not given."""
    pdf_variant: str = PDF_VARIANTS[0]
    """The PDF variant editions are written in (`--pdf-variant`)."""
    envelope_window: str = "left"
    arabic_scale: float = 1.12
    """How much larger than Latin body text Arabic body text is set, in every format (issue 20): Naskh sets small."""
    """The side of the sheet the envelopes' window is on (`left`, `right`): the envelope's, never the language's (issue 20)."""

    @property
    def page_width_height(self) -> tuple[str, str]:
        """Return the page's width and height as CSS lengths."""
        return PAGE_SIZES[self.page_size.upper()]

    def font_file(self, role: str, face: str = "regular") -> Path:
        """Return the font file of a role (`body`, `heading`, `arabic`) and face (`bold`…)."""
        return self.folder / "fonts" / self.fonts[role][face]

    def family(self, role: str) -> str:
        """Return the family name of a font role."""
        return self.fonts[role]["family"]

    @cached_property
    def logo_svg(self) -> bytes:
        """Return the logo's SVG bytes."""
        return read_project_file(self.folder / self.logo, MAX_ASSET)

    @cached_property
    def logo_data_uri(self) -> str:
        """Return the logo as a data: URI, for self-contained HTML."""
        return "data:image/svg+xml;base64," + base64.b64encode(self.logo_svg).decode("ascii")

    def template(self, name: str) -> str:
        """Return a template or stylesheet from the styles folder."""
        return read_project_text(self.folder / name)

    def data(self, name: str) -> Any:  # YAML: whatever the file holds, checked where it is used
        """Return a YAML file from the styles folder (`docx.yaml`), parsed."""
        return read_yaml(self.folder / name)

    def with_page(self, size: str | None) -> Brand:
        """Return the brand with another page size (`A4`, `Letter`)."""
        if not size:
            return self
        return replace(self, page_size=_page(size, self.folder))

    def with_pdf_variant(self, variant: str | None) -> Brand:
        """Return the brand with another PDF variant (`pdf/ua-1`, `pdf/a-3b`)."""
        if not variant:
            return self
        if variant.lower() not in PDF_VARIANTS:
            raise UsageError(f"unknown PDF variant '{variant}'; known variants: {', '.join(PDF_VARIANTS)}")
        return replace(self, pdf_variant=variant.lower())


def load_brand(root: Path) -> Brand:
    """Read `styles/brand.yaml` of a project and check it."""
    folder = root / "styles"
    path = folder / "brand.yaml"
    data = read_yaml(path)
    if not isinstance(data, dict):
        raise SourceError(
            "",
            [
                Diagnostic(
                    "error",
                    "the brand must be a mapping of keys to values",
                    path,
                    1,
                    hint="see styles/brand.yaml in the repository",
                )
            ],
        )
    problems = []
    colours = {k: str(v) for k, v in (data.get("colours") or {}).items()}
    for role, value in colours.items():
        if not COLOUR.match(value):
            problems.append(
                Diagnostic(
                    "error", f"'{value}' is not a colour", path, field=f"colours.{role}", hint='write it as "#RRGGBB"'
                )
            )
    fonts = data.get("fonts") or {}
    for role, faces in fonts.items():
        for face, file in faces.items():
            if face != "family" and not (folder / "fonts" / str(file)).exists():
                problems.append(
                    Diagnostic(
                        "error",
                        f"font file '{file}' is not in styles/fonts",
                        path,
                        field=f"fonts.{role}.{face}",
                        hint="add the file or fix the name",
                    )
                )
    sizes = data.get("sizes") or {}
    if not isinstance(sizes, dict):
        problems.append(
            Diagnostic("error", "sizes must be a mapping of roles to points", path, field="sizes", hint="body: 10.5")
        )
        sizes = {}
    for role, value in sizes.items():
        # Issue 25: a text value here failed later, in the DOCX writer, as an opaque TypeError.
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 500:
            problems.append(
                Diagnostic(
                    "error",
                    f"'{value}' is not a size in points",
                    path,
                    _key_line(path, "sizes", str(role)),
                    field=f"sizes.{role}",
                    hint="write a number of points, such as 10.5 (no unit, no quotes)",
                )
            )
    logo = str(data.get("logo", "logo.svg"))
    if not (folder / logo).exists():
        problems.append(Diagnostic("error", f"logo '{logo}' is not in styles/", path, field="logo"))
    page = data.get("page") or {}
    window = str(page.get("envelope_window", "left"))
    if window not in ENVELOPE_WINDOWS:
        problems.append(
            Diagnostic(
                "error",
                f"'{window}' is not a side for the envelope's window",
                path,
                field="page.envelope_window",
                hint="write left (DL, C5/6 left-window envelopes) or right",
            )
        )
    scale = data.get("arabic_scale", 1.12)
    if isinstance(scale, bool) or not isinstance(scale, int | float) or not 0.5 <= scale <= 2:
        problems.append(
            Diagnostic(
                "error",
                f"'{scale}' is not a scale for Arabic text",
                path,
                field="arabic_scale",
                hint="write a factor between 0.5 and 2, such as 1.12 (no unit, no quotes)",
            )
        )
        scale = 1.12
    if problems:
        raise SourceError("", problems)
    return Brand(
        folder,
        str(data.get("name", "")),
        colours,
        fonts,
        {str(role): float(value) for role, value in sizes.items()},
        _page(str(page.get("size", "A4")), path),
        dict(page.get("margins") or {}),
        logo,
        str(data.get("logo_alt") or data.get("name") or ""),
        envelope_window=window,
        arabic_scale=float(scale),
    )


def _key_line(path: Path, section: str, key: str) -> int | None:
    """Return the line of `key:` inside the top-level `section:` of a YAML file, if it can be found."""
    inside = False
    for number, line in enumerate(read_project_text(path).splitlines(), 1):
        if line and not line[0].isspace():
            inside = line.split("#")[0].strip() == f"{section}:"
        elif inside and line.strip().startswith(f"{key}:"):
            return number
    return None


def read_yaml(path: Path) -> Any:  # YAML: whatever the file holds, checked where it is used
    """Return a YAML file of the styles, read safely: no link out of the project, no anchors or aliases."""
    text = read_project_text(path)
    try:
        # A copy: the caller may change what it gets, and the next edition must see the file as written.
        return copy.deepcopy(_parse_yaml(text, path))
    except YamlProblem as exc:
        raise SourceError("", [exc.diagnostic]) from None
    except yaml.YAMLError as exc:
        raise SourceError("", [Diagnostic("error", f"cannot read the brand: {exc}", path)]) from None


@lru_cache(maxsize=16)
def _parse_yaml(text: str, path: Path) -> Any:
    # Parsed once per process and text (a tenth of a DOCX edition's time); keyed by the text, so an edit to the
    # file while `serve` runs is read afresh. Nothing is kept outside the process.
    # With libyaml's parser, as the sources are read: PyYAML's own read brand.yaml, docx.yaml and letters-docx.yaml
    # in some 0.16 s of a build's CPU (issue 24).
    return load_safely(text, path)


def _page(size: str, where: Path) -> str:
    if size.upper() not in PAGE_SIZES:
        raise SourceError(
            "",
            [
                Diagnostic(
                    "error", f"page size '{size}' is not known", where, field="page.size", hint="use A4 or Letter"
                )
            ],
        )
    return "Letter" if size.upper() == "LETTER" else "A4"
