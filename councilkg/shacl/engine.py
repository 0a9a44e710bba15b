"""The fast engine end to end: N-Triples in, a validation report out.

The data and the ontology are loaded once into an in-memory Oxigraph store
(the union of the two, as pyshacl's ``ont_graph`` mixes them); its
N-Triples go to shacl-rust for the core constraints, and the SPARQL
constraints run on the store.  Results are located through a read-only
rdflib view of the same store (:mod:`councilkg.shacl.oxgraph`).

What is prepared once (:func:`prepare`, cached by
:mod:`councilkg.validation`): the shapes split in two (core Turtle,
compiled queries) and the ontology's N-Triples.

Why the core constraints run in a forked process for large graphs: the two
halves are independent and each is single-threaded, so on two or more CPUs
the validation takes the longer of the two instead of their sum (at 1M
triples about 23 s for shacl-rust and 19 s to load Oxigraph and run the
queries).  The child is forked before the Oxigraph store exists (no engine
threads are copied) and sees the data without a copy; below
:data:`PARALLEL_BYTES` the fork costs more than it saves.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import multiprocessing.process
import os
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pyoxigraph as ox
from rdflib import RDF, Graph, Literal, Namespace
from rdflib.graph import ConjunctiveGraph
from rdflib.term import Node

from councilkg.shacl import core, ranges, sparql
from councilkg.shacl.components import check_supported
from councilkg.shacl.details import node_details
from councilkg.shacl.oxgraph import graph_view
from councilkg.shacl.report import build_report

if TYPE_CHECKING:
    from councilkg.store import GraphStore


SH = Namespace("http://www.w3.org/ns/shacl#")
PARALLEL_BYTES = 4_000_000  # N-Triples above which shacl-rust runs in a forked child


class EngineUnavailableError(RuntimeError):
    """``shacl-rust`` is not installed (``pip install shacl-rust``)."""


def available() -> bool:
    """Whether the fast engine can run here (``shacl-rust`` installed)."""
    return core.available()


@dataclass(frozen=True)
class Prepared:
    """Shapes and ontology, ready for the engines."""

    shapes: Graph
    core_turtle: bytes
    constraints: tuple[sparql.SparqlConstraint, ...]
    ontology_nt: bytes
    shape_count: int


def prepare(shapes: Graph, ontology: Graph) -> Prepared:
    """Split ``shapes`` for the two engines and serialise ``ontology``.

    Raises:
        UnsupportedShapesError: the shapes use a feature the engine does
            not run.
    """
    check_supported(shapes)
    ranges.check_ranges_typed(shapes)
    return Prepared(
        shapes=shapes,
        core_turtle=core.core_shapes(shapes),
        constraints=tuple(sparql.compile_constraints(shapes)),
        ontology_nt=ntriples_from_graph(ontology),
        shape_count=len(set(shapes.subjects(RDF.type, SH.NodeShape)))
        + len(set(shapes.subjects(RDF.type, SH.PropertyShape))),
    )


@dataclass(frozen=True)
class FastRun:
    """What a validation gives: the SHACL report graph pyshacl would write,
    the data (with the ontology) to locate results in, and the counts."""

    conforms: bool
    report_graph: Graph
    data_graph: Graph
    triples: int
    seconds: float
    shapes: int


def ntriples_from_graph(graph: Graph) -> bytes:
    """An rdflib graph as N-Triples (every graph of a Dataset, merged)."""
    if isinstance(graph, ConjunctiveGraph):
        triples = ((s, p, o) for s, p, o, _ in graph.quads((None, None, None, None)))
        merged = Graph()
        merged.addN((s, p, o, merged) for s, p, o in triples)
        graph = merged
    text: str = graph.serialize(format="nt")
    return text.encode("utf-8")


def ntriples_from_store(store: GraphStore) -> bytes:
    """Every named graph of ``store``, merged, as N-Triples."""
    quads = ox.parse(store.dump_nquads(), format=ox.RdfFormat.N_QUADS)
    triples = (ox.Triple(q.subject, q.predicate, q.object) for q in quads)
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""


def validate_ntriples(data: bytes, setup: Prepared) -> FastRun:
    """Validate the N-Triples ``data`` (ontology mixed in) with the fast engine.

    Raises:
        EngineUnavailableError: ``shacl-rust`` is not installed.
    """
    if not available():
        raise EngineUnavailableError(
            "the fast SHACL engine needs shacl-rust: pip install shacl-rust"
        )
    started = time.perf_counter()
    core_text = (data, setup.ontology_nt)
    pending = _start_core(core_text, setup.core_turtle) if len(data) > PARALLEL_BYTES else None
    store = ox.Store()
    if data:
        store.bulk_load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.DefaultGraph())
    triples = len(store)
    store.bulk_load(setup.ontology_nt, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.DefaultGraph())
    # shacl-rust reads the text, not Oxigraph's dump: Oxigraph stores numbers
    # and dates by value ("01" comes back "1"), and a pattern sees the text.
    found_sparql = [v for c in setup.constraints for v in sparql.run_constraint(store, c)]
    found_core = ranges.with_incomparable_ranges(
        _finish_core(pending, core_text, setup.core_turtle), setup.shapes
    )
    view = graph_view(store)

    def nested(shape: Node, value: Node) -> list[tuple[Literal, ...]]:
        return node_details(setup.shapes, shape, value, view)

    conforms, report_graph = build_report(setup.shapes, found_core, found_sparql, nested)
    return FastRun(
        conforms=conforms,
        report_graph=report_graph,
        data_graph=view,
        triples=triples,
        seconds=time.perf_counter() - started,
        shapes=setup.shape_count,
    )


_Pending = tuple[multiprocessing.process.BaseProcess, "multiprocessing.connection.Connection"]


def _core_child(
    conn: multiprocessing.connection.Connection, text: tuple[bytes, bytes], turtle: bytes
) -> None:
    try:
        conn.send(("ok", core.run_core(b"\n".join(text), turtle)))
    except BaseException as exc:  # reported to the parent, which runs it again
        conn.send(("error", repr(exc)))
    finally:
        conn.close()


def _start_core(text: tuple[bytes, bytes], turtle: bytes) -> _Pending | None:
    """shacl-rust started in a forked child, or None where fork is missing."""
    if not hasattr(os, "fork"):
        return None
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_core_child, args=(sender, text, turtle))
    try:
        process.start()
    except (AssertionError, OSError):  # a daemonic process has no children; out of memory
        receiver.close()
        sender.close()
        return None
    sender.close()
    return process, receiver


def _finish_core(
    pending: _Pending | None, text: tuple[bytes, bytes], turtle: bytes
) -> list[core.CoreViolation]:
    """The child's core results; run here if there was none or it failed
    (an error of shacl-rust itself is then raised here)."""
    if pending is not None:
        process, receiver = pending
        try:
            status, found = receiver.recv()
        except EOFError:
            status, found = "error", None
        finally:
            receiver.close()
            process.join()
        if status == "ok":
            return list(found)
    return core.run_core(b"\n".join(text), turtle)
