"""Hostile requests that must not stall or crash the server: each check on a
request runs in time linear in its size, and what would crash a worker is
refused before a worker sees it.

The policy's lexer runs in the front process, before any worker and outside
the query timeout, so a request that made it slow would stall every client
(``a.a.a.…`` after a ``LOAD`` in a comment once made it quadratic: 64 KB took
17 s).  Sizes are compared within one run (a ratio, not a wall-clock bound):
eight times the text must take well under the 64 times a quadratic scan needs.
"""

from __future__ import annotations

import gzip
import http.client
import json
import os
import shutil
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from councilkg.ingesting import load
from councilkg.resources import sample_path
from councilkg.server import RunningServer, ServerConfig, policy, start_server
from councilkg.server.pool import FOLLOW_INTERVAL_S
from councilkg.server.protocol import MAX_URL_BYTES, Limits
from councilkg.store import GraphStore

# Texts that defeat a lexer which rescans a run of name characters from each
# position in it, each as a function of a repeat count.
HOSTILE: dict[str, Callable[[int], str]] = {
    "dotted run": lambda n: "# LOAD\n" + "a." * n,
    "dotted run before a colon": lambda n: "# LOAD\n-" + "a." * n + ":",
    "prefixed names": lambda n: "# SERVICE\n" + "a:" * n,
    "open IRIs": lambda n: "# LOAD\n" + "<a" * n,
    "open strings": lambda n: "# LOAD\n" + "'a" * n,
    "numbers": lambda n: "# LOAD\n" + "1." * n,
    "blank nodes": lambda n: "# LOAD\n" + "_:a." * n,
}


def _best_of(runs: int, fn: Callable[[], object]) -> float:
    """The least CPU time of this thread ``fn`` took in ``runs`` runs: CPU
    time, not elapsed time, so that other processes sharing the machine
    (a parallel test run) do not count."""
    best = float("inf")
    for _ in range(runs):
        start = time.thread_time()
        fn()
        best = min(best, time.thread_time() - start)
    return best


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_request_inspection_is_linear(name: str) -> None:
    make = HOSTILE[name]
    # Both sizes past the step some inputs take once (blank nodes between
    # 16k and 32k units: 2.8 → 24 ms; prefixed names between 32k and 64k:
    # 4 → 24 ms; linear on either side): the test is about the growth, and
    # a step between the sizes read as 17-30× where the growth is 8×.
    small, large = make(64_000), make(512_000)
    t_small = _best_of(5, lambda: policy.inspect_request(small))
    t_large = _best_of(3, lambda: policy.inspect_request(large))
    ratio = t_large / max(t_small, 2e-3)  # a floor: timer noise on tiny times
    assert ratio < 24, f"{name}: 8× the text took {ratio:.1f}× the time (quadratic: 64×)"


def _reference_tokens(text: str) -> list[tuple[str, str]]:
    """The plain alternation, tried at every position: the specification the
    linear lexer must agree with."""
    out: list[tuple[str, str]] = []
    pos = 0
    while pos < len(text):
        m = policy._TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            out.append(("other", text[pos]))
            pos += 1
            continue
        if m.lastgroup not in ("ws", "comment"):
            out.append((m.lastgroup or "other", m.group()))
        pos = m.end()
    return out


PIECES = st.sampled_from(
    [*"a.:_-1 <>{}'\"#\n?$@SE\\%·é", "SERVICE", "LOAD", "ex:", "PREFIX ", "a.b", '"""']
)


@settings(max_examples=500, deadline=None)
@given(st.lists(PIECES, max_size=40).map("".join))
def test_linear_lexer_agrees_with_the_grammar(text: str) -> None:
    assert policy.keywords(text) == _reference_tokens(text)


# -- against a running server ---------------------------------------------------


@pytest.fixture(scope="module")
def server(sample_store_path: Path) -> Iterator[RunningServer]:
    with start_server(sample_store_path, timeout_s=10.0, workers=1) as running:
        yield running


def _post(server: RunningServer, body: str, content_type: str) -> tuple[int, str]:
    request = urllib.request.Request(
        server.endpoint,
        data=body.encode("utf-8"),
        headers={"Content-Type": content_type, "Accept": "application/sparql-results+json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8")


@pytest.fixture(scope="module")
def writable(
    sample_store_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningServer]:
    """A server that accepts updates, on a copy of the sample store."""
    copy = tmp_path_factory.mktemp("writable") / "store"
    shutil.copytree(sample_store_path, copy)
    with start_server(copy, timeout_s=10.0, allow_update=True) as running:
        yield running


@pytest.mark.parametrize("content_type", ["application/sparql-query", "application/sparql-update"])
def test_deeply_nested_requests_are_refused_before_parsing(
    server: RunningServer, writable: RunningServer, content_type: str
) -> None:
    """3,000 nested groups overflow the parser's stack and kill the worker
    that parses them; they are refused first, and the worker lives on.  (A
    read-only endpoint refuses an update before reading it at all.)"""
    target = writable if content_type.endswith("update") else server
    workers = target.worker_pids()
    deep = "SELECT * WHERE " + "{" * 3000 + "}" * 3000
    if content_type.endswith("update"):
        deep = "INSERT { <urn:a> <urn:b> <urn:c> } WHERE " + "{" * 3000 + "}" * 3000
        status, body = _post(server, deep, content_type)
        assert status == 403 and "read-only" in body, body
    status, body = _post(target, deep, content_type)
    assert status == 400, body
    assert "3000 levels deep" in body
    assert set(workers) <= set(target.worker_pids())  # none died (the pool may have grown)
    status, body = _post(target, "ASK { ?s ?p ?o }", "application/sparql-query")
    assert status == 200 and "true" in body


def test_nesting_within_the_limit_is_answered(server: RunningServer) -> None:
    depth = policy.MAX_NESTING
    status, body = _post(
        server, "SELECT * WHERE " + "{" * depth + "}" * depth, "application/sparql-query"
    )
    assert status == 200, body


def _get(
    server: RunningServer, path: str, host: str, accept: str = "application/n-triples"
) -> tuple[int, str]:
    """GET with a chosen ``Host`` header (urllib would send the real one)."""
    connection = http.client.HTTPConnection(server.host, server.port, timeout=60)
    try:
        connection.putrequest("GET", path, skip_host=True)
        connection.putheader("Host", host)
        connection.putheader("Accept", accept)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8")
    finally:
        connection.close()


def test_the_dataset_description_is_not_poisoned_through_host(server: RunningServer) -> None:
    """One client's ``Host`` never reaches another client's links."""
    status, evil = _get(server, "/.well-known/void", "evil.example")
    assert status == 200
    assert "<http://evil.example/sparql>" in evil
    status, mine = _get(server, "/.well-known/void", f"127.0.0.1:{server.port}")
    assert status == 200
    assert "evil.example" not in mine and "councilkg.invalid" not in mine
    assert f"<http://127.0.0.1:{server.port}/sparql>" in mine
    assert f"<http://127.0.0.1:{server.port}/dumps/" in mine


def test_allowed_hosts(sample_store_path: Path) -> None:
    with start_server(
        sample_store_path, workers=1, allowed_hosts=("councilkg.example",)
    ) as running:
        ask = "/sparql?query=ASK%7B%7D"
        json = "application/sparql-results+json"
        assert _get(running, ask, "evil.example", json)[0] == 400
        assert _get(running, ask, "councilkg.example:8000", json)[0] == 200
        assert _get(running, ask, "COUNCILKG.example", json)[0] == 200


@pytest.mark.parametrize("name", ["councilkg.ttl", "councilkg.nq.gz"])
def test_concurrent_first_downloads_of_a_dump_get_the_whole_file(
    sample_store_path: Path, name: str
) -> None:
    """Four clients ask for a dump no one has asked for yet: one writes it,
    all four get the complete file (it once sent empty bodies and a 500
    naming a server path).  A new server: its dump cache starts empty."""
    with start_server(sample_store_path, workers=2) as running:

        def fetch(_: int) -> tuple[int, bytes]:
            with urllib.request.urlopen(f"{running.url}/dumps/{name}", timeout=120) as r:
                return r.status, r.read()

        with ThreadPoolExecutor(max_workers=4) as pool:
            answers = list(pool.map(fetch, range(4)))
        again = fetch(0)
    statuses = {status for status, _ in [*answers, again]}
    bodies = {body for _, body in [*answers, again]}
    assert statuses == {200}
    assert len(bodies) == 1
    (body,) = bodies
    assert len(body) > 1000
    if name.endswith(".gz"):
        body = gzip.decompress(body)
    assert body.count(b"\n") > 1000


@pytest.mark.parametrize("extra", [40_000, 200_000])
def test_a_url_too_long_is_answered_414(server: RunningServer, extra: int) -> None:
    """Past the URL limit the answer is 414 with what to do (the HTTP parser
    alone answered a bare 400 from about 64 KB on)."""
    path = "/sparql?query=ASK%7B%7D&pad=" + "a" * extra
    status, body = _get(server, path, f"127.0.0.1:{server.port}", "application/sparql-results+json")
    assert status == 414, body
    assert "POST the query" in body


def test_a_long_url_within_the_limit_is_answered(server: RunningServer) -> None:
    path = "/sparql?query=ASK%7B%7D&pad=" + "a" * (MAX_URL_BYTES - 100)
    status, body = _get(server, path, f"127.0.0.1:{server.port}", "application/sparql-results+json")
    assert status == 200, body


# -- connections that never finish their request ---------------------------------


def _connect(running: RunningServer) -> socket.socket:
    return socket.create_connection((running.host, running.port), timeout=30)


def _answer(sock: socket.socket) -> bytes:
    """What the server sends before it closes the connection."""
    chunks = []
    while chunk := sock.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


@pytest.fixture(scope="module")
def strict(sample_store_path: Path) -> Iterator[RunningServer]:
    """A server with tight connection limits, to see each enforced quickly."""
    limits = Limits(
        header_timeout_s=0.5, body_timeout_s=0.5, max_per_client=4, max_header_bytes=8 * 1024
    )
    with start_server(sample_store_path, workers=1, limits=limits) as running:
        yield running


def test_an_idle_connection_is_closed(strict: RunningServer) -> None:
    with _connect(strict) as sock:
        start = time.monotonic()
        answer = _answer(sock)
    assert answer.startswith(b"HTTP/1.1 408 "), answer
    assert time.monotonic() - start < 20


def test_trickled_headers_are_cut_off(strict: RunningServer) -> None:
    with _connect(strict) as sock:
        sock.sendall(b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\n")
        try:
            for _ in range(100):  # a header byte every 50 ms, never done
                sock.sendall(b"X")
                time.sleep(0.05)
        except OSError:
            pass  # closed on us: what the test wants
        answer = _answer(sock)
    assert answer.startswith(b"HTTP/1.1 408 "), answer


def test_a_trickled_body_is_cut_off(strict: RunningServer) -> None:
    with _connect(strict) as sock:
        sock.sendall(
            b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
            b"Content-Length: 100000\r\n\r\nASK"
        )
        answer = _answer(sock)
    assert answer.startswith(b"HTTP/1.1 408 "), answer
    assert b"body" in answer


def test_oversized_headers_are_refused(strict: RunningServer) -> None:
    with _connect(strict) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * (16 * 1024) + b"\r\n\r\n")
        answer = _answer(sock)
    assert answer.startswith(b"HTTP/1.1 431 "), answer


def test_connections_per_client_are_capped(strict: RunningServer) -> None:
    idle = [_connect(strict) for _ in range(4)]
    try:
        time.sleep(0.1)
        with _connect(strict) as extra:
            assert _answer(extra).startswith(b"HTTP/1.1 503 ")
    finally:
        for sock in idle:
            sock.close()
    time.sleep(0.2)  # the server sees them closed
    url = f"{strict.url}/sparql?query=ASK%7B%7D"
    request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 200


def test_the_serve_command_states_the_default_limits() -> None:
    from click.testing import CliRunner

    from councilkg.cli import main

    text = " ".join(CliRunner().invoke(main, ["serve", "--help"]).output.split())
    limits = Limits()
    assert f"(default {limits.header_timeout_s:g})" in text
    assert "at most 4096" in text and limits.max_connections <= 4096
    assert "half of --max-connections" in text
    assert limits.max_per_client == limits.max_connections // 2


def test_a_query_past_the_memory_cap_is_stopped(sample_store_path: Path) -> None:
    """A cross product sorted grows a worker without bound; under the cap it
    is stopped with 503, its worker replaced, and the next query answered."""
    with start_server(
        sample_store_path, workers=1, max_memory=400 * 2**20, timeout_s=60
    ) as running:
        before = running.worker_pids()
        status, body = _post(
            running,
            "SELECT * { ?a ?b ?c . ?d ?e ?f } ORDER BY ?a ?d ?c ?f",
            "application/sparql-query",
        )
        assert status == 503, body
        assert "more memory" in body
        status, body = _post(running, "ASK { ?s ?p ?o }", "application/sparql-query")
        assert status == 200 and "true" in body
        assert running.worker_pids() != before


def test_the_default_memory_cap_shares_the_machine() -> None:
    config = ServerConfig(store_path=Path("unused"), workers=4)
    cap = config.worker_memory()
    assert cap is not None
    total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    assert cap * 4 <= total
    assert ServerConfig(store_path=Path("unused"), max_memory=0).worker_memory() is None


# -- ingest while serving ---------------------------------------------------------


def _count(running: RunningServer) -> int:
    status, body = _post(
        running, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }", "application/sparql-query"
    )
    assert status == 200, body
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


def test_a_commit_is_served_by_every_worker_together(tmp_path: Path) -> None:
    """Readers see one generation of the store: after an ingest commits, every
    answer comes from the new graph (workers once kept the graph they opened,
    and a restarted one answered from the new graph beside them)."""
    path = tmp_path / "store"
    load([sample_path()], GraphStore(path), progress=False)
    with start_server(path, workers=3, timeout_s=30) as running:
        before = _count(running)
        writer = GraphStore(path)  # readers hold read-only handles: a writer may open
        writer.replace_graph(
            "urn:test:extra", [f"<urn:test:s{i}> <urn:test:p> <urn:test:o> .\n" for i in range(5)]
        )
        writer.flush()
        del writer
        time.sleep(FOLLOW_INTERVAL_S * 2)
        with ThreadPoolExecutor(max_workers=6) as pool:
            counts = list(pool.map(lambda _: _count(running), range(30)))
    assert set(counts) == {before + 5}, counts
