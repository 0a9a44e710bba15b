"""The linked-data side of ``councilkg serve``: dereferenceable IRIs, entity
pages, search, the dataset description, the query page and static files.

One scheme, the Cool URIs "303" pattern (W3C, *Cool URIs for the Semantic
Web*, section 4.3), chosen because it keeps the thing apart from the
documents about it and lets each document have its own address to cite,
bookmark and cache:

- ``/id/{rest}`` names the thing ``{base}id/{rest}``; it answers
  **303 See Other** to ``/page/{rest}`` (HTML) or ``/data/{rest}.ttl`` /
  ``.jsonld`` / ``.nt`` / ``.rdf`` by the ``Accept`` header (browsers get
  the page; no or ``*/*`` Accept gets the page too).
- ``/page/{rest}`` is the HTML page (labels by ``?lang=zh|en``, else
  ``Accept-Language``, else English).
- ``/data/{rest}`` serves the data by content negotiation, and
  ``/data/{rest}.{ext}`` one format; ``?lang=zh|en`` keeps language-tagged
  literals of that language only (without it, every language is served).
- Unknown IRIs are **404** with a page that says what was asked and lists
  near IRIs; no acceptable format is **406** naming the formats.

``{base}`` is the base IRI the data was minted with (``--base`` at ingest,
default ``https://w3id.org/councilkg/``); the server reads it from the
store's reference graph, so when the base points at the server every IRI
in the graph resolves there, and when it is a persistent-identifier
service (w3id.org) that service redirects ``{base}id/...`` here.

Every query runs in the endpoint's worker pool (:meth:`Backend.run_query
<councilkg.server.pool.Backend.run_query>`), under the same timeout and
limits as ``/sparql``; pages are rendered in the front process from the
SPARQL JSON results.  The paths and methods these handlers serve are rows
of the application's route table (:mod:`councilkg.server.app`).
"""

from __future__ import annotations

import asyncio
import difflib
import hashlib
import json
import mimetypes
import shutil
import tempfile
from dataclasses import replace
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from rdflib import Literal, URIRef

from councilkg import queries as prepared
from councilkg.export.formats import EXPORT_FORMATS, FORMATS, by_extension, dump_name, format_of
from councilkg.ingest.iris import DEFAULT_BASE, encode_path
from councilkg.ingest.language import LANGS
from councilkg.prefixes import prefixes
from councilkg.resources import read_text
from councilkg.server.http import Request, Response
from councilkg.server.negotiation import GRAPH_FORMATS, negotiate
from councilkg.server.pool import Backend, PoolError
from councilkg.web.pages import Suggestion, render_index, render_not_found, render_resource, suggest
from councilkg.web.query_page import render_query_page
from councilkg.web.search_page import render_search_page, search_json
from councilkg.web.site import Site
from councilkg.web.sparql import Rows, is_iri

HTML = "html"
PAGE_FORMATS: dict[str, tuple[str, tuple[str, ...]]] = {
    HTML: ("text/html; charset=utf-8", ("text/html", "application/xhtml+xml")),
    **GRAPH_FORMATS,
}
# The media types of the dataset's description and of a named graph: the
# negotiated formats that are also export formats.
DESCRIPTION_TYPES = ", ".join(FORMATS[f].media_type for f in GRAPH_FORMATS if f in EXPORT_FORMATS)
VARY = ("Vary", "Accept, Accept-Language")
# Where the server's own links go in the cached dataset description, until a
# request says which host and scheme it was addressed as (RFC 6761: .invalid
# never resolves).
_ROOT = "http://councilkg.invalid"
SEARCH_FORMATS: dict[str, tuple[str, tuple[str, ...]]] = {
    HTML: PAGE_FORMATS[HTML],
    "json": ("application/json", ("application/json",)),
}
"""What ``/search`` answers in: the page, or the hits as JSON."""
SEARCH_LIMIT = 20
"""Hits on a search page unless ``limit`` asks for others."""
MAX_SEARCH_CHARS = 200
"""The longest query searched (a longer one is answered 400): a name, a
symbol or a phrase is far shorter, and every term is a lookup."""
MAX_SEARCH_LIMIT = 200
"""The most hits one request may ask for (``limit``)."""
_STATIC_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}


def choose_lang(request: Request) -> tuple[str, bool]:
    """(language of labels, whether the request named it with ``?lang``).

    ``?lang=zh|en`` wins; else the first of zh/en in ``Accept-Language`` by
    q-value (``zh-CN``, ``zh-Hant`` count as zh); else English.
    """
    asked = request.params().get("lang")
    if asked and asked[0].strip().lower() in LANGS:
        return asked[0].strip().lower(), True
    best: tuple[float, int, str] | None = None
    header = request.headers.get("accept-language", "")
    for pos, part in enumerate(header.split(",")):
        fields = part.split(";")
        primary = fields[0].strip().lower().split("-")[0]
        if primary not in LANGS:
            continue
        q = 1.0
        for param in fields[1:]:
            key, _, value = param.partition("=")
            if key.strip() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if q > 0 and (best is None or (q, -pos) > (best[0], best[1])):
            best = (q, -pos, primary)
    return (best[2] if best else "en"), False


class LinkedDataRoutes:
    """The handlers of the linked-data routes, over one application's pool."""

    def __init__(self, app: Backend, base: str | None = None) -> None:
        self.app = app
        self._base = base
        self._void_lines: list[str] | None = None
        self._index: dict[str, str] = {}
        self._graphs: set[str] | None = None
        self._cache: Path | None = None
        self._writing: dict[str, asyncio.Lock] = {}
        self._static = resources.files("councilkg.web").joinpath("static")

    # -- talking to the store ------------------------------------------------

    async def select(self, text: str) -> Rows:
        """Bindings of a SELECT (or ASK: ``[{"boolean": ...}]``) through the pool."""
        header, body = await self.app.run_query(
            {
                "op": "query",
                "text": text,
                "results": "json",
                "graph": "ntriples",
                "max_results": self.app.config.max_results,
            }
        )
        if int(header["status"]) != 200:
            raise PoolError(int(header["status"]), str(header.get("message") or body.decode()))
        data = json.loads(body)
        if "boolean" in data:
            return [{"boolean": {"type": "literal", "value": str(data["boolean"]).lower()}}]
        rows: Rows = data["results"]["bindings"]
        return rows

    async def construct(self, text: str, fmt: str) -> bytes:
        """A CONSTRUCT's triples in ``fmt`` (a :data:`GRAPH_FORMATS` name)."""
        header, body = await self.app.run_query(
            {
                "op": "query",
                "text": text,
                "results": None,
                "graph": fmt,
                "max_results": self.app.config.max_results,
                "prefixes": dict(prefixes()),
            }
        )
        if int(header["status"]) != 200:
            raise PoolError(int(header["status"]), str(header.get("message") or body.decode()))
        return body

    async def _render(self, lines: list[str], fmt: str) -> bytes:
        """N-Triples ``lines`` written in ``fmt`` by the export's writers (JSON-LD
        compacted with the published context), in a worker: serializing is
        CPU work the front process must not do while other clients wait."""
        header, body = await self.app.run_query({"op": "render", "lines": lines, "format": fmt})
        if int(header["status"]) != 200:
            raise PoolError(int(header["status"]), str(header.get("message") or ""))
        return body

    async def base(self) -> str:
        """The base IRI of the data, from the reference graph's name."""
        if self._base is None:
            found = sorted(
                g.removesuffix("graph/reference")
                for g in await self.graph_names()
                if g.endswith("graph/reference")
            )
            self._base = found[0] if found else DEFAULT_BASE
        return self._base

    async def exists(self, iri: str) -> bool:
        """Whether the graph has a triple with ``iri`` as subject or object
        (False for text that is not an IRI at all, such as ``%zz``)."""

        if not is_iri(iri):
            return False
        text = prepared.bind_text(read_text("queries", "ld/exists.rq"), [("resource", URIRef(iri))])
        rows = await self.select(text)
        return bool(rows) and rows[0]["boolean"]["value"] == "true"

    async def site(self, request: Request) -> Any:
        """The page helpers for this request (base IRI and language)."""

        lang, _ = choose_lang(request)
        dumps = tuple((dump_name(f), f"/dumps/{dump_name(f)}") for f in EXPORT_FORMATS)
        return Site(
            base=await self.base(),
            lang=lang,
            path=request.path,
            dumps=dumps,
            licence=self.app.config.data_licence,
        )

    # -- /id, /page, /data ------------------------------------------------------

    async def iri_of(self, request: Request, prefix: str) -> tuple[str, str, str | None]:
        """(IRI, the path below ``/id/``, extension) named by a request path."""
        rest = request.path[len(prefix) :]
        ext = None
        if prefix == "/data/":
            stem, dot, tail = rest.rpartition(".")
            if dot and "/" not in tail and _served(tail) is not None:
                rest, ext = stem, tail
        return (await self.base()) + "id/" + encode_path(rest), rest, ext

    async def resolve(self, request: Request) -> Response:
        """``/id/{rest}``: 303 to the page or the data, by ``Accept``."""
        iri, rest, _ = await self.iri_of(request, "/id/")
        fmt = negotiate(request.headers.get("accept"), PAGE_FORMATS)
        if fmt is None:
            return self._not_acceptable()
        if not rest or not await self.exists(iri):
            return await self.not_found(request, iri, rest, html=fmt == HTML)
        lang, explicit = choose_lang(request)
        query = "?" + urlencode({"lang": lang}) if explicit else ""
        if fmt == HTML:
            location = f"/page/{encode_path(rest)}{query}"
        else:
            location = f"/data/{encode_path(rest)}{FORMATS[fmt].extension}{query}"
        return Response(303, f"See {location}\n".encode(), headers=[("Location", location), VARY])

    async def page(self, request: Request) -> Response:
        """``/page/{rest}``: the HTML page of ``{base}id/{rest}``."""

        iri, rest, _ = await self.iri_of(request, "/page/")
        site = await self.site(request)
        html = await render_resource(iri, self.select, site) if rest else None
        if html is None:
            return await self.not_found(request, iri, rest, html=True)
        return Response(200, html.encode("utf-8"), PAGE_FORMATS[HTML][0], [VARY])

    async def data(self, request: Request) -> Response:
        """``/data/{rest}[.ext]``: the description of ``{base}id/{rest}``."""
        iri, rest, ext = await self.iri_of(request, "/data/")
        if ext is not None:
            fmt: str | None = _served(ext)
        else:
            fmt = negotiate(request.headers.get("accept"), GRAPH_FORMATS)
            if fmt is None:
                if negotiate(request.headers.get("accept"), PAGE_FORMATS) == HTML:
                    location = f"/page/{encode_path(rest)}"
                    return Response(303, b"", headers=[("Location", location), VARY])
                return self._not_acceptable()
        assert fmt is not None
        if not rest or not await self.exists(iri):
            return await self.not_found(request, iri, rest, html=False)
        values: list[tuple[str, Any]] = [("resource", URIRef(iri))]
        asked = request.params().get("lang")
        if asked and asked[0] in LANGS:
            values.append(("lang", Literal(asked[0])))
        text = prepared.bind_text(read_text("queries", "ld/describe.rq"), values)
        if fmt == "jsonld":
            ntriples = (await self.construct(text, "ntriples")).decode("utf-8")
            body = await self._render([ntriples], "jsonld")
        else:
            body = await self.construct(text, fmt)
        headers = [VARY, ("Link", f'<{iri}>; rel="describes"')]
        if fmt == "jsonld":
            headers.append(
                ("Link", '</context.jsonld>; rel="http://www.w3.org/ns/json-ld#context"')
            )
        return Response(200, body, GRAPH_FORMATS[fmt][0], headers)

    def _not_acceptable(self, kinds: str = "") -> Response:
        kinds = kinds or ", ".join(media.split(";")[0] for media, _ in PAGE_FORMATS.values())
        return Response.text(
            406, f"no acceptable format: this resource is available as {kinds}", [VARY]
        )

    async def not_found(self, request: Request, iri: str, rest: str, *, html: bool) -> Response:
        """404, with near IRIs (an HTML page when the client reads HTML)."""

        site = await self.site(request)
        found: list[Suggestion] = []
        if rest and is_iri(iri):
            # Same symbol, ISO3 code or key first (index lookups), then the
            # IRIs of the same folder that look most like it.
            found = await suggest(iri, self.select, site)
            known = {s.iri for s in found}
            found += [Suggestion(n, n) for n in await self.near(iri) if n not in known]
        if not html:
            lines = [f"not found: <{iri}> is not in the graph"]
            lines += [f"near: {s.iri}" for s in found]
            return Response.text(404, "\n".join(lines), [VARY])
        body = render_not_found(request.path, site, found)
        return Response(404, body.encode("utf-8"), PAGE_FORMATS[HTML][0], [VARY])

    async def near(self, iri: str, limit: int = 8) -> list[str]:
        """IRIs in the same folder as ``iri`` that look most like it."""
        base = await self.base()
        folder = iri.rsplit("/", 1)[0] + "/"
        if not folder.startswith(base + "id/"):
            return []
        text = prepared.bind_text(read_text("queries", "ld/near.rq"), [("prefix", Literal(folder))])
        candidates = [r["s"]["value"] for r in await self.select(text)]
        return difflib.get_close_matches(iri, candidates, n=limit, cutoff=0.5)

    # -- index, query page, dataset description --------------------------------

    async def index(self, request: Request) -> Response:
        """``/``: counts and entry points.  Its aggregates read the whole
        store (0.4 s at ~900k triples), so the page is kept per language
        while the store is served read-only."""

        site = await self.site(request)
        html = self._index.get(site.lang)
        if html is None:
            html = await render_index(self.select, site)
            if not self.app.config.allow_update:
                self._index[site.lang] = html
        return Response(200, html.encode("utf-8"), PAGE_FORMATS[HTML][0], [VARY])

    async def query_page(self, request: Request) -> Response:
        """``/query``: the SPARQL editor with the prepared queries;
        ``?name=…&{param}=…`` (a deep link) selects one, and the page's
        script fills its values in and runs it."""

        params = request.params()
        # A deep link's switch to the other language keeps the query and its values.
        keep = tuple((k, v[0]) for k, v in params.items() if v and k != "lang")
        site = replace(await self.site(request), keep=keep)
        asked = (params.get("name") or [""])[0] or None
        html = render_query_page(site, prepared.catalogue(), asked)
        return Response(200, html.encode("utf-8"), PAGE_FORMATS[HTML][0], [VARY])

    async def search(self, request: Request) -> Response:
        """``/search?q=…[&limit=N][&format=json|html]``: the resources whose
        names, symbols, codes or passages hold the words of ``q``, ranked
        (:mod:`councilkg.search`), as a page or (``format=json`` or
        ``Accept: application/json``) as JSON.  The lookup runs in a worker,
        under the query timeout, like every query."""
        params = request.params()
        asked = (params.get("format") or [""])[0].strip().lower()
        if asked and asked not in SEARCH_FORMATS:
            return Response.text(400, f"format must be {' or '.join(SEARCH_FORMATS)}")
        fmt = asked or negotiate(request.headers.get("accept"), SEARCH_FORMATS)
        if fmt is None:
            return self._not_acceptable("text/html, application/json")
        limit_text = (params.get("limit") or [str(SEARCH_LIMIT)])[0].strip()
        if not limit_text.isdigit() or not 1 <= int(limit_text) <= MAX_SEARCH_LIMIT:
            return Response.text(400, f"limit must be a number from 1 to {MAX_SEARCH_LIMIT}")
        query = (params.get("q") or [""])[0].strip()
        if len(query) > MAX_SEARCH_CHARS:
            return Response.text(400, f"the query is longer than {MAX_SEARCH_CHARS} characters")
        keep = (("q", query),) if query else ()
        site = replace(await self.site(request), path="/search", keep=keep)
        hits: list[dict[str, Any]] = []
        if query:
            header, body = await self.app.run_query(
                {"op": "search", "text": query, "lang": site.lang, "limit": int(limit_text)}
            )
            if int(header["status"]) != 200:
                raise PoolError(int(header["status"]), str(header.get("message") or ""))
            hits = json.loads(body)
        headers = [("Vary", "Accept, Accept-Language")]
        if fmt == "json":
            return _json(200, search_json(site, query, hits), headers)
        html = render_search_page(site, query, hits, limit=int(limit_text))
        return Response(200, html.encode("utf-8"), PAGE_FORMATS[HTML][0], headers)

    async def prepared_query(self, request: Request) -> Response:
        """``/query/prepared?name=…&{param}=…``: the prepared query's SPARQL
        with the values validated and bound (JSON ``{"query": …}``), or 400
        with the message the command line would give (``{"error": …}``)."""
        params = {k: v[0] for k, v in request.params().items() if v}
        name = params.pop("name", "")
        params.pop("lang", None)
        try:
            bound = prepared.bind(name, params)
        except prepared.QueryError as exc:
            return _json(400, {"error": str(exc)})
        return Response(
            200, json.dumps({"query": bound.sparql}).encode("utf-8"), "application/json"
        )

    async def labels(self, request: Request) -> Response:
        """``POST /query/labels`` with a JSON list of IRIs: their labels by
        language (``{iri: {lang: label}}``), for the query page's table."""
        try:
            iris = json.loads(request.body or b"[]")
        except ValueError:
            return _json(400, {"error": "the body must be a JSON list of IRIs"})
        if not isinstance(iris, list):
            return _json(400, {"error": "POST a JSON list of IRIs"})
        wanted = sorted({i for i in iris if isinstance(i, str)})[:2000]
        found: dict[str, dict[str, tuple[int, str]]] = {}
        for start in range(0, len(wanted), 400):
            batch = wanted[start : start + 400]
            for row in await self.select(prepared.label_query(batch)):
                iri, label = row["s"]["value"], row["label"]
                rank, lang = int(row["rank"]["value"]), label.get("xml:lang", "")
                have = found.setdefault(iri, {}).get(lang)
                if have is None or (rank, label["value"]) < have:
                    found[iri][lang] = (rank, label["value"])
        out = {i: {lg: v for lg, (_, v) in sorted(ls.items())} for i, ls in sorted(found.items())}
        return _json(200, out)

    async def void(self, request: Request) -> Response:
        """``/.well-known/void``: the VoID/DCAT description, by ``Accept`` or
        ``?format=ttl|nt|jsonld``.  Computed once (it counts the whole
        store) in a worker, then kept: the store does not change while it
        is served read-only.  Its endpoint and download links are written
        for each request, from the address that request used."""

        params = request.params()
        ext = (params.get("format") or [""])[0]
        fmt = _served(ext) or negotiate(request.headers.get("accept"), GRAPH_FORMATS)
        if fmt is None or fmt not in EXPORT_FORMATS:
            return self._not_acceptable(DESCRIPTION_TYPES)
        if self._void_lines is None or self.app.config.allow_update:
            _header, body = await self._long_call(
                {
                    "op": "void",
                    "base": await self.base(),
                    "endpoint": _ROOT + "/sparql",
                    "downloads": _ROOT + "/dumps/",
                    "license": self.app.config.data_licence,
                }
            )
            self._void_lines = body.decode("utf-8").splitlines(keepends=True)
        # The counts are computed once; the links are this request's, so one
        # client's Host header never reaches another client's description.
        here = f"<{request.base_url()}/"
        lines = [line.replace(f"<{_ROOT}/", here) for line in self._void_lines]
        body = await self._render(lines, fmt)
        return Response(200, body, GRAPH_FORMATS[fmt][0], [("Vary", "Accept")])

    async def dumps(self, request: Request) -> Response:
        """``/dumps/councilkg.{nq,nt,ttl,trig,jsonld}[.gz]``: the whole
        dataset (:func:`councilkg.export.writers.export_store`), written once by a
        worker into the server's cache folder and streamed from there."""

        name = request.path[len("/dumps/") :]
        try:
            spec, gz = format_of(name)
            fmt = spec.name
        except ValueError:
            fmt, gz = "", False
        if not fmt or name != dump_name(fmt, gzip=gz):
            names = ", ".join(dump_name(f, gzip=g) for f in EXPORT_FORMATS for g in (False, True))
            return Response.text(404, f"no dump {name!r}; the dumps: {names}")
        path = await self._cached(name, {"op": "export", "format": fmt, "gzip": gz})
        media = FORMATS[fmt].media_type
        headers = [("Content-Disposition", f'attachment; filename="{name}"')]
        if gz:
            media = "application/gzip"
        return Response(200, b"", media, headers, file=path)

    async def graph(self, request: Request) -> Response:
        """``/graph/{rest}``: the named graph ``{base}graph/{rest}`` (a source
        file's graph, the reference or the ontology graph) as a file, by
        ``Accept`` (Turtle for browsers and ``*/*``), written once by a worker."""

        iri = (await self.base()) + "graph/" + encode_path(request.path[len("/graph/") :])
        if iri not in await self.graph_names():
            return Response.text(404, f"not found: <{iri}> is not a named graph of the store")
        accept = request.headers.get("accept")
        fmt = negotiate(accept, GRAPH_FORMATS)
        if fmt is None and negotiate(accept, PAGE_FORMATS) == HTML:
            fmt = "turtle"
        if fmt is None or fmt not in EXPORT_FORMATS:
            return self._not_acceptable(DESCRIPTION_TYPES)
        name = f"graph-{hashlib.sha256(iri.encode()).hexdigest()[:16]}{FORMATS[fmt].extension}"
        path = await self._cached(
            name, {"op": "export", "format": fmt, "gzip": False, "graph": iri}
        )
        return Response(200, b"", GRAPH_FORMATS[fmt][0], [("Vary", "Accept")], file=path)

    async def graph_names(self) -> set[str]:
        """The store's named graphs (read once: the store is served read-only,
        and a graph added under --allow-update is read again)."""
        if self._graphs is None or self.app.config.allow_update:
            rows = await self.select(read_text("queries", "ld/base.rq"))
            self._graphs = {r["g"]["value"] for r in rows if "g" in r}
        return self._graphs

    async def dataset(self, request: Request) -> Response:
        """``/dataset`` (the dataset's IRI, ``{base}dataset``, and the
        partitions below it): 303 to the description that defines them."""
        location = "/.well-known/void"
        return Response(303, f"See {location}\n".encode(), headers=[("Location", location)])

    async def _cached(self, name: str, job: dict[str, Any]) -> Path:
        """The cache file ``name``, written by a worker running ``job`` the
        first time it is asked for.

        Written once and served whole: concurrent first requests wait for the
        one writer (a lock per file), the worker writes a partial file that is
        renamed into place only when complete, so no client is sent a file
        being written; a failure names the file, never a path of the server.
        """
        path = self._cache_dir() / name
        if path.exists():
            return path
        async with self._writing.setdefault(name, asyncio.Lock()):
            if path.exists():
                return path
            partial = path.with_name(f".{name}.partial")
            try:
                await self._long_call({**job, "path": str(partial)})
                partial.replace(path)
            except PoolError as exc:
                partial.unlink(missing_ok=True)
                raise PoolError(
                    exc.status, f"{name} could not be written; try again", exc.headers
                ) from None
        return path

    def _cache_dir(self) -> Path:
        if self._cache is None:
            self._cache = Path(tempfile.mkdtemp(prefix="councilkg-serve-"))
            self.app.on_shutdown(lambda: shutil.rmtree(self._cache or "", ignore_errors=True))
        return self._cache

    async def _long_call(self, request: dict[str, Any]) -> tuple[dict[str, Any], bytes]:
        """A whole-store job in a worker, allowed ten minutes (not the query
        timeout: it reads every triple)."""
        assert self.app.pool is not None
        header, body = await self.app.pool.call(
            request, max(600.0, self.app.config.timeout_s), may_run_long=True
        )
        if int(header["status"]) != 200:
            raise PoolError(int(header["status"]), str(header.get("message") or ""))
        return header, body

    async def context(self, request: Request) -> Response:
        """``/context.jsonld``: the published JSON-LD context."""
        body = read_text("ontology", "context.jsonld").encode("utf-8")
        return Response(
            200, body, "application/ld+json", [("Cache-Control", "public, max-age=3600")]
        )

    async def static(self, request: Request) -> Response:
        """``/static/{path}``: the package's static files (CSS, the editor)."""
        parts = request.path[len("/static/") :].split("/")
        if any(p in ("", ".", "..") or "\\" in p for p in parts):
            return Response.text(404, f"not found: {request.path}")
        node: Traversable = self._static
        for p in parts:
            node = node.joinpath(p)
        if not node.is_file():
            return Response.text(404, f"not found: {request.path}")
        suffix = "." + parts[-1].rsplit(".", 1)[-1]
        ctype = _STATIC_TYPES.get(suffix) or mimetypes.guess_type(parts[-1])[0] or "text/plain"
        return Response(200, node.read_bytes(), ctype, [("Cache-Control", "public, max-age=3600")])


def _json(status: int, data: object, headers: list[tuple[str, str]] | None = None) -> Response:
    body = json.dumps(data, ensure_ascii=False, sort_keys=True).encode("utf-8")
    return Response(status, body, "application/json", headers or [])


def _served(extension: str) -> str | None:
    """The served format whose file extension is ``extension`` (``ttl``, no
    dot), or None."""
    spec = by_extension("." + extension)
    return spec.name if spec is not None and spec.served else None
