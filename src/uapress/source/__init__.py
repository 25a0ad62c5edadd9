"""Stage 1, source: read and validate `action.yaml` into a typed `Action`."""

from uapress.source.load import find_actions, load_action, project_root
from uapress.source.schema import Action, Copy, Previous, Target

__all__ = ["Action", "Copy", "Previous", "Target", "find_actions", "load_action", "project_root"]
