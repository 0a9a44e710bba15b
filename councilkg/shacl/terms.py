"""Terms between pyoxigraph, rdflib and N-Triples text.

Why a module: the fast engine reads results from Oxigraph and shacl-rust
but hands rdflib terms to :mod:`councilkg.validation`, and they must be
*the same* terms pyshacl reports.  In particular a simple literal becomes
``Literal("x")`` with no datatype, as rdflib parses it from N-Triples,
not ``Literal("x", datatype=xsd:string)`` as Oxigraph (RDF 1.1) writes it:
rdflib tells the two apart.
"""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Identifier, Node

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def from_ox(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> Identifier:
    """An Oxigraph term as the rdflib term rdflib's N-Triples parser makes."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        # normalize=False: the lexical form as written ("2020-02-26Z" stays)
        if term.language:
            return Literal(term.value, lang=term.language, normalize=False)
        if term.datatype.value == XSD_STRING:
            return Literal(term.value, normalize=False)
        return Literal(term.value, datatype=URIRef(term.datatype.value), normalize=False)
    raise TypeError(f"no rdflib term for {term!r}")


def to_ox(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """An rdflib term as an Oxigraph term (for pattern lookups)."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"no Oxigraph term for {term!r}")


def parse_term(text: str) -> Identifier:
    """One term in N-Triples syntax (``<iri>``, ``"x"^^<dt>``, ``_:b``)."""
    quads = ox.parse(f"<urn:t> <urn:t> {text} .\n".encode(), format=ox.RdfFormat.N_TRIPLES)
    for quad in quads:
        return from_ox(quad.object)
    raise ValueError(f"not an N-Triples term: {text!r}")
