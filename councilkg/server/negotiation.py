"""Result formats of the endpoint and content negotiation.

Two families: SPARQL results (``SELECT`` and ``ASK``) and RDF graphs
(``CONSTRUCT`` and ``DESCRIBE``, and the service description).  A request
names its format with the ``format`` (or ``output``) parameter, or with the
``Accept`` header; the endpoint negotiates one format in each family, since
which one applies is known only once the query is parsed.

The graph family is the registry's served formats
(:data:`councilkg.export.formats.SERVED_FORMATS`), Turtle first; the
results family, tables rather than graphs, is registered here
(:data:`RESULTS`).  Everything else (the media types sent, those accepted,
the values of the ``format`` parameter, pyoxigraph's formats for the
worker) is read from these two.

>>> negotiate_results("text/csv;q=0.9, application/sparql-results+xml")
'xml'
>>> negotiate_graph("text/csv;q=0.9, application/sparql-results+xml") is None
True
>>> negotiate_graph("*/*")
'turtle'
>>> formats_from_param("json")
('json', 'jsonld')
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType

import pyoxigraph as ox

from councilkg.export.formats import FORMATS, SERVED_FORMATS

Family = Mapping[str, tuple[str, tuple[str, ...]]]
"""Formats to negotiate among: name → (``Content-Type`` sent, media types
accepted for it); the first name is the default for ``*/*`` or no
``Accept`` header, and wins ties."""


@dataclass(frozen=True, slots=True)
class ResultFormat:
    """One format of SPARQL results: its name (the value of the ``format``
    parameter), the ``Content-Type`` it is sent with, the media types that
    ask for it, and pyoxigraph's format."""

    name: str
    content_type: str
    accepts: tuple[str, ...]
    ox: ox.QueryResultsFormat


RESULTS = MappingProxyType(
    {
        f.name: f
        for f in (
            ResultFormat(
                "json",
                "application/sparql-results+json",
                ("application/sparql-results+json", "application/json"),
                ox.QueryResultsFormat.JSON,
            ),
            ResultFormat(
                "xml",
                "application/sparql-results+xml",
                ("application/sparql-results+xml", "application/xml", "text/xml"),
                ox.QueryResultsFormat.XML,
            ),
            ResultFormat(
                "csv", "text/csv; charset=utf-8", ("text/csv",), ox.QueryResultsFormat.CSV
            ),
            ResultFormat(
                "tsv",
                "text/tab-separated-values; charset=utf-8",
                ("text/tab-separated-values",),
                ox.QueryResultsFormat.TSV,
            ),
        )
    }
)
"""The formats of SELECT and ASK results, the default first."""

DEFAULT_GRAPH_FORMAT = "turtle"
"""The graph format for ``*/*`` or no ``Accept`` header."""

RESULT_FORMATS: Family = MappingProxyType(
    {f.name: (f.content_type, f.accepts) for f in RESULTS.values()}
)
"""The results family, to negotiate among."""

GRAPH_FORMATS: Family = MappingProxyType(
    {
        name: (FORMATS[name].content_type, FORMATS[name].accepts)
        for name in sorted(SERVED_FORMATS, key=lambda n: n != DEFAULT_GRAPH_FORMAT)
    }
)
"""The graph family, to negotiate among: the served formats, the default first."""


def _param_values() -> dict[str, tuple[str | None, str | None]]:
    """Values of the ``format`` / ``output`` parameter: name → (results
    format, graph format).  A results format by its name; a graph format by
    its name, its extensions and its aliases; a value naming one of each
    (``json``, ``xml``) names both."""
    results = {name: name for name in RESULTS}
    graphs: dict[str, str] = {}
    for name in GRAPH_FORMATS:
        spec = FORMATS[name]
        for value in (name, *(e.removeprefix(".") for e in spec.extensions), *spec.aliases):
            graphs.setdefault(value, name)
    return {v: (results.get(v), graphs.get(v)) for v in sorted({*results, *graphs})}


_PARAM = _param_values()
PARAM_VALUES = tuple(sorted(_PARAM))


class FormatError(ValueError):
    """An unknown ``format`` parameter."""


def _parse_accept(header: str) -> list[tuple[str, float, int]]:
    """(media range, q, position) for each element of an Accept header."""
    out: list[tuple[str, float, int]] = []
    for pos, part in enumerate(header.split(",")):
        fields = part.split(";")
        media = fields[0].strip().lower()
        if not media:
            continue
        q = 1.0
        for param in fields[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value.strip())
                except ValueError:
                    q = 0.0
        out.append((media, q, pos))
    return out


def _match(
    ranges: list[tuple[str, float, int]], accepted: tuple[str, ...]
) -> tuple[float, int, int] | None:
    """(q, specificity, -position) of the most specific range matching one of
    ``accepted``, or None."""
    best: tuple[float, int, int] | None = None
    for media, q, pos in ranges:
        for target in accepted:
            if media == target:
                spec = 2
            elif media.endswith("/*") and target.startswith(media[:-1]):
                spec = 1
            elif media == "*/*":
                spec = 0
            else:
                continue
            key = (q, spec, -pos)
            # The most specific range decides the q (RFC 9110, 12.5.1).
            if best is None or (spec, -pos) > (best[1], best[2]):
                best = key
    return best


def negotiate(header: str | None, family: Family) -> str | None:
    """The name in ``family`` (name → (media type sent, media types
    accepted)) that an Accept header prefers; the family's first name for no
    header or ``*/*``; None when the header accepts none of them.

    >>> negotiate("text/html;q=0.5, text/turtle", {"html": ("text/html", ("text/html",)),
    ...     "turtle": ("text/turtle", ("text/turtle",))})
    'turtle'
    """
    if not header or not header.strip():
        return next(iter(family))
    ranges = _parse_accept(header)
    choice: str | None = None
    choice_key: tuple[float, int, int, int] | None = None
    for order, (name, (_, accepted)) in enumerate(family.items()):
        m = _match(ranges, accepted)
        if m is None or m[0] <= 0:
            continue
        key = (m[0], m[1], m[2], -order)
        if choice_key is None or key > choice_key:
            choice, choice_key = name, key
    return choice


@lru_cache(maxsize=256)
def negotiate_results(accept: str | None) -> str | None:
    """The SPARQL results format for an Accept header (None: none acceptable)."""
    return negotiate(accept, RESULT_FORMATS)


@lru_cache(maxsize=256)
def negotiate_graph(accept: str | None) -> str | None:
    """The RDF format for an Accept header (None: none acceptable)."""
    return negotiate(accept, GRAPH_FORMATS)


def formats_from_param(value: str) -> tuple[str | None, str | None]:
    """(results format, graph format) named by a ``format`` parameter: a name
    from :data:`PARAM_VALUES` or a media type.

    Raises:
        FormatError: neither.
    """
    key = value.strip().lower()
    if key in _PARAM:
        return _PARAM[key]
    if "/" in key:
        results, graph = negotiate_results(key), negotiate_graph(key)
        if results is not None or graph is not None:
            return results, graph
    raise FormatError(
        f"unknown format {value!r}; use one of {', '.join(PARAM_VALUES)}, or a media type"
    )
