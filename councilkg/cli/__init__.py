"""The ``councilkg`` command line: a thin layer over importable functions.

This module holds the group, ``main``, and the error handling every command
shares; each command (or pair of commands) lives in a module of its own
(``councilkg.cli.ingest``, ``.facts``, ``.validate``, ``.query``,
``.export``, ``.serve``, ``.analyze``, ``.push``, ``.search``, ``.sample``),
the options several of them take in :mod:`councilkg.cli.options`.

Exit codes (:mod:`councilkg.cli.exits`, as pySHACL documents its own): 0
done; 1 done, but ``--strict`` found unparsed passages or contradictions in
the source; 2 error (bad input, bad option), reported in one line without a
traceback; 141 when the reader of standard output went away (``councilkg
export | head``), silently, as Unix tools do: a closed pipe is how the reader
says it has read enough, not an error of the command.
"""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from councilkg import __version__
from councilkg.cli import (
    analyze,
    export,
    facts,
    ingest,
    push,
    query,
    sample,
    search,
    serve,
    validate,
)
from councilkg.cli.exits import EXIT_BROKEN_PIPE, EXIT_ERROR, EXIT_OK, EXIT_STRICT
from councilkg.ingest.errors import IngestError

__all__ = ["EXIT_BROKEN_PIPE", "EXIT_ERROR", "EXIT_OK", "EXIT_STRICT", "main"]


class _Group(click.Group):
    """Turns expected errors, usage errors included, into one line and exit
    code 2, and a closed standard output into a silent exit 141."""

    def main(  # type: ignore[override]
        self,
        args: list[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        try:
            rv = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.ClickException as exc:
            click.echo(f"error: {exc.format_message()}", err=True)
            sys.exit(EXIT_ERROR)
        except click.Abort:
            click.echo("error: aborted", err=True)
            sys.exit(EXIT_ERROR)
        if not standalone_mode:
            return rv
        try:  # what is still buffered, now: at interpreter exit a closed pipe would be reported
            sys.stdout.flush()
        except BrokenPipeError:
            _drop_stdout()
            sys.exit(EXIT_BROKEN_PIPE)
        sys.exit(rv if isinstance(rv, int) else EXIT_OK)

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except BrokenPipeError:  # before OSError: the reader is gone, nothing to report
            _drop_stdout()
            ctx.exit(EXIT_BROKEN_PIPE)
        except IngestError as exc:
            click.echo(f"error: {exc}", err=True)
            ctx.exit(EXIT_ERROR)
        except (OSError, ValueError) as exc:
            click.echo(f"error: {exc}", err=True)
            ctx.exit(EXIT_ERROR)


def _drop_stdout() -> None:
    """Point standard output at /dev/null, so that what Python still holds in
    its buffer is not written to the closed pipe at exit (which would print
    "Exception ignored … BrokenPipeError")."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # no file descriptor (an in-process runner): nothing to drop
        pass


@click.group(cls=_Group)
@click.version_option(__version__, prog_name="councilkg")
def main() -> None:
    """A knowledge graph of the practice of the UN Security Council."""


for _command in (
    ingest.ingest,
    facts.facts,
    validate.validate,
    serve.serve,
    query.queries_command,
    query.query_command,
    push.push,
    analyze.analyze,
    export.export,
    search.search,
    sample.sample,
):
    main.add_command(_command)
del _command
