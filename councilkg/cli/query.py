"""``councilkg queries`` and ``councilkg query``: the catalogue of prepared
queries, and one of them run on the store or on a SPARQL endpoint.

A thin layer over :mod:`councilkg.queries`: parameters are parsed, checked
and bound there, never pasted into the query text.
"""

from __future__ import annotations

from pathlib import Path

import click

from councilkg.cli.options import (
    endpoint_option,
    format_option,
    lang_option,
    store_option,
    timeout_option,
)
from councilkg.store import GraphStore

__all__ = ["queries_command", "query_command"]


@click.command("queries")
@lang_option()
@click.option("--verbose", "-v", is_flag=True, help="Descriptions, parameters and columns too.")
def queries_command(lang: str, verbose: bool) -> None:
    """List the prepared queries (queries/*.rq)."""
    # Imported here, as in every command: `councilkg --help` loads no command's work.
    from councilkg.queries import format_catalogue

    click.echo(format_catalogue(lang, verbose=verbose))


@click.command("query")
@click.argument("name")
@click.option(
    "--param",
    "-p",
    "params",
    multiple=True,
    metavar="K=V",
    help="A parameter of the query (repeatable); see `councilkg queries -v`.",
)
@format_option("table", "json", "csv", "tsv")
@lang_option(help="Language of the labels in the table format.")
@store_option
@endpoint_option
@timeout_option
def query_command(
    name: str,
    params: tuple[str, ...],
    fmt: str,
    lang: str,
    store_dir: Path | None,
    endpoint: str | None,
    timeout: float,
) -> None:
    """Run the prepared query NAME on the store or on --endpoint.

    Values are validated and bound as RDF terms, never pasted into the query:
    a symbol is checked against the UN symbol grammar, a State may be given as
    ISO3 or as a zh/en name, an item as its key or title.
    """
    from councilkg.queries import bind, get, parse_params, render, run

    bound = bind(get(name), parse_params(params))
    store = None if endpoint else GraphStore(store_dir, read_only=True)
    result = run(bound, store=store, endpoint=endpoint, labels=fmt == "table", timeout=timeout)
    click.echo(render(result, fmt, lang).rstrip("\n"))
