"""The HTTP surface under generated requests: any method, path, headers and
SPARQL-ish body gets an answer of its own kind, never a server error, and the
server keeps answering a plain query.

The requests are written on a raw socket (so malformed ones go out as they
are): methods real and not, paths into every route with traversal, escapes
and long segments, headers of any name and value, bodies built from SPARQL
keywords, brackets, strings and IRIs.  What must hold for each: the answer is
a complete HTTP response with a status below 500, except 503 (busy, timed
out, over the memory cap: the server's own refusals); and after each example
a plain count of the graph is answered 200 with the graph unchanged (no
update got through).  ``COUNCILKG_FUZZ_EXAMPLES`` sets the budget
(``make fuzz``: 10,000; CI: 200, derandomized).
"""

from __future__ import annotations

import functools
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from councilkg.ingesting import load
from councilkg.resources import sample_path
from councilkg.server import RunningServer, start_server
from councilkg.store import GraphStore
from tests.fuzzing import BUDGET, PROFILE

METHODS = st.sampled_from(
    ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "PROPFIND", "BREW"]
)
SEGMENTS = st.sampled_from(
    [
        "sparql",
        "id",
        "page",
        "data",
        "graph",
        "dumps",
        "static",
        "query",
        "labels",
        "prepared",
        ".well-known",
        "void",
        "dataset",
        "context.jsonld",
        "..",
        ".",
        "%2e%2e",
        "%00",
        "state",
        "CHN",
        "meeting",
        "S-PV-8733",
        "councilkg.ttl",
        "councilkg.nq.gz",
        "site.css",
        "a" * 300,
        "<script>",
        "%3Cscript%3E",
        "中国",
    ]
)
PATHS = st.lists(SEGMENTS, max_size=5).map(lambda parts: "/" + "/".join(parts))
QUERY_PARTS = st.sampled_from(
    [
        "query=ASK%7B%7D",
        "query=SELECT%20*%20%7B%3Fs%20%3Fp%20%3Fo%7D%20LIMIT%201",
        "update=DROP%20ALL",
        "format=json",
        "format=ttl",
        "lang=zh",
        "lang=xx",
        "default-graph-uri=urn:x",
        "query=",
        "query=%7B%7B%7B",
        "q=" + "a" * 500,
    ]
)
QUERY_STRINGS = st.lists(QUERY_PARTS, max_size=3).map("&".join)
HEADER_NAMES = st.sampled_from(
    [
        "Accept",
        "Content-Type",
        "Accept-Language",
        "Origin",
        "X-Forwarded-Host",
        "Range",
        "If-None-Match",
        "Cookie",
        "Access-Control-Request-Method",
    ]
)
HEADER_VALUES = st.sampled_from(
    [
        "*/*",
        "text/html",
        "application/sparql-results+json",
        "text/turtle;q=0.5, */*;q=0.1",
        "application/sparql-query",
        "application/sparql-update",
        "application/x-www-form-urlencoded",
        "zh",
        "en;q=0, zh;q=",
        "bytes=0-10",
        "http://evil.example",
        "\u00e9",
        "a" * 2000,
        "",
    ]
)
BODY_PIECES = st.sampled_from(
    [
        "SELECT",
        "ASK",
        "CONSTRUCT",
        "DESCRIBE",
        "INSERT",
        "DELETE",
        "LOAD",
        "SERVICE",
        "PREFIX ex: <http://e/>",
        "WHERE",
        "{",
        "}",
        "(",
        ")",
        "[",
        "]",
        "?s",
        "?p",
        "?o",
        "<urn:a>",
        "'x'",
        '"""y"""',
        "#",
        "\n",
        " ",
        ".",
        ";",
        "FILTER",
        "ORDER BY",
        "LIMIT 1",
        "ex:a",
        "_:b",
        "1.5",
        "query=",
        "update=",
        "%7B",
        "\u4e2d",
    ]
)
BODIES = st.lists(BODY_PIECES, max_size=60).map(" ".join)


@pytest.fixture(scope="module")
def server(sample_store_path: Path) -> Iterator[RunningServer]:
    with start_server(sample_store_path, workers=2, timeout_s=5.0) as running:
        yield running


def _exchange(server: RunningServer, raw: bytes) -> bytes:
    with socket.create_connection((server.host, server.port), timeout=30) as sock:
        sock.sendall(raw)  # "Connection: close": the server closes after its answer
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def _count(server: RunningServer) -> int:
    """The triples of the served graph, asked plainly (the server still answers)."""
    answer = _exchange(
        server,
        _request("GET", "/sparql?query=" + _COUNT, [("Accept", "text/csv")], b""),
    )
    assert _status(answer) == 200, answer[:300]
    return int(answer.rstrip(b"\r\n").rsplit(b"\r\n", 1)[-1])


_COUNT = "SELECT%20(COUNT(*)%20AS%20%3Fn)%20%7B%3Fs%20%3Fp%20%3Fo%7D"


@functools.cache
def expected_count() -> int:
    """The triples of the sample's graph, loaded here on its own."""
    store = GraphStore.in_memory()
    load([sample_path()], store, progress=False)
    return store.count()


def _status(answer: bytes) -> int:
    line = answer.split(b"\r\n", 1)[0]
    assert line.startswith(b"HTTP/1.1 "), answer[:200]
    return int(line.split()[1])


def _request(method: str, target: str, headers: list[tuple[str, str]], body: bytes) -> bytes:
    lines = [f"{method} {target} HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
    lines += [f"{k}: {v}" for k, v in headers]
    if body or method in ("POST", "PUT", "PATCH"):
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8") + body


@settings(PROFILE, max_examples=BUDGET)
@given(
    method=METHODS,
    path=PATHS,
    query=QUERY_STRINGS,
    headers=st.lists(st.tuples(HEADER_NAMES, HEADER_VALUES), max_size=4),
    body=BODIES,
)
def test_any_request_gets_a_clean_answer(
    server: RunningServer,
    method: str,
    path: str,
    query: str,
    headers: list[tuple[str, str]],
    body: str,
) -> None:
    target = path + ("?" + query if query else "")
    answer = _exchange(server, _request(method, target, headers, body.encode("utf-8")))
    status = _status(answer)
    assert status < 500 or status == 503, answer[:500]
    assert _count(server) == expected_count(), "the graph changed"
