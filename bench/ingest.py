"""Benchmark of the ingest path: text → records → triples → on-disk store.

Usage::

    python bench/ingest.py [--sizes 1,10,100] [--repeat 3]
                           [--out bench/results/ingest.json] [--profile]

The bundled seed (``data/samples/000_e9c79a4311407cd1.txt``, ~24 kB) is
copied into N files; copy ``i`` gets ``i`` extra trailing newlines, so every
copy has its own SHA-256 and therefore its own named graph, while its
records and triples are those of the seed (checked on every run: only the
``ckg:byteSize`` literal differs).  For each N the script times, as the
median of ``--repeat`` runs:

``ingest``  ``ingest.pipeline.ingest_file`` on each file;
``rdf``     ``ingest.rdf.to_triples`` + ``ingest.ntriples.ntriples_lines``;
``store``   loading those lines (and the reference graph) into a fresh
            on-disk ``GraphStore``;
``full``    ``councilkg.ingesting.ingest_paths`` into a fresh on-disk
            ``GraphStore`` (the ``councilkg ingest`` path, all of the above).

It reports MB/s of text, records/s, triples/s, seconds per file, the cost
curve (seconds per file at N divided by seconds per file at N=1 in the same
run, so ~1.0 means linear) and the peak resident memory of the full path for
each N (``ru_maxrss`` of a fresh child process).  Nothing is asserted: this
reports, it does not judge.  See ``bench/README.md``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import _paths  # must come before any project import: see bench/_paths.py

ROOT = _paths.ROOT

import argparse  # noqa: E402
import cProfile  # noqa: E402
import gc  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import platform  # noqa: E402
import pstats  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable, Sequence  # noqa: E402
from typing import Any  # noqa: E402

import pyoxigraph  # noqa: E402
import rdflib  # noqa: E402

from councilkg.ingesting import ingest_paths  # noqa: E402
from councilkg.resources import ontology_lines  # noqa: E402
from councilkg.store import GraphStore  # noqa: E402
from ingest.iris import Minter  # noqa: E402
from ingest.ntriples import ntriples_lines  # noqa: E402
from ingest.pipeline import IngestResult, ingest_file  # noqa: E402
from ingest.rdf import to_triples  # noqa: E402
from ingest.reference import reference_triples  # noqa: E402

SCHEMA = 1
SEED = ROOT / "data" / "samples" / "000_e9c79a4311407cd1.txt"
DEFAULT_OUT = ROOT / "bench" / "results" / "ingest.json"
STAGES = ("ingest", "rdf", "store", "full")
MB = 1_000_000
MIB = 1024 * 1024

# Functions whose cumulative time the profile summary reports, by
# (label, file suffix, function name).
PROFILE_STEPS: tuple[tuple[str, str, str], ...] = (
    ("ingest_file (all ingest stages)", "ingest/pipeline.py", "ingest_file"),
    ("  read_source", "ingest/source.py", "read_source"),
    ("  recover_layout", "ingest/layout.py", "recover_layout"),
    ("  build_context", "ingest/extract/context.py", "build_context"),
    ("  extract_tables", "ingest/extract/tables.py", "extract_tables"),
    ("  extract_narrative", "ingest/extract/narrative.py", "extract_narrative"),
    ("  extract_footnotes", "ingest/extract/footnotes.py", "extract_footnotes"),
    ("  extract_documents", "ingest/extract/documents.py", "extract_documents"),
    ("  extract_mentions", "ingest/extract/mentions.py", "extract_mentions"),
    ("  _coverage", "ingest/pipeline.py", "_coverage"),
    ("to_triples (RDF mapping)", "ingest/rdf.py", "to_triples"),
    ("ntriples_lines (serialisation)", "ingest/ntriples.py", "ntriples_lines"),
    ("reference_triples", "ingest/reference.py", "reference_triples"),
    ("GraphStore.replace_graph (Oxigraph load)", "councilkg/store.py", "replace_graph"),
    ("GraphStore.flush", "councilkg/store.py", "flush"),
)


# --------------------------------------------------------------------------
# inputs


def make_copies(seed: bytes, n: int, folder: Path) -> list[Path]:
    """``n`` copies of ``seed``; copy ``i`` ends with ``i`` extra newlines."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        path = folder / f"copy-{i:05d}.txt"
        path.write_bytes(seed + b"\n" * i)
        paths.append(path)
    return paths


def parse_sizes(text: str) -> list[int]:
    """``"1,10,100"`` → ``[1, 10, 100]`` (sorted, unique, N=1 always included)."""
    try:
        sizes = {int(part) for part in text.split(",") if part.strip()}
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"--sizes: expected integers like 1,10,100: {text!r}"
        ) from None
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError(f"--sizes: expected positive integers: {text!r}")
    return sorted(sizes | {1})


# --------------------------------------------------------------------------
# measuring


def _timed(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[float, Any]:
    gc.collect()
    start = time.perf_counter()
    value = fn(*args, **kwargs)
    return time.perf_counter() - start, value


def _drop(folder: Path) -> None:
    gc.collect()
    shutil.rmtree(folder, ignore_errors=True)


def _load(
    store: GraphStore,
    minter: Minter,
    ref_lines: list[str],
    results: list[IngestResult],
    graphs: list[list[str]],
) -> dict[str, float]:
    """What ``ingest_paths`` does with the store, given the lines; times of its parts."""
    t0 = time.perf_counter()
    store.replace_graph(str(minter.reference_graph()), ref_lines)
    store.replace_graph(str(minter.ontology_graph()), ontology_lines())
    t1 = time.perf_counter()
    for r, lines in zip(results, graphs, strict=True):
        store.replace_graph(str(minter.graph(r.source.sha256)), lines)
    t2 = time.perf_counter()
    store.flush()
    t3 = time.perf_counter()
    return {"reference": t1 - t0, "graphs": t2 - t1, "flush": t3 - t2}


def _ingest_all(paths: list[Path]) -> list[IngestResult]:
    return [ingest_file(p) for p in paths]


def _map_all(results: list[IngestResult], minter: Minter) -> list[list[str]]:
    return [ntriples_lines(to_triples(r.records, minter)) for r in results]


def run_once(paths: list[Path], minter: Minter, ref_lines: list[str], work: Path) -> dict[str, Any]:
    """One measurement of every stage for one set of files."""
    t_ingest, results = _timed(_ingest_all, paths)
    t_rdf, graphs = _timed(_map_all, results, minter)

    store_dir = work / "store-stage"
    store = GraphStore(store_dir)
    t_store, parts = _timed(_load, store, minter, ref_lines, results, graphs)
    stored_quads = store.count()
    del store
    _drop(store_dir)

    full_dir = work / "store-full"
    store = GraphStore(full_dir)
    t_full, run = _timed(ingest_paths, paths, store=store, minter=minter, progress=False)
    full_quads = store.count()
    del store
    _drop(full_dir)

    records = [len(r.records) for r in results]
    triples = [len(g) for g in graphs]
    return {
        "seconds": {"ingest": t_ingest, "rdf": t_rdf, "store": t_store, "full": t_full},
        "store_parts": parts,
        "records": records,
        "triples": triples,
        "stored_quads": stored_quads,
        "full_quads": full_quads,
        "full_triples": sum(f.triples for f in run.files) + run.reference_triples,
    }


def _proc_status_mib(field: str) -> float | None:
    """A ``Vm…`` field of ``/proc/self/status`` in MiB (Linux), else None."""
    try:
        text = Path("/proc/self/status").read_text(encoding="ascii")
    except OSError:
        return None
    for line in text.splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024  # kB
    return None


def _reset_peak_rss() -> bool:
    """Reset the kernel's peak-RSS mark of this process (Linux ≥ 4.0)."""
    try:
        Path("/proc/self/clear_refs").write_text("5", encoding="ascii")
    except OSError:
        return False
    return True


def memory_probe(seed: Path, n: int) -> dict[str, Any]:
    """Peak RSS of the full path for ``n`` files, in this (fresh) process.

    On Linux the peak is ``VmHWM``, reset after the warm-up, so it is the peak
    of the full path alone.  ``ru_maxrss`` is the fallback, but on Linux a
    child inherits its parent's high-water mark through fork/exec, so it is
    not used when ``/proc`` is there.
    """
    minter = Minter()
    ingest_file(seed)  # warm-up: lexicons, tables, compiled patterns
    reference_triples(minter)
    gc.collect()
    base = _proc_status_mib("VmRSS")
    reset = base is not None and _reset_peak_rss()
    with tempfile.TemporaryDirectory(prefix="ckg-bench-mem-") as tmp:
        paths = make_copies(seed.read_bytes(), n, Path(tmp) / "files")
        store = GraphStore(Path(tmp) / "store")
        ingest_paths(paths, store=store, minter=minter, progress=False)
        peak = _proc_status_mib("VmHWM")
        del store
        gc.collect()
    method = "VmHWM (reset after warm-up) - VmRSS after warm-up, fresh child process"
    if peak is None or not reset:
        try:
            import resource
        except ImportError:  # not on POSIX
            return {"rss_base_mib": None, "rss_peak_mib": None, "rss_delta_mib": None}
        scale = 1 if sys.platform == "darwin" else 1024  # bytes on macOS, KiB elsewhere
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / MIB
        method = "ru_maxrss of a fresh child process (may include the parent's peak)"
    return {
        "rss_base_mib": None if base is None else round(base, 1),
        "rss_peak_mib": round(peak, 1),
        "rss_delta_mib": None if base is None else round(peak - base, 1),
        "method": method,
    }


def measure_memory(seed: Path, n: int) -> dict[str, Any]:
    """Run :func:`memory_probe` in a child process (RSS peaks never go down)."""
    proc = subprocess.run(
        [sys.executable, __file__, "--memory-probe", str(n), "--seed", str(seed)],
        capture_output=True,
        text=True,
        check=False,
        timeout=3600,
    )
    if proc.returncode != 0:
        return {
            "rss_base_mib": None,
            "rss_peak_mib": None,
            "rss_delta_mib": None,
            "error": proc.stderr[-2000:],
        }
    data: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return data


def profile(seed: bytes, n: int, minter: Minter, top: int = 15) -> dict[str, Any]:
    """cProfile of the full path for ``n`` files: top functions and stage summary."""
    with tempfile.TemporaryDirectory(prefix="ckg-bench-prof-") as tmp:
        paths = make_copies(seed, n, Path(tmp) / "files")
        store = GraphStore(Path(tmp) / "store")
        prof = cProfile.Profile()
        prof.enable()
        ingest_paths(paths, store=store, minter=minter, progress=False)
        prof.disable()
        del store
        gc.collect()
    buf = io.StringIO()
    stats = pstats.Stats(prof, stream=buf)
    stats.sort_stats(pstats.SortKey.CUMULATIVE).print_stats(top)
    raw: dict[tuple[str, int, str], tuple[int, int, float, float, Any]] = stats.stats  # type: ignore[attr-defined]
    total = sum(tt for (_, _, tt, _, _) in raw.values())
    steps = []
    for label, suffix, func in PROFILE_STEPS:
        cum = sum(
            ct
            for (filename, _, name), (_, _, _, ct, _) in raw.items()
            if name == func and Path(filename).as_posix().endswith(suffix)
        )
        steps.append({"step": label, "cumulative_s": cum, "share": cum / total if total else 0})
    return {"n": n, "total_s": total, "steps": steps, "top": buf.getvalue()}


# --------------------------------------------------------------------------
# reporting


def summarise(size: int, runs: list[dict[str, Any]], nbytes: int) -> dict[str, Any]:
    """Medians and rates for one N."""
    first = runs[0]
    records = sum(first["records"])
    triples = sum(first["triples"])
    stages: dict[str, Any] = {}
    for stage in STAGES:
        times = [r["seconds"][stage] for r in runs]
        median = statistics.median(times)
        n_triples = first["full_triples"] if stage == "full" else triples
        if stage == "store":
            n_triples = first["stored_quads"]
        stages[stage] = {
            "seconds": median,
            "runs": times,
            "spread": (max(times) - min(times)) / median if median else None,
            "s_per_file": median / size,
            "mb_per_s": nbytes / MB / median if median else None,
            "records_per_s": records / median if median else None,
            "triples_per_s": n_triples / median if median else None,
        }
    stages["store"]["parts"] = {
        part: statistics.median(r["store_parts"][part] for r in runs)
        for part in ("reference", "graphs", "flush")
    }
    stages["store"]["graphs_s_per_file"] = stages["store"]["parts"]["graphs"] / size
    return {
        "n": size,
        "bytes": nbytes,
        "mb": nbytes / MB,
        "records": records,
        "triples": triples,
        "full_triples": first["full_triples"],
        "stored_quads": first["stored_quads"],
        "full_quads": first["full_quads"],
        "stages": stages,
    }


def add_ratios(results: list[dict[str, Any]]) -> None:
    """Seconds per file at each N over seconds per file at N=1 (same run)."""
    base = next(r for r in results if r["n"] == 1)
    for r in results:
        for stage in STAGES:
            b = base["stages"][stage]["s_per_file"]
            s = r["stages"][stage]
            s["ratio_per_file"] = s["s_per_file"] / b if b else None
        b = base["stages"]["store"]["graphs_s_per_file"]
        s = r["stages"]["store"]
        s["graphs_ratio_per_file"] = s["graphs_s_per_file"] / b if b else None


def _f(value: float | None, digits: int = 3) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def markdown(report: dict[str, Any]) -> str:
    """The two tables of the report."""
    rows = report["results"]
    out = [
        f"Seed: {report['seed_name']} ({report['seed_bytes']:,} bytes), median of "
        f"{report['repeat']} run(s); rates are for the full path unless named.",
        "",
        "| N | MB | records | triples | ingest s | rdf s | store s | full s "
        "| ingest MB/s | full MB/s | full records/s | full triples/s | peak RSS MiB | RSS Δ MiB |",
        "|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for r in rows:
        st = r["stages"]
        mem = r.get("memory", {})
        out.append(
            f"| {r['n']} | {r['mb']:.2f} | {r['records']:,} | {r['triples']:,} "
            f"| {_f(st['ingest']['seconds'])} | {_f(st['rdf']['seconds'])} "
            f"| {_f(st['store']['seconds'])} | {_f(st['full']['seconds'])} "
            f"| {_f(st['ingest']['mb_per_s'], 2)} | {_f(st['full']['mb_per_s'], 2)} "
            f"| {_f(st['full']['records_per_s'], 0)} | {_f(st['full']['triples_per_s'], 0)} "
            f"| {_f(mem.get('rss_peak_mib'), 1)} | {_f(mem.get('rss_delta_mib'), 1)} |"
        )
    out += [
        "",
        "Cost curve: seconds per file, and its ratio to N=1 in this run (1.00 = linear). "
        "store and full include fixed costs (reference graph, flush) that N=1 pays alone; "
        "graph load is the store stage without them.",
        "",
        "| N | ingest s/file | ×N=1 | rdf s/file | ×N=1 | store s/file | ×N=1 "
        "| full s/file | ×N=1 | graph load s/file | ×N=1 |",
        "|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for r in rows:
        cells = []
        for stage in STAGES:
            s = r["stages"][stage]
            cells += [_f(s["s_per_file"], 4), _f(s["ratio_per_file"], 2)]
        store = r["stages"]["store"]
        cells += [_f(store["graphs_s_per_file"], 4), _f(store["graphs_ratio_per_file"], 2)]
        out.append(f"| {r['n']} | " + " | ".join(cells) + " |")
    return "\n".join(out)


def environment() -> dict[str, Any]:
    """Where the numbers come from."""
    commit = None
    try:
        proc = subprocess.run(
            ["git", "-C", str(ROOT), "describe", "--always", "--dirty"],
            capture_output=True,
            text=True,
            check=False,
            timeout=10,
        )
        commit = proc.stdout.strip() or None
    except OSError:
        pass
    return {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "pyoxigraph": getattr(pyoxigraph, "__version__", None),
        "rdflib": rdflib.__version__,
        "commit": commit,
    }


# --------------------------------------------------------------------------
# main


def bench(seed_path: Path, sizes: Sequence[int], repeat: int, with_profile: bool) -> dict[str, Any]:
    """Measure every size ``repeat`` times (sizes interleaved within a round)."""
    seed = seed_path.read_bytes()
    minter = Minter()
    cold, _ = _timed(ingest_file, seed_path)  # first call: loads lexicons and tables
    ref_lines = ntriples_lines(reference_triples(minter))
    base = ingest_file(seed_path)
    base_records = len(base.records)
    base_triples = len(ntriples_lines(to_triples(base.records, minter)))

    runs: dict[int, list[dict[str, Any]]] = {n: [] for n in sizes}
    equivalent = True
    stores_agree = True
    with tempfile.TemporaryDirectory(prefix="ckg-bench-") as tmp:
        work = Path(tmp)
        files = {n: make_copies(seed, n, work / f"files-{n}") for n in sizes}
        for round_ in range(repeat):
            for n in sizes:
                print(f"round {round_ + 1}/{repeat}: N={n}", file=sys.stderr, flush=True)
                one = run_once(files[n], minter, ref_lines, work)
                equivalent &= set(one["records"]) == {base_records}
                equivalent &= set(one["triples"]) == {base_triples}
                stores_agree &= one["stored_quads"] == one["full_quads"]
                runs[n].append(one)
        nbytes = {n: sum(p.stat().st_size for p in files[n]) for n in sizes}

    results = [summarise(n, runs[n], nbytes[n]) for n in sizes]
    add_ratios(results)
    for r in results:
        print(f"memory: N={r['n']}", file=sys.stderr, flush=True)
        r["memory"] = measure_memory(seed_path, r["n"])

    prof = None
    if with_profile:
        print("profile: N=10", file=sys.stderr, flush=True)
        prof = profile(seed, 10, minter)

    return {
        "schema": SCHEMA,
        "seed": str(seed_path),
        "seed_name": seed_path.name,
        "seed_bytes": len(seed),
        "sizes": list(sizes),
        "repeat": repeat,
        "baseline_n": 1,
        "stages": list(STAGES),
        "cold_start_s": cold,
        "reference_triples": len(ref_lines),
        "per_file": {"records": base_records, "triples": base_triples},
        "variants_equivalent": equivalent,
        "stores_agree": stores_agree,
        "environment": environment(),
        "results": results,
        "profile": prof,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--sizes", type=parse_sizes, default=parse_sizes("1,10,100"))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--seed", type=Path, default=SEED)
    parser.add_argument(
        "--profile", action="store_true", help="print cProfile's top 15 (cumulative) for N=10"
    )
    parser.add_argument("--memory-probe", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.memory_probe is not None:
        print(json.dumps(memory_probe(args.seed, args.memory_probe)))
        return 0
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")

    report = bench(args.seed, args.sizes, args.repeat, args.profile)
    table = markdown(report)
    report["markdown"] = table
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    print(table)
    print()
    print(f"cold start (first ingest_file of the seed): {report['cold_start_s']:.3f} s")
    if not report["variants_equivalent"]:
        print("WARNING: a copy gave other record/triple counts than the seed", file=sys.stderr)
    if not report["stores_agree"]:
        print("WARNING: the store stage and the full path stored other quads", file=sys.stderr)
    prof = report["profile"]
    if prof is not None:
        print()
        print(f"Profile of the full path, N={prof['n']} ({prof['total_s']:.2f} s under cProfile):")
        print()
        print("| step | cumulative s | share |")
        print("|---|--:|--:|")
        for step in prof["steps"]:
            print(f"| {step['step']} | {step['cumulative_s']:.3f} | {step['share']:.0%} |")
        print()
        print(prof["top"])
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
