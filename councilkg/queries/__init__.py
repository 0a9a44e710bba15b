"""Prepared queries: one SPARQL file per question, with typed parameters.

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

import csv
import datetime as dt
import difflib
import io
import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any, Literal

from rdflib import XSD
from rdflib import Literal as RdfLiteral
from rdflib.term import Node, URIRef

from councilkg.ingest.gazetteer import default_gazetteer
from councilkg.ingest.lexicon import named_table
from councilkg.ingest.ntriples import term as nt_term
from councilkg.ingest.symbols import SymbolError, parse_symbol
from councilkg.resources import resource_files

if TYPE_CHECKING:
    from councilkg.store import GraphStore

__all__ = [
    "FORMATS",
    "LANGS",
    "PARAM_TYPES",
    "BoundQuery",
    "Param",
    "PreparedQuery",
    "QueryError",
    "QueryResult",
    "Term",
    "bind",
    "catalogue",
    "describe",
    "format_catalogue",
    "get",
    "label_query",
    "parse_params",
    "render",
    "run",
    "run_embedded",
]

LANGS = ("en", "zh")
FORMATS = ("table", "json", "csv", "tsv")
PARAM_TYPES = ("symbol", "meeting", "state", "year", "item", "iri", "date", "string", "integer")
MIN_YEAR, MAX_YEAR = 1946, 2100

_XSD_STRING = str(XSD.string)
_RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_QUERY_NAME_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
# IRIREF of the SPARQL grammar, plus an absolute scheme.
_IRI_RE = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:[^\x00-\x20<>\"{}|^`\\]+")
_IRIREF_AT = re.compile(r"<[^\x00-\x20<>\"{}|^`\\]*>")
_FALLBACK_ITEM_KEY = re.compile(r"item-[0-9a-f]{12}")


class QueryError(ValueError):
    """A prepared query asked for wrongly: unknown query, unknown or missing
    parameter, or a value that is not of the parameter's type."""


# ---------------------------------------------------------------------------
# The catalogue
# ---------------------------------------------------------------------------


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


def _header(name: str, text: str) -> PreparedQuery:
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
        out.append(_header(name, f.read_text(encoding="utf-8")))
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


# ---------------------------------------------------------------------------
# Binding parameters
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BoundQuery:
    """A prepared query with validated values, ready to run anywhere.

    ``values`` maps each bound parameter to its RDF term; ``sparql`` is the
    query text with those terms in a ``VALUES`` block.
    """

    query: PreparedQuery
    values: tuple[tuple[str, Node], ...]
    sparql: str

    @property
    def name(self) -> str:
        """The query's name."""
        return self.query.name

    def value(self, name: str) -> Node | None:
        """The term bound to ``name``, or None when it is unset."""
        return dict(self.values).get(name)


def parse_params(pairs: Iterable[str]) -> dict[str, str]:
    """``["symbol=S/2020/797", "year=2020"]`` → a dict (``--param k=v`` options).

    Raises:
        QueryError: an item without ``=``, or a name given twice.
    """
    out: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        name = name.strip()
        if not sep or not name:
            raise QueryError(f"parameter {pair!r} is not of the form name=value")
        if name in out:
            raise QueryError(f"parameter {name!r} given twice")
        out[name] = value
    return out


def bind(query: PreparedQuery | str, raw: Mapping[str, object]) -> BoundQuery:
    """Validate ``raw`` values for ``query`` and bind them.

    Values are strings as typed on a command line (other objects are turned
    into strings first).  An empty string leaves an optional parameter unset.

    Raises:
        QueryError: unknown query or parameter, missing required parameter,
            or a value that is not of its parameter's type; the message names
            the parameter, the expected form and the query's parameters.
    """
    q = get(query) if isinstance(query, str) else query
    for name in raw:
        q.param(name)  # unknown parameter → QueryError listing the valid ones
    values: list[tuple[str, Node]] = []
    for p in q.params:
        given = raw.get(p.name)
        text = "" if given is None else str(given).strip()
        if not text:
            if p.required:
                raise QueryError(
                    f"query {q.name!r} needs parameter {p.name!r} ({p.type}, e.g. "
                    f"--param {p.name}={p.example}); its parameters: {q.param_usage()}"
                )
            continue
        try:
            values.append((p.name, _CONVERT[p.type](text)))
        except QueryError as exc:
            raise QueryError(
                f"parameter {p.name!r} of query {q.name!r}: {exc} "
                f"(its parameters: {q.param_usage()})"
            ) from None
    return BoundQuery(q, tuple(values), inject_values(q, values))


def inject_values(query: PreparedQuery, values: Sequence[tuple[str, Node]]) -> str:
    """The query's SPARQL with ``values`` in a ``VALUES`` block at the top of
    its outermost ``WHERE`` group (the header replaced by one comment line)."""
    body = query.body
    head = f"# councilkg prepared query: {query.name}\n"
    if not values:
        return head + body
    return head + bind_text(body, values)


def bind_text(text: str, values: Sequence[tuple[str, Node]]) -> str:
    """``text`` (a SELECT, ASK or CONSTRUCT query) with ``values`` in a
    ``VALUES`` block at the top of its outermost ``WHERE`` group, each term
    written by the N-Triples encoder.

    >>> from rdflib import URIRef
    >>> print(bind_text("ASK { ?s ?p ?o }", [("s", URIRef("http://example.org/a"))]))
    ASK {
      VALUES (?s) { (<http://example.org/a>) } ?s ?p ?o }
    """
    if not values:
        return text
    names = " ".join(f"?{name}" for name, _ in values)
    terms = " ".join(nt_term(node) for _, node in values)
    at = where_brace(text) + 1
    return f"{text[:at]}\n  VALUES ({names}) {{ ({terms}) }}{text[at:]}"


def where_brace(text: str) -> int:
    """Index of the ``{`` opening the outermost WHERE group of a query.

    A small lexer: comments, strings and IRIs are skipped, so a ``{`` or the
    word WHERE inside them is never taken for the group; in a CONSTRUCT
    query the template's braces come before WHERE and are passed over.
    """
    i, n, depth, after_where, construct = 0, len(text), 0, False, False
    while i < n:
        ch = text[i]
        if ch == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end + 1
        elif ch in "\"'":
            i = _skip_string(text, i)
        elif ch == "<" and (m := _IRIREF_AT.match(text, i)):
            i = m.end()
        elif ch in "?$":
            i += 1
            while i < n and (text[i].isalnum() or text[i] == "_"):
                i += 1
        elif ch == "(":
            depth += 1
            i += 1
        elif ch == ")":
            depth -= 1
            i += 1
        elif ch == "{" and (after_where or (depth == 0 and not construct)):
            return i
        elif ch.isalpha():
            start = i
            while i < n and (text[i].isalnum() or text[i] in "_-:"):
                i += 1
            word = text[start:i].upper()
            if word == "WHERE" and depth == 0:
                after_where = True
            elif word == "CONSTRUCT" and depth == 0:
                construct = True
        else:
            i += 1
    raise ValueError("the query has no WHERE group")


def _skip_string(text: str, i: int) -> int:
    quote = text[i]
    if text.startswith(quote * 3, i):
        end = text.find(quote * 3, i + 3)
        while end > 0 and text[end - 1] == "\\":
            end = text.find(quote * 3, end + 1)
        return len(text) if end < 0 else end + 3
    j = i + 1
    while j < len(text) and text[j] != quote:
        j += 2 if text[j] == "\\" else 1
    return j + 1


def _fold(text: str) -> str:
    """A title's comparison key: NFKC, caseless, no leading "the", no whitespace."""
    folded = " ".join(unicodedata.normalize("NFKC", text).split()).casefold()
    return "".join(folded.removeprefix("the ").split())


def _to_symbol(text: str) -> Node:
    try:
        return RdfLiteral(parse_symbol(text).key)
    except SymbolError as exc:
        raise QueryError(str(exc)) from None


def _to_meeting(text: str) -> Node:
    try:
        symbol = parse_symbol(text)
    except SymbolError:
        symbol = None
    if symbol is None or symbol.series != "S/PV":
        raise QueryError(
            f"{text!r} is not a meeting: expected the symbol of its verbatim record, "
            f"such as S/PV.8733 or S/PV.8733 (Resumption 1)"
        )
    return RdfLiteral(symbol.key)


def _to_state(text: str) -> Node:
    gazetteer = default_gazetteer()
    if re.fullmatch(r"[A-Za-z]{3}", text) and text.upper() in gazetteer:
        return RdfLiteral(text.upper())
    state = gazetteer.lookup(text)
    if state is None:
        raise QueryError(
            f"{text!r} is not a State: expected an ISO 3166-1 alpha-3 code (CHN) or the "
            f"name of a UN Member or observer State in Chinese or English (中国, China)"
        )
    return RdfLiteral(state.iso3)


def _to_year(text: str) -> Node:
    if not re.fullmatch(r"\d{4}", text) or not MIN_YEAR <= int(text) <= MAX_YEAR:
        raise QueryError(f"{text!r} is not a year: expected four digits, {MIN_YEAR}–{MAX_YEAR}")
    return RdfLiteral(int(text))


def _to_item(text: str) -> Node:
    table = named_table("item")
    if any(entry.key == text for entry in table) or _FALLBACK_ITEM_KEY.fullmatch(text):
        return RdfLiteral(text)
    wanted = _fold(text)
    for entry in table:
        names = (entry.en, entry.zh, *entry.aliases_en, *entry.aliases_zh)
        if wanted in {_fold(n) for n in names}:
            return RdfLiteral(entry.key)
    keys = ", ".join(entry.key for entry in table)
    raise QueryError(
        f"{text!r} is not an agenda item: expected a curated key ({keys}), the key "
        f"item-<12 hex digits> of an uncurated item, or a curated title in Chinese or English"
    )


def _to_iri(text: str) -> Node:
    if not _IRI_RE.fullmatch(text):
        raise QueryError(
            f"{text!r} is not an absolute IRI: expected e.g. "
            f"https://w3id.org/councilkg/id/meeting/8733 (no spaces, <, >, quotes or braces)"
        )
    return URIRef(text)


def _to_date(text: str) -> Node:
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise ValueError(text)
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise QueryError(f"{text!r} is not a date: expected YYYY-MM-DD, e.g. 2020-08-14") from None
    return RdfLiteral(day.isoformat(), datatype=XSD.date)


def _to_string(text: str) -> Node:
    return RdfLiteral(text)


def _to_integer(text: str) -> Node:
    if not re.fullmatch(r"[+-]?\d{1,18}", text):
        raise QueryError(f"{text!r} is not an integer")
    return RdfLiteral(int(text))


_CONVERT = {
    "symbol": _to_symbol,
    "meeting": _to_meeting,
    "state": _to_state,
    "year": _to_year,
    "item": _to_item,
    "iri": _to_iri,
    "date": _to_date,
    "string": _to_string,
    "integer": _to_integer,
}


# ---------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Term:
    """One RDF term of a result, engine-neutral.

    ``datatype`` is None for a simple (``xsd:string``) or language-tagged
    literal, so results from different engines compare equal.
    """

    kind: Literal["uri", "literal", "bnode"]
    value: str
    datatype: str | None = None
    lang: str | None = None

    @classmethod
    def literal(cls, value: str, datatype: str | None = None, lang: str | None = None) -> Term:
        """A literal, normalised (``xsd:string`` and ``rdf:langString`` dropped)."""
        if lang:
            return cls("literal", value, None, lang.lower())
        if datatype in (_XSD_STRING, _RDF_LANGSTRING):
            datatype = None
        return cls("literal", value, datatype or None, None)

    @classmethod
    def from_json(cls, binding: Mapping[str, Any]) -> Term:
        """From a SPARQL 1.1 Query Results JSON binding (``typed-literal`` too)."""
        kind = binding["type"]
        if kind == "uri":
            return cls("uri", binding["value"])
        if kind == "bnode":
            return cls("bnode", binding["value"])
        if kind in ("literal", "typed-literal"):
            return cls.literal(binding["value"], binding.get("datatype"), binding.get("xml:lang"))
        raise ValueError(f"unknown term type in SPARQL JSON results: {kind!r}")

    def to_json(self) -> dict[str, str]:
        """As a SPARQL 1.1 Query Results JSON binding."""
        out = {"type": self.kind, "value": self.value}
        if self.lang:
            out["xml:lang"] = self.lang
        elif self.datatype:
            out["datatype"] = self.datatype
        return out

    def n3(self) -> str:
        """In Turtle/N-Triples syntax (TSV results)."""
        if self.kind == "uri":
            return f"<{self.value}>"
        if self.kind == "bnode":
            return f"_:{self.value}"
        if self.datatype == str(XSD.integer) and re.fullmatch(r"[+-]?\d+", self.value):
            return self.value
        if self.datatype == str(XSD.decimal) and re.fullmatch(r"[+-]?\d*\.\d+", self.value):
            return self.value
        if self.datatype == str(XSD.boolean) and self.value in ("true", "false"):
            return self.value
        text = '"' + _escape(self.value) + '"'
        if self.lang:
            return f"{text}@{self.lang}"
        if self.datatype:
            return f"{text}^^<{self.datatype}>"
        return text

    def python(self) -> Any:
        """A plain Python value: int, float, bool, date or str (IRIs as str)."""
        if self.kind != "literal" or self.datatype is None:
            return self.value
        if self.datatype == str(XSD.integer):
            return int(self.value)
        if self.datatype == str(XSD.boolean):
            return self.value in ("true", "1")
        if self.datatype in (str(XSD.decimal), str(XSD.double), str(XSD.float)):
            return float(self.value)
        if self.datatype == str(XSD.date):
            return dt.date.fromisoformat(self.value)
        return self.value


def _escape(text: str) -> str:
    table = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
    return "".join(table.get(ch, ch) for ch in text)


Row = tuple[Term | None, ...]


@dataclass(slots=True)
class QueryResult:
    """The solutions of a SELECT query: variables and rows of terms (None:
    unbound), plus labels of the IRIs when they were looked up."""

    variables: tuple[str, ...]
    rows: list[Row]
    labels: dict[str, dict[str, str]] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[Row]:
        return iter(self.rows)

    def records(self) -> list[dict[str, Term]]:
        """Rows as dicts of the bound variables."""
        return [
            {v: t for v, t in zip(self.variables, row, strict=True) if t is not None}
            for row in self.rows
        ]

    def values(self) -> list[dict[str, Any]]:
        """Rows as dicts of plain Python values (see :meth:`Term.python`)."""
        return [{k: t.python() for k, t in r.items()} for r in self.records()]

    def column(self, name: str) -> list[str | None]:
        """The lexical values of one column."""
        i = self.variables.index(name)
        return [None if row[i] is None else row[i].value for row in self.rows]  # type: ignore[union-attr]

    def iris(self) -> list[str]:
        """Every IRI in the result, once, in order of appearance."""
        seen: dict[str, None] = {}
        for row in self.rows:
            for t in row:
                if t is not None and t.kind == "uri":
                    seen.setdefault(t.value, None)
        return list(seen)

    # -- renderers -------------------------------------------------------
    def to_json(self, indent: int | None = 1) -> str:
        """SPARQL 1.1 Query Results JSON Format (W3C)."""
        doc = {
            "head": {"vars": list(self.variables)},
            "results": {
                "bindings": [
                    {v: t.to_json() for v, t in zip(self.variables, row, strict=True) if t}
                    for row in self.rows
                ]
            },
        }
        return json.dumps(doc, ensure_ascii=False, indent=indent) + "\n"

    def to_csv(self) -> str:
        """SPARQL 1.1 Query Results CSV Format (W3C): lexical values, CRLF."""
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\r\n")
        writer.writerow(self.variables)
        for row in self.rows:
            writer.writerow(
                [
                    "" if t is None else (f"_:{t.value}" if t.kind == "bnode" else t.value)
                    for t in row
                ]
            )
        return buf.getvalue()

    def to_tsv(self) -> str:
        """SPARQL 1.1 Query Results TSV Format (W3C): terms in Turtle syntax."""
        lines = ["\t".join(f"?{v}" for v in self.variables)]
        lines.extend("\t".join("" if t is None else t.n3() for t in row) for row in self.rows)
        return "\n".join(lines) + "\n"

    def label(self, iri: str, lang: str) -> str | None:
        """The label of ``iri`` in ``lang`` (else with no language, else any)."""
        labels = self.labels.get(iri)
        if not labels:
            return None
        return labels.get(lang) or labels.get("") or next(iter(labels.values()))

    def to_table(self, lang: str = "en", *, max_width: int = 48) -> str:
        """A readable, aligned text table; IRIs shown by their label in
        ``lang`` when one was looked up (``labels=True`` when running)."""
        cells = [[_display(t, self, lang, max_width) for t in row] for row in self.rows]
        widths = [
            max([_width(v)] + [_width(row[i]) for row in cells])
            for i, v in enumerate(self.variables)
        ]
        out = [_line(self.variables, widths), _line(["-" * w for w in widths], widths)]
        out.extend(_line(row, widths) for row in cells)
        count = len(self.rows)
        out.append(f"(共 {count} 行)" if lang == "zh" else f"({count} row{'s' * (count != 1)})")
        return "\n".join(out) + "\n"


_PREFIXES = (
    ("https://w3id.org/councilkg/ontology#", "ckg:"),
    ("https://w3id.org/councilkg/id/", "id:"),
)


def _display(t: Term | None, result: QueryResult, lang: str, max_width: int) -> str:
    if t is None:
        return ""
    if t.kind == "uri":
        text = result.label(t.value, lang)
        if text is None:
            text = t.value
            for base, prefix in _PREFIXES:
                if t.value.startswith(base):
                    text = prefix + t.value[len(base) :]
                    break
    elif t.kind == "bnode":
        text = f"_:{t.value}"
    else:
        text = t.value
    text = " ".join(text.split())
    if _width(text) > max_width:
        while _width(text) > max_width - 1:
            text = text[:-1]
        text += "…"
    return text


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _line(cells: Sequence[str], widths: Sequence[int]) -> str:
    return "  ".join(c + " " * (w - _width(c)) for c, w in zip(cells, widths, strict=True)).rstrip()


def render(result: QueryResult, fmt: str = "table", lang: str = "en") -> str:
    """``result`` in one of :data:`FORMATS`."""
    if fmt == "json":
        return result.to_json()
    if fmt == "csv":
        return result.to_csv()
    if fmt == "tsv":
        return result.to_tsv()
    if fmt == "table":
        if lang not in LANGS:
            raise QueryError(f"unknown language {lang!r}; expected one of {', '.join(LANGS)}")
        return result.to_table(lang)
    raise QueryError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")


# ---------------------------------------------------------------------------
# Running
# ---------------------------------------------------------------------------

_LABEL_BATCH = 400


def label_query(iris: Sequence[str]) -> str:
    """A query for the ``skos:prefLabel`` and ``rdfs:label`` of ``iris``
    (columns ``s``, ``rank`` — 1 for prefLabel, 2 for rdfs:label — and ``label``)."""
    values = " ".join(nt_term(URIRef(i)) for i in iris if _IRI_RE.fullmatch(i))
    return (
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        "SELECT ?s ?rank ?label WHERE {\n"
        f"  VALUES ?s {{ {values} }}\n"
        "  { ?s skos:prefLabel ?label . BIND(1 AS ?rank) }\n"
        "  UNION { ?s rdfs:label ?label . BIND(2 AS ?rank) }\n"
        "}"
    )


def collect_labels(
    iris: Sequence[str], select: Callable[[str], QueryResult]
) -> dict[str, dict[str, str]]:
    """Labels of ``iris`` by language, running :func:`label_query` in batches
    through ``select`` (a function from SPARQL text to :class:`QueryResult`).
    ``skos:prefLabel`` wins over ``rdfs:label`` in the same language."""
    found: dict[str, dict[str, tuple[int, str]]] = {}
    for start in range(0, len(iris), _LABEL_BATCH):
        batch = iris[start : start + _LABEL_BATCH]
        if not batch:
            continue
        result = select(label_query(batch))
        for rec in result.records():
            iri, label = rec["s"].value, rec["label"]
            rank = int(rec["rank"].value)
            lang = label.lang or ""
            have = found.setdefault(iri, {}).get(lang)
            if have is None or (rank, label.value) < have:
                found[iri][lang] = (rank, label.value)
    return {iri: {lg: v for lg, (_, v) in langs.items()} for iri, langs in found.items()}


def _ox_term(node: Any) -> Term | None:
    if node is None:
        return None
    name = type(node).__name__
    if name == "NamedNode":
        return Term("uri", node.value)
    if name == "BlankNode":
        return Term("bnode", node.value)
    if name == "Literal":
        return Term.literal(node.value, node.datatype.value, node.language)
    raise TypeError(f"unexpected term in a SELECT result: {node!r}")


def select_embedded(store: GraphStore, sparql: str) -> QueryResult:
    """Run SELECT text on the store's default graph (the merge of its graphs)."""
    solutions = store.query(sparql)
    variables = tuple(v.value for v in solutions.variables)
    rows = [tuple(_ox_term(s[v]) for v in variables) for s in solutions]
    return QueryResult(variables, rows)


def normalise_lists(query: PreparedQuery, result: QueryResult) -> QueryResult:
    """Sort the items of the query's list columns (``# lists:``) in place.

    A list column is a ``GROUP_CONCAT`` of ISO3 codes or symbols separated
    by spaces; SPARQL leaves the order of the items undefined (two Oxigraph
    servers disagree), so runners sort them and every engine answers alike.
    """
    idx = [result.variables.index(c) for c in query.lists if c in result.variables]
    if not idx:
        return result
    rows = []
    for row in result.rows:
        cells = list(row)
        for i in idx:
            t = cells[i]
            if t is not None and t.kind == "literal":
                cells[i] = Term.literal(" ".join(sorted(t.value.split())), t.datatype, t.lang)
        rows.append(tuple(cells))
    result.rows = rows
    return result


def run_embedded(store: GraphStore, bound: BoundQuery, *, labels: bool = False) -> QueryResult:
    """Run a bound query on the embedded store.

    With ``labels``, the ``skos:prefLabel``/``rdfs:label`` of every IRI in the
    result are looked up too (for :meth:`QueryResult.to_table`).
    """
    result = normalise_lists(bound.query, select_embedded(store, bound.sparql))
    if labels:
        result.labels = collect_labels(result.iris(), lambda q: select_embedded(store, q))
    return result


def run(
    bound: BoundQuery,
    *,
    store: GraphStore | None = None,
    endpoint: str | None = None,
    labels: bool = False,
    timeout: float = 30,
) -> QueryResult:
    """Run ``bound`` on ``endpoint`` (a SPARQL query URL) if given, else on
    ``store`` (``councilkg query --store DIR | --endpoint URL``)."""
    if endpoint is not None:
        from councilkg.queries.remote import run_remote

        return run_remote(endpoint, bound, timeout, labels=labels)
    if store is None:
        raise QueryError("run a query on a store or an endpoint")
    return run_embedded(store, bound, labels=labels)
