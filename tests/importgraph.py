"""The project's import graph, read from the syntax tree (nothing is imported).

Every form of import counts — ``import``, ``from … import``, relative
imports, imports inside functions or under ``TYPE_CHECKING``, and
``importlib.import_module``/``__import__``/``resources.files``/``find_spec``
with a literal name — because each of them ties one module to another: an
import deferred into a function to dodge a cycle is still a cycle in the
design, and a type-only import of an upper layer still makes the lower one
know about it.

Module names are those the code imports: ``ingest/`` is the package
``councilkg.ingest`` (``councilkg/ingest`` links to it), so its files are read
once, under that name.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Folder -> the package name its files import under.
PACKAGES = {
    "ingest": "councilkg.ingest",
    "councilkg": "councilkg",
    "bench": "bench",
    "tests": "tests",
}
OUTSIDE = "<outside>"  # a relative import that climbs out of its top-level package


@dataclass(frozen=True)
class Import:
    """One import statement's target, as written (resolved to an absolute name)."""

    line: int
    name: str
    data: bool = False  # ``resources.files(name)``: reads the package's files, runs no code


def module_name(path: Path) -> str:
    """``ingest/layout.py`` → ``councilkg.ingest.layout``; ``councilkg/server/__init__.py``
    → ``councilkg.server``."""
    rel = path.relative_to(ROOT).with_suffix("")
    parts = [*PACKAGES[rel.parts[0]].split("."), *rel.parts[1:]]
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _files(folder: Path) -> Iterator[Path]:
    for path in sorted(folder.rglob("*.py")):
        rel = path.relative_to(ROOT).parts
        if "__pycache__" in rel or rel[:2] == ("councilkg", "ingest"):
            continue  # the link to ingest/ is read as ingest/
        if rel[0] == "tests" and "data" in rel:
            continue
        yield path


@cache
def modules() -> Mapping[str, Path]:
    """Module name → file, for every Python file of the project's packages."""
    return {module_name(p): p for folder in PACKAGES for p in _files(ROOT / folder)}


def _package(path: Path) -> list[str]:
    """The package a module belongs to (for resolving relative imports)."""
    name = module_name(path).split(".")
    return name if path.name == "__init__.py" else name[:-1]


def imports(
    path: Path, tree: ast.Module | None = None, known: Mapping[str, Path] | None = None
) -> Iterator[Import]:
    """Every name ``path`` imports, relative imports made absolute.

    For ``from m import a`` both ``m`` and ``m.a`` (``a`` may be a submodule);
    given the ``known`` modules, ``m.a`` alone where it is one — importing a
    submodule runs the package's ``__init__`` only if it has not started, so
    ``from package import sibling`` inside the package is no cycle with it.
    """
    tree = tree if tree is not None else ast.parse(path.read_text(encoding="utf-8"))
    package = _package(path)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(node.lineno, alias.name)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                if node.level > len(package):
                    yield Import(node.lineno, OUTSIDE)
                    continue
                prefix = ".".join(package[: len(package) - node.level + 1])
            else:
                prefix = ""
            module = ".".join(p for p in (prefix, node.module or "") if p)
            names = [f"{module}.{a.name}" if module else a.name for a in node.names]
            if known is None or not all(n in known for n in names):
                yield Import(node.lineno, module)
            for name in names:
                yield Import(node.lineno, name)
        elif isinstance(node, ast.Call):
            func = node.func
            name = (
                func.attr
                if isinstance(func, ast.Attribute)
                else func.id
                if isinstance(func, ast.Name)
                else ""
            )
            if (
                name in ("import_module", "__import__", "files", "find_spec")
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                yield Import(node.lineno, node.args[0].value, data=name == "files")


def resolve(name: str, known: Mapping[str, Path]) -> str | None:
    """The project module ``name`` refers to: itself, or the longest module
    prefix (``councilkg.queries.run`` → ``councilkg.queries``); None outside."""
    while name and name not in known:
        name = name.rpartition(".")[0]
    return name or None


@cache
def edges(*, data: bool = True) -> Mapping[str, frozenset[str]]:
    """Module → the project modules it imports (itself excluded); with
    ``data=False`` without the packages it only reads files of, which is a
    dependency but cannot form an import cycle (the package is loaded before
    any of its modules' code runs)."""
    known = modules()
    out: dict[str, frozenset[str]] = {}
    for name, path in known.items():
        targets = {resolve(i.name, known) for i in imports(path, known=known) if data or not i.data}
        out[name] = frozenset(t for t in targets if t is not None and t != name)
    return out


def cycles(graph: Mapping[str, frozenset[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan),
    each sorted; a module importing itself is not counted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(found)
