"""The linked-data site in a real browser: Debian's headless Chromium driven
by Playwright (``executable_path=/usr/bin/chromium``, installed by
``scripts/install-browser.sh``, which ``make test`` runs), against the real
server on 127.0.0.1.

The acceptance of the linked-data issue, as a reader would do it: open the
page of S/PV.8733 and see both rule 39 invitees; open the page of draft
S/2020/797 and read the 15 positions from the vote table; run
``votes-on-draft`` from the query page and see 15 rows; switch labels to zh.
Expected values come from the gold file.  Screenshots of the meeting page
and of the query page are written to ``build/screenshots/`` for a reviewer
(not committed).

Chromium runs with no network beyond 127.0.0.1 needed: every request the
pages make is checked to go to the test server (no CDN, no fonts, no
telemetry).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright import sync_api as playwright_api

from councilkg.ingest.iris import Minter
from councilkg.server import RunningServer, start_server

ROOT = Path(__file__).resolve().parents[1]
SCREENSHOTS = ROOT / "build" / "screenshots"
CHROMIUM = os.environ.get("COUNCILKG_CHROMIUM", "/usr/bin/chromium")
# Without the background-networking flags Chromium keeps dialling Google's
# hosts, which this machine's closed network refuses.
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
]
M = Minter()

pytestmark = [pytest.mark.slow, pytest.mark.browser]  # make test-core leaves these out


@pytest.fixture(scope="module")
def server(sample_store_path: Path) -> Iterator[RunningServer]:
    with start_server(sample_store_path, timeout_s=10.0, workers=2) as running:
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is None:
        pytest.fail(
            f"no Chromium at {CHROMIUM}: run scripts/install-browser.sh (make test does), "
            "or set COUNCILKG_CHROMIUM"
        )
    with playwright_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture()
def page(browser: Any, server: RunningServer) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1100, "height": 900}, locale="en-GB")
    tab = context.new_page()
    foreign: list[str] = []
    errors: list[str] = []
    origin = server.url

    def on_request(request: Any) -> None:
        if not request.url.startswith((origin, "data:", "blob:")):
            foreign.append(request.url)

    tab.on("request", on_request)
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    tab.set_default_timeout(20_000)
    yield tab
    context.close()
    assert not foreign, f"the page fetched outside the server: {foreign}"
    assert not errors, f"JavaScript errors: {errors}"


def shoot(tab: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def page_url(server: RunningServer, iri: str, query: str = "") -> str:
    return f"{server.url}/page/{iri[len(M.base + 'id/') :]}{query}"


def meeting_gold(gold: dict[str, Any], record: str) -> dict[str, Any]:
    for item in gold["items"]:
        for meeting in item.get("meetings", []):
            if meeting["record"] == record:
                found: dict[str, Any] = meeting
                return found
    raise AssertionError(f"{record} not in the gold")


def test_meeting_page_shows_both_rule_39_invitees(
    page: Any, server: RunningServer, gold: dict[str, Any]
) -> None:
    expected = meeting_gold(gold, "S/PV.8733")["rule39_invitations"]
    assert len(expected) == 2
    page.goto(page_url(server, str(M.meeting("S/PV.8733")), "?lang=en"))
    invitations = page.locator('#invitations [data-rule="39"]')
    texts = [t.strip() for t in invitations.all_inner_texts()]
    for name in expected:
        assert any(name in t for t in texts), (name, texts)
    assert page.get_by_text(expected[0]).first.is_visible()
    shoot(page, "meeting-S-PV-8733")


def test_draft_page_vote_table_has_every_position(
    page: Any, server: RunningServer, gold: dict[str, Any]
) -> None:
    vote = next(v for v in gold["votes"] if v["draft"] == "S/2020/797")
    want = {iso3: pos for pos in ("for", "against", "abstaining") for iso3 in vote[pos]}
    page.goto(page_url(server, str(M.document("S/2020/797")), "?lang=en"))
    rows = page.locator("#votes tbody tr")
    assert rows.count() == len(want) == 15
    got = {}
    for i in range(rows.count()):
        row = rows.nth(i)
        assert row.is_visible()
        got[row.get_attribute("data-iso3")] = row.get_attribute("data-position")
    positions = {
        "for": {"for", "yes", "infavour", "in-favour"},
        "against": {"against", "no"},
        "abstaining": {"abstaining", "abstain", "abstention"},
    }
    for iso3, pos in want.items():
        assert (got[iso3] or "").lower().replace(" ", "") in positions[pos], (iso3, got[iso3])
    # Permanent members are marked, and only they.
    marked = {
        rows.nth(i).get_attribute("data-iso3")
        for i in range(rows.count())
        if rows.nth(i).get_attribute("data-permanent") == "true"
        and rows.nth(i).locator(".permanent abbr").is_visible()
    }
    assert marked == {"CHN", "FRA", "GBR", "RUS", "USA"}


def test_query_page_runs_votes_on_draft(page: Any, server: RunningServer) -> None:
    page.goto(f"{server.url}/query?lang=en")
    page.wait_for_function("window.councilkgEditor !== undefined")
    page.select_option("#prepared", "votes-on-draft")
    symbol = page.locator("#param-symbol")
    symbol.fill("S/2020/797")
    page.locator("#params button[type=submit]").click()
    page.wait_for_selector("#status[data-rows]:not([data-rows=''])")
    assert page.locator("#status").get_attribute("data-rows") == "15"
    assert page.locator("#results tbody tr").count() == 15
    # The editor shows the bound query, and the downloads point at /sparql.
    assert "S/2020/797" in page.evaluate("window.councilkgEditor.getValue()")
    csv_link = page.locator("#download-csv").get_attribute("href")
    assert csv_link.startswith(("/sparql?", server.url + "/sparql?"))
    shoot(page, "query-votes-on-draft")
    # A query typed in the editor runs too.
    page.evaluate(
        "window.councilkgEditor.setValue("
        "'SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://w3id.org/councilkg/ontology#Meeting> }')"
    )
    page.locator("#run-editor").click()
    page.wait_for_function("document.querySelectorAll('#results tbody tr').length === 1")


def test_switch_labels_to_zh(page: Any, server: RunningServer, gold: dict[str, Any]) -> None:
    meeting = meeting_gold(gold, "S/PV.8733")
    page.goto(page_url(server, str(M.meeting("S/PV.8733")), "?lang=en"))
    assert page.locator("html").get_attribute("lang") == "en"
    assert meeting["sub_item_en"] in page.inner_text("body")
    page.locator('a[hreflang="zh"]').first.click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "zh"
    body = page.inner_text("body")
    assert meeting["sub_item_zh"].replace(" ", "") in body.replace(" ", "")
    assert meeting["sub_item_en"] not in body
    shoot(page, "meeting-S-PV-8733-zh")
    # The query page follows, and its results show zh labels.
    page.goto(f"{server.url}/query?lang=zh&name=votes-on-draft&symbol=S/2020/797")
    # The deep link runs the query itself: a click as well would start a
    # second run that empties the table the first one filled.
    page.wait_for_selector("#status[data-rows='15']")
    assert "中华人民共和国" in page.inner_text("#results") or "中国" in page.inner_text("#results")


def test_pages_fit_a_phone(browser: Any, server: RunningServer) -> None:
    """On a 390 px wide screen the page itself does not scroll sideways (wide
    tables scroll inside their own box)."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    tab = context.new_page()
    for url in (
        page_url(server, str(M.document("S/2020/797"))),
        page_url(server, str(M.meeting("S/PV.8733"))),
        f"{server.url}/query",
        f"{server.url}/",
    ):
        tab.goto(url)
        overflow = tab.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 1, (url, overflow)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    tab.goto(page_url(server, str(M.document("S/2020/797"))))
    tab.screenshot(path=str(SCREENSHOTS / "phone-draft-S-2020-797.png"), full_page=True)
    context.close()


def test_search_box_finds_a_state_and_opens_its_page(page: Any, server: RunningServer) -> None:
    page.goto(f"{server.url}/?lang=en")
    box = page.locator("#site-search-q")
    box.fill("中国")
    box.press("Enter")
    page.wait_for_selector("#search-results li")
    assert "q=%E4%B8%AD%E5%9B%BD" in page.url
    first = page.locator("#search-results li a").first
    assert first.inner_text() == "China"
    first.click()
    page.wait_for_load_state()
    assert page.url.startswith(f"{server.url}/page/state/CHN")
    # A symbol, typed in the box of the page reached.
    page.locator("#site-search-q").fill("S/2020/797")
    page.locator("#site-search-q").press("Enter")
    page.wait_for_selector("#search-results li")
    assert page.locator("#search-results li a").first.inner_text() == "S/2020/797"
    shoot(page, "search-S-2020-797")


def test_a_deep_link_loads_and_runs_its_query(page: Any, server: RunningServer) -> None:
    # Written with the single year the parameter once was: it fills the range.
    page.goto(f"{server.url}/query?name=failed-drafts&year=2020&lang=en")
    page.wait_for_selector("#status[data-rows]:not([data-rows=''])")
    assert page.locator("#prepared").input_value() == "failed-drafts"
    assert page.locator("#param-years").input_value() == "2020"
    sparql = page.evaluate("window.councilkgEditor.getValue()")
    assert "2020" in sparql and "vetoedBy" in sparql
    rows = int(page.locator("#status").get_attribute("data-rows"))
    assert rows >= 1 and page.locator("#results tbody tr").count() == rows
    assert "S/2020/797" in page.inner_text("#results")


def test_the_endpoint_link_opens_the_query_page(page: Any, server: RunningServer) -> None:
    page.goto(f"{server.url}/?lang=en")
    page.locator("header nav a", has_text="SPARQL endpoint").click()
    page.wait_for_selector("#query-app")
    assert page.url.startswith(f"{server.url}/query")
