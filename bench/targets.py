"""The seven performance targets of ``make bench``, read from the stages' JSON.

Why a module of its own: each stage measures its figure and the baseline
it is compared with in the same run, and writes them under ``target`` in
its JSON; this module only reads them back into one table (target, where
it was read, baseline, figure, ratio, met or missed, what bounds a miss),
so the report never computes a figure of its own and a stage that did not
run, failed or was not measured at the size a target names is shown as
such rather than left out.

A row's ``met`` is ``True``/``False``, or ``None`` when the stage did not
measure it in this run (not measured is not met).
"""

from __future__ import annotations

from typing import Any

from bench.common import fmt_ms, fmt_s, fmt_x

Row = dict[str, Any]


def _row(
    key: str,
    target: str,
    *,
    at: str = "",
    baseline: str = "",
    figure: str = "",
    ratio: str = "",
    met: bool | None = None,
    bound: str = "",
) -> Row:
    return {
        "key": key,
        "target": target,
        "at": at,
        "baseline": baseline,
        "figure": figure,
        "ratio": ratio,
        "met": met,
        "bound": bound,
    }


def _not_run(key: str, target: str, stage: dict[str, Any] | None, name: str) -> Row:
    """A row for a stage that did not run or did not finish: its cause, not a gap."""
    if not stage:
        return _row(key, target, figure=f"not measured (stage `{name}` not run)")
    status = stage.get("status", "ok")
    if status == "ok":
        return _row(key, target, figure=f"not measured by stage `{name}` in this run")
    tail = " ".join(str(stage.get("stderr", "")).split())[-300:]
    return _row(
        key,
        target,
        figure=f"stage `{name}` {status}" + (f": {tail}" if tail else ""),
        met=False,
    )


# ---------------------------------------------------------------------------
# One function per target
# ---------------------------------------------------------------------------

INGEST_SPEED = "ingest end to end (text → on-disk store) ≤ 2× `Store.bulk_load` of the same quads"
INGEST_MEMORY = "ingest memory: peak RSS independent of the corpus size, ≤ 400 MB"
GRAPH_SIZE = "graph size ≤ 25 bytes of N-Quads per byte of source text"
SHACL_FULL = "full SHACL validation ≤ 1× Jena SHACL (same shapes and data), identical results"
SHACL_INCREMENTAL = "validation after re-ingesting one source ≤ 0.5 s"
QUERIES = "every prepared query p50 < 20 ms at 1M triples, on the on-disk store"
ENDPOINT = "endpoint ≥ 0.9× bare `oxigraph serve-read-only` with 16 clients, at 100k and 1M"


def ingest_speed(stage: dict[str, Any] | None) -> list[Row]:
    """``bench.ingest``'s ``target`` at its largest input: the full path
    (``councilkg.ingesting.load`` into a fresh on-disk store) over
    ``Store.bulk_load`` of the quads that store then holds (named graphs and
    the merged default graph), in the same run."""
    if not stage or stage.get("status", "ok") != "ok" or "target" not in stage:
        return [_not_run("ingest", INGEST_SPEED, stage, "ingest")]
    t = stage["target"]
    unit = "× the corpus" if stage.get("mode") == "corpus" else " files"
    return [
        _row(
            "ingest",
            INGEST_SPEED,
            at=f"N={t['n']}{unit} ({t['quads']:,} quads)",
            baseline=f"bulk_load {fmt_s(t['bulk_load_s'])} s (named graphs alone "
            f"{fmt_s(t.get('bulk_load_named_s'))} s)",
            figure=f"{fmt_s(t['full_s'])} s; ratio: the median of the runs' own "
            f"({', '.join(fmt_x(r) for r in t['runs'])}; ratio of the medians "
            f"{fmt_x(t.get('ratio_of_medians'))}); over the named graphs' load alone "
            f"{fmt_x(t.get('ratio_named'))}",
            ratio=fmt_x(t["ratio"]),
            met=bool(t["met"]),
            bound="the two CPUs: the parse, the mapping to N-Triples, the fact "
            "yield and what each graph states for the search index (~1-2 CPU-s at "
            "30 files, shared by the main process and one worker), beside the "
            "bulk loads (~0.5-1 CPU-s, the baseline's own, two at a time), then the "
            "index's tables written beside the last bulk loads (~0.1-0.2 s): none of it shrinks "
            "with the graph, which the baseline does (a fact is derived from its "
            "passage: 31 % fewer quads for the same text); on a machine busy with "
            "other work the ingest's processes wait for a CPU",
        )
    ]


def ingest_memory(stage: dict[str, Any] | None) -> list[Row]:
    """``bench.ingest``'s ``memory``: peak RSS (``/usr/bin/time``'s, else the
    kernel's mark) of a whole ingest per corpus size, the limit, and one large
    file when measured.  Met only when the 1,000× corpus was measured (and the
    large file, when asked for, ingested within the limit)."""
    mem = (stage or {}).get("memory") if stage and stage.get("status", "ok") == "ok" else None
    if not mem:
        return [_not_run("memory", INGEST_MEMORY, stage, "memory")]
    peaks = {n: v for n, v in mem.get("peak_mib", {}).items() if v is not None}
    sizes = sorted(peaks, key=int)
    big = mem.get("big_file")
    figure = ", ".join(f"{n}×: {peaks[n]:,.0f} MiB" for n in sizes)
    if big:
        figure += (
            f"; one {big.get('mb', '?')} MB file: {mem.get('big_file_peak_mib') or 0:,.0f} MiB"
        )
    first, last = (peaks[sizes[0]], peaks[sizes[-1]]) if sizes else (None, None)
    met = mem.get("met")
    if met is not None and big:
        met = met and (mem.get("big_file_peak_mib") or 0) <= mem["limit_mib"]
    return [
        _row(
            "memory",
            INGEST_MEMORY,
            at=(f"corpus {', '.join(s + '×' for s in sizes)}" if sizes else "")
            + (" + one large file" if big else ""),
            baseline=f"{mem['limit_mib']} MiB; the smallest input's peak",
            figure=figure or "no size measured",
            ratio=fmt_x(last / first) if first and last else "",
            met=bool(met) if met is not None else None,
            bound="the store's own readers (~170 MiB of RocksDB tables and cache), "
            "two 8 MB batches (three below 1.5 MB of input, two loading) and one "
            "document's graph; a file is read a document (a job number) at a time, "
            "and one document's layout, records and graph are held whole (30-45 MiB "
            "per MB of its text)",
        )
    ]


def endpoint(stage: dict[str, Any] | None) -> list[Row]:
    """``bench.endpoint``'s ``target``: per store size, councilkg serve ÷ oxigraph
    req/s at 16 clients, for the bench's workload (each kind's text sent again
    and again, as clients of a dashboard do) and for distinct texts (every
    request a new query: what the answer cache cannot serve)."""
    if not stage or stage.get("status", "ok") != "ok" or "target" not in stage:
        return [_not_run("endpoint", ENDPOINT, stage, "endpoint")]
    rows = []
    for size, t in stage["target"]["by_size"].items():
        work = t.get("by_workload", {})
        parts = []
        for name in ("repeat", "distinct"):
            if name in work:
                w = work[name]
                parts.append(
                    f"{name}: lowest {fmt_x(w['lowest'])}, median {fmt_x(w['median'])}"
                    + ("" if w["met"] else " (missed)")
                )
        failed = t.get("with_errors") or []
        rows.append(
            _row(
                "endpoint",
                ENDPOINT,
                at=f"{size}, {t['clients']} clients",
                baseline="oxigraph serve-read-only req/s (same store, same run)",
                figure="; ".join(parts)
                + (f"; requests failed: {', '.join(failed)}" if failed else ""),
                # the binding figure: the lowest cell of either workload
                ratio=fmt_x(min((w["lowest"] for w in work.values()), default=t.get("lowest"))),
                met=bool(t["met"]) and all(w["met"] for w in work.values())
                if (stage["by_size"][size].get("triples") or 0) >= 90_000
                else None,
                bound=_endpoint_bound(stage["by_size"][size].get("cost_split") or {}),
            )
        )
    return rows


def _endpoint_bound(split: dict[str, Any]) -> str:
    """What bounds the distinct texts, from the run's own cost split
    (:func:`bench.endpoint.cost_split`): the kind that leaves the least CPU
    for the hop to a query worker at the target's ratio."""
    base = (
        "repeated texts are answered from the front's answer cache; a new text goes "
        "to a query worker process (killable: the timeout)"
    )
    rows = [(k, r) for k, r in split.items() if r.get("left_for_hop_us") is not None]
    if not rows:
        return base
    kind, r = min(rows, key=lambda kr: kr[1]["left_for_hop_us"])
    return (
        f"{base}; {kind}: oxigraph {r['oxigraph_us']:,.0f} µs of CPU per request in all, "
        f"the front on a kept answer {r['front_kept_answer_us']:,.0f} + the evaluation "
        f"alone {r['handle_us']:,.0f} µs leave {r['left_for_hop_us']:,.0f} µs for the hop "
        "at 0.9×" + ("" if r.get("hop_now_us") is None else f" (it costs {r['hop_now_us']:,.0f})")
    )


def graph_size(stage: dict[str, Any] | None) -> list[Row]:
    """``bench.size``'s ``target``: N-Quads of the source graphs per byte of text."""
    if not stage or stage.get("status", "ok") != "ok" or "target" not in stage:
        return [_not_run("size", GRAPH_SIZE, stage, "size")]
    t = stage["target"]
    return [
        _row(
            "size",
            GRAPH_SIZE,
            at=str(t["at"]),
            baseline=f"{t['source_bytes']:,} bytes of text",
            figure=f"{t['nquads_bytes']:,} bytes of N-Quads = {t['figure']:.1f} B/B",
            ratio=fmt_x(t["ratio"]),
            met=bool(t["met"]),
            bound="every quad repeats its graph IRI (54 bytes) and a subject IRI; a fact "
            "is derived from its passage (one selector per paragraph, row or footnote), "
            "the ordered ones with their offset; what is left is listed in "
            "bench/README.md (offsets of facts alone in their passage, query keys, the "
            "derived votes' provenance, the graph IRI's length)",
        )
    ]


def _largest_shacl(stage: dict[str, Any] | None) -> dict[str, Any] | None:
    results = [r for r in (stage or {}).get("results") or [] if r.get("fast")]
    return max(results, key=lambda r: r["triples"]) if results else None


def shacl_full(stage: dict[str, Any] | None) -> list[Row]:
    """``bench.shacl`` at its largest size: the fast engine's whole validation
    (shacl-rust for the core shapes, each SHACL-SPARQL rule one Oxigraph query)
    against Jena SHACL on the same N-Triples and shapes, and whether both (and
    pyshacl, where it finished) give the same (shape, focus, path) results."""
    r = _largest_shacl(stage)
    if r is None:
        return [_not_run("shacl", SHACL_FULL, stage, "shacl")]
    f = r["fast"]
    pys = f.get("pyshacl_total_s")
    same = "same results as Jena" if f.get("same_as_jena") else "**differs from Jena**"
    if pys is not None:
        same += ", pyshacl" if f.get("same_as_pyshacl") else ", **differs from pyshacl**"
    same += "; the injected faults exactly" if f.get("faults_exact") else "; **faults missed**"
    return [
        _row(
            "shacl",
            SHACL_FULL,
            at=f"{r['scale']} ({r['triples']:,} triples)",
            baseline=f"Jena {fmt_s(f.get('jena_total_s'))} s",
            figure=f"fast {fmt_s(f.get('total_s'))} s"
            + (f" (pyshacl {fmt_s(pys)} s)" if pys is not None else "")
            + f"; {same}",
            ratio=fmt_x(f.get("over_jena")),
            met=(
                f.get("over_jena") is not None
                and f["over_jena"] <= 1
                and bool(f.get("agrees"))
                and bool(f.get("same_as_jena"))
            )
            if r["triples"] >= 900_000
            else None,
            bound="shacl-rust's core shapes (run in a forked process beside the "
            "Oxigraph queries) and the one rule that joins markers to footnotes",
        )
    ]


def shacl_incremental(stage: dict[str, Any] | None) -> list[Row]:
    """The fast engine on one re-ingested source with the reference and ontology
    graphs, at the largest size (the validation's seconds; the process with its
    imports beside them)."""
    r = _largest_shacl(stage)
    if r is None or r["fast"].get("incremental_validate_s") is None:
        return [_not_run("shacl-incremental", SHACL_INCREMENTAL, stage, "shacl")]
    f = r["fast"]
    full = f.get("total_s")
    inc = f["incremental_validate_s"]
    return [
        _row(
            "shacl-incremental",
            SHACL_INCREMENTAL,
            at=f"{r['scale']} ({r['triples']:,} triples)",
            baseline=f"full validation {fmt_s(full)} s",
            figure=f"{fmt_s(inc)} s (process with imports {fmt_s(f.get('incremental_total_s'))} s)"
            + (
                "; same results as the full run on that source"
                if f.get("incremental_matches_full")
                else "; **differs from the full run**"
            ),
            ratio=fmt_x(inc / full) if full else "",
            met=(inc <= 0.5 and bool(f.get("incremental_matches_full")))
            if r["triples"] >= 900_000
            else None,
            bound="the reference and ontology graphs are validated again with the source (~0.1 s)",
        )
    ]


def queries(stage: dict[str, Any] | None) -> list[Row]:
    """``bench.query_latency`` at its largest size: each prepared query's p50 on
    the on-disk store, against the bound (20 ms, absolute, on the machine of
    the run) and against the fastest hand-written form of the same question
    on bare Oxigraph in the same run (within 2×)."""
    results = (stage or {}).get("results") or []
    disk = [r for r in results if r.get("met_target_disk") is not None]
    if not disk:
        return [_not_run("queries", QUERIES, stage, "queries")]
    r = max(disk, key=lambda x: x["triples"])
    per = r["queries"]
    timed = {
        n: e["engines"]["oxigraph-disk"]["p50_s"]
        for n, e in per.items()
        if e["engines"].get("oxigraph-disk", {}).get("p50_s") is not None
    }
    slow = sorted(timed.items(), key=lambda kv: -kv[1])
    over = [e.get("prepared_over_hand_p50") for e in per.values()]
    over_known = [x for x in over if x is not None]
    bound_s = stage.get("target_p50_s", 0.02) if stage else 0.02
    big_enough = r["triples"] >= 900_000
    return [
        _row(
            "queries",
            QUERIES,
            at=f"{r['scale']} ({r['triples']:,} triples)",
            # what bounds the misses: from the run where the floor was measured
            baseline=f"p50 < {fmt_ms(bound_s)} ms; fastest hand-written form on bare Oxigraph",
            figure=f"{r['met_target_disk']} of {len(per)} under {fmt_ms(bound_s)} ms; "
            f"{r['within_hand_ratio']} of {len(per)} within "
            f"{fmt_x(stage.get('target_hand_ratio', 2) if stage else 2)} of the hand-written "
            "form; slowest: " + ", ".join(f"{n} {fmt_ms(p)} ms" for n, p in slow[:4]),
            ratio=f"{fmt_x(max(over_known))} (prepared ÷ hand, worst)" if over_known else "",
            met=(r["met_target_disk"] == len(per)) if big_enough else None,
            bound=_queries_bound(r, timed, bound_s),
        )
    ]


def _queries_bound(result: dict[str, Any], timed: dict[str, float], bound_s: float) -> str:
    """What bounds the queries over the bound, from the run: those whose answer
    alone (its rows and cells read from a precomputed table, the floor of
    :mod:`bench.floor`) costs the bound or more cannot meet it in any layout
    of the graph; the others are above their floor."""
    limit = f"{bound_s * 1000:g}"
    over = sorted((n for n, p in timed.items() if p >= bound_s), key=lambda n: -timed[n])
    if not over:
        return ""
    at_floor = set(result.get("floor_over_target") or [])
    if "floor_over_target" not in result:
        return "over the bound: " + ", ".join(over) + " (no floor measured in this run)"
    floored = [n for n in over if n in at_floor]
    above = [n for n in over if n not in at_floor]
    parts = []
    if floored:
        parts.append(
            f"the answer alone costs ≥ {limit} ms on this engine (the floor: "
            f"its rows and cells read from a precomputed table): {', '.join(floored)}"
        )
    if above:
        parts.append(f"above a floor under {limit} ms: {', '.join(above)}")
    return "; ".join(parts)


def rows(stages: dict[str, Any]) -> list[Row]:
    """Every target's rows, in the issue's order."""
    out: list[Row] = []
    out += ingest_speed(stages.get("ingest"))
    # The memory stage's corpus run; an ingest run given --memory-sizes
    # (``--ingest-args``) measures it too, and is read when it did.
    ingest = stages.get("ingest")
    judged = ((ingest or {}).get("memory") or {}).get("met") is not None
    out += ingest_memory(ingest if judged else stages.get("memory") or ingest)
    out += graph_size(stages.get("size"))
    out += shacl_full(stages.get("shacl"))
    out += shacl_incremental(stages.get("shacl"))
    out += queries(stages.get("queries"))
    out += endpoint(stages.get("endpoint"))
    return out


def markdown(table: list[Row]) -> str:
    """The targets as a Markdown table."""
    lines = [
        "| target | at | baseline | figure | ratio | status | what bounds it |",
        "|---|---|---|---|---:|:---:|---|",
    ]
    for r in table:
        status = {True: "met", False: "**missed**", None: "not measured"}[r["met"]]
        cells = [r["target"], r["at"], r["baseline"], r["figure"], r["ratio"], status, r["bound"]]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines)
