"""Canonical, sorted N-Triples and N-Quads text (the diffable graph boundary).

Why our own writer: the output must be byte-identical for the same input,
one statement per line, so it can be diffed, hashed and bulk-loaded; rdflib's
``n3()`` writes long literals in Turtle's triple-quoted form, which N-Triples
does not allow.  Sorting is by the encoded line, so the order is a property
of the text alone.
"""

from __future__ import annotations

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


def _escape(text: str) -> str:
    out = []
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return "".join(out)


def term(node: Node) -> str:
    """One term in N-Triples syntax.

    >>> term(Literal("a\\nb", lang="zh"))
    '"a\\\\nb"@zh'
    """
    if isinstance(node, URIRef):
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
    return sorted({f"{term(s)} {term(p)} {term(o)} .\n" for s, p, o in triples})


def nquads_lines(triples: Iterable[tuple[Node, Node, Node]], graph: URIRef) -> list[str]:
    """Sorted N-Quads lines with every triple in ``graph``."""
    g = term(graph)
    return sorted({f"{term(s)} {term(p)} {term(o)} {g} .\n" for s, p, o in triples})
