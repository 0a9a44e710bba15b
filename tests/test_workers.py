"""``ordered_map`` with this process helping: every item once, in input
order, computed by both processes, this one never more than ``AHEAD`` items
past the result it waits for, and a failure raised as one process would;
a worker that dies leaves its calls to this process instead of a wait
without end."""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from councilkg.workers import AHEAD, ordered_map


def _who(item: tuple[int, Path]) -> tuple[int, int]:
    """The item and the process that computed it, a slow call's time later
    (slow enough that a worker's first result is never ready at once)."""
    n, log = item
    with log.open("a") as f:
        f.write(f"{n} {os.getpid()}\n")
    time.sleep(0.5 if n == 0 else 0.02)
    return n, os.getpid()


def _fails_at_three(n: int) -> int:
    if n == 3:
        raise ValueError(f"three in process {os.getpid()}")
    return 2 * n


def test_this_process_and_a_worker_both_compute_in_input_order(tmp_path: Path) -> None:
    log = tmp_path / "started"
    items = [(n, log) for n in range(12)]
    results = list(ordered_map(_who, items, 1, help_here=True))
    assert [n for n, _ in results] == list(range(12))
    pids = {pid for _, pid in results}
    assert os.getpid() in pids and len(pids) == 2
    started = [line.split()[0] for line in log.read_text().splitlines()]
    assert sorted(started, key=int) == [str(n) for n in range(12)]  # each item once


def test_this_process_runs_at_most_ahead_items_past_a_slow_one(tmp_path: Path) -> None:
    # Item 0 (half a second, in the worker) holds the first result back:
    # before it comes, this process starts no more than AHEAD items.
    log = tmp_path / "started"
    results = ordered_map(_who, [(n, log) for n in range(12)], 1, help_here=True)
    assert next(results)[0] == 0
    here = [line for line in log.read_text().splitlines() if line.split()[1] == str(os.getpid())]
    assert 1 <= len(here) <= AHEAD
    assert [n for n, _ in results] == list(range(1, 12))


def test_a_failure_is_raised_here_at_its_turn_whoever_computed_it() -> None:
    for n_workers in (1, 2):
        assert list(ordered_map(_fails_at_three, [5, 1, 4, 2], n_workers, help_here=True)) == [
            10,
            2,
            8,
            4,
        ]
        results = ordered_map(_fails_at_three, [1, 2, 3, 4, 0], n_workers, help_here=True)
        assert [next(results), next(results)] == [2, 4]
        with pytest.raises(ValueError, match=f"process {os.getpid()}"):
            next(results)


def test_no_worker_and_no_help_is_no_process(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_pool(*args: object) -> None:
        raise AssertionError("a pool was started")

    monkeypatch.setattr(multiprocessing, "get_context", no_pool)
    assert list(ordered_map(_fails_at_three, [1, 2], 1)) == [2, 4]
    assert list(ordered_map(_fails_at_three, [1, 2], 0, help_here=True)) == [2, 4]
    assert list(ordered_map(_fails_at_three, [1], 4, help_here=True)) == [2]


# A worker killed mid-call (the kernel's out-of-memory killer, say): the
# first item is always a worker's, whoever helps.
KILLED = """
import os, signal, sys
from councilkg.workers import ordered_map
MAIN = os.getpid()
def double(n):
    if n == 0 and os.getpid() != MAIN:
        os.kill(os.getpid(), signal.SIGKILL)
    return 2 * n
print(list(ordered_map(double, list(range(6)), int(sys.argv[1]), help_here=sys.argv[2] == "1")))
"""


@pytest.mark.parametrize(("n_workers", "helped"), [(2, False), (1, True)])
def test_a_killed_worker_leaves_its_calls_to_this_process(n_workers: int, helped: bool) -> None:
    root = Path(__file__).resolve().parents[1]
    done = subprocess.run(
        [sys.executable, "-c", KILLED, str(n_workers), str(int(helped))],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == str([0, 2, 4, 6, 8, 10])
