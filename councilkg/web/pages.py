"""The site's pages: a resource's page, the index, and the 404 page.

Why the page layer knows nothing of HTTP: :mod:`councilkg.server` routes
requests, negotiates content and redirects; it calls these functions with a
:data:`~councilkg.web.sparql.Select` (its worker pool, or an embedded store
in tests) and a :class:`~councilkg.web.site.Site` (base IRI, language, root
path), and sends the HTML they return.  A resource's page is chosen by its
``rdf:type``: meeting and videoconference, document, State, agenda item,
and a generic page for everything else.  An IRI the graph says nothing
about gives None (the server answers 404 with :func:`render_not_found`),
never an exception.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from councilkg.ingest.rdf import DOC_CLASS
from councilkg.ingest.symbols import SymbolError, parse_symbol
from councilkg.ingest.vocab import CKG
from councilkg.web.charts import bar_chart
from councilkg.web.gather import Gather, fetch_labels
from councilkg.web.site import Site
from councilkg.web.sparql import Row, Select, bind_strings, is_iri, page_query, rows_of
from councilkg.web.strings import translator
from councilkg.web.templating import render
from councilkg.web.views import (
    load_document,
    load_event,
    load_item,
    load_resource,
    load_state,
)

__all__ = [
    "Suggestion",
    "page_kind",
    "render_index",
    "render_not_found",
    "render_resource",
    "suggest",
]

_EVENT = {str(CKG.Meeting), str(CKG.Videoconference)}
_DOCUMENT = {str(c) for c in DOC_CLASS.values()} | {str(CKG.Document)}
_STATE = {str(CKG.State), str(CKG.MemberState), str(CKG.ObserverState)}
_ITEM = {str(CKG.AgendaItem)}


def page_kind(types: Sequence[str]) -> str:
    """Which page shows a resource of these types: ``event``, ``document``,
    ``state``, ``item`` or ``resource`` (the generic page).

    >>> page_kind(["https://w3id.org/councilkg/ontology#Videoconference"])
    'event'
    >>> page_kind(["https://w3id.org/councilkg/ontology#Footnote"])
    'resource'
    """
    found = set(types)
    if found & _EVENT:
        return "event"
    if found & _DOCUMENT:
        return "document"
    if found & _STATE:
        return "state"
    if found & _ITEM:
        return "item"
    return "resource"


_LOADERS = {
    "event": load_event,
    "document": load_document,
    "state": load_state,
    "item": load_item,
    "resource": load_resource,
}


def _labeller(site: Site, labels: dict[str, dict[str, str]]) -> Callable[[str | None], str]:
    def label(iri: str | None) -> str:
        return site.label(iri, labels) if iri else ""

    return label


async def render_resource(iri: str, select: Select, site: Site) -> str | None:
    """The HTML page of ``iri``, or None when the graph has no triple about
    it (neither as subject nor as object) or ``iri`` is not an IRI.

    The page's language is ``site.lang``; its language switch points to
    the resource's own page (``/page/…``).
    """
    if not is_iri(iri):
        return None
    g = Gather(select)
    about = await g.rows("about", "this", [iri])
    if not any(r["isSubject"] == "true" or r["isObject"] == "true" for r in about):
        return None
    types = sorted({r["type"] for r in about if r["type"]})
    g.name(iri, *types)
    kind = page_kind(types)
    context = await _LOADERS[kind](g, iri, types)
    labels, sources = await g.finish()
    page_site = site.at(site.page_path(iri)) if site.is_local(iri) else site
    label = _labeller(page_site, labels)
    if kind == "state":
        context["chart"] = bar_chart(
            translator(site.lang)("votes_chart_title"),
            [(p, label(p), n) for p, n in context["chart_positions"]],
        )
    return render(
        f"{kind}.html",
        page_site,
        iri=iri,
        types=types,
        label=label,
        sources=sources,
        **context,
    )


async def render_index(select: Select, site: Site) -> str:
    """The index page: how many resources of each kind, and entry points
    (latest meetings and videoconferences, agenda items, States, most-cited
    documents), with links to the query page, the SPARQL endpoint, the
    dataset description and the dumps."""
    g = Gather(select)
    counts, events, items, states, documents = await asyncio.gather(
        g.unbound("index-counts"),
        g.unbound("index-events"),
        g.unbound("index-items"),
        g.unbound("index-states"),
        g.unbound("index-documents"),
    )
    labels = await fetch_labels(select, g.iris)
    index_site = site.at("/")
    return render(
        "index.html",
        index_site,
        label=_labeller(index_site, labels),
        counts=_counted(counts, "kind", "count"),
        events=events,
        items=_counted(items, "item", "events"),
        states=_counted(states, "state", "facts"),
        documents=_counted(documents, "document", "citations"),
    )


def _counted(rows: Sequence[Row], key: str, count: str) -> list[tuple[str, int]]:
    return [(r[key] or "", int(r[count] or 0)) for r in rows if r[key]]


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A resource the reader may have meant: its IRI and what to call it."""

    iri: str
    label: str


def render_not_found(path: str, site: Site, suggestions: Sequence[Suggestion | str] = ()) -> str:
    """The 404 page: what was asked, near matches if the caller found some
    (:func:`suggest` gives them with labels; a bare IRI is shown by its
    readable tail), and links to the index and the query page."""
    near = [s if isinstance(s, Suggestion) else Suggestion(s, site.tail(s)) for s in suggestions]
    return render("not_found.html", site.at(path), asked=path, suggestions=near)


def _candidates(site: Site, iri: str) -> list[str]:
    """Literals a mistyped data IRI may have meant: its tail as a symbol,
    an ISO3 code or a key, in the case the graph writes them."""
    if not site.is_local(iri):
        return []
    kind, _, rest = iri[len(site.id_prefix) :].partition("/")
    tail = rest or kind
    found = {tail, tail.upper(), tail.lower(), tail.rsplit("/", 1)[-1].upper()}
    for text in (tail, f"S/PV.{tail}" if kind == "meeting" else ""):
        if not text:
            continue
        with contextlib.suppress(SymbolError):
            found.add(parse_symbol(text).key)
    return sorted(f for f in found if f)


async def suggest(iri: str, select: Select, site: Site) -> list[Suggestion]:
    """Resources near a data IRI the graph does not know: those whose
    symbol, ISO3 code or key matches the IRI's tail (``/page/state/chn`` →
    China, ``/page/document/s/2020/797`` → S/2020/797).  Each lookup is an
    index hit, so a 404 costs one cheap query."""
    values = _candidates(site, iri)
    if not values:
        return []
    rows = rows_of(await select(bind_strings(page_query("suggest"), "value", values)))
    found = sorted({r["node"] for r in rows if r["node"] and r["node"] != iri})
    labels = await fetch_labels(select, found)
    return [Suggestion(node, site.label(node, labels)) for node in found]
