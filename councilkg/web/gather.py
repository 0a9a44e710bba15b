"""What one page asks of the graph, gathered in two rounds.

Why: a page runs its own queries (``queries/pages/*.rq``) concurrently,
then one more round for what they named: the labels of every IRI in their
answers (in both languages, chosen per page language by
:meth:`councilkg.web.site.Site.label`) and the sources of the facts it
shows (:mod:`councilkg.web.sources`).  Collecting IRIs from the answers
themselves means no template can name a resource whose label was not
fetched.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence

from councilkg.web.sources import Sources, fetch_sources
from councilkg.web.sparql import Row, Rows, Select, bind_iris, page_query, rows_of

__all__ = ["Call", "Gather", "fetch_labels"]

Call = tuple[str, str, Sequence[str]]
"""A page query to run: (name in ``queries/pages/``, variable, IRIs bound to it)."""

_LABEL_BATCH = 300


async def fetch_labels(select: Select, iris: Iterable[str]) -> dict[str, dict[str, str]]:
    """Labels of ``iris`` by language tag (``""`` for untagged): the best
    ranked (``skos:prefLabel``, then ``rdfs:label``, then a meeting's record
    symbol), ties broken by the smallest text, so the choice is stable."""
    ordered = sorted(set(iris))
    text = page_query("labels")
    batches = [ordered[i : i + _LABEL_BATCH] for i in range(0, len(ordered), _LABEL_BATCH)]
    answers = await asyncio.gather(*(select(bind_iris(text, "s", b)) for b in batches))
    found: dict[str, dict[str, tuple[int, str]]] = {}
    for rows in answers:
        for row in rows:
            iri, label, rank = row["s"]["value"], row["label"], int(row["rank"]["value"])
            lang = label.get("xml:lang", "").lower().split("-")[0]
            have = found.setdefault(iri, {}).get(lang)
            candidate = (rank, " ".join(label["value"].split()))
            if have is None or candidate < have:
                found[iri][lang] = candidate
    return {iri: {lang: v for lang, (_, v) in langs.items()} for iri, langs in found.items()}


class Gather:
    """Runs one page's queries and remembers what they named."""

    def __init__(self, select: Select) -> None:
        self.select = select
        self.iris: set[str] = set()
        self.facts: set[str] = set()
        self.passages: set[str] = set()

    def _collect(self, rows: Rows) -> None:
        for row in rows:
            for cell in row.values():
                if cell.get("type") == "uri":
                    self.iris.add(cell["value"])

    async def raw(self, name: str, variable: str, iris: Sequence[str]) -> Rows:
        """The bindings of one page query (none asked when ``iris`` is empty)."""
        if not iris:
            return []
        rows = await self.select(bind_iris(page_query(name), variable, sorted(set(iris))))
        self._collect(rows)
        return rows

    async def unbound(self, name: str) -> list[Row]:
        """The solutions of a page query that binds nothing (the index's)."""
        rows = await self.select(page_query(name))
        self._collect(rows)
        return rows_of(rows)

    async def rows(self, name: str, variable: str, iris: Sequence[str]) -> list[Row]:
        """One page query's solutions as :class:`~councilkg.web.sparql.Row`."""
        return rows_of(await self.raw(name, variable, iris))

    async def many(self, *calls: Call) -> list[list[Row]]:
        """Several page queries at once, answers in the order asked."""
        answers = await asyncio.gather(*(self.rows(*call) for call in calls))
        return list(answers)

    def name(self, *iris: str | None) -> None:
        """Fetch labels for these IRIs too (terms the page names itself)."""
        self.iris.update(i for i in iris if i)

    def fact(self, *iris: str | None) -> None:
        """Show where these facts come from."""
        self.facts.update(i for i in iris if i)

    def passage(self, *iris: str | None) -> None:
        """Show these passages among the sources."""
        self.passages.update(i for i in iris if i)

    async def finish(self) -> tuple[dict[str, dict[str, str]], Sources]:
        """The labels of everything named and the sources of every fact."""
        labels, sources = await asyncio.gather(
            fetch_labels(self.select, self.iris),
            fetch_sources(self.select, self.facts, self.passages),
        )
        return labels, sources
