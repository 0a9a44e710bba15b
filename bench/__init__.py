"""The benchmarks of councilkg: what the ingest, the store, SHACL, the
prepared queries, the endpoint and the export cost at a given size, each
shown as a ratio to a baseline measured in the same run.

Why a package run with ``python -m bench`` from the checkout: the stages
share their helpers (:mod:`bench.common`) and their inputs
(:mod:`bench.graphs`, the synthetic corpus :mod:`bench.synth`), and run one
another in child processes by module name, never by file path.  It is not
part of the wheel: it measures the project, it does not ship with it.

``python -m bench --help`` lists the stages; ``python -m bench STAGE
[options]`` (or ``python -m bench.MODULE [options]``) runs one.  This file
imports nothing, so that ``python -m bench.jena`` still runs with a bare
system Python and ``python -m bench.common`` starts a child cleanly.
"""
