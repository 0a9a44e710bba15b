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
_UNESCAPES = {value: key for key, value in _ESCAPES.items()}
_ESCAPED = re.compile(r"\\(?:u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)")


def _escape_char(match: re.Match[str]) -> str:
    ch = match.group()
    return _ESCAPES.get(ch) or f"\\u{ord(ch):04X}"


def escape(text: str) -> str:
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
        lexical = f'"{escape(str(node))}"'
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


def nquads_of_lines(lines: Iterable[str], graph: str) -> list[str]:
    """Sorted N-Quads lines of N-Triples ``lines`` (each ending in `` .\\n``)
    with every triple in ``graph`` (an IRI): those :func:`nquads_lines`
    writes of the lines' triples."""
    g = f"<{graph}> .\n"
    return sorted({line[:-2] + g for line in lines})


def _unescape_match(match: re.Match[str]) -> str:
    found = match.group()
    if found[1] in "uU":
        return chr(int(found[2:], 16))
    return _UNESCAPES.get(found, found[1])


def unescape(text: str) -> str:
    """The text an N-Triples string's escapes stand for (:func:`escape` undone)."""
    if "\\" not in text:
        return text
    return _ESCAPED.sub(_unescape_match, text)


def from_term(text: str) -> Node:
    """The rdflib term of one N-Triples term as :func:`term` writes it
    (an IRI or a literal), equal to the term it was written from.

    >>> from_term('"5"^^<http://www.w3.org/2001/XMLSchema#integer>') == Literal(5)
    True
    """
    if text.startswith("<") and text.endswith(">"):
        return URIRef(text[1:-1])
    if text.startswith('"'):
        end = text.rindex('"')
        lexical = unescape(text[1:end])
        rest = text[end + 1 :]
        if rest.startswith("@"):
            return Literal(lexical, lang=rest[1:])
        if rest.startswith("^^<") and rest.endswith(">"):
            return Literal(lexical, datatype=URIRef(rest[3:-1]))
        if not rest:
            return Literal(lexical)
    raise ValueError(f"not an N-Triples IRI or literal: {text!r}")


def triples_of_lines(lines: Iterable[str]) -> set[tuple[Node, Node, Node]]:
    """The triples of N-Triples lines as :func:`ntriples_lines` writes them
    (one statement a line, single spaces, no blank nodes), as rdflib terms:
    ``ntriples_lines(triples_of_lines(lines))`` is ``sorted(set(lines))``.

    Each distinct term is read once.
    """
    terms: dict[str, Node] = {}
    out = set()
    for line in lines:
        if not line.endswith(" .\n"):
            raise ValueError(f"not an N-Triples line: {line!r}")
        s, p, o = line[:-3].split(" ", 2)
        triple = []
        for text in (s, p, o):
            node = terms.get(text)
            if node is None:
                node = terms[text] = from_term(text)
            triple.append(node)
        out.add((triple[0], triple[1], triple[2]))
    return out
