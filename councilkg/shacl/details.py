"""The ``sh:detail`` of an ``sh:node`` result, as pyshacl writes it.

Why pyshacl here: when a value fails the node shape that ``sh:node`` names,
pyshacl nests the nested shape's own results under the result as
``sh:detail`` (``councilkg validate`` prints them: "Node … must conform to
one or more shapes in …"), and shacl-rust does not report them.  They are
few (one per failing value), so the nested shape is validated by pyshacl
itself, on the value node alone, over the same data; their messages are
then exactly pyshacl's.
"""

from __future__ import annotations

from functools import cache

from rdflib import Graph, Literal, Namespace
from rdflib.term import Node

SH = Namespace("http://www.w3.org/ns/shacl#")


@cache
def _shapes_graph(shapes: Graph) -> object:
    from pyshacl.shapes_graph import ShapesGraph

    graph = ShapesGraph(shapes)
    _ = graph.shapes  # builds the shape objects (sh:node's targets among them)
    return graph


def node_details(shapes: Graph, shape: Node, value: Node, data: Graph) -> list[tuple[Literal, ...]]:
    """The messages of each nested result of ``value`` against the node
    shapes that ``shape`` names with ``sh:node``."""
    from pyshacl.pytypes import SHACLExecutor

    sg = _shapes_graph(shapes)
    details = []
    for node_shape in sorted(shapes.objects(shape, SH.node), key=str):
        nested = sg.lookup_shape_from_node(node_shape)  # type: ignore[attr-defined]
        _, reports = nested.validate(SHACLExecutor(), data, focus=value)
        for _text, result, triples in reports:
            details.append(
                tuple(
                    o
                    for s, p, o in triples
                    if s == result and p == SH.resultMessage and isinstance(o, Literal)
                )
            )
    return details
