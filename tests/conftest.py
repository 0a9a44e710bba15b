"""Shared fixtures: the bundled seed, its gold facts, and the seed's graph in a
real (in-memory) Oxigraph store; and the runners of the fact queries
(``queries/facts/``, shipped) and of the few test-only queries
(``tests/queries/``, each reading what no shipped query reads).

The seed and the gold file are copies kept in the repository
(``data/samples/`` and ``tests/data/``) so the suite runs on a fresh clone.

What Debian's packages bring (a CJK font; Chromium is the browser tests'
own) is asked for through :func:`system_package_missing`: a skip with the
reason where nobody installed them (``make test-core``, a bare pytest), a
failure under ``make test``, which installs them first and says so in
``COUNCILKG_SYSTEM_PACKAGES`` (a font that is installed but not found is the
bug to catch there, not a reason to skip).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, NoReturn

import pytest
import yaml

from councilkg.facts import fact_query
from councilkg.ingest.iris import Minter
from councilkg.ingest.pipeline import IngestResult, ingest_file
from councilkg.ingesting import load
from councilkg.resources import sample_path
from councilkg.store import GraphStore

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "samples" / "000_e9c79a4311407cd1.txt"
GOLD = ROOT / "tests" / "data" / "000_e9c79a4311407cd1.gold.yaml"
QUERIES = ROOT / "tests" / "queries"
SYSTEM_PACKAGES_ENV = "COUNCILKG_SYSTEM_PACKAGES"  # "installed": set by make test


def system_package_missing(reason: str) -> NoReturn:
    """Skip the test for want of a system package, or fail it when ``make
    test`` installed the packages (``COUNCILKG_SYSTEM_PACKAGES=installed``)."""
    if os.environ.get(SYSTEM_PACKAGES_ENV) == "installed":
        pytest.fail(f"{reason}, although make test installed the system packages")
    pytest.skip(f"{reason}: apt-get install fonts-noto-cjk, or make browser (as root)")


@pytest.fixture()
def cjk_font() -> tuple[str, str]:
    """The CJK font matplotlib draws Chinese labels with (family, file)."""
    from councilkg.analytics.plot import find_cjk_font

    found = find_cjk_font()
    if found is None:
        system_package_missing("no CJK font found")
    return found


@pytest.fixture(scope="session")
def seed_path() -> Path:
    """The bundled excerpt of the 2020 Chinese Repertoire."""
    return SEED


@pytest.fixture(scope="session")
def seed_bytes() -> bytes:
    """The seed's bytes (for building variants)."""
    return SEED.read_bytes()


@pytest.fixture(scope="session")
def gold() -> dict[str, Any]:
    """The gold facts of the seed."""
    data: dict[str, Any] = yaml.safe_load(GOLD.read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="session")
def seed_result() -> IngestResult:
    """The seed, ingested once per test session."""
    return ingest_file(SEED)


@pytest.fixture(scope="session")
def minter() -> Minter:
    """The default IRI minter."""
    return Minter()


def load_store(result: IngestResult, minter: Minter) -> GraphStore:
    """A fresh in-memory store loaded with ``result`` by the one loader (the
    reference and ontology graphs and ``result``'s graph, as ``councilkg
    ingest`` loads them)."""
    store = GraphStore.in_memory()
    load([result], store, minter=minter, progress=False)
    return store


@pytest.fixture(scope="session")
def sample_store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample loaded into an on-disk store as ``councilkg ingest`` loads it,
    for the tests that serve or read it and never write it (each server keeps
    its own caches outside the store)."""
    path = tmp_path_factory.mktemp("sample-store") / "store"
    load([sample_path()], GraphStore(path), progress=False)  # the writer is released here
    return path


@pytest.fixture(scope="session")
def seed_store(seed_result: IngestResult, minter: Minter) -> GraphStore:
    """The seed's graph and the reference graph in a real Oxigraph store."""
    return load_store(seed_result, minter)


def _rows(store: GraphStore, text: str, bindings: dict[str, Any]) -> list[dict[str, str]]:
    rows = []
    result = store.query(text, bindings)
    variables = [v.value for v in result.variables]
    for solution in result:
        row = {}
        for var in variables:
            term = solution[var]
            if term is not None:
                row[var] = term.value
        rows.append(row)
    return rows


def select_fact(store: GraphStore, name: str) -> list[dict[str, str]]:
    """Run the shipped fact query ``queries/facts/<name>.rq`` (the one
    ``councilkg facts`` runs); rows as {variable: lexical value}."""
    return _rows(store, fact_query(name), {})


def query_file(name: str) -> str:
    """The text of the test-only query ``tests/queries/<name>.rq``."""
    return (QUERIES / f"{name}.rq").read_text(encoding="utf-8")


def select(store: GraphStore, name: str, **bindings: Any) -> list[dict[str, str]]:
    """Run the test-only query ``tests/queries/<name>.rq``; rows as
    {variable: lexical value}."""
    return _rows(store, query_file(name), bindings)
