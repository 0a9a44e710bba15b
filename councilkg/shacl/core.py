"""The SHACL core constraints, run by ``shacl-rust`` over the whole graph.

Why shacl-rust (a SHACL validator written in Rust, on PyPI as
``shacl-rust``): of the engines compared (bench/README.md), it is the one
whose results equal pyshacl's, and it checks the core shapes of a million
triples in seconds.  It is given the shapes without their ``sh:sparql``
constraints, which Oxigraph runs (:mod:`councilkg.shacl.sparql`): shacl-rust
evaluates those once per focus node, which costs more than all the rest.

It reports terms as N-Triples text and drops the language of messages, so
only the focus node, value, source shape, component and severity are read
from it; the path and messages come from the shapes graph, as pyshacl
writes them.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import cache
from typing import Any

from rdflib import Graph, Namespace, URIRef
from rdflib.term import Identifier

from councilkg.shacl.components import UnsupportedShapesError
from councilkg.shacl.terms import parse_term

SH = Namespace("http://www.w3.org/ns/shacl#")


@dataclass(frozen=True)
class CoreViolation:
    """One result of a core constraint."""

    focus: Identifier
    value: Identifier | None
    shape: URIRef
    component: URIRef
    severity: URIRef
    generic_messages: tuple[str, ...]


@cache
def _shacl_rust() -> Any:
    import shacl_rust

    return shacl_rust


def available() -> bool:
    """Whether the ``shacl-rust`` package is installed."""
    try:
        _shacl_rust()
    except ImportError:
        return False
    return True


def core_shapes(shapes: Graph) -> bytes:
    """``shapes`` without their SPARQL constraints, as Turtle."""
    core = Graph()
    for triple in shapes:
        if triple[1] != SH.sparql:
            core.add(triple)
    text: str = core.serialize(format="turtle")
    return text.encode("utf-8")


def run_core(ntriples: bytes, shapes_turtle: bytes) -> list[CoreViolation]:
    """Validate the N-Triples ``ntriples`` against the core shapes."""
    report = _shacl_rust().validate_file(
        io.BytesIO(ntriples),
        io.BytesIO(shapes_turtle),
        data_format="nt",
        shapes_format="turtle",
    )
    out = []
    for result in report["results"]:
        shape = result["sourceShape"]
        if not shape.startswith("<"):
            raise UnsupportedShapesError(
                f"a result from a shape without an IRI ({shape}): name every shape"
            )
        value = result.get("value")
        out.append(
            CoreViolation(
                focus=parse_term(result["focusNode"]),
                value=parse_term(value) if value is not None else None,
                shape=URIRef(shape[1:-1]),
                component=URIRef(result["sourceConstraintComponent"][1:-1]),
                severity=URIRef(result["severity"][1:-1]),
                generic_messages=tuple(result.get("messages", ())),
            )
        )
    return out
