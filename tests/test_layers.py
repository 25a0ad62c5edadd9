"""The house plan (issue 18): the stages import only from earlier stages, with no loops, and at module top.

docs/developing.md, "The layers": source -> localise -> model -> writers -> build, on a ground floor (`core`) that imports nothing
above it; commands sit above build and exchange, and the CLI on top. The contract is written once, in
pyproject.toml's `[tool.importlinter]`, and checked here by import-linter itself; the AST checks below add
what a layers contract cannot see (loops inside one layer, imports hidden in functions).
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "uapress"
ROOT = PACKAGE.parents[1]


def modules() -> dict[str, Path]:
    """Return every module of the package by dotted name."""
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def runtime_imports(path: Path) -> list[tuple[ast.ImportFrom | ast.Import, bool]]:
    """Return the package-internal imports of a module that run, each with whether it stands at module top."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    guarded = {
        id(node)
        for top in tree.body
        if isinstance(top, ast.If) and "TYPE_CHECKING" in ast.unparse(top.test)
        for node in ast.walk(top)
    }
    top = {id(node) for node in tree.body}
    found = []
    for node in ast.walk(tree):
        if id(node) in guarded:
            continue
        if isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").split(".")[0] == "uapress"):
            found.append((node, id(node) in top))
        elif isinstance(node, ast.Import) and any(a.name.split(".")[0] == "uapress" for a in node.names):
            found.append((node, id(node) in top))
    return found


def graph() -> dict[str, set[str]]:
    """Return, for each module, the package modules it imports when it is run."""
    known = modules()
    edges: dict[str, set[str]] = {name: set() for name in known}
    for name, path in known.items():
        for node, _ in runtime_imports(path):
            if isinstance(node, ast.ImportFrom):
                for alias in node.names:
                    full = f"{node.module}.{alias.name}"
                    edges[name].add(full if full in known else node.module)
            else:
                edges[name].update(alias.name for alias in node.names)
        edges[name] = {target for target in edges[name] if target in known and target != name}
    return edges


def test_the_layers_contract_holds():
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert lint, "import-linter is a test dependency: `make test` installs it"
    run = subprocess.run([lint, "--config", str(ROOT / "pyproject.toml")], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "1 kept, 0 broken" in run.stdout


def test_a_layers_contract_breach_is_caught(tmp_path):
    # The contract is only worth its test if a wrong import fails it: a copy of the package where the
    # ground floor imports the build stage must be refused.
    copy = tmp_path / "src"
    shutil.copytree(PACKAGE, copy / "uapress")
    errors = copy / "uapress" / "core" / "errors.py"
    errors.write_text(
        errors.read_text(encoding="utf-8") + "\nfrom uapress.build import plan  # noqa\n", encoding="utf-8"
    )
    config = tmp_path / "pyproject.toml"
    config.write_text((ROOT / "pyproject.toml").read_text(encoding="utf-8"), encoding="utf-8")
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    run = subprocess.run(
        [lint, "--config", str(config)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(copy), "PATH": "/usr/bin:/bin"},
    )
    assert run.returncode != 0, run.stdout
    assert "uapress.core.errors -> uapress.build.plan" in run.stdout


def test_no_module_imports_itself_back_through_others():
    edges = graph()
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    loops: list[list[str]] = []

    def visit(node: str) -> None:  # Tarjan's strongly connected components
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in sorted(edges[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                loops.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    assert len(edges) > 60, "the package's modules were not found"
    assert loops == []


def test_package_imports_stand_at_module_top():
    # Function-level imports of the package's own modules hid loops (issue 18); only heavy third-party
    # libraries (WeasyPrint, python-docx, Babel, Markdown, Jinja, lxml) are imported where they are used.
    hidden = [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for path in modules().values()
        for node, at_top in runtime_imports(path)
        if not at_top
    ]
    assert hidden == []


def test_imports_are_absolute():
    relative = [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for path in modules().values()
        for node, _ in runtime_imports(path)
        if isinstance(node, ast.ImportFrom) and node.level
    ]
    assert relative == []


def test_no_private_name_is_imported_from_another_module():
    # Issue 18: a name with a leading underscore is its module's own; one that another module needs is
    # part of the interface and named so (`_Checker`, `_FILTERS` were used across modules).
    private = [
        f"{path.relative_to(ROOT)}:{node.lineno} {alias.name}"
        for path in modules().values()
        for node, _ in runtime_imports(path)
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
        if alias.name.startswith("_") and not alias.name.startswith("__")
    ]
    assert private == []


def layer_of(module: str, layers: list[str]) -> int | None:
    """Return the height of a module's layer (0 the ground floor), from the contract's list."""
    for height, names in enumerate(reversed(layers)):
        if any(module == name or module.startswith(name + ".") for name in names.split(" | ")):
            return height
    return None


def test_type_only_imports_do_not_reach_up_either():
    # Issue 18: writers/index.py named the build's `Index` under TYPE_CHECKING, a writer depending on the
    # layer above it; it now says what it reads as a Protocol. core/nodes.py names the model's Checklist
    # and Letter, which the model puts on a document: known, and left for its own change.
    contract = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    layers = contract["contracts"][0]["layers"]
    known = {"uapress.core.nodes -> uapress.model.checklist", "uapress.core.nodes -> uapress.model.letters"}
    upward = []
    for name, path in modules().items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for top in tree.body:
            if isinstance(top, ast.If) and "TYPE_CHECKING" in ast.unparse(top.test):
                for node in ast.walk(top):
                    if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("uapress."):
                        low, high = layer_of(name, layers), layer_of(node.module or "", layers)
                        if low is not None and high is not None and high > low:
                            upward.append(f"{name} -> {node.module}")
    assert len(layers) == 8
    assert sorted(set(upward) - known) == []
