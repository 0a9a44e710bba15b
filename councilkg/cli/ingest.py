"""``councilkg ingest``: Repertoire text files (or the bundled sample) into
the store, with a report of what each file yielded.

A thin layer over :func:`councilkg.ingesting.load`, the one loader; this
module only reads the options, opens the output files and prints the report.
"""

from __future__ import annotations

import json
import sys
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

import click

from councilkg.cli.exits import EXIT_STRICT
from councilkg.cli.options import format_option, store_option
from councilkg.ingest.iris import DEFAULT_BASE, Minter
from councilkg.ingest.language import AUTO
from councilkg.ingest.lexicon import lexicon_languages
from councilkg.resources import sample_path
from councilkg.store import GraphStore

if TYPE_CHECKING:
    from councilkg.ingesting import IngestRun

__all__ = ["ingest"]


@click.command("ingest")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--sample",
    is_flag=True,
    help="Ingest the sample bundled with the package (instead of FILES).",
)
@store_option
@click.option("--no-store", is_flag=True, help="Do not write to the store.")
@click.option("--base", default=DEFAULT_BASE, show_default=True, help="Base IRI of minted IRIs.")
@click.option(
    "--lang",
    "language",
    default=AUTO,
    show_default=True,
    type=click.Choice([AUTO, *lexicon_languages()]),
    help="Language of the edition (selects the lexicon); auto: each file's, "
    "detected from its text (exit 2 for a language without a lexicon).",
)
@click.option(
    "--records", "records", metavar="FILE", help="Write typed records as JSON lines ('-' = stdout)."
)
@click.option("--ntriples", "ntriples", metavar="FILE", help="Write the graph as sorted N-Triples.")
@click.option("--nquads", "nquads", metavar="FILE", help="Write the graphs as sorted N-Quads.")
@click.option(
    "--out",
    "out",
    metavar="FILE",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the graphs to FILE, format from the extension: .nt .nq .ttl .trig .jsonld.",
)
@click.option("--strict", is_flag=True, help="Exit 1 if anything is unparsed or contradictory.")
@click.option("--quiet", "-q", is_flag=True, help="Only the summary line per file.")
@format_option(
    "text", "json", help="The report: a line per file and its diagnostics, or one JSON document."
)
@click.option(
    "--progress/--no-progress",
    default=None,
    help="Progress bar (default: on for several or large files).",
)
@click.option("--stages", is_flag=True, help="Print the pipeline's stages and exit.")
def ingest(
    files: tuple[Path, ...],
    sample: bool,
    store_dir: Path | None,
    no_store: bool,
    base: str,
    language: str,
    records: str | None,
    ntriples: str | None,
    nquads: str | None,
    out: Path | None,
    strict: bool,
    quiet: bool,
    fmt: str,
    progress: bool | None,
    stages: bool,
) -> None:
    """Ingest Repertoire text FILES into the graph.

    Prints, per file, the fact yield (of the facts the text announces, kind
    by kind, how many were extracted), the passages it could not interpret
    with their line numbers, and the coded diagnostics (W… warnings, W012 a
    fact announced but not extracted, E… contradictions in the source).
    """
    # The pipeline, the loader and the writers are imported here, not at the
    # top: they pull in the whole ingest, which `councilkg --help` and the
    # other commands do not need.
    from councilkg.export.files import write_graph_file
    from councilkg.ingest.pipeline import STAGES
    from councilkg.ingesting import load

    if stages:
        for name, needs, adds in STAGES:
            click.echo(f"{name:<10} needs {needs:<28} adds {adds}")
        return
    if sample and files:
        raise click.UsageError("give FILES or --sample, not both")
    if sample:
        files = (sample_path(),)
    if not files:
        raise click.UsageError("no FILES given (or --sample for the bundled sample)")
    minter = Minter(base)
    with ExitStack() as stack:
        store = None if no_store else GraphStore(store_dir)
        run = load(
            files,
            store,
            minter=minter,
            language=language,
            records_out=_open(stack, records),
            ntriples_out=_open(stack, ntriples),
            nquads_out=_open(stack, nquads),
            progress=progress,
            keep_quads=out is not None,
        )
    if out is not None:
        write_graph_file(out, run.quads)
    to_stderr = records == "-" or ntriples == "-" or nquads == "-"
    if fmt == "json":
        report = {"files": [f.to_dict() for f in run.files]}
        click.echo(json.dumps(report, ensure_ascii=False, indent=2), err=to_stderr)
        failed = any(f.coverage.unparsed or f.contradictions for f in run.files)
    else:
        failed = _report(run, quiet=quiet, to_stderr=to_stderr)
    if strict and failed:
        sys.exit(EXIT_STRICT)


def _open(stack: ExitStack, target: str | None) -> TextIO | None:
    """The output ``target`` names: None, stdout for ``-``, else the file (folders made)."""
    if target is None:
        return None
    if target == "-":
        return sys.stdout
    Path(target).parent.mkdir(parents=True, exist_ok=True)
    return stack.enter_context(Path(target).open("w", encoding="utf-8", newline="\n"))


def _report(run: IngestRun, *, quiet: bool, to_stderr: bool) -> bool:
    """Print the report; True when something is unparsed or contradictory."""
    bad = False
    for f in run.files:
        cov = f.coverage
        contradictions = f.contradictions
        fy = f.fact_yield
        kinds = ", ".join(f"{k.kind} {k.extracted}/{k.announced}" for k in fy.kinds)
        click.echo(
            f"{f.shown}: {f.language}, fact yield {fy.percent()} ({kinds}), {f.records} records, "
            f"{f.triples} triples, {len(cov.unparsed)} unparsed, "
            f"{len(f.warnings)} warnings, {len(contradictions)} contradictions",
            err=to_stderr,
        )
        if not quiet:
            for u in cov.unparsed:
                click.echo(
                    f"  unparsed {f.path}:{u.line}: {u.reason}: {u.text[:80]}", err=to_stderr
                )
            for d in f.diagnostics:
                click.echo("  " + d.render(f.path), err=to_stderr)
        bad = bad or bool(cov.unparsed) or bool(contradictions)
    return bad
