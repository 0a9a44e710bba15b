"""The architecture as a rule: packages in layers, and no import cycle anywhere.

Why: a newcomer should be able to read the folders bottom-up — the ingest
knows nothing of the store, the queries nothing of the server, the server
nothing of the CLI — and change a lower layer without reading the upper
ones.  Each package has a rank in ``LAYERS``; a module may import its own
package and packages of a lower rank only.  Packages of one rank are
siblings and do not import each other.  A module the table does not place
fails ``test_every_module_has_a_layer``, so a new package is placed on
purpose.  Cycles between modules are refused everywhere, tests and benches
included (see ``tests/importgraph.py`` for what counts as an import).
"""

from __future__ import annotations

import pytest

from tests.importgraph import OUTSIDE, cycles, edges, imports, modules

# Package (or module) → rank; the longest matching key places a module.
LAYERS: dict[str, int] = {
    # the text → records → RDF pipeline, usable without the store
    "councilkg.ingest": 0,
    # the package's version, nothing else
    "councilkg": 0,
    # the shipped artefacts (ontology, shapes, queries, sample)
    "councilkg.resources": 1,
    # the one prefix table; the on-disk store
    "councilkg.prefixes": 2,
    "councilkg.store": 2,
    # the search index beside the store, which loading the graph rebuilds
    "councilkg.search": 3,
    # prepared queries; loading the graph and reading its facts back
    "councilkg.queries": 4,
    "councilkg.ingesting": 4,
    "councilkg.alignment": 3,
    "councilkg.facts": 4,
    # the one registry of RDF formats, files and dumps, the dataset description
    "councilkg.export": 5,
    # a published graph read back through its endpoint
    "councilkg.published": 5,
    # the fast SHACL engine (shacl-rust and Oxigraph), below the reports it feeds
    "councilkg.shacl": 5,
    # views of the graph: SHACL reports, networks, HTML pages
    "councilkg.validation": 6,
    "councilkg.analytics": 6,
    "councilkg.web": 6,
    # what serves or sends the graph
    "councilkg.server": 7,
    "councilkg.push": 7,
    # the one entry point
    "councilkg.cli": 8,
    "councilkg.__main__": 9,
    # measurement and tests stand on everything
    "bench": 10,
    "tests": 11,
}


def _layer(module: str) -> str:
    best = ""
    for key in LAYERS:
        if (module == key or module.startswith(key + ".")) and len(key) > len(best):
            best = key
    return best


def test_modules_found() -> None:
    names = set(modules())
    assert {
        "councilkg.ingest.layout",
        "councilkg.ingest.pipeline",
        "councilkg.server",
        "councilkg.queries",
        "councilkg.export",
        "councilkg.cli",
        "bench",
        "tests.test_imports",
    } <= names
    assert not [n for n in names if n == "ingest" or n.startswith("ingest.")]


def test_every_module_has_a_layer() -> None:
    unplaced = sorted(m for m in modules() if not _layer(m))
    assert not unplaced, f"place these in LAYERS: {unplaced}"


def test_no_import_cycles() -> None:
    found = cycles(edges(data=False))
    assert not found, "import cycles: " + "; ".join(" ↔ ".join(c) for c in found)


def test_layers() -> None:
    bad = []
    for module, targets in sorted(edges().items()):
        here = _layer(module)
        for target in sorted(targets):
            there = _layer(target)
            if there != here and LAYERS[there] >= LAYERS[here]:
                bad.append(f"{module} ({here}, {LAYERS[here]}) imports {target} ({there})")
    assert not bad, "imports against the layers:\n" + "\n".join(bad)


@pytest.mark.parametrize("module", sorted(modules()))
def test_nothing_imports_ingest_under_another_name(module: str) -> None:
    """``ingest`` is ``councilkg.ingest``; a top-level ``import ingest`` would
    load every module a second time, and fails in an installed copy."""
    path = modules()[module]
    bad = [
        (i.line, i.name)
        for i in imports(path)
        if i.name == OUTSIDE or i.name == "ingest" or i.name.startswith("ingest.")
    ]
    assert not bad, f"{module}: {bad}"


def test_cycle_finder() -> None:
    graph = {
        "a": frozenset({"b"}),
        "b": frozenset({"c"}),
        "c": frozenset({"a"}),
        "d": frozenset({"a", "e"}),
        "e": frozenset({"d"}),
        "f": frozenset(),
    }
    assert cycles(graph) == [["a", "b", "c"], ["d", "e"]]
    assert cycles({"a": frozenset({"b"}), "b": frozenset()}) == []


def test_layer_lookup() -> None:
    assert _layer("councilkg.ingest.extract.tables") == "councilkg.ingest"
    assert _layer("councilkg.server.app") == "councilkg.server"
    assert _layer("councilkg") == "councilkg"
    assert _layer("tests.test_imports") == "tests"


def test_the_corpus_generator_stands_alone() -> None:
    """``bench.synth`` generates corpora without the project's code (it reads
    the reference data files, States and membership, so that its text names
    real members); only its ``check`` module, which compares an ingest with a
    truth, imports the project."""
    bad = [
        f"{module} imports {target}"
        for module, targets in sorted(edges(data=False).items())
        if module.startswith("bench.synth") and module != "bench.synth.check"
        for target in sorted(targets)
        if not target.startswith("bench.synth")
    ]
    assert not bad, bad


def test_the_query_worker_is_a_process_not_a_library() -> None:
    """``councilkg.server.worker`` runs in a process of its own: forked by the
    fork server (``councilkg.server.zygote``, its one importer), or as
    ``python -m``, where a front module that imported it would load it twice
    (once as a module, once as ``__main__``).  What the front and the workers
    share lives in ``councilkg.server.frames``."""
    users = sorted(m for m, targets in edges().items() if "councilkg.server.worker" in targets)
    assert [m for m in users if not m.startswith(("tests.", "bench."))] == [
        "councilkg.server.zygote"
    ], users
