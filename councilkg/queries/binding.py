"""Binding a prepared query's parameters: user text validated, typed and
put into the query as RDF terms.

Why values are bound with ``VALUES``: user text is validated and turned
into an RDF term by a proper encoder (:func:`councilkg.ingest.ntriples.term`),
and the terms go into a ``VALUES`` block placed at the top of the query's
outermost ``WHERE`` group (:func:`councilkg.queries.inject.bind_text`), never
into the query's own text.  The same bound text runs on the embedded store
and on any remote endpoint, so both give the same answers (pyoxigraph's
``substitutions`` would only reach projected variables, and no remote
protocol has them).  A parameter left unset is simply not bound: queries are
written so that an unbound parameter does not filter (it is matched like any
variable, or tested with ``!BOUND``).

The types of :data:`~councilkg.queries.catalogue.PARAM_TYPES`: ``symbol``
(a UN document symbol, bound as its canonical key, the value of
``ckg:symbol``), ``meeting`` (an ``S/PV`` symbol), ``state`` (ISO3 or a
Chinese/English name, bound as the ISO3 code, the value of ``ckg:iso3``),
``year``, ``years`` (a year or a range of years, ``2016-2020``, bound as
two ``xsd:integer`` literals, ``?<name>From`` and ``?<name>To``: a single
year is the range of one year; where the query names ``?<name>`` itself,
also as one row of it per year of the range), ``item`` (curated key or title, bound as the
``ckg:key``),
``iri``, ``date``, ``string``, ``integer`` and ``language`` (an edition's language
code, ``zh`` or ``en``, bound as the plain literal its texts are tagged with).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from rdflib import XSD
from rdflib import Literal as RdfLiteral
from rdflib.term import Node, URIRef

from councilkg.ingest.gazetteer import default_gazetteer
from councilkg.ingest.lexicon import named_table
from councilkg.ingest.symbols import SymbolError, parse_symbol
from councilkg.queries.catalogue import PreparedQuery, get
from councilkg.queries.errors import QueryError
from councilkg.queries.guards import apply_guards
from councilkg.queries.inject import ABSOLUTE_IRI, bind_text, values_blocks

__all__ = ["MAX_YEAR", "MIN_YEAR", "BoundQuery", "bind", "inject_values", "parse_params"]

MIN_YEAR, MAX_YEAR = 1946, 2100

_FALLBACK_ITEM_KEY = re.compile(r"item-[0-9a-f]{12}")


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
    given_as: dict[str, str] = {}  # parameter name → the name the caller used
    for name in raw:
        p = q.param(name)  # unknown parameter → QueryError listing the valid ones
        if p.name in given_as:
            raise QueryError(f"parameter {p.name!r} of query {q.name!r} given twice")
        given_as[p.name] = name
    values: list[tuple[str, Node]] = []
    for p in q.params:
        given = raw.get(given_as.get(p.name, p.name))
        text = "" if given is None else str(given).strip()
        if not text:
            if p.required:
                raise QueryError(
                    f"query {q.name!r} needs parameter {p.name!r} ({p.type}, e.g. "
                    f"--param {p.name}={p.example}); its parameters: {q.param_usage()}"
                )
            continue
        try:
            terms = _CONVERT[p.type](text)
        except QueryError as exc:
            raise QueryError(
                f"parameter {given_as.get(p.name, p.name)!r} of query {q.name!r}: {exc} "
                f"(its parameters: {q.param_usage()})"
            ) from None
        values.extend(zip(p.variables, terms, strict=True))
        if p.type == "years" and re.search(rf"[?$]{p.name}\b", q.body):
            # Each year of the range too, as rows of ?<name>, where the query
            # joins it with an integer key (?event ckg:year ?years): the year
            # is then bound before the joins, where a FILTER on
            # ?<name>From/To would only be applied after reading every event.
            first, last = (int(str(t)) for t in terms)
            values.extend((p.name, RdfLiteral(y)) for y in range(first, last + 1))
    return BoundQuery(q, tuple(values), inject_values(q, values))


def inject_values(query: PreparedQuery, values: Sequence[tuple[str, Node]]) -> str:
    """The query's SPARQL with ``values`` in a ``VALUES`` block at the top of
    its outermost ``WHERE`` group (the header replaced by one comment line),
    and the guarded lines of the parameters bound kept
    (:mod:`councilkg.queries.guards`: ``#if years: ?position ckg:year
    ?years .``), so the plan starts from their key only when they are set,
    and their ``VALUES`` again where a ``#values NAME`` line asks."""
    bound: dict[str, str] = {}
    for p in query.params:
        own = [(name, node) for name, node in values if name in {p.name, *p.variables}]
        if own:
            bound[p.name] = values_blocks(own)
    body = apply_guards(query.body, bound)
    head = f"# councilkg prepared query: {query.name}\n"
    if not values:
        return head + body
    return head + bind_text(body, values)


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


_YEARS = re.compile(r"(\d{4})(?:\s*[-–]\s*(\d{4}))?")


def _to_years(text: str) -> tuple[Node, Node]:
    """``2016-2020`` (or ``2016–2020``) → the first and last year, as
    ``xsd:integer``; ``2020`` → 2020 and 2020."""
    m = _YEARS.fullmatch(text)
    first = int(m.group(1)) if m else 0
    last = int(m.group(2) or first) if m else 0
    if not m or not (MIN_YEAR <= first <= last <= MAX_YEAR):
        raise QueryError(
            f"{text!r} is not a year or a range of years: expected four digits, "
            f"{MIN_YEAR}–{MAX_YEAR}, or two of them joined by '-', the earlier first "
            f"(2016-2020)"
        )
    return RdfLiteral(first), RdfLiteral(last)


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
    if not ABSOLUTE_IRI.fullmatch(text):
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


def _to_language(text: str) -> Node:
    """An edition's language code (``zh``, ``en``), as the plain literal
    that ``LANG()`` of its texts and ``dcterms:language`` of its sources give."""
    from councilkg.ingest.lang import languages

    code = text.strip().lower()
    if code not in languages():
        raise QueryError(
            f"{text!r} is not the language of an edition: expected one of {', '.join(languages())}"
        )
    return RdfLiteral(code)


def _one(convert: Callable[[str], Node]) -> Callable[[str], tuple[Node, ...]]:
    """A converter to one term, as a converter to the terms of a parameter."""
    return lambda text: (convert(text),)


_CONVERT: dict[str, Callable[[str], tuple[Node, ...]]] = {
    "symbol": _one(_to_symbol),
    "meeting": _one(_to_meeting),
    "state": _one(_to_state),
    "year": _one(_to_year),
    "years": _to_years,
    "item": _one(_to_item),
    "iri": _one(_to_iri),
    "date": _one(_to_date),
    "string": _one(_to_string),
    "integer": _one(_to_integer),
    "language": _one(_to_language),
}
