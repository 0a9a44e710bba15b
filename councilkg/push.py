"""Load the store's graphs into an external SPARQL server, by the SPARQL 1.1
Graph Store HTTP Protocol.

What is pushed: the store's named graphs (one per source file, the reference
graph, the ontology graph), each to ``ENDPOINT?graph=<iri>``; and, when all
graphs are pushed, their *merge* (the store's default graph) twice: as the
named graph ``{base}graph/all`` and as the server's default graph
(``ENDPOINT?default``) where the server accepts one.

Why the merge, and why twice: prepared queries read one graph holding every
fact once.  Servers disagree on what an unqualified query sees: the default
graph alone (Oxigraph, Fuseki, Jena), or the union of all graphs (Virtuoso,
GraphDB, Oxigraph with ``--union-default-graph``), where a fact stated by
the reference graph and a source graph matches twice and doubles a row.
The named merge is the one dataset every engine can be asked for by name
(the protocol's ``default-graph-uri``, which :mod:`councilkg.queries.remote`
sends when the endpoint holds it); the default-graph copy keeps plain
queries by other tools answering as the embedded store does.  A server that
refuses a default graph (Debian's Virtuoso as installed: HTTP 500, "the
endpoint is not configured to have default graph") gets the named merge
only, with a notice, and the push goes on.

Why PUT then POST: the first batch of a graph is sent with ``PUT``, which
replaces whatever the server held in that graph, and the following batches
with ``POST``, which adds to it; pushing the same store twice therefore
leaves the server as it was after the first push (idempotent), and no batch
is larger than ``batch_triples``.  The body is N-Triples, sent with the
media type of the registry of formats (:mod:`councilkg.export.formats`).

Credentials (Virtuoso's ``/sparql-graph-crud-auth``, a Fuseki behind a
password): :class:`Credentials`, sent with every request in the scheme the
server's challenge asks (basic or digest; see :class:`_Authorizer`).  Only the
standard library is used (urllib).
"""

from __future__ import annotations

import base64
import html
import netrc
import os
import re
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

import pyoxigraph as ox

from councilkg.export.formats import FORMATS
from councilkg.store import GraphStore

__all__ = [
    "Credentials",
    "GraphPush",
    "PushError",
    "PushReport",
    "error_cause",
    "graph_url",
    "merged_graph",
    "push",
]

BODY_FORMAT = FORMATS["ntriples"]
"""The syntax of the request bodies."""
USER_AGENT = "councilkg-push"
MERGED_GRAPH = "graph/all"
"""The named graph of the merge, relative to the data's base IRI."""
_ERROR_CHARS = 4000


class PushError(OSError):
    """The Graph Store endpoint could not be reached or refused a request."""


class _RefusedError(PushError):
    """The server answered an HTTP error (as opposed to being unreachable)."""

    def __init__(self, message: str, status: int, cause: str) -> None:
        super().__init__(message)
        self.status = status
        self.cause = cause


@dataclass(frozen=True, slots=True)
class Credentials:
    """A user name and password for the server's challenge (basic or digest)."""

    user: str
    password: str

    @classmethod
    def find(
        cls,
        endpoint: str,
        user: str | None,
        password_env: str = "COUNCILKG_PASSWORD",
        netrc_file: str | None = None,
    ) -> Credentials | None:
        """The credentials for ``endpoint``: ``user`` with the password in the
        environment variable ``password_env``, else the ``~/.netrc`` (or
        ``netrc_file``) entry of the endpoint's host (for ``user``, if given).
        None when neither has them; a user without a password is an error.

        Raises:
            PushError: a user name but no password anywhere.
        """
        password = os.environ.get(password_env)
        if user and password:
            return cls(user, password)
        host = urlsplit(endpoint).hostname or ""
        try:
            entry = netrc.netrc(netrc_file).authenticators(host)
        except (FileNotFoundError, netrc.NetrcParseError):
            entry = None
        if entry is not None:
            login, _, secret = entry
            if secret and (user is None or user == login):
                return cls(login, secret)
        if user:
            raise PushError(
                f"no password for {user!r}: set the environment variable {password_env} "
                f"or add 'machine {host} login {user} password …' to ~/.netrc"
            )
        return None


@dataclass(frozen=True, slots=True)
class GraphPush:
    """One graph sent: its IRI (None: the default graph), triples and
    requests; ``refused`` the server's reason where it would not take it."""

    graph: str | None
    triples: int
    batches: int
    refused: str | None = None
    probes: int = 0
    """Bodiless requests made before the batches (the default graph's)."""


@dataclass(frozen=True, slots=True)
class PushReport:
    """What :func:`push` sent (or, for a dry run, would send)."""

    endpoint: str
    graphs: tuple[GraphPush, ...]
    seconds: float
    dry_run: bool = False

    @property
    def triples(self) -> int:
        """Triples sent, all graphs together (the default graph included)."""
        return sum(g.triples for g in self.graphs if g.refused is None)

    @property
    def requests(self) -> int:
        """HTTP requests made (batches, and the default graph's probe)."""
        return sum(g.batches + g.probes for g in self.graphs)

    def notices(self) -> list[str]:
        """One line per graph the server would not take, with its reason."""
        return [
            f"notice: the server took no default graph ({g.refused}); the merge is in "
            f"its named graph {self._merged()}, which prepared queries read"
            for g in self.graphs
            if g.refused is not None and g.graph is None
        ]

    def _merged(self) -> str:
        merged = [g.graph for g in self.graphs if g.graph and g.graph.endswith(MERGED_GRAPH)]
        return f"<{merged[0]}>" if merged else "no graph"

    def summary(self) -> str:
        """One line for the command line."""
        named = sum(1 for g in self.graphs if g.graph is not None)
        default = any(g.graph is None and g.refused is None for g in self.graphs)
        verb = "would push" if self.dry_run else "pushed"
        timing = "" if self.dry_run else f", {self.seconds:.1f} s"
        return (
            f"{verb} {named} named graph{'s' * (named != 1)}"
            f"{' and the default graph' if default else ''} to {self.endpoint}: "
            f"{self.triples} triples in {self.requests} requests{timing}"
        )


def graph_url(endpoint: str, graph: str | None) -> str:
    """The Graph Store Protocol URL of ``graph`` (None: the default graph)."""
    sep = "&" if "?" in endpoint else "?"
    if graph is None:
        return f"{endpoint}{sep}default"
    return f"{endpoint}{sep}graph={quote(graph, safe='')}"


def merged_graph(graphs: Iterable[str]) -> str | None:
    """The IRI of the named merge for a store's graphs (``{base}graph/all``,
    the base read off the store's own graph IRIs), or None for a store
    without councilkg graphs."""
    for g in graphs:
        head, sep, _ = g.rpartition("graph/")
        if sep and head.endswith("/"):
            return f"{head}{MERGED_GRAPH}"
    return None


def push(
    store: GraphStore,
    endpoint: str,
    *,
    graph: str | None = None,
    batch_triples: int = 50_000,
    default_graph: bool | None = None,
    timeout: float = 120,
    credentials: Credentials | None = None,
    dry_run: bool = False,
    on_request: Callable[[str, str, int], None] | None = None,
) -> PushReport:
    """Load the store's graphs into the Graph Store endpoint ``endpoint``
    (``http://127.0.0.1:7878/store`` for ``oxigraph serve``,
    ``http://host:3030/DATASET/data`` for Fuseki,
    ``http://host:8890/sparql-graph-crud`` for Virtuoso).

    Args:
        graph: push only this named graph; by default every named graph.
        batch_triples: at most this many triples per request.
        default_graph: also push the store's merge of all its graphs (as the
            named graph ``{base}graph/all`` and as the default graph where the
            server takes one); by default only when every graph is pushed
            (``graph`` is None).
        timeout: seconds per HTTP request.
        credentials: answered to a basic or digest challenge.
        dry_run: send nothing; the report (and ``on_request``) say what
            would be sent.
        on_request: called with (method, url, triples) before each request.

    Raises:
        ValueError: ``graph`` is not a graph of the store, or a bad batch size.
        PushError: the endpoint is unreachable or refused a named graph.
    """
    if batch_triples < 1:
        raise ValueError(f"batch_triples must be positive, not {batch_triples}")
    graphs = store.graphs()
    if graph is not None and graph not in graphs:
        raise ValueError(
            f"the store has no graph {graph!r}; its graphs: {', '.join(graphs) or 'none'}"
        )
    # (target IRI or None for the default graph, the store's graph it copies)
    targets: list[tuple[str | None, str | None]] = [
        (g, g) for g in ([graph] if graph is not None else graphs)
    ]
    merged = merged_graph(graphs)
    if default_graph if default_graph is not None else graph is None:
        if merged is not None:
            targets.append((merged, None))
        targets.append((None, None))
    authorizer = _Authorizer(endpoint, credentials, timeout)
    started = time.perf_counter()
    sent = []
    for target, source in targets:
        name = ox.NamedNode(source) if source is not None else ox.DefaultGraph()
        triples = (q.triple for q in store.oxigraph.quads_for_pattern(None, None, None, name))
        sender = _Sender(authorizer, endpoint, timeout, dry_run, on_request)
        try:
            sent.append(sender.send_graph(target, triples, batch_triples))
        except _RefusedError as exc:
            if target is not None:
                raise
            # The default graph is a convenience; the named merge carries it.
            sent.append(GraphPush(None, 0, sender.requests, exc.cause, sender.probes))
    return PushReport(endpoint, tuple(sent), time.perf_counter() - started, dry_run)


class _Authorizer:
    """Credentials sent with each request, not after a refusal.

    Why before: a server that challenges (401) answers as soon as it has read
    the headers and may close the connection while a large body is still
    being sent (Virtuoso's ``/sparql-graph-crud-auth``: a broken pipe, not a
    401, reaches the client).  So the challenge is fetched once with a
    bodiless GET of the endpoint, and every request then carries its answer:
    basic, or digest (computed by urllib's own digest handler, the nonce
    count advancing per request).
    """

    def __init__(self, endpoint: str, credentials: Credentials | None, timeout: float) -> None:
        self.endpoint = endpoint
        self.credentials = credentials
        self.timeout = timeout
        self._challenge: tuple[str, dict[str, str]] | None = None
        self._digest: urllib.request.HTTPDigestAuthHandler | None = None
        if credentials is not None:
            passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            passwords.add_password(None, endpoint, credentials.user, credentials.password)
            self._digest = urllib.request.HTTPDigestAuthHandler(passwords)

    def header(self, request: urllib.request.Request) -> str | None:
        """The ``Authorization`` value for ``request`` (None: none needed)."""
        if self.credentials is None:
            return None
        if self._challenge is None:
            self._challenge = self._fetch_challenge()
        scheme, params = self._challenge
        if scheme == "digest" and self._digest is not None:
            value = self._digest.get_authorization(request, params)
            return f"Digest {value}" if value else None
        if scheme == "basic":
            token = f"{self.credentials.user}:{self.credentials.password}".encode()
            return "Basic " + base64.b64encode(token).decode("ascii")
        return None

    def _fetch_challenge(self) -> tuple[str, dict[str, str]]:
        probe = urllib.request.Request(
            self.endpoint, method="GET", headers={"User-Agent": USER_AGENT}
        )
        try:
            with urllib.request.urlopen(probe, timeout=self.timeout) as response:
                response.read()
        except urllib.error.HTTPError as exc:
            exc.read()
            challenge = exc.headers.get("WWW-Authenticate", "")
            scheme, _, rest = challenge.partition(" ")
            if exc.code == 401 and scheme:
                params = urllib.request.parse_keqv_list(urllib.request.parse_http_list(rest))
                return scheme.lower(), params
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise PushError(f"GET {self.endpoint}: cannot reach the endpoint: {reason}") from exc
        return "none", {}


@dataclass
class _Sender:
    authorizer: _Authorizer
    endpoint: str
    timeout: float
    dry_run: bool
    on_request: Callable[[str, str, int], None] | None
    requests: int = 0
    probes: int = 0

    def send_graph(self, graph: str | None, triples: Iterable[Any], batch: int) -> GraphPush:
        url = graph_url(self.endpoint, graph)
        if graph is None and not self.dry_run:
            # Ask with an empty PUT first (it empties what the batches then
            # replace): a server that takes no default graph answers before
            # reading a body, and a large one would meet a closed connection
            # (Virtuoso: a broken pipe instead of its HTTP 500).
            self.probes += 1
            _request(self.authorizer, "PUT", url, b"", self.timeout)
        count = 0
        for chunk in _chunks(triples, batch):
            method = "PUT" if self.requests == 0 else "POST"
            if self.on_request is not None:
                self.on_request(method, url, len(chunk))
            self.requests += 1
            if not self.dry_run:
                body = (ox.serialize(chunk, format=BODY_FORMAT.ox) if chunk else None) or b""
                _request(self.authorizer, method, url, body, self.timeout)
            count += len(chunk)
        return GraphPush(graph, count, self.requests, probes=self.probes)


def _chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    """Lists of at most ``size`` items; one empty list when there are none
    (so an empty graph is still PUT, which empties it remotely)."""
    chunk: list[Any] = []
    sent = False
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            sent = True
            chunk = []
    if chunk or not sent:
        yield chunk


def error_cause(body: bytes, limit: int = _ERROR_CHARS) -> str:
    """The text of an error response, whole: tags and entities of an HTML
    page removed, whitespace folded; cut (at a word, with a mark) only past
    ``limit`` characters."""
    text = body.decode("utf-8", "replace")
    text = re.sub(r"(?is)<(script|style|head)\b.*?</\1>", " ", text)
    text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[:limit].rsplit(" ", 1)[0] + " […]"
    return text


def _request(authorizer: _Authorizer, method: str, url: str, body: bytes, timeout: float) -> None:
    request = urllib.request.Request(
        url,
        data=body,
        method=method,
        headers={"Content-Type": BODY_FORMAT.media_type, "User-Agent": USER_AGENT},
    )
    if (authorization := authorizer.header(request)) is not None:
        request.add_unredirected_header("Authorization", authorization)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            response.read()
    except urllib.error.HTTPError as exc:
        cause = error_cause(exc.read()) or "no message"
        hint = ""
        if exc.code == 401:
            hint = " (credentials: --user NAME, the password in $COUNCILKG_PASSWORD or ~/.netrc)"
        raise _RefusedError(
            f"{method} {url}: HTTP {exc.code} {exc.reason}: {cause}{hint}", exc.code, cause
        ) from exc
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise PushError(f"{method} {url}: cannot reach the endpoint: {reason}") from exc
