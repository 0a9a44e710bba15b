"""Export throughput: ``councilkg.export.writers.export_store`` in N-Triples,
Turtle, JSON-LD (and N-Quads) at each size, against Oxigraph's raw dump.

Usage::

    python -m bench export [--sizes 10k,100k] [--repeat 3] [--out bench/results/export.json]

Each run is a fresh child process (for its peak memory) that opens the
cached on-disk store of :func:`bench.graphs.graph_at` read-only and writes
one file to a temporary folder.  The baseline, ``oxigraph-dump``, is
``Store.dump`` of the merged default graph as N-Triples: no sorting, no
de-duplication, no compaction.  The exports are deterministic (sorted
lines, an external merge sort, Turtle grouped by subject, JSON-LD compacted
node by node): the ratio is what that costs.  Reported: seconds (median),
statements/s, MB/s of output, peak RSS (the exports stream, so it should
grow little with the size).
"""

from __future__ import annotations

import argparse
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
DEFAULT_OUT = RESULTS / "export.json"
BASELINE = "oxigraph-dump"
FORMATS = ("oxigraph-dump", "ntriples", "turtle", "jsonld", "nquads")


def export_once(fmt: str, store: str) -> dict[str, Any]:
    """One export of the store at ``store`` (read-only) into a temporary file."""
    import pyoxigraph as ox

    from councilkg.export.writers import export_store
    from councilkg.store import GraphStore

    tmp = Path(tempfile.mkdtemp(prefix="councilkg-bench-export-"))
    try:
        gstore = GraphStore(store, read_only=True)
        out = tmp / f"out.{fmt}"
        started = time.perf_counter()
        if fmt == BASELINE:
            with out.open("wb") as f:
                gstore.oxigraph.dump(f, ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
            seconds = time.perf_counter() - started
            statements = sum(1 for _ in out.open("rb"))
        else:
            stats = export_store(gstore, fmt, out)
            seconds = time.perf_counter() - started
            statements = stats.statements
        size = out.stat().st_size
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return {"format": fmt, "seconds": seconds, "statements": statements, "bytes": size}


def measure_size(scale: str, args: argparse.Namespace) -> dict[str, Any]:
    graph = graphs.graph_at(scale, flavour="spread")
    log(f"export {scale}: {graph.meta['triples']:,} triples")
    formats: dict[str, Any] = {}
    for fmt in args.formats:
        measure = partial(
            in_child, "bench.export:export_once", args.timeout, fmt=fmt, store=str(graph.store)
        )
        runs = repeat_within(measure, args.repeat, args.budget)
        ok = [r for r in runs if r["status"] == "ok"]
        seconds = median([r["seconds"] for r in ok])
        first = ok[0] if ok else {}
        formats[fmt] = {
            "status": "ok" if ok else runs[-1]["status"],
            "runs": len(ok),
            "seconds": seconds,
            "runs_s": [round(r["seconds"], 4) for r in ok],
            "statements": first.get("statements"),
            "bytes": first.get("bytes"),
            "statements_per_s": ratio(first.get("statements"), seconds),
            "mb_per_s": ratio((first.get("bytes") or 0) / 1e6, seconds),
            "rss_peak_mib": median([r.get("rss_peak_mib") for r in ok]),
        }
        log(f"  {fmt}: {fmt_s(seconds)} s, {fmt_n(formats[fmt]['statements_per_s'])} stmts/s")
    base = formats.get(BASELINE, {}).get("seconds")
    for entry in formats.values():
        entry["slowdown_vs_dump"] = ratio(entry.get("seconds"), base)
    return {"scale": scale, "triples": graph.meta["triples"], "formats": formats}


def markdown(report: dict[str, Any]) -> str:
    lines = [
        "| size | format | seconds | statements/s | MB/s | × raw dump time | MB | peak MiB |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in report["results"]:
        for name, f in r["formats"].items():
            if f["status"] != "ok":
                lines.append(f"| {r['scale']} | {name} | {f['status']} | | | | | |")
                continue
            lines.append(
                f"| {r['scale']} | {name} | {fmt_s(f['seconds'])} | "
                f"{fmt_n(f['statements_per_s'])} | {f['mb_per_s']:.1f} | "
                f"{fmt_x(f['slowdown_vs_dump'])} | {f['bytes'] / 1e6:.1f} | "
                f"{fmt_n(f['rss_peak_mib'])} |"
            )
    return "\n".join(lines) + "\n"


def run(
    sizes: Sequence[str],
    *,
    repeat: int = 3,
    budget: float = 30.0,
    timeout: float = 1800.0,
    formats: Sequence[str] = FORMATS,
) -> dict[str, Any]:
    """The export stage at each size (what bench/report.py calls)."""
    args = argparse.Namespace(repeat=repeat, budget=budget, timeout=timeout, formats=formats)
    report: dict[str, Any] = {
        "schema": SCHEMA,
        "sizes": list(sizes),
        "repeat": repeat,
        "formats": list(formats),
        "results": [measure_size(s, args) for s in sizes],
    }
    report["markdown"] = markdown(report)
    return report


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.export", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--sizes", default="10k,100k")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--budget", type=float, default=30)
    parser.add_argument("--formats", default=",".join(FORMATS))
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    report = run(
        [s.strip() for s in args.sizes.split(",") if s.strip()],
        repeat=args.repeat,
        budget=args.budget,
        formats=[f for f in args.formats.split(",") if f],
    )
    report["environment"] = environment()
    write_json(args.out, report)
    print(report["markdown"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
