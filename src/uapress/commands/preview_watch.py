"""Preview (`uapress serve`): which changed files can change which editions."""

from __future__ import annotations

import os
import re
from pathlib import Path

WATCHED = ("source", "styles")
EDITOR_LITTER = re.compile(r"^(\..*|.*~|.*\.(swp|swx|tmp|bak)|#.*#|4913)$")
"""Swap, backup and temporary files editors (and `write_atomic`) leave beside the real ones."""


def touches(root: Path, changed: set[str], slug: str) -> bool:
    """Tell whether a change to these files can change an action's editions."""
    own = str(root / "source" / "actions") + os.sep
    mine = own + slug + os.sep
    return any(not path.startswith(own) or path.startswith(mine) for path in changed)


def watched(root: Path, path: str) -> bool:
    """Tell whether a change to `path` can change an edition: not editors' litter, nor hidden folders."""
    try:
        parts = Path(path).relative_to(root).parts
    except ValueError:  # not under the project (cannot happen: only its folders are watched)
        return False
    return not EDITOR_LITTER.match(parts[-1]) and not any(part.startswith(".") for part in parts[:-1])
