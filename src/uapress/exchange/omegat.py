"""Translation exchange: an OmegaT project for one action and one language, ready to open (issue 23).

Tried with OmegaT 3.6, a PO file and the all-language memory lost work: sentence segmentation
emptied translations that span sentences, a unit without the target language filled the target
with another one, `#, fuzzy` drafts came back empty and Markdown was plain text. The project
written here avoids each: paragraph segmentation (`sentence_seg` false), one memory per language
pair (reviewed translations in `tm/auto/`, inserted as exact matches; fuzzy drafts and unreviewed
imports in `tm/`, offered as suggestions only), a glossary of the names and terms never
translated, and OmegaT preferences whose custom tags make Markdown links, emphasis and line breaks
tags. OmegaT reads custom tags from its preferences, not from a project, so they come as
`omegat-config/omegat.prefs`, for `omegat --config-dir=omegat-config` or to copy into a profile.
"""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

from uapress.localise.memory import Unit

PROJECT_FILE = "omegat.project"
CONFIG_DIR = "omegat-config"

CUSTOM_TAGS = r"\*\*|\*|\[(?=[^\[\]\n]*\]\()|\]\([^)\s]*\)| {2}\n"
"""Java regular expression of the Markdown marks a translator must carry over as they are: `**`, `*`,
a link's `[` and its `](target)`, and the two spaces of a line break."""


def project_files(
    slug: str,
    source_lang: str,
    lang: str,
    po_data: bytes,
    exact: bytes,
    suggestions: bytes | None,
    keep: list[tuple[str, str]],
) -> dict[str, bytes]:
    """Return the project's files by path inside its folder.

    `exact` and `suggestions` are TMX files of the language pair; `keep` is (term, why) of every term
    the translation keeps as it is.
    """
    pair = f"{slug}.{source_lang}-{lang}"
    files = {
        PROJECT_FILE: _project(source_lang, lang).encode("utf-8"),
        f"source/{slug}.{lang}.po": po_data,
        f"tm/auto/{pair}.tmx": exact,
        f"glossary/{slug}.{lang}.utf8": _glossary(keep).encode("utf-8"),
        f"{CONFIG_DIR}/omegat.prefs": _prefs().encode("utf-8"),
        "README.txt": _readme(slug, lang).encode("utf-8"),
    }
    if suggestions is not None:
        files[f"tm/{pair}.suggestions.tmx"] = suggestions
    return files


def _project(source_lang: str, lang: str) -> str:
    # Paragraph segmentation: a PO entry is one segment, as the PO store and the memory count them.
    return f"""<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<omegat>
  <project version="1.0">
    <source_dir>__DEFAULT__</source_dir>
    <target_dir>__DEFAULT__</target_dir>
    <tm_dir>__DEFAULT__</tm_dir>
    <glossary_dir>__DEFAULT__</glossary_dir>
    <glossary_file>__DEFAULT__</glossary_file>
    <dictionary_dir>__DEFAULT__</dictionary_dir>
    <source_lang>{escape(source_lang)}</source_lang>
    <target_lang>{escape(lang)}</target_lang>
    <sentence_seg>false</sentence_seg>
    <support_default_translations>true</support_default_translations>
    <remove_tags>false</remove_tags>
  </project>
</omegat>
"""


def _glossary(keep: list[tuple[str, str]]) -> str:
    lines = ["# Glossary in tab-separated format -*- coding: utf-8 -*-"]
    seen = set()
    for term, why in keep:
        flat = " ".join(term.split())
        if not flat or flat in seen:
            continue
        seen.add(flat)
        lines.append(f"{flat}\t{flat}\tdo not translate: {why}")
    return "\n".join(lines) + "\n"


def _prefs() -> str:
    return f"""<?xml version="1.0" encoding="UTF-8" ?>
<omegat>
  <preference version="1.0">
    <tagValidation_customPattern>{escape(CUSTOM_TAGS)}</tagValidation_customPattern>
    <tagValidation_noCheck>true</tagValidation_noCheck>
  </preference>
</omegat>
"""


def _readme(slug: str, lang: str) -> str:
    return f"""OmegaT project: {slug}, translation into {lang} (made by uapress)

Open this folder in OmegaT 3.6 or later. Start OmegaT with the custom tags of this project, so
that Markdown links, emphasis and line breaks are tags that OmegaT checks:

    omegat --config-dir={CONFIG_DIR} .

or copy the pattern of {CONFIG_DIR}/omegat.prefs (tagValidation_customPattern) into
Options > Preferences > Tag Processing > Custom tags.

- source/: the PO file to translate; segmentation is by paragraph (keep it so).
- tm/auto/: reviewed translations of this language pair, inserted as exact matches.
- tm/: drafts and unreviewed translations, offered as suggestions: check them before use.
- glossary/: names and terms that stay as they are (do not translate).

When done, create the translated documents (Project > Create Translated Documents) and import
the project back:

    uapress import PATH/TO/THIS/FOLDER
"""


def memory_units(units: list[Unit]) -> list[Unit]:
    """Return units sorted for a stable file: by origin, field and source."""
    return sorted(units, key=lambda u: (u.origin, u.field, u.source, u.target))


def project_po(folder: Path) -> Path | None:
    """Return the translated PO file of an OmegaT project folder (`target/*.po`), if it has exactly one."""
    if not (folder / PROJECT_FILE).is_file():
        return None
    found = sorted((folder / "target").glob("*.po"))
    return found[0] if len(found) == 1 else None
