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
    help="A SPARQL 1.1 Graph Store Protocol endpoint (oxigraph: http://host:7878/store; "
    "Virtuoso: http://host:8890/sparql-graph-crud).",
)
@click.option("--graph", metavar="IRI", help="Push only this named graph.")
@store_option
@click.option("--batch", default=50_000, show_default=True, help="Triples per request.")
@click.option(
    "--user",
    metavar="NAME",
    help="User name for a server that asks for one (basic or digest); the password "
    "comes from --password-env or ~/.netrc.",
)
@click.option(
    "--password-env",
    default="COUNCILKG_PASSWORD",
    show_default=True,
    metavar="VAR",
    help="The environment variable holding the password.",
)
@click.option("--dry-run", is_flag=True, help="Send nothing; list the requests that would be sent.")
@click.option(
    "--timeout", default=120.0, show_default=True, help="Seconds to wait for each request."
)
def push(
    endpoint: str,
    graph: str | None,
    store_dir: Path | None,
    batch: int,
    user: str | None,
    password_env: str,
    dry_run: bool,
    timeout: float,
) -> None:
    """Load the store's graphs into a SPARQL Graph Store endpoint, idempotently
    (each graph is replaced: PUT, then POST of further batches).

    Every named graph, then their merge as the named graph {base}graph/all
    and as the default graph; a server that takes no default graph (Virtuoso
    as installed) gets a one-line notice and the named merge, which the
    prepared queries read."""
    # Imported here, as in every command: `councilkg --help` loads no command's work.
    from councilkg.push import Credentials
    from councilkg.push import push as push_graphs

    credentials = Credentials.find(endpoint, user, password_env)

    def show(method: str, url: str, triples: int) -> None:
        click.echo(f"{method} {url}  ({triples} triples)")

    report = push_graphs(
        GraphStore(store_dir, read_only=True),
        endpoint,
        graph=graph,
        batch_triples=batch,
        timeout=timeout,
        credentials=credentials,
        dry_run=dry_run,
        on_request=show if dry_run else None,
    )
    for notice in report.notices():
        click.echo(notice, err=True)
    click.echo(report.summary())
