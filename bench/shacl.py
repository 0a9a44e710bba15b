"""SHACL validation at scale: time, peak memory and the violations found, by
several engines on the same data and shapes, cross-checked.

Usage::

    python -m bench shacl [--sizes 10k,100k] [--repeat 3] [--budget 60]
                          [--oxigraph-max 10k] [--out bench/results/shacl.json]
    python -m bench shacl --costs --sizes 10k,100k   # each SHACL-SPARQL constraint's cost per node

Engines (each run in a fresh child process, for its peak memory):

``fast``              the project's fast engine (:mod:`councilkg.shacl`: core
                      constraints by shacl-rust, SHACL-SPARQL constraints one
                      whole-graph query each in Oxigraph), what ``councilkg
                      validate`` runs by default; ``validate_s`` is its
                      validation (load included) once the shapes are
                      prepared (``prepare_s``);
``pyshacl-rdflib``    the reference (:func:`councilkg.validation.validate`:
                      pyshacl over an in-memory rdflib graph, SPARQL prepared once);
``pyshacl-oxigraph``  pyshacl over the Oxigraph store through ``oxrdflib``
                      (``Graph(store="Oxigraph")``), same shapes, with the
                      string literals of the shapes typed ``xsd:string``
                      (see *sh:in* below); only up to ``--oxigraph-max``
                      triples, it is slow;
``jena``              Apache Jena's ``shacl.shacl validate`` (Debian's
                      ``libapache-jena-java``, :mod:`bench.jena`), the
                      independent engine; its time is the whole JVM's life
                      (start, parse, validate), so the comparison is end to
                      end: ``pyshacl-*`` report both their validation time
                      and the whole child's.

Data: the ``clean`` flavour of :func:`bench.graphs.graph_at` (valid apart
from the injected faults), as the N-Triples of the store's default graph
(the merge of the named graphs, ontology included: the shapes find
subclass instances through it).  **Incremental**: one changed source, i.e.
the named graph of the first faulty copy with the reference and ontology
graphs (the rules cross them), validated by ``pyshacl-rdflib`` and
``jena``; its results must be the full run's results on that source's
nodes.

Cross-check, at each size: the results of every engine as a multiset of
(severity, focus node, path, source shape, constraint component, value) —
``sh:sourceConstraint`` is left out because Jena does not report it — must
equal ``pyshacl-rdflib``'s; and the (focus node, source shape) pairs found
must be exactly the injected faults' (the clean replica has no other
result).  Every run of an engine must give the same results.

Why shapes are adapted per engine (the meaning is unchanged):

- **Jena 4.5** refuses a SPARQL constraint with more than one
  ``sh:message`` ("More than one match"), and ours carry an English and a
  Chinese one: Jena gets the English one only.
- **pyshacl over Oxigraph** reports false ``sh:in`` violations on string
  values ("paragraph" not in ("paragraph" "footnote" …)).  Cause:
  ``oxrdflib`` converts every Oxigraph literal without a language to
  ``Literal(v, datatype=xsd:string)`` (RDF 1.1: a simple literal *is* an
  xsd:string), while rdflib parses ``"paragraph"`` in the shapes as a
  literal with no datatype, and rdflib's term equality (which pyshacl's
  ``sh:in`` and ``sh:hasValue`` use) tells the two apart.  Typing the
  shapes' simple literals ``xsd:string`` makes them compare equal; the
  probe in the report shows the two terms.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from collections import Counter
from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import Any, cast

import pyoxigraph as ox

from bench import graphs, jena
from bench.common import (
    RESULTS,
    Outcome,
    environment,
    fmt_n,
    fmt_s,
    fmt_x,
    in_child,
    log,
    median,
    outgrown,
    ratio,
    repeat_within,
    timed_command,
    write_json,
)

SCHEMA = 1
DEFAULT_OUT = RESULTS / "shacl.json"
# name → what runs: the Python engine, the shapes variant, the __bool__ fix,
# whether its results are expected to differ from the reference (a probe)
ENGINES: dict[str, dict[str, Any]] = {
    "fast": {"runs": "fast"},
    "pyshacl-rdflib": {"runs": "pyshacl-rdflib"},
    "pyshacl-oxigraph": {"runs": "pyshacl-oxigraph", "shapes": "typed", "capped": True},
    "pyshacl-oxigraph-countonce": {
        "runs": "pyshacl-oxigraph",
        "shapes": "typed",
        "count_once": True,
    },
    "pyshacl-oxigraph-untyped": {
        "runs": "pyshacl-oxigraph",
        "shapes": "plain",
        "count_once": True,
        "probe": True,
        "once": True,
    },
    "jena": {"runs": "jena"},
}
REFERENCE = "pyshacl-rdflib"
# The engines of the SHACL row (the figure and its baseline): run at
# every size.  The others are not started at a size where their time at the
# size below forecasts more than the budget (`bench.common.outgrown`).
TARGET_ENGINES = ("fast", "jena")
INCREMENTAL = ("fast", "pyshacl-rdflib", "pyshacl-oxigraph-countonce", "jena")
SH = "http://www.w3.org/ns/shacl#"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
Key = tuple[str | None, ...]


# ---------------------------------------------------------------------------
# Inputs: data and shapes files (cached beside the graph)
# ---------------------------------------------------------------------------


def union_nt(graph: graphs.BenchGraph) -> Path:
    """The store's default graph (the merge) as N-Triples, cached."""
    return graphs.merged_nt(graph)


def source_nt(graph: graphs.BenchGraph, source: str) -> Path:
    """One source's named graph with the reference and ontology graphs."""
    digest = hashlib.sha256(source.encode()).hexdigest()[:10]
    meta = graph.meta
    return graphs.dump_nt(
        graph,
        [source, meta["reference_graph"], meta["ontology_graph"]],
        graph.nquads.parent / f"source-{digest}.nt",
    )


def source_subjects(graph: graphs.BenchGraph, source: str) -> set[str]:
    """The subjects of one named graph: the focus nodes it can be blamed for."""
    store = ox.Store.read_only(str(graph.store / "oxigraph"))
    return {
        q.subject.value
        for q in store.quads_for_pattern(None, None, None, ox.NamedNode(source))
        if isinstance(q.subject, ox.NamedNode)
    }


def shapes_file(variant: str) -> Path:
    """The project's shapes as one Turtle file, adapted for an engine
    (``plain``, ``jena``, ``typed``: see the module doc), cached by content."""
    from rdflib import Graph, Literal, Namespace, URIRef

    from councilkg.validation import load_shapes

    shapes: Graph = load_shapes()
    sh = Namespace(SH)
    if variant == "jena":
        for node in set(shapes.subjects(sh.select, None)):
            messages = sorted(shapes.objects(node, sh.message), key=str)
            english = [m for m in messages if getattr(m, "language", None) == "en"]
            for m in messages:
                if m is not (english or messages)[0]:
                    shapes.remove((node, sh.message, m))
    elif variant == "typed":
        plain = [
            (s, p, o)
            for s, p, o in shapes
            if isinstance(o, Literal) and o.datatype is None and o.language is None
        ]
        for s, p, o in plain:
            shapes.remove((s, p, o))
            shapes.add((s, p, Literal(str(o), datatype=URIRef(XSD_STRING))))
    elif variant != "plain":
        raise ValueError(f"unknown shapes variant {variant!r}")
    text = shapes.serialize(format="turtle")
    digest = hashlib.sha256(text.encode()).hexdigest()[:12]
    out = graphs.CACHE / "shapes" / f"shapes-{variant}-{digest}.ttl"
    if not out.exists():
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
    return out


# ---------------------------------------------------------------------------
# Results as comparable keys
# ---------------------------------------------------------------------------


def result_keys(report: Any) -> list[Key]:
    """The top-level results of a SHACL report graph, as sorted keys
    (severity, focus, path, source shape, component, value)."""
    from rdflib import RDF, Literal, Namespace, URIRef

    from councilkg.validation import compact, render_path

    sh = Namespace(SH)
    xsd_string = URIRef(XSD_STRING)

    def value(node: Any) -> str | None:
        # "x"^^xsd:string and "x" are the same RDF 1.1 term: write both as "x"
        if isinstance(node, Literal) and node.datatype == xsd_string:
            node = Literal(str(node))
        return compact(node)

    keys: list[Key] = []
    for rep in report.subjects(RDF.type, sh.ValidationReport):
        for r in report.objects(rep, sh.result):
            severity = report.value(r, sh.resultSeverity)
            keys.append(
                (
                    compact(severity),
                    str(report.value(r, sh.focusNode)),
                    render_path(report, report.value(r, sh.resultPath)),
                    compact(report.value(r, sh.sourceShape)),
                    compact(report.value(r, sh.sourceConstraintComponent)),
                    value(report.value(r, sh.value)),
                )
            )
    return sorted(keys, key=lambda k: tuple(x or "" for x in k))


# ---------------------------------------------------------------------------
# One validation (runs in a child process: bench/common.py)
# ---------------------------------------------------------------------------


def validate_once(
    engine: str, data: str, shapes: str | None = None, count_once: bool = False
) -> dict[str, Any]:
    """Validate N-Triples file ``data`` with ``engine``; seconds and keys.

    ``count_once``: the Oxigraph-backed graph counts its triples once
    (see :func:`_count_once_graph_class`).
    """
    started = time.perf_counter()
    if engine == "fast":
        from councilkg.validation import fast_setup, validate_ntriples

        text = Path(data).read_bytes()
        setup = fast_setup()
        parsed = time.perf_counter()
        fast = validate_ntriples(text, setup=setup)
        done = time.perf_counter()
        return {
            "engine": engine,
            "triples": fast.triples,
            "parse_s": parsed - started,
            "prepare_s": parsed - started,
            "validate_s": done - parsed,
            "total_s": done - started,
            "keys": result_keys(fast.report_graph),
        }
    if engine == "pyshacl-rdflib":
        from rdflib import Graph

        from councilkg.validation import validate

        graph = Graph()
        graph.parse(data, format="nt")
        parsed = time.perf_counter()
        report = validate(graph)
        report_graph = report.report_graph
        triples = len(graph)
    elif engine == "pyshacl-oxigraph":
        import pyshacl
        from rdflib import Graph
        from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

        kind = _count_once_graph_class() if count_once else Graph
        graph = kind(store="Oxigraph", identifier=DATASET_DEFAULT_GRAPH_ID)
        cast(Any, graph.store)._inner.bulk_load(
            path=data, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.DefaultGraph()
        )
        shapes_graph = Graph().parse(shapes, format="turtle")
        parsed = time.perf_counter()
        _, report_graph, _ = pyshacl.validate(
            graph,
            shacl_graph=shapes_graph,
            inference="none",
            inplace=True,
            advanced=False,
            allow_warnings=True,
            allow_infos=True,
        )
        triples = len(graph)
    else:
        raise ValueError(f"not a Python engine: {engine!r}")
    done = time.perf_counter()
    keys = result_keys(report_graph)
    return {
        "engine": engine,
        "triples": triples,
        "parse_s": parsed - started,
        "validate_s": done - parsed,
        "total_s": done - started,
        "keys": keys,
    }


def _count_once_graph_class() -> type[Any]:
    """An rdflib Graph that counts its triples once.

    Why: pyshacl writes ``datagraph or shapes_graph`` three times for every
    result it builds (``constraint_component.make_v_result_description``),
    inner results of ``sh:or``/``sh:xone``/``sh:node`` included, and the
    truth value of its graph wrapper is ``len(graph)``: O(1) in rdflib's
    memory store, but ``oxrdflib`` answers it with ``SELECT (COUNT(DISTINCT
    …))`` over the whole store, so validation is quadratic (88 % of
    pyshacl's time over Oxigraph at 7k triples, in cProfile).  The data is
    not modified while it is validated (no inference), so one count holds.
    """
    from rdflib import Graph

    class _CountOnceGraph(Graph):
        _count: int | None = None

        def __len__(self) -> int:
            if self._count is None:
                self._count = super().__len__()
            return self._count

    return _CountOnceGraph


def run_engine(engine: str, data: Path, timeout_s: float) -> dict[str, Any]:
    """One run of ``engine`` on ``data`` in a child process."""
    if engine == "jena":
        cmd = jena.shacl_command(shapes_file("jena"), data)
        started = time.perf_counter()
        out = timed_command(cmd, timeout_s)
        if out["status"] != "ok":
            out.pop("stdout", None)
            return out
        from rdflib import Graph

        report = Graph().parse(data=out.pop("stdout"), format="turtle")
        total = time.perf_counter() - started
        return {
            "status": "ok",
            "engine": engine,
            "total_s": out["wall_s"],
            "validate_s": None,
            "wall_s": out["wall_s"],
            "rss_peak_mib": out["rss_peak_mib"],
            "report_parse_s": total - out["wall_s"],
            "keys": result_keys(report),
        }
    spec = ENGINES[engine]
    return in_child(
        "bench.shacl:validate_once",
        timeout_s,
        engine=spec["runs"],
        data=str(data),
        shapes=str(shapes_file(spec["shapes"])) if spec.get("shapes") else None,
        count_once=spec.get("count_once", False),
    )


def sh_in_probe() -> dict[str, Any]:
    """Why pyshacl over Oxigraph reported false sh:in violations: the term
    oxrdflib gives for a simple literal, and whether rdflib's equality
    matches it with the same literal parsed from Turtle."""
    from oxrdflib._converter import from_ox
    from rdflib import Graph, Literal

    from_store = from_ox(ox.Literal("paragraph"))
    from_turtle = next(
        Graph().parse(data='<urn:a> <urn:b> "paragraph" .', format="turtle").objects()
    )
    assert isinstance(from_turtle, Literal)
    return {
        "oxigraph_literal_via_oxrdflib": repr(from_store),
        "shapes_literal_via_rdflib": repr(from_turtle),
        "equal_in_rdflib": bool(from_store == from_turtle),
        "in_list": bool(from_store in [from_turtle]),
    }


def sparql_costs(data: str, sample: int = 12) -> list[dict[str, Any]]:
    """What each SHACL-SPARQL constraint costs per focus node, as pyshacl
    runs it (the query once per focus node, ``$this`` bound): its focus
    nodes, the mean seconds of one evaluation over a sample of them with
    rdflib (what :func:`councilkg.validation.validate` does) and with
    Oxigraph, and the projected total.  Compared across sizes, a per-node
    cost that grows with the graph is what makes validation superlinear.
    """
    from rdflib import RDF, RDFS, Graph, Namespace, URIRef, Variable
    from rdflib.plugins.sparql import prepareQuery

    from councilkg.validation import compact, load_shapes

    sh = Namespace(SH)
    shapes = load_shapes()
    graph = Graph().parse(data, format="nt")
    ox_store = ox.Store()
    ox_store.bulk_load(path=data, format=ox.RdfFormat.N_TRIPLES)
    prefixes = "".join(
        f"PREFIX {shapes.value(d, sh.prefix)}: <{shapes.value(d, sh.namespace)}>\n"
        for d in sorted(set(shapes.objects(None, sh.declare)), key=str)
    )
    out = []
    for shape, constraint in sorted(shapes.subject_objects(sh.sparql), key=str):
        select = shapes.value(constraint, sh.select)
        if select is None:
            continue
        focus: set[Any] = set()
        for cls in shapes.objects(shape, sh.targetClass):
            subclasses = set(graph.transitive_subjects(RDFS.subClassOf, cls))
            for c in subclasses | {cls}:
                focus.update(graph.subjects(RDF.type, c))
        for prop in shapes.objects(shape, sh.targetSubjectsOf):
            focus.update(graph.subjects(prop, None))
        nodes = sorted((n for n in focus if isinstance(n, URIRef)), key=str)
        picked = nodes[:: max(1, len(nodes) // sample)][:sample]
        text = prefixes + str(select).replace("$this", "?this")
        prepared = prepareQuery(text)
        ox_text = prefixes + str(select)  # Oxigraph reads $this as ?this
        rd_times, ox_times = [], []
        for node in picked:
            started = time.perf_counter()
            list(graph.query(prepared, initBindings={Variable("this"): node}))
            rd_times.append(time.perf_counter() - started)
            started = time.perf_counter()
            solutions = ox_store.query(
                ox_text, substitutions={ox.Variable("this"): ox.NamedNode(node)}
            )
            assert isinstance(solutions, ox.QuerySolutions)  # a constraint is a SELECT
            list(solutions)
            ox_times.append(time.perf_counter() - started)
        rd = sum(rd_times) / len(rd_times) if rd_times else None
        oxm = sum(ox_times) / len(ox_times) if ox_times else None
        out.append(
            {
                "constraint": compact(constraint),
                "focus_nodes": len(nodes),
                "rdflib_per_node_s": rd,
                "oxigraph_per_node_s": oxm,
                "rdflib_total_s": rd * len(nodes) if rd is not None else None,
                "oxigraph_total_s": oxm * len(nodes) if oxm is not None else None,
            }
        )
    return out


# ---------------------------------------------------------------------------
# One size
# ---------------------------------------------------------------------------


def _summary(runs: list[dict[str, Any]]) -> dict[str, Any]:
    ok = [r for r in runs if r.get("status", "ok") == "ok"]
    keys = [tuple(map(tuple, r["keys"])) for r in ok]
    return {
        "status": "ok" if ok else runs[-1].get("status"),
        "runs": len(ok),
        "total_s": median([r["total_s"] for r in ok]),
        "validate_s": median([r.get("validate_s") for r in ok]),
        "parse_s": median([r.get("parse_s") for r in ok]),
        "total_runs_s": [round(r["total_s"], 3) for r in ok],
        "rss_peak_mib": median([r.get("rss_peak_mib") for r in ok]),
        "deterministic": all(k == keys[0] for k in keys) if keys else None,
        "results": len(keys[0]) if keys else None,
        "error": None if ok else {k: v for k, v in runs[-1].items() if k != "keys"},
        "_keys": [list(k) for k in keys[0]] if keys else None,
    }


def _compare(mine: list[list[str | None]], ref: list[list[str | None]]) -> dict[str, Any]:
    a = Counter(tuple(k) for k in mine)
    b = Counter(tuple(k) for k in ref)
    return {
        "same": a == b,
        "only_here": [list(k) for k in sorted((a - b).elements(), key=str)][:10],
        "only_in_reference": [list(k) for k in sorted((b - a).elements(), key=str)][:10],
        "only_here_n": sum((a - b).values()),
        "only_in_reference_n": sum((b - a).values()),
        "only_here_components": dict(
            sorted(Counter(k[4] or "" for k in (a - b).elements()).items())
        ),
    }


def _fault_check(keys: list[list[str | None]], faults: list[dict[str, Any]]) -> dict[str, Any]:
    from rdflib import URIRef

    from councilkg.validation import compact

    expected = {(f["focus"], compact(URIRef(s))) for f in faults for s in f["shapes"]}
    found = {(k[1], k[3]) for k in keys}
    return {
        "injected": len(faults),
        "expected_pairs": len(expected),
        "found_pairs": len(found),
        "exact": found == expected,
        "missed": sorted(map(list, expected - found))[:10],
        "unexpected": sorted(map(list, found - expected))[:10],
    }


def _agrees(name: str, entry: dict[str, Any]) -> bool:
    """An engine agrees if it finds the reference's results and the faults;
    a probe (untyped shapes over Oxigraph) if its only differences are the
    expected extra sh:in results."""
    if entry.get("_keys") is None:
        return True
    cross = entry.get("cross_check", {"same": True, "only_in_reference_n": 0, "only_here": []})
    if ENGINES[name].get("probe"):
        entry["differs_only_by_sh_in"] = cross["only_in_reference_n"] == 0 and set(
            cross.get("only_here_components", {})
        ) <= {"sh:InConstraintComponent"}
        return bool(entry["differs_only_by_sh_in"])
    with_jena = entry.get("cross_check_jena", {"same": True})
    return (
        bool(cross["same"])
        and bool(with_jena["same"])
        and bool(entry.get("faults", {}).get("exact", True))
    )


def measure_size(scale: str, args: argparse.Namespace) -> dict[str, Any]:
    """Every engine on the graph of ``scale``, full and incremental."""
    graph = graphs.graph_at(scale, flavour="clean")
    meta = graph.meta
    data = union_nt(graph)
    log(f"shacl {scale}: {meta['triples']:,} triples, {len(meta['faults'])} faults")
    engines: dict[str, Any] = {}
    for engine in args.engines:
        spec = ENGINES[engine]
        if spec.get("probe") and scale != args.smallest:
            engines[engine] = {"status": "skipped", "why": f"a probe: at {args.smallest} only"}
            continue
        if spec.get("capped") and graphs.target_triples(scale) > args.oxigraph_max:
            engines[engine] = {"status": "skipped", "why": f"> {args.oxigraph_max:,} triples"}
            continue
        if engine == "jena" and not jena.available():
            engines[engine] = {"status": "unavailable", "why": "run scripts/install-jena.sh"}
            continue
        why = (
            None
            if engine in TARGET_ENGINES
            else outgrown(args.history.get(engine), meta["triples"], args.budget)
        )
        if why is not None:
            engines[engine] = {"status": "skipped", "why": why}
            log(f"  {engine}: skipped ({why})")
            continue
        repeat = 1 if spec.get("capped") or spec.get("once") else args.repeat
        runs = repeat_within(partial(run_engine, engine, data, args.timeout), repeat, args.budget)
        engines[engine] = _summary(runs)
        s = engines[engine]
        args.history[engine] = Outcome(
            meta["triples"],
            s["total_s"] if s["status"] == "ok" else None,
            args.timeout,
            s["status"],
        )
        log(
            f"  {engine}: {fmt_s(s['total_s'])} s total, {fmt_s(s['validate_s'])} s validate, "
            f"{s['results']} results, {fmt_n(s['rss_peak_mib'])} MiB ({s['status']})"
        )
    context = (meta["reference_graph"], meta["ontology_graph"])
    sources = [g["graph"] for g in meta["graphs"] if g["graph"] not in context]
    # the changed source: the first with faults (the clean replica), else the first
    faulty = [g["graph"] for g in meta["graphs"] if g["faults"]] or sources[:1]
    incremental: dict[str, Any] = {}
    # one source with the reference and ontology graphs is the same input at every
    # size: measured once, at the largest
    if faulty and scale == args.largest:
        source = faulty[0]
        part = source_nt(graph, source)
        subjects = source_subjects(graph, source)
        incremental["source"] = source
        incremental["triples"] = sum(1 for _ in part.open("rb"))
        for engine in args.incremental_engines:
            if engine == "jena" and not jena.available():
                continue
            measure = partial(run_engine, engine, part, args.timeout)
            runs = repeat_within(measure, args.repeat, args.incremental_budget)
            summary = _summary(runs)
            full = engines.get(engine, {}).get("_keys")
            if summary["_keys"] is not None and full is not None:
                restricted = [k for k in full if k[1] in subjects]
                summary["matches_full"] = _compare(summary["_keys"], restricted)["same"]
            incremental[engine] = summary
            log(
                f"  incremental {engine}: {fmt_s(summary['total_s'])} s total, "
                f"{fmt_s(summary['validate_s'])} s validate, {summary['results']} results"
            )
    ref = engines.get(REFERENCE, {}).get("_keys")
    jena_keys = engines.get("jena", {}).get("_keys")
    for name, s in engines.items():
        if s.get("_keys") is None:
            continue
        if meta.get("generator") == "replica":  # the clean replica: only the faults
            s["faults"] = _fault_check(s["_keys"], meta["faults"])
        if ref is not None and name != REFERENCE:
            s["cross_check"] = _compare(s["_keys"], ref)
        if jena_keys is not None and name != "jena":
            # where pyshacl does not finish (1M), Jena is the independent check
            s["cross_check_jena"] = _compare(s["_keys"], jena_keys)
    ox_entry = engines.get("pyshacl-oxigraph", {})
    rd_entry = engines.get(REFERENCE, {})
    jena_entry = engines.get("jena", {})
    fast_entry = engines.get("fast", {})
    result = {
        "scale": scale,
        "triples": meta["triples"],
        "copies": meta["copies"],
        "faults": meta["faults"],
        "engines": engines,
        "incremental": incremental,
        "ratios": {
            "fast_over_jena_total": ratio(fast_entry.get("total_s"), jena_entry.get("total_s")),
            "fast_over_pyshacl_rdflib_total": ratio(
                fast_entry.get("total_s"), rd_entry.get("total_s")
            ),
            "pyshacl_rdflib_over_jena_total": ratio(
                rd_entry.get("total_s"), jena_entry.get("total_s")
            ),
            "pyshacl_oxigraph_over_rdflib_validate": ratio(
                ox_entry.get("validate_s"), rd_entry.get("validate_s")
            ),
        },
        "all_agree": all(_agrees(name, s) for name, s in engines.items())
        and all(incremental[e].get("matches_full", True) for e in INCREMENTAL if e in incremental),
    }
    # the two SHACL rows, read by bench/report.py
    result["fast"] = {
        "total_s": fast_entry.get("total_s"),
        "validate_s": fast_entry.get("validate_s"),
        "jena_total_s": jena_entry.get("total_s"),
        "pyshacl_total_s": rd_entry.get("total_s"),
        "pyshacl_status": rd_entry.get("status"),
        "over_jena": result["ratios"]["fast_over_jena_total"],
        "agrees": _agrees("fast", fast_entry) if fast_entry else None,
        "same_as_jena": fast_entry.get("cross_check_jena", {}).get("same"),
        "same_as_pyshacl": fast_entry.get("cross_check", {}).get("same"),
        "faults_exact": fast_entry.get("faults", {}).get("exact"),
        "incremental_validate_s": incremental.get("fast", {}).get("validate_s"),
        "incremental_total_s": incremental.get("fast", {}).get("total_s"),
        "incremental_matches_full": incremental.get("fast", {}).get("matches_full"),
    }
    for entry in [*engines.values(), *(v for v in incremental.values() if isinstance(v, dict))]:
        entry.pop("_keys", None)
    return result


# ---------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------


def status_text(entry: dict[str, Any]) -> str:
    """An engine that did not finish: ``> 900 s``, ``skipped …``, ``error``."""
    error = entry.get("error") or {}
    if entry.get("status") == "timeout" and error.get("timeout_s"):
        return f"> {error['timeout_s']:g} s"
    return f"{entry.get('status')} {entry.get('why', '')}".strip()


def markdown(report: dict[str, Any]) -> str:
    """The SHACL tables: time, memory, results and agreement per engine."""
    lines = [
        "| size | triples | engine | total s | validate s | ratio to Jena (total) "
        "| peak MiB | results | same as pyshacl-rdflib | same as Jena | faults exact |",
        "|---|---:|---|---:|---:|---:|---:|---:|:---:|:---:|:---:|",
    ]
    yes = {True: "yes", False: "**NO**", None: "—"}
    for r in report["results"]:
        jena_total = r["engines"].get("jena", {}).get("total_s")
        for name, s in r["engines"].items():
            if s.get("status") != "ok":
                lines.append(
                    f"| {r['scale']} | {r['triples']:,} | {name} | {status_text(s)} | | | | | | | |"
                )
                continue
            cross = s.get("cross_check", {}).get("same") if name != REFERENCE else True
            faults = yes[s.get("faults", {}).get("exact")]
            if ENGINES[name].get("probe"):
                extra = s.get("cross_check", {}).get("only_here_n")
                ok = "as expected" if s.get("differs_only_by_sh_in") else "**unexpected**"
                cross_text, faults = f"no: {extra} false sh:in ({ok})", "—"
            else:
                cross_text = yes[cross]
            lines.append(
                f"| {r['scale']} | {r['triples']:,} | {name} | {fmt_s(s['total_s'])} | "
                f"{fmt_s(s['validate_s'])} | {fmt_x(ratio(s['total_s'], jena_total))} | "
                f"{fmt_n(s['rss_peak_mib'])} | {s['results']} | {cross_text} | "
                f"{yes[s.get('cross_check_jena', {}).get('same')]} | {faults} |"
            )
        inc = r["incremental"]
        for name in INCREMENTAL:
            s = inc.get(name)
            if not s or s.get("status") != "ok":
                continue
            lines.append(
                f"| {r['scale']} | {inc['triples']:,} (one source) | {name}, incremental | "
                f"{fmt_s(s['total_s'])} | {fmt_s(s['validate_s'])} | "
                f"{fmt_x(ratio(s['total_s'], inc.get('jena', {}).get('total_s')))} | "
                f"{fmt_n(s['rss_peak_mib'])} | {s['results']} | "
                f"{yes[s.get('matches_full')]} (vs full run) | | — |"
            )
    probe = report.get("sh_in_probe")
    if probe:
        lines += [
            "",
            "sh:in probe (pyshacl over Oxigraph): oxrdflib gives "
            f"`{probe['oxigraph_literal_via_oxrdflib']}`, the shapes hold "
            f"`{probe['shapes_literal_via_rdflib']}`; equal in rdflib: "
            f"{probe['equal_in_rdflib']}.",
        ]
    return "\n".join(lines) + "\n"


def run(
    sizes: Sequence[str],
    *,
    repeat: int = 3,
    budget: float = 60.0,
    timeout: float = 900.0,
    oxigraph_max: int = 10_000,
    engines: Sequence[str] = tuple(ENGINES),
    incremental_engines: Sequence[str] = INCREMENTAL,
    incremental_budget: float = 15.0,
) -> dict[str, Any]:
    """The SHACL stage at each size (what bench/report.py calls)."""
    args = argparse.Namespace(
        repeat=repeat,
        budget=budget,
        timeout=timeout,
        oxigraph_max=oxigraph_max,
        engines=list(engines),
        incremental_engines=list(incremental_engines),
        incremental_budget=incremental_budget,
        smallest=min(sizes, key=graphs.target_triples) if sizes else None,
        largest=max(sizes, key=graphs.target_triples) if sizes else None,
        history={},
    )
    sizes = sorted(sizes, key=graphs.target_triples)  # each forecast reads the size below
    report: dict[str, Any] = {
        "schema": SCHEMA,
        "sizes": list(sizes),
        "repeat": repeat,
        "budget_s": budget,
        "oxigraph_max": oxigraph_max,
        "engines": list(engines),
        "incremental_engines": list(incremental_engines),
        "jena_version": jena.version(),
        "sh_in_probe": sh_in_probe(),
        "results": [measure_size(s, args) for s in sizes],
    }
    report["all_agree"] = all(r["all_agree"] for r in report["results"])
    report["markdown"] = markdown(report)
    return report


def _print_costs(sizes: Sequence[str]) -> int:
    """``--costs``: :func:`sparql_costs` at each size, as a table."""
    print(
        "| size | constraint | focus nodes | rdflib ms/node | Oxigraph ms/node "
        "| rdflib total s | Oxigraph total s |"
    )
    print("|---|---|---:|---:|---:|---:|---:|")
    for scale in sizes:
        graph = graphs.graph_at(scale, flavour="clean")
        for row in sparql_costs(str(graphs.merged_nt(graph))):
            rd, oxm = row["rdflib_per_node_s"] or 0.0, row["oxigraph_per_node_s"] or 0.0
            print(
                f"| {scale} | {row['constraint']} | {row['focus_nodes']:,} | {rd * 1000:.2f} | "
                f"{oxm * 1000:.2f} | {row['rdflib_total_s'] or 0:.2f} | "
                f"{row['oxigraph_total_s'] or 0:.2f} |",
                flush=True,
            )
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.shacl", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--sizes", default="10k,100k")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--budget", type=float, default=60, help="seconds per engine and size")
    parser.add_argument("--timeout", type=float, default=900, help="one run, at most")
    parser.add_argument("--oxigraph-max", default="10k", help="largest graph for pyshacl-oxigraph")
    parser.add_argument("--engines", default=",".join(ENGINES))
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument(
        "--costs", action="store_true", help="only: each SHACL-SPARQL constraint's cost per node"
    )
    args = parser.parse_args(argv)
    if args.costs:
        return _print_costs([s.strip() for s in args.sizes.split(",") if s.strip()])
    report = run(
        [s.strip() for s in args.sizes.split(",") if s.strip()],
        repeat=args.repeat,
        budget=args.budget,
        timeout=args.timeout,
        oxigraph_max=graphs.target_triples(args.oxigraph_max),
        engines=[e for e in args.engines.split(",") if e],
    )
    report["environment"] = environment()
    write_json(args.out, report)
    print(report["markdown"])
    return 0 if report["all_agree"] else 1


if __name__ == "__main__":
    sys.exit(main())
