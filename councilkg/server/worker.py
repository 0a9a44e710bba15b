"""The endpoint's query worker: a child process that owns one read-only
handle on the store and runs one request at a time.

Why processes: a pyoxigraph query cannot be cancelled from Python (it holds
no cancellation token and ignores signals while it runs in Rust), so the
server stops a query past its timeout by killing the worker that runs it and
starting another.  A worker reads requests from its standard input and
writes replies to its standard output, framed as below; it exits when its
input closes (the server went away) and, on Linux, when its parent dies.

Frames::

    request  = u32 length, JSON object
    reply    = u32 header length, u32 body length, JSON header, body bytes

Request fields: ``op`` (``query``, ``update``, ``stats``, ``void``, ``export``,
``render``, ``search``), ``text``, ``lang`` / ``limit`` (for ``search``),
``policy`` (the endpoint's switches, for a client's request: see
:func:`checked`), ``lines`` / ``format`` (for ``render``),
``results`` / ``graph`` (the negotiated format of each family, or null if
none is acceptable), ``default_graph`` / ``named_graph`` (IRIs from the
protocol's ``default-graph-uri`` / ``named-graph-uri``), ``max_results``,
``prefixes`` (for Turtle output).  Reply header: ``status`` (an HTTP
status), ``type`` (Content-Type), ``truncated``, ``message`` (errors),
``ms`` (milliseconds the worker spent on the request, sent to the client as
``Server-Timing: query;dur=...``), ``cpu`` (the worker's CPU seconds so far,
user plus system, as ``/proc`` counts them: the pool measures a request's
CPU from it without reading ``/proc`` for each request).

Result-size cap, all in Oxigraph's native serializers: the result is first
written in the requested format through a writer with a budget of
``2 * max_results`` bytes; every solution or triple takes at least two
bytes, so an answer within the budget is within the cap (the usual case, at
no extra cost).  Past the budget, the writer stops the serializer, the query
is run again and written as TSV (N-Triples), which have exactly one solution
(triple) per line, through a writer that counts lines and stops at
``max_results + 1``; the first ``max_results`` are kept and, if another
format was asked for, parsed and written in it.
"""

from __future__ import annotations

import io
import json
import os
import signal
import sys
import time
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import pyoxigraph as ox

from councilkg.export.formats import FORMATS
from councilkg.server.frames import REPLY_HEAD, REQUEST_HEAD
from councilkg.server.negotiation import GRAPH_FORMATS, RESULTS
from councilkg.server.policy import Allowed, inspect_request, quick_inspect, refusal, too_deep

if TYPE_CHECKING:
    from councilkg.store import GraphStore


# By format name: pyoxigraph's format and the Content-Type sent.
RESULTS_OX = {name: spec.ox for name, spec in RESULTS.items()}
RESULTS_TYPE = {name: spec.content_type for name, spec in RESULTS.items()}
GRAPH_OX = {name: FORMATS[name].ox for name in GRAPH_FORMATS}
GRAPH_TYPE = {name: FORMATS[name].content_type for name in GRAPH_FORMATS}

Reply = tuple[dict[str, Any], bytes]


class _CapReachedError(Exception):
    """Raised by :class:`_LineCap` to stop a serializer."""


class _LineCap:
    """A binary writer that keeps what it is given and stops the writer
    (raises) once it holds more than ``limit`` complete lines."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.lines = 0
        self.chunks: list[bytes] = []
        self.capped = False

    def write(self, data: bytes) -> int:
        chunk = bytes(data)
        self.chunks.append(chunk)
        self.lines += chunk.count(b"\n")
        if self.lines > self.limit:
            self.capped = True
            raise _CapReachedError
        return len(chunk)

    def flush(self) -> None:
        """Nothing to flush: the chunks stay in memory."""

    def value(self) -> bytes:
        """The first ``limit`` lines."""
        data = b"".join(self.chunks)
        if not self.capped:
            return data
        pos = -1
        for _ in range(self.limit):
            pos = data.index(b"\n", pos + 1)
        return data[: pos + 1]


def _error(status: int, message: str) -> Reply:
    return {"status": status, "type": "text/plain; charset=utf-8", "message": message}, (
        message.encode("utf-8") + b"\n"
    )


def _graphs(iris: list[str]) -> list[ox.NamedNode]:
    return [ox.NamedNode(i) for i in iris]


class _ByteBudget:
    """A binary writer that keeps what it is given and stops the writer
    (raises) once it holds more than ``limit`` bytes."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.size = 0
        self.chunks: list[bytes] = []
        self.over = False

    def write(self, data: bytes) -> int:
        chunk = bytes(data)
        self.chunks.append(chunk)
        self.size += len(chunk)
        if self.size > self.limit:
            self.over = True
            raise _CapReachedError
        return len(chunk)

    def flush(self) -> None:
        """Nothing to flush: the chunks stay in memory."""

    def value(self) -> bytes:
        return b"".join(self.chunks)


# Every solution takes at least two bytes in JSON (``{}`` and a comma), XML
# and CSV (``\r\n``), and every triple at least two in Turtle, JSON-LD and
# RDF/XML: an answer of at most 2 * max_results bytes has at most
# max_results solutions (triples), so it needs no counting.
MIN_BYTES_PER_RESULT = 2


def _direct(serialize: Any, cap: int) -> bytes | None:
    """Serialize straight to the requested format if the output is small
    enough to prove it within the cap; None if it is not (the serializer is
    stopped as soon as it is not)."""
    writer = _ByteBudget(MIN_BYTES_PER_RESULT * cap)
    try:
        serialize(writer)
    except Exception:
        if not writer.over:
            raise
        return None
    return writer.value()


def _select(result: Any, req: dict[str, Any], rerun: Any = None) -> Reply:
    """Serialize SELECT results within the cap.  ``rerun`` gives the results
    afresh (the query run again) when the direct attempt was too large."""
    fmt: str | None = req.get("results")
    if fmt is None:
        return _error(406, "no acceptable format for SELECT results (the Accept header)")
    cap = int(req["max_results"])
    ox_fmt = RESULTS_OX[fmt]
    if not result.variables:
        # No variable: TSV has empty lines, which do not round-trip.
        body = result.serialize(format=ox_fmt)
        return {"status": 200, "type": RESULTS_TYPE[fmt], "truncated": False}, body
    if fmt != "tsv" and rerun is not None:
        body = _direct(lambda w: result.serialize(w, format=ox_fmt), cap)
        if body is not None:
            return {"status": 200, "type": RESULTS_TYPE[fmt], "truncated": False}, body
        result = rerun()
    writer = _LineCap(cap + 1)  # the header line, then one line per solution
    try:
        result.serialize(writer, format=ox.QueryResultsFormat.TSV)
    except Exception:
        if not writer.capped:
            raise
    tsv = writer.value()
    if fmt == "tsv":
        body = tsv
    else:
        parsed = ox.parse_query_results(tsv, format=ox.QueryResultsFormat.TSV)
        body = parsed.serialize(format=ox_fmt)
    return {"status": 200, "type": RESULTS_TYPE[fmt], "truncated": writer.capped}, body


def _triples(result: Any, req: dict[str, Any], rerun: Any = None) -> Reply:
    """Serialize CONSTRUCT/DESCRIBE triples within the cap (as :func:`_select`)."""
    fmt: str | None = req.get("graph")
    if fmt is None:
        return _error(406, "no acceptable RDF format for CONSTRUCT/DESCRIBE (the Accept header)")
    cap = int(req["max_results"])
    prefixes = req.get("prefixes") or None
    if fmt != "ntriples" and rerun is not None:
        if prefixes and fmt == "turtle":
            # Only the generic serializer takes prefixes (it iterates in Python).
            body = _direct(
                lambda w: ox.serialize(result, w, format=GRAPH_OX[fmt], prefixes=prefixes), cap
            )
        else:
            body = _direct(lambda w: result.serialize(w, format=GRAPH_OX[fmt]), cap)
        if body is not None:
            return {"status": 200, "type": GRAPH_TYPE[fmt], "truncated": False}, body
        result = rerun()
    writer = _LineCap(cap)
    try:
        result.serialize(writer, format=ox.RdfFormat.N_TRIPLES)
    except Exception:
        if not writer.capped:
            raise
    nt = writer.value()
    if fmt == "ntriples":
        body = nt
    else:
        triples = ox.parse(nt, format=ox.RdfFormat.N_TRIPLES)
        out = ox.serialize(triples, format=GRAPH_OX[fmt], prefixes=prefixes)
        body = out if out is not None else b""
    return {"status": 200, "type": GRAPH_TYPE[fmt], "truncated": writer.capped}, body


def checked(req: dict[str, Any]) -> Reply | None:
    """The endpoint's policy (:mod:`councilkg.server.policy`) on a client's
    request, if it carries one (``policy``: the switches): a refusal, or
    None with ``req["prefixes"]`` set from the text.  Applied here, not in
    the front process, because lexing a large request takes time; here it
    runs under the request's timeout.  Before parsing: nesting deep enough
    to overflow the parser's stack would crash this process."""
    allowed = req.get("policy")
    if allowed is None:  # the server's own queries (pages, dumps)
        return None
    text = req["text"]
    deep = too_deep(text)
    if deep is not None:
        return _error(400, deep)
    update = req.get("op") == "update"
    shape = inspect_request(text) if update else quick_inspect(text)
    refused = refusal(shape, update=update, config=Allowed(**allowed))
    if refused is not None:
        return _error(403, refused)
    req["prefixes"] = shape.prefixes
    return None


def _misrouted_update(req: dict[str, Any]) -> Reply | None:
    """For a query that failed to parse: the refusal if it is an update
    (sent as a query), which says why more clearly than the parser."""
    allowed = req.get("policy")
    if allowed is None:
        return None
    shape = inspect_request(req["text"])
    if not shape.is_update:
        return None
    refused = refusal(shape, update=False, config=Allowed(**allowed))
    return None if refused is None else _error(403, refused)


def run_query(store: ox.Store, req: dict[str, Any]) -> Reply:
    """Run a query request and serialize its result."""
    refused = checked(req)
    if refused is not None:
        return refused
    kwargs: dict[str, Any] = {}
    try:
        if req.get("default_graph"):
            kwargs["default_graph"] = _graphs(req["default_graph"])
        if req.get("named_graph"):
            kwargs["named_graphs"] = _graphs(req["named_graph"])
    except ValueError as exc:
        return _error(400, f"invalid default-graph-uri or named-graph-uri: {exc}")
    try:
        result = store.query(req["text"], **kwargs)
    except SyntaxError as exc:
        return _misrouted_update(req) or _error(400, f"malformed query: {exc}")

    def rerun() -> Any:
        return store.query(req["text"], **kwargs)

    try:
        if isinstance(result, ox.QueryBoolean):
            fmt: str | None = req.get("results")
            if fmt is None:
                return _error(406, "no acceptable format for ASK results (the Accept header)")
            body = result.serialize(format=RESULTS_OX[fmt]) or b""
            return {"status": 200, "type": RESULTS_TYPE[fmt], "truncated": False}, body
        if isinstance(result, ox.QuerySolutions):
            return _select(result, req, rerun)
        return _triples(result, req, rerun)
    except Exception as exc:
        return _error(500, f"query evaluation failed: {exc}")


def run_update(store: ox.Store, req: dict[str, Any]) -> Reply:
    """Run an update request."""
    refused = checked(req)
    if refused is not None:
        return refused
    try:
        store.update(req["text"])
        store.flush()
    except SyntaxError as exc:
        return _error(400, f"malformed update: {exc}")
    except Exception as exc:
        return _error(500, f"update failed: {exc}")
    return {"status": 204, "type": "text/plain; charset=utf-8"}, b""


def run_stats(store: ox.Store) -> Reply:
    """Triple counts of the default graph and of each named graph (JSON)."""

    def rows(query: str) -> list[ox.QuerySolution]:
        result = store.query(query)
        assert isinstance(result, ox.QuerySolutions)
        return list(result)

    default = rows("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[0]["n"]
    named = {
        str(s["g"].value): int(s["n"].value)
        for s in rows(
            "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
        )
    }
    assert default is not None
    body = json.dumps({"default": int(default.value), "named": named}).encode("utf-8")
    return {"status": 200, "type": "application/json"}, body


def run_void(store: GraphStore, req: dict[str, Any]) -> Reply:
    """The VoID/DCAT description of the store (sorted N-Triples)."""
    from councilkg.export.void import describe_dataset

    lines = describe_dataset(
        store,
        base=req["base"],
        endpoint=req.get("endpoint"),
        downloads=req.get("downloads"),
        license=req.get("license"),
    )
    return {"status": 200, "type": GRAPH_TYPE["ntriples"]}, "".join(lines).encode("utf-8")


def run_export(store: GraphStore, req: dict[str, Any]) -> Reply:
    """Export the store (or one named graph, ``req["graph"]``) to the file
    ``req["path"]``: a dump to serve."""
    from councilkg.export.writers import export_store

    stats = export_store(
        store,
        req["format"],
        Path(req["path"]),
        graph=req.get("graph"),
        gzip=bool(req.get("gzip")),
        context_url=req.get("context_url"),
    )
    body = json.dumps({"statements": stats.statements, "bytes": stats.bytes}).encode("utf-8")
    return {"status": 200, "type": "application/json"}, body


def run_render(req: dict[str, Any]) -> Reply:
    """Write N-Triples lines (``req["lines"]``) in ``req["format"]``: the
    serialization of a page's data or the dataset description, done here so
    that the front process never spends the time (see
    :func:`councilkg.export.writers.export_lines`)."""
    from councilkg.export.writers import export_lines

    buffer = io.BytesIO()
    export_lines(req["lines"], req["format"], buffer, context_url=req.get("context_url"))
    return {"status": 200, "type": GRAPH_TYPE[req["format"]]}, buffer.getvalue()


def run_search(graphs: GraphStore, req: dict[str, Any]) -> Reply:
    """The hits for ``req["text"]`` in the store's search index (JSON, a
    list of :class:`councilkg.search.Hit`), the index built first if an
    ingest has not written it for this generation of the store.  Here, not
    in the front: a lookup is quick, but a scan for a one-character query
    or a build is not, and nothing may hold up the front's event loop."""
    from councilkg.search import refresh_index_at, search

    refresh_index_at(graphs.path)
    hits = search(graphs.path, str(req["text"]), lang=str(req["lang"]), limit=int(req["limit"]))
    body = json.dumps([h.to_dict() for h in hits], ensure_ascii=False).encode("utf-8")
    return {"status": 200, "type": "application/json"}, body


def handle(store: ox.Store, req: dict[str, Any], graphs: GraphStore | None = None) -> Reply:
    """One request to one reply; never raises.  ``graphs`` is the store's
    :class:`GraphStore` (for the whole-store operations ``void`` and ``export``)."""
    try:
        op = req.get("op")
        if op == "query":
            return run_query(store, req)
        if op == "update":
            reply = run_update(store, req)
            if reply[0]["status"] == 204 and graphs is not None:
                # Which graphs changed is not known: the next ingest writes
                # them all again and the search index reads them all again.
                graphs.forget_digests()
            return reply
        if op == "stats":
            return run_stats(store)
        if op == "render":
            return run_render(req)
        if op in ("void", "export") and graphs is not None:
            return run_void(graphs, req) if op == "void" else run_export(graphs, req)
        if op == "search" and graphs is not None:
            return run_search(graphs, req)
        return _error(500, f"unknown worker operation {op!r}")
    except Exception as exc:
        return _error(500, f"internal error: {type(exc).__name__}: {exc}")


def _cpu() -> float:
    """This process's user plus system CPU seconds: the clock the pool
    reads from ``/proc`` (:func:`councilkg.server.priority.cpu_seconds`)."""
    times = os.times()
    return times.user + times.system


def write_reply(out: IO[bytes], header: dict[str, Any], body: bytes) -> None:
    """Write one reply frame."""
    head = json.dumps(header).encode("utf-8")
    # One write: the reader wakes up once, with the whole frame.
    out.write(b"".join((REPLY_HEAD.pack(len(head), len(body)), head, body)))
    out.flush()


def die_with_parent() -> None:
    """On Linux, ask for SIGKILL when the parent dies (best effort)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return


def _limit_memory(limit: int) -> None:
    """Cap the worker's data segment (heap and private mappings) at ``limit``
    bytes: a query that needs more fails its allocation and the worker ends,
    instead of the machine swapping (one ORDER BY over a cross product grew a
    worker to 3.7 GB in 10 s).  The pool answers 503 and starts another."""
    import resource

    resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))


def main(argv: list[str] | None = None) -> int:
    """``python -m councilkg.server.worker STORE [--read-write] [--max-memory BYTES]
    [--parent PID]``: a worker on standard input and output."""
    args = list(sys.argv[1:] if argv is None else argv)
    read_write = "--read-write" in args
    parent = None
    if "--parent" in args:
        parent = int(args[args.index("--parent") + 1])
    max_memory = None
    if "--max-memory" in args:
        max_memory = int(args[args.index("--max-memory") + 1])
    paths = [a for a in args if not a.startswith("--") and not a.isdigit()]
    inp = sys.stdin.buffer
    out = sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing else may write to the frame channel
    if parent is not None and os.getppid() != parent:
        return 0
    return serve(inp, out, Path(paths[0]), read_write=read_write, max_memory=max_memory)


def serve(
    inp: IO[bytes],
    out: IO[bytes],
    store_path: Path,
    *,
    read_write: bool = False,
    max_memory: int | None = None,
) -> int:
    """Open the store and answer request frames from ``inp`` on ``out``
    until ``inp`` closes; the exit status."""
    if max_memory is not None:
        _limit_memory(max_memory)
    die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the server stops its workers itself
    from councilkg.store import GraphStore

    try:
        graphs = GraphStore(store_path, read_only=not read_write)
        store = graphs.oxigraph
    except Exception as exc:
        write_reply(out, {"status": -1, "message": f"cannot open the store: {exc}"}, b"")
        return 1
    write_reply(out, {"status": 0, "pid": os.getpid(), "cpu": _cpu()}, b"")
    while True:
        head = inp.read(REQUEST_HEAD.size)
        if len(head) < REQUEST_HEAD.size:
            return 0
        (size,) = REQUEST_HEAD.unpack(head)
        payload = inp.read(size)
        if len(payload) < size:
            return 0
        t0 = time.perf_counter()
        header, body = handle(store, json.loads(payload), graphs)
        header["ms"] = round(1000 * (time.perf_counter() - t0), 3)
        header["cpu"] = _cpu()
        write_reply(out, header, body)


if __name__ == "__main__":
    sys.exit(main())
