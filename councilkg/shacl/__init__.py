"""The fast SHACL engine: the shapes of ``shapes/`` checked over a whole
graph at once, with results identical to pyshacl's.

Why not pyshacl alone: pyshacl walks the graph focus node by focus node in
Python and runs every SHACL-SPARQL constraint once per node; at a million
triples it does not finish in 15 minutes.  This engine splits the shapes in
two, each part run by an engine that sees the whole graph:

- the **core constraints** (``sh:class``, ``sh:minCount``, ``sh:or`` …) by
  ``shacl-rust`` (a SHACL validator in Rust, :mod:`councilkg.shacl.core`),
  over the N-Triples of the graph;
- the **SHACL-SPARQL constraints** by Oxigraph, one query per constraint
  returning every violating focus node (:mod:`councilkg.shacl.sparql`).

Both produce the SHACL report pyshacl would (:mod:`councilkg.shacl.report`),
which :func:`councilkg.validation.validate_ntriples` turns into the same located
:class:`~councilkg.validation.ValidationResult` objects.  Shapes using a
component outside :data:`~councilkg.shacl.components.SUPPORTED` are refused
(:class:`UnsupportedShapesError`), and the caller falls back to pyshacl.
"""

from __future__ import annotations

from councilkg.shacl.components import SUPPORTED, UnsupportedShapesError, check_supported
from councilkg.shacl.engine import (
    EngineUnavailableError,
    FastRun,
    Prepared,
    available,
    ntriples_from_graph,
    ntriples_from_store,
    prepare,
    validate_ntriples,
)

__all__ = [
    "SUPPORTED",
    "EngineUnavailableError",
    "FastRun",
    "Prepared",
    "UnsupportedShapesError",
    "available",
    "check_supported",
    "ntriples_from_graph",
    "ntriples_from_store",
    "prepare",
    "validate_ntriples",
]
