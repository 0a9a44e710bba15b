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
@lang_option(help="Language of labels, and of headers and yes/no (是/否) in table and CSV.")
@click.option(
    "--labels/--no-labels",
    default=None,
    help="Beside each IRI column, its labels: ISO3 code and short name of a State, label "
    "of a concept in --lang (default: on for table, csv and json, off for tsv). "
    "--no-labels: the plain W3C result, IRIs and English variable names.",
)
@store_option
@endpoint_option
@timeout_option
def query_command(
    name: str,
    params: tuple[str, ...],
    fmt: str,
    lang: str,
    labels: bool | None,
    store_dir: Path | None,
    endpoint: str | None,
    timeout: float,
) -> None:
    """Run the prepared query NAME on the store or on --endpoint.

    Values are validated and bound as RDF terms, never pasted into the query:
    a symbol is checked against the UN symbol grammar, a State may be given as
    ISO3 or as a zh/en name, an item as its key or title, years as 2020 or
    2016-2020.  CSV and JSON carry label columns beside the IRI columns
    (member_iso3, member_name, position_label …); `vote-matrix` is spread
    into one column per member.
    """
    from councilkg.queries import bind, get, parse_params, render, run, shape

    bound = bind(get(name), parse_params(params))
    labelled = fmt != "tsv" if labels is None else labels
    store = None if endpoint else GraphStore(store_dir, read_only=True)
    result = run(bound, store=store, endpoint=endpoint, labels=labelled, timeout=timeout)
    shaped = shape(bound.query, result, fmt, lang, labels=labelled)
    click.echo(render(shaped, fmt, lang).rstrip("\n"))
