"""HTTP as the handlers see it: a :class:`Request` read whole, a
:class:`Response` to send, and the ASGI plumbing between them.

The application (:mod:`councilkg.server.app`) is plain ASGI, without a
framework, so the few things a framework would do live here: reading a
request within the size limit (**414** for a query string too long,
**413** for a body too large), parsing query strings (cached: dashboards
repeat them), answering a CORS preflight, adding the CORS headers to every
answer, and sending a response from memory or streamed from a file.
Handlers import this module and :mod:`councilkg.server.pool`, never the
application.
"""

from __future__ import annotations

import asyncio
import codecs
import functools
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

TRUNCATED_HEADER = "X-Councilkg-Truncated"
MAX_RESULTS_HEADER = "X-Councilkg-Max-Results"
_HOST_RE = re.compile(r"^[A-Za-z0-9.\-]+(?::[0-9]{1,5})?$|^\[[0-9A-Fa-f:.]+\](?::[0-9]{1,5})?$")


@dataclass
class Request:
    """An HTTP request as the handlers see it (the body already read)."""

    method: str
    path: str
    query_string: bytes
    headers: dict[str, str]
    body: bytes
    scheme: str = "http"
    server: tuple[str, int] | None = None

    def params(self) -> dict[str, list[str]]:
        """The URL's query parameters (a fresh dict: callers may change it)."""
        return {k: list(v) for k, v in _parse_query_string(self.query_string)}

    def base_url(self) -> str:
        """``scheme://host`` as the client addressed it (Host header if sane)."""
        host = self.headers.get("host", "")
        if not _HOST_RE.match(host):
            if self.server is not None:
                h, p = self.server
                host = f"[{h}]:{p}" if ":" in h else f"{h}:{p}"
            else:
                host = "localhost"
        return f"{self.scheme}://{host}"


@dataclass
class Response:
    """An HTTP response to send."""

    status: int
    body: bytes = b""
    content_type: str | None = "text/plain; charset=utf-8"
    headers: list[tuple[str, str]] = field(default_factory=list)
    file: Path | None = None
    """Send this file's bytes instead of ``body`` (streamed: dumps are large)."""

    @classmethod
    def text(
        cls, status: int, message: str, headers: list[tuple[str, str]] | None = None
    ) -> Response:
        """A plain-text response (errors, refusals)."""
        return cls(status, message.encode("utf-8") + b"\n", headers=list(headers or []))


Handler = Callable[[Request], Awaitable[Response]]


def _unquote_plus(raw: bytes) -> str:
    """``urllib.parse.unquote_plus`` of an ASCII field, in C: each ``%XX``
    becomes a ``\\xXX`` escape that :func:`codecs.escape_decode` decodes (a
    SPARQL query is mostly escapes, and urllib decodes them one by one in
    Python: 40 µs of a 300 µs request).  A ``%`` without two hex digits
    after it is not an escape: urllib leaves it as it is, and so does the
    fallback to it."""
    raw = raw.replace(b"+", b" ")
    if b"%" not in raw:
        return raw.decode("ascii")
    if _NOT_HEX.search(raw):  # then not every "\\x" would have two hex digits
        return unquote(raw.decode("ascii"), encoding="utf-8", errors="replace")
    decoded, _ = codecs.escape_decode(raw.replace(b"\\", b"\\\\").replace(b"%", b"\\x"))
    return str(decoded.decode("utf-8", errors="replace"))


_NOT_HEX = re.compile(rb"%(?![0-9A-Fa-f]{2})")
"""A ``%`` that does not start an escape."""


def parse_query(qs: bytes) -> dict[str, list[str]]:
    """``urllib.parse.parse_qs`` of a query string (blank values kept, UTF-8,
    invalid sequences replaced), faster for the ASCII strings clients send."""
    if not qs.isascii():
        return parse_qs(qs.decode("latin-1"), keep_blank_values=True, encoding="utf-8")
    out: dict[str, list[str]] = {}
    for pair in qs.split(b"&"):
        if not pair:
            continue
        name, _, value = pair.partition(b"=")
        out.setdefault(_unquote_plus(name), []).append(_unquote_plus(value))
    return out


@functools.lru_cache(maxsize=512)
def _parse_query_string_cached(qs: bytes) -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple((k, tuple(v)) for k, v in parse_query(qs).items())


def _parse_query_string(qs: bytes) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Parsed URL parameters; repeated query strings (dashboards, scripts
    polling the same query) are parsed once, as unquoting is a large share
    of a small request's time.  Long strings are not cached."""
    if len(qs) > 8192:
        return _parse_query_string_cached.__wrapped__(qs)
    return _parse_query_string_cached(qs)


# --------------------------------------------------------------------------
# Reading a request


def request_headers(scope: Scope) -> dict[str, str]:
    """The request's headers by lower-case name (repeated ones joined by ``, ``)."""
    headers: dict[str, str] = {}
    for k, v in scope["headers"]:
        key = k.decode("latin-1").lower()
        value = v.decode("latin-1")
        headers[key] = f"{headers[key]}, {value}" if key in headers else value
    return headers


async def read_request(
    scope: Scope,
    headers: dict[str, str],
    receive: Receive,
    limit: int,
    body_timeout_s: float = 30.0,
) -> Request | Response:
    """The whole request, or the answer refusing it: **414** for a query
    string over ``limit`` bytes, **413** for a body over it (declared or
    received), **408** for a body that does not arrive within
    ``body_timeout_s`` (a client trickling it would hold the request open
    for ever), 499 (nothing sent) if the client went away."""
    method: str = scope["method"]
    qs: bytes = scope.get("query_string", b"")
    if len(qs) > limit:
        return Response.text(
            414, f"URL too long: the query string exceeds {limit} bytes; POST the query"
        )
    body = b""
    if method in ("POST", "PUT", "PATCH"):
        declared = headers.get("content-length")
        if declared is not None and declared.strip().isdigit() and int(declared) > limit:
            return Response.text(
                413, f"request body too large: {int(declared)} bytes, the limit is {limit}"
            )
        chunks: list[bytes] = []
        size = 0
        more = True
        deadline = asyncio.get_running_loop().time() + body_timeout_s
        while more:
            try:
                async with asyncio.timeout_at(deadline):
                    message = await receive()
            except TimeoutError:
                return Response.text(
                    408, f"the request body did not arrive within {body_timeout_s:g} s"
                )
            if message["type"] == "http.disconnect":
                return Response(499, content_type=None)
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                return Response.text(
                    413, f"request body too large: more than {limit} bytes, the limit"
                )
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
    server = scope.get("server")
    return Request(
        method=method,
        path=scope["path"],
        query_string=qs,
        headers=headers,
        body=body,
        scheme=scope.get("scheme", "http"),
        server=(server[0], server[1]) if server else None,
    )


# --------------------------------------------------------------------------
# CORS


def cors_headers(origin: str | None) -> list[tuple[str, str]]:
    """The headers every answer carries so a page from ``origin`` (None: no
    page elsewhere) can read it, the endpoint's own headers included."""
    if not origin:
        return []
    headers = [
        ("Access-Control-Allow-Origin", origin),
        (
            "Access-Control-Expose-Headers",
            f"{TRUNCATED_HEADER}, {MAX_RESULTS_HEADER}, Warning, Server-Timing",
        ),
    ]
    if origin != "*":
        headers.append(("Vary", "Origin"))
    return headers


def preflight(allow: str, origin: str | None, headers: dict[str, str]) -> Response:
    """The answer to ``OPTIONS``: **204** with the methods ``allow``ed, and
    the CORS permissions for them unless ``origin`` is None."""
    out = [("Allow", allow)]
    if origin:
        out += [
            ("Access-Control-Allow-Methods", allow),
            (
                "Access-Control-Allow-Headers",
                headers.get("access-control-request-headers") or "Accept, Content-Type",
            ),
            ("Access-Control-Max-Age", "86400"),
        ]
    return Response(204, content_type=None, headers=out)


# --------------------------------------------------------------------------
# Sending a response


SEND_CHUNK = 256 * 1024
"""Bytes of an answer handed to the connection at a time."""


async def send_response(
    send: Send, response: Response, extra: list[tuple[str, str]], *, head: bool = False
) -> None:
    """Send ``response`` with the ``extra`` headers (no body for ``HEAD``,
    but the length of the one a ``GET`` would get).

    Every answer says ``X-Content-Type-Options: nosniff``: error bodies echo
    request text, and a browser must read them as the declared text or JSON,
    never guess HTML or script from what a client sent.
    """
    raw: list[tuple[bytes, bytes]] = [(b"x-content-type-options", b"nosniff")]
    if response.content_type is not None:
        raw.append((b"content-type", response.content_type.encode("latin-1")))
    for k, v in (*response.headers, *extra):
        raw.append((k.encode("latin-1"), v.encode("latin-1")))
    if response.file is not None:
        await _send_file(send, response.file, raw, response.status, head=head)
        return
    body = response.body
    raw.append((b"content-length", str(len(body)).encode("latin-1")))
    await send({"type": "http.response.start", "status": response.status, "headers": raw})
    if head or len(body) <= SEND_CHUNK:
        await send({"type": "http.response.body", "body": b"" if head else body})
        return
    # A large answer goes in slices (views, not copies): the server waits
    # for each to drain before the next, so the event loop never copies a
    # whole answer into a socket buffer while other clients wait.
    view = memoryview(body)
    for start in range(0, len(body), SEND_CHUNK):
        piece = view[start : start + SEND_CHUNK]
        await send({"type": "http.response.body", "body": piece, "more_body": True})
    await send({"type": "http.response.body", "body": b""})


async def _send_file(
    send: Send, path: Path, raw: list[tuple[bytes, bytes]], status: int, *, head: bool
) -> None:
    size = path.stat().st_size
    raw.append((b"content-length", str(size).encode("latin-1")))
    await send({"type": "http.response.start", "status": status, "headers": raw})
    if head:
        await send({"type": "http.response.body", "body": b""})
        return
    with path.open("rb") as f:
        while chunk := await asyncio.to_thread(f.read, 1 << 20):
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
    await send({"type": "http.response.body", "body": b""})
