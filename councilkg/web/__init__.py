"""The linked-data site: server-rendered HTML pages for the graph's resources.

Why a package of its own: the HTTP side (routes, content negotiation,
redirects) lives in :mod:`councilkg.server`; this package only turns the
answers of SPARQL queries into pages, so it runs the same on an embedded
store (:func:`councilkg.web.sparql.store_select`) and behind the server's
worker pool.  Queries are files in ``queries/pages/``, templates in
``templates/``, UI strings in ``strings.toml``, the stylesheet in
``static/site.css``.
"""
