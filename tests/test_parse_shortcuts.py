"""The parse stage's shortcuts change nothing but its speed.

Per-source memos (``councilkg.ingest.memo``) answer again what a file asks
twice; the records' slot-filling ``__init__`` replaces the dataclass's; the
garbage collector is paused while a file is read.  These tests hold them
to what they replace: the same answers with the memos warm or empty,
forgotten between files; records that construct, compare, hash, copy,
pickle and refuse changes as frozen dataclasses do; and no reference
cycles made by the stages (so a paused collector leaves nothing behind).
"""

from __future__ import annotations

import dataclasses
import gc
import inspect
import pickle
from pathlib import Path

import pytest

from councilkg.ingest import memo
from councilkg.ingest.errors import SourceError
from councilkg.ingest.gazetteer import default_gazetteer
from councilkg.ingest.pipeline import ingest_bytes
from councilkg.ingest.records import Citation, Mention, Provenance, SourceFile, to_json
from councilkg.ingest.symbols import find_symbols

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "data" / "samples" / "000_e9c79a4311407cd1.txt"
ENGLISH = REPO / "tests" / "data" / "en" / "non-proliferation-2020.en.txt"


def _lines(data: bytes, language: str) -> list[str]:
    return [to_json(r) for r in ingest_bytes(data, "x.txt", language=language).records]


@pytest.mark.parametrize(("path", "language"), [(SAMPLE, "zh"), (ENGLISH, "en")])
def test_records_do_not_depend_on_what_the_memos_hold(path: Path, language: str) -> None:
    data = path.read_bytes()
    first = _lines(data, language)
    # The memos now hold this file's answers; the pipeline forgets them
    # before the next file, so fill them again behind its back and read on.
    for block in ingest_bytes(data, "x.txt", language=language).document.blocks:
        find_symbols(block.text)
        default_gazetteer().find_all(block.text, language)
    assert memo._CLEARS  # the memos exist, and are registered
    assert _lines(data, language) == first


def test_a_memo_lives_until_forget() -> None:
    calls: list[str] = []

    @memo.per_source
    def upper(text: str) -> str:
        calls.append(text)
        return text.upper()

    assert upper("a") == upper("a") == "A"
    assert calls == ["a"]
    memo.forget()
    assert upper("a") == "A"
    assert calls == ["a", "a"]


def test_the_pipeline_forgets_the_last_file() -> None:
    text = "见 S/2099/1。"
    find_symbols(text)
    table: dict[object, object] = memo.per_source_dict()
    table["x"] = 1
    ingest_bytes(SAMPLE.read_bytes(), "x.txt")
    assert "x" not in table


def test_find_symbols_returns_a_list_of_its_own() -> None:
    text = "见 S/PV.8733 和 S/2020/797。"
    first = find_symbols(text)
    first.clear()  # a caller's list: changing it changes no memo
    assert [m.symbol.key for m in find_symbols(text)] == ["S/PV.8733", "S/2020/797"]


def _prov(text: str = "xy") -> Provenance:
    return Provenance(
        "f.txt", "0" * 64, 1, 130, "paragraph", "b00001", 3, 4, 4 + len(text), text, text
    )


def test_records_are_still_frozen_dataclasses() -> None:
    prov = _prov()
    assert prov == _prov() and hash(prov) == hash(_prov())
    with pytest.raises(dataclasses.FrozenInstanceError):
        prov.start = 5  # type: ignore[misc]
    mention = Mention(prov, kind="state", ref="FRA", surface="xy")
    assert Mention(prov=prov, kind="state", ref="FRA", surface="xy") == mention
    assert dataclasses.replace(mention, ref="DEU").ref == "DEU"
    assert pickle.loads(pickle.dumps(mention)) == mention
    assert dataclasses.asdict(mention)["prov"]["text"] == "xy"
    citation = Citation(
        prov, symbol="S/2020/797", context="paragraph", footnote=None, form="symbol"
    )
    assert citation.sentence is None  # a default, as the dataclass declares it


def test_records_keep_their_signature_and_checks() -> None:
    params = inspect.signature(SourceFile).parameters
    assert list(params)[:2] == ["prov", "name"]
    assert params["stated_pages"].default == ()
    with pytest.raises(ValueError, match="quotes 3 characters"):
        Provenance("f.txt", "0" * 64, 1, None, "paragraph", "b1", 3, 4, 6, "xyz", "xyz")
    with pytest.raises(TypeError):
        Mention(_prov(), kind="state", ref="FRA")  # type: ignore[call-arg]


@pytest.mark.parametrize(
    ("path", "language"),
    [
        (SAMPLE, "zh"),
        (ENGLISH, "en"),
        (REPO / "tests" / "data" / "sections" / "2020-syria-humanitarian.txt", "zh"),
    ],
)
def test_a_file_leaves_nothing_for_the_collector(path: Path, language: str) -> None:
    data = path.read_bytes()
    ingest_bytes(data, "warm.txt", language=language)  # caches filled, not counted
    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        result = ingest_bytes(data, "x.txt", language=language)
        assert result.records
        del result
        assert gc.collect() == 0  # every object the stages dropped was freed already
    finally:
        if was_enabled:
            gc.enable()


def test_the_collector_runs_again_after_a_file() -> None:
    assert gc.isenabled()
    ingest_bytes(SAMPLE.read_bytes(), "x.txt")
    assert gc.isenabled()
    with pytest.raises(SourceError):
        ingest_bytes(b"not the Repertoire at all, only words\n", "x.txt")
    assert gc.isenabled()
