"""Stage 1, source: YAML parsing that remembers where every value stands."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import yaml

from uapress.core.errors import Diagnostic

Path_ = tuple[str | int, ...]  # a field path: ("targets", 0, "title")


@dataclass
class Positions:
    """Line and column (1-based) of every key and value in a YAML document."""

    values: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    block: dict[Path_, bool] = field(default_factory=dict)

    def of(self, path: Path_) -> tuple[int, int]:
        """Return the position of the value at `path`, or of its nearest known parent."""
        while path:
            if path in self.values:
                return self.values[path]
            path = path[:-1]
        return self.values.get((), (1, 1))

    def key(self, path: Path_) -> tuple[int, int]:
        """Return the position of the key at `path`, or of its value."""
        return self.keys.get(path) or self.of(path)

    def text_line(self, path: Path_, offset: int) -> int:
        """Return the file line of line `offset` inside the text value at `path`."""
        line, _ = self.of(path)
        # A literal or folded block's text starts on the line after its indicator.
        return line + offset + (1 if self.block.get(path) else 0)


class YamlProblem(Exception):
    """The YAML itself could not be read."""

    def __init__(self, diagnostic: Diagnostic):
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


T = TypeVar("T")


def load_with_positions(text: str, file: Path) -> tuple[object, Positions]:
    """Parse one YAML document into plain Python values and their positions."""
    return _fast_first(lambda parser: _load(text, file, parser))


def load_safely(text: str, file: Path) -> object:
    """Parse one YAML document into plain Python values, refusing anchors, aliases and deep nesting (a style file)."""

    def load(parser: type[yaml.SafeLoader]) -> object:
        refuse_aliases(text, file, parser)
        return yaml.load(text, Loader=parser)  # a SafeLoader: PyYAML's or libyaml's safe constructor

    return _fast_first(load)


def _fast_first(parse: Callable[[type[yaml.SafeLoader]], T]) -> T:
    """Return `parse(parser)` with libyaml's parser, or, for a document it refuses, with PyYAML's own.

    libyaml's parser, some 10 times faster than PyYAML's own, keeps the same marks (issue 24); the values are
    built by the same constructor. It words its errors otherwise: a document it refuses is read again by
    PyYAML's parser, whose messages (and positions) the errors give.
    """
    fast = getattr(yaml, "CSafeLoader", None)
    if fast is not None:
        try:
            return parse(fast)
        except (yaml.YAMLError, YamlProblem):
            pass
    return parse(yaml.SafeLoader)


def _load(text: str, file: Path, parser: type[yaml.SafeLoader]) -> tuple[object, Positions]:
    loader = parser(text)
    positions = Positions()
    try:
        refuse_aliases(text, file, parser)
        node = loader.get_single_node()
        if node is None:
            return None, positions
        return _convert(loader, node, (), positions, file), positions
    except yaml.MarkedYAMLError as exc:
        problem = exc.problem or str(exc)
        mark = exc.problem_mark or exc.context_mark
        if exc.context and exc.context_mark and ("end of stream" in problem or "<stream end>" in problem):
            # An unclosed quote or bracket is only noticed at the end of the file: point at where it opens.
            mark = exc.context_mark
            what = exc.context.removeprefix("while scanning ").removeprefix("while parsing ")
            problem = f"{what} that starts here is never closed (the file ends first)"
        elif exc.context:
            problem = f"{problem} ({exc.context})"
        line, column = (mark.line + 1, mark.column + 1) if mark else (None, None)
        raise YamlProblem(
            Diagnostic(
                "error",
                f"this is not valid YAML: {problem}",
                file=file,
                line=line,
                column=column,
                field=top_level_key(text, line) if line else None,
                hint="check indentation, close every quote and bracket, and quote values that contain ': '",
            )
        ) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(Diagnostic("error", f"this is not valid YAML: {exc}", file=file)) from None
    finally:
        loader.dispose()


MAX_DEPTH = 20
"""Deepest nesting of YAML lists and mappings read: an action needs 4 (targets, a target, its address)."""


def refuse_aliases(text: str, file: Path, parser: type[yaml.SafeLoader] = yaml.SafeLoader) -> None:
    """Raise YamlProblem at the first anchor (`&a`), alias (`*a`) or too deep nesting, read as events.

    A source never needs anchors, and nested aliases expand to gigabytes ("billion laughs", issue 10).
    Events are read without recursion; building nodes recurses, so lists nested 500 deep were a
    RecursionError and 100,000 deep took minutes (issue 25): they are refused here, before anything is built.
    """
    depth = 0
    for event in yaml.parse(text, Loader=parser):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                mark = event.start_mark
                line, column = (mark.line + 1, mark.column + 1) if mark else (None, None)
                raise YamlProblem(
                    Diagnostic(
                        "error",
                        f"lists and mappings are nested more than {MAX_DEPTH} deep here",
                        file,
                        line,
                        column,
                        field=top_level_key(text, line) if line else None,
                        hint="write the value as the source format describes it; no field nests this deep",
                    )
                )
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
        alias = isinstance(event, yaml.AliasEvent)
        # Only node events (scalars, sequences, mappings, aliases) have an anchor.
        if isinstance(event, yaml.NodeEvent) and (alias or event.anchor):
            mark = event.start_mark
            line, column = (mark.line + 1, mark.column + 1) if mark else (None, None)
            what = f"alias '*{event.anchor}'" if alias else f"anchor '&{event.anchor}'"
            raise YamlProblem(
                Diagnostic(
                    "error",
                    f"YAML {what}: anchors and aliases are not allowed in a source",
                    file,
                    line,
                    column,
                    field=top_level_key(text, line) if line else None,
                    hint="write the value out in full; quote text that starts with & or *",
                )
            )


def _convert(loader: yaml.SafeLoader, node: yaml.Node, path: Path_, positions: Positions, file: Path) -> object:
    positions.values[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        result: dict[str, object] = {}
        for key_node, value_node in node.value:
            key = (
                _construct_scalar(loader, key_node)
                if isinstance(key_node, yaml.ScalarNode)
                else loader.construct_object(key_node, deep=True)
            )
            if not isinstance(key, str):
                key = str(key)
            if key in result:
                raise YamlProblem(
                    Diagnostic(
                        "error",
                        f"key '{key}' appears twice",
                        file=file,
                        line=key_node.start_mark.line + 1,
                        column=key_node.start_mark.column + 1,
                        field=_dotted(path + (key,)),
                        hint="keep one of them",
                    )
                )
            positions.keys[path + (key,)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            result[key] = _convert(loader, value_node, path + (key,), positions, file)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_convert(loader, item, path + (i,), positions, file) for i, item in enumerate(node.value)]
    assert isinstance(node, yaml.ScalarNode)  # the third kind of node: neither a mapping nor a sequence
    positions.block[path] = node.style in ("|", ">")
    return _construct_scalar(loader, node)


def _construct_scalar(loader: yaml.SafeLoader, node: yaml.Node) -> object:
    try:
        return loader.construct_object(node, deep=True)
    except (ValueError, TypeError, KeyError, AttributeError, OverflowError):
        # An impossible date such as 2026-02-30 matches YAML's timestamp form but cannot be built;
        # an explicit tag that does not fit its value (`!!bool x`) fails inside PyYAML the same way.
        return InvalidScalar(node.value)


class InvalidScalar(str):
    """A scalar YAML recognised by form but could not build (an impossible date)."""


_TOP_KEY = re.compile(r"^([A-Za-z_][\w-]*)\s*:(\s|$)")


def top_level_key(text: str, line: int) -> str | None:
    """Return the top-level key whose entry holds `line` (1-based), read off the raw text."""
    for candidate in reversed(text.splitlines()[:line]):
        match = _TOP_KEY.match(candidate)
        if match:
            return match.group(1)
    return None


def _dotted(path: Path_) -> str:
    return ".".join(str(p) for p in path)


dotted = _dotted
