"""Load the store's graphs into an external SPARQL server, by the SPARQL 1.1
Graph Store HTTP Protocol.

What is pushed: the store's named graphs (one per source file, the reference
graph, the ontology graph), each to ``ENDPOINT?graph=<iri>``, and — when all
graphs are pushed — the store's default graph, which is the *merge* of the
named graphs, to ``ENDPOINT?default``.

Why the merge goes into the remote default graph: prepared queries read the
default graph.  Servers disagree on what an unqualified query sees (Fuseki
and GraphDB: the default graph alone unless configured otherwise; Oxigraph:
the default graph, or with ``--union-default-graph`` a union that keeps one
copy of a triple per graph holding it, so facts stated by two graphs would
be counted twice).  Pushing the merge makes every server answer as the
embedded store does, with the server's default settings (start ``oxigraph
serve`` *without* ``--union-default-graph``).  The cost is that each triple
is stored twice remotely, as it is in the embedded store.

Why PUT then POST: the first batch of a graph is sent with ``PUT``, which
replaces whatever the server held in that graph, and the following batches
with ``POST``, which adds to it; pushing the same store twice therefore
leaves the server as it was after the first push (idempotent), and no batch
is larger than ``batch_triples``.  The body is N-Triples, sent with the
media type of the registry of formats (:mod:`councilkg.export.formats`).
Only the standard library is used (urllib).
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import pyoxigraph as ox

from councilkg.export.formats import FORMATS
from councilkg.store import GraphStore

__all__ = ["GraphPush", "PushError", "PushReport", "graph_url", "push"]

BODY_FORMAT = FORMATS["ntriples"]
"""The syntax of the request bodies."""
USER_AGENT = "councilkg-push"


class PushError(OSError):
    """The Graph Store endpoint could not be reached or refused a request."""


@dataclass(frozen=True, slots=True)
class GraphPush:
    """One graph sent: its IRI (None: the default graph), triples and requests."""

    graph: str | None
    triples: int
    batches: int


@dataclass(frozen=True, slots=True)
class PushReport:
    """What :func:`push` sent."""

    endpoint: str
    graphs: tuple[GraphPush, ...]
    seconds: float

    @property
    def triples(self) -> int:
        """Triples sent, all graphs together (the default graph included)."""
        return sum(g.triples for g in self.graphs)

    @property
    def requests(self) -> int:
        """HTTP requests made."""
        return sum(g.batches for g in self.graphs)

    def summary(self) -> str:
        """One line for the command line."""
        named = sum(1 for g in self.graphs if g.graph is not None)
        default = any(g.graph is None for g in self.graphs)
        return (
            f"pushed {named} named graph{'s' * (named != 1)}"
            f"{' and the default graph' if default else ''} to {self.endpoint}: "
            f"{self.triples} triples in {self.requests} requests, {self.seconds:.1f} s"
        )


def graph_url(endpoint: str, graph: str | None) -> str:
    """The Graph Store Protocol URL of ``graph`` (None: the default graph)."""
    sep = "&" if "?" in endpoint else "?"
    if graph is None:
        return f"{endpoint}{sep}default"
    return f"{endpoint}{sep}graph={quote(graph, safe='')}"


def push(
    store: GraphStore,
    endpoint: str,
    *,
    graph: str | None = None,
    batch_triples: int = 50_000,
    default_graph: bool | None = None,
    timeout: float = 120,
) -> PushReport:
    """Load the store's graphs into the Graph Store endpoint ``endpoint``
    (``http://127.0.0.1:7878/store`` for ``oxigraph serve``,
    ``http://host:3030/DATASET/data`` for Fuseki).

    Args:
        graph: push only this named graph; by default every named graph.
        batch_triples: at most this many triples per request.
        default_graph: also replace the remote default graph with the
            store's merge of all its graphs; by default only when every
            graph is pushed (``graph`` is None).
        timeout: seconds per HTTP request.

    Raises:
        ValueError: ``graph`` is not a graph of the store, or a bad batch size.
        PushError: the endpoint is unreachable or refused a request.
    """
    if batch_triples < 1:
        raise ValueError(f"batch_triples must be positive, not {batch_triples}")
    graphs = store.graphs()
    if graph is not None and graph not in graphs:
        raise ValueError(
            f"the store has no graph {graph!r}; its graphs: {', '.join(graphs) or 'none'}"
        )
    targets: list[str | None] = [graph] if graph is not None else list(graphs)
    if default_graph if default_graph is not None else graph is None:
        targets.append(None)
    started = time.perf_counter()
    sent = []
    for target in targets:
        name = ox.NamedNode(target) if target is not None else ox.DefaultGraph()
        triples = (q.triple for q in store.oxigraph.quads_for_pattern(None, None, None, name))
        sent.append(_send_graph(endpoint, target, triples, batch_triples, timeout))
    return PushReport(endpoint, tuple(sent), time.perf_counter() - started)


def _send_graph(
    endpoint: str, graph: str | None, triples: Iterable[Any], batch: int, timeout: float
) -> GraphPush:
    url = graph_url(endpoint, graph)
    count = batches = 0
    for chunk in _chunks(triples, batch):
        body = (ox.serialize(chunk, format=BODY_FORMAT.ox) if chunk else None) or b""
        _request("PUT" if batches == 0 else "POST", url, body, timeout)
        count += len(chunk)
        batches += 1
    return GraphPush(graph, count, batches)


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


def _request(method: str, url: str, body: bytes, timeout: float) -> None:
    request = urllib.request.Request(
        url,
        data=body,
        method=method,
        headers={"Content-Type": BODY_FORMAT.media_type, "User-Agent": USER_AGENT},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            response.read()
    except urllib.error.HTTPError as exc:
        detail = exc.read().decode("utf-8", "replace")[:300]
        raise PushError(f"{method} {url}: HTTP {exc.code} {exc.reason}: {detail}") from exc
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise PushError(f"{method} {url}: cannot reach the endpoint: {reason}") from exc
