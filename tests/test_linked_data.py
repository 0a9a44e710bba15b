"""Dereferenceable IRIs over real HTTP: ``/id`` 303s, ``/page`` and ``/data``
content negotiation, languages, 404s, static files and the query page's
helpers (``councilkg.server.linked_data``).

The real server (uvicorn and its worker processes) serves an on-disk store
built from the seed.  Each served format is parsed by a real parser
(pyoxigraph for Turtle and N-Triples, rdflib for JSON-LD) and compared with
what the store itself says about the resource, so the tests check the
protocol and the description, not a copy of either.
"""

from __future__ import annotations

import http.client
import json
import urllib.parse
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from councilkg.ingest.iris import Minter
from councilkg.ingesting import load
from councilkg.server import RunningServer, start_server
from councilkg.store import GraphStore
from tests.httpcall import Reply, call

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "samples" / "000_e9c79a4311407cd1.txt"
M = Minter()
BASE = M.base
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"

# One resource of each kind the issue names: a meeting, a document, a State.
RESOURCES = {
    "meeting": str(M.meeting("S/PV.8733")),
    "document": str(M.document("S/2020/797")),
    "state": str(M.state("CHN")),
}
FORMATS = {
    "text/turtle": ("ttl", ox.RdfFormat.TURTLE),
    "application/n-triples": ("nt", ox.RdfFormat.N_TRIPLES),
    "application/ld+json": ("jsonld", None),
}


@pytest.fixture(scope="module")
def store_path(sample_store_path: Path) -> Path:
    return sample_store_path


@pytest.fixture(scope="module")
def server(store_path: Path) -> Iterator[RunningServer]:
    with start_server(store_path, timeout_s=10.0, workers=2) as running:
        yield running


@pytest.fixture(scope="module")
def store(server: RunningServer, store_path: Path) -> GraphStore:
    """The same store, read-only beside the server's workers."""
    return GraphStore(store_path, read_only=True)


def get(
    server: RunningServer, path: str, headers: dict[str, str] | None = None, method: str = "GET"
) -> Reply:
    return call(server, method, path, headers=headers, timeout=30)


def local(iri: str) -> str:
    """The path below ``/id/`` of a data IRI."""
    assert iri.startswith(BASE + "id/")
    return iri[len(BASE + "id/") :]


def expected(store: GraphStore, iri: str) -> set[tuple[str, str, str]]:
    """Triples the store has with ``iri`` as subject or object."""
    out = set()
    for q in store.oxigraph.quads_for_pattern(ox.NamedNode(iri), None, None, ox.DefaultGraph()):
        out.add((str(q.subject), q.predicate.value, str(q.object)))
    for q in store.oxigraph.quads_for_pattern(None, None, ox.NamedNode(iri), ox.DefaultGraph()):
        out.add((str(q.subject), q.predicate.value, str(q.object)))
    return out


def parsed(body: bytes, fmt: ox.RdfFormat | None) -> set[tuple[str, str, str]]:
    if fmt is None:  # JSON-LD through rdflib, an independent parser
        g = rdflib.Graph().parse(data=body, format="json-ld")
        nt = g.serialize(format="nt")
        fmt, body = ox.RdfFormat.N_TRIPLES, nt.encode("utf-8")
    return {(str(t.subject), t.predicate.value, str(t.object)) for t in ox.parse(body, format=fmt)}


# --------------------------------------------------------------------------
# /id: 303 See Other by Accept


@pytest.mark.parametrize("kind", sorted(RESOURCES))
@pytest.mark.parametrize("accept", sorted(FORMATS))
def test_id_redirects_rdf_clients_to_the_data(
    server: RunningServer, kind: str, accept: str
) -> None:
    rest = local(RESOURCES[kind])
    status, headers, _ = get(server, f"/id/{rest}", {"Accept": accept})
    assert status == 303
    assert headers["location"] == f"/data/{rest}.{FORMATS[accept][0]}"
    assert "Accept" in headers["vary"]


@pytest.mark.parametrize("kind", sorted(RESOURCES))
def test_id_redirects_browsers_to_the_page(server: RunningServer, kind: str) -> None:
    rest = local(RESOURCES[kind])
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    status, headers, _ = get(server, f"/id/{rest}", {"Accept": browser})
    assert status == 303 and headers["location"] == f"/page/{rest}"
    status, headers, _ = get(server, f"/id/{rest}?lang=zh", {"Accept": browser})
    assert headers["location"] == f"/page/{rest}?lang=zh"
    # No Accept header at all: the page too.
    status, headers, _ = get(server, f"/id/{rest}")
    assert status == 303 and headers["location"].startswith("/page/")


def test_id_with_nothing_acceptable_is_406(server: RunningServer) -> None:
    status, _, body = get(server, f"/id/{local(RESOURCES['state'])}", {"Accept": "image/png"})
    assert status == 406
    assert b"text/turtle" in body and b"text/html" in body


# --------------------------------------------------------------------------
# /data: the description, by Accept or by extension


# The labels a description adds of what it links to (a document's is its
# printed symbol, ckg:displaySymbol, a sub-property of rdfs:label).
LABELS = (
    RDFS_LABEL,
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "https://w3id.org/councilkg/ontology#displaySymbol",
)


@pytest.mark.parametrize("kind", sorted(RESOURCES))
@pytest.mark.parametrize("accept", sorted(FORMATS))
def test_data_by_accept_and_by_extension(
    server: RunningServer, store: GraphStore, kind: str, accept: str
) -> None:
    iri = RESOURCES[kind]
    ext, fmt = FORMATS[accept]
    want = expected(store, iri)
    assert want, f"the store has nothing about {iri}"
    for path, headers in (
        (f"/data/{local(iri)}", {"Accept": accept}),
        (f"/data/{local(iri)}.{ext}", {}),
    ):
        status, got_headers, body = get(server, path, headers)
        assert status == 200, body
        assert got_headers["content-type"].split(";")[0] == accept
        triples = parsed(body, fmt)
        # Every triple about the resource, plus labels of what it links to.
        assert want <= triples
        extra = {t for t in triples if t not in want}
        assert all(p in LABELS for _, p, _ in extra)


def test_jsonld_uses_the_published_context(server: RunningServer) -> None:
    status, headers, body = get(server, f"/data/{local(RESOURCES['meeting'])}.jsonld")
    assert status == 200
    doc = json.loads(body)
    assert "@context" in doc
    assert 'rel="http://www.w3.org/ns/json-ld#context"' in headers["link"]
    status, headers, context = get(server, "/context.jsonld")
    assert status == 200 and headers["content-type"] == "application/ld+json"
    assert "ckg" in json.loads(context)["@context"]


def test_data_lang_keeps_one_language(server: RunningServer, store: GraphStore) -> None:
    iri = RESOURCES["state"]
    for lang in ("zh", "en"):
        status, _, body = get(server, f"/data/{local(iri)}.nt?lang={lang}")
        assert status == 200
        tagged = [
            t
            for t in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)
            if isinstance(t.object, ox.Literal) and t.object.language
        ]
        assert tagged and all(t.object.language == lang for t in tagged)
    status, _, body = get(server, f"/data/{local(iri)}.nt")
    languages = {
        t.object.language
        for t in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)
        if isinstance(t.object, ox.Literal) and t.object.language
    }
    assert {"zh", "en"} <= languages


def test_every_iri_in_a_description_resolves(server: RunningServer, store: GraphStore) -> None:
    """Follow every data IRI the meeting's description links to: each answers
    303 at /id and 200 at its target (no dangling links, no 500)."""
    status, _, body = get(server, f"/data/{local(RESOURCES['meeting'])}.nt")
    iris = set()
    for t in ox.parse(body, format=ox.RdfFormat.N_TRIPLES):
        for term in (t.subject, t.object):
            if isinstance(term, ox.NamedNode) and term.value.startswith(BASE + "id/"):
                iris.add(term.value)
    assert len(iris) > 5
    for iri in sorted(iris):
        rest = urllib.parse.quote(local(iri), safe="/()._-~!$&'*+,;=:@%")
        status, headers, _ = get(server, f"/id/{rest}", {"Accept": "text/html"})
        assert status == 303, iri
        status, _, _ = get(server, headers["location"])
        assert status == 200, (iri, headers["location"])


# --------------------------------------------------------------------------
# Pages and 404s


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.lang = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "html":
            self.lang = dict(attrs).get("lang") or ""

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def page_text(body: bytes) -> _Text:
    parser = _Text()
    parser.feed(body.decode("utf-8"))
    return parser


@pytest.mark.parametrize("kind", sorted(RESOURCES))
def test_pages_follow_the_language(server: RunningServer, store: GraphStore, kind: str) -> None:
    iri = RESOURCES[kind]
    labels = {
        q.object.language: q.object.value
        for q in store.oxigraph.quads_for_pattern(
            ox.NamedNode(iri), ox.NamedNode(RDFS_LABEL), None, ox.DefaultGraph()
        )
        if isinstance(q.object, ox.Literal)
    }
    for lang, how in (("zh", "?lang=zh"), ("en", "?lang=en"), ("zh", "")):
        headers = {"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"} if not how else {}
        status, got, body = get(server, f"/page/{local(iri)}{how}", headers)
        assert status == 200
        assert got["content-type"].startswith("text/html")
        text = page_text(body)
        assert text.lang == lang
        if lang in labels:
            assert labels[lang] in "".join(text.parts)


@pytest.mark.parametrize(
    "path",
    [
        "/page/meeting/99999999",
        "/id/meeting/99999999",
        "/page/state/XXX",
        "/page/",
        "/id/",
        "/page/document/S/RES/2231(1915)",
        "/page/%E4%BD%A0%E5%A5%BD",
        "/id/state/%zz",
        "/page/state/a%20b",
        "/page/meeting/%3Cx%3E",
    ],
)
def test_unknown_iris_are_404_with_a_helpful_page(server: RunningServer, path: str) -> None:
    status, headers, body = get(server, path, {"Accept": "text/html"})
    assert status == 404
    assert headers["content-type"].startswith("text/html")
    text = "".join(page_text(body).parts)
    assert "404" in text or "not found" in text.lower() or "未找到" in text


def test_a_404_lists_near_iris(server: RunningServer) -> None:
    near = local(RESOURCES["meeting"])[:-1] + "0"  # one digit off
    status, _, body = get(server, f"/data/{near}.nt")
    assert status == 404
    assert RESOURCES["meeting"].encode() in body


def test_unknown_data_is_404_not_500(server: RunningServer) -> None:
    for path in (
        "/data/meeting/1.ttl",
        "/data/no/such/thing",
        "/data/.ttl",
        "/data/",
        "/data/state/%22x%22",
        "/data/state/%zz.nt",
    ):
        status, _, _ = get(server, path, {"Accept": "text/turtle"})
        assert status == 404, path


def test_index_and_static_files(server: RunningServer) -> None:
    status, headers, body = get(server, "/")
    assert status == 200 and headers["content-type"].startswith("text/html")
    for path, ctype in (
        ("/static/site.css", "text/css"),
        ("/static/query.js", "text/javascript"),
        ("/static/vendor/yasqe/yasqe.min.js", "text/javascript"),
        ("/static/vendor/yasqe/yasqe.min.css", "text/css"),
    ):
        status, headers, body = get(server, path)
        assert status == 200 and headers["content-type"].startswith(ctype), path
        assert body
    for path in ("/static/../server.py", "/static/vendor/../../routes.py", "/static/nope.js"):
        status, _, _ = get(server, path)
        assert status == 404, path


# --------------------------------------------------------------------------
# The query page's helpers


def test_prepared_query_binding(server: RunningServer) -> None:
    status, _, body = get(server, "/query/prepared?name=votes-on-draft&symbol=S/2020/797")
    assert status == 200
    text = json.loads(body)["query"]
    assert '"S/2020/797"' in text and "VALUES" in text
    status, _, body = get(server, "/query/prepared?name=votes-on-draft&symbol=not-a-symbol")
    assert status == 400 and "symbol" in json.loads(body)["error"]
    status, _, body = get(server, "/query/prepared?name=no-such-query")
    assert status == 400 and "votes-on-draft" in json.loads(body)["error"]


def test_labels_helper(server: RunningServer) -> None:
    conn = http.client.HTTPConnection(server.host, server.port, timeout=30)
    conn.request(
        "POST",
        "/query/labels",
        body=json.dumps([RESOURCES["state"], "http://example.org/x"]),
        headers={"Content-Type": "application/json"},
    )
    reply = conn.getresponse()
    data = json.loads(reply.read())
    conn.close()
    assert reply.status == 200
    assert set(data[RESOURCES["state"]]) >= {"zh", "en"}
    assert "http://example.org/x" not in data


def test_query_page_is_served(server: RunningServer) -> None:
    status, _headers, body = get(server, "/query?lang=zh")
    assert status == 200
    html = body.decode("utf-8")
    assert "/static/vendor/yasqe/yasqe.min.js" in html and "votes-on-draft" in html
    assert "cdn" not in html.lower() and "https://" not in html.split("<body", 1)[0]


# --------------------------------------------------------------------------
# The dataset description and the dumps

VOID = "http://rdfs.org/ns/void#"


@pytest.mark.parametrize("accept", sorted(FORMATS))
def test_void_counts_equal_the_store(server: RunningServer, store: GraphStore, accept: str) -> None:
    status, headers, body = get(server, "/.well-known/void", {"Accept": accept})
    assert status == 200 and headers["content-type"].split(";")[0] == accept
    g = rdflib.Graph().parse(
        data=body,
        format={
            "text/turtle": "turtle",
            "application/n-triples": "nt",
            "application/ld+json": "json-ld",
        }[accept],
    )
    void = rdflib.Namespace(VOID)
    dataset = next(g.subjects(void.sparqlEndpoint, rdflib.URIRef(server.endpoint)))
    assert _int(g.value(dataset, void.triples)) == store.count()
    subsets = {str(s): _int(g.value(s, void.triples)) for s in g.objects(dataset, void.subset)}
    assert subsets == {name: store.count(name) for name in store.graphs()}
    dumps = {str(o) for o in g.objects(dataset, void.dataDump)}
    assert f"{server.url}/dumps/councilkg.nq" in dumps


def test_dumps_hold_every_named_graph(server: RunningServer, store: GraphStore) -> None:
    status, headers, body = get(server, "/dumps/councilkg.nq")
    assert status == 200 and "attachment" in headers["content-disposition"]
    served = {str(q) for q in ox.parse(body, format=ox.RdfFormat.N_QUADS)}
    want = {str(q) for q in store.quads()}
    assert served == want
    status, _, again = get(server, "/dumps/councilkg.nq")
    assert again == body
    status, headers, gz = get(server, "/dumps/councilkg.ttl.gz")
    assert status == 200 and headers["content-type"] == "application/gzip"
    import gzip

    triples = {str(t) for t in ox.parse(gzip.decompress(gz), format=ox.RdfFormat.TURTLE)}
    assert len(triples) == store.count()
    status, _, body = get(server, "/dumps/other.nq")
    assert status == 404 and b"councilkg.nq" in body


# --------------------------------------------------------------------------
# A base IRI that points at the server: the graph's IRIs resolve as they are


def test_iris_resolve_when_the_base_points_at_the_server(tmp_path: Path) -> None:
    import socket

    with socket.socket() as sock:  # a free port, named in the IRIs before serving
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    minter = Minter(f"http://127.0.0.1:{port}/")
    path = tmp_path / "store"
    local_store = GraphStore(path)
    load([SEED], store=local_store, minter=minter, progress=False)
    local_store.flush()
    iris = sorted(
        {
            t.value
            for q in local_store.quads()
            for t in (q.subject, q.object, q.graph_name)
            if isinstance(t, ox.NamedNode) and t.value.startswith(minter.base)
        }
    )
    del local_store
    kinds = {iri[len(minter.base) :].split("/")[:2][-1] for iri in iris}
    assert {"meeting", "document", "state", "source", "reference"} <= kinds
    with start_server(path, port=port, timeout_s=10.0, workers=2) as running:
        assert running.port == port
        # One IRI of each kind (first path segments), and every graph name.
        seen: dict[tuple[str, ...], str] = {}
        for iri in iris:
            seen.setdefault(tuple(iri[len(minter.base) :].split("/")[:2]), iri)
        for iri in sorted(seen.values()):
            parts = urllib.parse.urlsplit(iri)
            target = urllib.parse.quote(parts.path, safe="/()._-~!$&'*+,;=:@%")
            status, headers, _ = get(running, target, {"Accept": "text/turtle"})
            if status == 303:
                status, headers, _ = get(running, headers["location"])
            assert status == 200, iri
            assert headers["content-type"].startswith("text/turtle"), iri


def _int(node: object) -> int:
    """A literal's integer value (fails on anything else)."""
    assert isinstance(node, rdflib.Literal), node
    return int(node)
