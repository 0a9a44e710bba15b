"""The one registry of RDF formats (``councilkg.export.formats``), and every
part of the project that names a format agreeing with it.

- the registry itself: unique names, extensions and media types, and the
  same facts as pyoxigraph's own table of formats;
- ``councilkg export``: its ``--format`` choices are the export formats, and
  an ``--out`` extension (optionally ``.gz``) names the format the registry
  gives it; graph files (``ingest --out``, ``facts FILE``) likewise;
- content negotiation: every media type a format accepts negotiates to it,
  and the values of the ``format`` parameter name the registry's formats;
- a real running server: the dumps it offers are the export formats, sent
  with their media types; ``/data/`` and ``/sparql`` answers in every served
  format carry its ``Content-Type``; the pages link the registry's formats;
- ``councilkg push`` sends its bodies with a registry media type;
- no module of the package keeps a format table of its own, or one of the
  old tables or prefix tables by name.
"""

from __future__ import annotations

import ast
import gzip
import json
import re
import threading
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import click
import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from councilkg.cli import main
from councilkg.cli.export import export
from councilkg.export.files import load_graph_file, write_graph_file
from councilkg.export.formats import (
    EXPORT_FORMATS,
    FORMATS,
    SERVED_FORMATS,
    ExportError,
    by_extension,
    by_media_type,
    dump_name,
    format_of,
)
from councilkg.ingest.iris import Minter
from councilkg.push import push
from councilkg.server import RunningServer, start_server, worker
from councilkg.server.negotiation import (
    GRAPH_FORMATS,
    PARAM_VALUES,
    RESULT_FORMATS,
    RESULTS,
    formats_from_param,
    negotiate_graph,
    negotiate_results,
)
from councilkg.store import GraphStore
from councilkg.web.site import DATA_FORMATS
from tests.httpcall import get

ROOT = Path(__file__).resolve().parents[1]
M = Minter()
STATE = str(M.state("CHN"))
REST = STATE[len(M.base + "id/") :]

ACCEPTED = sorted((name, media) for name, f in FORMATS.items() for media in f.accepts)


# ---------------------------------------------------------------------------
# The registry
# ---------------------------------------------------------------------------


def test_names_extensions_and_media_types_are_unique() -> None:
    extensions = [e for f in FORMATS.values() for e in f.extensions]
    accepts = [m for f in FORMATS.values() for m in f.accepts]
    assert len(extensions) == len(set(extensions))
    assert len(accepts) == len(set(accepts))
    for name, f in FORMATS.items():
        assert f.name == name
        assert f.accepts[0] == f.media_type
        assert all(e.startswith(".") and e == e.lower() for e in f.extensions)


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_the_registry_agrees_with_pyoxigraph(name: str) -> None:
    f = FORMATS[name]
    assert f.label == f.ox.name
    assert f.media_type == f.ox.media_type
    assert "." + f.ox.file_extension in f.extensions
    assert f.quads == f.ox.supports_datasets
    assert f.format_iri.startswith("http://www.w3.org/ns/formats/")
    assert ox.RdfFormat.from_media_type(f.media_type) == f.ox


@pytest.mark.parametrize("name", sorted(RESULTS))
def test_the_results_table_agrees_with_pyoxigraph(name: str) -> None:
    r = RESULTS[name]
    assert r.content_type == r.ox.media_type
    assert r.accepts[0] == r.content_type.split(";")[0]


@pytest.mark.parametrize(("name", "media"), ACCEPTED)
def test_lookup_by_media_type(name: str, media: str) -> None:
    assert by_media_type(media) is FORMATS[name]
    assert by_media_type(media.upper() + "; charset=utf-8") is FORMATS[name]


def test_lookups_by_extension_and_file_name() -> None:
    for name, f in FORMATS.items():
        assert all(by_extension(e) is f for e in f.extensions)
        for zipped in (False, True):
            file = "dir.v1/graph" + f.extension + (".gz" if zipped else "")
            if name in EXPORT_FORMATS:
                assert format_of(file) == (f, zipped)
                assert format_of(file.upper()) == (f, zipped)
            else:
                with pytest.raises(ExportError, match="unknown RDF file extension"):
                    format_of(file)
        if name in EXPORT_FORMATS:
            with pytest.raises(ExportError, match=r"'\.gz'"):
                format_of("graph" + f.extension + ".gz", gzip=False)
            assert dump_name(name, gzip=True) == "councilkg" + f.extension + ".gz"
    assert by_extension(".txt") is None and by_media_type("text/html") is None


# ---------------------------------------------------------------------------
# councilkg export, and graph files
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def store_path(sample_store_path: Path) -> Path:
    return sample_store_path


def test_export_choices_are_the_export_formats() -> None:
    (option,) = [p for p in export.params if p.name == "fmt"]
    assert isinstance(option.type, click.Choice)
    assert sorted(option.type.choices) == sorted(EXPORT_FORMATS)
    (out,) = [p for p in export.params if p.name == "out"]
    assert all(FORMATS[n].extension in (out.help or "") for n in EXPORT_FORMATS)


@pytest.mark.parametrize("name", EXPORT_FORMATS)
def test_export_takes_the_format_of_the_extension(
    store_path: Path, tmp_path: Path, name: str
) -> None:
    f = FORMATS[name]
    if "export" not in main.commands:
        main.add_command(export)
    for zipped in (False, True):
        out = tmp_path / ("graph" + f.extension + (".gz" if zipped else ""))
        result = CliRunner().invoke(main, ["export", "--store", str(store_path), "--out", str(out)])
        assert result.exit_code == 0, result.output
        assert f"({name}{', gzip' if zipped else ''}," in result.output
        data = gzip.decompress(out.read_bytes()) if zipped else out.read_bytes()
        quads = list(ox.parse(data, format=f.ox))
        assert quads
        named = {q.graph_name for q in quads}
        assert (ox.DefaultGraph() not in named) == f.quads


@pytest.mark.parametrize("name", EXPORT_FORMATS)
def test_graph_files_follow_the_registry(tmp_path: Path, name: str) -> None:
    f = FORMATS[name]
    lines = [
        f'<{STATE}> <http://www.w3.org/2000/01/rdf-schema#label> "China"@en <{M.base}graph/a> .\n',
        f'<{STATE}> <http://www.w3.org/2000/01/rdf-schema#label> "中国"@zh <{M.base}graph/b> .\n',
    ]
    path = tmp_path / ("graph" + f.extension)
    write_graph_file(path, lines)
    parsed = list(ox.parse(path=str(path), format=f.ox))
    assert len({q.triple for q in parsed}) == 2
    assert len({q.graph_name for q in parsed}) == (2 if f.quads else 1)
    assert load_graph_file(path).count() >= 2
    with pytest.raises(ValueError, match="unknown RDF file extension"):
        write_graph_file(tmp_path / ("graph" + f.extension + ".gz"), lines)


# ---------------------------------------------------------------------------
# Content negotiation
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "media"), ACCEPTED)
def test_each_media_type_negotiates_to_its_format(name: str, media: str) -> None:
    if name in SERVED_FORMATS:
        assert negotiate_graph(media) == name
        assert negotiate_graph(f"text/html;q=0.5, {media}") == name
    else:
        assert negotiate_graph(media) is None


def test_the_graph_family_is_the_served_formats() -> None:
    assert sorted(GRAPH_FORMATS) == sorted(SERVED_FORMATS)
    assert negotiate_graph("*/*") == next(iter(GRAPH_FORMATS))
    for name, (content_type, accepts) in GRAPH_FORMATS.items():
        assert content_type == FORMATS[name].content_type
        assert accepts == FORMATS[name].accepts
        assert worker.GRAPH_OX[name] == FORMATS[name].ox
        assert worker.GRAPH_TYPE[name] == FORMATS[name].content_type
        spec = FORMATS[name]
        for value in (name, *(e[1:] for e in spec.extensions), *spec.aliases):
            assert formats_from_param(value)[1] == name
            assert value in PARAM_VALUES


def test_the_results_family_is_one_table() -> None:
    assert list(RESULT_FORMATS) == list(RESULTS)
    for name, r in RESULTS.items():
        assert RESULT_FORMATS[name] == (r.content_type, r.accepts)
        assert worker.RESULTS_OX[name] == r.ox
        assert worker.RESULTS_TYPE[name] == r.content_type
        assert formats_from_param(name)[0] == name
        for media in r.accepts:
            assert negotiate_results(media) == name
    assert set(PARAM_VALUES) == {
        *RESULTS,
        *(
            v
            for n in SERVED_FORMATS
            for v in (
                n,
                *(e[1:] for e in FORMATS[n].extensions),
                *FORMATS[n].aliases,
            )
        ),
    }


# ---------------------------------------------------------------------------
# A running server
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def server(store_path: Path) -> Iterator[RunningServer]:
    with start_server(store_path, timeout_s=10.0, workers=2) as running:
        yield running


def test_the_dumps_offered_are_the_export_formats(server: RunningServer) -> None:
    offered = [dump_name(n, gzip=g) for n in EXPORT_FORMATS for g in (False, True)]
    status, _, body = get(server, "/dumps/nothing.xyz")
    assert status == 404
    listed = body.decode().split("the dumps: ", 1)[1].strip().split(", ")
    assert listed == offered
    status, _, page = get(server, "/")
    assert status == 200
    linked = re.findall(r'href="/dumps/([^"]+)"', page.decode())
    assert linked == [dump_name(n) for n in EXPORT_FORMATS]


@pytest.mark.parametrize("name", EXPORT_FORMATS)
def test_each_dump_is_sent_with_its_media_type(server: RunningServer, name: str) -> None:
    f = FORMATS[name]
    status, headers, body = get(server, "/dumps/" + dump_name(name))
    assert status == 200, body
    assert headers["content-type"] == f.media_type
    assert by_media_type(headers["content-type"]) is f
    assert list(ox.parse(body, format=f.ox))


@pytest.mark.parametrize(("name", "media"), [(n, m) for n, m in ACCEPTED if n in SERVED_FORMATS])
def test_served_formats_are_negotiated_over_http(
    server: RunningServer, name: str, media: str
) -> None:
    f = FORMATS[name]
    status, headers, _ = get(server, f"/id/{REST}", {"Accept": media})
    assert status == 303
    assert headers["location"] == f"/data/{REST}{f.extension}"
    for path, accept in ((f"/data/{REST}", {"Accept": media}), (headers["location"], {})):
        status, got, body = get(server, path, accept)
        assert status == 200, body
        assert got["content-type"] == f.content_type
        assert list(ox.parse(body, format=f.ox))
    query = urllib.parse.urlencode({"query": f"DESCRIBE <{STATE}>"})
    status, got, body = get(server, f"/sparql?{query}", {"Accept": media})
    assert status == 200, body
    assert got["content-type"] == f.content_type
    assert list(ox.parse(body, format=f.ox))


def test_pages_link_the_registry_formats(server: RunningServer) -> None:
    status, _, body = get(server, f"/page/{REST}")
    assert status == 200
    links = re.findall(r'<link rel="alternate" type="([^"]+)" href="([^"]+)"', body.decode())
    assert links == [(media, f"/data/{REST}.{ext}") for ext, _, media in DATA_FORMATS]
    for ext, label, media in DATA_FORMATS:
        f = by_extension("." + ext)
        assert f is not None and f.served
        assert (f.label, f.media_type) == (label, media)


# ---------------------------------------------------------------------------
# councilkg push
# ---------------------------------------------------------------------------


class _Recorder(BaseHTTPRequestHandler):
    received: list[tuple[str, str, bytes]]

    def _record(self) -> None:
        size = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(size)
        self.received.append((self.command, self.headers.get("Content-Type", ""), body))
        self.send_response(204)
        self.end_headers()

    do_PUT = _record  # noqa: N815
    do_POST = _record  # noqa: N815

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""


def test_push_sends_a_registry_media_type(seed_store: GraphStore) -> None:
    received: list[tuple[str, str, bytes]] = []
    handler = type("Handler", (_Recorder,), {"received": received})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        report = push(seed_store, f"http://127.0.0.1:{httpd.server_port}/store", batch_triples=5000)
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert len(received) == report.requests
    sent = 0
    for _, content_type, body in received:
        f = by_media_type(content_type)
        assert f is not None and not f.quads, content_type
        assert content_type == f.media_type
        sent += len(list(ox.parse(body, format=f.ox)))
    assert sent == report.triples


# ---------------------------------------------------------------------------
# No other table
# ---------------------------------------------------------------------------

# The modules whose job is a table of formats or of prefixes: what they may hold.
GRAPH_MEDIA = {m for f in FORMATS.values() for m in f.accepts}
RESULT_MEDIA = {m for r in RESULTS.values() for m in r.accepts}
OWNERS = {
    "councilkg/export/formats.py": "the registry of RDF graph formats",
    "councilkg/prefixes.py": "the prefix table",
}
RESULTS_OWNER = "councilkg/server/negotiation.py"  # the SPARQL results formats only
NAMESPACES = {
    "http://www.w3.org/2004/02/skos/core#",
    "http://purl.org/dc/terms/",
    "http://www.w3.org/ns/prov#",
    "http://www.w3.org/2006/time#",
}
OLD_NAMES = {
    "councilkg/export/files.py": {"FORMATS", "PREFIXES", "_WITHOUT_GRAPHS"},
    "councilkg/export/writers.py": {
        "FORMATS",
        "ExportFormat",
        "_BY_EXTENSION",
        "_WRITERS",
        "format_of",
        "dump_name",
        "prefixes",
        "context",
        "_is_prefix",
    },
    "councilkg/server/linked_data.py": {
        "EXTENSIONS",
        "DUMP_FORMATS",
        "FORMAT_EXTENSION",
        "_prefixes",
    },
    "councilkg/push.py": {"CONTENT_TYPE"},
    "councilkg/validation.py": {"FORMATS"},
}


def _modules() -> Iterator[tuple[str, ast.Module]]:
    package = ROOT / "councilkg"
    for path in sorted(package.rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith("councilkg/ingest/"):
            continue  # the ingest/ folder, scanned below under its own name
        yield rel, ast.parse(path.read_text(encoding="utf-8"))
    for path in sorted((ROOT / "ingest").rglob("*.py")):
        yield path.relative_to(ROOT).as_posix(), ast.parse(path.read_text(encoding="utf-8"))


def _is_format_ref(node: ast.AST, kinds: tuple[str, ...]) -> bool:
    """``ox.RdfFormat.X`` (or another of ``kinds``)."""
    return (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Attribute)
        and node.value.attr in kinds
    )


def _strings(node: ast.AST) -> list[str]:
    return [
        n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)
    ]


# Tables of another job, each with its reason.
ALLOWED = {
    ("councilkg/validation.py", "PREFIXES"): "the SHACL report's display prefixes (sh:, ckgsh:)",
}


def _named(tree: ast.Module) -> dict[int, str]:
    """id() of every node inside an assignment's value → the name assigned."""
    out: dict[int, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            name = next((t.id for t in targets if isinstance(t, ast.Name)), "")
            for inner in ast.walk(node.value):
                out.setdefault(id(inner), name)
    return out


def test_no_other_module_keeps_a_format_or_prefix_table() -> None:
    found = set()
    for rel, tree in _modules():
        if rel in OWNERS:
            continue
        named = _named(tree)
        kinds: tuple[str, ...]
        if rel == RESULTS_OWNER:
            kinds, known = ("RdfFormat",), GRAPH_MEDIA - RESULT_MEDIA
        else:
            kinds, known = ("RdfFormat", "QueryResultsFormat"), GRAPH_MEDIA | RESULT_MEDIA
        for node in ast.walk(tree):
            if not isinstance(node, ast.Dict | ast.Tuple | ast.List | ast.Set):
                continue
            if (rel, named.get(id(node), "")) in ALLOWED:
                continue
            strings = _strings(node)
            media = {s for s in strings if s.split(";")[0].strip() in known}
            namespaces = {s for s in strings if s in NAMESPACES}
            refs = [n for n in ast.walk(node) if _is_format_ref(n, kinds)]
            if len(media) >= 2 or len(refs) >= 2 or len(namespaces) >= 2:
                found.add(f"{rel}:{node.lineno} {named.get(id(node), '')}")
    assert not found, sorted(found)


def test_the_old_tables_are_gone() -> None:
    modules = dict(_modules())
    for rel, names in OLD_NAMES.items():
        defined = set()
        for node in modules[rel].body:
            if isinstance(node, ast.Assign | ast.AnnAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                defined |= {t.id for t in targets if isinstance(t, ast.Name)}
            elif isinstance(node, ast.FunctionDef | ast.ClassDef):
                defined.add(node.name)
        assert not defined & names, (rel, defined & names)


def test_json_ld_context_is_the_prefix_table() -> None:
    """The JSON-LD writer embeds the context whose prefixes are the table's."""
    from councilkg.export.serializers import compact_iri
    from councilkg.export.writers import jsonld_from_ntriples
    from councilkg.prefixes import context, prefixes

    doc = json.loads(jsonld_from_ntriples(f"<{STATE}> <{STATE}> <{STATE}> .\n"))
    assert doc["@context"] == dict(context())
    for name, ns in prefixes().items():
        assert compact_iri(ns + "x") == f"{name}:x"
