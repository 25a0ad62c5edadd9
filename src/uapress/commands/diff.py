"""Command `diff`: what changed in an action since a git revision, per language."""

from __future__ import annotations

from pathlib import Path

from uapress.build.changes import format_changes
from uapress.build.proof import Review
from uapress.core.errors import UsageError
from uapress.source import find_actions, load_action


def diff(root: Path, slug: str, since: str | None = None, langs: list[str] | None = None) -> str:
    """Return the change summary of one action since `since` (default: its last commit) as terminal text."""
    action, _ = load_action(find_actions(root, [slug])[0])
    unknown = [lang for lang in langs or () if lang not in action.editions]
    if unknown:
        raise UsageError(
            f"{slug} is not published in {', '.join(unknown)}; its languages: {', '.join(action.editions)}"
        )
    review = Review(root, since)
    if not review.git.available:
        raise UsageError(
            f"nothing to compare with: the project is not readable with git ({review.git.reason}); "
            "uapress diff compares the sources with a git revision"
        )
    changes = review.changes(action)
    if changes is None:
        return f"{slug}: no commit has touched source/actions/{slug} yet: nothing to compare with (give --since REV)"
    return format_changes(changes, langs)
