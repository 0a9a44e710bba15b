"""Rules of the ingest layer, checked on the syntax tree.

1. ``councilkg.ingest`` (the ``ingest/`` folder) is the lowest layer: it
   never imports the rest of ``councilkg`` (in any form: ``import``,
   ``from … import``, relative imports that climb out of the package,
   ``importlib.import_module``/``__import__``/``resources.files`` with a
   literal name), so it can be reused and tested without the store and the
   CLI.  The layers above it are ``tests/test_imports.py``'s.
2. IRIs are minted in one module (``ingest/iris.py``) and terms are named in
   one module (``ingest/vocab.py``, generated from the ontology); the
   reference graph's links to external datasets live in ``ingest/reference.py``.
   Elsewhere in ``ingest/`` no string literal holds an ``http(s)://`` address,
   except the allowances listed in ``ALLOWED`` below, each with its reason.
   Docstrings are documentation, not code, and are not checked.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.importgraph import imports

ROOT = Path(__file__).resolve().parents[1]
INGEST = ROOT / "ingest"
MODULES = sorted(p for p in INGEST.rglob("*.py") if "__pycache__" not in p.parts)

# Modules whose job is to hold addresses (rule 2 does not apply to them).
IRI_MODULES = {
    "ingest/iris.py": "the one module that mints councilkg IRIs (base IRI, scheme checks)",
    "ingest/vocab.py": "the generated namespace classes: ckg: and the external vocabularies",
    "ingest/reference.py": "the reference graph: owl:sameAs links to Wikidata entities",
}

# Any http(s) address, also in regex form (``https?://``).
ADDRESS = re.compile(r"https?\??:/{2}", re.IGNORECASE)
UNDOCS = re.compile(r"undocs\\?\.org")


@dataclass(frozen=True)
class Allowance:
    """Addresses allowed in one module: those matching ``pattern``."""

    module: str
    pattern: re.Pattern[str]
    reason: str


ALLOWED = (
    Allowance(
        "ingest/layout.py",
        UNDOCS,
        "grammar of the source: the page-end link lists of the Repertoire print "
        "undocs.org addresses, which the layout recognises by regex",
    ),
    Allowance(
        "ingest/symbols.py",
        UNDOCS,
        "grammar of document symbols: undocs.org URLs in the text are parsed back to "
        "symbols, and Symbol.undocs_url builds the public address of a UN document "
        "(a document's web address, not an IRI of the graph)",
    ),
    Allowance(
        "ingest/ntriples.py",
        re.compile(r"^http://www\.w3\.org/2001/XMLSchema#string$"),
        "syntax of N-Triples: RDF 1.1 writes xsd:string literals without a datatype, "
        "so the writer compares against the datatype IRI (rdflib's XSD.string would do)",
    ),
)


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _imported(path: Path, tree: ast.Module) -> Iterator[tuple[int, str]]:
    """(line, absolute module name) for every import in ``tree``."""
    for found in imports(path, tree):
        yield found.line, found.name


def _docstrings(tree: ast.Module) -> set[int]:
    """ids of the Constant nodes that are docstrings (or bare string statements)."""
    out = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Expr)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
        ):
            out.add(id(node.value))
    return out


def _literals(tree: ast.Module) -> Iterator[tuple[int, str]]:
    """(line, text) of every string literal that is not a docstring.

    An f-string is reported as its literal parts joined with ``{}`` for each
    replacement field, so ``f"https://undocs.org/{code}/{key}"`` is checked.
    """
    docs = _docstrings(tree)
    inside_fstring: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            parts = []
            for value in node.values:
                inside_fstring.add(id(value))
                if isinstance(value, ast.Constant) and isinstance(value.value, str):
                    parts.append(value.value)
                else:
                    parts.append("{}")
            yield node.lineno, "".join(parts)
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in docs
            and id(node) not in inside_fstring
        ):
            yield node.lineno, node.value


def test_modules_found() -> None:
    names = {_rel(p) for p in MODULES}
    assert {"ingest/pipeline.py", "ingest/rdf.py", *IRI_MODULES} <= names
    for allowance in ALLOWED:
        assert allowance.module in names, f"stale allowance: {allowance.module}"


@pytest.mark.parametrize("path", MODULES, ids=_rel)
def test_ingest_does_not_import_councilkg(path: Path) -> None:
    bad = [(line, name) for line, name in _imported(path, _tree(path)) if _upper(name)]
    assert not bad, f"{_rel(path)} imports the upper layer: {bad}"


def _upper(name: str) -> bool:
    """Whether ``name`` is in councilkg but outside councilkg.ingest."""
    if name in ("<outside>", "councilkg"):
        return True
    return name.startswith("councilkg.") and not (
        name == "councilkg.ingest" or name.startswith("councilkg.ingest.")
    )


def test_import_scanner_sees_every_form() -> None:
    """The scanner itself: each way of importing ``councilkg`` is caught."""
    probe = INGEST / "extract" / "probe.py"  # never written; only names the package
    sources = [
        "import councilkg",
        "import councilkg.store as s",
        "from councilkg import resources",
        "from councilkg.store import GraphStore",
        "from .... import councilkg",
        "from ... import store",
        "import importlib; importlib.import_module('councilkg.cli')",
        "__import__('councilkg')",
        "from importlib import resources; resources.files('councilkg')",
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from councilkg import store",
        "def f():\n    import councilkg.ingesting",
    ]
    for source in sources:
        names = [n for _, n in _imported(probe, ast.parse(source))]
        assert any(_upper(n) for n in names), (source, names)
    assert [n for _, n in _imported(probe, ast.parse("from .. import layout"))] == [
        "councilkg.ingest",
        "councilkg.ingest.layout",
    ]
    assert not _upper("councilkg.ingest.layout")


def _allowed(module: str, text: str) -> bool:
    return any(a.module == module and a.pattern.search(text) for a in ALLOWED)


@pytest.mark.parametrize("path", [p for p in MODULES if _rel(p) not in IRI_MODULES], ids=_rel)
def test_no_addresses_outside_the_iri_modules(path: Path) -> None:
    module = _rel(path)
    bad = [
        (line, text)
        for line, text in _literals(_tree(path))
        if ADDRESS.search(text) and not _allowed(module, text)
    ]
    assert not bad, (
        f"{module} spells out addresses: {bad}; mint IRIs with councilkg.ingest.iris.Minter "
        "and name ontology terms through councilkg.ingest.vocab (or add an allowance here, "
        "with its reason)"
    )


def test_literal_scanner() -> None:
    source = '''
"""Module docstring with https://example.org/ is fine."""
X = "https://example.org/a"
P = r"^\\s*https?://(?:www\\.)?example\\.org/"
def f(code):
    """Docstring: https://example.org/."""
    return f"https://example.org/{code}"
'''
    hits = [t for _, t in _literals(ast.parse(source)) if ADDRESS.search(t)]
    assert sorted(hits) == sorted(["https://example.org/{}", "https://example.org/a", P_TEXT])


P_TEXT = "^\\s*https?://(?:www\\.)?example\\.org/"
