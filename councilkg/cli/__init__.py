"""The ``councilkg`` command line: a thin layer over importable functions.

Exit codes (as pySHACL documents its own): 0 done; 1 done, but ``--strict``
found unparsed passages or contradictions in the source; 2 error (bad input,
bad option), reported in one line without a traceback.
"""

from __future__ import annotations

import json
import sys
from contextlib import ExitStack
from pathlib import Path
from typing import Any, TextIO

import click
import yaml

from councilkg import __version__
from councilkg.cli.options import endpoint_option, store_option, timeout_option
from councilkg.export.files import load_graph_file, write_graph_file
from councilkg.facts import compare as compare_facts
from councilkg.facts import facts as read_facts
from councilkg.ingest.errors import IngestError
from councilkg.ingest.iris import DEFAULT_BASE, Minter
from councilkg.ingest.language import LANGS
from councilkg.ingest.pipeline import STAGES
from councilkg.ingesting import IngestRun, ingest_paths
from councilkg.store import GraphStore

EXIT_OK, EXIT_STRICT, EXIT_ERROR = 0, 1, 2


class _Group(click.Group):
    """Turns expected errors, usage errors included, into one line and exit code 2."""

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
        sys.exit(rv if isinstance(rv, int) else EXIT_OK)

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except IngestError as exc:
            click.echo(f"error: {exc}", err=True)
            ctx.exit(EXIT_ERROR)
        except (OSError, ValueError) as exc:
            click.echo(f"error: {exc}", err=True)
            ctx.exit(EXIT_ERROR)


@click.group(cls=_Group)
@click.version_option(__version__, prog_name="councilkg")
def main() -> None:
    """A knowledge graph of the practice of the UN Security Council."""


def _open(stack: ExitStack, target: str | None) -> TextIO | None:
    if target is None:
        return None
    if target == "-":
        return sys.stdout
    Path(target).parent.mkdir(parents=True, exist_ok=True)
    return stack.enter_context(Path(target).open("w", encoding="utf-8", newline="\n"))


@main.command()
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@store_option
@click.option("--no-store", is_flag=True, help="Do not write to the store.")
@click.option("--base", default=DEFAULT_BASE, show_default=True, help="Base IRI of minted IRIs.")
@click.option(
    "--lang",
    "language",
    default="zh",
    show_default=True,
    help="Language of the edition (selects the lexicon).",
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
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="The report: a line per file and its diagnostics, or one JSON document.",
)
@click.option(
    "--progress/--no-progress",
    default=None,
    help="Progress bar (default: on for several or large files).",
)
@click.option("--stages", is_flag=True, help="Print the pipeline's stages and exit.")
def ingest(
    files: tuple[Path, ...],
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
    if stages:
        for name, needs, adds in STAGES:
            click.echo(f"{name:<10} needs {needs:<28} adds {adds}")
        return
    if not files:
        raise click.UsageError("no FILES given")
    minter = Minter(base)
    with ExitStack() as stack:
        store = None if no_store else GraphStore(store_dir)
        run = ingest_paths(
            files,
            store=store,
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


def _report(run: IngestRun, *, quiet: bool, to_stderr: bool) -> bool:
    """Print the report; True when something is unparsed or contradictory."""
    bad = False
    for f in run.files:
        cov = f.coverage
        contradictions = f.contradictions
        fy = f.fact_yield
        kinds = ", ".join(f"{k.kind} {k.extracted}/{k.announced}" for k in fy.kinds)
        click.echo(
            f"{f.path}: fact yield {fy.percent()} ({kinds}), {f.records} records, "
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


def _jsonable(value: Any) -> Any:
    """Dates (values and keys) as ISO strings, for JSON."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _store_or_file(store_dir: Path | None, file: Path | None) -> GraphStore:
    """The graph to read: a FILE of RDF loaded in memory, or the store."""
    if file is not None:
        return load_graph_file(file)
    return GraphStore(store_dir, read_only=True)


@main.command()
@click.argument(
    "file", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@store_option
@click.option(
    "--format", "fmt", type=click.Choice(["yaml", "json"]), default="yaml", show_default=True
)
@click.option(
    "--compare",
    "gold",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A gold file: print the differences instead, exit 1 if there are any.",
)
def facts(store_dir: Path | None, file: Path | None, fmt: str, gold: Path | None) -> None:
    """Print the language-neutral facts of the graph (from the store, or FILE)
    in the shape of the gold files: items, votes, documents, footnotes,
    letters, speakers by event, mentions."""
    found = read_facts(_store_or_file(store_dir, file))
    if gold is not None:
        differences = compare_facts(found, yaml.safe_load(gold.read_text(encoding="utf-8")))
        for line in differences:
            click.echo(line)
        click.echo(f"{len(differences)} differences", err=True)
        sys.exit(EXIT_STRICT if differences else EXIT_OK)
    if fmt == "json":
        click.echo(json.dumps(_jsonable(found), ensure_ascii=False, indent=1))
    else:
        click.echo(yaml.safe_dump(found, allow_unicode=True, sort_keys=False), nl=False)


@main.command()
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@store_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "turtle"]),
    default="text",
    show_default=True,
)
def validate(store_dir: Path | None, files: tuple[Path, ...], fmt: str) -> None:
    """Validate the graph (the store, or RDF FILES) with the SHACL shapes.

    Prints each result with its focus node, path, message and the place in
    the source that states the fact (file, line, page, quoted text).  Exit 1
    when there is a violation (warnings alone still conform).
    """
    from councilkg.validation import graph_from_file, graph_from_store
    from councilkg.validation import validate as run_validation

    if files:
        graph = graph_from_file(files[0])
        for extra in files[1:]:
            graph += graph_from_file(extra)
    else:
        graph = graph_from_store(GraphStore(store_dir, read_only=True))
    report = run_validation(graph)
    if fmt == "json":
        click.echo(report.render_json())
    elif fmt == "turtle":
        click.echo(report.render_turtle())
    else:
        click.echo(report.render_text())
    sys.exit(EXIT_OK if report.conforms else EXIT_STRICT)


@main.command()
@store_option
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option(
    "--timeout",
    "timeout_s",
    default=10.0,
    show_default=True,
    type=float,
    help="Per-query timeout in seconds; the query is stopped.",
)
@click.option(
    "--max-results",
    default=100_000,
    show_default=True,
    type=int,
    help="Rows (or triples) returned at most; more are cut, with a warning header.",
)
@click.option("--max-request-bytes", default=1_000_000, show_default=True, type=int)
@click.option("--workers", default=None, type=int, help="Query worker processes (default: CPUs).")
@click.option("--allow-update", is_flag=True, help="Accept SPARQL Update (off: read-only).")
@click.option("--allow-load", is_flag=True, help="Accept LOAD (needs --allow-update).")
@click.option("--allow-service", is_flag=True, help="Accept SERVICE (federated queries).")
@click.option("--cors-origin", default="*", show_default=True)
@click.option(
    "--base",
    default=None,
    help="Base IRI the data was minted with ({base}id/… resolves at /id/…); "
    "default: read from the store.",
)
@click.option(
    "--log-level",
    default="info",
    show_default=True,
    type=click.Choice(["critical", "error", "warning", "info", "debug"]),
    help="Access and error log detail (uvicorn's levels).",
)
def serve(
    store_dir: Path | None,
    host: str,
    port: int,
    timeout_s: float,
    max_results: int,
    max_request_bytes: int,
    workers: int | None,
    allow_update: bool,
    allow_load: bool,
    allow_service: bool,
    cors_origin: str,
    base: str | None,
    log_level: str,
) -> None:
    """Serve the store: the SPARQL 1.1 Protocol at /sparql (read-only by default),
    entity pages and data at /id/…, /page/…, /data/…, the query page at /query
    and the dataset description at /.well-known/void."""
    from councilkg.server import serve as run_server
    from councilkg.store import default_store_path

    run_server(
        store_dir or default_store_path(),
        host=host,
        port=port,
        timeout_s=timeout_s,
        max_results=max_results,
        max_request_bytes=max_request_bytes,
        workers=workers,
        allow_update=allow_update,
        allow_load=allow_load,
        allow_service=allow_service,
        cors_origin=cors_origin,
        base=base,
        log_level=log_level,
    )


@main.command("queries")
@click.option("--lang", default="en", type=click.Choice(LANGS), show_default=True)
@click.option("--verbose", "-v", is_flag=True, help="Descriptions, parameters and columns too.")
def queries_command(lang: str, verbose: bool) -> None:
    """List the prepared queries (queries/*.rq)."""
    from councilkg.queries import format_catalogue

    click.echo(format_catalogue(lang, verbose=verbose))


@main.command("query")
@click.argument("name")
@click.option(
    "--param",
    "-p",
    "params",
    multiple=True,
    metavar="K=V",
    help="A parameter of the query (repeatable); see `councilkg queries -v`.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv", "tsv"]),
    default="table",
    show_default=True,
)
@click.option(
    "--lang",
    default="en",
    type=click.Choice(LANGS),
    show_default=True,
    help="Language of the labels in the table format.",
)
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


@main.command()
@click.option(
    "--endpoint",
    required=True,
    metavar="URL",
    help="A SPARQL 1.1 Graph Store Protocol endpoint (oxigraph: http://host:7878/store).",
)
@click.option("--graph", metavar="IRI", help="Push only this named graph.")
@store_option
@click.option("--batch", default=50_000, show_default=True, help="Triples per request.")
def push(endpoint: str, graph: str | None, store_dir: Path | None, batch: int) -> None:
    """Load the store's graphs into a SPARQL Graph Store endpoint, idempotently
    (each graph is replaced: PUT, then POST of further batches)."""
    from councilkg.push import push as push_graphs

    report = push_graphs(
        GraphStore(store_dir, read_only=True), endpoint, graph=graph, batch_triples=batch
    )
    click.echo(report.summary())


def _register_commands() -> None:
    """Commands kept in modules of their own (one job each)."""
    from councilkg.cli.analyze import analyze
    from councilkg.cli.export import export

    main.add_command(analyze)
    main.add_command(export)


_register_commands()
