"""Canonical, sorted N-Triples and N-Quads text (the diffable graph boundary).

Why our own writer: the output must be byte-identical for the same input,
one statement per line, so it can be diffed, hashed and bulk-loaded; rdflib's
``n3()`` writes long literals in Turtle's triple-quoted form, which N-Triples
does not allow.  Sorting is by the encoded line, so the order is a property
of the text alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rdflib import XSD, Literal, URIRef
from rdflib.term import Node

_ESCAPES = {
    "\\": "\\\\",
    '"': '\\"',
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\b": "\\b",
    "\f": "\\f",
}
_XSD_STRING = str(XSD.string)


_SPECIAL = re.compile(r'[\\"\x00-\x1f\x7f]')


def _escape_char(match: re.Match[str]) -> str:
    ch = match.group()
    return _ESCAPES.get(ch) or f"\\u{ord(ch):04X}"


def _escape(text: str) -> str:
    """The text with N-Triples' escapes (most texts have none: returned as is)."""
    if _SPECIAL.search(text) is None:
        return text
    return _SPECIAL.sub(_escape_char, text)


def term(node: Node) -> str:
    """One term in N-Triples syntax.

    >>> term(Literal("a\\nb", lang="zh"))
    '"a\\\\nb"@zh'
    """
    if type(node) is URIRef or isinstance(node, URIRef):  # the first test is the quick one
        return f"<{node}>"
    if isinstance(node, Literal):
        lexical = f'"{_escape(str(node))}"'
        if node.language:
            return f"{lexical}@{node.language}"
        if node.datatype and str(node.datatype) != _XSD_STRING:
            return f"{lexical}^^<{node.datatype}>"
        return lexical
    raise TypeError(f"no blank nodes or other terms in councilkg graphs: {node!r}")


def ntriples_lines(triples: Iterable[tuple[Node, Node, Node]]) -> list[str]:
    """Sorted, de-duplicated N-Triples lines (each ending in a newline)."""
    # Subjects and predicates recur (a node has many properties, a property
    # many nodes): each is written once per call.
    # IRI objects recur too (classes, the nodes facts point at); literals
    # are written each time (their hash is slower than writing them).
    seen: dict[Node, str] = {}
    lines = set()
    for s, p, o in triples:
        ts = seen.get(s)
        if ts is None:
            ts = seen[s] = term(s)
        tp = seen.get(p)
        if tp is None:
            tp = seen[p] = term(p)
        if type(o) is URIRef:
            to = seen.get(o)
            if to is None:
                to = seen[o] = f"<{o}>"
        else:
            to = term(o)
        lines.add(f"{ts} {tp} {to} .\n")
    return sorted(lines)


def nquads_lines(triples: Iterable[tuple[Node, Node, Node]], graph: URIRef) -> list[str]:
    """Sorted N-Quads lines with every triple in ``graph``."""
    g = term(graph)
    return sorted({f"{term(s)} {term(p)} {term(o)} {g} .\n" for s, p, o in triples})
