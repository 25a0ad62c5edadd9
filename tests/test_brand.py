"""One brand for three formats: colours drive HTML, PDF and DOCX alike, and text stays readable."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

from uapress.brand import load_brand

ROOT = Path(__file__).resolve().parents[1]
SLUG = "venezuela-hrd-release"


def luminance(colour: str) -> float:
    """Return the WCAG relative luminance of a #RRGGBB colour."""
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    """Return the WCAG contrast ratio of two colours."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


# Every pair of text colour and the ground it is set on, by role.
TEXT_PAIRS = [
    ("text", "background"),
    ("muted", "background"),
    ("link", "background"),
    ("primary", "background"),      # headings
    ("on_primary", "primary"),      # masthead band
    ("warning", "warning_background"),  # fallback labels
    ("text", "warning_background"),     # fallback text
]


@pytest.mark.parametrize("foreground,ground", TEXT_PAIRS)
def test_brand_text_meets_wcag_aa(foreground, ground):
    colours = load_brand(ROOT).colours
    ratio = contrast(colours[foreground], colours[ground])
    assert ratio >= 4.5, f"{foreground} on {ground}: {ratio:.2f}:1 is below WCAG AA 4.5:1"


def test_contrast_formula_matches_known_values():
    assert contrast("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert contrast("#777777", "#FFFFFF") == pytest.approx(4.48, abs=0.01)


def test_changing_the_primary_colour_changes_all_three_editions(tmp_path):
    project = tmp_path / "project"
    shutil.copytree(ROOT / "source", project / "source")
    shutil.copytree(ROOT / "styles", project / "styles")
    brand_file = project / "styles" / "brand.yaml"
    data = yaml.safe_load(brand_file.read_text(encoding="utf-8"))
    old, new = data["colours"]["primary"].upper(), "#5A1E6B"
    brand_file.write_text(brand_file.read_text(encoding="utf-8").replace(data["colours"]["primary"], new),
                          encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "uapress.cli", "build", SLUG, "--lang", "en"], cwd=project,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    folder = project / "build" / SLUG / "en"

    html = (folder / f"{SLUG}.en.html").read_text(encoding="utf-8").upper()
    assert new in html and old not in html

    with zipfile.ZipFile(folder / f"{SLUG}.en.docx") as docx:
        styles = docx.read("word/styles.xml").decode("utf-8").upper()
    assert new[1:] in styles and old[1:] not in styles

    # The PDF draws the band in the new colour: WeasyPrint writes fill colours as RGB fractions.
    pdf = (folder / f"{SLUG}.en.pdf").read_bytes()
    streams = b"".join(_streams(pdf))
    wanted = tuple(int(new[i:i + 2], 16) / 255 for i in (1, 3, 5))
    drawn = {tuple(float(v) for v in m.groups()) for m in re.finditer(rb"([\d.]+) ([\d.]+) ([\d.]+) (?:rg|RG)", streams)}
    assert any(all(abs(a - b) < 0.002 for a, b in zip(colour, wanted)) for colour in drawn), \
        "the new primary colour is not drawn in the PDF"


def _streams(pdf: bytes):
    import zlib

    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            yield zlib.decompress(match.group(1))
        except zlib.error:
            continue
