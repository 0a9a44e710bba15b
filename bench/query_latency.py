"""Every prepared query's latency at each size: the embedded store against
rdflib in memory, on the graph of :func:`bench.graphs.graph_at`.

Usage::

    python -m bench query-latency [--sizes 10k,100k] [--repeat 20]
                                  [--rdflib-repeat 3] [--rdflib-budget 3]
                                  [--rdflib-timeout 10] [--no-hand] [--before REV]
                                  [--queries NAME,NAME]
                                  [--out bench/results/query_latency.json]

Every query of the catalogue (``queries/*.rq``, :func:`councilkg.queries.catalogue`)
is bound with the example values of its header and run by

``oxigraph-memory``  :func:`councilkg.queries.run_embedded` on an in-memory
                     :class:`~councilkg.store.GraphStore` (named graphs and
                     their merge, bulk loaded);
``oxigraph-disk``    the same on the cached on-disk store, opened read-only
                     (what ``councilkg query`` does);
``rdflib-memory``    ``rdflib.Graph().query`` on the merge (the baseline).

and, for the target, **hand-written forms on bare Oxigraph**: the cached
on-disk store opened with ``pyoxigraph.Store.read_only`` (no GraphStore, no
binding, no conversion of the rows to Python terms: the solutions are only
iterated), running the prepared query's bound text and every file
``bench/queries-hand/<name>.rq`` or ``<name>.<variant>.rq`` (SPARQL written
for the example values, constants in place of parameters).  A form counts
only if it returns the prepared query's rows; the fastest of those is the
baseline of ``prepared_over_hand_p50`` (the prepared query on the on-disk
store ÷ the fastest hand-written form; the target is ≤ 2).

Beside each question on the on-disk store, **the floor of its answer**
(:mod:`bench.floor`): what an answer of as many rows and bound cells costs
at least on the same store, stored one node per row, timed interleaved with
the question's forms; ``floor_p50_s`` and ``prepared_over_floor_p50`` per
query.  A query far above its floor reads beyond its answer; one near a
floor over the 20 ms target needs a smaller answer, not another plan.

The measuring itself is ``bench/queries.py``'s: one untimed warm-up, then
``--repeat`` timed runs for Oxigraph; rdflib in a forked child, up to
``--rdflib-repeat`` runs within ``--rdflib-budget`` seconds, abandoned after
``--rdflib-timeout`` (reported as ``> T``), and not started at a size where
its time at the size below, scaled linearly, is over ``--rdflib-budget``, or
where it did not finish (``not run``, ``why`` in the JSON): at 1M rdflib
answers in seconds to minutes, which would double the stage.  Each run
includes reading every solution.  ``agree``: every engine that finished
returned the same rows.

The graph is the ``spread`` flavour: copies spread over 75 years, so the
``year`` parameter keeps about 1/75 of them, as in the real Repertoire.
"""

from __future__ import annotations

import argparse
import gc
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import rdflib

from bench import floor, graphs
from bench import queries as qbench
from bench.common import (
    RESULTS,
    ROOT,
    Outcome,
    environment,
    fmt_ms,
    fmt_x,
    log,
    outgrown,
    percentile,
    ratio,
    write_json,
)
from councilkg import queries as cq
from councilkg.queries.catalogue import parse_query
from councilkg.queries.results import normalise_values
from councilkg.store import GraphStore

SCHEMA = 2
DEFAULT_OUT = RESULTS / "query_latency.json"
ENGINES = ("oxigraph-memory", "oxigraph-disk", "rdflib-memory")
BASELINE = "rdflib-memory"
TARGET_P50_S = 0.020
TARGET_HAND_RATIO = 2.0  # the prepared query within 2x of the fastest hand-written form
HAND = ROOT / "bench" / "queries-hand"


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


def hand_forms(bound: cq.BoundQuery) -> dict[str, str]:
    """The forms of one question measured on bare Oxigraph: the prepared
    query's bound text (``prepared``) and each hand-written file."""
    name = bound.query.name
    forms = {"prepared": bound.sparql}
    for path in sorted(HAND.glob(f"{name}.rq")) + sorted(HAND.glob(f"{name}.*.rq")):
        forms[path.stem] = path.read_text(encoding="utf-8")
    return forms


def bare_answer(store: ox.Store, query: cq.PreparedQuery, sparql: str) -> Counter[tuple[Any, ...]]:
    """The rows of ``sparql`` on bare Oxigraph, comparable with the prepared
    query's (its list columns sorted, its numbers normalised)."""
    solutions = store.query(sparql)
    assert isinstance(solutions, ox.QuerySolutions)  # the prepared queries are SELECT
    variables = tuple(v.value for v in solutions.variables)
    rows = [tuple(_bare_term(s[v]) for v in variables) for s in solutions]
    result = normalise_values(query, cq.normalise_lists(query, cq.QueryResult(variables, rows)))
    return qbench.comparable(result)


def run_bare(store: ox.Store, sparql: str) -> None:
    """One run on bare Oxigraph: the solutions iterated, each value read."""
    solutions = store.query(sparql)
    assert isinstance(solutions, ox.QuerySolutions)
    names = solutions.variables
    for solution in solutions:
        for v in names:
            solution[v]


def _bare_term(node: Any) -> cq.Term | None:
    if node is None:
        return None
    if isinstance(node, ox.NamedNode):
        return cq.Term("uri", node.value)
    if isinstance(node, ox.BlankNode):
        return cq.Term("bnode", node.value)
    return cq.Term.literal(node.value, node.datatype.value, node.language)


def before_forms(rev: str) -> dict[str, cq.PreparedQuery]:
    """The prepared queries as they were at git revision ``rev`` (those that
    existed then), to time them beside today's in the same run."""
    out = {}
    for q in cq.catalogue():
        shown = subprocess.run(
            ["git", "-C", str(ROOT), "show", f"{rev}:queries/{q.name}.rq"],
            capture_output=True,
            text=True,
            check=False,
        )
        if shown.returncode == 0:
            out[q.name] = parse_query(q.name, shown.stdout)
    return out


def interleaved(runners: dict[str, Callable[[], object]], repeat: int) -> dict[str, list[float]]:
    """``repeat`` rounds of one timed run of each runner in turn: the forms
    of one question see the same load, so their ratio holds on a busy machine."""
    runs: dict[str, list[float]] = {k: [] for k in runners}
    for _ in range(repeat):
        for key, runner in runners.items():
            started = time.perf_counter()
            runner()
            runs[key].append(time.perf_counter() - started)
    return runs


def measure_disk(
    graph: graphs.BenchGraph,
    bound: dict[str, cq.BoundQuery],
    args: argparse.Namespace,
) -> tuple[dict[str, dict[str, Any]], dict[str, Counter[tuple[Any, ...]]]]:
    """Each question on the on-disk store: the prepared query (``GraphStore``
    read-only, as ``councilkg query`` runs it), its forms on bare Oxigraph
    (``--no-hand`` leaves them out) and the query of ``--before REV``, their
    runs interleaved round by round."""
    store = GraphStore(graph.store, read_only=True)
    bare = ox.Store.read_only(str(graph.store / "oxigraph")) if args.hand else None
    then = before_forms(args.before) if args.before else {}
    out: dict[str, dict[str, Any]] = {}
    answers: dict[str, Counter[tuple[Any, ...]]] = {}
    for name, b in bound.items():
        result = cq.run_embedded(store, b)  # warm-up, and the answer
        answers[name] = qbench.comparable(result)
        runners: dict[str, Callable[[], object]] = {"prepared": partial(cq.run_embedded, store, b)}
        probe = floor.probe(store, result, b.sparql)
        if probe is not None:
            runners.update(probe.runners)
        agree: dict[str, bool] = {}
        forms = hand_forms(b) if bare is not None else {}
        for label, sparql in forms.items():
            assert bare is not None
            agree[label] = bare_answer(bare, b.query, sparql) == answers[name]
            runners[f"hand:{label}"] = partial(run_bare, bare, sparql)
        old = cq.bind(then[name], then[name].examples()) if name in then else None
        same_order = None
        if old is not None:
            then_result = cq.run_embedded(store, old)
            agree["before"] = qbench.comparable(then_result) == answers[name]
            same_order = then_result.rows == result.rows  # the order is an interface too
            runners["before"] = partial(cq.run_embedded, store, old)
        runs = interleaved(runners, args.repeat)
        entry: dict[str, Any] = {"stats": qbench.summary(runs["prepared"], len(result))}
        if bare is not None:
            hand = {
                label: dict(qbench.summary(runs[f"hand:{label}"], None), agree=agree[label])
                for label in forms
            }
            fine = {k: v for k, v in hand.items() if v["agree"]}
            fastest = min(fine, key=lambda k: fine[k]["p50_s"]) if fine else None
            entry["hand"] = {
                "forms": hand,
                "fastest": fastest,
                "p50_s": fine[fastest]["p50_s"] if fastest else None,
                "p95_s": fine[fastest]["p95_s"] if fastest else None,
            }
        if old is not None:
            entry["before"] = dict(
                qbench.summary(runs["before"], None), agree=agree["before"], same_order=same_order
            )
        if probe is not None:
            entry["floor"] = floor.estimate(probe, runs["floor:scan"], runs["floor:lookup"])
        out[name] = entry
    del store, bare
    gc.collect()
    return out, answers


def measure_size(scale: str, args: argparse.Namespace) -> dict[str, Any]:
    graph = graphs.graph_at(scale, flavour="spread")
    catalogue = [q for q in cq.catalogue() if not args.queries or q.name in args.queries]
    bound = {q.name: cq.bind(q, q.examples()) for q in catalogue}
    per_query: dict[str, dict[str, Any]] = {q.name: {"engines": {}} for q in catalogue}
    answers: dict[str, dict[str, Counter[tuple[Any, ...]]]] = {q.name: {} for q in catalogue}
    log(f"queries {scale}: {graph.meta['triples']:,} triples, {len(catalogue)} queries")
    if "oxigraph-memory" in args.engines:
        store = memory_store(graph)
        for q in catalogue:
            stats, answer = qbench.time_embedded(store, bound[q.name], args.repeat)
            stats["engine_only_p50_s"] = engine_only(store, bound[q.name], args.repeat)
            per_query[q.name]["engines"]["oxigraph-memory"] = stats
            answers[q.name]["oxigraph-memory"] = answer
        del store
        gc.collect()
    disk: dict[str, dict[str, Any]] = {}
    if "oxigraph-disk" in args.engines:
        disk, disk_answers = measure_disk(graph, bound, args)
        for name, entry in disk.items():
            per_query[name]["engines"]["oxigraph-disk"] = entry["stats"]
            answers[name]["oxigraph-disk"] = disk_answers[name]
    if BASELINE in args.engines:
        triples = graph.meta["triples"]
        skipped = {
            q.name: why
            for q in catalogue
            if (why := outgrown(args.history.get(q.name), triples, args.rdflib_budget))
        }
        for name, why in skipped.items():
            per_query[name]["engines"][BASELINE] = dict(
                qbench.summary([], None, "skipped"), why=why
            )
        if skipped:
            log(f"  rdflib-memory: {len(skipped)} queries skipped (their time at a smaller size)")
        rd = rdflib.Graph()
        if len(skipped) < len(catalogue):  # parsing 1M triples alone takes a minute
            rd.parse(str(graphs.merged_nt(graph)), format="nt")
            rd.query("SELECT * WHERE { ?s ?p ?o } LIMIT 1")  # builds rdflib's SPARQL parser
        for q in catalogue:
            if q.name in skipped:
                continue
            stats, rd_answer = qbench.time_rdflib(
                rd, bound[q.name], args.rdflib_repeat, args.rdflib_budget, args.rdflib_timeout
            )
            stats["timeout_s"] = args.rdflib_timeout
            per_query[q.name]["engines"][BASELINE] = stats
            finished = stats["p50_s"] if stats["n"] else None
            args.history[q.name] = Outcome(triples, finished, args.rdflib_timeout, stats["status"])
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
        disk_p50 = engines.get("oxigraph-disk", {}).get("p50_s")
        base = engines.get(BASELINE, {}).get("p50_s")
        entry["rdflib_over_memory_p50"] = ratio(base, mem)
        entry["rdflib_over_disk_p50"] = ratio(base, disk_p50)
        entry["meets_target_memory"] = mem is not None and mem < TARGET_P50_S
        entry["meets_target_disk"] = disk_p50 is not None and disk_p50 < TARGET_P50_S
        entry["hand"] = disk.get(name, {}).get("hand")
        entry["floor"] = disk.get(name, {}).get("floor")
        entry["floor_p50_s"] = entry["floor"]["p50_s"] if entry["floor"] else None
        entry["prepared_over_floor_p50"] = ratio(disk_p50, entry["floor_p50_s"])
        hand_p50 = entry["hand"]["p50_s"] if entry["hand"] else None
        entry["prepared_over_hand_p50"] = ratio(disk_p50, hand_p50)
        over = entry["prepared_over_hand_p50"]
        entry["within_hand_ratio"] = None if over is None else over <= TARGET_HAND_RATIO
        if args.before:
            entry["before"] = disk.get(name, {}).get("before")
            then = entry["before"]["p50_s"] if entry["before"] else None
            entry["before_over_disk_p50"] = ratio(then, disk_p50)
    met = [n for n, e in per_query.items() if e["meets_target_memory"]]
    met_disk = sum(1 for e in per_query.values() if e["meets_target_disk"])
    log(f"  p50 < 20 ms: {len(met)} of {len(per_query)} in memory, {met_disk} on disk")
    return {
        "scale": scale,
        "triples": graph.meta["triples"],
        "params": {q.name: q.examples() for q in catalogue},
        "queries": per_query,
        "met_target_memory": len(met),
        "met_target_disk": sum(1 for e in per_query.values() if e["meets_target_disk"]),
        "within_hand_ratio": sum(1 for e in per_query.values() if e["within_hand_ratio"]),
        "slowest_disk": max(
            (
                (e["engines"]["oxigraph-disk"]["p50_s"], n)
                for n, e in per_query.items()
                if e["engines"].get("oxigraph-disk", {}).get("p50_s") is not None
            ),
            default=(None, None),
        )[::-1],
        "all_agree": all(e["agree"] in (True, None) for e in per_query.values()),
        # the queries no plan can bring under the target: their answer alone costs more
        "floor_over_target": sorted(
            n for n, e in per_query.items() if (e["floor_p50_s"] or 0) >= TARGET_P50_S
        ),
    }


def _cell(stats: dict[str, Any] | None) -> str:
    if stats is None:
        return "—"
    if stats["status"] == "timeout" and not stats["n"]:
        return f"> {stats.get('timeout_s', '?'):g} s"
    if stats["status"] == "skipped":
        return "not run"
    cell = f"{fmt_ms(stats['p50_s'])} / {fmt_ms(stats['p95_s'])}"
    if stats["status"] != "ok":
        cell += f" ({stats['status']}, {stats['n']} runs)"
    return cell


def target_markdown(report: dict[str, Any]) -> str:
    """The target's table: per query and size, the rows, the prepared query
    on the on-disk store, the fastest hand-written form on bare Oxigraph,
    their ratio, the floor of an answer of that many rows and cells
    (:mod:`bench.floor`) and the prepared query over it, and met/missed for
    p50 < 20 ms."""
    lines = [
        "| query | size | rows | prepared, on disk p50 / p95 ms | fastest hand-written form, bare "
        "Oxigraph p50 / p95 ms | form | prepared ÷ hand | floor ms | prepared ÷ floor "
        "| < 20 ms |",
        "|---|---|---:|---:|---:|---|---:|---:|---:|:---:|",
    ]
    if report.get("before"):
        rev = report["before"]
        lines[0] += f" at {rev}, on disk p50 / p95 ms | {rev} ÷ now |"
        lines[1] += "---:|---:|"
    names = sorted(report["results"][0]["queries"]) if report["results"] else []
    for name in names:
        for r in report["results"]:
            q = r["queries"][name]
            hand = q.get("hand") or {}
            cell = (
                f"{fmt_ms(hand['p50_s'])} / {fmt_ms(hand['p95_s'])}" if hand.get("p50_s") else "—"
            )
            met = "met" if q["meets_target_disk"] else "missed"
            before = ""
            if report.get("before"):
                before = f" {_cell(q.get('before'))} | {fmt_x(q.get('before_over_disk_p50'))} |"
            lines.append(
                f"| {name} | {r['scale']} | {q['rows']} | "
                f"{_cell(q['engines'].get('oxigraph-disk'))} | {cell} | "
                f"{hand.get('fastest') or '—'} | {fmt_x(q.get('prepared_over_hand_p50'))} | "
                f"{fmt_ms(q.get('floor_p50_s'))} | {fmt_x(q.get('prepared_over_floor_p50'))} | "
                f"{met} |" + before
            )
    return "\n".join(lines) + "\n"


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
    hand: bool = True,
    before: str | None = None,
    queries: Sequence[str] | None = None,
) -> dict[str, Any]:
    """The prepared-query stage at each size (what bench/report.py calls)."""
    args = argparse.Namespace(
        hand=hand,
        before=before,
        repeat=repeat,
        rdflib_repeat=rdflib_repeat,
        rdflib_budget=rdflib_budget,
        rdflib_timeout=rdflib_timeout,
        engines=list(engines),
        history={},  # query → rdflib's outcome at the last size (bench.common.outgrown)
        queries=set(queries or ()),  # only these queries (all when empty)
    )
    sizes = sorted(sizes, key=graphs.target_triples)
    report: dict[str, Any] = {
        "schema": SCHEMA,
        "sizes": list(sizes),
        "repeat": repeat,
        "rdflib_repeat": rdflib_repeat,
        "rdflib_budget_s": rdflib_budget,
        "rdflib_timeout_s": rdflib_timeout,
        "target_p50_s": TARGET_P50_S,
        "target_hand_ratio": TARGET_HAND_RATIO,
        "before": before,
        "queries": sorted(args.queries) or None,  # --queries: only these were timed
        "engines": list(engines),
        "results": [measure_size(s, args) for s in sizes],
    }
    report["markdown"] = markdown(report)
    report["target_markdown"] = target_markdown(report)
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
    parser.add_argument(
        "--no-hand", action="store_true", help="leave out the hand-written forms on bare Oxigraph"
    )
    parser.add_argument(
        "--before",
        metavar="REV",
        help="also time the queries of git revision REV on the on-disk store (same run)",
    )
    parser.add_argument(
        "--queries",
        metavar="NAME,NAME",
        help="time only these prepared queries (comma-separated; default every one)",
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    names = [n.strip() for n in (args.queries or "").split(",") if n.strip()]
    unknown = sorted(set(names) - {q.name for q in cq.catalogue()})
    if unknown:
        parser.error(f"no prepared query named {', '.join(unknown)}")
    report = run(
        [s.strip() for s in args.sizes.split(",") if s.strip()],
        repeat=args.repeat,
        rdflib_repeat=args.rdflib_repeat,
        rdflib_budget=args.rdflib_budget,
        rdflib_timeout=args.rdflib_timeout,
        engines=[e for e in args.engines.split(",") if e],
        hand=not args.no_hand,
        before=args.before,
        queries=names,
    )
    report["environment"] = environment()
    write_json(args.out, report)
    print(report["markdown"])
    print(report["target_markdown"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
