"""The soak's load: clients sending valid and hostile requests to an endpoint.

Run as a process of its own (``python tests/soakload.py URL REQUESTS``) at
a lower CPU priority than the server: the soak measures how the server
shares the machine between requests, and a load generator on the same
CPUs at the same priority would measure the generator instead.  Prints one
JSON object: the status counts of valid and hostile requests and the
latencies of the valid ones.

Each client is one thread with one connection at a time, as a browser tab
or a script would be; a request that is refused or cut at the connection
counts as status 0 (against the server).
"""

from __future__ import annotations

import http.client
import json
import random
import sys
import threading
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass

CLIENTS = 16
RAMP_S = 0.05
"""Seconds between one client's first request and the next's (as a load
test's ramp-up: 16 clients in 0.8 s)."""


def _q(text: str) -> str:
    return "/sparql?query=" + urllib.parse.quote(text)


@dataclass(frozen=True)
class Call:
    """One request: method, path, extra headers, body."""

    method: str
    path: str
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes | None = None


VALID = [
    Call("GET", _q("ASK { ?s ?p ?o }")),
    Call("GET", _q("SELECT ?s WHERE { ?s a ?c } LIMIT 50")),
    Call(
        "POST",
        "/sparql",
        (("Content-Type", "application/sparql-query"),),
        b"SELECT ?c (COUNT(*) AS ?n) WHERE { ?s a ?c } GROUP BY ?c",
    ),
    Call("GET", "/"),
    Call("GET", "/query"),
    Call("GET", "/.well-known/void"),
    Call("GET", "/dumps/councilkg.nt"),
    Call("GET", "/dumps/councilkg.ttl"),
    Call("GET", "/page/state/CHN"),
    Call("GET", "/id/state/CHN"),
    Call("GET", "/data/state/CHN.jsonld"),
]

HOSTILE = [
    # 1. a 64 KB update hiding LOAD in a comment (once scanned in quadratic time)
    Call(
        "POST",
        "/sparql",
        (("Content-Type", "application/sparql-update"),),
        b"# LOAD\n" + b"a." * 32_000,
    ),
    # 5. a cross product, and one ordered (memory)
    Call("GET", _q("SELECT * { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")),
    Call("GET", _q("SELECT * { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?c ?f ?i")),
    # 6. a poisoned Host
    Call("GET", "/.well-known/void", (("Host", "evil.example"),)),
    # 7. nesting past the parser's stack
    Call("GET", _q("SELECT * " + "{" * 3000 + "}" * 3000)),
    # 8. a long URL
    Call("GET", "/sparql?query=" + "a" * 40_000),
    # 9. methods the linked-data routes do not take
    Call("PUT", "/page/state/CHN", (), b"x"),
    Call("DELETE", "/"),
    # refused operations and paths
    Call("GET", "/sparql?update=" + urllib.parse.quote("DROP ALL")),
    Call("GET", _q("SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }")),
    Call("GET", "/static/../../etc/passwd"),
]


def send(host: str, port: int, call: Call, source: str | None = None) -> tuple[int, float]:
    """One request on a fresh connection from address ``source``: (status,
    seconds); status 0 if the connection was refused or cut."""
    start = time.perf_counter()
    conn = http.client.HTTPConnection(
        host, port, timeout=120, source_address=(source, 0) if source else None
    )
    try:
        headers = dict(call.headers)
        conn.request(call.method, call.path, body=call.body, headers=headers)
        response = conn.getresponse()
        response.read()
        status = response.status
    except OSError:
        status = 0
    finally:
        conn.close()
    return status, time.perf_counter() - start


def run(url: str, requests: int, seed: int = 0) -> dict[str, object]:
    """``CLIENTS`` clients × ``requests`` requests each, 30 % hostile.  On
    the loopback network each client has an address of its own (127.0.0.2,
    127.0.0.3, …), as clients on a network would: the server shares its
    workers between addresses, and 127.0.0.1 stays the observer's."""
    parts = urllib.parse.urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    valid: Counter[int] = Counter()
    hostile: Counter[int] = Counter()
    latencies: list[float] = []
    lock = threading.Lock()

    def client(n: int) -> None:
        rng = random.Random(seed * 1000 + n)
        time.sleep(n * RAMP_S)  # clients arrive one after another, not in one instant
        source = f"127.0.0.{n + 2}" if host == "127.0.0.1" else None
        for _ in range(requests):
            bad = rng.random() < 0.3
            status, took = send(host, port, rng.choice(HOSTILE if bad else VALID), source)
            with lock:
                (hostile if bad else valid)[status] += 1
                if not bad:
                    latencies.append(took)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {
        "valid": {str(k): v for k, v in sorted(valid.items())},
        "hostile": {str(k): v for k, v in sorted(hostile.items())},
        "latencies": sorted(latencies),
    }


if __name__ == "__main__":
    print(json.dumps(run(sys.argv[1], int(sys.argv[2]))))
