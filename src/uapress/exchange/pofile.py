"""Translation exchange: read a PO file that a translator worked on elsewhere (Poedit, Weblate)."""

from __future__ import annotations

import re
from pathlib import Path

from uapress.exchange.received import Received, Unit
from uapress.localise import po
from uapress.localise.segments import segment_id


def read_po_file(path: Path) -> Received:
    """Return the translations of a PO file; its header names the action and the language."""
    # The file named on the command line may be anywhere: only its size and kind are checked.
    file = po.read(path, boundary=Path("/"))
    project = file.header.get("Project-Id-Version", "")
    match = re.match(r"^uapress\s+([a-z0-9][a-z0-9-]*)\s*$", project)
    lang = file.header.get("Language", "").replace("_", "-") or None
    received = Received(path, "PO", action=match.group(1) if match else None, lang=lang)
    for entry in file.entries:
        if entry.obsolete:
            continue
        state = "initial" if entry.fuzzy else "translated"
        received.units.append(
            Unit(segment_id(entry.context, entry.msgid), entry.msgstr, state, entry.context, entry.msgid)
        )
    return received
