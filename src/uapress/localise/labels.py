"""Stage 2, localise: the fixed wording of a UA in one language (`source/labels/<lang>.po`)."""

from __future__ import annotations

from dataclasses import dataclass
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

    def __getitem__(self, key: str) -> str:
        return self.texts.get(key, key)


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
    base = _read(base_path, inputs.read(base_path)) if base_path else {}
    path = label_path(root, lang, inputs)
    own = _read(path, inputs.read(path)) if path else {}
    texts = {**base, **own}
    missing = tuple(key for key in base if key not in own)
    return Labels(lang, texts, missing, path)


def _read(path: Path, raw: bytes | None) -> dict[str, str]:
    return dict(_read_cached(path, raw))


@lru_cache(maxsize=32)
def _read_cached(path: Path, raw: bytes | None) -> tuple[tuple[str, str], ...]:
    file = po.read(path, raw)
    return tuple((e.context, e.msgstr) for e in file.entries if not e.obsolete and e.msgstr and not e.fuzzy)
