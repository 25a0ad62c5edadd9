"""Stage 4, writers: import WeasyPrint without the shared-library search that costs a third of its import."""

from __future__ import annotations

import ctypes.util
import sys
from types import ModuleType


def import_weasyprint() -> ModuleType:
    """Return the `weasyprint` module, imported once.

    WeasyPrint opens Pango, HarfBuzz and friends through cffi, trying several names per library
    ("libpango-1.0-0", "pango-1.0", …, "libpango-1.0.so.0"). cffi answers each name it cannot load
    directly with `ctypes.util.find_library`, which on Linux starts `ldconfig`, `gcc` and `ld`
    processes: some 200 process starts and ~0.25 s per import. The versioned sonames in WeasyPrint's
    lists load directly, so the search is switched off while importing; should that fail on some
    system, the import is retried the ordinary way.
    """
    if "weasyprint" in sys.modules:
        return sys.modules["weasyprint"]
    search = ctypes.util.find_library
    ctypes.util.find_library = lambda name: None
    try:
        import weasyprint
    except OSError:
        for name in [m for m in sys.modules if m == "weasyprint" or m.startswith("weasyprint.")]:
            del sys.modules[name]
        ctypes.util.find_library = search
        import weasyprint
    finally:
        ctypes.util.find_library = search
    module: ModuleType = weasyprint  # WeasyPrint has no types: to mypy the module itself is Any
    return module
