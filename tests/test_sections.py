"""Hand-written Repertoire sections against their truth files, through a real
store and ``councilkg facts``.

Why: the bundled sample is one excerpt, and a parser tuned on it can pass
while reading other sections wrongly.  Each section in ``data/sections/`` is
another item written in the same extracted layout, with what the sample
lacks (several decisions in one row, vote notes wrapped inside State names
and cut by a page break, rule 37 lists wrapped inside names, a table header
repeated after a page break, letters told in prose, the Part's running
head).  Its truth is what the text states, in the shape ``facts`` gives, so a
correct ingest yields exactly that: a missing fact and an extra one both fail.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from councilkg.facts import GOLD_KEYS, compare, facts
from councilkg.ingest.iris import Minter
from councilkg.ingest.pipeline import IngestResult, ingest_file
from tests.conftest import load_store

SECTIONS = Path(__file__).resolve().parent / "data" / "sections"
TRUTHS = sorted(SECTIONS.glob("*.gold.yaml"))
# Facts that ``compare`` leaves out by default because the sample's gold is
# partial there; the sections' truths are complete, so they are compared too.
COMPLETE_KEYS = ("document_kinds", "organizations_mentioned", "instruments_mentioned")


@dataclass(frozen=True, slots=True)
class Section:
    """One section: its text, what the ingest made of it, and its truth."""

    text: Path
    result: IngestResult
    found: dict[str, Any]
    truth: dict[str, Any]


def _name(path: Path) -> str:
    return path.name.removesuffix(".gold.yaml")


@pytest.fixture(scope="module", params=TRUTHS, ids=_name)
def section(request: pytest.FixtureRequest, minter: Minter) -> Section:
    """Each section ingested once, its graph loaded in a fresh store."""
    truth_path: Path = request.param
    text = truth_path.with_name(_name(truth_path) + ".txt")
    truth: dict[str, Any] = yaml.safe_load(truth_path.read_text(encoding="utf-8"))
    result = ingest_file(text)
    return Section(text, result, facts(load_store(result, minter)), truth)


def test_every_truth_has_its_text() -> None:
    assert len(TRUTHS) >= 2
    for truth in TRUTHS:
        assert truth.with_name(_name(truth) + ".txt").is_file(), truth


def test_truth_uses_the_facts_schema(section: Section) -> None:
    """The truth has only keys ``facts`` produces, and all that compare reads."""
    assert set(section.truth) <= set(section.found), sorted(set(section.truth) - set(section.found))
    assert set(GOLD_KEYS) <= set(section.truth), sorted(set(GOLD_KEYS) - set(section.truth))


def test_facts_equal_truth(section: Section) -> None:
    keys = GOLD_KEYS + tuple(k for k in COMPLETE_KEYS if k in section.truth)
    differences = compare(section.found, section.truth, keys)
    print(f"{section.text.name}: {len(differences)} differences")
    for line in differences:
        print("  " + line)
    assert differences == []


def test_no_contradictions(section: Section) -> None:
    """The sections follow membership and Article 27: no ``E…`` diagnostic."""
    found = [f"{d.code.value} line {d.line}: {d.message}" for d in section.result.contradictions]
    assert found == []


def test_nothing_unparsed(section: Section) -> None:
    unparsed = section.result.coverage.unparsed
    assert [f"line {u.line}: {u.text[:60]!r} ({u.reason})" for u in unparsed] == []
