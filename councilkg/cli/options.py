"""Options shared by several commands, declared once so every command
spells, defaults and documents them alike (``--store``, ``--endpoint``)."""

from __future__ import annotations

from pathlib import Path

import click

from councilkg.store import DEFAULT_STORE, STORE_ENV

store_option = click.option(
    "--store",
    "store_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help=f"Store folder (default ${STORE_ENV} or {DEFAULT_STORE}/).",
)
"""``--store DIR`` (parameter ``store_dir``; None: the default store)."""

endpoint_option = click.option(
    "--endpoint", metavar="URL", help="A SPARQL 1.1 query endpoint instead of the store."
)
"""``--endpoint URL`` (parameter ``endpoint``)."""

timeout_option = click.option(
    "--timeout", default=30.0, show_default=True, help="Seconds, for --endpoint."
)
"""``--timeout S`` for remote endpoints (parameter ``timeout``)."""
