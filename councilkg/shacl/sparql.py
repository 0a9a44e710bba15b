"""SHACL-SPARQL constraints evaluated over the whole graph, one query each.

Why: pyshacl runs a constraint's ``SELECT`` once per focus node with
``$this`` pre-bound; with thousands of vote events that is thousands of
queries.  Here ``$this`` becomes a variable joined with the shape's targets
at the start of the query's ``WHERE`` group, so a single Oxigraph query
returns the violations of every focus node.  Pre-binding ``$this`` and
joining it first give the same solutions for the queries of ``shapes/``
(no sub-``SELECT``, no ``VALUES``, as SHACL requires), which
``tests/test_shacl_fast.py`` checks against pyshacl on every mutation.

Each solution becomes what pyshacl reports for it (see
:class:`SparqlViolation`): the focus node, ``?path``, ``?value`` (the focus
node itself when unbound, the constraint being on a node shape), and the
messages with ``{?var}`` / ``{$var}`` filled in with the bound values,
without a language tag, as pyshacl writes them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.term import Identifier, Node

from councilkg.shacl.components import UnsupportedShapesError
from councilkg.shacl.rewrite import not_exists_as_minus
from councilkg.shacl.terms import from_ox

SH = Namespace("http://www.w3.org/ns/shacl#")
_THIS = re.compile(r"\$this\b")
_COMMENT = re.compile(r"(?m)(^|\s)#[^\n]*")
_SELECT = re.compile(r"\bSELECT\b", re.IGNORECASE)
_VALUES = re.compile(r"\bVALUES\b", re.IGNORECASE)
_REFUSED = re.compile(r"\$(PATH|currentShape|shapesGraph)\b")
_TARGETS = {
    SH.targetClass: "?this <{rdf_type}> ?_ckg_type . ?_ckg_type <{sub_class}>* <{term}> .",
    SH.targetSubjectsOf: "?this <{term}> ?_ckg_object .",
    SH.targetObjectsOf: "?_ckg_subject <{term}> ?this .",
}


@dataclass(frozen=True)
class SparqlConstraint:
    """One ``sh:sparql`` constraint of a node shape, compiled."""

    shape: Node
    constraint: Node
    severity: Node
    query: str
    messages: tuple[Literal, ...]


@dataclass(frozen=True)
class SparqlViolation:
    """One result of a SPARQL constraint, as pyshacl would report it."""

    constraint: SparqlConstraint
    focus: Identifier
    path: Identifier | None
    value: Identifier
    messages: tuple[Literal, ...]


def _prefixes(shapes: Graph, constraint: Node) -> str:
    lines = []
    for ontology in shapes.objects(constraint, SH.prefixes):
        for declaration in shapes.objects(ontology, SH.declare):
            prefix = shapes.value(declaration, SH.prefix)
            namespace = shapes.value(declaration, SH.namespace)
            if prefix is not None and namespace is not None:
                lines.append(f"PREFIX {prefix}: <{namespace}>")
    return "\n".join(sorted(set(lines))) + "\n"


def _target_pattern(shapes: Graph, shape: Node) -> str:
    """The focus nodes of ``shape`` as a SPARQL group of ``?this``."""
    parts = []
    for prop, template in _TARGETS.items():
        for term in sorted(shapes.objects(shape, prop), key=str):
            parts.append(
                "{ " + template.format(rdf_type=RDF.type, sub_class=RDF_SUBCLASS, term=term) + " }"
            )
    for node in sorted(shapes.objects(shape, SH.targetNode), key=str):
        parts.append(f"{{ BIND ({node.n3()} AS ?this) }}")
    if not parts:
        raise UnsupportedShapesError(f"{shape}: a SPARQL constraint on a shape without targets")
    return "{ SELECT DISTINCT ?this WHERE { " + " UNION ".join(parts) + " } }"


RDF_SUBCLASS = URIRef("http://www.w3.org/2000/01/rdf-schema#subClassOf")


def compile_constraints(shapes: Graph) -> list[SparqlConstraint]:
    """Every SPARQL constraint of ``shapes``, as a query over all focus nodes.

    Raises:
        UnsupportedShapesError: a constraint this engine does not run (on a
            property shape, deactivated, ASK-based, or using ``$PATH``,
            ``$currentShape`` or ``$shapesGraph``).
    """
    compiled = []
    for shape, constraint in sorted(shapes.subject_objects(SH.sparql), key=str):
        if shapes.value(shape, SH.path) is not None:
            raise UnsupportedShapesError(f"{shape}: sh:sparql on a property shape")
        select = shapes.value(constraint, SH.select)
        if select is None:
            raise UnsupportedShapesError(f"{constraint}: a SPARQL constraint without sh:select")
        text = str(select)
        if _REFUSED.search(text):
            raise UnsupportedShapesError(f"{constraint}: $PATH, $currentShape or $shapesGraph")
        code = _COMMENT.sub("", text)
        if len(_SELECT.findall(code)) != 1 or _VALUES.search(code):
            raise UnsupportedShapesError(f"{constraint}: a sub-SELECT or VALUES")
        body = not_exists_as_minus(_THIS.sub("?this", text))
        opening = body.index("{")
        query = (
            _prefixes(shapes, constraint)
            + body[: opening + 1]
            + "\n"
            + _target_pattern(shapes, shape)
            + "\n"
            + body[opening + 1 :]
        )
        messages = tuple(
            sorted(
                (m for m in shapes.objects(constraint, SH.message) if isinstance(m, Literal)),
                key=lambda m: (m.language or "", str(m)),
            )
        )
        compiled.append(
            SparqlConstraint(
                shape=shape,
                constraint=constraint,
                severity=shapes.value(shape, SH.severity) or SH.Violation,
                query=query,
                messages=messages,
            )
        )
    return compiled


def _fill(message: str, bound: dict[str, Identifier]) -> str:
    """pyshacl's ``{?var}`` substitution: ``str()`` of each bound term."""
    for var, term in bound.items():
        message = re.sub(f"{{[?$]{var}}}", str(term), message)
    return message


def run_constraint(store: ox.Store, constraint: SparqlConstraint) -> Iterator[SparqlViolation]:
    """The violations of ``constraint`` over the default graph of ``store``,
    without duplicates (pyshacl drops a solution equal to an earlier one)."""
    solutions = store.query(constraint.query, use_default_graph_as_union=False)
    assert isinstance(solutions, ox.QuerySolutions)
    names = [v.value for v in solutions.variables]
    seen: set[tuple[tuple[str, Identifier], ...]] = set()
    for row in solutions:
        bound = {name: from_ox(row[name]) for name in names if row[name] is not None}
        if bound.get("failure") is not None:
            raise UnsupportedShapesError(f"{constraint.constraint}: ?failure is not supported")
        key = tuple(sorted(bound.items()))
        if key in seen:
            continue
        seen.add(key)
        focus = bound.pop("this")
        path = bound.pop("path", None)
        value = bound.pop("value", None)
        if value is None:  # a node shape's constraint: the value is the focus node
            value = focus
        fills = {**bound, "this": focus, "value": value}
        if path is not None:
            fills["path"] = path
        yield SparqlViolation(
            constraint=constraint,
            focus=focus,
            path=path,
            value=value,
            messages=tuple(Literal(_fill(str(m), fills)) for m in constraint.messages),
        )
