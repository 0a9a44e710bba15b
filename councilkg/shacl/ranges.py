"""Range constraints on values that cannot be compared with the bound.

Why this exists: SHACL defines ``sh:minInclusive``/``sh:maxInclusive`` by a
SPARQL comparison that must return true, so a value that cannot be compared
with the bound (the string ``"2020"`` against the integer 1946) violates the
range as well as the datatype; pyshacl reports both, shacl-rust only the
datatype.  The fast engine adds the missing range results here.

It can only see such values where shacl-rust reports them, so a range is
run by the fast engine only in a property shape that also states
``sh:datatype`` (:func:`check_ranges_typed`, called when the shapes are
prepared): every incomparable value then has a datatype result to start
from, and nothing is missed.
"""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import XSD, Graph, Literal, Namespace, URIRef
from rdflib.term import Identifier, Node

from councilkg.shacl.components import UnsupportedShapesError
from councilkg.shacl.core import CoreViolation

SH = Namespace("http://www.w3.org/ns/shacl#")

RANGES = {
    SH.minInclusive: SH.MinInclusiveConstraintComponent,
    SH.maxInclusive: SH.MaxInclusiveConstraintComponent,
}

_NUMERIC = {
    XSD.integer,
    XSD.decimal,
    XSD.double,
    XSD.float,
    XSD.int,
    XSD.long,
    XSD.short,
    XSD.byte,
    XSD.nonNegativeInteger,
    XSD.positiveInteger,
    XSD.nonPositiveInteger,
    XSD.negativeInteger,
    XSD.unsignedInt,
    XSD.unsignedLong,
    XSD.unsignedShort,
    XSD.unsignedByte,
}


def check_ranges_typed(shapes: Graph) -> None:
    """Refuse a range constraint whose shape states no ``sh:datatype``."""
    untyped = sorted(
        str(shape)
        for bound in RANGES
        for shape in shapes.subjects(bound, None)
        if shapes.value(shape, SH.datatype) is None
    )
    if untyped:
        raise UnsupportedShapesError(
            "the fast SHACL engine runs sh:minInclusive/sh:maxInclusive only beside "
            "sh:datatype; not so in " + ", ".join(untyped)
        )


def _comparable(value: Identifier | None, bound: Node) -> bool:
    if not isinstance(value, Literal) or not isinstance(bound, Literal):
        return False
    if value.datatype in _NUMERIC and bound.datatype in _NUMERIC:
        return True
    return value.datatype is not None and value.datatype == bound.datatype


def with_incomparable_ranges(found: Iterable[CoreViolation], shapes: Graph) -> list[CoreViolation]:
    """``found`` and, for each datatype result in a shape with a range, the
    range results of a value that cannot be compared with the bound."""
    out = list(found)
    for v in list(out):
        if v.component != SH.DatatypeConstraintComponent:
            continue
        for bound_predicate, component in RANGES.items():
            bound = shapes.value(v.shape, bound_predicate)
            if bound is None or _comparable(v.value, bound):
                continue
            added = CoreViolation(v.focus, v.value, v.shape, URIRef(component), v.severity, ())
            if added not in out:
                out.append(added)
    return out
