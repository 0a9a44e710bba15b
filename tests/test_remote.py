"""Prepared queries on a real, independent SPARQL server.

The session starts ``oxigraph serve`` (the server of the PyPI package
``oxigraph``) on 127.0.0.1, pushes the seed's graphs into it by the Graph
Store Protocol (:func:`councilkg.push.push`), and runs every prepared query
through SPARQLWrapper: the rows must equal the embedded store's.

Without the binary the tests are skipped locally with the install hint;
under CI (``CI`` or ``COUNCILKG_REQUIRE_SERVER`` set) a missing binary fails.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from councilkg import queries as cq
from councilkg.ingest.rdf import POSITION
from councilkg.push import Credentials, PushError, error_cause, graph_url, merged_graph, push
from councilkg.queries.remote import RemoteError, run_remote, select_remote
from councilkg.store import GraphStore
from tests.oxigraph_server import INSTALL_HINT, OxigraphServer, find_oxigraph, oxigraph_server
from tests.test_queries import comparable

POSITION_KEY = {str(iri): key for key, iri in POSITION.items()}


@pytest.fixture(scope="session")
def server() -> Iterator[OxigraphServer]:
    """A real ``oxigraph serve`` for the session."""
    if find_oxigraph() is None:
        if os.environ.get("CI") or os.environ.get("COUNCILKG_REQUIRE_SERVER"):
            pytest.fail(f"no oxigraph server binary: {INSTALL_HINT}")
        pytest.skip(f"no oxigraph server binary: {INSTALL_HINT}")
    with oxigraph_server() as srv:
        yield srv


@pytest.fixture(scope="session")
def pushed(server: OxigraphServer, seed_store: GraphStore) -> OxigraphServer:
    """The server holding the seed's graphs (source, reference, ontology) and their merge."""
    push(seed_store, server.store_url, batch_triples=1000)
    return server


def count(endpoint: str, graph: str | None = None) -> int:
    pattern = "?s ?p ?o" if graph is None else f"GRAPH <{graph}> {{ ?s ?p ?o }}"
    result = select_remote(endpoint, f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}")
    return int(result.rows[0][0].value)  # type: ignore[union-attr]


@pytest.mark.parametrize("query", cq.catalogue(), ids=lambda q: q.name)
def test_every_prepared_query_answers_as_embedded(
    pushed: OxigraphServer, seed_store: GraphStore, query: cq.PreparedQuery
) -> None:
    bound = cq.bind(query, query.examples())
    remote = run_remote(pushed.query_url, bound)
    embedded = cq.run_embedded(seed_store, bound)
    assert remote.variables == embedded.variables == query.columns
    assert len(remote) > 0
    assert comparable(remote) == comparable(embedded)


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("meetings-by-item", {}),
        ("videoconferences-by-item", {"item": "在维护国际和平与安全过程中增进和加强法治"}),
        ("invitations", {}),
        ("co-voting", {}),
        ("failed-drafts", {"year": "2019"}),
        ("positions-of-state", {"state": "Russian Federation"}),
        ("letters-by-state", {"state": "比利时"}),
        ("state-activity", {"state": "CHN"}),
        ("documents-citing", {"symbol": "A/75/2"}),
        ("cited-by", {"symbol": "S/RES/2231(2015)"}),
        ("item-timeline", {"item": "rule-of-law"}),
    ],
)
def test_other_bindings_answer_as_embedded(
    pushed: OxigraphServer, seed_store: GraphStore, name: str, params: dict[str, str]
) -> None:
    bound = cq.bind(name, params)
    assert comparable(run_remote(pushed.query_url, bound)) == comparable(
        cq.run_embedded(seed_store, bound)
    )


def test_acceptance_votes_on_draft_json(
    pushed: OxigraphServer, seed_store: GraphStore, gold: dict[str, Any]
) -> None:
    """``councilkg query votes-on-draft --param symbol=S/2020/797 --format json``,
    from the store and from the server: the 15 members with the gold positions."""
    vote = gold["votes"][0]
    want = {s: k for k in ("for", "against", "abstaining") for s in vote[k]}
    bound = cq.bind("votes-on-draft", {"symbol": vote["draft"]})
    docs = [
        json.loads(cq.run_embedded(seed_store, bound).to_json()),
        json.loads(run_remote(pushed.query_url, bound).to_json()),
    ]
    for doc in docs:
        bindings = doc["results"]["bindings"]
        assert len(bindings) == 15
        got = {b["iso3"]["value"]: POSITION_KEY[b["position"]["value"]] for b in bindings}
        assert got == want
    assert docs[0] == docs[1]


def test_remote_table_has_labels(pushed: OxigraphServer) -> None:
    bound = cq.bind("votes-on-draft", {"symbol": "S/2020/797"})
    table = run_remote(pushed.query_url, bound, labels=True).to_table("zh")
    assert "中国" in table and "反对" in table


def test_push_holds_the_named_graphs_and_their_merge(
    pushed: OxigraphServer, seed_store: GraphStore
) -> None:
    for graph in seed_store.graphs():
        assert count(pushed.query_url, graph) == seed_store.count(graph)
    assert count(pushed.query_url) == seed_store.count()  # the default graph: the merge
    merged = merged_graph(seed_store.graphs())
    assert merged == "https://w3id.org/councilkg/graph/all"
    assert count(pushed.query_url, merged) == seed_store.count()  # and the named merge


def test_push_twice_changes_nothing(pushed: OxigraphServer, seed_store: GraphStore) -> None:
    before = {g: count(pushed.query_url, g) for g in seed_store.graphs()}
    total = count(pushed.query_url)
    report = push(seed_store, pushed.store_url, batch_triples=700)
    assert {g: count(pushed.query_url, g) for g in seed_store.graphs()} == before
    assert count(pushed.query_url) == total
    # PUT for the first batch of each graph, POST for the others
    for g in report.graphs:
        assert g.batches == max(1, math.ceil(g.triples / 700))
    # the named graphs, the named merge and the default graph (the merge)
    assert report.triples == sum(before.values()) + 2 * total


def test_dry_run_sends_nothing(server: OxigraphServer, seed_store: GraphStore) -> None:
    graph = next(g for g in seed_store.graphs() if g.endswith("/reference"))
    sent: list[tuple[str, str, int]] = []
    before = count(server.query_url, graph)
    report = push(
        seed_store,
        server.store_url,
        graph=graph,
        batch_triples=1000,
        dry_run=True,
        on_request=lambda *r: sent.append(r),
    )
    assert count(server.query_url, graph) == before
    assert report.dry_run and report.summary().startswith("would push 1 named graph")
    n = seed_store.count(graph)
    assert [m for m, _, _ in sent] == ["PUT"] + ["POST"] * (math.ceil(n / 1000) - 1)
    assert sum(t for _, _, t in sent) == n
    assert {u for _, u, _ in sent} == {graph_url(server.store_url, graph)}


def test_error_cause_is_whole() -> None:
    """The server's message in full (tags and entities out), cut at a word
    only past the limit; the cut Virtuoso message of the issue had lost its
    cause."""
    body = (
        b"<html><head><title>x</title></head><body><h1>Error</h1>"
        b"<p>Virtuoso 22023 Error SR636: The request contains &quot;default&quot; "
        b"param but the endpoint is not configured to have default graph</p></body></html>"
    )
    cause = error_cause(body)
    assert cause.startswith("Error Virtuoso 22023")
    assert cause.endswith("the endpoint is not configured to have default graph")
    assert '"default"' in cause
    assert error_cause(b"word " * 2000, limit=100).endswith(" […]")


def test_push_one_graph(server: OxigraphServer, seed_store: GraphStore) -> None:
    graph = next(g for g in seed_store.graphs() if g.endswith("/reference"))
    report = push(seed_store, server.store_url, graph=graph)
    assert [g.graph for g in report.graphs] == [graph]
    assert count(server.query_url, graph) == seed_store.count(graph)
    with pytest.raises(ValueError, match="no graph"):
        push(seed_store, server.store_url, graph="https://example.org/none")


def test_unreachable_endpoints_are_clear_errors(seed_store: GraphStore) -> None:
    dead = "http://127.0.0.1:9/store"  # the discard port: nothing listens
    with pytest.raises(PushError, match="cannot reach"):
        push(seed_store, dead, graph=seed_store.graphs()[0], timeout=5)
    with pytest.raises(RemoteError):
        run_remote("http://127.0.0.1:9/query", cq.bind("co-voting", {}), timeout=5)


def test_graph_store_urls() -> None:
    assert graph_url("http://h/store", None) == "http://h/store?default"
    assert (
        graph_url("http://h/ds/data?x=1", "https://w3id.org/councilkg/graph/reference")
        == "http://h/ds/data?x=1&graph=https%3A%2F%2Fw3id.org%2Fcouncilkg%2Fgraph%2Freference"
    )


def test_credentials_from_environment_or_netrc(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    endpoint = "http://db.example:8890/sparql-graph-crud-auth"
    netrc_file = tmp_path / "netrc"
    netrc_file.write_text("machine db.example login dba password s3cret\n", encoding="utf-8")
    netrc_file.chmod(0o600)
    monkeypatch.delenv("COUNCILKG_PASSWORD", raising=False)
    assert Credentials.find(endpoint, None, netrc_file=str(netrc_file)) == Credentials(
        "dba", "s3cret"
    )
    assert Credentials.find(endpoint, "dba", netrc_file=str(netrc_file)) == Credentials(
        "dba", "s3cret"
    )
    monkeypatch.setenv("COUNCILKG_PASSWORD", "from-env")
    assert Credentials.find(endpoint, "alice", netrc_file=str(netrc_file)) == Credentials(
        "alice", "from-env"
    )
    monkeypatch.delenv("COUNCILKG_PASSWORD")
    with pytest.raises(PushError, match="no password for 'bob'"):
        Credentials.find(endpoint, "bob", netrc_file=str(netrc_file))
    assert Credentials.find("http://other.example/", None, netrc_file=str(netrc_file)) is None
