"""Graph analytics (``councilkg.analytics``) on the seed, checked against the gold.

Every expected value is derived from the gold file (positions of the vote,
footnote lists of States, citations, invitations, speakers, events); the
acceptance values of the issue (FRA–DEU total agreement, CHN–USA
disagreement, CHN–RUS coalition weight, the most cited resolution, the two
rule 39 invitees of the meeting) are asserted on top, after checking the
gold agrees with them.  Graphs are read from the embedded store and from a
real ``councilkg serve`` endpoint, and must be the same; GraphML, GEXF and
JSON outputs re-load with the same nodes, edges and attributes; plots are
valid PNG/SVG, with Chinese labels drawn in a CJK font.
"""

from __future__ import annotations

import datetime as dt
import re
import warnings
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable, Iterator
from itertools import combinations
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from councilkg import analytics as an
from councilkg import queries as cq
from councilkg.analytics import io as aio
from councilkg.analytics import plot as aplot
from councilkg.analytics.summary import summary_line, summary_table
from councilkg.ingest.iris import Minter
from councilkg.ingesting import load
from councilkg.server import RunningServer, start_server
from councilkg.store import GraphStore

POSITION_KEYS = ("for", "against", "abstaining")
VIEWS: dict[str, Callable[..., Any]] = dict(an.VIEWS)
FORMATS = ("graphml", "gexf", "json")
MOST_CITED = "S/RES/2231(2015)"  # acceptance value of the issue (footnotes + passages)


def the_vote(gold: dict[str, Any]) -> dict[str, Any]:
    votes: list[dict[str, Any]] = gold["votes"]
    assert len(votes) == 1
    return votes[0]


def positions(vote: dict[str, Any]) -> dict[str, str]:
    return {iso3: key for key in POSITION_KEYS for iso3 in vote[key]}


def by_iso3(g: Any) -> dict[str, str]:
    return {a["iso3"]: v for v, a in g.nodes(data=True) if "iso3" in a}


def year_of(gold: dict[str, Any]) -> int:
    return int(gold["source"]["period"])


@pytest.fixture(scope="module")
def graphs(seed_store: GraphStore, gold: dict[str, Any]) -> dict[str, Any]:
    return {name: build(seed_store, year=year_of(gold)) for name, build in VIEWS.items()}


# -- co-voting ---------------------------------------------------------------


def test_covoting_agreement_matches_the_gold_vote(
    graphs: dict[str, Any], gold: dict[str, Any]
) -> None:
    vote = the_vote(gold)
    position = positions(vote)
    g = graphs["covoting"]
    nodes = by_iso3(g)
    assert set(nodes) == set(position)
    assert g.number_of_edges() == len(list(combinations(position, 2)))
    assert g.graph["drafts"] == [vote["draft"]] and g.graph["vote_events"] == 1
    for a, b in combinations(sorted(position), 2):
        edge = g.edges[nodes[a], nodes[b]]
        same = position[a] == position[b]
        assert edge["events"] == 1
        assert edge["agreed"] == int(same)
        assert edge["agreement"] == edge["weight"] == float(same)
        # one vote: kappa is undefined (p_e = 1) when they agreed, 0 when not
        assert edge["kappa"] is None if same else edge["kappa"] == 0.0
    # the acceptance pairs, after checking the gold says so
    assert position["FRA"] == position["DEU"]
    assert position["CHN"] != position["USA"]
    assert g.edges[nodes["FRA"], nodes["DEU"]]["agreement"] == 1.0
    assert g.edges[nodes["CHN"], nodes["USA"]]["agreement"] == 0.0


def test_covoting_nodes_carry_labels_codes_and_iris(graphs: dict[str, Any]) -> None:
    g = graphs["covoting"]
    minter = Minter()
    for v, a in g.nodes(data=True):
        assert v == a["iri"] == str(minter.state(a["iso3"]))
        assert a["kind"] == "State" and a["votes"] == 1
        assert a["label_en"].isascii() and a["label_en"] != a["iso3"]
        assert aplot.has_cjk(a["label_zh"])
    assert [a["iso3"] for _, a in g.nodes(data=True)] == sorted(by_iso3(g))


def test_covoting_agrees_with_the_co_voting_query(seed_store: GraphStore) -> None:
    g = an.covoting_graph(seed_store)
    rows = cq.run_embedded(seed_store, cq.bind("co-voting", {})).values()
    assert len(rows) == g.number_of_edges()
    nodes = by_iso3(g)
    for r in rows:
        edge = g.edges[nodes[r["iso3A"]], nodes[r["iso3B"]]]
        assert (edge["events"], edge["agreed"]) == (r["events"], r["agreed"])
        assert edge["agreement"] == pytest.approx(float(r["agreement"]))


def test_covoting_year_filter(seed_store: GraphStore, gold: dict[str, Any]) -> None:
    empty = an.covoting_graph(seed_store, year=year_of(gold) + 1)
    assert empty.number_of_nodes() == 0 and empty.graph["vote_events"] == 0
    every = an.covoting_graph(seed_store)
    assert every.graph["year"] is None
    assert (
        every.number_of_edges()
        == an.covoting_graph(seed_store, year=year_of(gold)).number_of_edges()
    )


def test_cohen_kappa() -> None:
    # textbook case: 50 items, p_o = 0.7, p_e = 0.5 → kappa = 0.4
    a = ["yes"] * 25 + ["no"] * 25
    b = ["yes"] * 20 + ["no"] * 5 + ["yes"] * 10 + ["no"] * 15
    assert an.cohen_kappa(a, b) == pytest.approx(0.4)
    assert an.cohen_kappa(a, a) == 1.0
    assert an.cohen_kappa(["for", "for"], ["for", "for"]) is None  # p_e = 1
    assert an.cohen_kappa([], []) is None
    assert an.cohen_kappa(["for", "against"], ["against", "for"]) == -1.0
    with pytest.raises(ValueError, match="equally long"):
        an.cohen_kappa(["for"], [])
    agreement = an.agreement(["for", "against", "abstaining"], ["for", "for", "abstaining"])
    assert (agreement.events, agreement.agreed) == (3, 2)
    assert agreement.agreement == pytest.approx(2 / 3)


# -- coalitions --------------------------------------------------------------


def test_coalition_weights_count_the_footnotes_listing_both(
    graphs: dict[str, Any], gold: dict[str, Any]
) -> None:
    listed = {n: set(f["states"]) for n, f in gold["footnotes"].items() if f.get("states")}
    g = graphs["coalitions"]
    nodes = by_iso3(g)
    assert set(nodes) == set().union(*listed.values())
    want = Counter(pair for states in listed.values() for pair in combinations(sorted(states), 2))
    got = {(g.nodes[u]["iso3"], g.nodes[v]["iso3"]): a for u, v, a in g.edges(data=True)}
    assert {tuple(sorted(k)): a["weight"] for k, a in got.items()} == dict(want)
    for (x, y), a in got.items():
        numbers = [n for n, states in sorted(listed.items()) if {x, y} <= states]
        assert a["footnotes"] == [f"{gold['source']['period']}/{n}" for n in numbers]
    for iso3, v in nodes.items():
        assert g.nodes[v]["positions"] == sum(iso3 in s for s in listed.values())
    # the acceptance edge
    both = [n for n, states in listed.items() if {"CHN", "RUS"} <= states]
    assert both
    assert g.edges[nodes["CHN"], nodes["RUS"]]["weight"] == len(both)


# -- citations ---------------------------------------------------------------


def test_most_cited_document(graphs: dict[str, Any], gold: dict[str, Any]) -> None:
    g = graphs["citations"]
    assert MOST_CITED in gold["documents"]
    assert gold["document_kinds"][MOST_CITED] == "resolution"
    ranked = an.most_cited(g, None)
    top = ranked[0]
    assert top.symbol == MOST_CITED and top.kind == "Resolution"
    assert top.in_degree > ranked[1].in_degree
    assert top.pagerank == max(d.pagerank for d in ranked)
    assert [d.in_degree for d in ranked] == sorted((d.in_degree for d in ranked), reverse=True)


def test_footnote_citations_match_the_gold(graphs: dict[str, Any], gold: dict[str, Any]) -> None:
    g = graphs["citations"]
    want = Counter(s for f in gold["footnotes"].values() for s in f["cites"])
    got: Counter[str] = Counter()
    numbers: dict[int, set[str]] = {}
    for u, v in g.edges:
        if g.nodes[u]["kind"] == "Footnote":
            got[g.nodes[v]["symbol"]] += 1
            numbers.setdefault(g.nodes[u]["number"], set()).add(g.nodes[v]["symbol"])
    assert got == want
    assert numbers == {n: set(f["cites"]) for n, f in gold["footnotes"].items() if f["cites"]}
    kinds = {a["kind"] for _, a in g.nodes(data=True) if a["role"] == "citing"}
    assert kinds <= {"Footnote", "SourcePassage", "Videoconference"}
    symbols = {a["symbol"] for _, a in g.nodes(data=True) if a["role"] == "document"}
    assert symbols <= set(gold["documents"])
    for _, a in g.nodes(data=True):
        if a["role"] == "document" and a["symbol"] in gold["document_kinds"]:
            assert a["kind"] != "Document"
        if a["kind"] == "Footnote":
            assert a["label_en"] == f"footnote {a['number']}"
            assert a["label_zh"].endswith(f" {a['number']}") and aplot.has_cjk(a["label_zh"])


def test_pagerank_is_the_stationary_distribution(graphs: dict[str, Any]) -> None:
    np = pytest.importorskip("numpy")
    g = graphs["citations"]
    nodes = list(g.nodes)
    google = np.asarray(nx.google_matrix(g, alpha=0.85, nodelist=nodes, weight=None))
    values, vectors = np.linalg.eig(google.T)
    principal = np.real(vectors[:, int(np.argmax(np.real(values)))])
    principal = principal / principal.sum()
    ranks = an.pagerank(g)
    for i, v in enumerate(nodes):
        assert ranks[v] == pytest.approx(float(principal[i]), abs=1e-8)
        assert g.nodes[v]["pagerank"] == ranks[v]
    assert sum(ranks.values()) == pytest.approx(1.0)
    assert an.pagerank(nx.DiGraph()) == {}


# -- participation -----------------------------------------------------------


def test_rule_39_invitees_are_linked_to_their_meeting(
    graphs: dict[str, Any], gold: dict[str, Any]
) -> None:
    g = graphs["participation"]
    assert nx.is_bipartite(g)
    meetings = [m for i in gold["items"] for m in i.get("meetings", [])]
    assert meetings
    for m in meetings:
        (event,) = [v for v, a in g.nodes(data=True) if a.get("record") == m["record"]]
        assert g.nodes[event]["bipartite"] == an.participation.EVENT
        assert g.nodes[event]["date"] == m["date"].isoformat()
        assert g.nodes[event]["label_en"] == m["record"]
        for rule, key in (
            ("Rule39AndOther", "rule39_invitations"),
            ("Rule37", "rule37_invitations"),
        ):
            invited = {
                g.nodes[actor].get("iso3") or g.nodes[actor]["label_en"]
                for actor in g.neighbors(event)
                if g.edges[actor, event].get("rule") == rule
            }
            assert invited == set(m[key])
            for actor in g.neighbors(event):
                edge = g.edges[actor, event]
                if edge.get("rule") == rule:
                    assert edge["invited"] is True and "Invitation" in edge["relations"]
                    assert edge["rule_en"] and aplot.has_cjk(edge["rule_zh"])
    # the acceptance: the two rule 39 invitees of the meeting
    first = meetings[0]
    assert len(first["rule39_invitations"]) == 2


def test_participation_matches_the_speakers_of_each_event(
    graphs: dict[str, Any], gold: dict[str, Any]
) -> None:
    g = graphs["participation"]
    for day, spoke in gold["speakers_by_event"].items():
        events = [v for v, a in g.nodes(data=True) if a.get("date") == day.isoformat()]
        assert len(events) == 1, day
        (event,) = events
        speakers = [a for a in g.neighbors(event) if g.edges[a, event]["spoke"]]
        states = {g.nodes[a]["iso3"] for a in speakers if g.nodes[a]["kind"] == "State"}
        roles = {g.nodes[a]["label_en"] for a in speakers if g.nodes[a]["kind"] == "Role"}
        assert states == set(spoke["states"]), day
        assert roles == set(spoke["roles"]), day
    for _, a in g.nodes(data=True):
        assert a["bipartite"] in (an.participation.ACTOR, an.participation.EVENT)
        assert a["kind"] in {"State", "Role", "Organization", "Meeting", "Videoconference"}


def test_representation_is_on_the_edge(graphs: dict[str, Any], gold: dict[str, Any]) -> None:
    g = graphs["participation"]
    nodes = by_iso3(g)
    for entry in gold["items"]:
        for m in entry.get("meetings", []):
            (event,) = [v for v, a in g.nodes(data=True) if a.get("record") == m["record"]]
            for note in m["speakers"].get("notes", []):
                edge = g.edges[nodes[note["state"]], event]
                assert "Representation" in edge["relations"]
                assert edge["represented_by"].startswith(str(Minter().base) + "id/role/")


# -- timeline ----------------------------------------------------------------


def test_item_timeline_counts_events_by_month(seed_store: GraphStore, gold: dict[str, Any]) -> None:
    timeline = an.item_timeline(seed_store)
    want: dict[tuple[str, str], list[int]] = {}
    for entry in gold["items"]:
        for key, kind in (("meetings", 0), ("videoconferences", 1)):
            for e in entry.get(key, []):
                counts = want.setdefault((entry["key"], e["date"].isoformat()[:7]), [0, 0, 0])
                counts[kind] += 1
                counts[2] += len(e.get("decisions", []))
    got = {(r.key, r.month): [r.meetings, r.videoconferences, r.decisions] for r in timeline.rows}
    assert got == want
    assert [(r.key, r.month) for r in timeline.rows] == sorted(got)
    assert all(r.events == r.meetings + r.videoconferences for r in timeline.rows)
    assert an.item_timeline(seed_store, year=year_of(gold) + 1).rows == ()
    titles = {i["key"]: i for i in gold["items"]}
    for r in timeline.rows:
        assert r.label_en == titles[r.key]["title_en"]
    table = timeline.to_table("zh")
    assert titles["non-proliferation"]["title_zh"] in table and "(共" in table
    assert timeline.records()[0]["month"] == timeline.rows[0].month


# -- the same graphs from an endpoint ----------------------------------------


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory, seed_path: Path) -> Iterator[str]:
    path = tmp_path_factory.mktemp("analytics") / "store"
    store = GraphStore(path)
    load([seed_path], store=store, minter=Minter(), progress=False)
    store.flush()
    del store
    server: RunningServer = start_server(path, workers=1)
    try:
        yield server.endpoint
    finally:
        server.stop()


def same_graph(a: Any, b: Any) -> None:
    assert list(a.nodes(data=True)) == list(b.nodes(data=True))
    assert list(a.edges(data=True)) == list(b.edges(data=True))
    assert a.graph == b.graph


@pytest.mark.slow
@pytest.mark.parametrize("view", sorted(VIEWS))
def test_endpoint_gives_the_same_graph(
    endpoint: str, graphs: dict[str, Any], gold: dict[str, Any], view: str
) -> None:
    remote = VIEWS[view](endpoint, year=year_of(gold))
    assert remote.number_of_nodes() > 0
    same_graph(remote, graphs[view])


@pytest.mark.slow
def test_endpoint_gives_the_same_timeline(endpoint: str, seed_store: GraphStore) -> None:
    assert an.item_timeline(an.Source(endpoint=endpoint)) == an.item_timeline(seed_store)


def test_sources() -> None:
    with pytest.raises(ValueError, match="exactly one"):
        an.Source()
    with pytest.raises(TypeError, match="GraphStore"):
        an.as_source(42)  # type: ignore[arg-type]
    assert an.as_source("http://127.0.0.1:1/sparql").endpoint == "http://127.0.0.1:1/sparql"
    with pytest.raises(cq.QueryError, match="not a year"):
        an.covoting_graph(GraphStore.in_memory(), year="2020 OR 1=1")


def test_labels_fall_back_sensibly() -> None:
    labels = an.Labels({"x:a": {"en": "A"}, "x:b": {"": "S/1"}, "x:kind#Footnote": {"zh": "脚注"}})
    assert labels.pair("x:a") == {"label_en": "A", "label_zh": "A"}
    assert labels.pair("x:b") == {"label_en": "S/1", "label_zh": "S/1"}
    assert labels.pair("x:c/d", "CODE") == {"label_en": "CODE", "label_zh": "CODE"}
    assert labels.pair("x:c/d") == {"label_en": "d", "label_zh": "d"}
    assert labels.compose("x:kind#Footnote", "7") == {
        "label_en": "Footnote 7",
        "label_zh": "脚注 7",
    }


# -- files -------------------------------------------------------------------


def comparable_attrs(attrs: dict[str, Any], fmt: str) -> dict[str, Any]:
    out = {k: v for k, v in attrs.items() if not (fmt == "gexf" and k == "id")}
    return {
        k: (float(v) if isinstance(v, int) and not isinstance(v, bool) else v)
        for k, v in out.items()
    }


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("view", sorted(VIEWS))
def test_files_reload_with_the_same_nodes_edges_and_attributes(
    graphs: dict[str, Any], tmp_path: Path, view: str, fmt: str
) -> None:
    g = graphs[view]
    path = an.write_graph(g, tmp_path / f"{view}.{fmt}", lang="zh")
    back = an.read_graph(path)
    assert back.number_of_nodes() == g.number_of_nodes()
    assert back.number_of_edges() == g.number_of_edges()
    assert back.is_directed() == g.is_directed()
    expected = aio.export_graph(g, fmt, "zh")
    assert list(back.nodes) == list(g.nodes)
    for v in g.nodes:
        assert comparable_attrs(back.nodes[v], fmt) == comparable_attrs(expected.nodes[v], fmt)
        assert back.nodes[v]["label"] == g.nodes[v]["label_zh"]
    for u, v in g.edges:
        assert comparable_attrs(back.edges[u, v], fmt) == comparable_attrs(
            expected.edges[u, v], fmt
        )
    # the same graph written twice gives the same bytes
    again = an.write_graph(g, tmp_path / f"again.{fmt}", lang="zh")
    assert again.read_bytes() == path.read_bytes()


def test_undefined_kappa_is_left_out_never_nan(graphs: dict[str, Any], tmp_path: Path) -> None:
    g = graphs["covoting"]
    for fmt in ("graphml", "gexf"):
        text = aio.graph_text(g, fmt)
        assert "NaN" not in text and "None" not in text
        back = an.read_graph(an.write_graph(g, tmp_path / f"k.{fmt}"))
        for u, v, a in g.edges(data=True):
            if a["kappa"] is None:
                assert "kappa" not in back.edges[u, v]
            else:
                assert back.edges[u, v]["kappa"] == a["kappa"]
    back = an.read_graph(an.write_graph(g, tmp_path / "k.json"))
    assert any(a["kappa"] is None for _, _, a in back.edges(data=True))  # JSON keeps null
    coalitions = an.read_graph(an.write_graph(graphs["coalitions"], tmp_path / "c.graphml"))
    _, _, a = next(iter(coalitions.edges(data=True)))
    assert re.fullmatch(r"\d{4}/\d+( \d{4}/\d+)*", a["footnotes"])  # a list, space-separated


def test_empty_graphs_are_written_and_drawn(seed_store: GraphStore, tmp_path: Path) -> None:
    for view, build in VIEWS.items():
        g = build(seed_store, year=1950)
        assert g.number_of_nodes() == 0, view
        back = an.read_graph(an.write_graph(g, tmp_path / f"{view}.graphml"))
        assert back.number_of_nodes() == 0
        info = an.save_plot(g, tmp_path / f"{view}.png")
        assert info.path.read_bytes().startswith(b"\x89PNG") and info.texts


def test_unknown_file_formats_are_refused(graphs: dict[str, Any], tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"\.graphml, \.gexf, \.json"):
        an.write_graph(graphs["covoting"], tmp_path / "g.csv")
    with pytest.raises(ValueError, match=r"\.png, \.svg"):
        an.save_plot(graphs["covoting"], tmp_path / "g.pdf")


# -- plots -------------------------------------------------------------------


def _glyph_warnings(caught: list[warnings.WarningMessage]) -> list[str]:
    return [str(w.message) for w in caught if "missing from" in str(w.message)]


@pytest.mark.parametrize("view", sorted(VIEWS))
@pytest.mark.usefixtures("cjk_font")
def test_png_with_chinese_labels_uses_a_cjk_font(
    graphs: dict[str, Any], tmp_path: Path, view: str
) -> None:
    from matplotlib.image import imread

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        info = an.save_plot(graphs[view], tmp_path / f"{view}.png", lang="zh")
    assert _glyph_warnings(caught) == []
    data = info.path.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    height, width = imread(info.path).shape[:2]
    assert height > 300 and width > 300
    assert info.cjk_font is not None and "CJK" in info.cjk_font
    assert info.fonts[0] == info.cjk_font
    chinese = "".join(t for t in info.texts if aplot.has_cjk(t))
    assert chinese, "some label is drawn in Chinese"
    face = cjk_face(info.cjk_font)
    assert all(face.get_char_index(ord(ch)) for ch in chinese if aplot.has_cjk(ch))


def cjk_face(name: str) -> Any:
    """The face matplotlib draws the family ``name`` with."""
    from matplotlib import font_manager

    return font_manager.get_font(
        font_manager.findfont(font_manager.FontProperties(family=name), fallback_to_default=False)
    )


@pytest.mark.usefixtures("cjk_font")
def test_svg_with_chinese_labels_draws_cjk_glyphs(graphs: dict[str, Any], tmp_path: Path) -> None:
    g = graphs["covoting"]
    info = an.save_plot(g, tmp_path / "covoting.svg", lang="zh")
    root = ET.parse(info.path).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    svg = info.path.read_text(encoding="utf-8")
    assert info.cjk_font is not None
    face = cjk_face(info.cjk_font)
    # text is drawn as glyph outlines, each defined once with the font's name
    glyphs = set(re.findall(rf'<path id="{face.postscript_name}-([0-9a-f]+)"', svg))
    chinese = {ch for t in info.texts for ch in t if aplot.has_cjk(ch)}
    assert chinese and len(glyphs) >= len(chinese)
    for _, a in g.nodes(data=True):
        assert a["label_zh"] in info.texts
    assert all(face.get_char_index(ord(ch)) for ch in chinese)
    assert "<dc:date>" not in svg
    again = an.save_plot(g, tmp_path / "again.svg", lang="zh")
    assert again.path.read_bytes() == info.path.read_bytes()


def test_english_plots_need_no_cjk_font(
    graphs: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(aplot, "find_cjk_font", lambda: None)
    for view in ("covoting", "coalitions"):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            info = an.save_plot(graphs[view], tmp_path / f"{view}.svg", lang="en")
        assert _glyph_warnings(caught) == []
        assert info.cjk_font is None and info.fonts == (aplot.LATIN,)
        assert not any(aplot.has_cjk(t) for t in info.texts)
        with pytest.raises(an.FontError, match="fonts-noto-cjk"):
            an.save_plot(graphs[view], tmp_path / f"{view}-zh.svg", lang="zh")


def test_big_networks_are_cut_to_the_best_connected_nodes(tmp_path: Path) -> None:
    g = nx.star_graph(300)
    g.graph["view"] = "coalitions"
    for v in g.nodes:
        g.nodes[v].update(label_en=f"n{v}", label_zh=f"n{v}", kind="State")
    fig = aplot.network_figure(g, "en", max_nodes=40)
    texts = [t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text"))]
    assert "n0" in texts and sum(t.startswith("n") and t[1:].isdigit() for t in texts) == 40
    assert any("40 of 301 nodes" in t for t in texts)


# -- summaries ---------------------------------------------------------------


def test_summaries(graphs: dict[str, Any], gold: dict[str, Any]) -> None:
    year = year_of(gold)
    assert summary_line(graphs["coalitions"]).startswith(f"coalitions, {year}: ")
    cited = summary_table(graphs["citations"], "en", 3)
    assert cited.splitlines()[2].startswith(MOST_CITED)
    assert "(3 rows)" in cited
    zh = summary_table(graphs["coalitions"], "zh", 5)
    assert aplot.has_cjk(zh) and "(共 5 行)" in zh
    assert "kappa" in summary_table(graphs["covoting"], "en", 1)
    assert summary_table(graphs["participation"], "en", 2).count("\n") == 5


def test_views_dates_and_years_come_from_the_data(
    graphs: dict[str, Any], gold: dict[str, Any]
) -> None:
    for view, g in graphs.items():
        assert g.graph["view"] == view
        assert g.graph["year"] == year_of(gold)
    dates = [a["date"] for _, a in graphs["participation"].nodes(data=True) if "date" in a]
    assert dates and all(dt.date.fromisoformat(d).year == year_of(gold) for d in dates)


# -- another section, other years: the views generalise ----------------------


@pytest.fixture(scope="module")
def two_years(seed_store: GraphStore, seed_result: Any, minter: Minter) -> GraphStore:
    """The seed plus the constructed 2021 section of ``test_generalisation``
    (rule 37 invitees, an organization invited, a vetoed draft)."""
    from councilkg.ingest.pipeline import ingest_bytes
    from tests.test_generalisation import TEXT

    section = ingest_bytes(TEXT.encode("utf-8"), "section-33.txt")
    store = GraphStore.in_memory()
    load([seed_result, section], store, minter=minter, progress=False)
    return store


def test_covoting_over_two_years_defines_kappa(two_years: GraphStore, gold: dict[str, Any]) -> None:
    g = an.covoting_graph(two_years)
    # 2020: the failed draft; 2021: the vetoed draft and two resolutions
    # adopted 15-0-0 (every member's vote derived from the count).
    assert g.graph["vote_events"] == 4 and g.graph["year"] is None
    nodes = by_iso3(g)
    first = positions(the_vote(gold))
    # the constructed 2021 draft: CHN and RUS against, the 13 others in favour
    later = an.covoting_graph(two_years, year=2021)
    second = {a["iso3"]: a for _, a in later.nodes(data=True)}
    assert len(second) == 15 and later.graph["vote_events"] == 3
    assert set(second) != set(first)  # the Council's membership changed
    for x, y in combinations(sorted(set(first) & set(second)), 2):
        edge = g.edges[nodes[x], nodes[y]]
        assert edge["events"] == 4
        a = [first[x], "against" if x in {"CHN", "RUS"} else "for", "for", "for"]
        b = [first[y], "against" if y in {"CHN", "RUS"} else "for", "for", "for"]
        assert edge["agreed"] == sum(p == q for p, q in zip(a, b, strict=True))
        assert edge["kappa"] == an.cohen_kappa(a, b)
    assert g.edges[nodes["EST"], nodes["FRA"]]["kappa"] == 1.0  # alike, two positions
    assert g.edges[nodes["CHN"], nodes["RUS"]]["kappa"] == 1.0  # alike: against, then for
    new = sorted(set(second) - set(first))
    assert g.edges[nodes[new[0]], nodes[new[1]]]["kappa"] is None  # always both in favour
    for x in set(first) - set(second):
        for y in set(second) - set(first):
            assert not g.has_edge(nodes[x], nodes[y])  # never voted together


def test_participation_with_rule_37_and_an_organization(two_years: GraphStore) -> None:
    g = an.participation_graph(two_years, year=2021)
    (meeting,) = [v for v, a in g.nodes(data=True) if a.get("record") == "S/PV.8800"]
    rules = {
        (g.nodes[a]["kind"], g.nodes[a].get("iso3"), g.edges[a, meeting].get("rule"))
        for a in g.neighbors(meeting)
        if g.edges[a, meeting]["invited"]
    }
    assert ("State", "IRN", "Rule37") in rules and ("State", "DEU", "Rule37") in rules
    assert ("Organization", None, "Rule39AndOther") in rules
    assert ("Role", None, "Rule39AndOther") in rules
    assert all(a["date"].startswith("2021-") for _, a in g.nodes(data=True) if "date" in a)
    months = {(r.key, r.month) for r in an.item_timeline(two_years, year=2021).rows}
    assert months == {
        ("maintenance-of-international-peace-and-security", "2021-03"),
        ("maintenance-of-international-peace-and-security", "2021-05"),
    }
