"""Positions with their content: a footnote that lists States marks one
sentence of the text, and the graph keeps that sentence as what they
expressed, the stances its verbs give (as concepts of the ontology) and the
documents and instruments it names.

Checked on every position footnote of the sample (the gold's footnotes that
list States), and by editing the sample's text: a changed verb changes the
stance, a second clause adds one.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from councilkg.ingest.pipeline import ingest_bytes
from councilkg.ingest.records import Footnote
from councilkg.resources import sample_path
from councilkg.store import GraphStore
from tests.conftest import select


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _by_footnote(store: GraphStore) -> dict[int, dict[str, Any]]:
    out: dict[int, dict[str, Any]] = defaultdict(lambda: {"stances": set(), "subjects": set()})
    for r in select(store, "positions"):
        row = out[int(r["number"])]
        for key in ("statement", "passageText"):
            if r.get(key):
                row[key] = r[key]
        if r.get("stance"):
            row["stances"].add(r["stance"].rsplit("#", 1)[-1])
        if r.get("subject"):
            row["subjects"].add(r["subject"])
    return dict(out)


def test_every_position_states_its_sentence(seed_store: GraphStore, gold: dict[str, Any]) -> None:
    expected = [int(n) for n, fn in gold["footnotes"].items() if fn.get("states")]
    got = _by_footnote(seed_store)
    assert expected and sorted(got) == sorted(expected)
    for number in expected:
        row = got[number]
        statement = row.get("statement")
        assert statement, number
        # a sentence of the passage the marker sits in (markers and spaces aside)
        assert _squash(statement) in _squash(re.sub(r"\d{3,4}", "", row["passageText"])) or (
            _squash(statement) in _squash(row["passageText"])
        ), number
        # one sentence (or clause): no full stop inside, one at most at its end
        assert "。" not in statement.rstrip("。"), (number, statement)


def test_statements_name_their_subjects(seed_store: GraphStore) -> None:
    """A symbol or an instrument named in the sentence is its subject."""
    for number, row in _by_footnote(seed_store).items():
        statement = row.get("statement") or ""
        for subject in row["subjects"]:
            if "/document/" in subject:
                symbol = subject.split("/document/", 1)[1]
                number_part = re.search(r"\d+", symbol.split("/")[-1])
                assert number_part and number_part.group() in statement, (number, subject)
        if "《" in statement:
            assert any("/instrument/" in s for s in row["subjects"]), number


def _position(text: str, number: int) -> Footnote:
    result = ingest_bytes(text.encode("utf-8"), sample_path().name)
    found = [r for r in result.records if isinstance(r, Footnote) and r.number == number]
    assert len(found) == 1
    return found[0]


def _first_position(text: str) -> tuple[int, Footnote]:
    result = ingest_bytes(text.encode("utf-8"), sample_path().name)
    fn = next(r for r in result.records if isinstance(r, Footnote) and r.states and r.statement)
    return fn.number, fn


def test_the_verb_gives_the_stance() -> None:
    """Edit the verb of the first position's sentence: the stance follows
    the text, and a sentence with two verbs has both, in its order."""
    text = sample_path().read_text(encoding="utf-8")
    number, first = _first_position(text)
    assert first.statement is not None and first.stances
    verbs = {
        "Welcomed": "表示欢迎",
        "Regretted": "表示遗憾",
        "CalledFor": "呼吁",
    }
    sentence = first.statement.exact or ""
    lead = sentence.splitlines()[0]
    for stance, verb in verbs.items():
        edited = text.replace(lead, "一些安理会成员对此" + verb + "，", 1)
        assert edited != text
        assert stance in _position(edited, number).stances, stance
    both = text.replace(lead, "一些安理会成员对此表示欢迎，但对其后果表示关切，", 1)
    stances = _position(both, number).stances
    assert stances.index("Welcomed") < stances.index("ExpressedConcern"), stances
