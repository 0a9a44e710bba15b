"""The query interface of the pages: SPARQL text in, result bindings out.

Why a callable and the W3C JSON format: pages only ever ``await
select(query_text)``, so they run unchanged on an embedded store
(:func:`store_select`), behind the server's worker pool, or against a remote
endpoint; all of them speak SPARQL 1.1 Query Results JSON, so the embedded
store's answers are serialised to it and parsed back, and every page sees
exactly what a remote engine would send.

Why values are bound with a ``VALUES`` block: the IRIs a page asks about
come from request paths, so they are checked against the SPARQL ``IRIREF``
grammar and written by the project's N-Triples encoder
(:func:`councilkg.ingest.ntriples.term`) into a ``VALUES`` block at the top of the
query's outermost ``WHERE`` group (where the engine can use them to start
its joins), never pasted into the query's own text.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Awaitable, Callable, Iterable, Sequence
from functools import cache
from typing import TYPE_CHECKING

import pyoxigraph as ox
from rdflib.term import Literal, Node, URIRef

from councilkg.ingest.ntriples import term as nt_term
from councilkg.queries import where_brace
from councilkg.resources import resource_dir

if TYPE_CHECKING:
    from councilkg.store import GraphStore

__all__ = [
    "Row",
    "Rows",
    "Select",
    "bind",
    "bind_iris",
    "bind_strings",
    "is_iri",
    "page_query",
    "rows_of",
    "select_many",
    "shown_limit",
    "store_select",
]

Rows = list[dict[str, dict[str, str]]]
"""The ``bindings`` of a SPARQL 1.1 Query Results JSON document."""

Select = Callable[[str], Awaitable[Rows]]
"""Runs SELECT text and returns its bindings (embedded, pooled or remote)."""

# IRIREF of the SPARQL grammar, with an absolute scheme.
_IRI_RE = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:[^\x00-\x20<>\"{}|^`\\]*")
_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_QUERY_NAME_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def is_iri(text: str) -> bool:
    """Whether ``text`` can be written as a SPARQL IRI term: absolute, none
    of the characters SPARQL excludes from IRIs, and valid by RFC 3987 (an
    IRI the engine would refuse must give a 404, not an error).

    >>> is_iri("https://w3id.org/councilkg/id/state/CHN")
    True
    >>> is_iri("https://w3id.org/councilkg/id/x> } DROP ALL #")
    False
    >>> is_iri("https://w3id.org/councilkg/id/%zz")
    False
    """
    if _IRI_RE.fullmatch(text) is None:
        return False
    try:  # RFC 3987 as the engine checks it (percent-encoding, brackets …)
        ox.NamedNode(text)
    except ValueError:
        return False
    return True


def bind_iris(text: str, variable: str, iris: Iterable[str]) -> str:
    """``text`` with ``VALUES ?variable { <iri> … }`` at the top of its
    outermost WHERE group.

    Raises:
        ValueError: an IRI that is not a valid IRI term, or a bad variable
            name (programming errors: callers check request input with
            :func:`is_iri` first).

    >>> bind_iris("SELECT ?p WHERE { ?this ?p ?o }", "this", ["http://example.org/a"])
    'SELECT ?p WHERE {\\n  VALUES ?this { <http://example.org/a> }\\n ?this ?p ?o }'
    """
    nodes: list[Node] = []
    for iri in iris:
        if not is_iri(iri):
            raise ValueError(f"not an IRI: {iri!r}")
        nodes.append(URIRef(iri))
    return bind(text, variable, nodes)


def bind_strings(text: str, variable: str, values: Iterable[str]) -> str:
    """``text`` with ``VALUES ?variable { "…" … }`` (plain literals, escaped
    by the N-Triples encoder).

    >>> bind_strings("SELECT ?n WHERE { ?n ?p ?v }", "v", ['a"b'])
    'SELECT ?n WHERE {\\n  VALUES ?v { "a\\\\"b" }\\n ?n ?p ?v }'
    """
    return bind(text, variable, [Literal(v) for v in values])


def bind(text: str, variable: str, nodes: Sequence[Node]) -> str:
    """``text`` with ``VALUES ?variable { … }`` holding ``nodes`` at the top
    of its outermost WHERE group (an empty block when there are none: the
    query then has no solutions, as it should)."""
    if not _NAME_RE.fullmatch(variable):
        raise ValueError(f"not a SPARQL variable name: {variable!r}")
    terms = " ".join(nt_term(n) for n in nodes)
    at = where_brace(text) + 1
    return f"{text[:at]}\n  VALUES ?{variable} {{ {terms} }}\n{text[at:]}"


@cache
def page_query(name: str) -> str:
    """The text of ``queries/pages/<name>.rq`` (read once).

    Raises:
        ValueError: a name that is not lower-case words joined by ``-``.
        FileNotFoundError: no such query.
    """
    if not _QUERY_NAME_RE.fullmatch(name):
        raise ValueError(f"page query names are lower-case words joined by '-': {name!r}")
    return resource_dir("queries").joinpath("pages", f"{name}.rq").read_text(encoding="utf-8")


_LIMIT_RE = re.compile(r"\bLIMIT\s+(\d+)\s*$", re.IGNORECASE)


def shown_limit(name: str) -> int:
    """How many rows a page shows from ``queries/pages/<name>.rq``: one less
    than its final ``LIMIT`` (the extra row tells the page there are more),
    so the file stays the one place the number is written.

    Raises:
        ValueError: the query ends without a LIMIT.
    """
    m = _LIMIT_RE.search(page_query(name).rstrip())
    if m is None:
        raise ValueError(f"queries/pages/{name}.rq has no final LIMIT")
    return int(m.group(1)) - 1


class Row(dict[str, str | None]):
    """One solution as ``{variable: lexical value}``; an unbound variable
    reads as None (templates subscript rows without guarding each cell)."""

    def __missing__(self, key: str) -> None:
        return None


def rows_of(rows: Rows) -> list[Row]:
    """Bindings as :class:`Row` objects (lexical values only).

    >>> rows_of([{"s": {"type": "uri", "value": "http://example.org/a"}}])[0]["s"]
    'http://example.org/a'
    >>> rows_of([{}])[0]["missing"] is None
    True
    """
    return [Row({k: v["value"] for k, v in row.items()}) for row in rows]


def _bindings(store: GraphStore, sparql: str) -> Rows:
    solutions = store.query(sparql)
    data = json.loads(solutions.serialize(format=ox.QueryResultsFormat.JSON))
    bindings: Rows = data["results"]["bindings"]
    return bindings


def store_select(store: GraphStore) -> Select:
    """A :data:`Select` on an embedded store (its default graph, the merge
    of its named graphs).

    The query runs in a worker thread (pyoxigraph releases the GIL while
    evaluating), so pages that issue several queries at once with
    ``asyncio.gather`` do not block the event loop.
    """

    async def select(sparql: str) -> Rows:
        return await asyncio.to_thread(_bindings, store, sparql)

    return select


async def select_many(select: Select, texts: Sequence[str]) -> list[Rows]:
    """Run several queries concurrently, answers in the order asked."""
    return list(await asyncio.gather(*(select(t) for t in texts)))
