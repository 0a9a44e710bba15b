"""``councilkg validate``: the graph (the store, or RDF files) checked
against the SHACL shapes, each result pointing back into the source.

A thin layer over :mod:`councilkg.validation` and its fast engine,
:mod:`councilkg.shacl` (the default: the same results as pyshacl, checked
by ``tests/test_shacl_fast.py``; ``--engine pyshacl`` runs the reference).
When the fast engine cannot run here (``shacl-rust`` missing, or shapes
using a feature it does not run) pyshacl validates, with a note on stderr
in the text format.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from councilkg.cli.exits import EXIT_OK, EXIT_STRICT
from councilkg.cli.options import endpoint_option, format_option, store_option, timeout_option
from councilkg.store import GraphStore

__all__ = ["validate"]


@click.command("validate")
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@store_option
@endpoint_option
@timeout_option
@format_option("text", "json", "turtle")
@click.option(
    "--engine",
    type=click.Choice(["fast", "pyshacl"]),
    default="fast",
    show_default=True,
    help="fast: whole-graph engines (shacl-rust, Oxigraph); pyshacl: the reference.",
)
def validate(
    store_dir: Path | None,
    files: tuple[Path, ...],
    endpoint: str | None,
    timeout: float,
    fmt: str,
    engine: str,
) -> None:
    """Validate the graph (the store, RDF FILES, or the graph an --endpoint
    serves, read through SPARQL and validated here) with the SHACL shapes.

    Prints each result with its focus node, path, message and the place in
    the source that states the fact (file, line, page, quoted text).  Exit 1
    when there is a violation (warnings alone still conform).
    """
    # Imported here: pySHACL and rdflib are slow to load and only this
    # command needs them.
    from councilkg.validation import graph_from_file, graph_from_store, validate_ntriples
    from councilkg.validation import validate as run_validation

    if files and endpoint is not None:
        raise click.UsageError("give FILES or --endpoint, not both")
    store: GraphStore | None = None
    if endpoint is not None:
        from councilkg.published import read_published

        store = read_published(endpoint, timeout)
    elif not files:
        store = GraphStore(store_dir, read_only=True)
    report = None
    if engine == "fast":
        from councilkg import shacl

        try:
            if store is not None:
                report = validate_ntriples(shacl.ntriples_from_store(store))
            else:
                report = validate_ntriples(
                    b"".join(shacl.ntriples_from_graph(graph_from_file(f)) for f in files)
                )
        except (shacl.EngineUnavailableError, shacl.UnsupportedShapesError) as exc:
            if fmt == "text":  # json and turtle stay machine-readable
                click.echo(f"validate: {exc}; validating with pyshacl", err=True)
    if report is None:
        if store is not None:
            graph = graph_from_store(store)
        else:
            graph = graph_from_file(files[0])
            for extra in files[1:]:
                graph += graph_from_file(extra)
        report = run_validation(graph)
    if fmt == "json":
        click.echo(report.render_json())
    elif fmt == "turtle":
        click.echo(report.render_turtle())
    else:
        click.echo(report.render_text())
    sys.exit(EXIT_OK if report.conforms else EXIT_STRICT)
