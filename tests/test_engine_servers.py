"""The engine servers of tests/engines.py themselves: that each answers the
protocols the comparison tests use, and, for Virtuoso, the behaviours "as
installed" that a client (councilkg's push and queries) must live with,
recorded as measured on Debian 12's virtuoso-opensource 7.2.5.1.

Skipped, naming scripts/install-engines.sh, when an engine is not installed.
"""

from __future__ import annotations

import base64
import json
import os
import socket
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from tests.engines import (
    JenaServer,
    VirtuosoServer,
    engines_available,
    jena_server,
    virtuoso_server,
)

pytestmark = [pytest.mark.engines, pytest.mark.xdist_group("engines")]

XSD = "http://www.w3.org/2001/XMLSchema#"
EX = "http://example.org/engines/"
SHARED = f"<{EX}s> <{EX}p> <{EX}o> .\n"  # stored in both g1 and g2
ONLY_G1 = f"<{EX}s> <{EX}only> <{EX}g1> .\n"
ONLY_G2 = f"<{EX}s> <{EX}only> <{EX}g2> .\n"
FIRST = f"<{EX}f> <{EX}version> <{EX}first> .\n"  # the PUT-then-replace tests' own
SECOND = f"<{EX}f> <{EX}version> <{EX}second> .\n"
TYPED = (
    f'<{EX}t> <{EX}flag> "true"^^<{XSD}boolean> .\n<{EX}t> <{EX}amount> "1.0"^^<{XSD}decimal> .\n'
)
NT = "application/n-triples"

Reply = tuple[int, dict[str, str], bytes]


def _skip_unless(engine: str) -> None:
    """Skip without the engine; fail instead where engines are required
    (``COUNCILKG_REQUIRE_ENGINES``: ``make test``, ``make test-engines``)."""
    why = engines_available()[engine]
    if why:
        if os.environ.get("COUNCILKG_REQUIRE_ENGINES"):
            pytest.fail(why)
        pytest.skip(why)


def http(
    method: str,
    url: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    *,
    opener: urllib.request.OpenerDirector | None = None,
) -> Reply:
    """One request: (status, headers lower-cased, body), errors included."""
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with (opener or urllib.request.build_opener()).open(request, timeout=60) as response:
            return (
                response.status,
                {k.lower(): v for k, v in response.headers.items()},
                (response.read()),
            )
    except urllib.error.HTTPError as exc:
        return exc.code, {k.lower(): v for k, v in exc.headers.items()}, exc.read()


def put_graph(store_url: str, graph: str, ntriples: str) -> int:
    """PUT ``ntriples`` as the named graph ``graph``: the HTTP status."""
    url = f"{store_url}?{urllib.parse.urlencode({'graph': graph})}"
    status, _, body = http("PUT", url, ntriples.encode(), {"Content-Type": NT})
    assert status in (200, 201, 204), body.decode("utf-8", "replace")
    return status


def select(query_url: str, query: str, **params: str | list[str]) -> list[dict[str, Any]]:
    """The JSON bindings of a SELECT (GET, extra protocol parameters as given)."""
    pairs: list[tuple[str, str]] = [("query", query)]
    for key, value in params.items():
        for one in [value] if isinstance(value, str) else value:
            pairs.append((key.replace("_", "-"), one))
    url = f"{query_url}?{urllib.parse.urlencode(pairs)}"
    status, _, body = http("GET", url, headers={"Accept": "application/sparql-results+json"})
    assert status == 200, body.decode("utf-8", "replace")
    bindings: list[dict[str, Any]] = json.loads(body)["results"]["bindings"]
    return bindings


def ask(query_url: str) -> bool:
    url = f"{query_url}?{urllib.parse.urlencode({'query': 'ASK {}'})}"
    status, _, body = http("GET", url, headers={"Accept": "application/sparql-results+json"})
    assert status == 200, body
    return bool(json.loads(body)["boolean"])


SHARED_ROWS = f"SELECT ?g WHERE {{ <{EX}s> <{EX}p> <{EX}o> }}"


# ---------------------------------------------------------------- Virtuoso


@pytest.fixture(scope="module")
def virtuoso() -> Iterator[VirtuosoServer]:
    """One throw-away Virtuoso for the module, with g1, g2 (sharing a triple)
    and a graph of typed literals pushed through the anonymous GSP endpoint."""
    _skip_unless("virtuoso")
    with virtuoso_server() as server:
        put_graph(server.store_url, f"{EX}g1", SHARED + ONLY_G1)
        put_graph(server.store_url, f"{EX}g2", SHARED + ONLY_G2)
        put_graph(server.store_url, f"{EX}typed", TYPED)
        yield server


def test_virtuoso_answers_ask(virtuoso: VirtuosoServer) -> None:
    assert ask(virtuoso.query_url)
    assert virtuoso.version.startswith("7.2")
    assert virtuoso.started_in < 60


def test_virtuoso_gsp_put_then_graph_select(virtuoso: VirtuosoServer) -> None:
    graph = f"{EX}fresh"
    assert put_graph(virtuoso.store_url, graph, FIRST) == 201
    rows = select(virtuoso.query_url, f"SELECT ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    assert [row["o"]["value"] for row in rows] == [f"{EX}first"]
    assert put_graph(virtuoso.store_url, graph, SECOND) == 200  # replaced (Jena: 204)
    rows = select(virtuoso.query_url, f"SELECT ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    assert [row["o"]["value"] for row in rows] == [f"{EX}second"]
    missing = f"{virtuoso.store_url}?{urllib.parse.urlencode({'graph': f'{EX}none'})}"
    assert http("GET", missing)[0] == 404


def test_virtuoso_put_default_graph_is_refused(virtuoso: VirtuosoServer) -> None:
    """As installed, no default graph is configured: GSP's ``?default`` is a 500."""
    status, _, body = http(
        "PUT", f"{virtuoso.store_url}?default", SHARED.encode(), {"Content-Type": NT}
    )
    text = body.decode("utf-8", "replace")
    assert status == 500
    assert "Error 22023" in text
    assert (
        'contains "default" param but the endpoint is not configured to have default graph' in text
    )


def test_virtuoso_unqualified_query_sees_every_graph_with_duplicates(
    virtuoso: VirtuosoServer,
) -> None:
    """An unqualified pattern matches in every graph: a triple stored in two
    graphs is two rows (the union is not an RDF merge)."""
    only = select(virtuoso.query_url, f"SELECT ?o WHERE {{ <{EX}s> <{EX}only> ?o }}")
    assert sorted(row["o"]["value"] for row in only) == [f"{EX}g1", f"{EX}g2"]
    assert len(select(virtuoso.query_url, SHARED_ROWS)) == 2


def test_virtuoso_two_default_graph_uris_keep_duplicates(virtuoso: VirtuosoServer) -> None:
    """``default-graph-uri=g1&default-graph-uri=g2`` is not the RDF merge either."""
    graphs = [f"{EX}g1", f"{EX}g2"]
    assert len(select(virtuoso.query_url, SHARED_ROWS, default_graph_uri=graphs)) == 2
    one = select(virtuoso.query_url, SHARED_ROWS, default_graph_uri=f"{EX}g1")
    assert len(one) == 1


def test_virtuoso_json_typed_literals(virtuoso: VirtuosoServer) -> None:
    """After a GSP PUT, ``"true"^^xsd:boolean`` and ``"1.0"^^xsd:decimal``
    come back as ``"1"``: Virtuoso stores them as numbers and loses the
    lexical form; the JSON type is the old ``typed-literal``."""
    rows = select(
        virtuoso.query_url, f"SELECT ?p ?o WHERE {{ GRAPH <{EX}typed> {{ <{EX}t> ?p ?o }} }}"
    )
    got = {row["p"]["value"].rsplit("/", 1)[1]: row["o"] for row in rows}
    assert got["flag"] == {"type": "typed-literal", "datatype": f"{XSD}boolean", "value": "1"}
    assert got["amount"] == {"type": "typed-literal", "datatype": f"{XSD}decimal", "value": "1"}


def test_virtuoso_auth_store_needs_digest(virtuoso: VirtuosoServer) -> None:
    """``/sparql-graph-crud-auth``: 401 without credentials, 401 with basic
    auth, 201 with digest auth as dba."""
    url = f"{virtuoso.auth_store_url}?{urllib.parse.urlencode({'graph': f'{EX}auth'})}"
    headers = {"Content-Type": NT}
    status, reply_headers, _ = http("PUT", url, ONLY_G1.encode(), headers)
    assert status == 401
    assert reply_headers["www-authenticate"].lower().startswith("digest")
    token = base64.b64encode(f"dba:{virtuoso.dba_password}".encode()).decode()
    status, _, _ = http(
        "PUT", url, ONLY_G1.encode(), {**headers, "Authorization": f"Basic {token}"}
    )
    assert status == 401
    passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
    passwords.add_password(None, virtuoso.base_url, "dba", virtuoso.dba_password)
    opener = urllib.request.build_opener(urllib.request.HTTPDigestAuthHandler(passwords))
    status, _, body = http("PUT", url, ONLY_G1.encode(), headers, opener=opener)
    assert status == 201, body
    rows = select(virtuoso.query_url, f"SELECT ?o WHERE {{ GRAPH <{EX}auth> {{ ?s ?p ?o }} }}")
    assert len(rows) == 1


# ---------------------------------------------------------------- Jena


@pytest.fixture(scope="module")
def jena() -> Iterator[JenaServer]:
    """One JenaServer (no union default graph) with g1 and g2 pushed."""
    _skip_unless("jena")
    with jena_server() as server:
        put_graph(server.store_url, f"{EX}g1", SHARED + ONLY_G1)
        put_graph(server.store_url, f"{EX}g2", SHARED + ONLY_G2)
        yield server


def test_jena_answers_ask(jena: JenaServer) -> None:
    assert ask(jena.query_url)
    assert jena.version.startswith("4.")


def test_jena_gsp_put_then_graph_select(jena: JenaServer) -> None:
    graph = f"{EX}fresh"
    assert put_graph(jena.store_url, graph, FIRST) == 201
    assert put_graph(jena.store_url, graph, SECOND) == 204  # replaced
    rows = select(jena.query_url, f"SELECT ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    assert [row["o"]["value"] for row in rows] == [f"{EX}second"]


def test_jena_default_graph_uri_selects_and_merges(jena: JenaServer) -> None:
    query = f"SELECT ?o WHERE {{ <{EX}s> ?p ?o }}"
    one = select(jena.query_url, query, default_graph_uri=f"{EX}g1")
    assert sorted(row["o"]["value"] for row in one) == [f"{EX}g1", f"{EX}o"]
    both = select(jena.query_url, query, default_graph_uri=[f"{EX}g1", f"{EX}g2"])
    assert sorted(row["o"]["value"] for row in both) == [f"{EX}g1", f"{EX}g2", f"{EX}o"]


def test_jena_unqualified_query_sees_only_the_default_graph(jena: JenaServer) -> None:
    assert select(jena.query_url, SHARED_ROWS) == []


def test_jena_errors(jena: JenaServer) -> None:
    bad = f"{jena.query_url}?{urllib.parse.urlencode({'query': 'SELECT * WHERE { ?s'})}"
    status, _, body = http("GET", bad)
    assert status == 400
    assert b"Encountered" in body
    missing = f"{jena.store_url}?{urllib.parse.urlencode({'graph': f'{EX}none'})}"
    assert http("GET", missing)[0] == 404


def test_jena_update_then_post_form_query(jena: JenaServer) -> None:
    update = f"INSERT DATA {{ GRAPH <{EX}up> {{ <{EX}a> <{EX}b> 1 }} }}"
    status, _, body = http(
        "POST", jena.update_url, update.encode(), {"Content-Type": "application/sparql-update"}
    )
    assert status in (200, 204), body
    form = urllib.parse.urlencode({"query": f"ASK {{ GRAPH <{EX}up> {{ ?s ?p 1 }} }}"})
    status, _, body = http(
        "POST",
        jena.query_url,
        form.encode(),
        {"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert status == 200
    assert json.loads(body)["boolean"] is True


def test_jena_union_default_graph() -> None:
    """With --union-default-graph, unqualified patterns see the named graphs'
    union, a triple in two graphs once (Jena's union is a set)."""
    _skip_unless("jena")
    with jena_server(union_default_graph=True) as server:
        put_graph(server.store_url, f"{EX}g1", SHARED + ONLY_G1)
        put_graph(server.store_url, f"{EX}g2", SHARED + ONLY_G2)
        assert len(select(server.query_url, SHARED_ROWS)) == 1
        only = select(server.query_url, f"SELECT ?o WHERE {{ <{EX}s> <{EX}only> ?o }}")
        assert sorted(row["o"]["value"] for row in only) == [f"{EX}g1", f"{EX}g2"]


def _gone(pid: int, base_url: str) -> bool:
    """The process has exited and nothing listens on its port any more."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        pass
    else:
        return False
    port = int(base_url.rsplit(":", 1)[1])
    with socket.socket() as s:
        s.settimeout(2)
        return s.connect_ex(("127.0.0.1", port)) != 0


def test_servers_leave_nothing_running() -> None:
    """Leaving the block stops the server and frees its port and folder."""
    available = engines_available()
    if not any(why is None for why in available.values()):
        _skip_unless("virtuoso")
    if available["virtuoso"] is None:
        with virtuoso_server() as virtuoso:
            pid, url, folder = virtuoso.pid, virtuoso.base_url, virtuoso.location
        assert _gone(pid, url)
        assert not folder.exists()
    if available["jena"] is None:
        with jena_server() as jena:
            pid, url, folder = jena.pid, jena.base_url, jena.location
        assert _gone(pid, url)
        assert not folder.exists()
