"""The query page (``/query``): the SPARQL editor and the prepared queries.

Why the catalogue goes into the page as JSON: the form for each prepared
query (its parameters, their types and examples, in the page language) is
built in the browser from the same headers ``councilkg queries`` prints,
so a new ``queries/*.rq`` file shows up on the page with no template change.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from councilkg.queries import PreparedQuery
from councilkg.web.site import Site
from councilkg.web.strings import strings
from councilkg.web.templating import render

DEFAULT_QUERY = "votes-on-draft"


def catalogue_json(queries: Sequence[PreparedQuery]) -> list[dict[str, object]]:
    """What the page's script needs of each prepared query."""
    return [
        {
            "name": q.name,
            "title": {"en": q.title, "zh": q.title_zh},
            "description": {"en": q.description, "zh": q.description_zh},
            "columns": list(q.columns),
            "params": [
                {
                    "name": p.name,
                    "type": p.type,
                    "required": p.required,
                    "example": p.example,
                    "description": p.description,
                }
                for p in q.params
            ],
        }
        for q in queries
    ]


def _script_json(data: object) -> str:
    """JSON safe inside ``<script type="application/json">`` (no ``</``)."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def render_query_page(
    site: Site, queries: Sequence[PreparedQuery], asked: str | None = None
) -> str:
    """The HTML of the query page for ``site`` (its language), with the
    prepared query ``asked`` (a deep link's ``name``) selected and its
    SPARQL in the editor, else the default one."""
    page_strings = {key: names[site.lang] for key, names in strings("query").items()}
    script_strings = {key: names[site.lang] for key, names in strings("query_script").items()}
    names = {q.name for q in queries}
    selected = asked if asked in names else DEFAULT_QUERY if DEFAULT_QUERY in names else ""
    initial = next((q.body.strip() for q in queries if q.name == selected), "")
    return render(
        "query.html",
        site,
        qt=page_strings.__getitem__,
        queries=queries,
        selected=selected,
        initial=initial,
        catalogue=_script_json(catalogue_json(queries)),
        script_strings=_script_json(script_strings),
    )
