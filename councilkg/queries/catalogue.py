"""The catalogue of prepared queries: one SPARQL file per question, with typed parameters.

Why files with a header: scripts, notebooks and the command line ask the
graph the same questions by name (``votes-on-draft``, ``co-voting``), so
each question is one reviewed ``queries/<name>.rq`` file, standard SPARQL
1.1 (it runs on Oxigraph, Fuseki, GraphDB, Virtuoso, QLever), whose leading
``#`` lines describe it::

    # title: Votes on a draft resolution
    # title@zh: 决议草案的表决情况
    # description: Each member's position …
    # description@zh: 各成员 …
    # param: symbol | symbol | required | S/2020/797 | The draft's symbol
    # columns: member iso3 position permanent date

A ``param`` line is ``name | type | required|optional | example | text``;
the parameter is the query variable of the same name.  Types:
``symbol`` (a UN document symbol, bound as its canonical key, the value of
``ckg:symbol``), ``meeting`` (an ``S/PV`` symbol), ``state`` (ISO3 or a
Chinese/English name, bound as the ISO3 code, the value of ``ckg:iso3``),
``year``, ``item`` (curated key or title, bound as the ``ckg:key``),
``iri``, ``date``, ``string`` and ``integer``.

Why values are bound with ``VALUES``: user text is validated and turned
into an RDF term by a proper encoder (:func:`councilkg.ingest.ntriples.term`), and the
terms go into a ``VALUES`` block placed at the top of the query's outermost
``WHERE`` group, never into the query's own text.  The same bound text runs
on the embedded store and on any remote endpoint, so both give the same
answers (pyoxigraph's ``substitutions`` would only reach projected
variables, and no remote protocol has them).  A parameter left unset is
simply not bound: queries are written so that an unbound parameter does not
filter (it is matched like any variable, or tested with ``!BOUND``).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import cache

from councilkg.ingest.language import LANGS
from councilkg.queries.text import where_brace
from councilkg.resources import resource_files

__all__ = [
    "FORMATS",
    "LANGS",
    "PARAM_TYPES",
    "Param",
    "PreparedQuery",
    "QueryError",
    "catalogue",
    "describe",
    "format_catalogue",
    "from_text",
    "get",
]

FORMATS = ("table", "json", "csv", "tsv")
PARAM_TYPES = ("symbol", "meeting", "state", "year", "item", "iri", "date", "string", "integer")

_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_QUERY_NAME_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


class QueryError(ValueError):
    """A prepared query asked for wrongly: unknown query, unknown or missing
    parameter, or a value that is not of the parameter's type."""


@dataclass(frozen=True, slots=True)
class Param:
    """One parameter of a prepared query (the query variable of that name)."""

    name: str
    type: str
    required: bool
    example: str
    description: str

    def usage(self) -> str:
        """``symbol (symbol, required, e.g. S/2020/797)``."""
        need = "required" if self.required else "optional"
        return f"{self.name} ({self.type}, {need}, e.g. {self.example})"


@dataclass(frozen=True, slots=True)
class PreparedQuery:
    """A question: its name, bilingual title and description, parameters,
    result columns and SPARQL text."""

    name: str
    title: str
    title_zh: str
    description: str
    description_zh: str
    params: tuple[Param, ...]
    columns: tuple[str, ...]
    text: str
    lists: tuple[str, ...] = ()

    def title_in(self, lang: str) -> str:
        """The title in ``lang`` (``en`` or ``zh``)."""
        return self.title_zh if lang == "zh" else self.title

    def description_in(self, lang: str) -> str:
        """The description in ``lang`` (``en`` or ``zh``)."""
        return self.description_zh if lang == "zh" else self.description

    def param(self, name: str) -> Param:
        """The parameter called ``name``; QueryError naming the valid ones."""
        for p in self.params:
            if p.name == name:
                return p
        raise QueryError(
            f"query {self.name!r} has no parameter {name!r}; its parameters: {self.param_usage()}"
        )

    def param_usage(self) -> str:
        """Every parameter with type and example, for error messages."""
        return ", ".join(p.usage() for p in self.params) or "none"

    def examples(self) -> dict[str, str]:
        """The example value of every parameter (a runnable binding)."""
        return {p.name: p.example for p in self.params}

    @property
    def body(self) -> str:
        """The SPARQL text without the header lines."""
        lines = self.text.splitlines(keepends=True)
        i = 0
        while i < len(lines) and lines[i].lstrip().startswith("#"):
            i += 1
        return "".join(lines[i:])


def from_text(name: str, text: str) -> PreparedQuery:
    """The prepared query ``name`` from the text of its ``.rq`` file (header
    and SPARQL); ValueError naming the file and the header line at fault."""
    fields: dict[str, str] = {}
    params: list[Param] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line.startswith("#"):
            break
        content = line[1:].strip()
        if not content:
            continue
        key, sep, value = content.partition(":")
        key, value = key.strip(), value.strip()
        if not sep or key not in {
            "title",
            "title@zh",
            "description",
            "description@zh",
            "param",
            "columns",
            "lists",
        }:
            raise ValueError(f"queries/{name}.rq: unknown header line {raw!r}")
        if key == "param":
            params.append(_param(name, value))
        elif key in fields:
            raise ValueError(f"queries/{name}.rq: header {key!r} given twice")
        else:
            fields[key] = value
    missing = [
        k
        for k in ("title", "title@zh", "description", "description@zh", "columns")
        if not fields.get(k)
    ]
    if missing:
        raise ValueError(f"queries/{name}.rq: header lacks {', '.join(missing)}")
    names = [p.name for p in params]
    if len(set(names)) != len(names):
        raise ValueError(f"queries/{name}.rq: a parameter is declared twice")
    query = PreparedQuery(
        name=name,
        title=fields["title"],
        title_zh=fields["title@zh"],
        description=fields["description"],
        description_zh=fields["description@zh"],
        params=tuple(params),
        columns=tuple(fields["columns"].split()),
        text=text,
        lists=tuple(fields.get("lists", "").split()),
    )
    if not set(query.lists) <= set(query.columns):
        raise ValueError(f"queries/{name}.rq: 'lists' names a column that is not in 'columns'")
    for p in query.params:
        if not re.search(rf"[?$]{p.name}\b", query.body):
            raise ValueError(f"queries/{name}.rq: parameter {p.name!r} is not a query variable")
    where_brace(query.body)  # fails early on a query without a WHERE group
    return query


def _param(query: str, spec: str) -> Param:
    parts = [p.strip() for p in spec.split("|")]
    if len(parts) != 5:
        raise ValueError(
            f"queries/{query}.rq: param line needs 'name | type | required|optional | "
            f"example | description', got {spec!r}"
        )
    name, ptype, need, example, description = parts
    if not _NAME_RE.fullmatch(name):
        raise ValueError(f"queries/{query}.rq: parameter name {name!r} is not a variable name")
    if ptype not in PARAM_TYPES:
        raise ValueError(
            f"queries/{query}.rq: parameter {name!r} has unknown type {ptype!r}; "
            f"types: {', '.join(PARAM_TYPES)}"
        )
    if need not in ("required", "optional"):
        raise ValueError(f"queries/{query}.rq: parameter {name!r}: say 'required' or 'optional'")
    return Param(name, ptype, need == "required", example, description)


@cache
def _catalogue() -> tuple[PreparedQuery, ...]:
    out = []
    for f in resource_files("queries", ".rq"):
        name = f.name.removesuffix(".rq")
        if not _QUERY_NAME_RE.fullmatch(name):
            raise ValueError(f"queries/{f.name}: names are lower-case words joined by '-'")
        out.append(from_text(name, f.read_text(encoding="utf-8")))
    return tuple(out)


def catalogue() -> list[PreparedQuery]:
    """Every prepared query, sorted by name."""
    return list(_catalogue())


def get(name: str) -> PreparedQuery:
    """The prepared query called ``name``.

    Raises:
        QueryError: no such query (the message suggests the closest name and
            lists them all).
    """
    for q in _catalogue():
        if q.name == name:
            return q
    names = [q.name for q in _catalogue()]
    close = difflib.get_close_matches(name, names, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    raise QueryError(f"unknown query {name!r}{hint} Prepared queries: {', '.join(names)}")


def describe(query: PreparedQuery, lang: str = "en") -> str:
    """A few lines about one query: title, description, parameters, columns."""
    out = [f"{query.name}: {query.title_in(lang)}", f"  {query.description_in(lang)}"]
    for p in query.params:
        need = "required" if p.required else "optional"
        out.append(f"  --param {p.name}=…  {p.type}, {need}, e.g. {p.example}: {p.description}")
    out.append(f"  columns: {' '.join(query.columns)}")
    return "\n".join(out)


def format_catalogue(lang: str = "en", *, verbose: bool = False) -> str:
    """The catalogue as text (``councilkg queries``): one line per query, or
    with ``verbose`` a paragraph each."""
    if verbose:
        return "\n\n".join(describe(q, lang) for q in _catalogue()) + "\n"
    width = max(len(q.name) for q in _catalogue())
    lines = []
    for q in _catalogue():
        params = " ".join(p.name if p.required else f"[{p.name}]" for p in q.params)
        lines.append(
            f"{q.name:<{width}}  {q.title_in(lang)}  ({params})"
            if params
            else f"{q.name:<{width}}  {q.title_in(lang)}"
        )
    return "\n".join(lines) + "\n"
