"""Stage 2, localise: the fixed wording of a UA in one language (`source/labels/<lang>.po`)."""

from __future__ import annotations

import gettext
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from uapress.core.inputs import Inputs
from uapress.localise import po

BASE = "en"


@dataclass(frozen=True)
class Labels:
    """Label texts by key, falling back to English where the language lacks one."""

    lang: str
    texts: dict[str, str]
    missing: tuple[str, ...]
    """Keys that fell back to English."""
    path: Path | None
    forms: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """The plural forms of a counted label, one per form of its file's plural rule (issue 21)."""
    rules: dict[str, str] = field(default_factory=dict)
    """The `Plural-Forms` rule each counted label's forms follow: English's when it fell back to English."""

    def __getitem__(self, key: str) -> str:
        return self.texts.get(key, key)

    def counted(self, key: str, count: int) -> str:
        """Return the form of a counted label that `count` takes in this language (gettext's rule, issue 21)."""
        forms = self.forms.get(key)
        if not forms:
            return self[key]
        index = _rule(self.rules.get(key, ENGLISH_RULE))(count)
        return forms[index] if 0 <= index < len(forms) else forms[-1]


ENGLISH_RULE = "nplurals=2; plural=(n != 1);"


def label_path(root: Path, lang: str, inputs: Inputs | None = None) -> Path | None:
    """Return the label catalogue for a language tag (`pt-BR` falls back to `pt`)."""
    inputs = inputs or Inputs()
    folder = root / "source" / "labels"
    for name in (lang, lang.replace("-", "_"), lang.split("-")[0]):
        if inputs.exists(folder / f"{name}.po"):
            return folder / f"{name}.po"
    return None


def load_labels(root: Path, lang: str, inputs: Inputs | None = None) -> Labels:
    """Load a language's labels, filling gaps from English; `inputs` holds the files already read."""
    inputs = inputs or Inputs()
    base_path = label_path(root, BASE, inputs)
    base = _read_cached(base_path, inputs.read(base_path)) if base_path else _EMPTY
    path = label_path(root, lang, inputs)
    own = _read_cached(path, inputs.read(path)) if path else _EMPTY
    texts = {**base.texts, **own.texts}
    missing = tuple(key for key in base.texts if key not in own.texts)
    forms = {**base.forms, **own.forms}
    rules = {**dict.fromkeys(base.forms, base.rule), **dict.fromkeys(own.forms, own.rule)}
    return Labels(lang, texts, missing, path, forms, rules)


@dataclass(frozen=True)
class _File:
    texts: dict[str, str]
    forms: dict[str, tuple[str, ...]]
    rule: str


_EMPTY = _File({}, {}, ENGLISH_RULE)


@lru_cache(maxsize=32)
def _read_cached(path: Path, raw: bytes | None) -> _File:
    file = po.read(path, raw)
    live = [e for e in file.entries if not e.obsolete and not e.fuzzy]
    # A counted label is translated only when every one of its forms is (issue 21).
    texts = {e.context: e.msgstr for e in live if e.msgstr and all(e.plurals)}
    forms = {e.context: e.plurals for e in live if e.msgid_plural and e.plurals and all(e.plurals)}
    return _File(texts, forms, file.header.get("Plural-Forms", ENGLISH_RULE))


@lru_cache(maxsize=16)
def _rule(plural_forms: str) -> Callable[[int], int]:
    """Return the function from a count to its form's index, from a PO header's `Plural-Forms`."""
    expression = plural_forms.partition("plural=")[2].rstrip().rstrip(";")
    try:
        return gettext.c2py(expression or "n != 1")
    except ValueError:
        return gettext.c2py("n != 1")
