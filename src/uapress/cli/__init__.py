"""Command line: parse options and call one library function per command (Typer only)."""

# The command modules register their commands on `app` when imported, in the order --help lists them:
# publishing first, then writing an action, then translating.
from uapress.cli import publish

# isort: split
from uapress.cli import author

# isort: split
from uapress.cli import translate
from uapress.cli.app import app

__all__ = ["app", "author", "publish", "translate"]
