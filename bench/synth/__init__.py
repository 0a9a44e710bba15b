"""A synthetic Repertoire of the Practice of the Security Council with known
truth: Chinese text in the layout the PDF extractor gives, each file with the
facts it states (in the gold files' schema) and the diagnostics it must
raise, so that the ingest can be measured at any size and checked exactly.

Why a library: the benchmarks size their inputs with it, the tests check the
ingest against its truth, and a person generates a folder from the shell
(``python -m bench.synth --scale 10 --seed 1 --out DIR``); all three describe
a corpus with one :class:`Spec` and get the same bytes for the same spec.

The generator API::

    corpus = generate(Spec(seed=1, scale=10))   # in memory
    for f in iter_files(spec): ...              # a year at a time
    manifest = write(spec, out_dir)             # files, truths, manifest.json

Modules: :mod:`~bench.synth.vocab` (what it writes with),
:mod:`~bench.synth.model` (the content and the facts it states),
:mod:`~bench.synth.render` (the layout), :mod:`~bench.synth.truth` (the
truth), :mod:`~bench.synth.corpus` (the budget, the files, the manifest),
:mod:`~bench.synth.check` (an ingest compared with a truth; it imports the
project, the generator does not need to), :mod:`~bench.synth.cli` (the
command line).
"""

from __future__ import annotations

from bench.synth.corpus import (
    FILE_BYTES,
    GENERATOR,
    SEED_BYTES,
    SEED_FILE,
    Corpus,
    GeneratedFile,
    Spec,
    dump_truth,
    generate,
    iter_files,
    manifest_of,
    write,
)
from bench.synth.model import Density

__all__ = [
    "FILE_BYTES",
    "GENERATOR",
    "SEED_BYTES",
    "SEED_FILE",
    "Corpus",
    "Density",
    "GeneratedFile",
    "Spec",
    "dump_truth",
    "generate",
    "iter_files",
    "manifest_of",
    "write",
]
