"""Which SHACL features the fast engine runs, as an explicit list.

Why a list: the fast engine is trusted because its results equal pyshacl's
on every mutation of ``tests/test_shapes.py`` (``tests/test_shacl_fast.py``);
that only covers the features the shapes use.  A shape using anything else
is refused with the features named, rather than validated by an engine
nobody compared.
"""

from __future__ import annotations

from rdflib import Graph, URIRef

SH = "http://www.w3.org/ns/shacl#"

# Constraint parameters (SHACL core) run by shacl-rust and compared with
# pyshacl, and the SHACL-SPARQL ``sh:sparql`` run by Oxigraph.
SUPPORTED: frozenset[str] = frozenset(
    {
        "and",
        "class",
        "datatype",
        "hasValue",
        "in",
        "lessThan",
        "maxCount",
        "maxInclusive",
        "minCount",
        "minInclusive",
        "minLength",
        "node",
        "nodeKind",
        "not",
        "or",
        "pattern",
        "qualifiedMaxCount",
        "qualifiedMinCount",
        "qualifiedValueShape",
        "sparql",
        "uniqueLang",
        "xone",
    }
)

# Structure, targets, paths, messages and the parts of a SPARQL constraint:
# not constraints themselves.
STRUCTURE: frozenset[str] = frozenset(
    {
        "path",
        "property",
        "targetClass",
        "targetSubjectsOf",
        "targetObjectsOf",
        "targetNode",
        "message",
        "severity",
        "name",
        "description",
        "order",
        "group",
        "select",
        "prefixes",
        "declare",
        "prefix",
        "namespace",
        "inversePath",
        "alternativePath",
        "zeroOrMorePath",
        "oneOrMorePath",
        "zeroOrOnePath",
    }
)


class UnsupportedShapesError(ValueError):
    """The shapes use SHACL features the fast engine does not run."""


def check_supported(shapes: Graph) -> None:
    """Raise :class:`UnsupportedShapesError` naming every ``sh:`` predicate
    of ``shapes`` that is neither a supported constraint nor structure.

    Also refused: ``sh:deactivated``, SPARQL constraints on property shapes,
    and SPARQL texts using ``$PATH``, ``$currentShape`` or ``$shapesGraph``
    (:mod:`councilkg.shacl.sparql` checks those).
    """
    unknown = sorted(
        {
            str(p)[len(SH) :]
            for p in shapes.predicates()
            if isinstance(p, URIRef)
            and str(p).startswith(SH)
            and str(p)[len(SH) :] not in SUPPORTED | STRUCTURE
        }
    )
    if unknown:
        raise UnsupportedShapesError(
            "the fast SHACL engine does not run sh:" + ", sh:".join(unknown)
        )
