"""Tables a statistician can load: label columns beside IRI columns, short
State names, Chinese headers and values, ranges of years, no duplicate
columns, and the vote matrix — on the sample, through the store and the CLI.

Expected values are read from elsewhere than the code under test: labels
from ``ontology/councilkg.ttl`` parsed by rdflib, short names from
``ingest/data/short-names.csv``, votes from ``votes-on-draft`` and the gold
file, permanent members from the membership table.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
import rdflib
from click.testing import CliRunner
from rdflib.namespace import RDFS

from councilkg import queries as cq
from councilkg.cli import main
from councilkg.ingest import membership
from councilkg.ingest.gazetteer import default_gazetteer
from councilkg.ingest.short_names import parse_short_names
from councilkg.queries import QueryError, QueryResult, Term
from councilkg.store import GraphStore

ROOT = Path(__file__).resolve().parents[1]
XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"

# Columns equal on every row of the sample by coincidence, not by design:
# each is a different quantity that happens to agree on the one vote (or
# the one passage) the sample holds.
COINCIDENT = {
    ("co-voting", "agreed", "agreement"): "one vote event per pair: agreed 0|1, ratio 0|1",
    ("decision-outcome", "votesFor", "votesAgainst"): "the one vote: 2 in favour, 2 against",
    ("failed-drafts", "votesFor", "votesAgainst"): "the one vote: 2 in favour, 2 against",
    ("meetings-by-item", "subItem_label", "subItemText"): "the one meeting's sub-item is "
    "written as its concept's Chinese label",
}


def cli(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


@pytest.fixture(scope="module")
def store_dir(sample_store_path: Path) -> str:
    return str(sample_store_path)


@pytest.fixture(scope="module")
def ontology_labels() -> dict[str, dict[str, str]]:
    """``rdfs:label`` of every ontology term by language, read by rdflib."""
    graph = rdflib.Graph().parse(ROOT / "ontology" / "councilkg.ttl")
    out: dict[str, dict[str, str]] = {}
    for s, label in graph.subject_objects(RDFS.label):
        assert isinstance(label, rdflib.Literal)
        out.setdefault(str(s), {})[label.language or ""] = str(label)
    return out


def run(store: GraphStore, name: str, **params: str) -> QueryResult:
    return cq.run_embedded(store, cq.bind(name, params), labels=True)


def test_every_query_names_its_columns_in_chinese() -> None:
    for query in cq.catalogue():
        assert len(query.columns_zh) == len(query.columns), query.name
        assert len(set(query.columns_zh)) == len(query.columns_zh), query.name
        assert all(any("\u4e00" <= ch <= "\u9fff" for ch in c) or c.isupper()
                   for c in query.columns_zh), query.name  # fmt: skip


# -- short names ------------------------------------------------------------


def test_every_state_has_one_short_name_per_language(seed_store: GraphStore) -> None:
    rows = cq.select_embedded(
        seed_store,
        "PREFIX ckg: <https://w3id.org/councilkg/ontology#>\n"
        "SELECT ?iso3 ?name WHERE { ?s a ckg:State ; ckg:iso3 ?iso3 ; ckg:shortName ?name }",
    ).records()
    names: dict[str, dict[str, str]] = {}
    for r in rows:
        lang = r["name"].lang or ""
        assert lang not in names.setdefault(r["iso3"].value, {}), r
        names[r["iso3"].value][lang] = r["name"].value
    table = parse_short_names((ROOT / "ingest/data/short-names.csv").read_text(encoding="utf-8"))
    assert set(names) == {s.iso3 for s in default_gazetteer()}
    for state in default_gazetteer():
        want = table.get(state.iso3, {})
        assert names[state.iso3] == {
            "en": want.get("en", state.name_en),
            "zh": want.get("zh", state.name_zh),
        }
    assert names["GBR"] == {"en": "United Kingdom", "zh": "英国"}


def test_short_names_table_rejects_unknown_states() -> None:
    with pytest.raises(ValueError, match="unknown or repeated"):
        parse_short_names("iso3,short_en,short_zh\nXYZ,Narnia,纳尼亚\n")
    with pytest.raises(ValueError, match="expected columns"):
        parse_short_names("iso3,en\nGBR,UK\n")


def test_tables_use_short_names_and_stay_narrow(store_dir: str) -> None:
    for lang, uk in (("en", "United Kingdom"), ("zh", "英国")):
        text = cli("query", "votes-on-draft", "-p", "symbol=S/2020/797", "--lang", lang,
                   "--store", store_dir)  # fmt: skip
        assert uk in text and "Northern" not in text and "北爱尔兰" not in text
        assert max(len(line) for line in text.splitlines()) < 80


# -- label columns ----------------------------------------------------------


def test_csv_has_label_columns_beside_the_iris(
    store_dir: str, ontology_labels: dict[str, dict[str, str]], gold: dict[str, Any]
) -> None:
    vote = gold["votes"][0]
    rows = csv_rows(cli("query", "votes-on-draft", "-p", f"symbol={vote['draft']}",
                        "--format", "csv", "--store", store_dir))  # fmt: skip
    assert list(rows[0]) == [
        "member", "member_name", "iso3", "position", "position_label", "permanent", "date",
    ]  # fmt: skip
    gazetteer = default_gazetteer()
    table = parse_short_names((ROOT / "ingest/data/short-names.csv").read_text(encoding="utf-8"))
    for r in rows:
        assert r["member"].endswith("/state/" + r["iso3"])  # the IRI column is kept
        state = gazetteer.get(r["iso3"])
        assert r["member_name"] == table.get(state.iso3, {}).get("en", state.name_en)
        assert r["position_label"] == ontology_labels[r["position"]]["en"]
        assert r["permanent"] in ("true", "false")
    assert {r["iso3"] for r in rows} == {s for k in ("for", "against", "abstaining")
                                          for s in vote[k]}  # fmt: skip


def test_a_state_column_without_an_iso3_column_gets_one(store_dir: str) -> None:
    rows = csv_rows(cli("query", "co-voting", "--format", "csv", "--store", store_dir))
    assert "memberA_name" in rows[0] and "memberA_iso3" not in rows[0]  # iso3A holds it
    doc = json.loads(cli("query", "briefers-by-item", "-p", "item=non-proliferation",
                         "--format", "json", "--store", store_dir))  # fmt: skip
    assert "state_iso3" in doc["head"]["vars"] and "state_name" in doc["head"]["vars"]
    for b in doc["results"]["bindings"]:
        if "state" in b:
            assert b["state"]["value"].endswith("/" + b["state_iso3"]["value"])
            assert b["state_name"]["xml:lang"] == "en"


def test_zh_csv_has_zh_headers_and_no_english_values(
    store_dir: str, ontology_labels: dict[str, dict[str, str]], gold: dict[str, Any]
) -> None:
    vote = gold["votes"][0]
    text = cli("query", "votes-on-draft", "-p", f"symbol={vote['draft']}", "--format", "csv",
               "--lang", "zh", "--store", store_dir)  # fmt: skip
    query = cq.get("votes-on-draft")
    rows = csv_rows(text)
    assert list(rows[0]) == [
        query.column_in("member", "zh"), query.column_in("member", "zh") + "_名称",
        "ISO3", query.column_in("position", "zh"), query.column_in("position", "zh") + "_标签",
        query.column_in("permanent", "zh"), query.column_in("date", "zh"),
    ]  # fmt: skip
    assert "true" not in text and "false" not in text
    permanent = membership.permanent_members(vote["date"].year)
    assert {r["ISO3"] for r in rows if r["常任"] == "是"} == permanent
    assert {r["常任"] for r in rows} == {"是", "否"}
    for r in rows:
        assert r["立场_标签"] == ontology_labels[r["立场"]]["zh"]
    table = cli("query", "videoconferences-by-item", "--lang", "zh", "--store", store_dir)
    assert "true" not in table and "false" not in table and "是" in table
    assert table.splitlines()[0].split()[:2] == ["视频会议", "日期"]


def test_no_labels_is_the_plain_w3c_result(seed_store: GraphStore, store_dir: str) -> None:
    text = cli("query", "votes-on-draft", "-p", "symbol=S/2020/797", "--format", "csv",
               "--no-labels", "--lang", "zh", "--store", store_dir)  # fmt: skip
    plain = cq.run_embedded(seed_store, cq.bind("votes-on-draft", {"symbol": "S/2020/797"}))
    assert list(csv.reader(io.StringIO(text, newline=""))) == list(
        csv.reader(io.StringIO(plain.to_csv(), newline=""))
    )
    assert cli("query", "votes-on-draft", "-p", "symbol=S/2020/797", "--format", "tsv",
               "--store", store_dir) == plain.to_tsv()  # fmt: skip


def test_json_label_columns_are_tagged_literals(
    store_dir: str, ontology_labels: dict[str, dict[str, str]]
) -> None:
    doc = json.loads(cli("query", "failed-drafts", "--format", "json", "--lang", "zh",
                         "--store", store_dir))  # fmt: skip
    assert doc["head"]["vars"][:3] == ["symbol", "date", "item"]  # machine names in JSON
    (b,) = doc["results"]["bindings"]
    assert b["reason"]["type"] == "uri"
    assert b["reason_label"] == {
        "type": "literal",
        "value": ontology_labels[b["reason"]["value"]]["zh"],
        "xml:lang": "zh",
    }


# -- no duplicate columns ---------------------------------------------------


def _cells(result: QueryResult, i: int) -> list[str | None]:
    return [None if row[i] is None else row[i].value for row in result.rows]  # type: ignore[union-attr]


def _display(result: QueryResult, i: int) -> list[str | None]:
    out: list[str | None] = []
    for row in result.rows:
        t = row[i]
        label = None if t is None or t.kind != "uri" else result.label(t.value, "en")
        out.append(None if t is None else label or t.value)
    return out


@pytest.mark.parametrize("query", cq.catalogue(), ids=lambda q: q.name)
def test_no_column_repeats_another(seed_store: GraphStore, query: cq.PreparedQuery) -> None:
    """Two columns equal on every row (as written, or an IRI shown by its
    label as the table shows it) say one thing twice; label columns too."""
    required = {p.name: p.example for p in query.params if p.required}
    for params in (query.examples(), required):
        result = cq.run_embedded(seed_store, cq.bind(query, params), labels=True)
        for shaped in (result, cq.with_labels(result, "en"), cq.with_labels(result, "zh")):
            n = len(shaped.variables)
            views = [(_cells(shaped, i), _display(shaped, i)) for i in range(n)]
            for i in range(n):
                for j in range(i + 1, n):
                    a, b = shaped.variables[i], shaped.variables[j]
                    if (query.name, a, b) in COINCIDENT or not any(views[i][0]):
                        continue
                    if b in {a + suffix for suffix in cq.LABEL_SUFFIXES}:
                        continue  # an IRI column and its label: the table shows one of them
                    for view in (0, 1):
                        assert views[i][view] != views[j][view], (query.name, a, b, params)


def test_failed_drafts_name_each_draft_once(seed_store: GraphStore) -> None:
    result = run(seed_store, "failed-drafts")
    assert "draft" not in result.variables and result.records()[0]["symbol"].value


# -- ranges of years --------------------------------------------------------

YEARLY = [q for q in cq.catalogue() if any(p.type == "years" for p in q.params)]


def test_every_query_by_year_takes_a_range() -> None:
    assert {q.name for q in YEARLY} >= {
        "co-voting", "event-participation", "failed-drafts", "item-events", "meetings-by-item",
        "position-states", "videoconferences-by-item", "vote-positions", "citation-network",
        "vote-matrix",
    }  # fmt: skip
    assert not [q.name for q in cq.catalogue() for p in q.params if p.type == "year"]


@pytest.mark.parametrize("query", YEARLY, ids=lambda q: q.name)
def test_a_range_filters_like_its_years(seed_store: GraphStore, query: cq.PreparedQuery) -> None:
    def rows(value: str | None) -> Any:
        params = {p.name: p.example for p in query.params if p.required}
        if value is not None:
            params["years"] = value
        return cq.run_embedded(seed_store, cq.bind(query, params)).rows

    every = rows(None)
    assert every, "the sample answers"
    assert rows("2020") == rows("2016-2020") == rows("2020–2024") == rows("2020-2020") == every
    assert rows("2016-2019") == rows("2021-2030") == rows("2019") == []
    singular = cq.run_embedded(seed_store, cq.bind(query, {
        **{p.name: p.example for p in query.params if p.required}, "year": "2020"}))  # fmt: skip
    assert singular.rows == every  # scripts written before ranges still run


def test_a_range_is_bound_as_two_typed_literals_and_its_years_as_rows() -> None:
    bound = cq.bind("vote-matrix", {"years": "2016-2020"})
    values = next(line for line in bound.sparql.splitlines() if "VALUES" in line)
    years = " ".join(f'"{y}"^^<{XSD_INTEGER}>' for y in range(2016, 2021))
    assert values.strip() == (
        f'VALUES ?yearsFrom {{ "2016"^^<{XSD_INTEGER}> }} '
        f'VALUES ?yearsTo {{ "2020"^^<{XSD_INTEGER}> }} '
        f"VALUES ?years {{ {years} }}"
    )
    assert bound.values == (
        ("yearsFrom", rdflib.Literal(2016)),
        ("yearsTo", rdflib.Literal(2020)),
        *(("years", rdflib.Literal(y)) for y in range(2016, 2021)),
    )


def test_a_query_without_a_year_key_gets_the_range_alone() -> None:
    bound = cq.bind("citation-network", {"years": "2016-2020"})
    assert bound.values == (("yearsFrom", rdflib.Literal(2016)), ("yearsTo", rdflib.Literal(2020)))
    assert "VALUES ?years " not in bound.sparql


@pytest.mark.parametrize(
    "value", ["2020-2016", "2016-20", "16-2020", "2016-2020; DROP ALL", "2016--2020", "1900-2020"]
)
def test_a_malformed_range_is_a_clear_error(value: str) -> None:
    with pytest.raises(QueryError, match=r"parameter 'years'.*not a year or a range of years"):
        cq.bind("co-voting", {"years": value})


def test_a_range_and_its_singular_together_are_refused() -> None:
    with pytest.raises(QueryError, match="given twice"):
        cq.bind("co-voting", {"years": "2020", "year": "2020"})


# -- the vote matrix --------------------------------------------------------


def test_vote_matrix_has_a_row_per_vote_and_a_column_per_member(
    seed_store: GraphStore, store_dir: str
) -> None:
    rows = csv_rows(cli("query", "vote-matrix", "--format", "csv", "--store", store_dir))
    long = run(seed_store, "vote-positions")
    events = {r["voteEvent"].value for r in long.records()}
    assert [r["voteEvent"] for r in rows] == sorted(events, key=[
        r["voteEvent"].value for r in long.records()].index)  # fmt: skip
    members = sorted({r["iso3"].value for r in long.records()})
    keys = ["voteEvent", "symbol", "date", "result", "result_label"]
    assert list(rows[0]) == keys + members
    assert sum(1 for r in rows for m in members if r[m]) == len(long) == 15
    for r in rows:  # each row as votes-on-draft answers for its draft
        votes = run(seed_store, "votes-on-draft", symbol=r["symbol"])
        labelled = cq.with_labels(votes, "en").records()
        assert {m: r[m] for m in members if r[m]} == {
            v["iso3"].value: v["position_label"].value for v in labelled
        }
        assert {r["date"]} == {v["date"].value for v in labelled}


def test_vote_matrix_in_chinese(seed_store: GraphStore, store_dir: str) -> None:
    rows = csv_rows(cli("query", "vote-matrix", "-p", "years=2016-2020", "--format", "csv",
                        "--lang", "zh", "--store", store_dir))  # fmt: skip
    (row,) = rows
    assert list(row)[:5] == ["表决", "文号", "日期", "结果", "结果_标签"]
    labelled = cq.with_labels(run(seed_store, "votes-on-draft", symbol=row["文号"]), "zh")
    assert {v["iso3"].value: v["position_label"].value for v in labelled.records()} == {
        k: v for k, v in row.items() if len(k) == 3 and k.isupper() and v
    }
    table = cli("query", "vote-matrix", "--lang", "zh", "--store", store_dir)
    assert "赞成" in table and "反对" in table and "(共 1 行)" in table
    assert cli("query", "vote-matrix", "-p", "years=2021-2022", "--format", "csv",
               "--store", store_dir).strip() == "voteEvent,symbol,date,result"  # fmt: skip


def test_pivot_keeps_row_order_and_leaves_missing_cells_empty() -> None:
    def lit(value: str) -> Term:
        return Term.literal(value)

    long = QueryResult(
        ("event", "iso3", "position"),
        [
            (lit("b"), lit("USA"), lit("yes")),
            (lit("b"), lit("CHN"), lit("no")),
            (lit("a"), lit("CHN"), lit("yes")),
            (lit("a"), lit("CHN"), lit("abstain")),
            (lit("c"), None, None),
        ],
    )
    wide = cq.pivot(long, "iso3", "position")
    assert wide.variables == ("event", "CHN", "USA")
    assert [[None if t is None else t.value for t in row] for row in wide.rows] == [
        ["b", "no", "yes"],
        ["a", "abstain yes", None],
        ["c", None, None],
    ]
    with pytest.raises(ValueError, match="no column"):
        cq.pivot(long, "member", "position")
