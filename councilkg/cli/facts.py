"""``councilkg facts``: the graph's language-neutral facts in the shape of
the gold files, or their differences from a gold file.

A thin layer over :mod:`councilkg.facts`; the graph is read from the store
or from an RDF file.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from councilkg.cli.exits import EXIT_OK, EXIT_STRICT
from councilkg.cli.options import endpoint_option, format_option, store_option, timeout_option
from councilkg.store import GraphStore

__all__ = ["facts"]


@click.command("facts")
@click.argument(
    "file", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@store_option
@endpoint_option
@timeout_option
@format_option("yaml", "json")
@click.option(
    "--compare",
    "gold",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A gold file: print the differences instead, exit 1 if there are any.",
)
def facts(
    store_dir: Path | None,
    file: Path | None,
    endpoint: str | None,
    timeout: float,
    fmt: str,
    gold: Path | None,
) -> None:
    """Print the language-neutral facts of the graph (from the store, FILE,
    or the graph an --endpoint serves) in the shape of the gold files: items,
    votes, documents, footnotes, letters, document citations, speakers by
    event, mentions."""
    # Imported here: the facts read the graph with rdflib, which the other
    # commands and `councilkg --help` do not need.
    import yaml

    from councilkg.export.files import load_graph_file
    from councilkg.facts import compare as compare_facts
    from councilkg.facts import facts as read_facts

    if file is not None and endpoint is not None:
        raise click.UsageError("give FILE or --endpoint, not both")
    if endpoint is not None:
        from councilkg.published import read_published

        graph = read_published(endpoint, timeout)
    elif file is not None:
        graph = load_graph_file(file)
    else:
        graph = GraphStore(store_dir, read_only=True)
    found = read_facts(graph)
    if gold is not None:
        differences = compare_facts(found, yaml.safe_load(gold.read_text(encoding="utf-8")))
        for line in differences:
            click.echo(line)
        n = len(differences)
        click.echo(f"{n} difference{'' if n == 1 else 's'}", err=True)
        sys.exit(EXIT_STRICT if differences else EXIT_OK)
    if fmt == "json":
        click.echo(json.dumps(_jsonable(found), ensure_ascii=False, indent=1))
    else:
        click.echo(yaml.safe_dump(found, allow_unicode=True, sort_keys=False), nl=False)


def _jsonable(value: Any) -> Any:
    """Dates (values and keys) as ISO strings, for JSON."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value
