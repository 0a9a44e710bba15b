"""The English edition gives the Chinese edition's facts.

Each hand-written English section (``tests/data/en/``: the bundled sample's
section and a section of the hand-written Chinese test sections, rendered in
English with the English PDF's layout, the same facts in sentences of their
own) is ingested with the language detected, and its facts, read back from
the graph, equal the gold of the Chinese section and the facts of the
Chinese text itself, with no contradiction and nothing unparsed.  The texts
differ from the Chinese in word order (the representative *of* a State,
letters dated … *from* …), in how a list ends (", and"), in a passive
sponsor ("a draft resolution submitted by Indonesia"), in glued footnote
markers and hyphenated line ends.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from councilkg.facts import compare, facts
from councilkg.ingest.iris import Minter
from councilkg.ingesting import load
from councilkg.resources import sample_path
from councilkg.store import GraphStore

DATA = Path(__file__).parent / "data"
# English text -> (its Chinese text, the gold of the section)
EDITIONS = {
    "non-proliferation-2020.en.txt": (sample_path(), DATA / "000_e9c79a4311407cd1.gold.yaml"),
    "threats-terrorist-acts-2020.en.txt": (
        DATA / "sections" / "2020-threats-terrorist-acts.txt",
        DATA / "sections" / "2020-threats-terrorist-acts.gold.yaml",
    ),
}


def _facts(path: Path) -> tuple[dict[str, Any], list[str]]:
    store = GraphStore.in_memory()
    run = load([path], store, minter=Minter(), language="auto", progress=False)
    problems = [
        f"{d.code.value} {d.message}"
        for report in run.files
        for d in report.diagnostics
        if d.code.value.startswith("E") or report.coverage.unparsed
    ]
    return facts(store), problems


@pytest.mark.parametrize("name", sorted(EDITIONS))
def test_english_facts_equal_the_gold(name: str) -> None:
    found, contradictions = _facts(DATA / "en" / name)
    gold = yaml.safe_load(EDITIONS[name][1].read_text(encoding="utf-8"))
    assert compare(found, gold) == []
    assert contradictions == []


@pytest.mark.parametrize("name", sorted(EDITIONS))
def test_english_facts_equal_the_chinese(name: str) -> None:
    english, _ = _facts(DATA / "en" / name)
    chinese, _ = _facts(EDITIONS[name][0])
    # compare() checks both ways (a fact of either that the other lacks is
    # a difference), the texts of the edition the other lacks aside
    assert compare(english, chinese) == []
