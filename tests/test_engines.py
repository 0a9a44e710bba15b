"""The engine suite: the sample pushed into the SPARQL engines people run,
with each engine's defaults, and every prepared query (two parameter sets
each) and every ``analyze`` view compared with the embedded store as
multisets of normalised rows.

Engines: ``oxigraph serve`` (default graph alone, and the union reading of
``--union-default-graph``), Apache Jena's engine (Debian's Jena 4.5) behind
the project's small protocol server (both readings), and Debian's Virtuoso
as installed, with only ``SPARQL_UPDATE`` granted (it takes no default graph
and reads the union of all graphs).  ``scripts/install-engines.sh`` installs
them; ``make test-engines`` runs this module alone.  Each missing engine is
a skip naming the install script, except under ``COUNCILKG_REQUIRE_ENGINES``
(``make test-engines``, CI), where it is a failure.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from councilkg import queries as cq
from councilkg.ingesting import load
from councilkg.push import PushReport, merged_graph, push
from councilkg.queries.remote import dataset, run_remote
from councilkg.queries.results import Term, canonical
from councilkg.resources import sample_path
from councilkg.store import GraphStore
from tests import engines
from tests.oxigraph_server import INSTALL_HINT, find_oxigraph, oxigraph_server
from tests.test_analytics import VIEWS, same_graph, year_of
from tests.test_queries import comparable

pytestmark = [pytest.mark.engines, pytest.mark.xdist_group("engines")]

# A second binding of every query (the first: its header's examples).
OTHER_BINDINGS: dict[str, dict[str, str]] = {
    "briefers-by-item": {"item": "不扩散"},
    "citation-network": {},
    "cited-by": {"symbol": "A/75/2"},
    "co-voting": {"year": "2020"},
    "decision-outcome": {"symbol": "S/PRST/2020/13"},
    "documents-citing": {"symbol": "S/RES/2231 (2015)"},
    "event-participation": {"year": "2020"},
    "failed-drafts": {},
    "invitations": {},
    "item-events": {},
    "item-timeline": {"item": "rule-of-law"},
    "letters-by-state": {"state": "比利时"},
    "meetings-by-item": {},
    "position-states": {},
    "positions-of-state": {"state": "Russian Federation"},
    "source-of": {"iri": "https://w3id.org/councilkg/id/document/S/2020/797"},
    "state-activity": {"state": "CHN"},
    "videoconferences-by-item": {"years": "2019-2020"},
    "vote-matrix": {"year": "2020"},
    "vote-positions": {},
    "votes-on-draft": {"symbol": "S/2020/797 "},
}
BINDINGS = [
    (q.name, params) for q in cq.catalogue() for params in (q.examples(), OTHER_BINDINGS[q.name])
]


@dataclass(frozen=True)
class Engine:
    """An engine holding the pushed sample: where to query and push."""

    name: str
    server: Any
    report: PushReport

    @property
    def query_url(self) -> str:
        return str(self.server.query_url)


def _why_missing(family: str) -> str | None:
    if family == "oxigraph":
        return None if find_oxigraph() else f"no oxigraph server binary: {INSTALL_HINT}"
    return engines.engines_available().get(family)


def _require(why: str) -> None:
    if os.environ.get("COUNCILKG_REQUIRE_ENGINES"):
        pytest.fail(why)
    pytest.skip(why)


SERVERS: dict[str, Callable[[], AbstractContextManager[Any]]] = {
    "oxigraph": lambda: oxigraph_server(),
    "oxigraph-union": lambda: oxigraph_server(union_default_graph=True),
    "jena": lambda: engines.jena_server(),
    "jena-union": lambda: engines.jena_server(union_default_graph=True),
    "virtuoso": lambda: engines.virtuoso_server(),
}
ENGINES = sorted(SERVERS)


SECTIONS = sorted((Path(__file__).parent / "data" / "sections").glob("*.txt"))


@pytest.fixture(scope="module")
def engine_store() -> GraphStore:
    """The sample and the hand-written sections (other years and items,
    vetoes, several votes: agreement ratios that are not 0 or 1), loaded as
    ``councilkg ingest`` loads them."""
    store = GraphStore.in_memory()
    load([sample_path(), *SECTIONS], store, progress=False)
    return store


@pytest.fixture(scope="module")
def running(engine_store: GraphStore) -> Iterator[dict[str, Engine]]:
    """Every installed engine, started once for the module, the sample
    pushed with the engine's defaults."""
    started: dict[str, Engine] = {}
    with ExitStack() as stack:
        for name, start in SERVERS.items():
            if _why_missing(name.split("-")[0]):
                continue
            server = stack.enter_context(start())
            report = push(engine_store, server.store_url, batch_triples=2000)
            started[name] = Engine(name, server, report)
        yield started


def _engine(running: dict[str, Engine], name: str) -> Engine:
    if name not in running:
        _require(f"{name}: {_why_missing(name.split('-')[0]) or 'did not start'}")
    return running[name]


@pytest.mark.parametrize("name", ENGINES)
def test_push_with_the_engine_defaults(
    running: dict[str, Engine], engine_store: GraphStore, name: str
) -> None:
    engine = _engine(running, name)
    report = engine.report
    merged = merged_graph(engine_store.graphs())
    pushed = {g.graph for g in report.graphs if g.refused is None}
    assert {*engine_store.graphs(), merged} <= pushed
    if name == "virtuoso":
        # as installed: no default graph; one notice says where the merge is
        (refused,) = [g for g in report.graphs if g.refused is not None]
        assert refused.graph is None
        assert "not configured to have default graph" in (refused.refused or "")
        (notice,) = report.notices()
        assert str(merged) in notice
    else:
        assert None in pushed and not report.notices()
    assert dataset(engine.query_url) == (merged,)


@pytest.mark.parametrize("name", ENGINES)
def test_quads_equal(running: dict[str, Engine], engine_store: GraphStore, name: str) -> None:
    """Each pushed graph read back through SPARQL holds the store's triples
    (literals compared canonically: Virtuoso keeps booleans as 1/0)."""
    engine = _engine(running, name)
    for graph in [*engine_store.graphs(), merged_graph(engine_store.graphs())]:
        remote = _canonical(_read(engine.query_url, graph))
        local = _canonical(_local(engine_store, graph))
        assert remote == local, graph


def _read(endpoint: str, graph: str | None) -> list[str]:
    from councilkg.published import _read_graph

    return _read_graph(endpoint, graph, 30, 5000)


def _local(store: GraphStore, graph: str | None) -> list[str]:
    name = None if graph is None or graph.endswith("graph/all") else graph
    target = ox.NamedNode(name) if name else ox.DefaultGraph()
    return [
        f"{q.subject} {q.predicate} {q.object} .\n"
        for q in store.oxigraph.quads_for_pattern(None, None, None, target)
    ]


def _canonical(lines: list[str]) -> set[tuple[str, str, Any]]:
    out: set[tuple[str, str, Any]] = set()
    for triple in ox.parse("".join(lines).encode("utf-8"), format=ox.RdfFormat.N_TRIPLES):
        obj = triple.object
        value: Any = str(obj)
        if isinstance(obj, ox.Literal):
            term = canonical(Term.literal(obj.value, obj.datatype.value, obj.language))
            value = (term.value, term.datatype, term.lang)
        out.add((str(triple.subject), str(triple.predicate), value))
    return out


@pytest.mark.parametrize("name", ENGINES)
@pytest.mark.parametrize(
    ("query", "params"), BINDINGS, ids=[f"{q}-{i % 2}" for i, (q, _) in enumerate(BINDINGS)]
)
def test_prepared_query_same_rows(
    running: dict[str, Engine],
    engine_store: GraphStore,
    name: str,
    query: str,
    params: dict[str, str],
) -> None:
    engine = _engine(running, name)
    bound = cq.bind(query, params)
    remote = run_remote(engine.query_url, bound)
    embedded = cq.run_embedded(engine_store, bound)
    assert comparable(remote) == comparable(embedded)
    # one rendering of values: the same CSV lines (the order of rows the
    # query leaves open aside)
    assert sorted(remote.to_csv().splitlines()) == sorted(embedded.to_csv().splitlines())


VIRTUOSO_MARGIN_S = 200
"""Half of Virtuoso's default ``MaxQueryCostEstimationTime`` (400 s).

The estimate of one unchanged query on the same data varies between server
starts by a factor common to every query of that start (Virtuoso samples
its indexes when it starts): ``citation-network`` with its years 38-149 s
over a score of starts, 251 s in one run of the whole suite, while its
ratio to the other queries stayed within 1 %.  So a query refused at the
margin is asked again on a server started anew (:data:`VIRTUOSO_STARTS`
in all), and the test fails on a query refused in every start: a form
estimated at 365-401 s, the kind this guards against, is refused in each."""

VIRTUOSO_STARTS = 3
"""Server starts a query must be refused in, at the margin, to fail."""


def test_virtuoso_estimates_every_prepared_query_well_under_its_limit(
    engine_store: GraphStore,
) -> None:
    """Virtuoso refuses a query whose *estimated* time exceeds its limit, and
    the estimate samples its indexes: a form estimated at 365–401 s against
    the default 400 passed the suite above one run and failed it the next.
    With the limit at half the default, every prepared query with
    both its parameter sets must still be accepted (and answer as the
    embedded store does), so none runs close to the limit people have."""
    if why := _why_missing("virtuoso"):
        _require(why)
    pending = list(range(len(BINDINGS)))  # indices: a binding's params are a dict
    refusals: dict[int, list[str]] = {}  # each start's refusal of a binding
    for _ in range(VIRTUOSO_STARTS):
        with engines.virtuoso_server(max_cost_s=VIRTUOSO_MARGIN_S) as v:
            push(engine_store, v.store_url, batch_triples=2000)
            refused_now = []
            for n in pending:
                query, params = BINDINGS[n]
                bound = cq.bind(query, params)
                try:
                    remote = run_remote(v.query_url, bound)
                except Exception as exc:  # the refusal names the estimate
                    found = re.search(r"estimated execution time -?\d+", str(exc))
                    refusals.setdefault(n, []).append(found[0] if found else str(exc))
                    refused_now.append(n)
                    continue
                embedded = cq.run_embedded(engine_store, bound)
                assert comparable(remote) == comparable(embedded), query
        pending = refused_now
        if not pending:
            break
    refused = [f"{BINDINGS[n][0]} {BINDINGS[n][1]}: {refusals[n]}" for n in pending]
    assert not refused, refused


@pytest.mark.parametrize("name", ENGINES)
@pytest.mark.parametrize("view", sorted(VIEWS))
def test_analyze_same_graph(
    running: dict[str, Engine], engine_store: GraphStore, gold: dict[str, Any], name: str, view: str
) -> None:
    engine = _engine(running, name)
    year = year_of(gold)
    same_graph(VIEWS[view](engine.query_url, year=year), VIEWS[view](engine_store, year=year))


def _councilkg(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "councilkg", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **(env or {})},
        check=False,
    )


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store folder holding the sample, for the command-line runs."""
    path = tmp_path_factory.mktemp("engines") / "store"
    done = _councilkg("ingest", "--sample", "--store", str(path), "-q")
    assert done.returncode == 0, done.stderr
    return path


def test_readme_virtuoso_recipes(store_dir: Path, seed_store: GraphStore) -> None:
    """The README's recipes, as written, on Virtuoso as installed: push
    (exit 0, one notice), the digest-authenticated endpoint with --user and
    the password from the environment, facts and validate of what it serves,
    and the bulk loader of the exported merge."""
    if why := _why_missing("virtuoso"):
        _require(why)
    with engines.virtuoso_server() as v:
        done = _councilkg("push", "--store", str(store_dir), "--endpoint", v.store_url)
        assert done.returncode == 0, done.stderr
        assert done.stderr.startswith("notice: the server took no default graph")
        assert "graph/all" in done.stderr and done.stdout.startswith("pushed 4 named graphs")
        gold = Path(__file__).parent / "data" / "000_e9c79a4311407cd1.gold.yaml"
        facts = _councilkg("facts", "--endpoint", v.query_url, "--compare", str(gold))
        assert facts.returncode == 0, facts.stdout + facts.stderr
        validated = _councilkg("validate", "--endpoint", v.query_url)
        # Virtuoso's "1"^^xsd:boolean is a lexical form of true: it conforms
        assert validated.returncode == 0, validated.stdout
        assert validated.stdout.startswith("conforms: 0 violations")

        graph = next(g for g in seed_store.graphs() if g.endswith("/reference"))
        refused = _councilkg(
            "push", "--store", str(store_dir), "--endpoint", v.auth_store_url, "--graph", graph
        )
        assert refused.returncode == 2 and "HTTP 401" in refused.stderr
        assert "--user" in refused.stderr
        authed = _councilkg(
            "push",
            "--store",
            str(store_dir),
            "--endpoint",
            v.auth_store_url,
            "--graph",
            graph,
            "--user",
            "dba",
            env={"COUNCILKG_PASSWORD": v.dba_password},
        )
        assert authed.returncode == 0, authed.stderr

    with engines.virtuoso_server() as v:
        merged = v.location / "all.nt"
        exported = _councilkg("export", "--store", str(store_dir), "--out", str(merged))
        assert exported.returncode == 0, exported.stderr
        load = subprocess.run(
            [
                "isql-vt",
                f"127.0.0.1:{v.isql_port}",
                "dba",
                v.dba_password,
                "exec=ld_dir('.', 'all.nt', 'https://w3id.org/councilkg/graph/all'); "
                "rdf_loader_run(); checkpoint;",
            ],
            capture_output=True,
            text=True,
            timeout=300,
            cwd=v.location,
            check=False,
        )
        assert load.returncode == 0 and "Error" not in load.stdout, load.stdout + load.stderr
        bound = cq.bind("votes-on-draft", {"symbol": "S/2020/797"})
        assert comparable(run_remote(v.query_url, bound)) == comparable(
            cq.run_embedded(seed_store, bound)
        )


README = Path(__file__).resolve().parents[1] / "README.md"
# The README's fixed ports and folders, and the engine each server line starts.
SERVER_LINES = {
    "scripts/oxigraph-serve.sh": ("7878", "/query"),
    "java ": ("3030", "/sparql"),
    "scripts/virtuoso-serve.sh": ("8890", "/sparql"),
}


def readme_engine_block() -> list[str]:
    """The command lines of the README's engine recipes (comments cut)."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index("### Other SPARQL engines") :]
    start = section.index("```sh\n") + len("```sh\n")
    block = section[start : section.index("```", start)]
    return [re.sub(r"\s+#\s.*$", "", line).strip() for line in block.splitlines() if line.strip()]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for(url: str, proc: subprocess.Popen[bytes], seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"the server of {url} exited with {proc.returncode}"
        try:
            if dataset_ready(url):
                return
        except OSError:
            pass
        time.sleep(0.2)
    pytest.fail(f"no answer from {url} within {seconds} s")


def dataset_ready(url: str) -> bool:
    from councilkg.queries.remote import select_remote

    return bool(select_remote(url, "ASK {}", 2).rows)


def test_readme_engine_block_runs_as_written(sample_store_path: Path, tmp_path: Path) -> None:
    """Every line of the README's engine recipes, in order, on free ports
    and throw-away folders: the servers start and answer, every councilkg
    command exits 0.  (The install line is ``make engines``'s.)"""
    for family in ("virtuoso", "jena"):
        if why := _why_missing(family):
            _require(why)
    lines = readme_engine_block()
    assert any(line.startswith("sudo scripts/install-engines.sh") for line in lines)
    ports = {fixed: str(_free_port()) for fixed in ("7878", "3030", "8890", "1111")}
    folders = {"/tmp/oxigraph": str(tmp_path / "oxigraph"), "/tmp/virtuoso": str(tmp_path / "v")}
    store = tmp_path / "store"
    shutil.copytree(sample_store_path, store)
    env = {**os.environ, "COUNCILKG_STORE": str(store)}
    env.pop("COUNCILKG_PASSWORD", None)  # the README line sets it
    servers: list[subprocess.Popen[bytes]] = []
    try:
        for line in lines:
            if line.startswith("sudo "):
                continue
            command = line
            for old, new in [*ports.items(), *folders.items()]:
                command = command.replace(old, new)
            started = next((v for k, v in SERVER_LINES.items() if line.startswith(k)), None)
            if started is not None:
                port, path = started
                proc = subprocess.Popen(
                    ["bash", "-c", f"exec {command}"],
                    cwd=README.parent,
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                    start_new_session=True,
                    preexec_fn=engines.die_with_parent,
                )
                servers.append(proc)
                _wait_for(f"http://127.0.0.1:{ports[port]}{path}", proc)
                continue
            assert ".venv/bin/councilkg " in command, line
            done = subprocess.run(
                ["bash", "-c", command],
                cwd=README.parent,
                env=env,
                capture_output=True,
                text=True,
                timeout=300,
                check=False,
            )
            assert done.returncode == 0, f"{line}\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
    finally:
        for proc in servers:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in servers:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
