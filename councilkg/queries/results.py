"""Results of a SELECT query, engine-neutral, and their renderings.

Why one result type: the embedded store and any SPARQL endpoint answer in
different term types (pyoxigraph terms, SPARQL JSON bindings); both are read
into :class:`Term` and :class:`QueryResult` (simple literals without the
``xsd:string`` datatype, language tags in lower case, list columns sorted),
so the same query gives equal results wherever it ran, and every caller
renders them the same way: the W3C SPARQL 1.1 result formats (JSON, CSV,
TSV) or an aligned text table.

The table shows an IRI by its label in the language asked for when labels
were looked up (:mod:`councilkg.queries.labels`), else shortened by the one
prefix table of the project (:func:`councilkg.prefixes.compact`) with the
data's own namespace, ``{base}id/``, as ``id:``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, Literal

from rdflib import XSD

from councilkg.ingest.iris import DEFAULT_BASE
from councilkg.ingest.language import LANGS
from councilkg.prefixes import compact
from councilkg.queries.errors import QueryError

if TYPE_CHECKING:
    from councilkg.queries.catalogue import PreparedQuery

__all__ = [
    "FORMATS",
    "QueryResult",
    "Row",
    "StateName",
    "Term",
    "canonical",
    "normalise_lists",
    "normalise_values",
    "render",
]

FORMATS = ("table", "json", "csv", "tsv")

_XSD_STRING = str(XSD.string)
_RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


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


@dataclass(frozen=True, slots=True)
class StateName:
    """A State of a result: its ISO3 code and short names by language."""

    iso3: str
    short: Mapping[str, str] = field(default_factory=dict)

    def name(self, lang: str) -> str:
        """The short name in ``lang`` (else in English, else the ISO3 code)."""
        return self.short.get(lang) or self.short.get("en") or self.iso3


@dataclass(slots=True)
class QueryResult:
    """The solutions of a SELECT query: variables and rows of terms (None:
    unbound), plus labels of the IRIs and the ISO3 codes and short names of
    the States among them when they were looked up, and the base IRI the
    data was minted with (its ``{base}id/`` is shown as ``id:``)."""

    variables: tuple[str, ...]
    rows: list[Row]
    labels: dict[str, dict[str, str]] = field(default_factory=dict)
    base: str = DEFAULT_BASE
    states: dict[str, StateName] = field(default_factory=dict)

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
        """The label of ``iri`` in ``lang`` (else with no language, else any);
        a State's short name when States were looked up."""
        state = self.states.get(iri)
        if state is not None and state.short:
            return state.name(lang)
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


def _display(t: Term | None, result: QueryResult, lang: str, max_width: int) -> str:
    if t is None:
        return ""
    if t.kind == "uri":
        text = result.label(t.value, lang)
        if text is None:
            text = compact(t.value, {"id": f"{result.base}id/"}) or t.value
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


def normalise_lists(query: PreparedQuery, result: QueryResult) -> QueryResult:
    """Sort the items of the query's list columns (``# lists:``) in place.

    A list column is a ``GROUP_CONCAT`` of ISO3 codes or symbols separated
    by spaces; SPARQL leaves the order of the items undefined (two Oxigraph
    servers disagree), so runners sort them and every engine answers alike.
    A list with no items is unbound: a ``GROUP_CONCAT`` in an OPTIONAL
    subquery leaves it so, one over the query's own groups (cheaper: the
    subquery is evaluated over the whole graph) answers ``""``; both are
    read alike.
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
                items = sorted(t.value.split())
                cells[i] = Term.literal(" ".join(items), t.datatype, t.lang) if items else None
        rows.append(tuple(cells))
    result.rows = rows
    return result


_XSD = "http://www.w3.org/2001/XMLSchema#"
_INTEGERS = frozenset(
    _XSD + t
    for t in (
        "integer",
        "int",
        "long",
        "short",
        "byte",
        "nonNegativeInteger",
        "positiveInteger",
        "unsignedInt",
        "unsignedLong",
    )
)
_DATE = re.compile(r"(-?\d{4,}-\d{2}-\d{2})(?:T00:00:00(?:\.0+)?)?(?:Z|[+-]00:00)?")


def canonical(term: Term, datatype: str | None = None) -> Term:
    """One lexical form per value, whatever the engine answered.

    ``datatype`` (``boolean``, ``integer``, ``decimal``, ``date``) is the
    column's declared type: Virtuoso stores ``true`` as the integer ``1``
    and answers it so; with the type declared it is ``true`` again.  Without
    one, the literal's own datatype decides: decimals lose trailing zeros
    (Jena ``1.0``, Oxigraph ``1``: both ``1``), integer subtypes
    (``xsd:int``, ``xsd:long``) are ``xsd:integer``, booleans ``1``/``0``
    are ``true``/``false``, a date ``2020-02-26Z`` is ``2020-02-26``.  A
    value that does not read as its type is left as it is.
    """
    if term.kind != "literal" or term.lang:
        return term
    value = term.value.strip()
    want = _XSD + datatype if datatype else term.datatype
    if want == _XSD + "boolean":
        if value in ("true", "1", "1.0"):
            return Term.literal("true", want)
        if value in ("false", "0", "0.0"):
            return Term.literal("false", want)
        return term
    if want in _INTEGERS:
        try:
            number = Decimal(value)
        except InvalidOperation:
            return term
        if number == number.to_integral_value():
            return Term.literal(str(int(number)), _XSD + "integer")
        return term
    if want == _XSD + "decimal":
        try:
            number = Decimal(value)
        except InvalidOperation:
            return term
        text = format(number.normalize(), "f")
        return Term.literal("0" if text in ("-0", "+0") else text, want)
    if want == _XSD + "date":
        m = _DATE.fullmatch(value)
        return Term.literal(m.group(1), want) if m else term
    return term


def normalise_values(query: PreparedQuery, result: QueryResult) -> QueryResult:
    """Every literal in its canonical form (:func:`canonical`), the query's
    declared column types (``# types:``) applied, in place; the same answer
    then prints the same in tables, CSV and JSON whatever engine gave it."""
    declared = dict(query.types)
    types = [declared.get(v) for v in result.variables]
    # Each distinct term of a column is made canonical once: answers repeat
    # their values from row to row.
    done: dict[tuple[Term, str | None], Term] = {}

    def one(term: Term | None, datatype: str | None) -> Term | None:
        if term is None:
            return None
        key = (term, datatype)
        try:
            return done[key]
        except KeyError:
            out = done[key] = canonical(term, datatype)
            return out

    result.rows = [tuple(one(t, types[i]) for i, t in enumerate(row)) for row in result.rows]
    return result
