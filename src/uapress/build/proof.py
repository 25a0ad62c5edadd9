"""Stage 5, build: proofs for reviewers — the revision each action is compared with, the build stamp, each edition's Proof.

A proof is its edition's document with `Meta.proof` set; the PDF writer draws the watermark, the stamp,
the change bars and the summary page from it. Proofs carry the time they were built, so unlike the
editions they are not deterministic (DESIGN.md: "only proofs carry a build stamp").
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from uapress.build.changes import ActionChanges, Git, Revision, compare
from uapress.core.nodes import Proof
from uapress.source.schema import Action

WATERMARK = "PROOF"


class Review:
    """One proof build: the repository, the revision asked for (else each action's last commit) and the time."""

    def __init__(self, root: Path, since: str | None = None, now: dt.datetime | None = None):
        self.root = root
        self.git = Git(root)
        # An unknown revision is a usage error; no git at all is not: the proofs say so in their stamp.
        self.since = self.git.resolve(since) if since and self.git.available else None
        self.now = now or dt.datetime.now(dt.UTC)
        self.head = self.git.head()
        self._dirty: dict[str, bool] = {}
        self._changes: dict[str, ActionChanges | None] = {}

    def revision(self, action: Action) -> Revision | None:
        """Return the revision an action is compared with: --since, else the last commit that touched it."""
        if not self.git.available:
            return None
        return self.since or self.git.last_commit(action.folder)

    def key(self, action: Action) -> str:
        """Return what a proof depends on besides its inputs: the revision compared with and the checkout."""
        since, head = self.revision(action), self.head
        return (
            f"since={since.hash if since else '-'},head={head.hash if head else '-'},"
            f"dirty={self.dirty(action)},git={self.git.reason or 'yes'}"
        )

    def dirty(self, action: Action) -> bool:
        """Tell whether the action, the labels or the styles have uncommitted changes."""
        if action.slug not in self._dirty:
            self._dirty[action.slug] = self.git.dirty(
                action.folder, self.root / "source" / "labels", self.root / "styles"
            )
        return self._dirty[action.slug]

    def changes(self, action: Action) -> ActionChanges | None:
        """Return the action's changes since its revision, or None when there is no revision to compare with."""
        if action.slug not in self._changes:
            since = self.revision(action)
            self._changes[action.slug] = compare(self.git, self.root, action, since) if since else None
        return self._changes[action.slug]

    def proof(self, action: Action, lang: str, inputs: str) -> Proof:
        """Return the Proof of one edition; `inputs` is the hash of the edition's inputs."""
        changes = self.changes(action)
        stamp = self.stamp(action, inputs, changes)
        if changes is None:
            return Proof(WATERMARK, stamp)
        this = changes.language(lang)
        others = tuple(item for item in changes.languages if item.lang != lang)
        return Proof(
            WATERMARK,
            stamp,
            since=changes.since.describe(),
            metadata=changes.metadata,
            languages=(this,) + others,
            marks=changes.marks(lang),
            notes=changes.notes,
            revision=(changes.since.short, changes.since.date, changes.since.subject),
        )

    def stamp(self, action: Action, inputs: str, changes: ActionChanges | None) -> str:
        """Return the footer line: build date and time, source revision, inputs hash, what bars compare with."""
        parts = [WATERMARK, f"built {self.now.astimezone(dt.UTC):%Y-%m-%d %H:%M} UTC"]
        if not self.git.available:
            parts.append(f"no git revision ({self.git.reason}): no change bars")
        else:
            source = f"source {self.head.short}" if self.head else "source: no commit yet"
            parts.append(source + (" + uncommitted changes" if self.dirty(action) else ""))
        parts.append(f"inputs {inputs[:10]}")
        if self.git.available:
            parts.append(f"changes since {changes.since.short}" if changes else "no earlier revision: no change bars")
        return " · ".join(parts)
