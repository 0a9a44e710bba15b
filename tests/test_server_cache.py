"""The front's answer cache (:mod:`councilkg.server.cache`) on a real server:
a query asked again on the same store generation gets the same bytes without
a worker; what may differ between runs (volatile functions, graphs, errors,
timeouts) is never kept; a commit drops everything; an update or federated
endpoint keeps nothing."""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from councilkg.ingesting import load
from councilkg.resources import sample_path
from councilkg.server import RunningServer, ServerConfig, start_server
from councilkg.server.cache import ENTRY_OVERHEAD, ResultCache, cacheable
from councilkg.store import GraphStore

SELECT = "SELECT ?s WHERE { ?s a ?type } ORDER BY ?s LIMIT 5"
CROSS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
JSON = "application/sparql-results+json"


def _get(server: RunningServer, query: str, accept: str = JSON) -> tuple[int, bytes, str]:
    url = server.endpoint + "?query=" + urllib.parse.quote(query)
    request = urllib.request.Request(url, headers={"Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read(), response.headers.get("Server-Timing", "")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(), exc.headers.get("Server-Timing", "")


@pytest.fixture(scope="module")
def server(sample_store_path: Path) -> Iterator[RunningServer]:
    with start_server(sample_store_path, timeout_s=1.0, workers=2) as running:
        yield running


def test_a_query_asked_again_is_answered_from_the_cache_byte_for_byte(
    server: RunningServer,
) -> None:
    first = _get(server, SELECT)
    second = _get(server, SELECT)
    assert first[0] == second[0] == 200
    assert "query;dur=" in first[2] and second[2] == "cache;desc=hit"
    assert first[1] == second[1]
    # another format of the same query is another answer
    csv = _get(server, SELECT, "text/csv")
    assert csv[0] == 200 and "query;dur=" in csv[2] and csv[1] != first[1]


@pytest.mark.parametrize(
    "query",
    [
        "SELECT (RAND() AS ?r) WHERE {}",
        "SELECT (STRUUID() AS ?u) WHERE {}",
        "SELECT (now ( ) AS ?t) WHERE {}",
    ],
)
def test_a_volatile_query_is_run_every_time(server: RunningServer, query: str) -> None:
    answers = [_get(server, query) for _ in range(2)]
    assert all(status == 200 and "query;dur=" in timing for status, _, timing in answers)


def test_graphs_errors_and_timeouts_are_not_kept(server: RunningServer) -> None:
    construct = "CONSTRUCT { ?s a ?t } WHERE { ?s a ?t } LIMIT 3"
    for query, accept in ((construct, "text/turtle"), ("SELECT * WHERE {", JSON)):
        answers = [_get(server, query, accept) for _ in range(2)]
        assert all("cache" not in timing for _, _, timing in answers), answers
    pool = server.app.pool
    assert pool is not None
    before = pool.respawns
    for _ in range(2):
        status, body, _ = _get(server, CROSS)
        assert status == 503 and b"timed out" in body
    # each was run, and its worker killed and replaced
    assert pool.respawns >= before + 1


def test_a_commit_drops_what_was_kept(tmp_path: Path) -> None:
    path = tmp_path / "store"
    load([sample_path()], GraphStore(path), progress=False)
    count = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <urn:test:extra> { ?s ?p ?o } }"
    with start_server(path, workers=1, timeout_s=30) as running:
        assert b'"0"' in _get(running, count)[1]
        assert _get(running, count)[2] == "cache;desc=hit"
        writer = GraphStore(path)
        writer.replace_graph("urn:test:extra", ["<urn:test:s> <urn:test:p> <urn:test:o> .\n"])
        writer.flush()
        del writer
        pool = running.app.pool
        assert pool is not None
        pool._checked = float("-inf")  # look at the store now, not within the interval
        status, body, timing = _get(running, count)
    assert status == 200 and b'"1"' in body and "query;dur=" in timing


def test_no_cache_where_an_answer_may_change_or_when_turned_off(
    sample_store_path: Path,
) -> None:
    base = ServerConfig(store_path=sample_store_path)
    assert base.result_cache_size() > 0
    assert ServerConfig(store_path=sample_store_path, allow_update=True).result_cache_size() == 0
    assert ServerConfig(store_path=sample_store_path, allow_service=True).result_cache_size() == 0
    with start_server(sample_store_path, workers=1, result_cache_bytes=0) as running:
        answers = [_get(running, SELECT) for _ in range(2)]
    assert all("query;dur=" in timing for _, _, timing in answers)


def test_the_least_recently_used_answers_go_first_within_the_budget() -> None:
    entry = 100 + 2 + ENTRY_OVERHEAD  # body, query text ("q0"), overhead
    cache = ResultCache(8 * entry)  # an answer costs at most one eighth
    header = {"status": 200, "type": JSON}
    for i in range(10):
        cache.put("g1", (f"q{i}", "json", None, (), ()), header, bytes(100))
        cache.get("g1", ("q0", "json", None, (), ()))  # q0 stays in use
    assert cache.size <= 8 * entry
    assert cache.get("g1", ("q0", "json", None, (), ())) is not None
    assert cache.get("g1", ("q1", "json", None, (), ())) is None
    assert cache.get("g1", ("q9", "json", None, (), ())) is not None
    cache.put("g1", ("big", "json", None, (), ()), header, bytes(101))
    assert cache.get("g1", ("big", "json", None, (), ())) is None
    # a long query text counts, however small its answer
    cache.put("g1", ("x" * entry, "json", None, (), ()), header, b"{}")
    assert cache.get("g1", ("x" * entry, "json", None, (), ())) is None
    assert cache.get("g2", ("q9", "json", None, (), ())) is None and cache.size == 0
    assert not cacheable("SELECT (BNODE() AS ?b) {}", header)
    assert not cacheable("SELECT * {}", {"status": 200, "type": "text/turtle"})
    assert not cacheable("SELECT * {}", {"status": 500, "type": JSON})
