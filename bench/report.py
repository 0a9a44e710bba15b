"""``make bench``: every stage at each size, one report with the targets.

Usage::

    python -m bench report                          # 10k and 100k triples (make bench)
    python -m bench report --sizes 10k,100k,1M      # + 1M on demand (10M too)
    python -m bench report --quick --sizes tiny     # the smoke run of tests/test_bench_report.py
    python -m bench report --stages shacl,queries   # some stages only

Stages, each its own module (runnable alone, with its own JSON):

========== ======================= =============================================
ingest     :mod:`bench.ingest`     text → records → triples → store (run as a
                                   child process; its JSON is included)
load       :mod:`bench.load`       bulk load of the same N-Quads: Oxigraph vs rdflib
shacl      :mod:`bench.shacl`      pyshacl (rdflib, Oxigraph), Jena; full and
                                   one changed source; violations cross-checked
queries    :mod:`bench.query_latency` every prepared query, p50/p95
endpoint   :mod:`bench.endpoint`   ``councilkg serve`` vs ``oxigraph serve-read-only``,
                                   1/4/16 clients, at the largest size (a child
                                   process)
export     :mod:`bench.export`     N-Triples, Turtle, JSON-LD, N-Quads
========== ======================= =============================================

Inputs come from :func:`bench.graphs.graph_at` (generated once, cached in
``bench/results/cache/``).  Every figure is a median of several runs and
is shown as a ratio to a baseline measured in the same run (rdflib, Jena,
the bare oxigraph server, Oxigraph's raw dump).  Writes
``bench/results/report.md`` and ``report.json`` (git ignores
``bench/results/``); ``--out-dir`` elsewhere.  The closing table compares
the figures with the performance targets; where one is missed,
the row says what bounds it, from the measurements and a cProfile of
pyshacl at the smallest size.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import shlex
import subprocess
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import export, graphs, jena, load, query_latency, shacl
from bench.common import (
    RESULTS,
    ROOT,
    child_env,
    environment,
    fmt_ms,
    fmt_s,
    fmt_x,
    log,
    median,
    module_command,
    profile_table,
    ratio,
    write_json,
)

SCHEMA = 1
STAGES = ("ingest", "load", "shacl", "queries", "endpoint", "export")


# ---------------------------------------------------------------------------
# Stages run as child processes
# ---------------------------------------------------------------------------


STAGE_TIMEOUT_S = 3600
"""At most this long for one stage run in its own process: a stage that
hangs is reported as timed out with its last output, and the run goes on."""


def _run_stage(cmd: list[str], out: Path) -> dict[str, Any]:
    """Run one stage in its own process, within :data:`STAGE_TIMEOUT_S`:
    the JSON it wrote to ``out`` with ``status`` ok, else ``status`` timeout
    or error with the end of its output."""
    try:
        proc = subprocess.run(
            cmd,
            capture_output=True,
            text=True,
            cwd=ROOT,
            env=child_env(),
            check=False,
            timeout=STAGE_TIMEOUT_S,
        )
    except subprocess.TimeoutExpired as exc:
        return {"status": "timeout", "stderr": _tail(exc.stderr), "timeout_s": STAGE_TIMEOUT_S}
    if proc.returncode != 0 or not out.exists():
        return {"status": "error", "stderr": _tail(proc.stderr)}
    data: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    data["status"] = "ok"
    return data


def _tail(output: str | bytes | None, size: int = 2000) -> str:
    if output is None:
        return ""
    text = output.decode("utf-8", "replace") if isinstance(output, bytes) else output
    return text[-size:]


def run_ingest(out_dir: Path, quick: bool, extra: str | None = None) -> dict[str, Any]:
    """``python -m bench ingest`` with N = 1, 10, 30 files, 2 runs (its own default
    adds N = 100: five more minutes here), or N = 1 once when quick;
    ``extra`` replaces those arguments (``--corpus --sizes 1,10``)."""
    out = out_dir / "ingest.json"
    cmd = module_command("bench.ingest", "--out", str(out))
    if extra is not None:
        cmd += shlex.split(extra)
    elif quick:
        cmd += ["--sizes", "1", "--repeat", "1"]
    else:
        cmd += ["--sizes", "1,10,30", "--repeat", "2"]
    return _run_stage(cmd, out)


def run_endpoint(scale: str, out_dir: Path, quick: bool) -> dict[str, Any]:
    """``python -m bench endpoint`` on the cached store of ``scale``: ``councilkg
    serve`` against ``oxigraph serve-read-only``, same store, same run."""
    graph = graphs.graph_at(scale, flavour="spread")
    out = out_dir / f"endpoint-{scale}.json"
    cmd = module_command("bench.endpoint", "--store", str(graph.store))
    cmd += ["--candidates", "councilkg", "--no-timeout-check", "--out", str(out)]
    if quick:
        cmd += ["--repeat", "1", "--seconds", "0.5", "--concurrency", "1,4"]
        cmd += ["--requests", "200", "--heavy-requests", "50"]
    else:
        cmd += ["--repeat", "2", "--seconds", "2", "--concurrency", "1,4,16", "--timeout", "30"]
    log(f"endpoint {scale}: {graph.meta['triples']:,} triples")
    data = _run_stage(cmd, out)
    data["scale"] = scale
    if data["status"] != "ok":
        return data
    data.pop("runs", None)
    data["triples"] = graph.meta["triples"]
    summary = data["summary"]
    # cells where either server failed requests (a query past the timeout) are not compared
    failed = {(r["query"], r["concurrency"]) for r in summary.values() if r["errors"]}
    ratios = [
        row["ratio_to_baseline"]
        for row in summary.values()
        if row["candidate"] == "councilkg"
        and row.get("ratio_to_baseline") is not None
        and (row["query"], row["concurrency"]) not in failed
    ]
    data["cells_with_errors"] = sorted(f"{q} × {c}" for q, c in failed)
    data["councilkg_ratio_min"] = min(ratios) if ratios else None
    data["councilkg_ratio_median"] = median(ratios)
    for server in ("councilkg", "oxigraph"):  # on the cheap query, where HTTP dominates
        data[f"{server}_cpu_us_per_req"] = median(
            [
                row["server_cpu_us_per_req"]
                for row in summary.values()
                if row["candidate"] == server and row["query"] == "lookup"
            ]
        )
    return data


# ---------------------------------------------------------------------------
# Profile
# ---------------------------------------------------------------------------


def profile_pyshacl(scale: str, top: int = 12) -> dict[str, Any]:
    """cProfile of the project's validation (pyshacl over rdflib) on the
    clean graph of ``scale``: where its time goes."""
    from rdflib import Graph

    from councilkg.validation import validate

    graph = graphs.graph_at(scale, flavour="clean")
    data = Graph().parse(str(graphs.merged_nt(graph)), format="nt")
    validate(data)  # warm the caches (shapes, prepared SPARQL), as in a long-lived process
    profiler = cProfile.Profile()
    profiler.enable()
    report = validate(data)
    profiler.disable()
    stats = pstats.Stats(profiler)
    total = report.seconds
    groups = {
        "SPARQL constraints (sh:sparql)": "sparql_based_constraints.py",
        "rdflib SPARQL evaluation": "rdflib/plugins/sparql/evaluate.py",
        "shape targets and value nodes": "pyshacl/shape.py",
        "core constraint components": "pyshacl/constraints/core/",
        "rdflib triple lookups (memory store)": "rdflib/plugins/stores/memory.py",
    }
    shares = {}
    for label, needle in groups.items():
        cum = max(
            (v[3] for k, v in profile_table(stats).items() if needle in k[0]),
            default=0.0,
        )
        shares[label] = round(cum, 3)
    text = io.StringIO()
    pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(top)
    lines = [ln for ln in text.getvalue().splitlines() if ln.strip()]
    return {
        "scale": scale,
        "validate_s": total,
        "cumulative_s": shares,
        "top": lines[-top:],
    }


# ---------------------------------------------------------------------------
# Targets
# ---------------------------------------------------------------------------


def _seconds(entry: dict[str, Any]) -> str:
    if entry.get("status") == "ok":
        return f"{fmt_s(entry.get('total_s'))} s"
    return shacl.status_text(entry)


def _ratio_or_status(result: dict[str, Any]) -> str:
    """pyshacl over rdflib ÷ Jena at one size, or why there is no ratio."""
    over = _over_jena(result, "pyshacl-rdflib")
    return fmt_x(over) if over else _seconds(result["engines"].get("pyshacl-rdflib", {}))


def _over_jena(result: dict[str, Any], engine: str) -> float | None:
    eng = result["engines"]
    mine, base = eng.get(engine, {}).get("total_s"), eng.get("jena", {}).get("total_s")
    return mine / base if mine and base else None


def _largest(results: list[dict[str, Any]]) -> dict[str, Any] | None:
    return max(results, key=lambda r: r["triples"]) if results else None


def targets(stages: dict[str, Any]) -> list[dict[str, Any]]:
    """The performance targets, where we stand, and what bounds a miss."""
    rows: list[dict[str, Any]] = []
    ld = _largest(stages.get("load", {}).get("results", []))
    if ld:
        mem = ld["methods"].get("oxigraph-memory", {}).get("ratio_to_rdflib")
        gs = ld["methods"].get("graphstore-disk", {}).get("ratio_to_rdflib")
        rows.append(
            {
                "target": "store load ≥ 10× rdflib's parse of the same N-Quads",
                "at": ld["scale"],
                "measured": f"Oxigraph bulk load in memory {fmt_x(mem)}; "
                f"GraphStore on disk (named graphs + merged default graph) {fmt_x(gs)}",
                "met": mem is not None and mem >= 10,
                "bound": "in memory: met. On disk, RocksDB writes and the second load "
                "(the merged default graph the store keeps) halve the rate; the ingest "
                "path (`replace_graph`, one SPARQL update per graph) is slower still.",
            }
        )
    sh_results = stages.get("shacl", {}).get("results", [])
    sh = _largest(sh_results)
    if sh:
        eng = sh["engines"]
        jena_total = eng.get("jena", {}).get("total_s")
        rd = eng.get("pyshacl-rdflib", {}).get("total_s")
        best = eng.get("pyshacl-oxigraph-countonce", {}).get("total_s")
        r_rd = rd / jena_total if rd and jena_total else None
        r_best = best / jena_total if best and jena_total else None
        trend = ", ".join(f"{_ratio_or_status(r)} at {r['scale']}" for r in sh_results)
        rows.append(
            {
                "target": "full SHACL within 5× Jena's time (same data and shapes; at 1M)",
                "target_triples": 1_000_000,
                "measured_triples": sh["triples"],
                "at": f"{sh['scale']} ({sh['triples']:,} triples)",
                "measured": f"pyshacl over rdflib (the project's validation) ÷ Jena: {trend} "
                f"({_seconds(eng.get('pyshacl-rdflib', {}))} vs "
                f"{_seconds(eng.get('jena', {}))}); pyshacl over Oxigraph counting "
                f"once {fmt_x(r_best)} ({_seconds(eng.get('pyshacl-oxigraph-countonce', {}))})",
                "met": r_rd is not None and r_rd <= 5,
                "bound": "pyshacl runs every SHACL-SPARQL constraint once per focus node "
                "through rdflib's SPARQL evaluator, and the ratio grows with the size (see "
                "the profile); Jena's time at small sizes is mostly the JVM's start.",
            }
        )
        inc = sh.get("incremental", {})
        rd_inc = inc.get("pyshacl-rdflib", {}).get("total_s")
        best_inc = inc.get("pyshacl-oxigraph-countonce", {}).get("total_s")
        if rd_inc is not None:
            rows.append(
                {
                    "target": "incremental validation of one changed source < 2 s",
                    "at": f"{sh['scale']} ({inc['triples']:,} triples: the source with the "
                    "reference and ontology graphs)",
                    "measured": f"pyshacl over rdflib {fmt_s(rd_inc)} s; pyshacl over "
                    f"Oxigraph counting once {fmt_s(best_inc)} s; Jena "
                    f"{fmt_s(inc.get('jena', {}).get('total_s'))} s (whole processes)",
                    "met": rd_inc < 2,
                    "bound": "the reference and ontology graphs (~4.4k of the triples) are "
                    "re-validated with every source, and pyshacl's per-focus-node SPARQL over "
                    "rdflib dominates"
                    + (
                        "; over Oxigraph (counting once) the same run meets it"
                        if best_inc is not None and best_inc < 2
                        else ""
                    )
                    + ".",
                }
            )
    ql = _largest(stages.get("queries", {}).get("results", []))
    if ql:
        slow = sorted(
            (
                (e["engines"].get("oxigraph-memory", {}).get("p50_s") or 0, name)
                for name, e in ql["queries"].items()
            ),
            reverse=True,
        )[:3]
        shares = [
            ratio(mem.get("engine_only_p50_s"), mem.get("p50_s"))
            for mem in (ql["queries"][n]["engines"].get("oxigraph-memory", {}) for _, n in slow)
        ]
        share_text = ", ".join(f"{min(s, 1.0):.0%}" for s in shares if s is not None)
        rows.append(
            {
                "target": "prepared queries p50 < 20 ms (at 1M)",
                "target_triples": 1_000_000,
                "measured_triples": ql["triples"],
                "at": f"{ql['scale']} ({ql['triples']:,} triples)",
                "measured": f"{ql['met_target_memory']} of {len(ql['queries'])} in memory, "
                f"{ql['met_target_disk']} on disk; slowest: "
                + ", ".join(f"{n} {fmt_ms(p)} ms" for p, n in slow),
                "met": ql["met_target_memory"] == len(ql["queries"]),
                "bound": "the slow ones read every vote, position, citation or event of "
                "the graph before a FILTER keeps one year or item (`SUBSTR(STR(?date), 1, 4) "
                "= ?year` on each date, subqueries over all briefings), so they grow with the "
                f"graph, not with the answer; Oxigraph's evaluation is {share_text} of their "
                "time (the rest: reading the rows into Python terms).",
            }
        )
    ep = stages.get("endpoint", {})
    if ep.get("status") == "ok":
        low = ep["councilkg_ratio_min"]
        rows.append(
            {
                "target": "endpoint ≥ 80 % of the bare oxigraph server's throughput",
                "at": ep["scale"],
                "measured": f"councilkg serve ÷ oxigraph req/s: median "
                f"{fmt_x(ep['councilkg_ratio_median'])}, lowest {fmt_x(low)}",
                "met": low is not None and low >= 0.8,
                "bound": "the Python HTTP layer and the hop to the worker process: on the "
                f"lookup, {ep['councilkg_cpu_us_per_req'] or 0:,.0f} µs of server CPU per "
                f"request against oxigraph's {ep['oxigraph_cpu_us_per_req'] or 0:,.0f} µs, "
                "and with 2 cores the 16 clients compete with it; it matters on cheap "
                "queries, not on heavy ones"
                + (
                    f" (not compared: {', '.join(ep['cells_with_errors'])}, requests failed)"
                    if ep.get("cells_with_errors")
                    else ""
                )
                + ".",
            }
        )
    elif ep:
        # a stage that failed or timed out: reported with its cause, not skipped
        rows.append(
            {
                "target": "endpoint ≥ 80 % of the bare oxigraph server's throughput",
                "at": ep.get("scale", ""),
                "measured": f"stage {ep.get('status')}: "
                + (" ".join(str(ep.get("stderr", "")).split())[-300:] or "no output"),
                "met": False,
                "bound": "",
            }
        )
    return rows


# ---------------------------------------------------------------------------
# Markdown
# ---------------------------------------------------------------------------


def markdown(report: dict[str, Any]) -> str:
    env = report["environment"]
    st = report["stages"]
    out = [
        "# councilkg benchmarks",
        "",
        f"{report['started']}, {fmt_s(report['seconds'])} s in all; sizes "
        f"{', '.join(report['sizes'])}; {env['cpus']} CPUs, load average at start "
        f"{env['loadavg']}; Python {env['python']}, "
        + ", ".join(f"{k} {v}" for k, v in env["versions"].items() if v)
        + f", Jena {report['jena_version'] or 'missing'}; commit {env['git_commit']}. "
        "Medians of several runs; ratios are to a baseline measured in the same run.",
        "",
        "## Targets",
        "",
        "| target | at | measured | status | what bounds it |",
        "|---|---|---|:---:|---|",
    ]
    for t in report["targets"]:
        status = "met" if t["met"] else "**missed**"
        if t.get("target_triples") and t["measured_triples"] < 0.9 * t["target_triples"]:
            status += f" at {t['at'].split(' ')[0]} (1M not measured)"
        out.append(f"| {t['target']} | {t['at']} | {t['measured']} | {status} | {t['bound']} |")
    if "ingest" in st and st["ingest"].get("status") == "ok":
        out += ["", "## Ingest (`python -m bench ingest`)", "", st["ingest"].get("markdown", "")]
    for key, title in (
        ("load", "Store bulk load (`python -m bench load`; ratio: quads/s ÷ rdflib's)"),
        ("shacl", "SHACL (`python -m bench shacl`; ratio: total time ÷ Jena's)"),
        ("queries", "Prepared queries (`python -m bench query-latency`; p50 / p95 ms)"),
        ("export", "Export (`python -m bench export`; ratio: time ÷ Oxigraph's raw dump)"),
    ):
        if key in st and "markdown" in st[key]:
            out += ["", f"## {title}", "", st[key]["markdown"]]
        if key == "shacl" and "shacl" in st:
            out += _shacl_notes(st["shacl"])
    ep = st.get("endpoint", {})
    if ep.get("status") == "ok":
        out += [
            "",
            f"## Endpoint (`python -m bench endpoint`, {ep['scale']}: {ep['triples']:,} triples; "
            "ratio: req/s ÷ oxigraph serve-read-only's)",
            "",
            ep["markdown"],
        ]
    prof = report.get("profile")
    if prof:
        out += [
            "",
            f"## Where pyshacl's time goes ({prof['scale']}, cProfile, "
            f"{fmt_s(prof['validate_s'])} s under the profiler)",
            "",
            "| part | cumulative s |",
            "|---|---:|",
        ]
        out += [f"| {k} | {v} |" for k, v in prof["cumulative_s"].items()]
    out += ["", "## Closing note", "", *closing_note(report)]
    return "\n".join(out) + "\n"


def _shacl_notes(sh: dict[str, Any]) -> list[str]:
    notes = ["", "Cross-check:"]
    for r in sh.get("results", []):
        faults = len(r["faults"])
        agree = "all engines agree" if r["all_agree"] else "**engines disagree**"
        notes.append(
            f"- {r['scale']}: {faults} faults injected, {agree} "
            "(same results as pyshacl over rdflib; exactly the faults' focus nodes and shapes; "
            "the incremental run finds the full run's results on that source)."
        )
    notes += [
        "- pyshacl over Oxigraph (`oxrdflib`), as shipped: the shapes' plain literals "
        "must be typed `xsd:string`, or it reports false `sh:in` violations "
        "(`pyshacl-oxigraph-untyped`): oxrdflib turns every Oxigraph simple literal "
        'into `Literal(v, datatype=xsd:string)`, rdflib parses `"v"` in the shapes '
        "with no datatype, and rdflib's equality tells them apart.",
        "- It is slow because pyshacl tests `datagraph or shapes_graph` three times per "
        "result it builds (inner results of `sh:or`/`sh:node` too), which calls "
        "`len(graph)`: O(1) in rdflib, a full `COUNT(DISTINCT …)` scan in oxrdflib "
        "(88 % of its time in cProfile). Counting once (`pyshacl-oxigraph-countonce`) "
        "removes it.",
    ]
    return notes


def closing_note(report: dict[str, Any]) -> list[str]:
    """Where we stand and the next step, from the figures."""
    lines = []
    missed = [t for t in report["targets"] if not t["met"]]
    largest = report["sizes"][-1] if report["sizes"] else "?"
    if "1M" not in report["sizes"] and "10M" not in report["sizes"]:
        lines.append(
            f"Measured up to {largest}; the 1M targets are read at the largest size "
            "measured here (`python -m bench report --sizes 10k,100k,1M` measures them)."
        )
    lines.append(f"{len(report['targets']) - len(missed)} of {len(report['targets'])} targets met.")
    sh = _largest(report["stages"].get("shacl", {}).get("results", []))
    if sh:
        eng = sh["engines"]
        best = eng.get("pyshacl-oxigraph-countonce", {}).get("total_s")
        rd = eng.get("pyshacl-rdflib", {}).get("total_s")
        if best and rd:
            lines.append(
                f"Next step for SHACL: validate over the Oxigraph store with the count "
                f"cached and string-typed shapes ({fmt_s(best)} s vs {fmt_s(rd)} s over "
                "rdflib at the largest size, same results) and, for incremental runs, "
                "pass pyshacl the changed source's nodes as `focus_nodes` so the "
                "reference graph is not re-validated; Jena stays the cross-check."
            )
    ql = _largest(report["stages"].get("queries", {}).get("results", []))
    if ql and ql["met_target_memory"] < len(ql["queries"]):
        lines.append(
            "Next step for the prepared queries: select the year and the item before the "
            "scan, not after it (date ranges on typed `xsd:date` values, or the "
            "supplement's period as a node the events link to), so a one-year query "
            "touches one year's triples."
        )
    ep = report["stages"].get("endpoint", {})
    if ep.get("status") == "ok" and (ep["councilkg_ratio_min"] or 1) < 0.8:
        lines.append(
            "Next step for the endpoint: cut the per-request Python work (pre-encoded "
            "responses, fewer copies between front and worker) on cheap queries."
        )
    return lines


# ---------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------


def build(args: argparse.Namespace) -> dict[str, Any]:
    started = time.perf_counter()
    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    sizes.sort(key=graphs.target_triples)
    wanted = [s.strip() for s in args.stages.split(",") if s.strip()]
    unknown = set(wanted) - set(STAGES)
    if unknown:
        raise SystemExit(f"unknown stages: {', '.join(sorted(unknown))}")
    out_dir: Path = args.out_dir
    out_dir.mkdir(parents=True, exist_ok=True)
    quick = args.quick
    repeat = 1 if quick else args.repeat
    report: dict[str, Any] = {
        "schema": SCHEMA,
        "started": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "sizes": sizes,
        "source": os.environ.get("COUNCILKG_BENCH_SOURCE") or "replica",
        "stages_run": wanted,
        "quick": quick,
        "repeat": repeat,
        "environment": environment(),
        "jena_version": jena.version(),
        "graphs": {},
        "stages": {},
        "timings_s": {},
    }
    for s in sizes:  # generate (or find) every input first: not part of any stage's time
        for flavour in ("spread", "clean"):
            g = graphs.graph_at(s, flavour=flavour)
            meta = {k: v for k, v in g.meta.items() if k not in ("graphs", "faults")}
            report["graphs"][f"{s}/{flavour}"] = meta
    report["timings_s"]["graphs"] = time.perf_counter() - started
    stages = report["stages"]

    def timed(name: str, func: Any) -> None:
        t0 = time.perf_counter()
        log(f"== {name}")
        stages[name] = func()
        report["timings_s"][name] = round(time.perf_counter() - t0, 1)
        write_json(out_dir / "report.partial.json", report)

    if "ingest" in wanted:
        timed("ingest", lambda: run_ingest(out_dir, quick, args.ingest_args))
    if "load" in wanted:
        timed("load", lambda: load.run(sizes, repeat=repeat, budget=10 if quick else 12))
    if "shacl" in wanted:
        engines = [e for e in args.shacl_engines.split(",") if e] or list(shacl.ENGINES)
        timed(
            "shacl",
            lambda: shacl.run(
                sizes,
                repeat=repeat,
                budget=5 if quick else args.shacl_budget,
                oxigraph_max=0 if quick else graphs.target_triples(args.oxigraph_max),
                engines=engines,
                incremental_engines=("pyshacl-rdflib",) if quick else shacl.INCREMENTAL,
                incremental_budget=5 if quick else 8,
            ),
        )
    if "queries" in wanted:
        timed(
            "queries",
            lambda: query_latency.run(
                sizes,
                repeat=3 if quick else 10,
                rdflib_repeat=1 if quick else 3,
                rdflib_budget=0.5 if quick else 3.0,
                rdflib_timeout=5.0 if quick else 10.0,
                engines=("oxigraph-memory", "rdflib-memory") if quick else query_latency.ENGINES,
            ),
        )
    if "endpoint" in wanted:
        endpoint_size = args.endpoint_size or max(
            (s for s in sizes if graphs.target_triples(s) <= 1_000_000),
            key=graphs.target_triples,
            default=sizes[0],
        )
        timed("endpoint", lambda: run_endpoint(endpoint_size, out_dir, quick))
    if "export" in wanted:
        timed("export", lambda: export.run(sizes, repeat=repeat, budget=5 if quick else 10))
    if args.profile and not quick and "shacl" in wanted:
        t0 = time.perf_counter()
        report["profile"] = profile_pyshacl(sizes[0])
        report["timings_s"]["profile"] = round(time.perf_counter() - t0, 1)
    report["targets"] = targets(stages)
    report["seconds"] = time.perf_counter() - started
    report["markdown"] = markdown(report)
    return report


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.report", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--sizes", default="10k,100k", help="triples: tiny, 10k, 100k, 1M, 10M")
    parser.add_argument("--stages", default=",".join(STAGES))
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure (medians)")
    parser.add_argument("--quick", action="store_true", help="one run each, short cells (smoke)")
    parser.add_argument("--shacl-budget", type=float, default=40, help="s per engine and size")
    parser.add_argument("--shacl-engines", default="", help=f"of {', '.join(shacl.ENGINES)}")
    parser.add_argument("--oxigraph-max", default="10k", help="largest size for pyshacl-oxigraph")
    parser.add_argument("--endpoint-size", default=None, help="default: the largest ≤ 1M")
    parser.add_argument("--no-profile", dest="profile", action="store_false")
    parser.add_argument("--out-dir", type=Path, default=RESULTS)
    parser.add_argument("--ingest-args", default=None, help="arguments for python -m bench ingest")
    parser.add_argument(
        "--source",
        choices=("replica", "corpus"),
        default=None,
        help="the graphs: the seed replicated (default) or the synthetic corpus ingested",
    )
    args = parser.parse_args(argv)
    if args.source:  # the stages' child processes read it too
        os.environ["COUNCILKG_BENCH_SOURCE"] = args.source
    report = build(args)
    write_json(args.out_dir / "report.json", report)
    (args.out_dir / "report.md").write_text(report["markdown"], encoding="utf-8")
    (args.out_dir / "report.partial.json").unlink(missing_ok=True)
    print(report["markdown"])
    log(f"wrote {args.out_dir / 'report.md'} and report.json in {fmt_s(report['seconds'])} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
