"""``councilkg export``: the store's graphs, or the dataset's VoID/DCAT
description, in one of the export formats, to a file or stdout.

A thin layer over :mod:`councilkg.export.writers` and
:mod:`councilkg.export.void`; the formats, their names and extensions are
those of the registry (:mod:`councilkg.export.formats`).  Registered on the
``councilkg`` group (``main.add_command(export)``); the group turns expected
errors (an unknown graph, an unknown extension, a missing store) into one
line and exit code 2.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import BinaryIO

import click

from councilkg.cli.options import check_licence, data_licence_option, store_option
from councilkg.export.formats import EXPORT_FORMATS, FORMATS, format_of
from councilkg.export.writers import ExportStats, export_lines, export_store
from councilkg.store import GraphStore

__all__ = ["export"]

DEFAULT_FORMAT = "nquads"


@click.command("export")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(sorted(EXPORT_FORMATS)),
    help=f"Output format (default: from --out's extension, else {DEFAULT_FORMAT}).",
)
@click.option(
    "--graph",
    metavar="IRI",
    help="Only this named graph (default: every named graph, or for turtle and "
    "ntriples the merged default graph).",
)
@click.option(
    "--out",
    "out",
    metavar="FILE",
    default="-",
    show_default=True,
    help="Output file ('-' = stdout); "
    + " ".join(FORMATS[name].extension for name in EXPORT_FORMATS)
    + ", optionally .gz.",
)
@click.option("--gzip", "gzip", is_flag=True, help="Gzip the output (implied by a .gz --out).")
@store_option
@click.option(
    "--void", "void", is_flag=True, help="Export the dataset's VoID/DCAT description instead."
)
@click.option("--endpoint", metavar="URL", help="With --void: the SPARQL endpoint to name.")
@click.option(
    "--downloads",
    metavar="URL",
    help="With --void: URL prefix of the dumps (their distributions, void:dataDump).",
)
@click.option(
    "--base",
    default=None,
    help="With --void: base IRI of the data (URI space {base}id/, dataset {base}dataset); "
    "default: read from the store.",
)
@data_licence_option
@click.option(
    "--context",
    "context_url",
    metavar="URL",
    help="JSON-LD: refer to the @context at URL instead of embedding it.",
)
def export(
    fmt: str | None,
    graph: str | None,
    out: str,
    gzip: bool,
    store_dir: Path | None,
    void: bool,
    endpoint: str | None,
    downloads: str | None,
    base: str | None,
    data_licence: str | None,
    context_url: str | None,
) -> None:
    """Export the store's graphs (or with --void the dataset's description)
    deterministically: the same store gives the same bytes.

    Named graphs are carried by nquads, trig and jsonld (the store's default
    graph, the merge of the named graphs, is not repeated); turtle and
    ntriples carry the merged default graph, or the --graph given.
    """
    to_stdout = out == "-"
    if fmt is None:
        fmt = DEFAULT_FORMAT if to_stdout else format_of(out)[0].name
    zipped = gzip or (not to_stdout and Path(out).suffix.lower() == ".gz")
    if void and graph is not None:
        raise click.UsageError("--graph selects data to export; --void describes the whole dataset")
    if not void and (endpoint is not None or downloads is not None or data_licence is not None):
        raise click.UsageError("--endpoint, --downloads and --data-licence apply to --void only")
    check_licence(data_licence)
    store = GraphStore(store_dir, read_only=True)
    target: BinaryIO | Path = sys.stdout.buffer if to_stdout else Path(out)
    if void:
        from councilkg.export.void import describe_dataset

        lines = describe_dataset(
            store, base=base, endpoint=endpoint, downloads=downloads, license=data_licence
        )
        stats = export_lines(lines, fmt, target, gzip=zipped, context_url=context_url)
    else:
        stats = export_store(store, fmt, target, graph=graph, gzip=zipped, context_url=context_url)
    if to_stdout:
        sys.stdout.buffer.flush()
    click.echo(_summary(stats, "stdout" if to_stdout else out, void=void), err=True)


def _summary(stats: ExportStats, where: str, *, void: bool) -> str:
    """``exported 7362 quads of 3 named graphs (nquads, 1717704 bytes) to FILE``."""
    kind = "quads" if FORMATS[stats.format].quads and not void else "triples"
    if void:
        what = "the VoID description"
    elif stats.graphs:
        what = f"{len(stats.graphs)} named graph{'s' * (len(stats.graphs) != 1)}"
    else:
        what = f"graph {stats.source}" if stats.source else "the merged default graph"
    zipped = ", gzip" if stats.gzip else ""
    return (
        f"exported {stats.statements} {kind} of {what} "
        f"({stats.format}{zipped}, {stats.bytes} bytes) to {where}"
    )
