"""The HTTP/1.1 connection: uvicorn's httptools protocol, with a URL limit
answered as HTTP says.

Why: the parser refuses a request line past about 64 KB with a bare ``400
Invalid HTTP request received``, before the application sees it, so a client
sending a long query in the URL never learnt what HTTP has a status for.
Here the URL is measured as the parser delivers it, and past
:data:`MAX_URL_BYTES` (well below the parser's own limit) the answer is
**414** with the advice to POST the query.
"""

from __future__ import annotations

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

MAX_URL_BYTES = 32 * 1024
"""The longest URL (path and query string) accepted."""

_MESSAGE = (
    f"URL too long: more than {MAX_URL_BYTES} bytes; "
    "POST the query (Content-Type: application/sparql-query)"
).encode("ascii")


class _UrlTooLongError(Exception):
    """Raised from the parser's URL callback to stop it; answered with 414."""


class HttpProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, answering 414 for an overlong URL."""

    _url_too_long = False

    def on_url(self, url: bytes) -> None:
        super().on_url(url)
        if len(self.url) > MAX_URL_BYTES:
            self._url_too_long = True
            raise _UrlTooLongError

    def send_400_response(self, msg: str) -> None:
        if not self._url_too_long:
            super().send_400_response(msg)
            return
        self.transport.write(
            b"HTTP/1.1 414 URI Too Long\r\n"
            b"content-type: text/plain; charset=utf-8\r\n"
            b"x-content-type-options: nosniff\r\n"
            b"content-length: " + str(len(_MESSAGE)).encode("ascii") + b"\r\n"
            b"connection: close\r\n\r\n" + _MESSAGE
        )
        self.transport.close()
