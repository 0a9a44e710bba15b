"""The HTTP/1.1 connection: uvicorn's httptools protocol with the limits a
public endpoint needs, each answered with its HTTP status.

Why here, below the application: what a client does before its request is
complete — opening connections and sending nothing, trickling headers,
sending a URL or headers of megabytes — never reaches an ASGI application,
yet can exhaust the server (1,100 idle connections under a 1,024-file limit
stopped every other client).  So the connection itself:

* answers **414** past :attr:`Limits.max_url_bytes` (the parser alone
  answers a bare 400 from about 64 KB on) and **431** past
  :attr:`Limits.max_header_bytes` of headers;
* closes with **408** a connection whose request headers are not complete
  within :attr:`Limits.header_timeout_s` of its first byte or of the
  connection (idle and trickling clients alike); between requests uvicorn's
  keep-alive timeout closes idle connections;
* leaves to the application a **408** for a body not received within
  :attr:`Limits.body_timeout_s`;
* refuses with **503** a connection past :attr:`Limits.max_connections` in
  all or :attr:`Limits.max_per_client` from one address.

It also sends a response's head and body in one write (:class:`_OneWrite`):
uvicorn writes the head as soon as the application starts the response, so
a small answer left in two TCP segments, and the client woke up twice to
read it (two system calls here, two reads and a wait there).
"""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass
from typing import Any, ClassVar, cast

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol


def _open_file_limit() -> int:
    try:
        import resource

        soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    except (ImportError, OSError, ValueError):
        return 1024
    return soft if soft > 0 else 1024


DEFAULT_MAX_CONNECTIONS = max(64, min(4096, _open_file_limit() - 128))
"""Open connections in all: the process's open-file limit less a reserve for
the store, the workers' pipes and the dumps (1,100 idle connections under a
1,024-file limit once stopped every query), at most 4,096."""


@dataclass(frozen=True)
class Limits:
    """What one connection and all of them may take."""

    max_url_bytes: int = 32 * 1024
    max_header_bytes: int = 64 * 1024
    header_timeout_s: float = 10.0
    body_timeout_s: float = 30.0
    max_connections: int = DEFAULT_MAX_CONNECTIONS
    max_per_client: int = DEFAULT_MAX_CONNECTIONS // 2
    """From one address: half of all, so that one client (or one proxy in
    front of many) cannot take every connection, yet hundreds of concurrent
    clients behind it are served."""


MAX_URL_BYTES = Limits.max_url_bytes
"""The longest URL (path and query string) accepted by default."""


ONE_WRITE_BYTES = 64 * 1024
"""A body up to this size is joined to its head in one write."""


class _OneWrite:
    """The transport as one request's response cycle sees it: the response
    head is held back and written together with the first piece of the body
    (one system call, one TCP segment for a small answer, as a server in C or
    Rust sends it), or when the response ends without a body written
    (``HEAD``) or the connection closes.  ``100 Continue`` goes out at once;
    everything else is the connection's own transport."""

    __slots__ = ("_done", "_held", "_transport")

    def __init__(self, transport: Any, done: Any) -> None:
        self._transport = transport
        self._done = done
        self._held: bytes | None = None

    def write(self, data: bytes | memoryview) -> None:
        held = self._held
        if held is not None:
            self._held = None
            if len(data) <= ONE_WRITE_BYTES:
                self._transport.write(held + data)
                return
            self._transport.write(held)  # a large body: no copy to save a call
        elif (
            isinstance(data, bytes)
            and data.startswith(b"HTTP/1.1 ")
            and not data.startswith(b"HTTP/1.1 100 ")
        ):
            self._held = data
            return
        self._transport.write(data)

    def flush(self) -> None:
        """Write what is held."""
        if self._held is not None:
            self._transport.write(self._held)
            self._held = None

    def complete(self) -> None:
        """The response has ended (uvicorn's callback): flush, then go on."""
        self.flush()
        self._done()

    def close(self) -> None:
        self.flush()
        self._transport.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


class _RefusedError(Exception):
    """Raised from a parser callback to stop the parser; the refusal is sent."""


def _answer(status: str, message: str) -> bytes:
    body = message.encode("utf-8")
    return (
        f"HTTP/1.1 {status}\r\n"
        "content-type: text/plain; charset=utf-8\r\n"
        "x-content-type-options: nosniff\r\n"
        f"content-length: {len(body)}\r\n"
        "connection: close\r\n\r\n"
    ).encode("ascii") + body


class HttpProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with :class:`Limits` (see the module)."""

    limits: ClassVar[Limits] = Limits()
    _open: ClassVar[Counter[str]] = Counter()

    _refusal: bytes | None = None
    _header_bytes = 0
    _timer: asyncio.TimerHandle | None = None
    _counted: str | None = None

    def connection_made(self, transport: Any) -> None:
        super().connection_made(transport)
        who = self.client[0] if self.client else "?"
        open_now = self._open
        if open_now.total() >= self.limits.max_connections or open_now[who] >= (
            self.limits.max_per_client
        ):
            self.transport.write(
                _answer("503 Service Unavailable", "too many open connections; try again later")
            )
            self.transport.close()
            return
        open_now[who] += 1
        self._counted = who
        self._start_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_timer()
        if self._counted is not None:
            self._open[self._counted] -= 1
            if self._open[self._counted] <= 0:
                del self._open[self._counted]
            self._counted = None
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._counted is None:  # refused at connection time
            return
        super().data_received(data)

    # -- the request head: size and time ----------------------------------
    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._header_bytes = 0
        self._start_timer()

    def on_url(self, url: bytes) -> None:
        super().on_url(url)
        if len(self.url) > self.limits.max_url_bytes:
            self._refuse(
                "414 URI Too Long",
                f"URL too long: more than {self.limits.max_url_bytes} bytes; POST the query "
                "(Content-Type: application/sparql-query)",
            )

    def on_header(self, name: bytes, value: bytes) -> None:
        self._header_bytes += len(name) + len(value) + 4
        if self._header_bytes > self.limits.max_header_bytes:
            self._refuse(
                "431 Request Header Fields Too Large",
                f"request headers too large: more than {self.limits.max_header_bytes} bytes",
            )
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        self._stop_timer()
        super().on_headers_complete()
        cycle = self.cycle
        if cycle is not None and cycle.transport is self.transport and not cycle.response_started:
            one = _OneWrite(self.transport, cycle.on_response)
            cycle.transport = cast(asyncio.Transport, one)
            cycle.on_response = one.complete

    def send_400_response(self, msg: str) -> None:
        if self._refusal is None:
            super().send_400_response(msg)
            return
        self.transport.write(self._refusal)
        self.transport.close()

    def _refuse(self, status: str, message: str) -> None:
        self._refusal = _answer(status, message)
        raise _RefusedError

    def _start_timer(self) -> None:
        self._stop_timer()
        self._timer = asyncio.get_running_loop().call_later(
            self.limits.header_timeout_s, self._too_slow
        )

    def _stop_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _too_slow(self) -> None:
        self._timer = None
        if not self.transport.is_closing():
            self.transport.write(
                _answer(
                    "408 Request Timeout",
                    f"the request headers did not arrive within {self.limits.header_timeout_s} s",
                )
            )
            self.transport.close()


def http_protocol(limits: Limits) -> type[HttpProtocol]:
    """The protocol class for one server, with its limits (uvicorn takes a
    class, and each server may have its own)."""
    return type("HttpProtocol", (HttpProtocol,), {"limits": limits, "_open": Counter()})
