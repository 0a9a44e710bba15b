"""The linked-data site's HTML pages, rendered from the seed's graph.

Why this way: every page is rendered from a real Oxigraph store (the
``seed_store`` fixture) through :func:`councilkg.web.sparql.store_select`,
which hands the pages SPARQL 1.1 JSON results exactly as a remote endpoint
would; the HTML is parsed (``html.parser``, never regular expressions on
markup) and compared with the gold facts or with answers the test computes
with its own SPARQL.  Nothing here retypes a gold value or a base IRI:
IRIs come from the ``minter`` fixture.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pyoxigraph as ox
import pytest

from councilkg import queries as prepared
from councilkg.ingest.iris import Minter
from councilkg.ingest.layout import BlockKind
from councilkg.ingest.lexicon import load_lexicon
from councilkg.ingest.membership import permanent_members
from councilkg.ingest.vocab import CKG
from councilkg.resources import resource_dir
from councilkg.store import GraphStore
from councilkg.web import sparql as web_sparql
from councilkg.web.charts import bar_chart
from councilkg.web.pages import (
    Suggestion,
    page_kind,
    render_index,
    render_not_found,
    render_resource,
    suggest,
)
from councilkg.web.site import Site, choose_label
from councilkg.web.sparql import (
    bind_iris,
    bind_strings,
    is_iri,
    page_query,
    rows_of,
    store_select,
)
from councilkg.web.strings import strings, translator
from councilkg.web.templating import environment

# ---------------------------------------------------------------------------
# A small DOM over html.parser
# ---------------------------------------------------------------------------

_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}


@dataclass
class Node:
    """An element: tag, attributes, children (elements and text)."""

    tag: str
    attrs: dict[str, str]
    children: list[Node | str] = field(default_factory=list)

    def iter(self) -> Iterator[Node]:
        """This element and every element below it, in document order."""
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.iter()

    def find_all(self, tag: str | None = None, **attrs: str | bool) -> list[Node]:
        """Elements with this tag (any if None) and these attribute values
        (``class_`` for ``class``; ``True`` matches any value)."""
        out = []
        for node in self.iter():
            if tag is not None and node.tag != tag:
                continue
            ok = True
            for key, value in attrs.items():
                name = key.rstrip("_").replace("_", "-")
                if value is True:
                    ok = ok and name in node.attrs
                elif name == "class":
                    ok = ok and value in node.attrs.get("class", "").split()
                else:
                    ok = ok and node.attrs.get(name) == value
            if ok:
                out.append(node)
        return out

    def find(self, tag: str | None = None, **attrs: str | bool) -> Node:
        """The one element that matches (the test fails if not exactly one)."""
        found = self.find_all(tag, **attrs)
        assert len(found) == 1, f"expected one <{tag} {attrs}>, found {len(found)}"
        return found[0]

    def text(self) -> str:
        """The text below this element, whitespace collapsed."""
        parts: list[str] = []

        def walk(n: Node) -> None:
            for child in n.children:
                if isinstance(child, str):
                    parts.append(child)
                else:
                    walk(child)

        walk(self)
        return " ".join("".join(parts).split())


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in _VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Node(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return
        raise AssertionError(f"stray </{tag}>")

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse(html: str) -> Node:
    """The document's tree (fails on a stray end tag or an unclosed element)."""
    builder = _Builder()
    builder.feed(html)
    builder.close()
    assert len(builder.stack) == 1, f"unclosed <{builder.stack[-1].tag}>"
    return builder.root


# ---------------------------------------------------------------------------
# Fixtures and helpers
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def select(seed_store: GraphStore) -> web_sparql.Select:
    """Pages' queries on the seed store."""
    return store_select(seed_store)


@pytest.fixture(scope="module")
def page(select: web_sparql.Select) -> Any:
    """``page(iri, lang)``: the parsed page of ``iri`` (rendered once)."""
    cache: dict[tuple[str, str], Node] = {}

    def get(iri: str, lang: str = "en") -> Node:
        if (iri, lang) not in cache:
            html = asyncio.run(render_resource(iri, select, Site(lang=lang)))
            assert html is not None, f"no page for {iri}"
            cache[iri, lang] = parse(html)
        return cache[iri, lang]

    return get


def sparql_rows(store: GraphStore, text: str) -> list[dict[str, str]]:
    """The test's own SPARQL: rows as {variable: lexical value}."""
    result = store.query(text)
    names = [v.value for v in result.variables]
    return [{n: s[n].value for n in names if s[n] is not None} for s in result]


def gold_meetings(gold: dict[str, Any]) -> list[dict[str, Any]]:
    return [m for item in gold["items"] for m in item.get("meetings", [])]


POSITION_OF = {"for": CKG.InFavour, "against": CKG.Against, "abstaining": CKG.Abstaining}


def gold_positions(vote: dict[str, Any]) -> dict[str, str]:
    """ISO3 → local name of the position term, from a gold vote."""
    return {
        iso3: str(term).rsplit("#", 1)[-1]
        for key, term in POSITION_OF.items()
        for iso3 in vote.get(key, [])
    }


def ask(select: web_sparql.Select, text: str) -> web_sparql.Rows:
    """Run one query through a Select, outside an event loop."""

    async def run() -> web_sparql.Rows:
        return await select(text)

    return asyncio.run(run())


def _href_path(href: str) -> str:
    return urlsplit(href).path


# ---------------------------------------------------------------------------
# Meetings and videoconferences
# ---------------------------------------------------------------------------


def test_meeting_page_lists_its_invitations_by_rule(
    page: Any, gold: dict[str, Any], minter: Minter
) -> None:
    meetings = [m for m in gold_meetings(gold) if m.get("rule39_invitations")]
    assert meetings, "the gold file has a meeting with rule 39 invitations"
    for meeting in meetings:
        doc = page(str(minter.meeting(meeting["record"])))
        invitations = doc.find("ul", id="invitations")
        rule39 = [
            li.find(class_="invitee").text() for li in invitations.find_all("li", data_rule="39")
        ]
        assert sorted(rule39) == sorted(meeting["rule39_invitations"])
        rule37 = invitations.find_all("li", data_rule="37")
        assert len(rule37) == len(meeting.get("rule37_invitations", []))


def test_event_pages_show_date_item_record_and_source(
    page: Any, gold: dict[str, Any], minter: Minter
) -> None:
    for item in gold["items"]:
        item_iri = str(minter.item(item["key"]))
        for vc in item.get("videoconferences", []):
            date = dt.date.fromisoformat(str(vc["date"]))
            doc = page(str(minter.videoconference(date, item["key"])))
            article = doc.find("article", data_iri=str(minter.videoconference(date, item["key"])))
            assert article.find_all("time", datetime=date.isoformat())
            hrefs = {_href_path(a.attrs["href"]) for a in article.find_all("a")}
            assert Site().page_path(item_iri) in hrefs
            record = doc.find("dd", id="record")
            if vc.get("record"):
                assert vc["record"] in record.text()
                undocs = [a for a in record.find_all("a") if "undocs.org" in a.attrs["href"]]
                assert undocs and undocs[0].attrs["href"].endswith("/" + vc["record"])
            # The event's own table row is among the sources, with its page.
            sources = doc.find("section", id="sources").find_all("li")
            assert sources and all(li.attrs["data-page-index"] for li in sources)


def test_meeting_page_shows_speakers_and_representation(
    page: Any, gold: dict[str, Any], minter: Minter
) -> None:
    for meeting in gold_meetings(gold):
        doc = page(str(minter.meeting(meeting["record"])))
        speakers = doc.find("ul", id="speakers")
        participants = {li.attrs["data-participant"] for li in speakers.find_all("li")}
        if meeting["speakers"].get("all_council_members"):
            assert str(CKG.AllCouncilMembers) in participants
        for note in meeting["speakers"].get("notes", []):
            rep = [
                li
                for li in speakers.find_all("li", class_="representation")
                if li.attrs["data-participant"] == str(minter.state(note["state"]))
            ]
            assert len(rep) == 1
            assert note["represented_by"] in rep[0].text()


# ---------------------------------------------------------------------------
# Drafts and votes
# ---------------------------------------------------------------------------


def test_draft_page_has_the_vote_table(page: Any, gold: dict[str, Any], minter: Minter) -> None:
    assert gold["votes"]
    for vote in gold["votes"]:
        doc = page(str(minter.document(vote["draft"])))
        table = doc.find("table", id="votes")
        rows = table.find("tbody").find_all("tr")
        expected = gold_positions(vote)
        assert len(rows) == len(expected)
        assert {tr.attrs["data-iso3"]: tr.attrs["data-position"] for tr in rows} == expected
        p5 = permanent_members(dt.date.fromisoformat(str(vote["date"])).year)
        for tr in rows:
            marked = tr.attrs["data-permanent"] == "true"
            assert marked == (tr.attrs["data-iso3"] in p5)
            assert bool(tr.find_all("abbr", class_="p5")) == marked
            # Every member's vote points to the passage that records it.
            refs = tr.find_all("a", class_="src")
            assert refs and all(doc.find("li", id=a.attrs["href"][1:]) for a in refs)
        summary = doc.find("dl", id="votes-result")
        adopted = vote["adopted"]
        assert summary.attrs["data-result"] == ("Adopted" if adopted else "NotAdopted")
        if not adopted:
            against_p5 = set(vote["against"]) & p5
            reason = "InsufficientVotes" if len(vote["for"]) < 9 else "Veto"
            assert summary.attrs["data-reason"] == reason
            shown = {
                a.attrs["href"]
                for a in summary.find("dd", class_="permanent-against").find_all("a")
            }
            assert shown == {Site().page_href(str(minter.state(c))) for c in against_p5}


def test_vote_sources_give_the_page_of_the_vote(
    page: Any, gold: dict[str, Any], minter: Minter, seed_store: GraphStore
) -> None:
    """The source a vote row links to is on the page the graph says the
    vote's span is on (checked with the test's own query)."""
    vote = gold["votes"][0]
    doc = page(str(minter.document(vote["draft"])))
    for tr in doc.find("table", id="votes").find("tbody").find_all("tr"):
        iri = str(minter.vote(vote["draft"], tr.attrs["data-iso3"]))
        pages = {
            r["i"]
            for r in sparql_rows(
                seed_store,
                "PREFIX prov: <http://www.w3.org/ns/prov#> "
                "PREFIX ckg: <https://w3id.org/councilkg/ontology#> "
                f"SELECT ?i WHERE {{ <{iri}> prov:wasDerivedFrom/ckg:onPage/ckg:pageIndex ?i }}",
            )
        }
        shown = {
            doc.find("li", id=a.attrs["href"][1:]).attrs["data-page-index"]
            for a in tr.find_all("a", class_="src")
        }
        assert shown == pages


def test_event_page_of_a_vote_has_the_vote_table(
    page: Any, gold: dict[str, Any], minter: Minter
) -> None:
    for vote in gold["votes"]:
        date = dt.date.fromisoformat(str(vote["date"]))
        doc = page(str(minter.videoconference(date, vote["item"])))
        rows = doc.find("table", id="votes").find("tbody").find_all("tr")
        assert {tr.attrs["data-iso3"]: tr.attrs["data-position"] for tr in rows} == (
            gold_positions(vote)
        )
        decisions = doc.find("ul", id="decisions")
        assert decisions.find("li", data_decision=str(minter.document(vote["draft"])))


def test_vote_event_page_is_generic_with_the_vote(
    page: Any, gold: dict[str, Any], minter: Minter
) -> None:
    vote = gold["votes"][0]
    doc = page(str(minter.vote_event(vote["draft"])))
    assert doc.find("article", class_="resource")
    rows = doc.find("table", id="votes").find("tbody").find_all("tr")
    assert len(rows) == len(gold_positions(vote))


# ---------------------------------------------------------------------------
# Documents
# ---------------------------------------------------------------------------


def test_document_page_shows_kind_undocs_and_citations(
    page: Any, gold: dict[str, Any], minter: Minter, seed_store: GraphStore
) -> None:
    for symbol, kind in gold["document_kinds"].items():
        iri = str(minter.document(symbol))
        doc = page(iri)
        article = doc.find("article", data_iri=iri)
        assert article.attrs["data-symbol"] == symbol
        undocs = [a.attrs["href"] for a in doc.find_all("a", class_="undocs")]
        assert undocs and all(h.startswith("https://undocs.org/") for h in undocs)
        assert all(h.endswith("/" + symbol) for h in undocs)
        # Its kind, as the ontology names it, is printed.
        kinds = {_href_path(a.attrs["href"]) for a in doc.find("dd", class_="kinds").find_all("a")}
        assert kinds, kind
        # Everything that cites it (the test's own query) is listed, and the
        # supplements whose footnotes, passages or pages do.
        citing = {
            r["c"]
            for r in sparql_rows(
                seed_store,
                "PREFIX ckg: <https://w3id.org/councilkg/ontology#> SELECT DISTINCT ?c WHERE { "
                f"{{ ?c <http://purl.org/spar/cito/cites> <{iri}> }} UNION "
                f"{{ ?u <http://purl.org/spar/cito/cites> <{iri}> ; "
                "ckg:supplement|ckg:ofSource/ckg:supplement ?c } }",
            )
        }
        listed = {li.attrs["data-citing"] for li in doc.find_all("li", data_citing=True)}
        if citing:
            listed = {li.attrs["data-citing"] for li in doc.find("ul", id="citing").find_all("li")}
        assert listed == citing


def test_letter_page_names_senders(page: Any, gold: dict[str, Any], minter: Minter) -> None:
    for letter in gold["letters"]:
        doc = page(str(minter.document(letter["symbol"])))
        senders = letter["from"] if isinstance(letter["from"], list) else [letter["from"]]
        hrefs = {a.attrs["href"] for a in doc.find("dd", id="senders").find_all("a")}
        assert hrefs == {Site().page_href(str(minter.state(s))) for s in senders}
        behalf = letter.get("on_behalf_of", [])
        if behalf:
            hrefs = {a.attrs["href"] for a in doc.find("dd", id="on-behalf-of").find_all("a")}
            assert hrefs == {Site().page_href(str(minter.state(s))) for s in behalf}


# ---------------------------------------------------------------------------
# States
# ---------------------------------------------------------------------------


def test_state_page_shows_votes_chart_and_letters(
    page: Any, gold: dict[str, Any], minter: Minter
) -> None:
    """Every State that both voted and wrote letters in the gold file."""

    def senders(letter: dict[str, Any]) -> set[str]:
        found = letter["from"] if isinstance(letter["from"], list) else [letter["from"]]
        return set(found) | set(letter.get("on_behalf_of", []))

    voters = {iso3 for vote in gold["votes"] for iso3 in gold_positions(vote)}
    writers = {iso3 for letter in gold["letters"] for iso3 in senders(letter)}
    states = sorted(voters & writers)
    assert states
    for iso3 in states:
        doc = page(str(minter.state(iso3)))
        assert doc.find("article", data_iso3=iso3)
        rows = doc.find("table", id="state-votes").find("tbody").find_all("tr")
        expected = {
            Site().page_href(str(minter.document(v["draft"]))): gold_positions(v)[iso3]
            for v in gold["votes"]
            if iso3 in gold_positions(v)
        }
        shown = {tr.find_all("a")[0].attrs["href"]: tr.attrs["data-position"] for tr in rows}
        assert shown == expected
        # The chart counts the same positions.
        bars = {
            g.attrs["data-position"]: int(g.attrs["data-count"])
            for g in doc.find("svg", class_="bars").find_all("g", class_="bar")
        }
        for position in set(expected.values()):
            assert bars[position] == list(expected.values()).count(position)
        assert sum(bars.values()) == len(expected)
        letters = {li.attrs["data-letter"] for li in doc.find("ul", id="letters").find_all("li")}
        assert letters == {
            str(minter.document(letter["symbol"]))
            for letter in gold["letters"]
            if iso3 in senders(letter)
        }


def test_state_page_shows_positions_and_membership(
    page: Any, gold: dict[str, Any], minter: Minter
) -> None:
    positions: dict[str, set[int]] = {}
    for number, footnote in gold["footnotes"].items():
        for iso3 in footnote.get("states", []):
            positions.setdefault(iso3, set()).add(int(number))
    for iso3, numbers in sorted(positions.items())[:4]:
        doc = page(str(minter.state(iso3)))
        shown = {
            int(li.attrs["data-footnote"]) for li in doc.find("ul", id="positions").find_all("li")
        }
        assert shown == numbers
        terms = doc.find_all("ul", id="memberships")
        if iso3 in permanent_members(int(gold["source"]["period"])):
            assert terms and terms[0].find_all("li", data_permanent="true")


# ---------------------------------------------------------------------------
# Agenda items
# ---------------------------------------------------------------------------


def test_item_page_timeline_in_date_order(page: Any, gold: dict[str, Any], minter: Minter) -> None:
    for item in gold["items"]:
        events = item.get("meetings", []) + item.get("videoconferences", [])
        if not events:
            continue
        doc = page(str(minter.item(item["key"])))
        entries = doc.find("ol", id="timeline").find_all("li")
        dates = [li.attrs["data-date"] for li in entries]
        assert dates == sorted(dates)
        shown_events = [li for li in entries if li.attrs["data-kind"] != "decision"]
        assert sorted(li.attrs["data-date"] for li in shown_events) == sorted(
            str(e["date"]) for e in events
        )
        decisions = {li.attrs["data-decision"] for li in entries if "data-decision" in li.attrs}
        assert decisions == {
            str(minter.document(d["symbol"])) for e in events for d in e.get("decisions", [])
        }
        # A decision comes after the event it was taken at.
        for i, li in enumerate(entries):
            if li.attrs["data-kind"] == "decision":
                assert i > 0 and entries[i - 1].attrs["data-date"] == li.attrs["data-date"]


# ---------------------------------------------------------------------------
# Languages, links, escaping
# ---------------------------------------------------------------------------


def test_labels_switch_between_zh_and_en(
    page: Any, gold: dict[str, Any], minter: Minter, seed_store: GraphStore
) -> None:
    meeting = next(m for m in gold_meetings(gold) if m.get("rule39_invitations"))
    iri = str(minter.meeting(meeting["record"]))
    en, zh = page(iri, "en"), page(iri, "zh")
    assert en.find("html").attrs["lang"] == "en"
    assert zh.find("html").attrs["lang"] == "zh"
    for doc, lang in ((en, "en"), (zh, "zh")):
        for li in doc.find("ul", id="invitations").find_all("li"):
            invitee = li.attrs["data-invitee"]
            label = sparql_rows(
                seed_store,
                "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
                f'SELECT ?l WHERE {{ <{invitee}> skos:prefLabel ?l FILTER(LANG(?l) = "{lang}") }}',
            )
            assert li.find(class_="invitee").text() == " ".join(label[0]["l"].split())
    # The switch: links named 中文 / English, with hreflang, to this page.
    switch = {a.text(): a for a in en.find("p", class_="langs").find_all("a")}
    assert switch["中文"].attrs["hreflang"] == "zh"
    assert parse_qs(urlsplit(switch["中文"].attrs["href"]).query) == {"lang": ["zh"]}
    assert _href_path(switch["中文"].attrs["href"]) == Site().page_path(iri)
    back = {a.text(): a for a in zh.find("p", class_="langs").find_all("a")}
    assert back["English"].attrs["hreflang"] == "en"
    # Internal links keep the language.
    for a in zh.find("main").find_all("a"):
        href = a.attrs["href"]
        if href.startswith("/page/"):
            assert parse_qs(urlsplit(href).query).get("lang") == ["zh"], href
    # UI strings switch too.
    assert zh.find("nav").find_all("a")[0].text() == strings()["nav_index"]["zh"]
    assert en.find("nav").find_all("a")[0].text() == strings()["nav_index"]["en"]


ALLOWED = ("/page/", "/static/", "/data/", "/query", "/sparql", "/.well-known/void")


def _check_links(doc: Node) -> list[str]:
    """Every href is a page of the site (or its data, static files, the
    query page, the endpoint, the dataset description), a fragment of this
    page that exists, or an absolute external URL; returns the /page/ links."""
    pages = []
    ids = {n.attrs["id"] for n in doc.iter() if "id" in n.attrs}
    for node in doc.iter():
        href = node.attrs.get("href")
        if href is None:
            continue
        if href.startswith("#"):
            assert href[1:] in ids, href
            continue
        parts = urlsplit(href)
        if parts.scheme:
            assert parts.scheme in ("https", "http") and parts.netloc, href
            assert not parts.netloc.startswith(("localhost", "127.")), href
            continue
        assert parts.path == "/" or parts.path.startswith(ALLOWED), href
        if parts.path.startswith("/page/"):
            pages.append(parts.path)
    return pages


def test_every_link_is_internal_and_alive_or_external(
    page: Any,
    select: web_sparql.Select,
    gold: dict[str, Any],
    minter: Minter,
    seed_store: GraphStore,
) -> None:
    site = Site()
    iris = [
        str(minter.meeting(gold_meetings(gold)[0]["record"])),
        str(minter.document(gold["votes"][0]["draft"])),
        str(minter.state(gold["votes"][0]["against"][0])),
        str(minter.item(gold["items"][1]["key"])),
        str(minter.footnote(str(gold["source"]["period"]), min(gold["footnotes"]))),
    ]
    linked: set[str] = set()
    for iri in iris:
        for lang in ("en", "zh"):
            linked.update(_check_links(page(iri, lang)))
    index = parse(asyncio.run(render_index(select, site)))
    linked.update(_check_links(index))
    _check_links(parse(render_not_found("/page/nothing", site, [])))
    # Every page linked to is a resource the graph knows (the test's own ASK).
    assert len(linked) > 30
    for path in sorted(linked):
        iri = site.iri_for(path.removeprefix("/page/"))
        found = seed_store.query(f"ASK {{ {{ <{iri}> ?p ?o }} UNION {{ ?s ?p <{iri}> }} }}")
        assert bool(found), f"dead link {path}"


def test_labels_and_passages_are_escaped(seed_store: GraphStore, minter: Minter) -> None:
    """A label or text with markup in a (mutated copy of the) store is shown
    as text, never as markup."""
    store = GraphStore.in_memory()
    store.oxigraph.bulk_extend(seed_store.oxigraph.quads_for_pattern(None, None, None, None))
    evil = '<script>alert("x")</script><b onclick="x">&amp;'
    iri = str(minter.state("CHN"))
    for lang in ("en", "zh"):
        store.oxigraph.add(
            ox.Quad(
                ox.NamedNode(iri),
                ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel"),
                ox.Literal(evil, language=lang),
                ox.DefaultGraph(),
            )
        )
    select = store_select(store)
    for target in (iri, str(minter.meeting("S/PV.8733"))):
        html = asyncio.run(render_resource(target, select, Site()))
        assert html is not None
        doc = parse(html)
        assert not doc.find_all("script")
        assert not doc.find_all("b")
    state = parse(asyncio.run(render_resource(iri, select, Site())) or "")
    assert evil in {n.text() for n in state.find_all("h1")}


def test_unknown_iris_give_none(select: web_sparql.Select, minter: Minter) -> None:
    for iri in (
        str(minter.state("XXX")),
        str(minter.document("S/2099/1")),
        minter.base + "id/",
        "not an iri",
        str(minter.state("CHN")) + "> } ; DROP ALL #",
        'https://w3id.org/councilkg/id/x"y',
        minter.base + "id/%zz",
        minter.base + "id/[x]",
    ):
        assert asyncio.run(render_resource(iri, select, Site())) is None, iri


def test_not_found_page_says_what_was_asked(select: web_sparql.Select, minter: Minter) -> None:
    site = Site(lang="zh")
    asked = "/page/state/chn<b>"
    near = asyncio.run(suggest(minter.base + "id/state/chn", select, site))
    assert [s.iri for s in near] == [str(minter.state("CHN"))]
    doc = parse(render_not_found(asked, site, [*near, str(minter.state("FRA"))]))
    assert doc.find("code", id="asked").text() == asked
    assert not doc.find_all("b")
    hrefs = [a.attrs["href"] for a in doc.find("ul", id="suggestions").find_all("a")]
    assert hrefs == [
        site.page_href(str(minter.state("CHN"))),
        site.page_href(str(minter.state("FRA"))),
    ]
    paths = {_href_path(a.attrs["href"]) for a in doc.find_all("a")}
    assert {"/", "/query"} <= paths
    assert doc.find("html").attrs["lang"] == "zh"
    assert isinstance(near[0], Suggestion) and near[0].label == "中国"


# ---------------------------------------------------------------------------
# The index
# ---------------------------------------------------------------------------


def test_index_counts_match_the_graph(select: web_sparql.Select, seed_store: GraphStore) -> None:
    site = Site(dumps=(("N-Quads", "/dumps/councilkg.nq.gz"),))
    doc = parse(asyncio.run(render_index(select, site)))
    counts = {
        div.attrs["data-kind"]: int(div.attrs["data-count"])
        for div in doc.find("dl", id="counts").find_all("div")
    }
    for term in (CKG.Meeting, CKG.Videoconference, CKG.Document, CKG.State, CKG.AgendaItem):
        assert str(term) in counts
    for kind, count in counts.items():
        if kind == str(CKG.AgendaItem):
            continue  # the items held under (test_the_index_counts_the_items_it_lists)
        rows = sparql_rows(
            seed_store, f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ ?x a <{kind}> }}"
        )
        assert count == int(rows[0]["n"]), kind
    hrefs = {_href_path(a.attrs["href"]) for a in doc.find_all("a")}
    assert {"/query", "/sparql", "/.well-known/void", "/dumps/councilkg.nq.gz"} <= hrefs
    # Entry points: the latest events, items, States and cited documents.
    for list_id in ("events", "items", "states", "most-cited"):
        assert doc.find(None, id=list_id).find_all("li"), list_id


# ---------------------------------------------------------------------------
# The pieces
# ---------------------------------------------------------------------------


def test_every_page_kind_renders_in_both_languages(
    page: Any, minter: Minter, gold: dict[str, Any]
) -> None:
    """One resource of each page kind, and a passage and a role (generic
    pages); StrictUndefined makes a missing value fail here."""
    iris = {
        "event": str(minter.meeting(gold_meetings(gold)[0]["record"])),
        "document": str(minter.document(gold["documents"][0])),
        "state": str(minter.state(gold["states_mentioned"][0])),
        "item": str(minter.item(gold["items"][0]["key"])),
        "resource": str(minter.footnote(str(gold["source"]["period"]), max(gold["footnotes"]))),
    }
    for kind, iri in iris.items():
        for lang in ("en", "zh"):
            doc = page(iri, lang)
            article = doc.find("article", data_iri=iri)
            assert kind in article.attrs["class"].split() or kind == "event"
            assert doc.find("meta", name="viewport")
            assert doc.find("link", rel="stylesheet").attrs["href"] == "/static/site.css"
            footer = doc.find("footer")
            data = {_href_path(a.attrs["href"]) for a in footer.find_all("a")}
            for ext, _, _ in Site().data_formats:
                assert f"/data/{Site().rest(iri)}.{ext}" in data


def test_generic_page_shows_properties_incoming_and_source(
    page: Any, minter: Minter, gold: dict[str, Any]
) -> None:
    number = max(gold["footnotes"])
    iri = str(minter.footnote(str(gold["source"]["period"]), number))
    doc = page(iri)
    props = {
        tr.attrs["data-property"]
        for tr in doc.find("table", id="properties").find_all("tr", data_property=True)
    }
    assert str(CKG.footnoteNumber) in props and str(CKG.text) in props
    assert doc.find("section", id="sources").find_all("li")
    cited = gold["footnotes"][number]["cites"]
    links = {a.attrs["href"] for a in doc.find("table", id="properties").find_all("a")}
    for symbol in cited:
        assert Site().page_href(str(minter.document(symbol))) in links


def test_page_kind_dispatch() -> None:
    assert page_kind([str(CKG.Meeting)]) == "event"
    assert page_kind([str(CKG.Letter), str(CKG.Document)]) == "document"
    assert page_kind([str(CKG.MemberState), str(CKG.State)]) == "state"
    assert page_kind([str(CKG.AgendaItem)]) == "item"
    assert page_kind([str(CKG.SubItem)]) == "resource"
    assert page_kind([]) == "resource"


def test_site_links() -> None:
    base = "https://example.org/kg/"
    site = Site(base=base, lang="zh", root="/mirror", path="/page/state/CHN")
    iri = base + "id/document/S/RES/2231(2015)"
    assert site.page_href(iri) == "/mirror/page/document/S/RES/2231(2015)?lang=zh"
    assert site.data_href(iri, "jsonld") == "/mirror/data/document/S/RES/2231(2015).jsonld"
    assert site.lang_href("en") == "/mirror/page/state/CHN?lang=en"
    assert site.href("/query") == "/mirror/query?lang=zh"
    assert site.static("site.css") == "/mirror/static/site.css"
    assert site.page_href("https://w3id.org/councilkg/id/state/CHN") == (
        "https://w3id.org/councilkg/id/state/CHN"
    )
    assert site.iri_for("item/%E5%92%8C") == base + "id/item/%E5%92%8C"
    assert site.page_href(site.iri_for("item/%E5%92%8C")) == "/mirror/page/item/%E5%92%8C?lang=zh"
    assert site.undocs("S/2020/797") is not None
    assert site.undocs("not a symbol") is None
    assert Site().undocs("S/2020/797") == "https://undocs.org/en/S/2020/797"
    assert site.tail(base + "id/footnote/2020/824") == "脚注 2020 824"
    with pytest.raises(ValueError):
        Site(lang="fr")
    with pytest.raises(ValueError):
        Site(root="/x/")


def test_label_choice_falls_back() -> None:
    labels = {"a": {"zh": "甲", "en": "A"}, "b": {"zh": "乙"}, "c": {"": "C-1"}}
    zh, en = Site(lang="zh"), Site(lang="en")
    assert zh.label("a", labels) == "甲" and en.label("a", labels) == "A"
    assert en.label("b", labels) == "乙"
    assert en.label("c", labels) == "C-1"
    assert choose_label({}, "en") is None
    assert en.label("http://example.org/x#Thing", labels) == "Thing"


def test_store_select_gives_sparql_json_bindings(select: web_sparql.Select, minter: Minter) -> None:
    rows = ask(select, bind_iris(page_query("about"), "this", [str(minter.state("CHN"))]))
    assert rows and set(rows[0]) == {"type", "isSubject", "isObject"}
    assert rows[0]["type"]["type"] == "uri"
    assert rows[0]["isSubject"] == {
        "type": "literal",
        "value": "true",
        "datatype": "http://www.w3.org/2001/XMLSchema#boolean",
    }
    labels = ask(select, bind_iris(page_query("labels"), "s", [str(minter.state("CHN"))]))
    assert {r["label"].get("xml:lang") for r in labels} == {"en", "zh"}


def test_values_are_bound_safely() -> None:
    text = "SELECT ?s WHERE { ?s ?p ?o }"
    assert "VALUES ?s { <http://example.org/a> }" in bind_iris(text, "s", ["http://example.org/a"])
    for bad in ("http://example.org/a> } DROP ALL {", "no scheme", "http://a b", 'http://a"b'):
        assert not is_iri(bad)
        with pytest.raises(ValueError):
            bind_iris(text, "s", [bad])
    with pytest.raises(ValueError):
        bind_iris(text, "s } #", ["http://example.org/a"])
    assert '"a\\"b"' in bind_strings(text, "o", ['a"b'])


def test_page_queries_are_files_outside_the_catalogue() -> None:
    folder = resource_dir("queries").joinpath("pages")
    names = sorted(f.name.removesuffix(".rq") for f in folder.iterdir() if f.name.endswith(".rq"))
    assert "about" in names and "labels" in names
    # A subfolder never enters the prepared-query catalogue.
    texts = {page_query(name) for name in names}
    assert not texts & {q.text for q in prepared.catalogue()}
    for name in names:
        assert page_query(name).lstrip().startswith("#"), f"{name}.rq says what it is for"


def test_page_queries_run_on_the_store(seed_store: GraphStore, minter: Minter) -> None:
    """Every page query parses and runs, bound to a real IRI where it binds one."""
    folder = resource_dir("queries").joinpath("pages")
    bound = re.compile(r"# Bound: \?(\w+)")
    for f in sorted(folder.iterdir(), key=lambda f: f.name):
        if not f.name.endswith(".rq"):
            continue
        text = f.read_text(encoding="utf-8")
        m = bound.search(text)
        if m and "literals" in text.split("Bound:", 1)[1].splitlines()[0]:
            text = bind_strings(text, m.group(1), ["CHN"])
        elif m:
            text = bind_iris(text, m.group(1), [str(minter.state("CHN"))])
        rows_of(ask(store_select(seed_store), text))


def test_strings_are_complete_in_both_languages() -> None:
    for section in ("ui", "kinds", "capacities", "blocks", "query", "query_script"):
        for key, langs in strings(section).items():
            assert set(langs) == {"en", "zh"}, (section, key)
            for value in langs.values():
                # a string, or its plural forms: "one" and "other", both given
                forms = value if isinstance(value, dict) else {"other": value}
                assert set(forms) in ({"other"}, {"one", "other"}), (section, key)
                assert all(v.strip() for v in forms.values()), (section, key)
    assert {k.value for k in BlockKind} <= set(strings("blocks"))
    capacities = {c["capacity"] for c in load_lexicon("zh").value("narrative", "capacities")}
    assert capacities <= set(strings("capacities"))
    # Every string a template names exists (t("key"), t('key')) ...
    env = environment()
    used: set[str] = set()
    for name in env.list_templates():
        source = env.loader.get_source(env, name)[0] if env.loader else ""
        used.update(re.findall(r"""\bt\(\s*["']([a-z0-9_]+)["']\s*[,)]""", source))
    # ... and so do those made from the values a page query binds
    # (t("via_" ~ via), t("inverse_" ~ role), t("letter_" ~ role)).
    for line in page_query("event-documents").splitlines():
        if "AS ?via)" in line:
            used.update("via_" + v for v in re.findall(r'"(\w+)"', line))
    for prefix, query in (("inverse_", "document-events"), ("letter_", "state-letters")):
        used.update(prefix + v for v in re.findall(r"BIND\(ckg:(\w+) AS", page_query(query)))
    assert {"via_record", "via_passage", "inverse_record", "letter_sender"} <= used
    assert used <= set(strings("ui")), used - set(strings("ui"))


def test_bar_chart_geometry() -> None:
    chart = bar_chart("t", [("a", "A", 4), ("b", "B", 2), ("c", "C", 0)], width=200, label_width=60)
    assert [b.width for b in chart.bars] == [100.0, 50.0, 0.0]
    assert chart.bars[1].y > chart.bars[0].y
    assert bar_chart("t", []).bars == ()


def test_long_lists_are_capped_and_the_chart_counts_all(
    seed_store: GraphStore, minter: Minter
) -> None:
    """A State with more votes than a page lists: the page shows the latest
    ones and says there are more; the chart still counts every vote."""
    store = GraphStore.in_memory()
    store.oxigraph.bulk_extend(seed_store.oxigraph.quads_for_pattern(None, None, None, None))
    iso3 = "CHN"
    cap = web_sparql.shown_limit("state-votes")
    extra = cap + 5
    ckg = "https://w3id.org/councilkg/ontology#"
    quads = []
    for k in range(extra):
        draft = ox.NamedNode(str(minter.document(f"S/1990/{k + 1}")))
        event = ox.NamedNode(str(minter.vote_event(f"S/1990/{k + 1}")))
        vote = ox.NamedNode(str(minter.vote(f"S/1990/{k + 1}", iso3)))
        date = ox.Literal(
            (dt.date(1990, 1, 1) + dt.timedelta(days=k)).isoformat(),
            datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#date"),
        )
        quads += [
            ox.Quad(event, ox.NamedNode(ckg + "onDraft"), draft, ox.DefaultGraph()),
            ox.Quad(event, ox.NamedNode("http://purl.org/dc/terms/date"), date, ox.DefaultGraph()),
            ox.Quad(vote, ox.NamedNode(ckg + "inVoteEvent"), event, ox.DefaultGraph()),
            ox.Quad(
                vote,
                ox.NamedNode(ckg + "voter"),
                ox.NamedNode(str(minter.state(iso3))),
                ox.DefaultGraph(),
            ),
            ox.Quad(
                vote,
                ox.NamedNode(ckg + "position"),
                ox.NamedNode(str(CKG.Abstaining)),
                ox.DefaultGraph(),
            ),
        ]
    store.oxigraph.extend(quads)
    html = asyncio.run(render_resource(str(minter.state(iso3)), store_select(store), Site()))
    doc = parse(html or "")
    rows = doc.find("table", id="state-votes").find("tbody").find_all("tr")
    assert len(rows) == cap
    dates = [tr.find("time").attrs["datetime"] for tr in rows]
    assert dates == sorted(dates)
    # The latest are shown: the seed's own vote (2020) is the last row.
    assert dates[-1].startswith("2020")
    assert doc.find_all("p", class_="more")
    total = sum(
        int(g.attrs["data-count"])
        for g in doc.find("svg", class_="bars").find_all("g", class_="bar")
    )
    all_votes = sparql_rows(
        store,
        f"SELECT (COUNT(?v) AS ?n) WHERE {{ ?v <{ckg}voter> <{minter.state(iso3)}> }}",
    )
    assert total == int(all_votes[0]["n"]) == extra + 1


def test_shown_limits_come_from_the_query_files() -> None:
    for name in ("state-votes", "state-positions", "state-letters", "state-participation"):
        assert web_sparql.shown_limit(name) == 100
    assert web_sparql.shown_limit("incoming") == 500
    with pytest.raises(ValueError):
        web_sparql.shown_limit("about")


def test_counts_read_as_english_does() -> None:
    """ "cited 1 times" and "1 rows" read wrong: English strings with a
    number have a singular form."""
    en, zh = translator("en"), translator("zh")
    assert en("n_citations", n=1) == "cited once"
    assert en("n_citations", n=3) == "cited 3 times"
    assert en("n_facts", n=1) == "1 fact"
    assert zh("n_citations", n=1) == "被引用 1 次"


def test_the_index_counts_the_items_it_lists(seed_store: GraphStore) -> None:
    """ "Agenda item 15" above a list of 2: the count is of the items the list
    shows (held under), not of the curated table's entries."""
    from councilkg.resources import read_text

    counts = {
        r["kind"].value: int(r["count"].value)
        for r in seed_store.query(read_text("queries", "pages/index-counts.rq"))
    }
    listed = list(seed_store.query(read_text("queries", "pages/index-items.rq")))
    assert counts[str(CKG.AgendaItem)] == len(listed) > 0
