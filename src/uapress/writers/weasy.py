"""Stage 4, writers: import WeasyPrint without the shared-library search that costs a third of its import."""

from __future__ import annotations

import ctypes.util
import importlib
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import ModuleType
from typing import Any


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
        with _imported_on_first_use():
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
    _sized_arrays_unparsed()
    return module


ON_FIRST_USE = {
    "fontTools.subset": ("Options", "Subsetter"),
    "fontTools.varLib.instancer": ("instantiateVariableFont",),
}
"""Modules WeasyPrint imports with itself but calls only without HarfBuzz's subsetter or for a variable font, and
the names it calls in them: imported when first called (issue 24: ~0.1 s of CPU, before any worker starts)."""


class _OnFirstUse(ModuleType):
    """Stand in for a module while WeasyPrint is imported: the names it calls import the real module when called."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):  # the import system's questions (`__path__`…): a plain module's answer
            raise AttributeError(name)
        if name in ON_FIRST_USE.get(self.__name__, ()):
            return _called_on_first_use(self, name)
        return getattr(_real(self), name)  # any other name (another WeasyPrint's): the module itself, at once


def _real(stand_in: ModuleType) -> ModuleType:
    """Return the module a stand-in stands for, imported now (the stand-in no longer answers for it)."""
    if sys.modules.get(stand_in.__name__) is stand_in:
        del sys.modules[stand_in.__name__]
    return importlib.import_module(stand_in.__name__)


def _called_on_first_use(stand_in: ModuleType, name: str) -> Callable[..., Any]:
    def call(*args: Any, **kwargs: Any) -> Any:
        return getattr(_real(stand_in), name)(*args, **kwargs)

    call.__qualname__ = call.__name__ = name
    return call


@contextmanager
def _imported_on_first_use() -> Iterator[None]:
    """Let the modules of `ON_FIRST_USE` not yet imported be imported when WeasyPrint first calls them, not with it.

    fontTools' subsetter and variable-font instancer (and the OpenType tables they import) are about a quarter
    of WeasyPrint's import; a build whose system has HarfBuzz's subsetter and whose brand's fonts are static never
    calls them. Their stand-ins are in `sys.modules` only while WeasyPrint is imported: any later import gets the
    real module.
    """
    stand_ins = {name: _OnFirstUse(name) for name in ON_FIRST_USE if name not in sys.modules}
    sys.modules.update(stand_ins)
    try:
        yield
    finally:
        for name, stand_in in stand_ins.items():
            if sys.modules.get(name) is stand_in:
                del sys.modules[name]


_SIZED_ARRAY = re.compile(r"([A-Za-z_][A-Za-z_0-9]*)\[([0-9]+)\]")
"""A C array type of a given length (`hb_codepoint_t[1428]`), as WeasyPrint asks cffi for one per font subset."""


class _ArrayTypes(dict[Any, Any]):
    """cffi's cache of parsed C types, which makes a sized array type from its item type instead of parsing it.

    WeasyPrint subsets each font of a PDF with `ffi.new(f"hb_codepoint_t[{len(glyphs)}]")`: every new length is a
    new C declaration for cffi, parsed by pycparser with all of WeasyPrint's typedefs, some 20 ms each, and
    nearly every font of every PDF has a new length (~0.4 s of CPU per worker process, issue 24). The type
    itself is the item's pointer type and a length, which cffi's backend makes in microseconds.
    """

    def __init__(self, ffi: Any, parsed: dict[Any, Any]) -> None:
        super().__init__(parsed)
        self.ffi = ffi

    def __missing__(self, key: Any) -> Any:
        match = _SIZED_ARRAY.fullmatch(key) if isinstance(key, str) else None
        if match is None:
            raise KeyError(key)  # cffi parses it, as before
        item = self.ffi._typeof(f"{match[1]} *")  # parsed once per item type
        array = self.ffi._backend.new_array_type(item, int(match[2])), False  # (ctype, is a function type)
        self[key] = array
        return array


C_TYPES = (
    "PangoFcFontMap *",
    "FcChar8 **",
    "char[]",
    "char *",
    "PangoRectangle *",
    "PangoLogAttr[]",
    "unsigned int *",
    "hb_tag_t *",
    "hb_codepoint_t *",
)
"""The C types WeasyPrint 70 asks cffi for while laying out and writing a PDF, each parsed by pycparser (~20 ms)."""


def parse_c_types() -> None:
    """Parse the C types every PDF needs now, so that worker processes forked after share them (issue 24)."""
    ffi = getattr(sys.modules.get("weasyprint.text.ffi"), "ffi", None)
    for name in C_TYPES:
        try:
            ffi.typeof(name)  # type: ignore[union-attr]
        except Exception:  # another WeasyPrint's types: a worker parses what it needs, as before
            pass


def _sized_arrays_unparsed() -> None:
    """Give WeasyPrint's cffi instance a cache that makes sized array types without parsing them (issue 24)."""
    ffi = getattr(sys.modules.get("weasyprint.text.ffi"), "ffi", None)
    parsed = getattr(ffi, "_parsed_types", None)
    # cffi's own internals: left as they are should a later cffi keep its cache otherwise.
    if isinstance(parsed, dict) and not isinstance(parsed, _ArrayTypes) and hasattr(ffi, "_backend"):
        ffi._parsed_types = _ArrayTypes(ffi, parsed)  # type: ignore[union-attr]
