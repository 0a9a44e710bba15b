"""The SPARQL 1.1 Protocol at ``/sparql``: queries, updates when enabled,
and the service description.

This module turns a protocol request into a worker request (the text, the
formats, the dataset, the result cap) and the worker's reply into the HTTP
answer; the query itself runs in the pool (:mod:`councilkg.server.pool`).

Protocol
    ``GET /sparql?query=...``; ``POST /sparql`` with an
    ``application/sparql-query`` body or an ``application/x-www-form-urlencoded``
    ``query=...``; ``default-graph-uri`` and ``named-graph-uri`` as in the
    protocol.  ``GET /sparql`` without a query returns the SPARQL 1.1 Service
    Description (Turtle, or N-Triples / JSON-LD / RDF/XML by Accept); a
    browser (``Accept`` preferring ``text/html``) is sent to the query page
    instead (**303** to ``/query``).
    ``OPTIONS`` answers CORS preflight requests, and every response carries
    ``Access-Control-Allow-Origin`` (``cors_origin``; None to send none).

Formats
    By the ``format`` (or ``output``) parameter, else the ``Accept`` header:
    ``SELECT``/``ASK`` as ``application/sparql-results+json`` (default),
    ``+xml``, ``text/csv``, ``text/tab-separated-values``; ``CONSTRUCT`` and
    ``DESCRIBE`` as ``text/turtle`` (default), ``application/n-triples``,
    ``application/ld+json``, ``application/rdf+xml``.  No acceptable format:
    406.

Policy and limits (status, then the start of the plain-text message)
    - SPARQL Update (``update=``, ``application/sparql-update``, or update
      text sent as a query): **403** ``SPARQL Update is disabled`` unless
      ``allow_update``.  Then the single worker opens the store read-write
      (Oxigraph allows no reader beside a writer), and ``LOAD`` is still
      refused (**403** ``LOAD is disabled``) unless ``allow_load``.
    - ``SERVICE``: **403** ``SERVICE (federated query) is disabled`` unless
      ``allow_service``.  Found by lexing the request
      (:mod:`councilkg.server.policy`): the word in a string, comment, IRI or
      name is not refused.
    - Malformed query: **400** ``malformed query: `` + Oxigraph's message.
    - Timeout (``timeout_s``, counted from the request's arrival at the
      pool, so waiting for a free worker counts): **503** ``query timed out
      after N s and was stopped``; the worker is killed, so the query stops
      using CPU at once.  If no worker frees up in time, **503** ``all query
      workers are busy`` with ``Retry-After: 1``.
    - Result-size cap (``max_results`` solutions, or triples for
      ``CONSTRUCT``/``DESCRIBE``): the result is **truncated** to the first
      ``max_results`` and sent with status 200 and the headers
      ``X-Councilkg-Truncated: true``, ``X-Councilkg-Max-Results: N`` and
      ``Warning: 199 councilkg "results truncated..."``.  (Add ``LIMIT``/
      ``OFFSET`` to page through a large result.)
    - Request-size cap (``max_request_bytes``, the body or the query string):
      **413** ``request body too large`` (or **414** for a URL too long).
    - A worker that dies mid-query: **500**; it is replaced.
    - Other errors: 404 (unknown path), 405 (method; an update by GET when
      updates are enabled, too), 406 (no acceptable format), 415 (POST
      Content-Type), 400 (bad parameters, two queries...), 500 ``query
      evaluation failed: ...`` (an error raised while evaluating).

Every query response carries ``Server-Timing: query;dur=MS`` (the worker's
time on it), or ``cache;desc=hit`` for an answer kept from the same query on
the same store generation (:mod:`councilkg.server.cache`), and errors are
plain text with CORS headers (a browser page can read them).
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs, urlencode

import pyoxigraph as ox

from councilkg.export.formats import FORMATS
from councilkg.server.cache import CacheKey, ResultCache, cacheable
from councilkg.server.http import (
    MAX_RESULTS_HEADER,
    TRUNCATED_HEADER,
    Request,
    Response,
    parse_query,
)
from councilkg.server.negotiation import (
    GRAPH_FORMATS,
    FormatError,
    formats_from_param,
    negotiate,
    negotiate_graph,
    negotiate_results,
)
from councilkg.server.policy import RequestShape, refusal
from councilkg.server.pool import Backend, PoolError

SD = "http://www.w3.org/ns/sparql-service-description#"
# The service description's formats, then the page: the first is the answer
# to no Accept header or */*, so HTML wins only when asked for by name.
_DESCRIPTION_OR_PAGE = {
    **GRAPH_FORMATS,
    "html": ("text/html; charset=utf-8", ("text/html", "application/xhtml+xml")),
}
VARY_ACCEPT = ("Vary", "Accept")
FORMATS_NS = "http://www.w3.org/ns/formats/"


class SparqlProtocol:
    """The ``/sparql`` handler of one application; it keeps the dataset's
    counts for the service description (read again after an update)."""

    def __init__(self, app: Backend) -> None:
        self.app = app
        self._stats: dict[str, Any] | None = None
        config = app.config
        # The endpoint's switches, sent with each request: the worker applies
        # the policy (see councilkg.server.policy for why there).
        self._allowed = {
            "allow_update": config.allow_update,
            "allow_load": config.allow_load,
            "allow_service": config.allow_service,
        }
        size = config.result_cache_size()
        self.cache = ResultCache(size) if size else None

    async def handle(self, request: Request) -> Response:
        """``/sparql``: a query, an update, or (neither) the service
        description.  The route table lets only GET, HEAD and POST through."""
        method = request.method
        params = request.params()
        queries: list[str] = []
        updates: list[str] = []
        if method == "POST":
            ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
            if ctype == "application/x-www-form-urlencoded":
                try:
                    form = (
                        parse_query(request.body)
                        if request.body.isascii()
                        else parse_qs(request.body.decode("utf-8"), keep_blank_values=True)
                    )
                except UnicodeDecodeError:
                    return Response.text(400, "the form is not UTF-8")
                for key, values in form.items():
                    params.setdefault(key, []).extend(values)
                queries = params.pop("query", [])
                updates = params.pop("update", [])
            elif ctype in ("application/sparql-query", "application/sparql-update"):
                try:
                    text = request.body.decode("utf-8")
                except UnicodeDecodeError:
                    return Response.text(400, "the request body is not UTF-8")
                (queries if ctype == "application/sparql-query" else updates).append(text)
                if "query" in params or "update" in params:
                    return Response.text(
                        400, "a query in the body and one in the URL: send only one"
                    )
            else:
                return Response.text(
                    415,
                    f"unsupported Content-Type {ctype or '(none)'!r}: use "
                    "application/sparql-query, application/sparql-update or "
                    "application/x-www-form-urlencoded",
                )
        else:
            queries = params.pop("query", [])
            updates = params.pop("update", [])
            if updates and self.app.config.allow_update:
                return Response.text(
                    405, "updates must be sent with POST", [("Allow", "POST, OPTIONS")]
                )
        if queries and updates:
            return Response.text(400, "both a query and an update: send one operation")
        if len(queries) > 1 or len(updates) > 1:
            return Response.text(400, "more than one query (or update) parameter")
        if updates:
            return await self._update(updates[0], request)
        if not queries:
            return await self.service_description(request)
        return await self._query(queries[0], request, params)

    async def _query(self, text: str, request: Request, params: dict[str, list[str]]) -> Response:
        fmt_values = params.get("format") or params.get("output")
        if fmt_values:
            try:
                results, graph = formats_from_param(fmt_values[0])
            except FormatError as exc:
                return Response.text(400, str(exc))
        else:
            accept = request.headers.get("accept")
            results, graph = negotiate_results(accept), negotiate_graph(accept)
        if results is None and graph is None:
            return Response.text(
                406,
                "no acceptable format: results are available as application/sparql-results+json, "
                "application/sparql-results+xml, text/csv, text/tab-separated-values, and graphs "
                "as text/turtle, application/n-triples, application/ld+json, application/rdf+xml",
            )
        default_graph = params.get("default-graph-uri", [])
        named_graph = params.get("named-graph-uri", [])
        key: CacheKey = (text, results, graph, tuple(default_graph), tuple(named_graph))
        pool = self.app.pool
        kept = None
        generation = ""
        if self.cache is not None and pool is not None:
            await pool.follow_store()  # the generation an answer now would come from
            generation = pool.generation
            kept = self.cache.get(generation, key)
        if kept is not None:
            header, body = kept
        else:
            header, body = await self.app.run_query(
                {
                    "op": "query",
                    "text": text,
                    "results": results,
                    "graph": graph,
                    "default_graph": default_graph,
                    "named_graph": named_graph,
                    "max_results": self.app.config.max_results,
                    "policy": self._allowed,
                }
            )
            if (
                self.cache is not None
                and pool is not None
                and pool.generation == generation  # not moved on meanwhile
                and cacheable(text, header)
            ):
                self.cache.put(generation, key, header, body)
        status = int(header["status"])
        extra = [("Vary", "Accept")]
        if kept is not None:
            extra.append(("Server-Timing", "cache;desc=hit"))
        elif "ms" in header:
            timing = f"query;dur={header['ms']}"
            if "queue_ms" in header:
                timing += f", queue;dur={header['queue_ms']}"
            extra.append(("Server-Timing", timing))
        if header.get("truncated"):
            cap = self.app.config.max_results
            extra += [
                (TRUNCATED_HEADER, "true"),
                (MAX_RESULTS_HEADER, str(cap)),
                ("Warning", f'199 councilkg "results truncated to the first {cap}"'),
            ]
        return Response(status, body, str(header["type"]), extra)

    async def _update(self, text: str, request: Request) -> Response:
        if not self.app.config.allow_update:
            # Refused whatever it says, so not read at all (a substring test
            # only names LOAD in the answer).
            shape = RequestShape(load="LOAD" in text.upper())
            refused = refusal(shape, update=True, config=self.app.config)
            return Response.text(403, refused or "SPARQL Update is disabled")
        header, body = await self.app.run_query(
            {"op": "update", "text": text, "policy": self._allowed}
        )
        if int(header["status"]) < 300:
            self._stats = None
        return Response(int(header["status"]), body, str(header["type"]))

    # -- service description ---------------------------------------------

    async def _dataset_stats(self) -> dict[str, Any] | None:
        if self._stats is None:
            try:
                header, body = await self.app.run_query({"op": "stats"})
            except PoolError:
                return None
            if header.get("status") == 200:
                self._stats = json.loads(body)
        return self._stats

    def service_description_turtle(self, endpoint: str, stats: dict[str, Any] | None) -> str:
        """The SPARQL 1.1 Service Description of the endpoint at ``endpoint``."""
        cfg = self.app.config
        languages = ["sd:SPARQL11Query"] + (["sd:SPARQL11Update"] if cfg.allow_update else [])
        features: list[str] = []
        if cfg.allow_service:
            features.append("sd:BasicFederatedQuery")
        result_formats = [
            "formats:SPARQL_Results_JSON",
            "formats:SPARQL_Results_XML",
            "formats:SPARQL_Results_CSV",
            "formats:SPARQL_Results_TSV",
            "formats:Turtle",
            "formats:N-Triples",
            "formats:JSON-LD",
            "formats:RDF_XML",
        ]
        lines = [
            f"@prefix sd: <{SD}> .",
            f"@prefix formats: <{FORMATS_NS}> .",
            "@prefix void: <http://rdfs.org/ns/void#> .",
            "@prefix dcterms: <http://purl.org/dc/terms/> .",
            "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .",
            "",
            f"<{endpoint}> a sd:Service ;",
            f"    sd:endpoint <{endpoint}> ;",
            f"    sd:supportedLanguage {', '.join(languages)} ;",
            f"    sd:resultFormat {', '.join(result_formats)} ;",
        ]
        if features:
            lines.append(f"    sd:feature {', '.join(features)} ;")
        lines += [
            "    sd:defaultEntailmentRegime <http://www.w3.org/ns/entailment/Simple> ;",
            '    dcterms:title "councilkg: UN Security Council practice (SPARQL endpoint)" ;',
            '    dcterms:description "Read-only SPARQL 1.1 endpoint over the councilkg store. '
            "The default graph is the RDF merge of the named graphs (one per source file, "
            f"plus the reference and ontology graphs). Per-query timeout {cfg.timeout_s:g} s; "
            f'results truncated after {cfg.max_results} solutions or triples." ;',
            "    sd:defaultDataset [",
            "        a sd:Dataset ;",
            "        sd:defaultGraph [ a sd:Graph"
            + (f" ; void:triples {int(stats['default'])}" if stats else "")
            + " ]",
        ]
        if stats:
            for name, count in sorted(stats["named"].items()):
                lines.append(
                    f"        ; sd:namedGraph [ a sd:NamedGraph ; sd:name <{name}> ; "
                    f"sd:graph [ a sd:Graph ; void:triples {int(count)} ] ]"
                )
        lines += ["    ] .", ""]
        return "\n".join(lines)

    async def service_description(self, request: Request) -> Response:
        """``GET /sparql`` without a query: the service description; for a
        browser (an ``Accept`` that prefers HTML to every RDF format, as a
        link followed from a page sends), **303** to the query page, which
        is what a person opening the endpoint wants (the description is
        RDF/XML or Turtle a browser downloads or shows as text).  SPARQL
        clients (no ``Accept``, ``*/*``, or an RDF type) get the
        description as before."""
        fmt_values = request.params().get("format") or request.params().get("output")
        if not fmt_values and self.app.config.linked_data:
            accept = request.headers.get("accept")
            if negotiate(accept, _DESCRIPTION_OR_PAGE) == "html":
                lang = request.params().get("lang")
                location = "/query" + (f"?{urlencode({'lang': lang[0]})}" if lang else "")
                return Response(
                    303, f"See {location}\n".encode(), headers=[("Location", location), VARY_ACCEPT]
                )
        if fmt_values:
            try:
                graph = formats_from_param(fmt_values[0])[1]
            except FormatError as exc:
                return Response.text(400, str(exc))
        else:
            graph = negotiate_graph(request.headers.get("accept"))
        if graph is None:
            return Response.text(
                406,
                "the service description is RDF: accept text/turtle, "
                "application/n-triples, application/ld+json or application/rdf+xml",
            )
        endpoint = request.base_url() + request.path
        turtle = self.service_description_turtle(endpoint, await self._dataset_stats())
        body = turtle.encode("utf-8")
        if graph != "turtle":
            triples = ox.parse(body, format=ox.RdfFormat.TURTLE)
            body = ox.serialize(triples, format=FORMATS[graph].ox) or b""
        return Response(200, body, GRAPH_FORMATS[graph][0], [("Vary", "Accept")])
