"""The SPARQL endpoint (``councilkg.server``), over real HTTP on 127.0.0.1.

A store is built from the seed in a temporary folder (``load`` into an
on-disk ``GraphStore``), and the real server (uvicorn and its worker
processes) is started on a free port of 127.0.0.1 by ``start_server`` with a
1 s timeout, a 1,000-result cap and a 20 kB request cap.  Clients are
``http.client`` and SPARQLWrapper.  Expected answers come from the same store
queried directly with pyoxigraph (read-only), so the tests check the
protocol, not the data.  Every server started here is stopped, and its worker
processes are checked to be gone.
"""

from __future__ import annotations

import csv
import http.client
import io
import json
import shutil
import time
import urllib.parse
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest
from SPARQLWrapper import JSON, POST, TURTLE, XML, SPARQLWrapper

from councilkg.ingest.iris import Minter
from councilkg.ingesting import load
from councilkg.server import RunningServer, start_server
from councilkg.server.negotiation import formats_from_param, negotiate_graph, negotiate_results
from councilkg.server.policy import inspect_request
from councilkg.store import GraphStore, published_digests

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "samples" / "000_e9c79a4311407cd1.txt"
CKG = "https://w3id.org/councilkg/ontology#"
SRX = "{http://www.w3.org/2005/sparql-results#}"
SD = "http://www.w3.org/ns/sparql-service-description#"

TIMEOUT_S = 1.0
MAX_RESULTS = 1000
MAX_REQUEST = 20_000

VOTES = f"""PREFIX ckg: <{CKG}>
SELECT ?member ?position WHERE {{
  ?draft ckg:symbol "S/2020/797" ; ckg:voteEvent ?ve .
  ?vote ckg:inVoteEvent ?ve ; ckg:voter ?member ; ckg:position ?position .
}} ORDER BY ?member"""
VOTE_GRAPH = f"""PREFIX ckg: <{CKG}>
CONSTRUCT {{ ?vote ?p ?o }} WHERE {{
  ?draft ckg:symbol "S/2020/797" ; ckg:voteEvent ?ve .
  ?vote ckg:inVoteEvent ?ve ; ?p ?o .
  FILTER(!isBlank(?o))
}}"""
# A cross join over all triples, three times: hours of work on this store.
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


# --------------------------------------------------------------------------
# Fixtures and helpers


def build_store(path: Path) -> Path:
    store = GraphStore(path)
    load([SEED], store=store, minter=Minter(), progress=False)
    store.flush()
    del store
    return path


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_store(tmp_path_factory.mktemp("srv") / "store")


@pytest.fixture(scope="module")
def direct(store_path: Path) -> ox.Store:
    """The same store, opened read-only in this process: the oracle."""
    return GraphStore(store_path, read_only=True).oxigraph


def _pids_gone(pids: list[int], within: float = 5.0) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if not any(Path(f"/proc/{p}").exists() for p in pids):
            return True
        time.sleep(0.05)
    return False


@pytest.fixture(scope="module")
def server(store_path: Path) -> Iterator[RunningServer]:
    srv = start_server(
        store_path,
        timeout_s=TIMEOUT_S,
        max_results=MAX_RESULTS,
        max_request_bytes=MAX_REQUEST,
        workers=2,
    )
    try:
        yield srv
    finally:
        pids = srv.worker_pids()
        srv.stop()
        assert _pids_gone(pids), f"worker processes left behind: {pids}"


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    def json(self) -> dict[str, object]:
        data: dict[str, object] = json.loads(self.body)
        return data


def call(
    srv: RunningServer,
    method: str = "GET",
    *,
    params: dict[str, str] | None = None,
    body: bytes | str | None = None,
    headers: dict[str, str] | None = None,
    path: str = "/sparql",
) -> Reply:
    target = path + ("?" + urllib.parse.urlencode(params) if params else "")
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=30)
    try:
        conn.request(method, target, body=body, headers=headers or {})
        resp = conn.getresponse()
        data = resp.read()
        return Reply(resp.status, {k.lower(): v for k, v in resp.getheaders()}, data)
    finally:
        conn.close()


def get(srv: RunningServer, query: str, accept: str | None = None, **params: str) -> Reply:
    headers = {"Accept": accept} if accept else {}
    return call(srv, params={"query": query, **params}, headers=headers)


def rows_json(reply: Reply) -> list[dict[str, str]]:
    assert reply.status == 200, reply.text
    data = json.loads(reply.body)
    return [{k: v["value"] for k, v in b.items()} for b in data["results"]["bindings"]]


def solutions(store: ox.Store, query: str) -> ox.QuerySolutions:
    result = store.query(query)
    assert isinstance(result, ox.QuerySolutions)
    return result


def triples(store: ox.Store, query: str) -> set[ox.Triple]:
    result = store.query(query)
    assert isinstance(result, ox.QueryTriples)
    return set(result)


def expected_rows(direct: ox.Store, query: str) -> list[dict[str, str]]:
    result = solutions(direct, query)
    names = [v.value for v in result.variables]
    rows = []
    for solution in result:
        row = {}
        for name in names:
            term = solution[name]
            if term is not None:
                row[name] = term.value
        rows.append(row)
    return rows


# --------------------------------------------------------------------------
# SELECT: methods and formats


def test_select_get_json(server: RunningServer, direct: ox.Store) -> None:
    reply = get(server, VOTES, "application/sparql-results+json")
    assert reply.headers["content-type"].startswith("application/sparql-results+json")
    rows = rows_json(reply)
    assert rows == expected_rows(direct, VOTES)
    assert len(rows) == 15
    assert reply.headers["access-control-allow-origin"] == "*"
    assert "x-councilkg-truncated" not in reply.headers


def test_select_post_direct_and_form(server: RunningServer, direct: ox.Store) -> None:
    want = expected_rows(direct, VOTES)
    direct_post = call(
        server, "POST", body=VOTES, headers={"Content-Type": "application/sparql-query"}
    )
    assert rows_json(direct_post) == want
    form = call(
        server,
        "POST",
        body=urllib.parse.urlencode({"query": VOTES}),
        headers={"Content-Type": "application/x-www-form-urlencoded; charset=UTF-8"},
    )
    assert rows_json(form) == want


def test_select_every_format_parses_to_the_same_rows(
    server: RunningServer, direct: ox.Store
) -> None:
    want = expected_rows(direct, VOTES)
    keyed = sorted((r["member"], r["position"]) for r in want)

    xml = get(server, VOTES, "application/sparql-results+xml")
    assert xml.status == 200
    assert xml.headers["content-type"].startswith("application/sparql-results+xml")
    root = ET.fromstring(xml.body)
    got = []
    for result in root.iter(f"{SRX}result"):
        values = {b.attrib["name"]: next(iter(b)).text or "" for b in result.iter(f"{SRX}binding")}
        got.append((values["member"], values["position"]))
    assert sorted(got) == keyed

    csv_reply = get(server, VOTES, "text/csv")
    assert csv_reply.headers["content-type"].startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(csv_reply.text)))
    assert sorted((r["member"], r["position"]) for r in table) == keyed

    tsv_reply = get(server, VOTES, "text/tab-separated-values")
    assert tsv_reply.headers["content-type"].startswith("text/tab-separated-values")
    lines = list(csv.reader(io.StringIO(tsv_reply.text), delimiter="\t"))
    assert lines[0] == ["?member", "?position"]
    assert sorted((m.strip("<>"), p.strip("<>")) for m, p in lines[1:]) == keyed


def test_format_parameter_overrides_accept(server: RunningServer) -> None:
    reply = get(server, VOTES, "application/sparql-results+json", format="csv")
    assert reply.status == 200
    assert reply.headers["content-type"].startswith("text/csv")
    assert get(server, VOTES, format="text/tab-separated-values").text.startswith("?member")
    bad = get(server, VOTES, format="yaml")
    assert bad.status == 400
    assert "unknown format 'yaml'" in bad.text


def test_no_acceptable_format_is_406(server: RunningServer) -> None:
    reply = get(server, VOTES, "image/png")
    assert reply.status == 406
    assert "acceptable format" in reply.text
    # a graph format only, for a SELECT: the worker says so
    reply = get(server, VOTES, "text/turtle")
    assert reply.status == 406
    assert "SELECT" in reply.text


def test_ask(server: RunningServer) -> None:
    yes = get(server, f'ASK {{ ?d <{CKG}symbol> "S/2020/797" }}', "application/sparql-results+json")
    assert yes.json()["boolean"] is True
    no = get(server, f'ASK {{ ?d <{CKG}symbol> "S/1900/1" }}', "application/sparql-results+xml")
    assert no.status == 200
    boolean = ET.fromstring(no.body).find(f"{SRX}boolean")
    assert boolean is not None and boolean.text == "false"


# --------------------------------------------------------------------------
# CONSTRUCT and DESCRIBE


def _triples(reply: Reply, fmt: ox.RdfFormat) -> set[ox.Triple]:
    assert reply.status == 200, reply.text
    return {q.triple for q in ox.parse(reply.body, format=fmt)}


def test_construct_formats_give_the_same_triples(server: RunningServer, direct: ox.Store) -> None:
    want = triples(direct, VOTE_GRAPH)
    assert len(want) > 50
    turtle = get(server, VOTE_GRAPH, "text/turtle")
    assert turtle.headers["content-type"].startswith("text/turtle")
    assert b"@prefix ckg:" in turtle.body  # the query's prefixes are kept
    assert _triples(turtle, ox.RdfFormat.TURTLE) == want
    nt = get(server, VOTE_GRAPH, "application/n-triples")
    assert nt.headers["content-type"].startswith("application/n-triples")
    assert _triples(nt, ox.RdfFormat.N_TRIPLES) == want
    jsonld = get(server, VOTE_GRAPH, "application/ld+json")
    assert jsonld.headers["content-type"].startswith("application/ld+json")
    json.loads(jsonld.body)
    assert _triples(jsonld, ox.RdfFormat.JSON_LD) == want
    rdfxml = get(server, VOTE_GRAPH, "application/rdf+xml")
    assert _triples(rdfxml, ox.RdfFormat.RDF_XML) == want
    default = get(server, VOTE_GRAPH)
    assert default.headers["content-type"].startswith("text/turtle")


def test_describe(server: RunningServer) -> None:
    reply = get(server, "DESCRIBE <https://w3id.org/councilkg/id/state/FRA>", "text/turtle")
    triples = _triples(reply, ox.RdfFormat.TURTLE)
    assert triples
    assert {t.subject for t in triples} == {ox.NamedNode("https://w3id.org/councilkg/id/state/FRA")}


def test_sparqlwrapper(server: RunningServer, direct: ox.Store) -> None:
    sw = SPARQLWrapper(server.endpoint)
    sw.setQuery(VOTES)
    sw.setReturnFormat(JSON)
    data = sw.query().convert()
    assert isinstance(data, dict)
    got = [{k: v["value"] for k, v in b.items()} for b in data["results"]["bindings"]]
    assert got == expected_rows(direct, VOTES)

    sw = SPARQLWrapper(server.endpoint)
    sw.setMethod(POST)
    sw.setQuery(f'ASK {{ ?d <{CKG}symbol> "S/2020/797" }}')
    sw.setReturnFormat(JSON)
    ask = sw.query().convert()
    assert isinstance(ask, dict) and ask["boolean"] is True

    sw = SPARQLWrapper(server.endpoint)
    sw.setQuery(VOTE_GRAPH)
    sw.setReturnFormat(TURTLE)
    turtle = sw.query().convert()
    assert isinstance(turtle, bytes)
    got_triples = {q.triple for q in ox.parse(turtle, format=ox.RdfFormat.TURTLE)}
    assert got_triples == triples(direct, VOTE_GRAPH)

    sw = SPARQLWrapper(server.endpoint)
    sw.setQuery(VOTES)
    sw.setReturnFormat(XML)  # SPARQL results XML, parsed into a DOM
    dom = sw.query().convert()
    assert len(dom.getElementsByTagName("result")) == len(got)  # type: ignore[union-attr]


# --------------------------------------------------------------------------
# Service description, CORS, routing


def test_service_description(server: RunningServer, direct: ox.Store) -> None:
    reply = call(server, headers={"Accept": "text/turtle"})
    assert reply.status == 200
    assert reply.headers["content-type"].startswith("text/turtle")
    graph = ox.Store()
    graph.load(reply.body, format=ox.RdfFormat.TURTLE)
    endpoint = ox.NamedNode(server.endpoint)
    assert graph.query(
        f"ASK {{ <{server.endpoint}> a <{SD}Service> ; <{SD}endpoint> <{server.endpoint}> ;"
        f" <{SD}supportedLanguage> <{SD}SPARQL11Query> ;"
        f" <{SD}resultFormat> <http://www.w3.org/ns/formats/SPARQL_Results_JSON>,"
        f" <http://www.w3.org/ns/formats/Turtle> }}"
    )
    # read-only: no update language, no federation
    assert not graph.query(f"ASK {{ ?s <{SD}supportedLanguage> <{SD}SPARQL11Update> }}")
    assert not graph.query(f"ASK {{ ?s <{SD}feature> <{SD}BasicFederatedQuery> }}")
    # the default dataset: the default graph and each named graph, with counts
    counts = {
        s["name"].value if s["name"] else "": int(s["n"].value)
        for s in solutions(
            graph,
            f"SELECT ?name ?n WHERE {{ <{server.endpoint}> <{SD}defaultDataset> ?ds . "
            f"{{ ?ds <{SD}defaultGraph> ?g }} UNION {{ ?ds <{SD}namedGraph> ?ng . "
            f"?ng <{SD}name> ?name ; <{SD}graph> ?g }} "
            "?g <http://rdfs.org/ns/void#triples> ?n }",
        )
    }
    assert counts[""] == sum(
        1 for _ in direct.quads_for_pattern(None, None, None, ox.DefaultGraph())
    )
    assert set(counts) - {""} == {
        g.value for g in direct.named_graphs() if isinstance(g, ox.NamedNode)
    }
    assert any(t.subject == endpoint for t in graph)
    jsonld = call(server, headers={"Accept": "application/ld+json"})
    assert jsonld.headers["content-type"].startswith("application/ld+json")
    assert len(list(ox.parse(jsonld.body, format=ox.RdfFormat.JSON_LD))) == len(graph)


def test_cors_and_preflight(server: RunningServer) -> None:
    reply = call(
        server,
        "OPTIONS",
        headers={
            "Origin": "https://example.org",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert reply.status == 204
    assert reply.headers["access-control-allow-origin"] == "*"
    assert "POST" in reply.headers["access-control-allow-methods"]
    assert "content-type" in reply.headers["access-control-allow-headers"].lower()
    # errors carry CORS headers too, so a browser can read the message
    error = get(server, "SELECT * {", "application/sparql-results+json")
    assert error.headers["access-control-allow-origin"] == "*"
    assert "x-councilkg-truncated" in error.headers["access-control-expose-headers"].lower()


def test_unknown_path_method_and_content_type(server: RunningServer) -> None:
    assert call(server, path="/nowhere").status == 404
    assert call(server, "DELETE").status == 405
    reply = call(server, "POST", body=VOTES, headers={"Content-Type": "text/plain"})
    assert reply.status == 415
    assert "application/sparql-query" in reply.text


# --------------------------------------------------------------------------
# Policy: updates, LOAD and SERVICE


UPDATE_REFUSED = "SPARQL Update is disabled: this endpoint is read-only"
LOAD_REFUSED = "LOAD is disabled"
SERVICE_REFUSED = "SERVICE (federated query) is disabled"


def _count(direct: ox.Store) -> int:
    return len(direct)


def test_update_is_refused(server: RunningServer, direct: ox.Store) -> None:
    before = _count(direct)
    insert = "INSERT DATA { <urn:x:a> <urn:x:b> <urn:x:c> }"
    replies = [
        call(
            server,
            "POST",
            body=urllib.parse.urlencode({"update": insert}),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        ),
        call(server, "POST", body=insert, headers={"Content-Type": "application/sparql-update"}),
        call(server, params={"update": insert}),
        get(server, insert),  # update text sent as a query
        get(server, "PREFIX x: <urn:x:>\nDELETE WHERE { ?s ?p ?o }"),
    ]
    for reply in replies:
        assert reply.status == 403, reply.text
        assert UPDATE_REFUSED in reply.text
    assert _count(direct) == before
    assert get(server, "ASK { <urn:x:a> ?p ?o }").json()["boolean"] is False


def test_load_is_refused(server: RunningServer) -> None:
    for text in ("LOAD <http://127.0.0.1:9/data.ttl>", "load silent <http://127.0.0.1:9/x>"):
        reply = call(
            server, "POST", body=text, headers={"Content-Type": "application/sparql-update"}
        )
        assert reply.status == 403
        assert reply.text.startswith(LOAD_REFUSED)
        assert get(server, text).status == 403


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        "select * where { service silent <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { SERVICEsilent <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { ?s ?p ?o . # a comment\n SERVICE ?ep { ?s ?p ?o } }",
        'SELECT * WHERE { ?s ?p "a" SERVICE <http://127.0.0.1:9/> { } }',
    ],
)
def test_service_is_refused(server: RunningServer, query: str) -> None:
    reply = get(server, query)
    assert reply.status == 403
    assert SERVICE_REFUSED in reply.text


@pytest.mark.parametrize(
    "query",
    [
        'SELECT ?s WHERE { ?s ?p "SERVICE <http://127.0.0.1:9/> { ?s ?p ?o }" }',
        "SELECT ?s WHERE { ?s ?p '''LOAD and SERVICE''' }",
        'SELECT ?s WHERE { ?s ?p "say \\"SERVICE\\"" }',
        "SELECT ?s WHERE { ?s ?p <urn:none> } # SERVICE <http://127.0.0.1:9/> {}",
        "SELECT ?service WHERE { ?service ?p <urn:SERVICE> }",
        "PREFIX service: <urn:x:> SELECT ?s WHERE { ?s service:SERVICE ?o }",
    ],
)
def test_service_word_elsewhere_is_accepted(server: RunningServer, query: str) -> None:
    reply = get(server, query, "application/sparql-results+json")
    assert reply.status == 200, reply.text
    assert rows_json(reply) == []


@pytest.mark.parametrize(
    ("text", "service", "load", "form"),
    [
        ("SELECT * { SERVICE <x:> {} }", True, False, "SELECT"),
        ("SELECT * { ?s ?p 'SERVICE' }", False, False, "SELECT"),
        ('SELECT * { ?s ?p """x"SERVICE""" }', False, False, "SELECT"),
        ("SELECT * { ?s ?p 1SERVICE <x:> {} }", True, False, "SELECT"),
        ("SELECT * { ?s ?p trueSERVICE <x:> {} }", True, False, "SELECT"),
        ("SELECT * { ?s ?p _:SERVICE, ex:a.SERVICE, 'x'@en-SERVICE }", False, False, "SELECT"),
        ("BASE <x:> PREFIX : <y:> LOAD <z:>", False, True, "LOAD"),
        ("PREFIX : <y:> INSERTDATA {}", False, False, "INSERT"),
        ("# comment\nconstruct where { ?s ?p ?o }", False, False, "CONSTRUCT"),
        ("SELECT * { <urn:a#SERVICE> ?p ?o }", False, False, "SELECT"),
    ],
)
def test_policy_lexer(text: str, service: bool, load: bool, form: str) -> None:
    shape = inspect_request(text)
    assert (shape.service, shape.load, shape.form) == (service, load, form)


# --------------------------------------------------------------------------
# Errors and limits


def test_malformed_query_is_400_with_the_parser_message(server: RunningServer) -> None:
    reply = get(server, "SELECT * WHERE { ?s ?p }")
    assert reply.status == 400
    assert reply.text.startswith("malformed query: error at 1:")
    assert reply.headers["content-type"].startswith("text/plain")


def test_timeout_stops_the_query(server: RunningServer) -> None:
    before = set(server.worker_pids())
    t0 = time.monotonic()
    reply = get(server, SLOW)
    elapsed = time.monotonic() - t0
    assert reply.status == 503
    assert f"query timed out after {TIMEOUT_S:g} s and was stopped" in reply.text
    assert TIMEOUT_S <= elapsed < TIMEOUT_S + 3
    # the worker that ran it is gone (killed, reaped): it burns no more CPU
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        killed = before - set(server.worker_pids())
        if killed and _pids_gone(sorted(killed), within=0.1):
            break
        time.sleep(0.05)
    else:
        pytest.fail("the timed-out worker is still alive")
    # and the server answers the next query at once
    t0 = time.monotonic()
    assert rows_json(get(server, VOTES)) != []
    assert time.monotonic() - t0 < 1.0
    # two at once: both stopped, and the pool is whole again afterwards
    import concurrent.futures

    with concurrent.futures.ThreadPoolExecutor(2) as ex:
        replies = list(ex.map(lambda _: get(server, SLOW), range(2)))
    assert [r.status for r in replies] == [503, 503]
    deadline = time.monotonic() + 30
    while len(server.worker_pids()) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(server.worker_pids()) == 2
    assert rows_json(get(server, VOTES)) != []


def test_result_cap_truncates_with_headers(server: RunningServer, direct: ox.Store) -> None:
    everything = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
    assert len(direct) > MAX_RESULTS
    for accept in ("application/sparql-results+json", "text/csv", "text/tab-separated-values"):
        reply = get(server, everything, accept)
        assert reply.status == 200
        assert reply.headers["x-councilkg-truncated"] == "true"
        assert reply.headers["x-councilkg-max-results"] == str(MAX_RESULTS)
        assert "truncated" in reply.headers["warning"]
        if accept.endswith("json"):
            assert len(rows_json(reply)) == MAX_RESULTS
        elif accept == "text/csv":  # a literal may hold line breaks (quoted in CSV)
            assert len(list(csv.reader(io.StringIO(reply.text)))) == MAX_RESULTS + 1
        else:  # TSV escapes them: one line a row
            assert len(reply.text.splitlines()) == MAX_RESULTS + 1
    graph = get(server, "CONSTRUCT WHERE { ?s ?p ?o }", "text/turtle")
    assert graph.headers["x-councilkg-truncated"] == "true"
    assert len(_triples(graph, ox.RdfFormat.TURTLE)) == MAX_RESULTS
    # exactly at the cap: complete, so not marked
    exact = get(server, everything + f" LIMIT {MAX_RESULTS}", "application/sparql-results+json")
    assert len(rows_json(exact)) == MAX_RESULTS
    assert "x-councilkg-truncated" not in exact.headers


def test_request_size_cap(server: RunningServer) -> None:
    padding = "#" + "x" * MAX_REQUEST + "\n"
    big = call(
        server,
        "POST",
        body=padding + "ASK {}",
        headers={"Content-Type": "application/sparql-query"},
    )
    assert big.status == 413
    assert "request body too large" in big.text
    form = call(
        server,
        "POST",
        body=urllib.parse.urlencode({"query": padding + "ASK {}"}),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert form.status == 413
    assert get(server, padding + "ASK {}").status == 414
    # just under the cap is fine
    small = call(
        server,
        "POST",
        body="#" + "x" * (MAX_REQUEST // 2) + "\nASK {}",
        headers={"Content-Type": "application/sparql-query"},
    )
    assert small.status == 200


# --------------------------------------------------------------------------
# Updates enabled, and a clean stop


def test_updates_when_enabled_and_a_clean_stop(store_path: Path, tmp_path: Path) -> None:
    copy = tmp_path / "store"
    shutil.copytree(store_path, copy)
    srv = start_server(copy, allow_update=True, timeout_s=10.0)
    pids = srv.worker_pids()
    try:
        assert len(pids) == 1  # one read-write handle
        insert = "INSERT DATA { <urn:x:a> <urn:x:b> <urn:x:c> }"
        reply = call(
            srv, "POST", body=insert, headers={"Content-Type": "application/sparql-update"}
        )
        assert reply.status == 204, reply.text
        assert get(srv, "ASK { <urn:x:a> <urn:x:b> <urn:x:c> }").json()["boolean"] is True
        # No digest describes a graph any more: the next ingest writes every
        # graph again and the search index reads every graph again.
        assert published_digests(copy) and not any(published_digests(copy).values())
        # LOAD and SERVICE stay refused unless enabled on their own
        load = call(
            srv,
            "POST",
            body="LOAD <http://127.0.0.1:9/x.ttl>",
            headers={"Content-Type": "application/sparql-update"},
        )
        assert load.status == 403
        assert load.text.startswith(LOAD_REFUSED)
        service = call(
            srv,
            "POST",
            body="INSERT { ?s ?p ?o } WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
            headers={"Content-Type": "application/sparql-update"},
        )
        assert service.status == 403
        assert SERVICE_REFUSED in service.text
        sd = call(srv, headers={"Accept": "text/turtle"})
        assert f"<{SD}SPARQL11Update>".encode() in sd.body or b"sd:SPARQL11Update" in sd.body
        # GET updates stay refused (the protocol wants POST)
        assert call(srv, params={"update": insert}).status == 405
    finally:
        srv.stop()
    assert _pids_gone(pids), f"worker processes left behind: {pids}"
    assert not srv._thread.is_alive()


# --------------------------------------------------------------------------
# Content negotiation (units)


@pytest.mark.parametrize(
    ("accept", "results", "graph"),
    [
        (None, "json", "turtle"),
        ("*/*", "json", "turtle"),
        ("text/csv, */*;q=0.1", "csv", "turtle"),
        ("application/sparql-results+xml;q=0.5, text/tab-separated-values", "tsv", None),
        ("application/json", "json", "jsonld"),
        ("text/*", "xml", "turtle"),  # text/xml, before text/csv in the server's order
        ("application/n-triples, text/turtle;q=0.9", None, "ntriples"),
        ("text/html", None, None),
        ("application/sparql-results+json;q=0, */*", "xml", "turtle"),
        (
            "application/sparql-results+json,application/json,text/javascript,"
            "application/javascript",
            "json",
            "jsonld",
        ),
    ],
)
def test_negotiation(accept: str | None, results: str | None, graph: str | None) -> None:
    assert negotiate_results(accept) == results
    assert negotiate_graph(accept) == graph


def test_format_parameter_values() -> None:
    assert formats_from_param("json") == ("json", "jsonld")
    assert formats_from_param("XML") == ("xml", "rdfxml")
    assert formats_from_param("turtle") == (None, "turtle")
    assert formats_from_param("application/n-triples") == (None, "ntriples")


def test_protocol_dataset_parameters(server: RunningServer, direct: ox.Store) -> None:
    graph = str(Minter().reference_graph())
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    reply = call(server, params={"query": count, "default-graph-uri": graph})
    want = sum(1 for _ in direct.quads_for_pattern(None, None, None, ox.NamedNode(graph)))
    assert rows_json(reply) == [{"n": str(want)}]
    named = call(
        server,
        params={
            "query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
            "named-graph-uri": graph,
        },
    )
    assert rows_json(named) == [{"g": graph}]
    bad = call(server, params={"query": count, "default-graph-uri": "not an iri"})
    assert bad.status == 400
    assert "default-graph-uri" in bad.text
