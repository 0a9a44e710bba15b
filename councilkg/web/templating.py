"""The Jinja2 environment of the site's pages.

Why these settings: autoescaping is on for every template (labels and
passages come from a source text and a public SPARQL graph, and must never
become markup), and undefined names raise (:class:`jinja2.StrictUndefined`),
so a template that asks for a value the page did not provide fails in the
tests instead of printing an empty cell.  Templates are package data of
``councilkg.web`` (``templates/``), loaded with :class:`jinja2.PackageLoader`
(``importlib`` underneath), so they ship in the wheel.

:func:`render` is how every page is rendered, the lead's query page
included: it passes the :class:`~councilkg.web.site.Site`, the string table
``t`` in the page's language, and ``iri`` (the page's resource, or None),
which ``base.html`` needs.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import jinja2

from councilkg.web.site import Site
from councilkg.web.strings import block_name, capacity_name, translator

__all__ = ["environment", "first_upper", "local_name", "render"]


def local_name(iri: str | None) -> str:
    """The part of an IRI after its last ``#`` or ``/`` (for ``data-``
    attributes: ``…/ontology#InFavour`` → ``InFavour``).

    >>> local_name("https://w3id.org/councilkg/ontology#InFavour")
    'InFavour'
    >>> local_name(None)
    ''
    """
    if not iri:
        return ""
    return iri.rsplit("#", 1)[-1] if "#" in iri else iri.rstrip("/").rsplit("/", 1)[-1]


def first_upper(text: str) -> str:
    """``text`` with its first letter in upper case (class labels are
    lower case in running text, headings start with a capital).

    >>> first_upper("meeting record")
    'Meeting record'
    >>> first_upper("会议")
    '会议'
    """
    return text[:1].upper() + text[1:]


@cache
def environment() -> jinja2.Environment:
    """The site's environment (one per process: Jinja caches compiled
    templates in it, and rendering is thread-safe)."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("councilkg.web", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # package data: it does not change under a running server
    )
    env.filters["local"] = local_name
    env.filters["first_upper"] = first_upper
    return env


def compile_all() -> None:
    """Compile every template now (a server calls it as it starts): the first
    request for each page would otherwise compile it on the event loop,
    tens of milliseconds every other client waits for."""
    env = environment()
    for name in env.list_templates(extensions=["html"]):
        env.get_template(name)


def render(template: str, site: Site, **context: Any) -> str:
    """Render ``template`` for ``site`` (its language and path).

    ``iri`` defaults to None (a page about no resource); every other name
    the template uses must be given.
    """
    t = translator(site.lang)
    values: dict[str, Any] = {
        "site": site,
        "t": t,
        "lang": site.lang,
        "iri": None,
        "capacity": lambda key: capacity_name(key, site.lang),
        "block": lambda key: block_name(key, site.lang),
    }
    values.update(context)
    return environment().get_template(template).render(values)
