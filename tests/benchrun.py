"""A bench stage run as ``make bench`` runs it, for the tests of the bench:
``python -m bench STAGE …`` in a child process, its inputs cached in the
test's own folder, its JSON report read back."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from bench.common import child_env


def run_bench(tmp_path: Path, *args: str) -> dict[str, Any]:
    """``python -m bench ARGS --out …`` with ``COUNCILKG_BENCH_CACHE`` under
    ``tmp_path``; its JSON report (the stage's standard error in the failure
    when it wrote none)."""
    out = tmp_path / "out.json"
    proc = subprocess.run(
        [sys.executable, "-m", "bench", *args, "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=600,
        env=child_env(COUNCILKG_BENCH_CACHE=str(tmp_path / "cache")),
        check=False,
    )
    assert out.exists(), proc.stderr[-3000:]
    data: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return data
