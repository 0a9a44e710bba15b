"""One HTTP request to a running test server, on a connection of its own:
the raw exchange (status, headers lower-cased, body), with no client
library deciding on redirects, content types or errors for the test."""

from __future__ import annotations

import http.client

from councilkg.server import RunningServer

Reply = tuple[int, dict[str, str], bytes]


def call(
    server: RunningServer,
    method: str,
    path: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    *,
    timeout: float = 60,
) -> Reply:
    """``method path`` with ``body`` and ``headers``: (status, headers, body)."""
    conn = http.client.HTTPConnection(server.host, server.port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        reply = conn.getresponse()
        return reply.status, {k.lower(): v for k, v in reply.getheaders()}, reply.read()
    finally:
        conn.close()


def get(server: RunningServer, path: str, headers: dict[str, str] | None = None) -> Reply:
    """``GET path``: (status, headers, body)."""
    return call(server, "GET", path, headers=headers)
