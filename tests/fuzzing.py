"""What the property tests share: their hypothesis profile, their example
budget and the texts they perturb.

``COUNCILKG_FUZZ_EXAMPLES`` (default 200) is each module's budget of
examples, spread over its property tests; without it the runs are
derandomized, so CI sees the same examples every time (``make fuzz`` sets
it to 10,000).  The texts are the bundled sample and every hand-written
section in ``tests/data/sections/``; the re-flow tests add ten files of the
synthetic corpus (:mod:`bench.synth`, seeds 1–10 at 1×), written to a
temporary folder that is removed at exit.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, settings

ENV = "COUNCILKG_FUZZ_EXAMPLES"
settings.register_profile(
    "councilkg-fuzz",
    deadline=None,
    derandomize=ENV not in os.environ,
    database=None,  # tests never write into the repository
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
PROFILE = settings.get_profile("councilkg-fuzz")
BUDGET = int(os.environ.get(ENV, "200"))

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "samples" / "000_e9c79a4311407cd1.txt"
SECTIONS = ROOT / "tests" / "data" / "sections"
TEXTS = [SAMPLE, *sorted(SECTIONS.glob("*.txt"))]
ENGLISH = sorted((ROOT / "tests" / "data" / "en").glob("*.txt"))
"""The hand-written English sections (the re-flow tests run on them too)."""


def corpus_texts(count: int = 10) -> list[Path]:
    """``count`` files of the synthetic corpus (one per seed, at 1×)."""
    from bench import synth

    folder = Path(tempfile.mkdtemp(prefix="councilkg-fuzz-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    out = []
    for seed in range(1, count + 1):
        for f in synth.generate(synth.Spec(seed=seed, scale=1)).files:
            path = folder / f"corpus-{seed}-{f.name}"
            path.write_bytes(f.data)
            out.append(path)
    return out
