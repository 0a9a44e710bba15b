"""Store bulk load: the same N-Quads into Oxigraph and into rdflib, triples/s.

Usage::

    python -m bench load [--sizes 10k,100k] [--repeat 3] [--out bench/results/load.json]

Methods (each run in a fresh child process, for its peak memory; the input
is the ``spread`` graph of :func:`bench.graphs.graph_at`, its named graphs
as one N-Quads file):

``rdflib``               ``rdflib.Dataset().parse(path, format="nquads")``: the
                         baseline;
``oxigraph-memory``      ``pyoxigraph.Store().bulk_load(path=…)``: the same
                         named graphs, in memory;
``oxigraph-disk``        the same into an on-disk store (then ``flush``);
``graphstore-disk``      what a :class:`councilkg.store.GraphStore` holds: the
                         named graphs *and* their merge as the default graph
                         (a second bulk load, of the merge's N-Triples), on disk;
``replace-graph``        the ingest path: ``GraphStore.replace_graph`` (one
                         SPARQL update per named graph, which also maintains
                         the merge), on disk; only up to ``--replace-max``.

Reported per size and method: medians of the runs of seconds, quads/s and
the ratio to rdflib's quads/s in the same run, and peak RSS.  Parsing is
the whole of the work here, so quads/s is the figure.
"""

from __future__ import annotations

import argparse
import gc
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import Any

from bench import graphs
from bench.common import (
    RESULTS,
    environment,
    fmt_n,
    fmt_s,
    fmt_x,
    in_child,
    log,
    median,
    ratio,
    repeat_within,
    write_json,
)

SCHEMA = 1
DEFAULT_OUT = RESULTS / "load.json"
BASELINE = "rdflib"
METHODS = ("rdflib", "oxigraph-memory", "oxigraph-disk", "graphstore-disk", "replace-graph")


def load_once(method: str, nquads: str, merged: str) -> dict[str, Any]:
    """Load ``nquads`` (and, for ``graphstore-disk``, ``merged``) once.

    The stores live in :func:`_load` only: RocksDB writes its last files when
    a store is closed, so the folder is removed after the store is gone, or
    those files would be left behind in the temporary folder.
    """
    tmp = Path(tempfile.mkdtemp(prefix="councilkg-bench-load-"))
    try:
        seconds, count = _load(method, nquads, merged, tmp)
    finally:
        gc.collect()
        shutil.rmtree(tmp, ignore_errors=True)
    return {"method": method, "seconds": seconds, "stored": count}


def _load(method: str, nquads: str, merged: str, tmp: Path) -> tuple[float, int]:
    """The seconds ``method`` took to load, and the quads stored; every store
    it opened is closed when it returns."""
    import pyoxigraph as ox

    started = time.perf_counter()
    if method == "rdflib":
        from rdflib import Dataset

        dataset = Dataset()
        dataset.parse(nquads, format="nquads")
        seconds = time.perf_counter() - started
        return seconds, sum(1 for _ in dataset.quads((None, None, None, None)))
    if method in ("oxigraph-memory", "oxigraph-disk", "graphstore-disk"):
        store = ox.Store() if method == "oxigraph-memory" else ox.Store(str(tmp / "db"))
        store.bulk_load(path=nquads, format=ox.RdfFormat.N_QUADS)
        if method == "graphstore-disk":
            store.bulk_load(path=merged, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.DefaultGraph())
        store.flush()
        seconds = time.perf_counter() - started
        return seconds, len(store)
    if method == "replace-graph":
        from councilkg.store import GraphStore

        by_graph: dict[str, list[str]] = {}
        with Path(nquads).open(encoding="utf-8") as f:
            for line in f:
                body, _, graph = line.rstrip(" .\n").rpartition(" <")
                by_graph.setdefault(graph[:-1], []).append(body + " .\n")
        started = time.perf_counter()  # parsing the file into lines is not the store's work
        gstore = GraphStore(tmp / "store")
        for graph, lines in by_graph.items():
            gstore.replace_graph(graph, lines)
        gstore.flush()
        seconds = time.perf_counter() - started
        return seconds, len(gstore.oxigraph)
    raise ValueError(f"unknown method {method!r}")


def measure_size(scale: str, args: argparse.Namespace) -> dict[str, Any]:
    graph = graphs.graph_at(scale, flavour="spread")
    meta = graph.meta
    merged = graphs.merged_nt(graph)
    quads = meta["quads"]
    log(f"load {scale}: {quads:,} quads, {meta['nquads_bytes'] / 1e6:.1f} MB")
    methods: dict[str, Any] = {}
    for method in args.methods:
        if method == "replace-graph" and graphs.target_triples(scale) > args.replace_max:
            methods[method] = {"status": "skipped", "why": f"> {args.replace_max:,} triples"}
            continue
        measure = partial(
            in_child,
            "bench.load:load_once",
            args.timeout,
            method=method,
            nquads=str(graph.nquads),
            merged=str(merged),
        )
        runs = repeat_within(measure, args.repeat, args.budget)
        ok = [r for r in runs if r["status"] == "ok"]
        seconds = median([r["seconds"] for r in ok])
        methods[method] = {
            "status": "ok" if ok else runs[-1]["status"],
            "runs": len(ok),
            "seconds": seconds,
            "runs_s": [round(r["seconds"], 4) for r in ok],
            "quads_per_s": ratio(quads, seconds),
            "mb_per_s": ratio(meta["nquads_bytes"] / 1e6, seconds),
            "stored": ok[0]["stored"] if ok else None,
            "rss_peak_mib": median([r.get("rss_peak_mib") for r in ok]),
            "rss_delta_mib": median(
                [r["rss_peak_mib"] - r["rss_base_mib"] for r in ok if r.get("rss_base_mib")]
            ),
            "error": None if ok else runs[-1].get("stderr") or runs[-1].get("status"),
        }
        log(f"  {method}: {fmt_s(seconds)} s, {fmt_n(methods[method]['quads_per_s'])} quads/s")
    base = methods.get(BASELINE, {}).get("quads_per_s")
    for entry in methods.values():
        entry["ratio_to_rdflib"] = ratio(entry.get("quads_per_s"), base)
    return {
        "scale": scale,
        "triples": meta["triples"],
        "quads": quads,
        "nquads_bytes": meta["nquads_bytes"],
        "methods": methods,
    }


def markdown(report: dict[str, Any]) -> str:
    lines = [
        "| size | quads | method | seconds | quads/s | ratio to rdflib | peak MiB |",
        "|---|---:|---|---:|---:|---:|---:|",
    ]
    for r in report["results"]:
        for name, m in r["methods"].items():
            if m["status"] != "ok":
                lines.append(f"| {r['scale']} | {r['quads']:,} | {name} | {m['status']} | | | |")
                continue
            lines.append(
                f"| {r['scale']} | {r['quads']:,} | {name} | {fmt_s(m['seconds'])} | "
                f"{fmt_n(m['quads_per_s'])} | {fmt_x(m['ratio_to_rdflib'])} | "
                f"{fmt_n(m['rss_peak_mib'])} |"
            )
    return "\n".join(lines) + "\n"


def run(
    sizes: Sequence[str],
    *,
    repeat: int = 3,
    budget: float = 60.0,
    timeout: float = 1800.0,
    replace_max: int = 100_000,
    methods: Sequence[str] = METHODS,
) -> dict[str, Any]:
    """The load stage at each size (what bench/report.py calls)."""
    args = argparse.Namespace(
        repeat=repeat, budget=budget, timeout=timeout, replace_max=replace_max, methods=methods
    )
    report: dict[str, Any] = {
        "schema": SCHEMA,
        "sizes": list(sizes),
        "repeat": repeat,
        "methods": list(methods),
        "results": [measure_size(s, args) for s in sizes],
    }
    report["markdown"] = markdown(report)
    return report


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.load", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--sizes", default="10k,100k")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--budget", type=float, default=60)
    parser.add_argument("--replace-max", default="100k")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    report = run(
        [s.strip() for s in args.sizes.split(",") if s.strip()],
        repeat=args.repeat,
        budget=args.budget,
        replace_max=graphs.target_triples(args.replace_max),
    )
    report["environment"] = environment()
    write_json(args.out, report)
    print(report["markdown"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
