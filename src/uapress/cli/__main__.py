"""Run the command line as `python -m uapress.cli`."""

import sys

from uapress.cli import app

sys.exit(app())
