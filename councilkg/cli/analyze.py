"""``councilkg analyze``: build one analytics graph, write it for Gephi or
igraph, plot it, and print a summary.

    councilkg analyze covoting|citations|coalitions|participation
        [--year Y] [--out FILE.graphml|.gexf|.json] [--plot FILE.png|.svg]
        [--lang en|zh] [--store DIR | --endpoint URL] [--top N]

Errors are one line, ``error: …``, exit 2 — as the other commands — whether
the command runs inside the ``councilkg`` group or on its own.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any

import click

from councilkg.cli.exits import EXIT_ERROR
from councilkg.cli.options import endpoint_option, lang_option, store_option, timeout_option
from councilkg.store import GraphStore

__all__ = ["AnalyzeError", "analyze"]

VIEW_NAMES = ("covoting", "citations", "coalitions", "participation")


class AnalyzeError(click.ClickException):
    """An expected error: printed as one line, exit 2."""

    exit_code = EXIT_ERROR

    def show(self, file: IO[Any] | None = None) -> None:
        """``error: …`` on stderr (the ``councilkg`` group prints the same)."""
        click.echo(f"error: {self.format_message()}", err=True, file=file)


@click.command("analyze")
@click.argument("view", type=click.Choice(VIEW_NAMES))
@click.option("--year", metavar="YEAR", help="Only this year (default: every year in the graph).")
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the graph: .graphml, .gexf (Gephi) or .json (networkx node-link).",
)
@click.option(
    "--plot",
    "plot",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Draw the graph: .png or .svg (a heatmap for covoting, a network otherwise).",
)
@lang_option(help="Language of the labels (plot, summary, the 'label' attribute of --out).")
@store_option
@endpoint_option
@timeout_option
@click.option(
    "--top", default=10, show_default=True, type=click.IntRange(min=0), help="Summary rows."
)
def analyze(
    view: str,
    year: str | None,
    out: Path | None,
    plot: Path | None,
    lang: str,
    store_dir: Path | None,
    endpoint: str | None,
    timeout: float,
    top: int,
) -> None:
    """Build the VIEW graph of Council practice (co-voting agreement,
    document citations, coalitions in footnote positions, participation in
    meetings) from the store or --endpoint, optionally in one --year; write
    it (--out) and draw it (--plot); print a summary."""
    try:
        _analyze(view, year, out, plot, lang, store_dir, endpoint, timeout, top)
    except (click.ClickException, BrokenPipeError):  # the group reports these
        raise
    except (ValueError, OSError, RuntimeError, ImportError) as exc:
        raise AnalyzeError(" ".join(str(exc).split())) from exc


def _analyze(
    view: str,
    year: str | None,
    out: Path | None,
    plot: Path | None,
    lang: str,
    store_dir: Path | None,
    endpoint: str | None,
    timeout: float,
    top: int,
) -> None:
    # Imported here: networkx and matplotlib are loaded only to analyze.
    from councilkg.analytics import VIEWS
    from councilkg.analytics.io import format_of, write_graph
    from councilkg.analytics.plot import (
        INSTALL_HINT,
        PLOT_FORMATS,
        FontError,
        find_cjk_font,
        save_plot,
    )
    from councilkg.analytics.source import Source
    from councilkg.analytics.summary import summary_line, summary_table

    # Check what can be checked before the queries run.
    if out is not None:
        format_of(out)
    if plot is not None:
        if plot.suffix.lower() not in PLOT_FORMATS:
            raise ValueError(
                f"{plot}: unknown plot format {plot.suffix or '(no extension)'!r}; "
                f"expected one of {', '.join(PLOT_FORMATS)}"
            )
        if lang == "zh" and find_cjk_font() is None:
            raise FontError(f"--lang zh plots need a CJK font and none is found: {INSTALL_HINT}")
    if endpoint is not None:
        source = Source(endpoint=endpoint, timeout=timeout)
    else:
        source = Source(store=GraphStore(store_dir, read_only=True))
    g = VIEWS[view](source, year=year)
    click.echo(summary_line(g))
    if top:
        click.echo(summary_table(g, lang, top).rstrip("\n"))
    if out is not None:
        click.echo(f"graph: {write_graph(g, out, lang)}")
    if plot is not None:
        info = save_plot(g, plot, lang)
        font = f" (font: {info.cjk_font})" if info.cjk_font and lang == "zh" else ""
        click.echo(f"plot: {info.path}{font}")
