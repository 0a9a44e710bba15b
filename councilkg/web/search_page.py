"""The search page (``/search?q=…``): the hits of a search as a list of
links to the resources' pages.

Why the page takes plain data: the hits come from a worker as JSON (the
search runs there, not in the front), and the same dictionaries are the
route's JSON answer (:func:`search_json`), so the HTML and the JSON list
the same hits in the same order.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from councilkg.web.site import Site
from councilkg.web.strings import kind_name
from councilkg.web.templating import render

__all__ = ["render_search_page", "search_json"]

Hit = Mapping[str, Any]
"""A hit as the worker sends it (:meth:`councilkg.search.Hit.to_dict`)."""


def search_json(site: Site, query: str, hits: Sequence[Hit]) -> dict[str, Any]:
    """The JSON answer: the query, the language of the names, and each hit
    with the link to its page."""
    return {
        "query": query,
        "lang": site.lang,
        "hits": [{**h, "page": site.page_href(str(h["iri"]))} for h in hits],
    }


def render_search_page(site: Site, query: str, hits: Sequence[Hit], *, limit: int) -> str:
    """The HTML of the search page for ``query`` (no query: the form alone)."""
    shown = [
        {
            "href": site.page_href(str(h["iri"])),
            "label": h.get("label") or site.tail(str(h["iri"])),
            "kind": kind_name(str(h["kind"]), site.lang),
            "snippet": h["snippet"],
            "iri": h["iri"],
            "field": h["field"],
        }
        for h in hits
    ]
    return render(
        "search.html", site, query=query, hits=shown, limit=limit, full=len(hits) >= limit
    )
