"""The catalogue of prepared queries: one SPARQL file per question, read
with its header.

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
    # columns@zh: 成员 ISO3 立场 常任 日期

A ``param`` line is ``name | type | required|optional | example | text``;
the parameter is the query variable of the same name, and its type (one of
:data:`PARAM_TYPES`) says how :mod:`councilkg.queries.binding` validates a
value; a ``years`` parameter binds two variables, ``?<name>From`` and
``?<name>To``, and also answers to its singular name (``year=2020`` for
``years``), which scripts used before ranges. ``columns@zh`` names the
columns in Chinese, in the same order, for tables and CSV under ``--lang
zh`` (every shipped query has one; without it the headers stay English). An
optional ``pivot`` line (``# pivot: iso3 position``) asks for the long
result to be spread into one column per value of the first column, holding
the second (:mod:`councilkg.queries.pivot`). An optional ``lists`` line
names the columns that hold space-separated lists (sorted by the runners,
see :func:`councilkg.queries.results.normalise_lists`). An optional
``types`` line (``# types: adopted=boolean date=date``) gives the datatype
of the columns that hold booleans, numbers or dates, so that every engine's
answer prints alike (Virtuoso stores booleans as ``1``/``0``; see
:func:`councilkg.queries.results.normalise_values`).  This module reads
and checks the headers, and lists, finds and describes the queries; it
binds and runs nothing.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import cache

from councilkg.queries.errors import QueryError
from councilkg.queries.guards import guarded_params
from councilkg.queries.inject import where_brace
from councilkg.resources import resource_files

__all__ = [
    "PARAM_TYPES",
    "Param",
    "PreparedQuery",
    "catalogue",
    "describe",
    "format_catalogue",
    "get",
    "parse_query",
]

PARAM_TYPES = (
    "symbol",
    "meeting",
    "state",
    "year",
    "years",
    "item",
    "iri",
    "date",
    "string",
    "integer",
    "language",
)

_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_QUERY_NAME_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


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

    @property
    def variables(self) -> tuple[str, ...]:
        """The query variables the parameter binds: its own name, or for a
        range of years (``years``) ``<name>From`` and ``<name>To``."""
        if self.type == "years":
            return (f"{self.name}From", f"{self.name}To")
        return (self.name,)

    def answers_to(self, name: str) -> bool:
        """True when ``name`` is this parameter's name, or the singular of
        a ``years`` parameter's name (``year`` for ``years``)."""
        return name == self.name or (self.type == "years" and name + "s" == self.name)


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
    columns_zh: tuple[str, ...] = ()
    pivot: tuple[str, str] | None = None
    types: tuple[tuple[str, str], ...] = ()
    """(column, datatype) of the typed columns (``# types:``)."""

    def title_in(self, lang: str) -> str:
        """The title in ``lang`` (``en`` or ``zh``)."""
        return self.title_zh if lang == "zh" else self.title

    def description_in(self, lang: str) -> str:
        """The description in ``lang`` (``en`` or ``zh``)."""
        return self.description_zh if lang == "zh" else self.description

    def column_in(self, column: str, lang: str) -> str:
        """The header of ``column`` in ``lang`` (its ``columns@zh`` name in
        Chinese; itself otherwise, or when it is not a declared column)."""
        if lang == "zh" and column in self.columns and self.columns_zh:
            return self.columns_zh[self.columns.index(column)]
        return column

    def param(self, name: str) -> Param:
        """The parameter called ``name`` (or whose singular it is, for a
        range of years); QueryError naming the valid ones."""
        for p in self.params:
            if p.name == name:
                return p
        for p in self.params:
            if p.answers_to(name):
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


def parse_query(name: str, text: str) -> PreparedQuery:
    """The prepared query ``name`` from the text of its file, header checked.

    Raises:
        ValueError: an unknown or repeated header line, a missing title,
            description or columns line, a malformed ``param`` line, a
            parameter that is not a query variable, or no ``WHERE`` group.
    """
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
            "columns@zh",
            "lists",
            "pivot",
            "types",
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
        columns_zh=tuple(fields.get("columns@zh", "").split()),
        pivot=_pivot(name, fields.get("pivot")),
        types=_types(name, fields.get("types", "")),
    )
    if query.columns_zh and len(query.columns_zh) != len(query.columns):
        raise ValueError(f"queries/{name}.rq: 'columns@zh' names as many columns as 'columns'")
    if not set(query.lists) <= set(query.columns):
        raise ValueError(f"queries/{name}.rq: 'lists' names a column that is not in 'columns'")
    if not {c for c, _ in query.types} <= set(query.columns):
        raise ValueError(f"queries/{name}.rq: 'types' names a column that is not in 'columns'")
    if query.pivot and not set(query.pivot) <= set(query.columns):
        raise ValueError(f"queries/{name}.rq: 'pivot' names a column that is not in 'columns'")
    for p in query.params:
        for var in p.variables:
            if not re.search(rf"[?$]{var}\b", query.body):
                raise ValueError(f"queries/{name}.rq: parameter {p.name!r} is not a query variable")
    for guard in guarded_params(query.body):
        if guard not in names:
            raise ValueError(
                f"queries/{name}.rq: a guard names {guard!r}, no parameter of the query"
            )
    where_brace(query.body)  # fails early on a query without a WHERE group
    return query


TYPES = ("boolean", "integer", "decimal", "date")
"""The datatypes a ``# types:`` line may give a column (XSD's)."""


def _types(query: str, spec: str) -> tuple[tuple[str, str], ...]:
    """``adopted=boolean permanent=boolean`` → (("adopted", "boolean"), …)."""
    out = []
    for item in spec.split():
        column, sep, datatype = item.partition("=")
        if not sep or datatype not in TYPES:
            raise ValueError(
                f"queries/{query}.rq: 'types' takes column=TYPE, TYPE one of "
                f"{', '.join(TYPES)}; not {item!r}"
            )
        out.append((column, datatype))
    return tuple(out)


def _pivot(query: str, spec: str | None) -> tuple[str, str] | None:
    if spec is None:
        return None
    parts = spec.split()
    if len(parts) != 2:
        raise ValueError(f"queries/{query}.rq: 'pivot' is 'COLUMN VALUE', got {spec!r}")
    return parts[0], parts[1]


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
        out.append(parse_query(name, f.read_text(encoding="utf-8")))
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
    columns = query.columns_zh if lang == "zh" else query.columns
    out.append(f"  columns: {' '.join(columns)}")
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
