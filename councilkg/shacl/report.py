"""The SHACL validation report graph that pyshacl would write, built from
the fast engine's results.

Why a report graph rather than result objects straight away: the report is
what ``councilkg validate --format turtle`` prints, and
:func:`councilkg.validation.results_from_report` already turns a report
into located results; building the same graph keeps one path from report to
:class:`~councilkg.validation.ValidationResult` for both engines.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from rdflib import RDF, BNode, Graph, Literal, Namespace
from rdflib.term import Node

from councilkg.shacl.core import CoreViolation
from councilkg.shacl.sparql import SparqlViolation

SH = Namespace("http://www.w3.org/ns/shacl#")


def _copy_path(shapes: Graph, report: Graph, path: Node) -> None:
    """The triples of a property path (blank nodes, lists) into ``report``."""
    todo, seen = [path], set()
    while todo:
        node = todo.pop()
        if node in seen or not isinstance(node, BNode):
            continue
        seen.add(node)
        for p, o in shapes.predicate_objects(node):
            report.add((node, p, o))
            todo.append(o)


def _messages(shapes: Graph, shape: Node) -> list[Literal]:
    return [m for m in shapes.objects(shape, SH.message) if isinstance(m, Literal)]


Details = Callable[[Node, Node], list[tuple[Literal, ...]]]


def build_report(
    shapes: Graph,
    core: Iterable[CoreViolation],
    sparql: Iterable[SparqlViolation],
    details: Details | None = None,
) -> tuple[bool, Graph]:
    """Conformance (no result of severity Violation) and the report graph.

    ``details(shape, value)``: the messages of the nested results of an
    ``sh:node`` result (:mod:`councilkg.shacl.details`).
    """
    report = Graph()
    root = BNode()
    report.add((root, RDF.type, SH.ValidationReport))
    conforms = True
    for c in core:
        node = _result(report, root, c.focus, c.shape, c.component, c.severity)
        if c.value is not None:
            report.add((node, SH.value, c.value))
        path = shapes.value(c.shape, SH.path)
        if path is not None:
            report.add((node, SH.resultPath, path))
            _copy_path(shapes, report, path)
        messages = _messages(shapes, c.shape) or [Literal(m) for m in c.generic_messages[:1]]
        for message in messages:
            report.add((node, SH.resultMessage, message))
        if details is not None and c.component == SH.NodeConstraintComponent:
            for nested in details(c.shape, c.value if c.value is not None else c.focus):
                detail = BNode()
                report.add((node, SH.detail, detail))
                for message in nested:
                    report.add((detail, SH.resultMessage, message))
        conforms = conforms and c.severity != SH.Violation
    for v in sparql:
        constraint = v.constraint
        node = _result(
            report,
            root,
            v.focus,
            constraint.shape,
            SH.SPARQLConstraintComponent,
            constraint.severity,
        )
        report.add((node, SH.sourceConstraint, constraint.constraint))
        report.add((node, SH.value, v.value))
        if v.path is not None:
            report.add((node, SH.resultPath, v.path))
        for message in v.messages:
            report.add((node, SH.resultMessage, message))
        conforms = conforms and constraint.severity != SH.Violation
    report.add((root, SH.conforms, Literal(conforms)))
    return conforms, report


def _result(
    report: Graph, root: BNode, focus: Node, shape: Node, component: Node, severity: Node
) -> BNode:
    """A new ``sh:ValidationResult`` of ``root`` with what every result states,
    whichever engine found it."""
    node = BNode()
    report.add((root, SH.result, node))
    report.add((node, RDF.type, SH.ValidationResult))
    report.add((node, SH.focusNode, focus))
    report.add((node, SH.sourceShape, shape))
    report.add((node, SH.sourceConstraintComponent, component))
    report.add((node, SH.resultSeverity, severity))
    return node
