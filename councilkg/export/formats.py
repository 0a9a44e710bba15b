"""The one registry of RDF graph formats.

Every part of the project that names, writes, reads, serves or sends a graph
in some syntax looks the syntax up here: ``councilkg export`` (its
``--format`` choices and the format an ``--out`` extension names), the graph
files of ``councilkg ingest --out``, ``councilkg facts FILE`` and
``councilkg validate FILE``, the server's dumps and named graphs, the content
negotiation of ``CONSTRUCT`` and ``DESCRIBE`` answers and of the linked-data
documents, the data links of the HTML pages, the VoID description of the
dumps and the body of ``councilkg push``.  A format added, or a media type
corrected, here is added or corrected everywhere at once.

For each format: its name (the value of ``--format`` and of the server's
requests), its file extensions (the first is the one written), the media
type it is sent as and the media types that ask for it in an ``Accept``
header, the W3C format IRI (``http://www.w3.org/ns/formats/``, for VoID),
whether it carries named graphs, pyoxigraph's :class:`pyoxigraph.RdfFormat`,
and its writer (:mod:`councilkg.export.serializers`) when the project
exports it.  Formats with a writer are the *export formats*: they can be
written to files and dumps, and only they are named by a file's extension
(:func:`format_of`).  Formats the server *serves* are those it offers for a
graph it computes (``CONSTRUCT`` and ``DESCRIBE`` answers, an entity's
``/data/`` document, the service description); which one a request gets is
negotiated by :mod:`councilkg.server.negotiation`.

SPARQL results of ``SELECT`` and ``ASK`` are another family (tables, not
graphs) and are registered with the negotiation that serves them.

>>> format_of("councilkg.ttl.gz")[0].name, format_of("councilkg.ttl.gz")[1]
('turtle', True)
>>> by_media_type("application/json; charset=utf-8").name
'jsonld'
>>> FORMATS["turtle"].content_type
'text/turtle; charset=utf-8'
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

import pyoxigraph as ox

from councilkg.export.serializers import (
    Writer,
    oxigraph_writer,
    write_jsonld,
    write_nquads,
    write_ntriples,
)

__all__ = [
    "EXPORT_FORMATS",
    "FORMATS",
    "SERVED_FORMATS",
    "ExportError",
    "Format",
    "by_extension",
    "by_media_type",
    "dump_name",
    "export_format",
    "format_of",
]

_W3C = "http://www.w3.org/ns/formats/"


class ExportError(ValueError):
    """An export asked for wrongly: unknown format or extension, or a graph
    the store does not have."""


@dataclass(frozen=True, slots=True)
class Format:
    """One RDF graph format.

    Attributes:
        name: the project's name for it (``turtle``).
        label: its name for people (``Turtle``).
        extensions: file extensions with the dot, the one written first.
        media_type: the media type it is sent as (``text/turtle``).
        accepts: the media types that ask for it in an ``Accept`` header
            (the first is ``media_type``).
        format_iri: the W3C format IRI.
        quads: whether it carries named graphs.
        ox: pyoxigraph's format (parsing, and serializing with pyoxigraph).
        served: offered by content negotiation for a graph the server
            computes (``CONSTRUCT``/``DESCRIBE`` answers, ``/data/``).
        aliases: other names a request's ``format`` parameter may give it.
        prefixed: written with the prefix table (``@prefix`` lines).
        writer: the deterministic export writer; None: not exported.
    """

    name: str
    label: str
    extensions: tuple[str, ...]
    media_type: str
    accepts: tuple[str, ...]
    format_iri: str
    quads: bool
    ox: ox.RdfFormat
    served: bool = False
    aliases: tuple[str, ...] = ()
    prefixed: bool = False
    writer: Writer | None = None

    @property
    def extension(self) -> str:
        """The extension of files written in this format (``.ttl``)."""
        return self.extensions[0]

    @property
    def content_type(self) -> str:
        """The ``Content-Type`` a server sends it with: the media type, with
        ``charset=utf-8`` for a ``text/`` type (whose default charset is not
        UTF-8)."""
        if self.media_type.startswith("text/"):
            return f"{self.media_type}; charset=utf-8"
        return self.media_type


_REGISTRY = (
    Format(
        "nquads",
        "N-Quads",
        (".nq",),
        "application/n-quads",
        ("application/n-quads",),
        _W3C + "N-Quads",
        quads=True,
        ox=ox.RdfFormat.N_QUADS,
        writer=write_nquads,
    ),
    Format(
        "ntriples",
        "N-Triples",
        (".nt",),
        "application/n-triples",
        ("application/n-triples", "text/plain"),
        _W3C + "N-Triples",
        quads=False,
        ox=ox.RdfFormat.N_TRIPLES,
        served=True,
        aliases=("n-triples",),
        writer=write_ntriples,
    ),
    Format(
        "turtle",
        "Turtle",
        (".ttl",),
        "text/turtle",
        ("text/turtle", "application/turtle", "application/x-turtle"),
        _W3C + "Turtle",
        quads=False,
        ox=ox.RdfFormat.TURTLE,
        served=True,
        aliases=("n3",),
        prefixed=True,
        writer=oxigraph_writer(ox.RdfFormat.TURTLE),
    ),
    Format(
        "trig",
        "TriG",
        (".trig",),
        "application/trig",
        ("application/trig",),
        _W3C + "TriG",
        quads=True,
        ox=ox.RdfFormat.TRIG,
        prefixed=True,
        writer=oxigraph_writer(ox.RdfFormat.TRIG),
    ),
    Format(
        "jsonld",
        "JSON-LD",
        (".jsonld",),
        "application/ld+json",
        ("application/ld+json", "application/json"),
        _W3C + "JSON-LD",
        quads=True,
        ox=ox.RdfFormat.JSON_LD,
        served=True,
        aliases=("json-ld", "json"),
        writer=write_jsonld,
    ),
    Format(
        "rdfxml",
        "RDF/XML",
        (".rdf",),
        "application/rdf+xml",
        ("application/rdf+xml", "application/xml", "text/xml"),
        _W3C + "RDF_XML",
        quads=False,
        ox=ox.RdfFormat.RDF_XML,
        served=True,
        aliases=("rdf/xml", "xml"),
    ),
)

FORMATS = MappingProxyType({f.name: f for f in _REGISTRY})
"""Every format by name, in the registry's order."""

EXPORT_FORMATS = tuple(f.name for f in _REGISTRY if f.writer is not None)
"""The formats with a writer, in the order the dumps are listed."""

SERVED_FORMATS = tuple(f.name for f in _REGISTRY if f.served)
"""The formats negotiated for a graph the server computes."""


def export_format(name: str) -> Format:
    """The export format called ``name``.

    Raises:
        ExportError: no format of that name has a writer.
    """
    if name not in EXPORT_FORMATS:
        raise ExportError(
            f"unknown export format {name!r}; expected one of {', '.join(sorted(EXPORT_FORMATS))}"
        )
    return FORMATS[name]


def by_extension(extension: str) -> Format | None:
    """The format of a file extension (``.ttl``, with its dot), or None."""
    for f in _REGISTRY:
        if extension in f.extensions:
            return f
    return None


def by_media_type(media_type: str) -> Format | None:
    """The format a media type asks for (parameters and case ignored):
    the format it is sent as, or that accepts it; None for any other."""
    wanted = media_type.split(";")[0].strip().lower()
    for f in _REGISTRY:
        if wanted in f.accepts:
            return f
    return None


def format_of(name: str | Path, *, gzip: bool = True) -> tuple[Format, bool]:
    """The export format named by a file's extension, and whether the file
    is gzipped (``graph.nq.gz`` → N-Quads, True).

    Args:
        gzip: whether a ``.gz`` after the extension is allowed.

    Raises:
        ExportError: an extension that is not one of an export format
            (or ``.gz`` when not allowed).
    """
    path = Path(name)
    zipped = gzip and path.suffix.lower() == ".gz"
    suffix = Path(path.stem).suffix.lower() if zipped else path.suffix.lower()
    fmt = by_extension(suffix) if suffix else None
    if fmt is None or fmt.writer is None:
        raise ExportError(
            f"{name}: unknown RDF file extension {suffix!r}; expected one of "
            + ", ".join(sorted(FORMATS[n].extension for n in EXPORT_FORMATS))
            + (" (optionally followed by .gz)" if gzip else "")
        )
    return fmt, zipped


def dump_name(fmt: str, *, gzip: bool = False, stem: str = "councilkg") -> str:
    """The file name of a dump in the export format ``fmt`` (``councilkg.nq``,
    ``councilkg.ttl.gz``).

    Raises:
        ExportError: ``fmt`` is not an export format.
    """
    return stem + export_format(fmt).extension + (".gz" if gzip else "")
