"""Every prepared query's latency at each size: the embedded store against
rdflib in memory, on the graph of :func:`bench.graphs.graph_at`.

Usage::

    python -m bench query-latency [--sizes 10k,100k] [--repeat 20]
                                  [--rdflib-repeat 3] [--rdflib-budget 3]
                                  [--rdflib-timeout 10] [--out bench/results/query_latency.json]

Every query of the catalogue (``queries/*.rq``, :func:`councilkg.queries.catalogue`)
is bound with the example values of its header and run by

``oxigraph-memory``  :func:`councilkg.queries.run_embedded` on an in-memory
                     :class:`~councilkg.store.GraphStore` (named graphs and
                     their merge, bulk loaded);
``oxigraph-disk``    the same on the cached on-disk store, opened read-only
                     (what ``councilkg query`` does);
``rdflib-memory``    ``rdflib.Graph().query`` on the merge (the baseline).

The measuring itself is ``bench/queries.py``'s: one untimed warm-up, then
``--repeat`` timed runs for Oxigraph; rdflib in a forked child, up to
``--rdflib-repeat`` runs within ``--rdflib-budget`` seconds, abandoned after
``--rdflib-timeout`` (reported as ``> T``).  Each run includes reading every
solution.  ``agree``: every engine that finished returned the same rows.

The graph is the ``spread`` flavour: copies spread over 75 years, so the
``year`` parameter keeps about 1/75 of them, as in the real Repertoire.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import rdflib

from bench import graphs
from bench import queries as qbench
from bench.common import (
    RESULTS,
    environment,
    fmt_ms,
    fmt_x,
    log,
    percentile,
    ratio,
    write_json,
)
from councilkg import queries as cq
from councilkg.store import GraphStore

SCHEMA = 1
DEFAULT_OUT = RESULTS / "query_latency.json"
ENGINES = ("oxigraph-memory", "oxigraph-disk", "rdflib-memory")
BASELINE = "rdflib-memory"
TARGET_P50_S = 0.020


def memory_store(graph: graphs.BenchGraph) -> GraphStore:
    """The graph in an in-memory GraphStore: named graphs and their merge."""
    store = GraphStore.in_memory()
    store.oxigraph.bulk_load(path=str(graph.nquads), format=ox.RdfFormat.N_QUADS)
    store.oxigraph.bulk_load(
        path=str(graphs.merged_nt(graph)),
        format=ox.RdfFormat.N_TRIPLES,
        to_graph=ox.DefaultGraph(),
    )
    return store


def engine_only(store: GraphStore, bound: cq.BoundQuery, repeat: int) -> float | None:
    """p50 of the query in Oxigraph alone (solutions iterated, not converted
    to Python terms): what of a prepared query's time is the engine's."""
    runs = []
    for _ in range(max(3, repeat // 3)):
        started = time.perf_counter()
        solutions = store.oxigraph.query(bound.sparql)
        assert isinstance(solutions, ox.QuerySolutions)  # the prepared queries are SELECT
        for _row in solutions:
            pass
        runs.append(time.perf_counter() - started)
    return percentile(runs, 50)


def measure_size(scale: str, args: argparse.Namespace) -> dict[str, Any]:
    graph = graphs.graph_at(scale, flavour="spread")
    catalogue = cq.catalogue()
    bound = {q.name: cq.bind(q, q.examples()) for q in catalogue}
    per_query: dict[str, dict[str, Any]] = {q.name: {"engines": {}} for q in catalogue}
    answers: dict[str, dict[str, Counter[tuple[Any, ...]]]] = {q.name: {} for q in catalogue}
    log(f"queries {scale}: {graph.meta['triples']:,} triples, {len(catalogue)} queries")
    for engine in ("oxigraph-memory", "oxigraph-disk"):
        if engine not in args.engines:
            continue
        if engine == "oxigraph-memory":
            store = memory_store(graph)
        else:
            store = GraphStore(graph.store, read_only=True)
        for q in catalogue:
            stats, answer = qbench.time_embedded(store, bound[q.name], args.repeat)
            if engine == "oxigraph-memory":
                stats["engine_only_p50_s"] = engine_only(store, bound[q.name], args.repeat)
            per_query[q.name]["engines"][engine] = stats
            answers[q.name][engine] = answer
        del store
        gc.collect()
    if BASELINE in args.engines:
        rd = rdflib.Graph()
        rd.parse(str(graphs.merged_nt(graph)), format="nt")
        rd.query("SELECT * WHERE { ?s ?p ?o } LIMIT 1")  # builds rdflib's SPARQL parser
        for q in catalogue:
            stats, rd_answer = qbench.time_rdflib(
                rd, bound[q.name], args.rdflib_repeat, args.rdflib_budget, args.rdflib_timeout
            )
            stats["timeout_s"] = args.rdflib_timeout
            per_query[q.name]["engines"][BASELINE] = stats
            if rd_answer is not None:
                answers[q.name][BASELINE] = rd_answer
        del rd
        gc.collect()
    for name, entry in per_query.items():
        got = list(answers[name].values())
        entry["agree"] = all(a == got[0] for a in got[1:]) if len(got) > 1 else None
        entry["rows"] = next(iter(entry["engines"].values()))["rows"]
        engines = entry["engines"]
        mem = engines.get("oxigraph-memory", {}).get("p50_s")
        disk = engines.get("oxigraph-disk", {}).get("p50_s")
        base = engines.get(BASELINE, {}).get("p50_s")
        entry["rdflib_over_memory_p50"] = ratio(base, mem)
        entry["rdflib_over_disk_p50"] = ratio(base, disk)
        entry["meets_target_memory"] = mem is not None and mem < TARGET_P50_S
        entry["meets_target_disk"] = disk is not None and disk < TARGET_P50_S
    met = [n for n, e in per_query.items() if e["meets_target_memory"]]
    log(f"  p50 < 20 ms (memory): {len(met)} of {len(per_query)}")
    return {
        "scale": scale,
        "triples": graph.meta["triples"],
        "params": {q.name: q.examples() for q in catalogue},
        "queries": per_query,
        "met_target_memory": len(met),
        "met_target_disk": sum(1 for e in per_query.values() if e["meets_target_disk"]),
        "all_agree": all(e["agree"] in (True, None) for e in per_query.values()),
    }


def _cell(stats: dict[str, Any] | None) -> str:
    if stats is None:
        return "—"
    if stats["status"] == "timeout" and not stats["n"]:
        return f"> {stats.get('timeout_s', '?'):g} s"
    cell = f"{fmt_ms(stats['p50_s'])} / {fmt_ms(stats['p95_s'])}"
    if stats["status"] != "ok":
        cell += f" ({stats['status']}, {stats['n']} runs)"
    return cell


def markdown(report: dict[str, Any]) -> str:
    lines = [
        "| query | size | rows | oxigraph memory p50 / p95 ms | oxigraph disk | rdflib memory "
        "| rdflib ÷ memory (p50) | agree |",
        "|---|---|---:|---:|---:|---:|---:|:---:|",
    ]
    names = sorted(report["results"][0]["queries"]) if report["results"] else []
    for name in names:
        for r in report["results"]:
            q = r["queries"][name]
            e = q["engines"]
            agree = {True: "yes", False: "**NO**", None: "—"}[q["agree"]]
            lines.append(
                f"| {name} | {r['scale']} | {q['rows']} | {_cell(e.get('oxigraph-memory'))} | "
                f"{_cell(e.get('oxigraph-disk'))} | {_cell(e.get(BASELINE))} | "
                f"{fmt_x(q['rdflib_over_memory_p50'])} | {agree} |"
            )
    return "\n".join(lines) + "\n"


def run(
    sizes: Sequence[str],
    *,
    repeat: int = 20,
    rdflib_repeat: int = 3,
    rdflib_budget: float = 3.0,
    rdflib_timeout: float = 10.0,
    engines: Sequence[str] = ENGINES,
) -> dict[str, Any]:
    """The prepared-query stage at each size (what bench/report.py calls)."""
    args = argparse.Namespace(
        repeat=repeat,
        rdflib_repeat=rdflib_repeat,
        rdflib_budget=rdflib_budget,
        rdflib_timeout=rdflib_timeout,
        engines=list(engines),
    )
    report: dict[str, Any] = {
        "schema": SCHEMA,
        "sizes": list(sizes),
        "repeat": repeat,
        "rdflib_repeat": rdflib_repeat,
        "rdflib_budget_s": rdflib_budget,
        "rdflib_timeout_s": rdflib_timeout,
        "target_p50_s": TARGET_P50_S,
        "engines": list(engines),
        "results": [measure_size(s, args) for s in sizes],
    }
    report["markdown"] = markdown(report)
    return report


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.query_latency", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--sizes", default="10k,100k")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--rdflib-repeat", type=int, default=3)
    parser.add_argument("--rdflib-budget", type=float, default=3.0)
    parser.add_argument("--rdflib-timeout", type=float, default=10.0)
    parser.add_argument("--engines", default=",".join(ENGINES))
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    report = run(
        [s.strip() for s in args.sizes.split(",") if s.strip()],
        repeat=args.repeat,
        rdflib_repeat=args.rdflib_repeat,
        rdflib_budget=args.rdflib_budget,
        rdflib_timeout=args.rdflib_timeout,
        engines=[e for e in args.engines.split(",") if e],
    )
    report["environment"] = environment()
    write_json(args.out, report)
    print(report["markdown"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
