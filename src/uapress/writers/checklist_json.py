"""Stage 4, writers: the checklist as JSON, for machines."""

from __future__ import annotations

import dataclasses
import json

from uapress.core.nodes import Document
from uapress.model.checklist import finding_dict
from uapress.writers.brand import Brand


def write(document: Document, brand: Brand) -> bytes:
    """Return the checklist of an edition as stable, indented JSON."""
    checklist = document.checklist
    assert checklist is not None, "an edition's document carries its checklist (model.document)"
    data = {
        "action": checklist.slug,
        "language": checklist.lang,
        "source_language": checklist.source_lang,
        "language_name": checklist.language_name,
        "kind": "editorial" if checklist.is_source else "translation",
        "ready": checklist.ready,
        "reasons": [reason.message for reason in checklist.reasons],
        "blockers": [
            {
                "code": reason.code,
                "editorial": reason.editorial,
                "message": reason.message,
                "text": reason.text(checklist.labels, checklist.lang),
                "details": list(reason.details),
            }
            for reason in checklist.reasons
        ],
        "counts": checklist.counts,
        "translated": round(checklist.translated, 4),
        "storage_key": checklist.storage_key,
        "facts": [{"label": label, "value": value} for label, value in checklist.facts],
        "editorial": dataclasses.asdict(checklist.editorial) if checklist.editorial else None,
        "missing_labels": list(checklist.missing_labels),
        "manual": [{"id": key, "text": text, "done": False} for key, text in checklist.manual],
        "segments": [
            {
                "id": s.id,
                "field": s.field,
                "status": s.status,
                "source": s.source,
                "translation": s.translation,
                "findings": [finding_dict(f) for f in s.findings],
                "diff": [{"op": op, "text": text} for op, text in s.diff],
                "origin": s.origin,
                "from_memory": s.from_memory,
            }
            for s in checklist.segments
        ],
    }
    return (json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False) + "\n").encode("utf-8")
