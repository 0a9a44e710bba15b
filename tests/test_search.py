"""Search (``councilkg.search``, ``councilkg search``, ``/search``) on the
bundled sample: names in Chinese and English, symbols, codes and passage
text are found; an exact symbol or name ranks first; one- and two-character
Chinese queries (below the trigram tokenizer's reach) are found too; the
index is written beside the store at ingest, replaced whole when the store
changes, and rebuilt by a reader when it is missing; the route answers HTML
and JSON, escapes what it echoes, and links hits to their pages.

Expected values come from the sample and the reference tables (China is
``state/CHN``, 中国 in zh; S/2020/797 the draft the Russian Federation
vetoed), not from the index itself.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from click.testing import CliRunner, Result

from councilkg.cli import main
from councilkg.ingest.iris import Minter
from councilkg.ingesting import load
from councilkg.resources import sample_path
from councilkg.search import INDEX_FILE, index_state, search
from councilkg.search.text import normalize, snippet, terms
from councilkg.server import RunningServer, start_server
from councilkg.store import GraphStore, store_generation
from tests.httpcall import get

M = Minter()
CHN = str(M.state("CHN"))
RUS = str(M.state("RUS"))
GBR = str(M.state("GBR"))
DRAFT = str(M.document("S/2020/797"))


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def cli_hits(store: Path, *args: str) -> list[dict[str, Any]]:
    result = run("search", "--store", store, "--format", "json", *args)
    assert result.exit_code == 0, result.output
    hits: list[dict[str, Any]] = json.loads(result.output)
    return hits


# --------------------------------------------------------------------------
# The command line


def test_a_chinese_name_finds_the_state_first(sample_store_path: Path) -> None:
    hits = cli_hits(sample_store_path, "中国")
    assert hits[0]["iri"] == CHN and hits[0]["match"] == "exact"
    assert hits[0]["label"] == "China"  # names in --lang (en by default)
    # Then the footnotes and passages that name China.
    assert any(h["kind"] == "footnote" and "中国" in h["snippet"] for h in hits[1:])


def test_russia_by_its_short_zh_name_and_in_zh(sample_store_path: Path) -> None:
    hits = cli_hits(sample_store_path, "俄罗斯", "--lang", "zh")
    assert hits[0]["iri"] == RUS
    assert hits[0]["label"] == "俄罗斯联邦"
    # Belarus (白俄罗斯) holds the string too, but only inside its name.
    iris = [h["iri"] for h in hits]
    assert str(M.state("BLR")) in iris and iris.index(str(M.state("BLR"))) > 0


def test_an_english_name_and_a_code(sample_store_path: Path) -> None:
    assert cli_hits(sample_store_path, "China")[0]["iri"] == CHN
    assert cli_hits(sample_store_path, "china")[0]["iri"] == CHN  # case folded
    assert cli_hits(sample_store_path, "CHN")[0]["iri"] == CHN
    assert cli_hits(sample_store_path, "Russian Federation")[0]["iri"] == RUS


def test_an_exact_symbol_ranks_first(sample_store_path: Path) -> None:
    hits = cli_hits(sample_store_path, "S/2020/797")
    assert hits[0]["iri"] == DRAFT
    assert (hits[0]["field"], hits[0]["match"]) == ("symbol", "exact")
    iris = [h["iri"] for h in hits]
    # The vote on it, and the footnotes citing it, come after it.
    assert str(M.vote_event("S/2020/797")) in iris[1:]
    assert any(h["kind"] == "footnote" for h in hits[1:])
    assert len(iris) == len(set(iris)), "one hit per resource"
    # Typed in full width or lower case, the same document.
    assert cli_hits(sample_store_path, "ｓ／２０２０／７９７")[0]["iri"] == DRAFT
    resolution = cli_hits(sample_store_path, "S/RES/2231(2015)")
    assert resolution[0]["iri"] == str(M.document("S/RES/2231(2015)"))


def test_a_passage_phrase(sample_store_path: Path) -> None:
    # The sample writes "2020 年 8 月 14 日" with spaces; a reader types none.
    hits = cli_hits(sample_store_path, "召开2020年8月14日", "--limit", "50")
    hits += cli_hits(sample_store_path, "寻求基于妥协的务实决定")
    passages = [h for h in hits if h["kind"] in ("passage", "footnote")]
    assert passages, hits
    assert any("务实决定" in h["snippet"] for h in passages)
    # Every word of a query must occur in the passage.
    both = cli_hits(sample_store_path, "伊朗 制裁")
    assert both and all(h["kind"] in ("passage", "footnote", "position") for h in both)
    assert not [h for h in both if "/cites/" in h["iri"]]  # a citation repeats its passage
    assert all("伊朗" in h["snippet"] or len(h["snippet"]) >= 80 for h in both)


def test_one_and_two_character_queries(sample_store_path: Path) -> None:
    """Shorter than a trigram: found by LIKE, shortest (closest) name first."""
    assert cli_hits(sample_store_path, "英")[0]["iri"] == GBR
    hits = cli_hits(sample_store_path, "中 国")  # two one-character words
    assert CHN in [h["iri"] for h in hits]


def test_table_output_and_no_match(sample_store_path: Path) -> None:
    result = run("search", "--store", sample_store_path, "S/2020/797", "--limit", "3")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["kind", "name", "matched", "iri", "text"]
    assert DRAFT in lines[1] and len(lines) == 4
    none = run("search", "--store", sample_store_path, "zzzqqqxxx")
    assert none.exit_code == 0 and "no match" in none.output
    bad = run("search", "--store", sample_store_path, "x", "--limit", "0")
    assert bad.exit_code == 2


def test_a_missing_store_is_one_line(tmp_path: Path) -> None:
    result = run("search", "--store", tmp_path / "none", "China")
    assert result.exit_code == 2
    assert result.output.startswith("error: no store at")


# --------------------------------------------------------------------------
# The index file


def test_the_index_follows_the_store(tmp_path: Path) -> None:
    """Written at ingest with the store's generation; a second ingest
    replaces it whole (a new file renamed over the old: a reader holding
    the old one keeps reading it) and its text becomes searchable."""
    store_path = tmp_path / "store"
    load([sample_path()], GraphStore(store_path), progress=False)
    index = store_path / INDEX_FILE
    assert index_state(store_path) == "fresh"
    first = index.stat().st_ino
    assert search(store_path, "青金石碑") == []
    variant = tmp_path / "variant.txt"
    text = sample_path().read_text(encoding="utf-8")
    assert text.count("缓和紧张局势") == 1
    variant.write_text(text.replace("缓和紧张局势", "缓和紧张局势与青金石碑"), encoding="utf-8")
    with index.open("rb") as held:  # a reader with the old file open
        load([variant], GraphStore(store_path), progress=False)
        assert os.fstat(held.fileno()).st_ino == first
    assert index.stat().st_ino != first
    assert index_state(store_path) == "fresh"
    hits = search(store_path, "青金石碑")
    assert hits and hits[0].kind == "passage" and "青金石碑" in hits[0].snippet
    assert sorted(p.name for p in store_path.iterdir() if p.name.startswith(".search")) == []


def test_a_reader_rebuilds_a_missing_or_stale_index(tmp_path: Path) -> None:
    store_path = tmp_path / "store"
    load([sample_path()], GraphStore(store_path), progress=False)
    (store_path / INDEX_FILE).unlink()
    assert index_state(store_path) == "missing"
    assert cli_hits(store_path, "China")[0]["iri"] == CHN
    assert index_state(store_path) == "fresh"
    # A store changed behind the index's back (a newer generation) is stale.
    (store_path / "generation").write_text("other\n", encoding="utf-8")
    assert index_state(store_path) == "stale"
    assert cli_hits(store_path, "中国")[0]["iri"] == CHN
    assert index_state(store_path) == "fresh"
    assert store_generation(store_path) == "other"


def test_a_store_in_memory_has_no_index(seed_store: GraphStore) -> None:
    assert not (Path(str(seed_store.path)) / INDEX_FILE).exists()


def test_normal_form_terms_and_snippet() -> None:
    assert normalize("Ｓ／２０２０／７９７") == "s/2020/797"
    assert normalize("2020 年 8 月") == "2020年8月"
    assert terms("中国 俄罗斯") == ["中国", "俄罗斯"]
    long = "甲" * 100 + " S/2020/797 " + "乙" * 100
    cut = snippet(long, ["s/2020/797"], width=40)
    assert "S/2020/797" in cut and cut.startswith("…") and cut.endswith("…")
    assert len(cut) <= 42


# --------------------------------------------------------------------------
# /search


@pytest.fixture(scope="module")
def server(sample_store_path: Path) -> Iterator[RunningServer]:
    with start_server(sample_store_path, timeout_s=10.0, workers=2) as running:
        yield running


def test_search_page_lists_hits_with_links(server: RunningServer) -> None:
    status, headers, body = get(server, "/search?q=" + quote("中国"), {"Accept": "text/html"})
    assert status == 200 and headers["content-type"].startswith("text/html")
    html = body.decode("utf-8")
    first = html.split('id="search-results"', 1)[1]
    assert first.split("<li", 2)[1].count('href="/page/state/CHN"') == 1
    assert 'value="中国"' in html  # the box shows what was asked
    zh = get(server, "/search?lang=zh&q=" + quote("中国"))[2].decode("utf-8")
    assert '<html lang="zh">' in zh and 'href="/page/state/CHN?lang=zh"' in zh
    assert "/search?q=%E4%B8%AD%E5%9B%BD&amp;lang=en" in zh  # the switch keeps q


def test_search_json_by_accept_and_by_format(server: RunningServer) -> None:
    by_accept = get(server, "/search?q=S/2020/797", {"Accept": "application/json"})
    by_param = get(server, "/search?q=S/2020/797&format=json", {"Accept": "text/html"})
    for status, headers, body in (by_accept, by_param):
        assert status == 200 and headers["content-type"] == "application/json"
        data = json.loads(body)
        assert data["query"] == "S/2020/797"
        assert data["hits"][0]["iri"] == DRAFT
        assert data["hits"][0]["page"] == "/page/document/S/2020/797"
    assert by_accept[2] == by_param[2]
    limited = json.loads(get(server, "/search?q=%E4%B8%AD%E5%9B%BD&limit=2&format=json")[2])
    assert len(limited["hits"]) == 2
    empty = json.loads(get(server, "/search?format=json")[2])
    assert empty["hits"] == []


def test_search_refuses_what_it_cannot_answer(server: RunningServer) -> None:
    assert get(server, "/search?q=x&limit=0")[0] == 400
    assert get(server, "/search?q=x&limit=abc")[0] == 400
    assert get(server, "/search?q=x&format=xml")[0] == 400
    assert get(server, "/search?q=" + "x" * 201)[0] == 400
    assert get(server, "/search?q=x", {"Accept": "image/png"})[0] == 406


def test_search_escapes_what_it_echoes(server: RunningServer) -> None:
    hostile = '"><script>alert(1)</script><img src=x onerror=alert(2)>'
    status, _, body = get(server, "/search?q=" + quote(hostile))
    html = body.decode("utf-8")
    assert status == 200
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    data = json.loads(get(server, "/search?format=json&q=" + quote(hostile))[2])
    assert data["query"] == hostile and data["hits"] == []


def test_every_page_has_the_search_box(server: RunningServer) -> None:
    for path in ("/", "/query", "/page/state/CHN", "/page/nowhere/x", "/search"):
        body = get(server, path, {"Accept": "text/html"})[2].decode("utf-8")
        assert 'action="/search"' in body and 'id="site-search-q"' in body, path


def test_the_search_route_runs_in_a_worker(server: RunningServer, tmp_path: Path) -> None:
    """The front never opens the index: with the file gone, the worker
    that serves the request rebuilds it (from the store it reads)."""
    copy = tmp_path / "store"
    shutil.copytree(server.app.config.store_path, copy)
    (copy / INDEX_FILE).unlink()
    with start_server(copy, timeout_s=10.0, workers=1) as other:
        data = json.loads(get(other, "/search?format=json&q=China")[2])
    assert data["hits"][0]["iri"] == CHN
    assert index_state(copy) == "fresh"
