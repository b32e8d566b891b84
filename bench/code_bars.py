"""Bars 1 and 2, read from the source without running it: how many lines of Python are under
site/, and whether the package's modules import each other in a cycle or import anything
inside a function ("lazily").

    python -m bench.code_bars      # prints what it finds as JSON
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "site"
PACKAGE = "exercise_library"


def python_lines(site: Path = SITE) -> dict:
    """Lines of every .py under *site*, counted as `wc -l` does (newline characters)."""
    modules = {
        str(path.relative_to(site)): path.read_bytes().count(b"\n")
        for path in sorted(site.rglob("*.py"))
    }
    largest = max(modules, key=modules.get, default=None)
    return {
        "total": sum(modules.values()),
        "modules": dict(sorted(modules.items(), key=lambda item: -item[1])),
        "largest": {"module": largest, "lines": modules.get(largest, 0)},
    }


def _walk_imports(nodes, in_function: bool = False, type_only: bool = False):
    """Every import statement among *nodes* and below: (statement, inside a function?,
    type-only?). An `if TYPE_CHECKING:` block never runs: what it imports makes no cycle."""
    for node in nodes:
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node, in_function, type_only
        elif isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            yield from _walk_imports(node.body, in_function, True)
            yield from _walk_imports(node.orelse, in_function, type_only)
        else:
            inner = in_function or isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            yield from _walk_imports(ast.iter_child_nodes(node), inner, type_only)


def _targets(statement: ast.stmt, module: str, is_package: bool, known: set[str]) -> set[str]:
    """The package's modules an import statement in *module* names, relative or absolute:
    `from . import search` names the submodule, `from .db import db` the module db."""
    if isinstance(statement, ast.Import):
        names = [alias.name for alias in statement.names]
    else:
        base = statement.module or ""
        if statement.level:
            # Level 1 is the package the module is in (a package's __init__ is in itself).
            parts = module.split(".") if is_package else module.split(".")[:-1]
            parts = parts[: len(parts) - statement.level + 1]
            base = ".".join(parts + ([statement.module] if statement.module else []))
        names = [
            f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in statement.names
        ]
    found = set()
    for name in names:
        # `import exercise_library.content.build` reaches the longest known module named.
        while name and name not in known:
            name = name.rpartition(".")[0]
        if name and name != module:
            found.add(name)
    return found


def import_graph(package_dir: Path) -> tuple[dict[str, set[str]], dict[str, set[str]], list]:
    """The package's imports between its own modules, outside function bodies (at run time,
    and with the type-only ones too), and every import inside a function as file:line."""
    files = {}
    for path in sorted(package_dir.rglob("*.py")):
        parts = path.relative_to(package_dir.parent).with_suffix("").parts
        files[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    runtime: dict[str, set[str]] = {name: set() for name in files}
    typed: dict[str, set[str]] = {name: set() for name in files}
    lazy = []
    for module, path in files.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for statement, in_function, type_only in _walk_imports(tree.body):
            where = f"{path.relative_to(package_dir.parent.parent)}:{statement.lineno}"
            if in_function:
                lazy.append(f"{where}: {ast.unparse(statement)}")
                continue
            targets = _targets(statement, module, path.name == "__init__.py", set(files))
            typed[module] |= targets
            if not type_only:
                runtime[module] |= targets
    return runtime, typed, lazy


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Import cycles as paths a -> ... -> a: the shortest through each module that is not
    on a cycle found already (so each tangle is reported, not every loop in it)."""
    found, done = [], set()
    for start in sorted(graph):
        if start in done:
            continue
        # Breadth first from start, to find the shortest way back to it.
        paths, queue = {start: [start]}, [start]
        while queue:
            node = queue.pop(0)
            for target in sorted(graph[node]):
                if target == start:
                    cycle = [*paths[node], start]
                    found.append(cycle)
                    done.update(cycle)
                    queue = []
                    break
                if target not in paths:
                    paths[target] = [*paths[node], target]
                    queue.append(target)
    return found


def measure(site: Path = SITE) -> dict:
    """Bars 1 and 2: lines of Python, import cycles, imports inside functions."""
    runtime, typed, lazy = import_graph(site / PACKAGE)
    found = cycles(runtime)
    return {
        "lines": python_lines(site),
        "cycles": found,
        # Cycles closed only by imports under TYPE_CHECKING: not a bar, but worth seeing.
        "type_only_cycles": [c for c in cycles(typed) if c not in found],
        "lazy_imports": lazy,
    }


if __name__ == "__main__":
    print(json.dumps(measure(), indent=2))
