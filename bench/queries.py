"""Benchmark of the prepared queries: latency on the seed graph and on a
generated graph N times larger, embedded Oxigraph vs rdflib.

Usage::

    python -m bench queries [--sizes 1,1000] [--repeat 20] [--rdflib-repeat 5]
                            [--rdflib-budget 60] [--rdflib-timeout 180]
                            [--out bench/results/queries.json]

``--sizes 1`` (the seed alone) is a quick smoke run; the default adds a
graph 1,000 times the seed's source graph (about 2.9 M triples).

Graph of size N: the reference and ontology graphs once, plus N copies of
the seed's source graph.  Copy 0 is the seed itself; copy k > 0 is re-minted
so it is a distinct Repertoire of its own: every data IRI that belongs to a
source (meetings, videoconferences, vote events and votes, documents,
footnotes, positions, passages, pages, spans, briefings …) gets a ``c{k}/``
segment (``…/id/c7/meeting/8733``), document symbols get an ``/Add.{k}``
suffix (``S/2020/797/Add.7``), and every date, period and year moves back
``k mod 75`` years (so copies spread over 1946–2020 and a one-year filter
keeps about N/75 of them).  Copies ``75g … 75g+74`` (one per year) share
the agenda items of group ``g``: group 0 keeps the curated items
(``non-proliferation``), group g > 0 has its own (``…/id/item/non-proliferation-g3``,
key ``non-proliferation-g3``), so an item has one supplement per year over
75 years, as in the real Repertoire, and there are about N/25 items.
States, roles, organizations, instruments and membership terms stay shared,
as in the real graph.  Each copy is its own named graph, and the default
graph is the merge, as :class:`councilkg.store.GraphStore` keeps it.

Engines, all measured in the same run on the same graph and the same SPARQL
text (each prepared query bound with the example values of its header):

``oxigraph-memory``  ``councilkg.queries.run_embedded`` on an in-memory GraphStore;
``oxigraph-disk``    the same on an on-disk GraphStore (a fresh temporary folder);
``rdflib-memory``    ``rdflib.Graph().query`` on an in-memory rdflib Graph of the
                     default graph (the baseline).

Each run is the query plus reading every solution into
:class:`councilkg.queries.QueryResult` terms.  Oxigraph gets one untimed
warm-up run per query, then ``--repeat`` timed runs; rdflib runs
``--rdflib-repeat`` times but stops repeating once ``--rdflib-budget``
seconds are spent on a query, and a run still going after
``--rdflib-timeout`` seconds is abandoned (reported as a timeout; each
rdflib query runs in a forked child so it can be stopped).  p50/p95 are
percentiles (linear interpolation) of the timed runs.  ``agree`` says
whether every engine that finished returned the same rows (as multisets,
numbers compared as numbers).  Nothing is asserted: this reports.
"""

from __future__ import annotations

import argparse
import gc
import json
import multiprocessing as mp
import os
import platform
import re
import resource
import shutil
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import rdflib
from rdflib.query import ResultRow

from bench.common import ROOT
from councilkg import queries as cq
from councilkg.ingest.iris import DEFAULT_BASE, Minter
from councilkg.ingest.ntriples import ntriples_lines
from councilkg.ingest.pipeline import ingest_file
from councilkg.ingest.rdf import to_triples
from councilkg.ingest.reference import reference_triples
from councilkg.resources import ontology_lines
from councilkg.store import GraphStore

SCHEMA = 1
SEED = ROOT / "data" / "samples" / "000_e9c79a4311407cd1.txt"
DEFAULT_OUT = ROOT / "bench" / "results" / "queries.json"
ENGINES = ("oxigraph-memory", "oxigraph-disk", "rdflib-memory")
YEARS_SPREAD = 75  # copies spread over 1946–2020

ID = DEFAULT_BASE + "id/"
SHARED = {
    "state",
    "role",
    "organization",
    "instrument",
    "membership",
    "day",
    "scheme",
    "item-group",
}
CKG = "https://w3id.org/councilkg/ontology#"
SYMBOL_PREDICATES = {f"<{CKG}symbol>", f"<{CKG}displaySymbol>"}
LIST_PREDICATES = {f"<{CKG}orderedCites>"}
PERIOD_PREDICATE = f"<{CKG}period>"
YEAR_PREDICATE = f"<{CKG}year>"  # the year of a dated node, an integer key
YEAR_KEYS = (YEAR_PREDICATE,)
KEY = f"<{CKG}key>"
LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
XSD_DATE = "^^<http://www.w3.org/2001/XMLSchema#date>"
XSD_INTEGER = "^^<http://www.w3.org/2001/XMLSchema#integer>"

# Markers of the copy template (never in N-Triples text: control characters
# are escaped there).
COPY, ADD, YEAR_OPEN, YEAR_CLOSE, GROUP = "\x01", "\x04", "\x02", "\x03", "\x05"
_LINE = re.compile(r"^(<[^>]*>) (<[^>]*>) (.*) \.$")
_ID_IRI = re.compile("<" + re.escape(ID) + r"([^>]*)>")
_DATE = re.compile(r'^"(\d{4})(-\d\d-\d\d)"' + re.escape(XSD_DATE) + "$")
_MARKED_YEAR = re.compile(YEAR_OPEN + r"(\d{4})" + YEAR_CLOSE)


# ---------------------------------------------------------------------------
# The generated graph
# ---------------------------------------------------------------------------


def _remint_iri(m: re.Match[str]) -> str:
    path = m.group(1)
    parts = path.split("/")
    if parts[0] in SHARED:
        return m.group(0)
    if parts[0] == "item" and (len(parts) == 2 or parts[2] == "sub-item"):
        # the item of a group of copies (and its sub-items)
        return f"<{ID}item/{parts[1]}{GROUP}{''.join('/' + p for p in parts[2:])}>"
    return f"<{ID}{COPY}{path}>"


def copy_template(lines: Sequence[str]) -> str:
    """The seed's source graph as a template for copy k (see the module doc)."""
    out = []
    for raw in lines:
        m = _LINE.match(raw.rstrip("\n"))
        if m is None:
            raise ValueError(f"not an N-Triples line: {raw!r}")
        s, p, o = m.groups()
        document = s.startswith(f"<{ID}document/")
        item = re.fullmatch(f"<{re.escape(ID)}item/[^/>]+>", s) is not None
        if o.startswith('"'):
            if date := _DATE.match(o):
                day = date.group(2) if date.group(2) != "-02-29" else "-02-28"
                o = f'"{YEAR_OPEN}{date.group(1)}{YEAR_CLOSE}{day}"{XSD_DATE}'
            elif p == PERIOD_PREDICATE and re.fullmatch(r'"\d{4}"', o):
                o = f'"{YEAR_OPEN}{o[1:5]}{YEAR_CLOSE}"'
            elif p in YEAR_KEYS and re.fullmatch(r'"\d{4}"' + re.escape(XSD_INTEGER), o):
                o = f'"{YEAR_OPEN}{o[1:5]}{YEAR_CLOSE}"{XSD_INTEGER}'
            elif p in SYMBOL_PREDICATES or (p == LABEL and document):
                o = f'"{o[1:-1]}{ADD}"'
            elif p in LIST_PREDICATES:
                o = '"' + " ".join(t + ADD for t in o[1:-1].split()) + '"'
            elif p == KEY and item:
                o = f'"{o[1:-1]}{GROUP}"'
        else:
            o = _ID_IRI.sub(_remint_iri, o)
        out.append(f"{_ID_IRI.sub(_remint_iri, s)} {p} {o} .\n")
    return "".join(out)


def make_copy(template: str, k: int) -> str:
    """Copy ``k`` of the source graph as N-Triples text (copy 0 is the seed)."""
    shift, group = k % YEARS_SPREAD, k // YEARS_SPREAD
    text = template.replace(COPY, f"c{k}/" if k else "").replace(ADD, f"/Add.{k}" if k else "")
    text = text.replace(GROUP, f"-g{group}" if group else "")
    return _MARKED_YEAR.sub(lambda m: str(int(m.group(1)) - shift), text)


def seed_graphs() -> tuple[str, list[str], list[str], list[str]]:
    """The seed's sha256, its source graph lines, the reference and ontology lines."""
    result = ingest_file(SEED)
    minter = Minter()
    source = ntriples_lines(to_triples(result.records, minter))
    return result.source.sha256, source, ntriples_lines(reference_triples(minter)), ontology_lines()


# ---------------------------------------------------------------------------
# Engines
# ---------------------------------------------------------------------------


def _graphs(
    size: int, sha: str, template: str, reference: list[str], ontology: list[str]
) -> Iterator[tuple[str, str]]:
    """(graph IRI, N-Triples text) of every named graph of a graph of ``size``."""
    minter = Minter()
    yield str(minter.reference_graph()), "".join(reference)
    yield str(minter.ontology_graph()), "".join(ontology)
    for k in range(size):
        yield f"{minter.graph(sha)}{f'-c{k}' if k else ''}", make_copy(template, k)


def load_oxigraph(store: GraphStore, graphs: Iterable[tuple[str, str]]) -> int:
    """Named graphs and their merge as the default graph, by bulk loading."""
    ox_store = store.oxigraph
    for iri, text in graphs:
        data = text.encode("utf-8")
        ox_store.bulk_load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(iri))
        ox_store.bulk_load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.DefaultGraph())
    store.flush()
    return store.count()


def load_rdflib(graphs: Iterable[tuple[str, str]]) -> rdflib.Graph:
    """The merge of the named graphs in one rdflib Graph."""
    graph = rdflib.Graph()
    for _iri, text in graphs:
        graph.parse(data=text, format="nt")
    return graph


def _rdflib_term(node: Any) -> cq.Term | None:
    if node is None:
        return None
    if isinstance(node, rdflib.URIRef):
        return cq.Term("uri", str(node))
    if isinstance(node, rdflib.BNode):
        return cq.Term("bnode", str(node))
    return cq.Term.literal(str(node), str(node.datatype) if node.datatype else None, node.language)


def run_rdflib(graph: rdflib.Graph, bound: cq.BoundQuery) -> cq.QueryResult:
    """A bound query on rdflib, read into the same QueryResult."""
    rows = graph.query(bound.sparql)
    names = list(rows.vars or ())
    table: list[tuple[cq.Term | None, ...]] = []
    for r in rows:
        if not isinstance(r, ResultRow):  # an ASK's boolean or a CONSTRUCT's triple
            raise TypeError(f"{bound.query.name}: a prepared query must be a SELECT")
        table.append(tuple(_rdflib_term(r[v]) for v in names))
    result = cq.QueryResult(tuple(str(v) for v in names), table)
    return cq.normalise_lists(bound.query, result)


def comparable(result: cq.QueryResult) -> Counter[tuple[Any, ...]]:
    """Rows as a multiset of plain values, numbers compared as numbers."""

    def plain(t: cq.Term | None) -> Any:
        if t is None:
            return None
        if t.datatype and t.datatype.endswith(("#integer", "#decimal", "#double")):
            return ("number", str(Decimal(t.value).normalize()))
        return (t.kind, t.value, t.datatype, t.lang)

    return Counter(tuple(plain(t) for t in row) for row in result.rows)


# ---------------------------------------------------------------------------
# Measuring
# ---------------------------------------------------------------------------


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0–100), linear interpolation between order statistics."""
    data = sorted(values)
    if not data:
        return float("nan")
    pos = (len(data) - 1) * q / 100
    lo = int(pos)
    hi = min(lo + 1, len(data) - 1)
    return data[lo] + (data[hi] - data[lo]) * (pos - lo)


def summary(runs: list[float], rows: int | None, status: str = "ok") -> dict[str, Any]:
    return {
        "status": status,
        "runs_s": runs,
        "n": len(runs),
        "p50_s": percentile(runs, 50) if runs else None,
        "p95_s": percentile(runs, 95) if runs else None,
        "rows": rows,
    }


def time_embedded(
    store: GraphStore, bound: cq.BoundQuery, repeat: int
) -> tuple[dict[str, Any], Counter[tuple[Any, ...]]]:
    result = cq.run_embedded(store, bound)  # warm-up, and the answer
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        cq.run_embedded(store, bound)
        runs.append(time.perf_counter() - start)
    return summary(runs, len(result)), comparable(result)


def _rdflib_child(
    graph: rdflib.Graph, bound: cq.BoundQuery, repeat: int, budget: float, conn: Any
) -> None:
    spent = 0.0
    for i in range(repeat):
        start = time.perf_counter()
        result = run_rdflib(graph, bound)
        elapsed = time.perf_counter() - start
        spent += elapsed
        conn.send(("run", elapsed, len(result), comparable(result) if i == 0 else None))
        if spent >= budget:
            break
    conn.send(("done", None, None, None))
    conn.close()


def time_rdflib(
    graph: rdflib.Graph, bound: cq.BoundQuery, repeat: int, budget: float, timeout: float
) -> tuple[dict[str, Any], Counter[tuple[Any, ...]] | None]:
    """Runs in a forked child (which shares the loaded graph) so a query that
    takes too long can be stopped."""
    ctx = mp.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_rdflib_child, args=(graph, bound, repeat, budget, child))
    proc.start()
    child.close()
    runs: list[float] = []
    rows: int | None = None
    answer: Counter[tuple[Any, ...]] | None = None
    status = "ok"
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0 or not parent.poll(left):
            status = "timeout"
            break
        try:
            kind, elapsed, count, ans = parent.recv()
        except EOFError:
            status = "crashed"
            break
        if kind == "done":
            break
        runs.append(elapsed)
        deadline = time.monotonic() + timeout
        if ans is not None:
            rows, answer = count, ans
    if proc.is_alive():
        proc.terminate()
    proc.join(10)
    parent.close()
    return summary(
        runs, rows, status if not runs else ("partial" if status != "ok" else "ok")
    ), answer


def rss_mib() -> float:
    """Peak resident memory of this process so far, MiB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure_size(
    size: int,
    seed: tuple[str, list[str], list[str], list[str]],
    template: str,
    args: argparse.Namespace,
    log: Callable[[str], None],
) -> dict[str, Any]:
    sha, _source, reference, ontology = seed
    catalogue = cq.catalogue()
    bound = {q.name: cq.bind(q, q.examples()) for q in catalogue}
    per_query: dict[str, dict[str, Any]] = {q.name: {"engines": {}} for q in catalogue}
    answers: dict[str, dict[str, Counter[tuple[Any, ...]]]] = {q.name: {} for q in catalogue}
    loads: dict[str, dict[str, float]] = {}
    triples = 0

    def graphs() -> Iterator[tuple[str, str]]:
        return _graphs(size, sha, template, reference, ontology)

    for engine in [e for e in args.engines if e.startswith("oxigraph")]:
        tmp = Path(tempfile.mkdtemp(prefix="councilkg-bench-")) if engine.endswith("disk") else None
        try:
            start = time.perf_counter()
            store = GraphStore.in_memory() if tmp is None else GraphStore(tmp)
            triples = load_oxigraph(store, graphs())
            loads[engine] = {"seconds": time.perf_counter() - start, "rss_peak_mib": rss_mib()}
            seconds = loads[engine]["seconds"]
            log(f"size {size}: {engine} loaded {triples} triples in {seconds:.1f} s")
            for q in catalogue:
                stats, answer = time_embedded(store, bound[q.name], args.repeat)
                per_query[q.name]["engines"][engine] = stats
                answers[q.name][engine] = answer
            del store
            gc.collect()
        finally:
            if tmp is not None:
                shutil.rmtree(tmp, ignore_errors=True)
    if "rdflib-memory" in args.engines:
        _measure_rdflib(graphs(), catalogue, bound, per_query, answers, loads, size, args, log)
    for name, entry in per_query.items():
        got = list(answers[name].values())
        entry["agree"] = all(a == got[0] for a in got[1:]) if len(got) > 1 else None
        entry["rows"] = next(iter(entry["engines"].values()))["rows"]
        ox_p50 = entry["engines"].get("oxigraph-memory", {}).get("p50_s")
        rd_p50 = entry["engines"].get("rdflib-memory", {}).get("p50_s")
        disk_p50 = entry["engines"].get("oxigraph-disk", {}).get("p50_s")
        entry["rdflib_over_oxigraph_p50"] = rd_p50 / ox_p50 if rd_p50 and ox_p50 else None
        entry["disk_over_memory_p50"] = disk_p50 / ox_p50 if disk_p50 and ox_p50 else None
    return {"size": size, "triples": triples, "load": loads, "queries": per_query}


def _measure_rdflib(
    graphs: Any,
    catalogue: list[cq.PreparedQuery],
    bound: dict[str, cq.BoundQuery],
    per_query: dict[str, dict[str, Any]],
    answers: dict[str, dict[str, Counter[tuple[Any, ...]]]],
    loads: dict[str, dict[str, float]],
    size: int,
    args: argparse.Namespace,
    log: Callable[[str], None],
) -> None:
    start = time.perf_counter()
    graph = load_rdflib(graphs)
    graph.query("SELECT * WHERE { ?s ?p ?o } LIMIT 1")  # builds rdflib's SPARQL parser
    loads["rdflib-memory"] = {"seconds": time.perf_counter() - start, "rss_peak_mib": rss_mib()}
    seconds = loads["rdflib-memory"]["seconds"]
    log(f"size {size}: rdflib loaded {len(graph)} triples in {seconds:.1f} s")
    for q in catalogue:
        stats, rdflib_answer = time_rdflib(
            graph, bound[q.name], args.rdflib_repeat, args.rdflib_budget, args.rdflib_timeout
        )
        per_query[q.name]["engines"]["rdflib-memory"] = stats
        if rdflib_answer is not None:
            answers[q.name]["rdflib-memory"] = rdflib_answer
        p50, status, n = _ms(stats["p50_s"]), stats["status"], stats["n"]
        log(f"  {q.name}: rdflib p50 {p50} ms ({status}, {n} runs)")
    del graph
    gc.collect()


# ---------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------


def _ms(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    ms = seconds * 1000
    return f"{ms:.2f}" if ms < 10 else f"{ms:.1f}" if ms < 100 else f"{ms:,.0f}"


def markdown(report: dict[str, Any]) -> str:
    env = report["environment"]
    lines = [
        "# Prepared queries: latency (ms), p50 / p95",
        "",
        f"Repeats: oxigraph {report['repeat']} (+1 warm-up), rdflib up to "
        f"{report['rdflib_repeat']} within {report['rdflib_budget']} s per query. "
        f"{env['cpus']} CPUs, Python {env['python']}, "
        f"pyoxigraph {env['pyoxigraph']}, rdflib {env['rdflib']}.",
        "",
        "| size | triples | load oxigraph memory (s) | load oxigraph disk (s) | load rdflib (s) |",
        "|---:|---:|---:|---:|---:|",
    ]
    for r in report["results"]:
        load = [f"{r['load'][e]['seconds']:.1f}" if e in r["load"] else "—" for e in ENGINES]
        lines.append(f"| {r['size']}× | {r['triples']:,} | {' | '.join(load)} |")
    lines += [
        "",
        "| query | size | rows | oxigraph memory | oxigraph disk | rdflib memory "
        "| rdflib ÷ oxigraph (p50) | agree |",
        "|---|---:|---:|---:|---:|---:|---:|:---:|",
    ]
    names = sorted(report["results"][0]["queries"])
    for name in names:
        for r in report["results"]:
            q = r["queries"][name]
            cells = []
            for engine in ENGINES:
                e = q["engines"].get(engine)
                if e is None:
                    cells.append("—")
                    continue
                cell = f"{_ms(e['p50_s'])} / {_ms(e['p95_s'])}"
                if e["status"] != "ok":
                    cell += f" ({e['status']}, {e['n']} runs)"
                cells.append(cell)
            ratio = q["rdflib_over_oxigraph_p50"]
            agree = {True: "yes", False: "NO", None: "—"}[q["agree"]]
            lines.append(
                f"| {name} | {r['size']}× | {q['rows']} | {' | '.join(cells)} | "
                f"{'—' if ratio is None else f'{ratio:,.0f}×'} | {agree} |"
            )
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.queries", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--sizes", default="1,1000", help="comma-separated copies of the seed")
    parser.add_argument("--repeat", type=int, default=20, help="timed oxigraph runs per query")
    parser.add_argument("--rdflib-repeat", type=int, default=5, help="timed rdflib runs at most")
    parser.add_argument("--rdflib-budget", type=float, default=60, help="seconds per rdflib query")
    parser.add_argument("--rdflib-timeout", type=float, default=180, help="abandon an rdflib run")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="JSON report (+ .md beside)")
    parser.add_argument(
        "--engines", default=",".join(ENGINES), help=f"comma-separated, of {', '.join(ENGINES)}"
    )
    args = parser.parse_args(argv)
    sizes = sorted({int(s) for s in args.sizes.split(",") if s.strip()})
    if not sizes or min(sizes) < 1 or args.repeat < 1 or args.rdflib_repeat < 1:
        parser.error("sizes and repeats must be positive")
    args.engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    if not args.engines or not set(args.engines) <= set(ENGINES):
        parser.error(f"--engines: choose among {', '.join(ENGINES)}")

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    seed = seed_graphs()
    template = copy_template(seed[1])
    report: dict[str, Any] = {
        "schema": SCHEMA,
        "seed": str(SEED.relative_to(ROOT)),
        "sizes": sizes,
        "repeat": args.repeat,
        "rdflib_repeat": args.rdflib_repeat,
        "rdflib_budget": args.rdflib_budget,
        "rdflib_timeout": args.rdflib_timeout,
        "engines": list(args.engines),
        "seed_triples": {
            "source": len(seed[1]),
            "reference": len(seed[2]),
            "ontology": len(seed[3]),
        },
        "params": {q.name: q.examples() for q in cq.catalogue()},
        "environment": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "pyoxigraph": ox.__version__,
            "rdflib": rdflib.__version__,
        },
        "results": [],
    }
    for size in sizes:
        report["results"].append(measure_size(size, seed, template, args, log))
    report["rss_peak_mib"] = rss_mib()
    text = markdown(report)
    report["markdown"] = text
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=1, ensure_ascii=False), encoding="utf-8")
    args.out.with_suffix(".md").write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
