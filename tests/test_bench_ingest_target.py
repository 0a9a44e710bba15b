"""The ingest's time target (``bench.ingest.speed_target``): judged on the
median of each run's own ratio (its full path over the bulk load timed
right after it), not on the ratio of the two medians, which pairs a full
path of one run with a bulk load of another."""

from __future__ import annotations

from typing import Any

import pytest

from bench.ingest import TARGET_RATIO, speed_target


def _runs(pairs: list[tuple[float, float]]) -> list[dict[str, Any]]:
    """Runs with the full path's and the baseline's seconds (the named
    graphs' load taken as nine tenths of the whole)."""
    return [
        {
            "seconds": {"full": full},
            "bulk_load": {
                "seconds": bulk,
                "named_seconds": 0.9 * bulk,
                "quads": 100,
                "named_quads": 90,
            },
        }
        for full, bulk in pairs
    ]


def _target(pairs: list[tuple[float, float]]) -> dict[str, Any]:
    return speed_target(_runs(pairs))


def test_each_run_is_paired_with_its_own_baseline() -> None:
    # A slow run (3.0 s against 1.6) and a fast one (1.2 against 0.65),
    # each under 2x: the medians pair the 2.2 s run with a 1.0 s load.
    t = _target([(2.2, 1.0), (3.0, 1.6), (1.2, 0.65)])
    assert t["runs"] == pytest.approx([2.2, 1.875, 1.2 / 0.65])
    assert t["ratio"] == pytest.approx(1.875)
    assert t["ratio_of_medians"] == pytest.approx(2.2)
    assert t["met"] is True
    assert t["ratio_named"] == pytest.approx(1.875 / 0.9)
    assert (t["full_s"], t["bulk_load_s"], t["limit"]) == (2.2, 1.0, TARGET_RATIO)


def test_a_miss_the_medians_would_hide_is_reported() -> None:
    t = _target([(1.9, 1.0), (3.4, 1.6), (1.4, 0.65)])
    assert t["ratio_of_medians"] == pytest.approx(1.9)
    assert t["ratio"] == pytest.approx(3.4 / 1.6)
    assert t["met"] is False


def test_the_limit_itself_is_met() -> None:
    assert _target([(2.0, 1.0)])["met"] is True
    assert _target([(2.02, 1.0)])["met"] is False
