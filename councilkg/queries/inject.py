"""Values put into SPARQL text: a ``VALUES`` block at the top of a query's
outermost ``WHERE`` group.

Why a small lexer of its own: the prepared queries, the linked-data pages and
the dataset description all bind validated RDF terms into a query the same
way, whatever engine runs it, and never splice user text into the query.
Finding where the ``WHERE`` group opens needs a little of the SPARQL grammar
(comments, strings and IRIs may hold a ``{`` or the word WHERE; a CONSTRUCT
template has braces of its own), and that grammar lives here once.  The
catalogue uses it too, to refuse a query file without a ``WHERE`` group.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rdflib.term import Node

from councilkg.ingest.ntriples import term as nt_term

__all__ = ["ABSOLUTE_IRI", "bind_text", "values_blocks", "where_brace"]

ABSOLUTE_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:[^\x00-\x20<>\"{}|^`\\]+")
"""An IRI that may be written as a SPARQL IRIREF: an absolute scheme, then no
space, ``<``, ``>``, quote, brace, ``|``, ``^``, backquote or backslash."""

_IRIREF_AT = re.compile(r"<[^\x00-\x20<>\"{}|^`\\]*>")


def bind_text(text: str, values: Sequence[tuple[str, Node]]) -> str:
    """``text`` (a SELECT, ASK or CONSTRUCT query) with ``values`` in a
    ``VALUES`` block at the top of its outermost ``WHERE`` group, each term
    written by the N-Triples encoder.

    One block per variable (their join is the one row a multi-variable
    block would give; a variable given several values gets one row each):
    Virtuoso 07.20.3233 fails to compile a query whose
    one ``VALUES`` row mixes an IRI and a plain literal (SP031,
    "ssg_print_rvr_fixed_val(): no SPART_VARR_FIXED").

    >>> from rdflib import URIRef
    >>> print(bind_text("ASK { ?s ?p ?o }", [("s", URIRef("http://example.org/a"))]))
    ASK {
      VALUES ?s { <http://example.org/a> } ?s ?p ?o }
    """
    if not values:
        return text
    at = where_brace(text) + 1
    return f"{text[:at]}\n  {values_blocks(values)}{text[at:]}"


def values_blocks(values: Sequence[tuple[str, Node]]) -> str:
    """``VALUES`` blocks for ``values``, one per variable, each term written
    by the N-Triples encoder (see :func:`bind_text`).

    >>> from rdflib import Literal
    >>> values_blocks([("item", Literal("non-proliferation"))])
    'VALUES ?item { "non-proliferation" }'
    """
    rows: dict[str, list[str]] = {}  # a variable given several values: one row each
    for name, node in values:
        rows.setdefault(name, []).append(nt_term(node))
    return " ".join(f"VALUES ?{name} {{ {' '.join(terms)} }}" for name, terms in rows.items())


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
