"""Graph size: bytes of N-Quads per byte of source text, and where they go.

Usage::

    python -m bench size [--scales 1,10] [--out bench/results/size.json]

Inputs: the bundled sample (``data/samples/000_e9c79a4311407cd1.txt``)
and the synthetic Repertoire of :mod:`bench.synth` at each scale (1× and
10× by default).  Each input is ingested by ``councilkg.ingesting.load``
into a fresh on-disk store and exported by
``councilkg.export.writers.export_store`` as N-Quads (what ``councilkg
export --format nquads`` writes: every named graph, sorted lines); the
figure counts the lines of the source graphs (``{base}graph/source/{id}``)
only: the reference, ontology and alignment graphs are the same whatever
the text, so they are not a cost per byte of it.  Source bytes: the text
files' sizes (UTF-8).

Why N-Quads bytes: it is the graph boundary every consumer sees (export,
bulk load, the store's own dump); each quad repeats its subject and graph
IRI, so the count of quads weighs as much as the literals.  The breakdown
says where the bytes go: by predicate, by kind of subject (spans, source
texts, passages, pages, the rest) and what every quad repeats (the graph
IRI; the source's id, the first digits of its SHA-256, that the IRIs below a
source carry).

The target (``target`` in the JSON): at most 25 bytes of N-Quads per byte
of source text, read at the largest input.  Nothing is asserted here.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.common import RESULTS, ROOT, environment, fmt_n, log, write_json
from councilkg.ingest.iris import SOURCE_ID_DIGITS

SCHEMA = 1
DEFAULT_OUT = RESULTS / "size.json"
SAMPLE = ROOT / "data" / "samples" / "000_e9c79a4311407cd1.txt"
LIMIT = 25.0  # bytes of N-Quads per byte of source text (issue's target)
_ID = f"[0-9a-f]{{{SOURCE_ID_DIGITS}}}"
_SOURCE_GRAPH = re.compile(rf"<([^>]*/graph/source/({_ID}))> \.$")
_SOURCE_ID = re.compile(rf"/source/{_ID}(?=[/>])")
_SOURCE_NODE = re.compile(rf"/source/{_ID}$")
_PASSAGE = re.compile(rf"/source/{_ID}/b[0-9]+$")


def subject_kind(subject: str) -> str:
    """The kind of node a subject IRI names, from the minter's patterns."""
    if "/span/" in subject:
        return "source text (own)" if subject.endswith("/text") else "span"
    if _PASSAGE.search(subject):
        return "passage"
    if "/page/" in subject:
        return "page"
    if "/finding/" in subject:
        return "finding"
    if _SOURCE_NODE.search(subject):
        return "source file"
    return "facts and the rest"


def breakdown(lines: Sequence[str], source_bytes: int) -> dict[str, Any]:
    """Bytes of the source graphs' quads in ``lines``, per predicate, per
    kind of subject and what the quads repeat; ``per_source_byte`` divides
    each by ``source_bytes``."""
    by_predicate: Counter[str] = Counter()
    quads_by_predicate: Counter[str] = Counter()
    by_kind: Counter[str] = Counter()
    total = graph_bytes = sha_bytes = quads = 0
    for line in lines:
        m = _SOURCE_GRAPH.search(line.rstrip("\n"))
        if m is None:
            continue
        size = len(line.encode("utf-8"))
        subject, predicate, _ = line.split(" ", 2)
        quads += 1
        total += size
        graph_bytes += len(m.group(1)) + 3  # <…> and the space before it
        sha_bytes += SOURCE_ID_DIGITS * len(_SOURCE_ID.findall(line))
        by_predicate[predicate[1:-1]] += size
        quads_by_predicate[predicate[1:-1]] += 1
        by_kind[subject_kind(subject[1:-1])] += size

    def per(n: int) -> float:
        return round(n / source_bytes, 3) if source_bytes else 0.0

    return {
        "source_bytes": source_bytes,
        "nquads_bytes": total,
        "quads": quads,
        "bytes_per_source_byte": per(total),
        "bytes_per_quad": round(total / quads, 1) if quads else None,
        "repeated": {
            "graph_iri": {"bytes": graph_bytes, "per_source_byte": per(graph_bytes)},
            "source_id_in_iris": {"bytes": sha_bytes, "per_source_byte": per(sha_bytes)},
        },
        "by_kind": [
            {"kind": k, "bytes": v, "per_source_byte": per(v)} for k, v in by_kind.most_common()
        ],
        "by_predicate": [
            {
                "predicate": p,
                "quads": quads_by_predicate[p],
                "bytes": v,
                "per_source_byte": per(v),
            }
            for p, v in by_predicate.most_common()
        ],
    }


def measure(name: str, files: Sequence[Path]) -> dict[str, Any]:
    """Ingest ``files`` into a fresh store, export it as N-Quads, break it down."""
    from councilkg.export.writers import export_store
    from councilkg.ingesting import load
    from councilkg.store import GraphStore

    tmp = Path(tempfile.mkdtemp(prefix="councilkg-bench-size-"))
    try:
        store = GraphStore(tmp / "store")
        load(files, store, progress=False)
        out = tmp / "graph.nq"
        export_store(store, "nquads", out)
        with out.open(encoding="utf-8") as f:
            lines = f.readlines()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    result = breakdown(lines, sum(p.stat().st_size for p in files))
    result.update(name=name, files=len(files))
    return result


def corpus(scale: int, folder: Path) -> list[Path]:
    """The synthetic corpus at ``scale``× the sample, written into ``folder``."""
    from bench import synth

    manifest = synth.write(synth.Spec(seed=1, scale=float(scale)), folder)
    return [folder / f["file"] for f in manifest["files"]]


def table(results: Sequence[dict[str, Any]]) -> str:
    """Markdown: the figure per input, then the top predicates of the last."""
    out = [
        "| input | source bytes | N-Quads bytes | quads | bytes / source byte "
        "| graph IRI | source id in IRIs |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        rep = r["repeated"]
        out.append(
            f"| {r['name']} | {fmt_n(r['source_bytes'])} | {fmt_n(r['nquads_bytes'])} "
            f"| {fmt_n(r['quads'])} | {r['bytes_per_source_byte']:.1f} "
            f"| {rep['graph_iri']['per_source_byte']:.1f} "
            f"| {rep['source_id_in_iris']['per_source_byte']:.1f} |"
        )
    if results:
        last = results[-1]
        out += ["", f"By kind of subject ({last['name']}, bytes per source byte):", ""]
        out += [f"- {k['kind']}: {k['per_source_byte']:.2f}" for k in last["by_kind"]]
        out += ["", f"By predicate ({last['name']}, top 15):", ""]
        out += ["| predicate | quads | bytes / source byte |", "|---|---:|---:|"]
        out += [
            f"| {p['predicate']} | {fmt_n(p['quads'])} | {p['per_source_byte']:.2f} |"
            for p in last["by_predicate"][:15]
        ]
    return "\n".join(out)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the stage; write the JSON and print the table."""
    parser = argparse.ArgumentParser(prog="python -m bench size", description=__doc__)
    parser.add_argument("--scales", default="1,10", help="synthetic corpus scales (default 1,10)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    scales = sorted({int(s) for s in args.scales.split(",") if s.strip()})
    results = []
    log("size: the bundled sample")
    results.append(measure("sample", [SAMPLE]))
    with tempfile.TemporaryDirectory(prefix="councilkg-bench-size-corpus-") as tmp:
        for scale in scales:
            log(f"size: synthetic corpus {scale}x")
            folder = Path(tmp) / f"{scale}x"
            results.append(measure(f"corpus {scale}x", corpus(scale, folder)))
    largest = results[-1]
    figure = largest["bytes_per_source_byte"]
    report = {
        "schema": SCHEMA,
        "stage": "size",
        "environment": environment(),
        "graphs": "the source graphs ({base}graph/source/{id}) of `councilkg export "
        "--format nquads`",
        "target": {
            "target": f"graph size ≤ {LIMIT:g} bytes of N-Quads per byte of source text",
            "at": largest["name"],
            "source_bytes": largest["source_bytes"],
            "nquads_bytes": largest["nquads_bytes"],
            "limit": LIMIT,
            "figure": figure,
            "ratio": round(figure / LIMIT, 3),
            "met": figure <= LIMIT,
        },
        "results": results,
    }
    write_json(args.out, report)
    print(table(results))
    log(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
