"""``councilkg push``: the store's graphs loaded into a SPARQL Graph Store
Protocol endpoint, each graph replaced, so pushing twice changes nothing.

A thin layer over :func:`councilkg.push.push`.
"""

from __future__ import annotations

from pathlib import Path

import click

from councilkg.cli.options import store_option
from councilkg.store import GraphStore

__all__ = ["push"]


@click.command("push")
@click.option(
    "--endpoint",
    required=True,
    metavar="URL",
    help="A SPARQL 1.1 Graph Store Protocol endpoint (oxigraph: http://host:7878/store).",
)
@click.option("--graph", metavar="IRI", help="Push only this named graph.")
@store_option
@click.option("--batch", default=50_000, show_default=True, help="Triples per request.")
def push(endpoint: str, graph: str | None, store_dir: Path | None, batch: int) -> None:
    """Load the store's graphs into a SPARQL Graph Store endpoint, idempotently
    (each graph is replaced: PUT, then POST of further batches)."""
    # Imported here, as in every command: `councilkg --help` loads no command's work.
    from councilkg.push import push as push_graphs

    report = push_graphs(
        GraphStore(store_dir, read_only=True), endpoint, graph=graph, batch_triples=batch
    )
    click.echo(report.summary())
