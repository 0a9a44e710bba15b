"""What every benchmark stage shares: medians and percentiles, repeating a
measurement within a time budget, running one measurement in a fresh child
process (for its peak memory), and the description of the machine.

Why child processes: peak memory is only meaningful for a process that did
one thing.  A child started with ``exec`` gets a fresh address space, so its
``VmHWM`` (the kernel's high-water mark of resident memory, in
``/proc/self/status``) is the peak of that measurement alone, native memory
(Oxigraph, the JVM) included.  ``ru_maxrss`` would not do: on Linux a child
inherits its parent's mark through fork/exec.  A child can also be stopped
when it runs past its time limit, which a thread cannot.

Run as ``python -m bench.common``, this module is the child's entry point::

    python -m bench.common bench.shacl:validate_once '{"engine": "jena", ...}'

It imports the function, calls it with the JSON keyword arguments and
prints one line ``@@result {json}`` with the function's result (a dict)
and ``rss_base_mib`` (resident memory after the imports, before the call)
and ``rss_peak_mib`` (``VmHWM`` after the call).
"""

from __future__ import annotations

import importlib
import json
import os
import platform
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
MARKER = "@@result "


def log(message: str) -> None:
    """Progress on stderr (stdout is for the tables)."""
    print(message, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------
# Statistics
# ---------------------------------------------------------------------------


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (0–100), linear interpolation between order statistics."""
    data = sorted(values)
    if not data:
        return None
    pos = (len(data) - 1) * q / 100
    lo = int(pos)
    hi = min(lo + 1, len(data) - 1)
    return data[lo] + (data[hi] - data[lo]) * (pos - lo)


def median(values: Sequence[float | None]) -> float | None:
    """The median of the values that are not None (None if there are none)."""
    vals = [v for v in values if v is not None]
    return statistics.median(vals) if vals else None


def spread(values: Sequence[float]) -> float | None:
    """(max − min) / median: how much the runs disagree."""
    med = median(values)
    if not values or not med:
        return None
    return (max(values) - min(values)) / med


def ratio(a: float | None, b: float | None) -> float | None:
    """a / b, or None when either is missing or b is zero."""
    if a is None or b is None or b == 0:
        return None
    return a / b


def repeat_within(
    measure: Callable[[], dict[str, Any]], repeat: int, budget_s: float
) -> list[dict[str, Any]]:
    """Call ``measure`` up to ``repeat`` times, but stop once ``budget_s``
    seconds have been spent (at least one run always happens): several runs
    for the median where they are cheap, one where a run takes minutes."""
    runs: list[dict[str, Any]] = []
    started = time.perf_counter()
    for _ in range(max(1, repeat)):
        runs.append(measure())
        if runs[-1].get("status", "ok") != "ok":
            break
        if time.perf_counter() - started >= budget_s:
            break
    return runs


@dataclass(frozen=True, slots=True)
class Outcome:
    """One engine's run at one size, as the next size's forecast reads it:
    ``seconds`` is None when the run did not finish (``status`` says how:
    a timeout after ``limit_s``, an error)."""

    triples: int
    seconds: float | None
    limit_s: float
    status: str = "timeout"


def outgrown(before: Outcome | None, triples: int, limit_s: float) -> str | None:
    """Why a run at ``triples`` is not worth starting, from the same engine's
    run at a smaller size (None: run it).

    Why a forecast: a larger size is only measured after the smaller ones,
    and an engine that did not finish there, or whose time scaled linearly
    (the most hopeful reading: none of these engines is sub-linear) would
    exceed ``limit_s``, would only spend that limit to report a timeout
    (pyshacl at 1M: its whole 15-minute timeout, a third of a run with 1M).
    """
    if before is None or triples <= before.triples:
        return None
    if before.seconds is None:
        how = f"in {before.limit_s:g} s" if before.status == "timeout" else f"({before.status})"
        return f"did not finish {how} at {before.triples:,} triples"
    forecast = before.seconds * triples / before.triples
    if forecast <= limit_s:
        return None
    return (
        f"{before.seconds:.3g} s at {before.triples:,} triples: "
        f"at least {forecast:.3g} s here, over {limit_s:g} s"
    )


# ---------------------------------------------------------------------------
# Memory and child processes
# ---------------------------------------------------------------------------


def _status_kib(field: str, pid: int | str = "self") -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError, ValueError):
        return None
    return None


def rss_mib() -> float | None:
    """Resident memory of this process now, MiB (Linux; None elsewhere)."""
    kib = _status_kib("VmRSS")
    return None if kib is None else kib / 1024


def peak_rss_mib() -> float | None:
    """Peak resident memory of this process so far, MiB (``VmHWM``)."""
    kib = _status_kib("VmHWM")
    return None if kib is None else kib / 1024


def module_command(module: str, *args: str) -> list[str]:
    """``python -m module args`` with this interpreter: how a stage starts
    another, or itself, in a child process (by module, never by file)."""
    return [sys.executable, "-m", module, *args]


def child_env(**overrides: str) -> dict[str, str]:
    """This process's environment with the checkout first on ``PYTHONPATH``,
    so a child started in any folder imports this ``bench`` (which is not
    installed) and this checkout's project; ``overrides`` set variables."""
    env = dict(os.environ, **overrides)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    return env


def in_child(target: str, timeout_s: float, **kwargs: Any) -> dict[str, Any]:
    """Run ``module:function(**kwargs)`` in a fresh Python process.

    Returns the function's dict plus ``rss_base_mib``, ``rss_peak_mib``,
    ``wall_s`` (the child's whole life, imports included) and ``status``:
    ``ok``, ``timeout`` (killed after ``timeout_s``) or ``error`` (with the
    end of its stderr).

    The child's temporary folder (``TMPDIR``) is one this process makes and
    removes: a child killed at its timeout cannot remove the stores it was
    loading.
    """
    cmd = module_command("bench.common", target, json.dumps(kwargs))
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="councilkg-bench-child-") as tmp:
        try:
            proc = subprocess.run(
                cmd,
                capture_output=True,
                text=True,
                timeout=timeout_s,
                cwd=ROOT,
                env={**child_env(), "TMPDIR": tmp},
                check=False,
            )
        except subprocess.TimeoutExpired:
            return {"status": "timeout", "timeout_s": timeout_s, "wall_s": timeout_s}
    wall = time.perf_counter() - started
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith(MARKER):
            result: dict[str, Any] = json.loads(line[len(MARKER) :])
            result.setdefault("status", "ok")
            result["wall_s"] = wall
            return result
    return {"status": "error", "returncode": proc.returncode, "stderr": proc.stderr[-2000:]}


def timed_command(cmd: Sequence[str], timeout_s: float) -> dict[str, Any]:
    """Run an external program: wall seconds, peak memory (GNU time's
    ``%M`` when ``/usr/bin/time`` exists: it forks the program from a small
    process, so the mark is the program's own), stdout and stderr."""
    gnu_time = Path("/usr/bin/time")
    marker = "@@maxrss_kib="
    full = [str(gnu_time), "-f", marker + "%M", *cmd] if gnu_time.exists() else list(cmd)
    started = time.perf_counter()
    try:
        proc = subprocess.run(full, capture_output=True, text=True, timeout=timeout_s, check=False)
    except subprocess.TimeoutExpired:
        return {"status": "timeout", "timeout_s": timeout_s, "wall_s": timeout_s}
    wall = time.perf_counter() - started
    peak = None
    stderr = proc.stderr
    if marker in stderr:
        head, _, tail = stderr.rpartition(marker)
        peak = int(tail.split()[0]) / 1024
        stderr = head
    return {
        "status": "ok" if proc.returncode == 0 else "error",
        "returncode": proc.returncode,
        "wall_s": wall,
        "rss_peak_mib": peak,
        "stdout": proc.stdout,
        "stderr": stderr[-2000:],
    }


# (file, line, function) → (primitive calls, calls, own s, cumulative s, callers)
ProfileTable = dict[tuple[str, int, str], tuple[int, int, float, float, dict[Any, Any]]]


def profile_table(stats: pstats.Stats) -> ProfileTable:
    """The table behind a cProfile report, one row per function."""
    table: ProfileTable = stats.stats  # type: ignore[attr-defined]  # not in typeshed's Stats
    return table


# ---------------------------------------------------------------------------
# Reports
# ---------------------------------------------------------------------------


def environment() -> dict[str, Any]:
    """Machine, versions and commit: what a figure was measured on."""
    from importlib import metadata

    versions: dict[str, str | None] = {}
    for pkg in ("pyoxigraph", "oxigraph", "rdflib", "pyshacl", "oxrdflib", "uvicorn"):
        try:
            versions[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            versions[pkg] = None
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=30,
    ).stdout.strip()
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "loadavg": [round(x, 2) for x in os.getloadavg()],
        "versions": versions,
        "git_commit": commit,
    }


def write_json(path: Path, data: dict[str, Any]) -> None:
    """Write a report (UTF-8, indented; the folder is made if missing)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False, default=str), "utf-8")


def fmt_s(seconds: float | None) -> str:
    """Seconds for a table: ``—`` for missing, 3 significant digits."""
    if seconds is None:
        return "—"
    if seconds >= 100:
        return f"{seconds:,.0f}"
    return f"{seconds:.3g}"


def fmt_ms(seconds: float | None) -> str:
    """Seconds shown as milliseconds."""
    if seconds is None:
        return "—"
    ms = seconds * 1000
    return f"{ms:.2f}" if ms < 10 else f"{ms:.1f}" if ms < 100 else f"{ms:,.0f}"


def fmt_x(value: float | None) -> str:
    """A ratio: ``12.3×``."""
    if value is None:
        return "—"
    return f"{value:,.0f}×" if value >= 100 else f"{value:.3g}×"


def fmt_n(value: float | None) -> str:
    """A count or rate with thousands separators."""
    return "—" if value is None else f"{value:,.0f}"


def _worker(argv: Sequence[str]) -> int:
    target, raw = argv[0], argv[1] if len(argv) > 1 else "{}"
    module_name, _, func_name = target.partition(":")
    func = getattr(importlib.import_module(module_name), func_name)
    base = rss_mib()
    result = func(**json.loads(raw))
    result["rss_base_mib"] = base
    result["rss_peak_mib"] = peak_rss_mib()
    print(MARKER + json.dumps(result, default=str), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(_worker(sys.argv[1:]))
