"""``python -m bench STAGE [options]``: run one benchmark stage by name.

Why a dispatcher: every stage is a module with a ``main(argv)``, and one
entry point lists them (``python -m bench --help``) and runs each without
the caller knowing the module names.  A stage's module is imported only
when it runs, so the list costs no import of the project.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence
from typing import NamedTuple


class Stage(NamedTuple):
    """A runnable benchmark: its module (with ``main(argv) -> int``) and
    what it measures, for the help."""

    module: str
    summary: str


STAGES: dict[str, Stage] = {
    "report": Stage("bench.report", "every stage at each size: bench/results/report.md"),
    "ingest": Stage("bench.ingest", "the ingest path: text → records → triples → store"),
    "load": Stage("bench.load", "store bulk load of the same N-Quads: Oxigraph vs rdflib"),
    "shacl": Stage("bench.shacl", "SHACL by pyshacl (rdflib, Oxigraph) and Jena, cross-checked"),
    "query-latency": Stage(
        "bench.query_latency", "every prepared query at each size, p50/p95 vs rdflib"
    ),
    "queries": Stage("bench.queries", "prepared queries on the seed and on N copies of it"),
    "endpoint": Stage("bench.endpoint", "councilkg serve vs oxigraph serve-read-only"),
    "export": Stage("bench.export", "export_store in N-Triples, Turtle, JSON-LD, N-Quads"),
    "graphs": Stage("bench.graphs", "generate (or find) and describe the cached inputs"),
    "jena": Stage("bench.jena", "Apache Jena's SHACL engine: check it runs, its class path"),
    "synth": Stage("bench.synth.cli", "write a synthetic Repertoire corpus with its truth"),
    "size": Stage("bench.size", "bytes of N-Quads per byte of source text, by predicate"),
}


def _epilog() -> str:
    width = max(len(name) for name in STAGES)
    lines = [f"  {name:<{width}}  {stage.summary}" for name, stage in STAGES.items()]
    return "stages:\n" + "\n".join(lines) + "\n\nA stage's options: python -m bench STAGE --help"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the stage named first in ``argv`` with the rest; its exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Run one benchmark stage of councilkg.",
        epilog=_epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("stage", choices=list(STAGES), metavar="STAGE", help="one of the below")
    parser.add_argument("options", nargs=argparse.REMAINDER, help="the stage's own options")
    args = parser.parse_args(argv)
    module = importlib.import_module(STAGES[args.stage].module)
    run: Callable[[list[str]], int] = module.main
    return run(args.options)


if __name__ == "__main__":
    sys.exit(main())
