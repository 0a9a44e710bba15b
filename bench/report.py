"""``make bench``: every stage at each size, one report with the targets.

Usage::

    python -m bench report                          # 10k, 100k and 1M triples (make bench)
    python -m bench report --sizes 10k,100k         # a shorter run, without the 1M rows
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

from bench import export, graphs, jena, load, query_latency, shacl, targets
from bench.common import (
    RESULTS,
    ROOT,
    child_env,
    environment,
    fmt_s,
    log,
    module_command,
    profile_table,
    write_json,
)

SCHEMA = 1
STAGES = ("ingest", "memory", "size", "load", "shacl", "queries", "endpoint", "export")


# ---------------------------------------------------------------------------
# Stages run as child processes
# ---------------------------------------------------------------------------


STAGE_TIMEOUT_S = 3600
PROFILE_MAX = "100k"
"""The largest graph pyshacl is profiled on: it took about a minute at 100k
and did not finish within 900 s at 1M, and the profile runs in this
process with no timeout of its own."""
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
    """``python -m bench ingest`` with N = 1, 10, 30 files, 5 runs (its own default
    adds N = 100: five more minutes here), or N = 1 once when quick;
    ``extra`` replaces those arguments (``--corpus --sizes 1,10``)."""
    out = out_dir / "ingest.json"
    cmd = module_command("bench.ingest", "--out", str(out))
    if extra is not None:
        cmd += shlex.split(extra)
    elif quick:
        cmd += ["--sizes", "1", "--repeat", "1"]
    else:
        # Five runs, not two: on a machine whose speed moves within a minute,
        # the ratio of one run ranged 1.7-2.8x around a median near 2x; an odd
        # number, so that the target's median is one run's own ratio.
        cmd += ["--sizes", "1,10,30", "--repeat", "5"]
    return _run_stage(cmd, out)


def run_memory(out_dir: Path, quick: bool) -> dict[str, Any]:
    """``python -m bench ingest --corpus`` for the memory target: the peak RSS
    of a whole ingest of the synthetic corpus at 1× and at 1,000× (23 MB, 63
    files; about 40 s to generate and 3–5 minutes to ingest here), each in a
    fresh process; 1× and 10× only when quick.  The 50 MB single file
    (``--ingest-args "--corpus --big-file 50"``: about 2 minutes to generate
    and 5 to ingest, which would take the whole run past 20 minutes) is left
    to a run of its own."""
    out = out_dir / "memory.json"
    cmd = module_command("bench.ingest", "--out", str(out), "--corpus", "--repeat", "1")
    cmd += ["--sizes", "1", "--accuracy-max", "1"]
    cmd += ["--memory-sizes", "10" if quick else "1000"]
    return _run_stage(cmd, out)


def run_size(out_dir: Path, quick: bool) -> dict[str, Any]:
    """``python -m bench size``: N-Quads bytes per byte of text, on the sample and
    the synthetic corpus at 1× and 10× (the sample and 1× when quick)."""
    out = out_dir / "size.json"
    cmd = module_command("bench.size", "--out", str(out), "--scales", "1" if quick else "1,10")
    return _run_stage(cmd, out)


def run_endpoint(sizes: list[str], out_dir: Path, quick: bool) -> dict[str, Any]:
    """``python -m bench endpoint`` on the cached stores of ``sizes``: ``councilkg
    serve`` against ``oxigraph serve-read-only``, same store, same run, for the
    bench's workload (one text per query kind, sent again and again) and for
    distinct texts (every request a new query)."""
    out = out_dir / "endpoint.json"
    cmd = module_command("bench.endpoint", "--sizes", ",".join(sizes))
    cmd += ["--candidates", "councilkg", "--no-timeout-check", "--out", str(out)]
    if quick:
        cmd += ["--repeat", "1", "--seconds", "0.5", "--concurrency", "1,16"]
        cmd += ["--requests", "200", "--heavy-requests", "50", "--workload", "repeat"]
    else:
        cmd += ["--repeat", "3", "--seconds", "2", "--concurrency", "1,16", "--timeout", "30"]
        cmd += ["--workload", "both"]
    log(f"endpoint {', '.join(sizes)}")
    data = _run_stage(cmd, out)
    data["sizes"] = sizes
    data.pop("runs", None)
    for part in data.get("by_size", {}).values():
        part.pop("runs", None)
    return data


# ---------------------------------------------------------------------------
# Profile
# ---------------------------------------------------------------------------


def profile_scale(sizes: Sequence[str]) -> str | None:
    """The size pyshacl is profiled on: the smallest measured, if it is at
    most :data:`PROFILE_MAX` (else no profile: it would not end)."""
    smallest = min(sizes, key=graphs.target_triples, default=None)
    if smallest is None or graphs.target_triples(smallest) > graphs.target_triples(PROFILE_MAX):
        return None
    return smallest


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
        targets.markdown(report["targets"]),
    ]
    if "ingest" in st and st["ingest"].get("status") == "ok":
        out += ["", "## Ingest (`python -m bench ingest`)", "", st["ingest"].get("markdown", "")]
    if "memory" in st and st["memory"].get("status") == "ok":
        title = "## Ingest memory (`python -m bench ingest --corpus --memory-sizes 1000`)"
        out += ["", title, "", st["memory"].get("markdown", "")]
    for key, title in (
        ("load", "Store bulk load (`python -m bench load`; ratio: quads/s ÷ rdflib's)"),
        ("shacl", "SHACL (`python -m bench shacl`; ratio: total time ÷ Jena's)"),
        ("queries", "Prepared queries (`python -m bench query-latency`; p50 / p95 ms)"),
        ("export", "Export (`python -m bench export`; ratio: time ÷ Oxigraph's raw dump)"),
    ):
        if key in st and "markdown" in st[key]:
            out += ["", f"## {title}", "", st[key]["markdown"]]
        queries = st.get(key, {}) if key == "queries" else {}
        if "oxigraph-disk" in queries.get("engines", ()) and queries.get("target_markdown"):
            # the on-disk store against the hand-written forms and the floor of each answer
            out += ["", queries["target_markdown"]]
        if key == "shacl" and "shacl" in st:
            out += _shacl_notes(st["shacl"])
    ep = st.get("endpoint", {})
    if ep.get("status") == "ok":
        out += [
            "",
            f"## Endpoint (`python -m bench endpoint`, {', '.join(ep['sizes'])}; "
            "ratio: req/s ÷ oxigraph serve-read-only's)",
            "",
            ep["markdown"],
        ]
    sz = st.get("size", {})
    if sz.get("status") == "ok" and "markdown" in sz:
        out += ["", "## Graph size (`python -m bench size`)", "", sz["markdown"]]
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
        fast = r.get("fast") or {}
        # The reference is pyshacl over rdflib where it finished; at 1M it times
        # out, and the engines that finished are compared with Jena instead.
        if fast.get("same_as_pyshacl") is None and fast.get("pyshacl_status") not in (None, "ok"):
            reference = f"pyshacl over rdflib {fast['pyshacl_status']}: compared with Jena"
        else:
            reference = "same results as pyshacl over rdflib"
        notes.append(
            f"- {r['scale']}: {faults} faults injected, {agree} "
            f"({reference}; exactly the faults' focus nodes and shapes; "
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
    """The count of targets met, and the targets the run could not read."""
    rows = report["targets"]
    met = sum(1 for t in rows if t["met"] is True)
    missed = [t for t in rows if t["met"] is False]
    unread = [t for t in rows if t["met"] is None]
    lines = [
        f"{met} of {len(rows)} target rows met, {len(missed)} missed, {len(unread)} not measured."
    ]
    if not any(graphs.target_triples(s) >= 1_000_000 for s in report["sizes"]):
        lines.append(
            "The 1M targets (SHACL, queries, the endpoint's second size) need the 1M graphs: "
            "`make bench` (`python -m bench report`, whose sizes are 10k, 100k and 1M)."
        )
    lines += [f"- missed: {t['target']} at {t['at'] or '?'}: {t['figure']}" for t in missed]
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
    if "memory" in wanted:
        timed("memory", lambda: run_memory(out_dir, quick))
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
                incremental_engines=("pyshacl-rdflib", "fast") if quick else shacl.INCREMENTAL,
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
        # the target's sizes (100k and 1M) among those measured, else the largest ≤ 1M
        endpoint_sizes = (
            args.endpoint_sizes.split(",")
            if args.endpoint_sizes
            else [s for s in sizes if s.lower() in ("100k", "1m")]
            or [
                max(
                    (s for s in sizes if graphs.target_triples(s) <= 1_000_000),
                    key=graphs.target_triples,
                    default=sizes[0],
                )
            ]
        )
        timed("endpoint", lambda: run_endpoint(endpoint_sizes, out_dir, quick))
    if "size" in wanted:
        timed("size", lambda: run_size(out_dir, quick))
    if "export" in wanted:
        timed("export", lambda: export.run(sizes, repeat=repeat, budget=5 if quick else 10))
    profile_size = profile_scale(sizes)
    if args.profile and not quick and "shacl" in wanted and profile_size is not None:
        t0 = time.perf_counter()
        report["profile"] = profile_pyshacl(profile_size)
        report["timings_s"]["profile"] = round(time.perf_counter() - t0, 1)
    report["targets"] = targets.rows(stages)
    report["seconds"] = time.perf_counter() - started
    report["markdown"] = markdown(report)
    return report


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.report", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--sizes", default="10k,100k,1M", help="triples: tiny, 10k, 100k, 1M, 10M")
    parser.add_argument("--stages", default=",".join(STAGES))
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure (medians)")
    parser.add_argument("--quick", action="store_true", help="one run each, short cells (smoke)")
    parser.add_argument("--shacl-budget", type=float, default=40, help="s per engine and size")
    parser.add_argument("--shacl-engines", default="", help=f"of {', '.join(shacl.ENGINES)}")
    parser.add_argument("--oxigraph-max", default="10k", help="largest size for pyshacl-oxigraph")
    parser.add_argument(
        "--endpoint-sizes",
        default=None,
        help="default: 100k and 1M if measured, else the largest ≤ 1M",
    )
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
