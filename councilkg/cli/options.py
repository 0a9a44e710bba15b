"""Options shared by several commands, declared once so every command
spells, defaults and documents them alike.

``--store``, ``--endpoint`` and ``--timeout`` are the same option wherever
they appear; ``--lang`` (the language of labels) and ``--format`` (the output
format) share their spelling, parameter name and default rule while each
command names its own choices and help.  An option only one command has is
declared with that command.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import click

from councilkg.ingest.language import DEFAULT_LANG, LANGS
from councilkg.store import DEFAULT_STORE, STORE_ENV

F = TypeVar("F", bound=Callable[..., object])

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


def lang_option(help: str | None = None) -> Callable[[F], F]:
    """``--lang en|zh`` (parameter ``lang``, default ``en``): the language of labels."""
    return click.option(
        "--lang", default=DEFAULT_LANG, type=click.Choice(LANGS), show_default=True, help=help
    )


def format_option(*choices: str, help: str | None = None) -> Callable[[F], F]:
    """``--format`` (parameter ``fmt``): one of ``choices``, the first the default."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(list(choices)),
        default=choices[0],
        show_default=True,
        help=help,
    )


data_licence_option = click.option(
    "--data-licence",
    "data_licence",
    metavar="IRI",
    help="The data's licence as its publisher gives it, an IRI (dcterms:license in the "
    "dataset description; serve: also the pages' footer); default: none asserted (the "
    "source text is the UN's).",
)
"""``--data-licence IRI`` (parameter ``data_licence``) of the commands that
describe the dataset: ``serve`` and ``export --void``."""


def check_licence(value: str | None) -> None:
    """Refuse a ``--data-licence`` that is not an absolute IRI (a licence
    is named by its IRI, e.g. ``https://creativecommons.org/licenses/by/4.0/``)."""
    if value is None:
        return
    scheme, colon, rest = value.partition(":")
    if not (colon and rest and scheme[:1].isalpha()) or any(c in value for c in ' <>"{}|\\^`'):
        raise click.BadParameter(f"not an IRI: {value!r}", param_hint="--data-licence")
