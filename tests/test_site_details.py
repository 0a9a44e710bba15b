"""The site's details a reader meets first: the "SPARQL endpoint" link sends
a browser to the query page (a SPARQL client still gets the service
description), a query page deep link selects its query, ``councilkg serve``
says where it serves and can log requests, and the pages name no data
licence unless the publisher gives one (``--data-licence``), which then
reaches the dataset description too.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS

from councilkg.cli import main
from councilkg.export.void import dataset_iri
from councilkg.server import RunningServer, ServerConfig, start_server
from councilkg.server.run import serve, startup_lines
from tests.httpcall import get

CHROME = (
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,"
    "image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7"
)
FIREFOX = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
LICENCE = "https://creativecommons.org/publicdomain/zero/1.0/"


@pytest.fixture(scope="module")
def server(sample_store_path: Path) -> Iterator[RunningServer]:
    with start_server(sample_store_path, timeout_s=10.0, workers=2) as running:
        yield running


@pytest.mark.parametrize("accept", [CHROME, FIREFOX, "text/html"])
def test_a_browser_opening_the_endpoint_gets_the_query_page(
    server: RunningServer, accept: str
) -> None:
    status, headers, _ = get(server, "/sparql", {"Accept": accept})
    assert status == 303 and headers["location"] == "/query"
    status, headers, _ = get(server, "/sparql?lang=zh", {"Accept": accept})
    assert status == 303 and headers["location"] == "/query?lang=zh"


@pytest.mark.parametrize(
    ("accept", "media"),
    [
        (None, "text/turtle"),
        ("*/*", "text/turtle"),
        ("application/rdf+xml", "application/rdf+xml"),
        ("text/turtle, text/html;q=0.5", "text/turtle"),
        ("application/ld+json", "application/ld+json"),
    ],
)
def test_sparql_clients_still_get_the_service_description(
    server: RunningServer, accept: str | None, media: str
) -> None:
    status, headers, body = get(server, "/sparql", {"Accept": accept} if accept else {})
    assert status == 200 and headers["content-type"].startswith(media)
    assert b"sparql-service-description" in body or b"sd:" in body or b"Service" in body


def test_the_format_parameter_wins_over_a_browser(server: RunningServer) -> None:
    status, headers, _ = get(server, "/sparql?format=turtle", {"Accept": CHROME})
    assert status == 200 and headers["content-type"].startswith("text/turtle")


def test_without_pages_the_endpoint_never_redirects(sample_store_path: Path) -> None:
    with start_server(sample_store_path, workers=1, linked_data=False) as bare:
        status, headers, _ = get(bare, "/sparql", {"Accept": CHROME})
    assert status == 200 and "location" not in headers


def test_a_deep_link_selects_its_query(server: RunningServer) -> None:
    html = get(server, "/query?name=failed-drafts&year=2020")[2].decode("utf-8")
    assert '<option value="failed-drafts" selected>' in html
    assert html.count(" selected>") == 1
    # The editor starts with that query's SPARQL, and the language switch
    # keeps the deep link.
    assert "data-initial=" in html and "vetoedBy" in html.split("data-initial=", 1)[1][:20000]
    assert "/query?name=failed-drafts&amp;year=2020&amp;lang=zh" in html
    unknown = get(server, "/query?name=nothing")[2].decode("utf-8")
    assert '<option value="votes-on-draft" selected>' in unknown


def test_serve_says_where_it_serves() -> None:
    lines = startup_lines(ServerConfig(store_path=Path("/srv/kg")), "http://127.0.0.1:8000")
    text = "\n".join(lines)
    assert "/srv/kg" in lines[0] and "read-only" in lines[0]
    for url in ("/", "/search?q=", "/query", "/sparql", "/.well-known/void"):
        assert f"http://127.0.0.1:8000{url}\n" in text + "\n", url
    bare = startup_lines(
        ServerConfig(store_path=Path("s"), linked_data=False, allow_update=True), "http://h:1"
    )
    assert "updates allowed" in bare[0]
    assert [line.split()[-1] for line in bare[1:]] == ["http://h:1/sparql"]


def test_serve_options_reach_the_server() -> None:
    help_text = CliRunner().invoke(main, ["serve", "--help"]).output
    assert "--access-log" in help_text and "--data-licence" in help_text
    params = inspect.signature(serve).parameters
    assert params["access_log"].default is False
    assert params["data_licence"].default is None
    bad = CliRunner().invoke(main, ["serve", "--data-licence", "not a licence"])
    assert bad.exit_code == 2 and "not an IRI" in bad.output


def test_pages_claim_no_data_licence_by_default(server: RunningServer) -> None:
    html = get(server, "/")[2].decode("utf-8")
    assert 'rel="license"' not in html
    assert "creativecommons.org" not in html
    assert "United Nations" in html and "MIT" in html


def test_the_publishers_licence_reaches_pages_and_void(sample_store_path: Path) -> None:
    with start_server(sample_store_path, workers=1, data_licence=LICENCE) as licensed:
        html = get(licensed, "/")[2].decode("utf-8")
        _, _, turtle = get(licensed, "/.well-known/void", {"Accept": "text/turtle"})
    assert f'href="{LICENCE}" rel="license"' in html
    void = Graph().parse(data=turtle.decode("utf-8"), format="turtle")
    assert list(void.objects(URIRef(dataset_iri()), DCTERMS.license)) == [URIRef(LICENCE)]


def test_the_void_served_by_default_names_no_data_licence(server: RunningServer) -> None:
    _, _, turtle = get(server, "/.well-known/void", {"Accept": "text/turtle"})
    void = Graph().parse(data=turtle.decode("utf-8"), format="turtle")
    assert list(void.objects(URIRef(dataset_iri()), DCTERMS.license)) == []
