"""Benchmark of the ingest path: text → records → triples → on-disk store.

Usage::

    python -m bench ingest [--sizes 1,10,100] [--repeat 3]
                           [--out bench/results/ingest.json] [--profile]
    python -m bench ingest --corpus [--sizes 1,10,100] [--repeat 3] [--profile]

Two kinds of input.  By default the bundled seed
(``data/samples/000_e9c79a4311407cd1.txt``, ~24 kB) is copied into N files;
copy ``i`` gets ``i`` extra trailing newlines, so every copy has its own
SHA-256 and named graph while its records and triples are the seed's
(checked on every run).  With ``--corpus`` each N is a scale: the synthetic
Repertoire of :mod:`bench.synth` at N times the seed's size (several years,
many items, files of ~240 kB), whose truth is known, so the ingest's
accuracy is measured at scale too (``councilkg facts`` against the truth,
file by file).  For each N the script times, as the median of ``--repeat``
runs:

``ingest``  ``councilkg.ingest.pipeline.ingest_file`` on each file;
``rdf``     ``councilkg.ingest.rdf.to_ntriples`` (records → sorted N-Triples lines);
``store``   loading those lines (and the reference graph) into a fresh
            on-disk ``GraphStore``;
``full``    ``councilkg.ingesting.load`` into a fresh on-disk
            ``GraphStore`` (the ``councilkg ingest`` path, all of the above).

It reports MB/s of text, records/s, triples/s, seconds per file and per MB,
the cost curve (seconds per file, and per MB, at N divided by the same at
N=1 in the same run, so ~1.0 means linear), the stage that dominates, the
peak resident memory of the full path for each N (a fresh child process),
and with ``--profile`` a cProfile breakdown by pipeline step and function.
Nothing is asserted: this reports, it does not judge.  See ``bench/README.md``.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import json
import os
import platform
import pstats
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pyoxigraph
import rdflib

from bench import synth
from bench.common import ROOT, child_env, module_command, profile_table
from bench.synth import check as corpus_check
from councilkg.ingest.iris import Minter
from councilkg.ingest.ntriples import ntriples_lines
from councilkg.ingest.pipeline import ingest_file
from councilkg.ingest.rdf import to_ntriples
from councilkg.ingest.reference import reference_triples
from councilkg.ingesting import load
from councilkg.resources import ontology_lines
from councilkg.store import GraphStore

SCHEMA = 2
SEED = ROOT / "data" / "samples" / "000_e9c79a4311407cd1.txt"
DEFAULT_OUT = ROOT / "bench" / "results" / "ingest.json"
STAGES = ("ingest", "rdf", "store", "full")
MB = 1_000_000
MIB = 1024 * 1024
TARGET_RATIO = 2.0  # full path ≤ 2× bulk_load of the same quads
RSS_LIMIT_MIB = 400.0  # peak RSS of the full path at the 1,000x corpus

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
    ("to_ntriples (RDF mapping to N-Triples)", "ingest/rdf.py", "to_ntriples"),
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


def make_corpus(scale: int, seed: int, folder: Path) -> tuple[list[Path], dict[str, Any]]:
    """The synthetic corpus at ``scale`` times the seed, written into ``folder``."""
    spec = synth.Spec(seed=seed, scale=float(scale))
    manifest = synth.write(spec, folder)
    return [folder / f["file"] for f in manifest["files"]], manifest


def corpus_files(folder: Path) -> list[Path]:
    """The text files of a corpus written by :mod:`bench.synth`, in order."""
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    return [folder / f["file"] for f in manifest["files"]]


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


def run_once(paths: list[Path], minter: Minter, ref_lines: list[str], work: Path) -> dict[str, Any]:
    """One measurement of every stage for one set of files.

    The stages are timed file by file and summed (ingest, then the RDF
    mapping, then the load of that file's graph), as ``councilkg ingest``
    streams them: holding every file's records at once would measure the
    garbage collector walking an ever larger heap, not the ingest, and
    would not fit at 1,000x.
    """
    store_dir = work / "store-stage"
    store = GraphStore(store_dir)
    gc.collect()
    t_ingest = t_rdf = 0.0
    parts = {"reference": 0.0, "graphs": 0.0, "flush": 0.0}
    # Staged as ``load`` stages a load: graphs gathered into bulk loads, one
    # swap at the end (``flush``: the last bulk load, the flush and the swap).
    with store.staged():
        t0 = time.perf_counter()
        store.replace_graph(str(minter.reference_graph()), ref_lines)
        store.replace_graph(str(minter.ontology_graph()), ontology_lines())
        parts["reference"] = time.perf_counter() - t0
        records: list[int] = []
        triples: list[int] = []
        for path in paths:
            t0 = time.perf_counter()
            result = ingest_file(path)
            t1 = time.perf_counter()
            lines = to_ntriples(result.records, minter)
            t2 = time.perf_counter()
            store.replace_graph(str(minter.graph(result.source.sha256)), lines)
            t3 = time.perf_counter()
            t_ingest += t1 - t0
            t_rdf += t2 - t1
            parts["graphs"] += t3 - t2
            records.append(len(result.records))
            triples.append(len(lines))
            del result, lines
        t0 = time.perf_counter()
    store.flush()
    parts["flush"] = time.perf_counter() - t0
    t_store = sum(parts.values())
    stored_quads = store.count()
    del store
    _drop(store_dir)

    full_dir = work / "store-full"
    store = GraphStore(full_dir)
    t_full, run = _timed(load, paths, store=store, minter=minter, progress=False)
    full_quads = store.count()
    baseline = bulk_load_baseline(store, work)
    del store
    _drop(full_dir)

    return {
        "seconds": {"ingest": t_ingest, "rdf": t_rdf, "store": t_store, "full": t_full},
        "bulk_load": baseline,
        "store_parts": parts,
        "records": records,
        "triples": triples,
        "stored_quads": stored_quads,
        "full_quads": full_quads,
        "full_triples": sum(f.triples for f in run.files) + run.reference_triples,
    }


def bulk_load_baseline(store: GraphStore, work: Path) -> dict[str, Any]:
    """The target's baseline: ``pyoxigraph.Store.bulk_load`` of the quads the
    full path stored, into a fresh on-disk store, timed right after it.

    Two figures: ``seconds``, the whole store content (the named graphs and
    the merged default graph the store keeps, as N-Quads), the same quads
    the full path wrote; ``named_seconds``, the named graphs alone (what
    ``councilkg ingest --nquads`` writes).
    """
    import pyoxigraph as ox

    everything = work / "baseline-all.nq"
    named = work / "baseline-named.nq"
    source = store.oxigraph
    with everything.open("wb") as f:
        source.dump(f, format=ox.RdfFormat.N_QUADS)
    with named.open("wb") as f:
        ox.serialize(store.quads(), f, format=ox.RdfFormat.N_QUADS)
    out: dict[str, Any] = {"quads": len(source), "named_quads": sum(1 for _ in store.quads())}
    for key, path in (("seconds", everything), ("named_seconds", named)):
        folder = work / f"baseline-{key}"
        target = ox.Store(str(folder))
        gc.collect()
        start = time.perf_counter()
        target.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
        target.flush()
        out[key] = time.perf_counter() - start
        del target
        _drop(folder)
        path.unlink()
    return out


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


def memory_probe(seed: Path, n: int, files_dir: Path | None = None) -> dict[str, Any]:
    """Peak RSS of the full path for ``n`` files (or the corpus in
    ``files_dir``), in this (fresh) process.

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
        if files_dir is not None and files_dir.is_file():
            paths = [files_dir]  # one (large) file
        elif files_dir is not None:
            paths = corpus_files(files_dir)
        else:
            paths = make_copies(seed.read_bytes(), n, Path(tmp) / "files")
        store = GraphStore(Path(tmp) / "store")
        start = time.perf_counter()
        run = load(paths, store=store, minter=minter, progress=False)
        seconds = time.perf_counter() - start
        peak = _proc_status_mib("VmHWM")
        mb = sum(p.stat().st_size for p in paths) / MB  # before the copies go
        del store
        gc.collect()
    ingested = {
        "files": len(run.files),
        "mb": mb,
        "seconds": seconds,
        "records": sum(f.records for f in run.files),
        "triples": sum(f.triples for f in run.files),
        "unparsed": sum(len(f.coverage.unparsed) for f in run.files),
        "contradictions": sum(len(f.contradictions) for f in run.files),
        "workers_peak_mib": _children_peak_mib(),
    }
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
        **ingested,
    }


def _children_peak_mib() -> float | None:
    """The largest peak RSS of this process's finished children (the ingest's
    worker processes), or None where unknown."""
    try:
        import resource
    except ImportError:
        return None
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    scale = 1 if sys.platform == "darwin" else 1024
    return round(peak * scale / MIB, 1) if peak else None


TIME = Path("/usr/bin/time")


def make_big_file(mb: float, folder: Path, corpus_seed: int) -> Path:
    """One text file of at least ``mb`` MB: the files of synthetic 1,000x
    corpora (seeds ``corpus_seed``, +1, …) one after the other, as one long
    Repertoire text of many years' sections."""
    folder.mkdir(parents=True, exist_ok=True)
    big = folder / f"big-{mb:g}MB.txt"
    written = 0
    seed = corpus_seed
    with big.open("wb") as out:
        while written < mb * MB:
            paths, _ = make_corpus(1000, seed, folder / f"corpus-{seed}")
            for path in paths:
                data = path.read_bytes()
                out.write(data)
                written += len(data)
                if written >= mb * MB:
                    break
            shutil.rmtree(folder / f"corpus-{seed}", ignore_errors=True)
            seed += 1
    return big


def measure_memory(seed: Path, n: int, files_dir: Path | None = None) -> dict[str, Any]:
    """Run :func:`memory_probe` in a child process (RSS peaks never go down)."""
    command = module_command("bench.ingest", "--memory-probe", str(n), "--seed", str(seed))
    if files_dir is not None:
        command += ["--probe-dir", str(files_dir)]
    timed = TIME.exists()
    if timed:  # the largest process of the run, warm-up and workers included
        command = [str(TIME), "-f", "max-rss-kb %M", *command]
    proc = subprocess.run(
        command,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=child_env(),
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
    data["time_max_rss_mib"] = None
    for line in proc.stderr.splitlines()[::-1] if timed else []:
        if line.startswith("max-rss-kb "):
            data["time_max_rss_mib"] = round(int(line.split()[1]) / 1024, 1)
            break
    return data


def measure_accuracy(folder: Path) -> dict[str, Any]:
    """``councilkg facts`` of each file of a corpus against its truth."""
    import yaml

    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    start = time.perf_counter()
    files = []
    for entry in manifest["files"]:
        truth = yaml.safe_load((folder / entry["truth"]).read_text(encoding="utf-8"))
        result = corpus_check.check((folder / entry["file"]).read_bytes(), entry["file"], truth)
        files.append(result)
    failed = [f for f in files if not f.ok]
    return {
        "files": len(files),
        "files_equal": len(files) - len(failed),
        "differences": sum(len(f.differences) for f in files),
        "unexpected_diagnostics": sum(len(f.unexpected) for f in files),
        "missing_diagnostics": sum(len(f.missing) for f in files),
        "unparsed": sum(f.unparsed for f in files),
        "expected_diagnostics": manifest["expected"].get("expected_diagnostics", 0),
        "seconds": time.perf_counter() - start,
        "examples": [
            {"file": f.name, "first": (f.differences + f.unexpected + f.missing)[:5]}
            for f in failed[:5]
        ],
    }


def _function_label(key: tuple[str, int, str]) -> str:
    filename, line, name = key
    path = Path(filename).as_posix()
    if "site-packages/" in path:
        path = path.split("site-packages/", 1)[1]
    else:
        for root in ("/ingest/", "/councilkg/", "/bench/"):
            if root in path:
                path = root.strip("/") + "/" + path.split(root, 1)[1]
                break
        else:
            path = Path(filename).name
    return f"{path}:{line}({name})"


def profile(paths: list[Path], minter: Minter, top: int = 15) -> dict[str, Any]:
    """cProfile of the full path over ``paths``: stage summary, top functions
    by cumulative time and by own time."""
    with tempfile.TemporaryDirectory(prefix="ckg-bench-prof-") as tmp:
        store = GraphStore(Path(tmp) / "store")
        prof = cProfile.Profile()
        prof.enable()
        load(paths, store=store, minter=minter, progress=False)
        prof.disable()
        del store
        gc.collect()
    buf = io.StringIO()
    stats = pstats.Stats(prof, stream=buf)
    stats.sort_stats(pstats.SortKey.CUMULATIVE).print_stats(top)
    raw = profile_table(stats)
    total = sum(tt for (_, _, tt, _, _) in raw.values())
    steps = []
    for label, suffix, func in PROFILE_STEPS:
        cum = sum(
            ct
            for (filename, _, name), (_, _, _, ct, _) in raw.items()
            if name == func and Path(filename).as_posix().endswith(suffix)
        )
        steps.append({"step": label, "cumulative_s": cum, "share": cum / total if total else 0})
    own = sorted(raw.items(), key=lambda kv: -kv[1][2])[:top]
    own_time = [
        {
            "function": _function_label(key),
            "own_s": tt,
            "share": tt / total if total else 0,
            "calls": nc,
            "cumulative_s": ct,
        }
        for key, (_, nc, tt, ct, _) in own
    ]
    nbytes = sum(p.stat().st_size for p in paths)
    return {
        "n": len(paths),
        "files": len(paths),
        "mb": nbytes / MB,
        "total_s": total,
        "steps": steps,
        "own_time": own_time,
        "top": buf.getvalue(),
    }


# --------------------------------------------------------------------------
# reporting


def summarise(size: int, runs: list[dict[str, Any]], nbytes: int, files: int) -> dict[str, Any]:
    """Medians and rates for one N."""
    first = runs[0]
    records = sum(first["records"])
    triples = sum(first["triples"])
    mb = nbytes / MB
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
            "s_per_file": median / files,
            "s_per_mb": median / mb if mb else None,
            "mb_per_s": mb / median if median else None,
            "records_per_s": records / median if median else None,
            "triples_per_s": n_triples / median if median else None,
        }
    target = speed_target(runs)
    stages["store"]["parts"] = {
        part: statistics.median(r["store_parts"][part] for r in runs)
        for part in ("reference", "graphs", "flush")
    }
    stages["store"]["graphs_s_per_file"] = stages["store"]["parts"]["graphs"] / files
    stages["store"]["graphs_s_per_mb"] = stages["store"]["parts"]["graphs"] / mb if mb else None
    return {
        "n": size,
        "files": files,
        "bytes": nbytes,
        "mb": mb,
        "records": records,
        "triples": triples,
        "full_triples": first["full_triples"],
        "stored_quads": first["stored_quads"],
        "full_quads": first["full_quads"],
        "stages": stages,
        "target": target,
    }


def speed_target(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The time target at one N: each run's full path over the ``bulk_load``
    timed right after it (:func:`bulk_load_baseline`), and the median of
    those ratios as the figure judged against :data:`TARGET_RATIO`.

    Why paired: this machine's speed moves by half within minutes, and the
    two times of one run see the same machine where those of different runs
    may not (bench/README.md, "The time target").  The ratio of the two
    medians is kept beside the figure (``ratio_of_medians``)."""
    full_s = statistics.median(r["seconds"]["full"] for r in runs)
    bulk = statistics.median(r["bulk_load"]["seconds"] for r in runs)
    bulk_named = statistics.median(r["bulk_load"]["named_seconds"] for r in runs)
    ratios = [r["seconds"]["full"] / r["bulk_load"]["seconds"] for r in runs]
    named = [r["seconds"]["full"] / r["bulk_load"]["named_seconds"] for r in runs]
    ratio = statistics.median(ratios)
    return {
        "full_s": full_s,
        "bulk_load_s": bulk,
        "ratio": ratio,
        "statistic": "median of the runs' ratios",
        "ratio_of_medians": full_s / bulk,
        "bulk_load_named_s": bulk_named,
        "ratio_named": statistics.median(named),
        "quads": runs[0]["bulk_load"]["quads"],
        "named_quads": runs[0]["bulk_load"]["named_quads"],
        "runs": ratios,
        "limit": TARGET_RATIO,
        "met": ratio <= TARGET_RATIO,
    }


def add_ratios(results: list[dict[str, Any]]) -> None:
    """Seconds per file, and per MB, at each N over the same at N=1 (same run)."""
    base = next(r for r in results if r["n"] == 1)
    for r in results:
        for stage in STAGES:
            s = r["stages"][stage]
            b = base["stages"][stage]
            s["ratio_per_file"] = s["s_per_file"] / b["s_per_file"] if b["s_per_file"] else None
            s["ratio_per_mb"] = s["s_per_mb"] / b["s_per_mb"] if b["s_per_mb"] else None
        b = base["stages"]["store"]
        s = r["stages"]["store"]
        s["graphs_ratio_per_file"] = (
            s["graphs_s_per_file"] / b["graphs_s_per_file"] if b["graphs_s_per_file"] else None
        )
        s["graphs_ratio_per_mb"] = (
            s["graphs_s_per_mb"] / b["graphs_s_per_mb"] if b["graphs_s_per_mb"] else None
        )


def dominant(result: dict[str, Any]) -> dict[str, Any]:
    """Which stage of the full path costs most, at one N: ingest (text →
    records), rdf (records → N-Triples) or store (loading into Oxigraph)."""
    st = result["stages"]
    parts = {
        "ingest": st["ingest"]["seconds"],
        "rdf": st["rdf"]["seconds"],
        "store": st["store"]["seconds"],
    }
    total = sum(parts.values())
    stage = max(parts, key=lambda k: parts[k])
    return {
        "n": result["n"],
        "stage": stage,
        "shares": {k: v / total if total else None for k, v in parts.items()},
    }


def _f(value: float | None, digits: int = 3) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def markdown(report: dict[str, Any]) -> str:
    """The tables of the report."""
    rows = report["results"]
    corpus = report["mode"] == "corpus"
    if corpus:
        intro = (
            f"Input: the synthetic corpus (`bench.synth`, seed {report['corpus_seed']}) at N "
            f"times the seed's {report['seed_bytes']:,} bytes; median of {report['repeat']} "
            "run(s); rates are for the full path unless named."
        )
    else:
        intro = (
            f"Seed: {report['seed_name']} ({report['seed_bytes']:,} bytes), median of "
            f"{report['repeat']} run(s); rates are for the full path unless named."
        )
    out = [
        intro,
        "",
        "| N | files | MB | records | triples | ingest s | rdf s | store s | full s "
        "| ingest MB/s | full MB/s | full records/s | full triples/s | peak RSS MiB | RSS Δ MiB |",
        "|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for r in rows:
        st = r["stages"]
        mem = r.get("memory", {})
        out.append(
            f"| {r['n']} | {r['files']} | {r['mb']:.2f} | {r['records']:,} | {r['triples']:,} "
            f"| {_f(st['ingest']['seconds'])} | {_f(st['rdf']['seconds'])} "
            f"| {_f(st['store']['seconds'])} | {_f(st['full']['seconds'])} "
            f"| {_f(st['ingest']['mb_per_s'], 2)} | {_f(st['full']['mb_per_s'], 2)} "
            f"| {_f(st['full']['records_per_s'], 0)} | {_f(st['full']['triples_per_s'], 0)} "
            f"| {_f(mem.get('rss_peak_mib'), 1)} | {_f(mem.get('rss_delta_mib'), 1)} |"
        )
    unit = "MB" if corpus else "file"
    key = "mb" if corpus else "file"
    out += [
        "",
        f"Cost curve: seconds per {unit}, and its ratio to N=1 in this run (1.00 = linear). "
        "store and full include fixed costs (reference graph, flush) that N=1 pays alone; "
        "graph load is the store stage without them.",
        "",
        f"| N | ingest s/{unit} | ×N=1 | rdf s/{unit} | ×N=1 | store s/{unit} | ×N=1 "
        f"| full s/{unit} | ×N=1 | graph load s/{unit} | ×N=1 |",
        "|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for r in rows:
        cells = []
        for stage in STAGES:
            s = r["stages"][stage]
            cells += [_f(s[f"s_per_{key}"], 4), _f(s[f"ratio_per_{key}"], 2)]
        store = r["stages"]["store"]
        cells += [_f(store[f"graphs_s_per_{key}"], 4), _f(store[f"graphs_ratio_per_{key}"], 2)]
        out.append(f"| {r['n']} | " + " | ".join(cells) + " |")
    dom = report.get("dominant")
    if dom:
        shares = ", ".join(f"{k} {v:.0%}" for k, v in dom["shares"].items() if v is not None)
        out += [
            "",
            f"Dominant stage at N={dom['n']}: **{dom['stage']}** ({shares} of ingest+rdf+store).",
        ]
    acc = [r for r in rows if r.get("accuracy")]
    if acc:
        out += [
            "",
            "Accuracy: `councilkg facts` of each file against its truth (0 = equal).",
            "",
            "| N | files | files equal | differences | unexpected diagnostics "
            "| missing diagnostics | unparsed | expected diagnostics | s |",
            "|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
        ]
        for r in acc:
            a = r["accuracy"]
            out.append(
                f"| {r['n']} | {a['files']} | {a['files_equal']} | {a['differences']} "
                f"| {a['unexpected_diagnostics']} | {a['missing_diagnostics']} | {a['unparsed']} "
                f"| {a['expected_diagnostics']} | {a['seconds']:.1f} |"
            )
    return "\n".join(out)


def target_markdown(report: dict[str, Any]) -> str:
    """The two ingest targets: time against ``bulk_load`` of the same quads,
    and peak memory per size."""
    t = report["target"]
    mem = report["memory"]
    per_run = ", ".join(f"{_f(r, 2)}×" for r in t["runs"])
    out = [
        f"Target, time (N={t['n']}): full path {_f(t['full_s'], 2)} s, `bulk_load` of the "
        f"same {t['quads']:,} quads (named graphs + merged default graph) into a fresh "
        f"on-disk store {_f(t['bulk_load_s'], 2)} s (medians); each run's ratio, its full "
        f"path over the load timed right after it: {per_run}; their median "
        f"**{_f(t['ratio'], 2)}×** (limit {t['limit']:g}×, "
        f"{'met' if t['met'] else 'missed'}; the ratio of the medians "
        f"{_f(t['ratio_of_medians'], 2)}×); against the {t['named_quads']:,} named-graph "
        f"quads alone ({_f(t['bulk_load_named_s'], 2)} s): {_f(t['ratio_named'], 2)}×.",
        "",
        "Target, memory: peak RSS (MiB; `/usr/bin/time -f %M` of the run, warm-up and "
        "workers included):",
        "",
        "| input | MB | peak RSS MiB | main process MiB | workers MiB | s |",
        "|---|--:|--:|--:|--:|--:|",
    ]
    rows = [(f"N={n}", m) for n, m in mem["sizes"].items()]
    if mem["big_file"]:
        rows.append((f"one file ({mem['big_file']['file']})", mem["big_file"]))
    for label, m in rows:
        out.append(
            f"| {label} | {_f(m.get('mb'), 1)} | {_f(m.get('time_max_rss_mib'), 1)} "
            f"| {_f(m.get('rss_peak_mib'), 1)} | {_f(m.get('workers_peak_mib'), 1)} "
            f"| {_f(m.get('seconds'), 1)} |"
        )
    if mem["met"] is not None:
        out += [
            "",
            f"At 1,000x: limit {mem['limit_mib']:g} MiB, {'met' if mem['met'] else 'missed'}.",
        ]
    return "\n".join(out)


def _big_file(value: str | None) -> float | Path | None:
    """``--big-file``: a size in MB, or a path."""
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        return Path(value)


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


def bench(
    seed_path: Path,
    sizes: Sequence[int],
    repeat: int,
    with_profile: bool,
    *,
    corpus: bool = False,
    corpus_seed: int = 1,
    accuracy_max: int = 100,
    profile_size: int = 10,
    memory_sizes: Sequence[int] = (),
    big_file: float | Path | None = None,
) -> dict[str, Any]:
    """Measure every size ``repeat`` times (sizes interleaved within a round)."""
    seed = seed_path.read_bytes()
    minter = Minter()
    cold, _ = _timed(ingest_file, seed_path)  # first call: loads lexicons and tables
    ref_lines = ntriples_lines(reference_triples(minter))
    base = ingest_file(seed_path)
    base_records = len(base.records)
    base_triples = len(to_ntriples(base.records, minter))

    runs: dict[int, list[dict[str, Any]]] = {n: [] for n in sizes}
    equivalent = True  # copies: every copy gives the seed's counts; corpus: every run the same
    stores_agree = True
    manifests: dict[int, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="ckg-bench-") as tmp:
        work = Path(tmp)
        files: dict[int, list[Path]] = {}
        for n in sizes:
            if corpus:
                print(f"corpus: N={n}", file=sys.stderr, flush=True)
                files[n], manifests[n] = make_corpus(n, corpus_seed, work / f"corpus-{n}")
            else:
                files[n] = make_copies(seed, n, work / f"files-{n}")
        for round_ in range(repeat):
            for n in sizes:
                print(f"round {round_ + 1}/{repeat}: N={n}", file=sys.stderr, flush=True)
                one = run_once(files[n], minter, ref_lines, work)
                if corpus:
                    first = runs[n][0] if runs[n] else one
                    equivalent &= one["records"] == first["records"]
                    equivalent &= one["triples"] == first["triples"]
                else:
                    equivalent &= set(one["records"]) == {base_records}
                    equivalent &= set(one["triples"]) == {base_triples}
                stores_agree &= one["stored_quads"] == one["full_quads"]
                runs[n].append(one)
        nbytes = {n: sum(p.stat().st_size for p in files[n]) for n in sizes}

        results = [summarise(n, runs[n], nbytes[n], len(files[n])) for n in sizes]
        add_ratios(results)
        for r in results:
            n = r["n"]
            print(f"memory: N={n}", file=sys.stderr, flush=True)
            r["memory"] = measure_memory(seed_path, n, work / f"corpus-{n}" if corpus else None)
            r["accuracy"] = None
            if corpus and n <= accuracy_max:
                print(f"accuracy: N={n}", file=sys.stderr, flush=True)
                r["accuracy"] = measure_accuracy(work / f"corpus-{n}")

        memory = memory_figures(
            seed_path, results, memory_sizes if corpus else [], corpus_seed, big_file, work
        )

        prof = None
        if with_profile:
            n = profile_size
            print(f"profile: N={n}", file=sys.stderr, flush=True)
            if corpus:
                paths = files.get(n) or make_corpus(n, corpus_seed, work / "corpus-profile")[0]
            else:
                paths = make_copies(seed, n, work / "files-profile")
            prof = profile(paths, minter)
            prof["n"] = n

    corpus_info = None
    if corpus:
        corpus_info = {
            str(n): {
                "files": len(m["files"]),
                "bytes": m["bytes"],
                "ratio_to_seed": m["ratio_to_seed"],
                "years": m["spec"]["years"],
                "expected": m["expected"],
            }
            for n, m in manifests.items()
        }
    return {
        "schema": SCHEMA,
        "mode": "corpus" if corpus else "copies",
        "seed": str(seed_path),
        "seed_name": seed_path.name,
        "seed_bytes": len(seed),
        "corpus_seed": corpus_seed if corpus else None,
        "corpus": corpus_info,
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
        "dominant": dominant(results[-1]),
        "target": {"n": results[-1]["n"], **results[-1]["target"]},
        "memory": memory,
        "profile": prof,
    }


def memory_figures(
    seed_path: Path,
    results: list[dict[str, Any]],
    extra_sizes: Sequence[int],
    corpus_seed: int,
    big_file: float | Path | None,
    work: Path,
) -> dict[str, Any]:
    """Peak RSS per size (those timed, plus ``extra_sizes`` of the corpus
    measured for memory alone) and for one large file: the memory target."""
    sizes = {str(r["n"]): r["memory"] for r in results}
    for n in extra_sizes:
        if str(n) in sizes:
            continue
        print(f"memory: corpus N={n}", file=sys.stderr, flush=True)
        make_corpus(n, corpus_seed, work / f"memory-{n}")
        sizes[str(n)] = measure_memory(seed_path, n, work / f"memory-{n}")
        shutil.rmtree(work / f"memory-{n}", ignore_errors=True)
    big = None
    if big_file is not None:
        if isinstance(big_file, Path):
            path = big_file
        else:
            print(f"memory: one file of {big_file:g} MB", file=sys.stderr, flush=True)
            path = make_big_file(big_file, work / "big", corpus_seed)
        print(f"memory: {path.name}", file=sys.stderr, flush=True)
        big = {"file": path.name, **measure_memory(seed_path, 1, path)}

    def peak(m: dict[str, Any] | None) -> float | None:
        if not m:
            return None
        return m.get("time_max_rss_mib") or m.get("rss_peak_mib")

    at_1000 = peak(sizes.get("1000"))
    return {
        "limit_mib": RSS_LIMIT_MIB,
        "peak_mib": {n: peak(m) for n, m in sizes.items()},
        "sizes": sizes,
        "big_file": big,
        "big_file_peak_mib": peak(big),
        "met": None if at_1000 is None else at_1000 <= RSS_LIMIT_MIB,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.ingest", description=__doc__.split("\n\n")[0] if __doc__ else None
    )
    parser.add_argument("--sizes", type=parse_sizes, default=parse_sizes("1,10,100"))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--seed", type=Path, default=SEED)
    parser.add_argument(
        "--corpus",
        action="store_true",
        help="input: the synthetic corpus (bench.synth), N = scale × the seed's size",
    )
    parser.add_argument("--corpus-seed", type=int, default=1, help="the corpus generator's seed")
    parser.add_argument(
        "--accuracy-max",
        type=int,
        default=100,
        help="with --corpus: compare facts with the truth for N up to this (0: never)",
    )
    parser.add_argument(
        "--profile", action="store_true", help="cProfile of the full path at --profile-size"
    )
    parser.add_argument("--profile-size", type=int, default=10, help="N of the profile")
    parser.add_argument(
        "--memory-sizes",
        type=parse_sizes,
        default=[],
        help="with --corpus: more scales (e.g. 1000) measured for peak RSS only",
    )
    parser.add_argument(
        "--big-file",
        default=None,
        help="peak RSS and time of one large file: its size in MB (built from corpus files) "
        "or the path of a text file",
    )
    parser.add_argument("--memory-probe", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--probe-dir", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.memory_probe is not None:
        print(json.dumps(memory_probe(args.seed, args.memory_probe, args.probe_dir)))
        return 0
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")

    report = bench(
        args.seed,
        args.sizes,
        args.repeat,
        args.profile,
        corpus=args.corpus,
        corpus_seed=args.corpus_seed,
        accuracy_max=args.accuracy_max,
        profile_size=args.profile_size,
        memory_sizes=args.memory_sizes,
        big_file=_big_file(args.big_file),
    )
    table = markdown(report) + "\n\n" + target_markdown(report)
    report["markdown"] = table
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    print(table)
    print()
    print(f"cold start (first ingest_file of the seed): {report['cold_start_s']:.3f} s")
    if not report["variants_equivalent"]:
        what = "runs gave other record/triple counts" if args.corpus else "a copy gave other counts"
        print(f"WARNING: {what}", file=sys.stderr)
    if not report["stores_agree"]:
        print("WARNING: the store stage and the full path stored other quads", file=sys.stderr)
    prof = report["profile"]
    if prof is not None:
        print()
        print(
            f"Profile of the full path, N={prof['n']} ({prof['files']} file(s), "
            f"{prof['mb']:.2f} MB, {prof['total_s']:.2f} s under cProfile):"
        )
        print()
        print("| step | cumulative s | share |")
        print("|---|--:|--:|")
        for step in prof["steps"]:
            print(f"| {step['step']} | {step['cumulative_s']:.3f} | {step['share']:.0%} |")
        print()
        print("| function (own time) | own s | share | calls |")
        print("|---|--:|--:|--:|")
        for f in prof["own_time"]:
            print(f"| `{f['function']}` | {f['own_s']:.3f} | {f['share']:.1%} | {f['calls']:,} |")
        print()
        print(prof["top"])
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
