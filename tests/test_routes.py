"""The server's route table (``councilkg.server.app``), and the server package's imports.

1. The table is the one written out here: every path the server answers and
   its methods.  A route added, removed or given other methods fails this
   test until the table below says so too.
2. Over real HTTP on 127.0.0.1, for each route: the methods it lists are not
   answered 405, every other method is, with ``Allow`` equal to the table's
   methods, and ``OPTIONS`` is the CORS preflight for those same methods.
3. The modules of ``councilkg/server`` import one another in one direction
   (no cycle; each only those below it in :data:`LAYERS`), directly (never
   through the package ``councilkg.server``), and at the top of the module
   (no import hidden in a function or behind ``TYPE_CHECKING``).
"""

from __future__ import annotations

import ast
import graphlib
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from councilkg.ingest.iris import Minter
from councilkg.server import CouncilApp, RunningServer, ServerConfig, start_server
from tests.httpcall import call

ROOT = Path(__file__).resolve().parents[1]
SERVER = ROOT / "councilkg" / "server"
M = Minter()

QUERY = ("GET", "HEAD", "POST", "OPTIONS")
READ = ("GET", "HEAD", "OPTIONS")
SUBMIT = ("POST", "OPTIONS")

# pattern -> methods, in the table's order.
EXPECTED = [
    ("/sparql", QUERY),
    ("/", READ),
    ("/id/*", READ),
    ("/page/*", READ),
    ("/data/*", READ),
    ("/graph/*", READ),
    ("/dataset*", READ),
    ("/.well-known/void", READ),
    ("/dumps/*", READ),
    ("/search", READ),
    ("/query", READ),
    ("/query/prepared", READ),
    ("/query/labels", SUBMIT),
    ("/context.jsonld", READ),
    ("/static/*", READ),
]

# A path each route serves, and the body of a request that route accepts.
STATE = str(M.state("CHN")).removeprefix(M.base + "id/")
EXAMPLES: dict[str, tuple[str, bytes | None, dict[str, str]]] = {
    "/sparql": ("/sparql?query=ASK%7B%7D", None, {}),
    "/": ("/", None, {}),
    "/id/*": (f"/id/{STATE}", None, {}),
    "/page/*": (f"/page/{STATE}", None, {}),
    "/data/*": (f"/data/{STATE}.ttl", None, {}),
    "/graph/*": ("/graph/reference", None, {"Accept": "text/turtle"}),
    "/dataset*": ("/dataset", None, {}),
    "/.well-known/void": ("/.well-known/void", None, {"Accept": "text/turtle"}),
    "/dumps/*": ("/dumps/councilkg.nt", None, {}),
    "/search": ("/search?q=%E4%B8%AD%E5%9B%BD", None, {}),
    "/query": ("/query", None, {}),
    "/query/prepared": ("/query/prepared?name=votes-on-draft&symbol=S/2020/797", None, {}),
    "/query/labels": (
        "/query/labels",
        json.dumps([str(M.state("CHN"))]).encode(),
        {"Content-Type": "application/json"},
    ),
    "/context.jsonld": ("/context.jsonld", None, {}),
    "/static/*": ("/static/site.css", None, {}),
}
# Methods tried on every route (OPTIONS is checked on its own).
METHODS = ("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH")


def test_the_route_table_is_the_one_written_here() -> None:
    app = CouncilApp(ServerConfig(store_path=Path("unused")))
    assert [(r.pattern, r.methods) for r in app.routes] == EXPECTED
    assert all(r.serves for r in app.routes)
    assert set(EXAMPLES) == {pattern for pattern, _ in EXPECTED}


def test_without_linked_data_only_the_endpoint_is_routed() -> None:
    app = CouncilApp(ServerConfig(store_path=Path("unused"), linked_data=False))
    assert [(r.pattern, r.methods) for r in app.routes] == [("/sparql", QUERY)]
    assert app.route_for("/page/x") is None


def test_paths_find_their_route() -> None:
    app = CouncilApp(ServerConfig(store_path=Path("unused")))
    for pattern, (path, _, _) in EXAMPLES.items():
        found = app.route_for(path.split("?")[0])
        assert found is not None and found.pattern == pattern, path
    assert app.route_for("/dataset/a/b") is app.route_for("/dataset")
    for path in ("/nowhere", "/id", "/sparql/x", "/query/other"):
        assert app.route_for(path) is None, path


# --------------------------------------------------------------------------
# Over HTTP


@pytest.fixture(scope="module")
def server(sample_store_path: Path) -> Iterator[RunningServer]:
    with start_server(sample_store_path, timeout_s=10.0, workers=2) as running:
        yield running


@pytest.mark.parametrize(("pattern", "methods"), EXPECTED, ids=[p for p, _ in EXPECTED])
def test_methods_are_answered_as_the_table_says(
    server: RunningServer, pattern: str, methods: tuple[str, ...]
) -> None:
    path, body, headers = EXAMPLES[pattern]
    allow = ", ".join(methods)
    for method in METHODS:
        status, got, text = call(server, method, path, body, headers)
        if method in methods:
            assert status != 405, (method, path, text)
            assert status < 500, (method, path, text)
        else:
            assert status == 405, (method, path, status, text)
            assert got["allow"] == allow, (method, path)
            message = f"method {method} not allowed\n".encode()
            assert text == (b"" if method == "HEAD" else message)
            assert got["access-control-allow-origin"] == "*"
    status, got, _ = call(
        server, "OPTIONS", path, headers={"Origin": "https://example.org", **headers}
    )
    assert status == 204
    assert got["allow"] == allow
    assert got["access-control-allow-methods"] == allow


@pytest.mark.parametrize("method", [*METHODS, "OPTIONS"])
def test_a_path_no_route_serves_is_404(server: RunningServer, method: str) -> None:
    status, _, _ = call(server, method, "/nowhere")
    assert status == 404


# --------------------------------------------------------------------------
# The package's imports


MODULES = sorted(SERVER.glob("*.py"))


def _name(path: Path) -> str:
    return "councilkg.server" if path.stem == "__init__" else f"councilkg.server.{path.stem}"


def _server_imports(tree: ast.Module) -> Iterator[tuple[ast.stmt, str]]:
    """(statement, module) for every import of a ``councilkg.server`` module;
    ``from councilkg.server import x`` names the submodule ``x`` when there
    is one, else the package."""
    names = {_name(p) for p in MODULES}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("councilkg.server"):
                    yield node, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module:
            assert node.level == 0, "the server package uses absolute imports"
            if node.module == "councilkg.server":
                for alias in node.names:
                    sub = f"councilkg.server.{alias.name}"
                    yield node, sub if sub in names else node.module
            elif node.module.startswith("councilkg.server."):
                yield node, node.module


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for path in MODULES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        graph[_name(path)] = {module for _, module in _server_imports(tree)}
    return graph


def test_server_modules_import_each_other_without_a_cycle() -> None:
    graph = _graph()
    assert {"councilkg.server.app", "councilkg.server.linked_data"} <= set(graph)
    order = list(graphlib.TopologicalSorter(graph).static_order())  # CycleError on a cycle
    assert set(order) >= set(graph)
    for module, imported in graph.items():
        if module != "councilkg.server":
            assert "councilkg.server" not in imported, f"{module} imports the package façade"
    assert "councilkg.server.app" not in graph["councilkg.server.linked_data"]
    assert "councilkg.server.linked_data" in graph["councilkg.server.app"]


# The order of the package's docstring: each module imports only those before it.
LAYERS = [
    "protocol",
    "config",
    "frames",
    "negotiation",
    "cache",
    "policy",
    "http",
    "worker",
    "zygote",
    "priority",
    "spawner",
    "pool",
    "sparql",
    "linked_data",
    "app",
    "run",
]


def test_server_modules_import_downwards() -> None:
    graph = _graph()
    assert {f"councilkg.server.{m}" for m in LAYERS} == set(graph) - {"councilkg.server"}
    for i, module in enumerate(LAYERS):
        below = {f"councilkg.server.{m}" for m in LAYERS[:i]}
        assert graph[f"councilkg.server.{module}"] <= below, module


def _typing_only(tree: ast.Module) -> set[int]:
    """Ids of the statements under ``if TYPE_CHECKING:`` (never run)."""
    return {
        id(inner)
        for node in tree.body
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING"
        for inner in node.body
    }


def test_server_modules_import_at_the_top() -> None:
    for path in MODULES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        top = {id(node) for node in tree.body} | _typing_only(tree)
        for node, module in _server_imports(tree):
            assert id(node) in top, f"{path.name}:{node.lineno} imports {module} below the top"


def test_the_package_facade_names_what_it_loads() -> None:
    """The package re-exports lazily (a worker must not load the HTTP
    front): every name it lists resolves, from the module it says."""
    import councilkg.server as package

    assert sorted(package.__all__) == sorted(package._EXPORTS)
    for name, module in package._EXPORTS.items():
        assert getattr(package, name).__module__ == f"councilkg.server.{module}", name
    with pytest.raises(AttributeError):
        package.no_such_name  # noqa: B018


def test_a_worker_loads_neither_the_http_front_nor_rdflib() -> None:
    """What a worker process imports (forked or started afresh): starting
    one is on the path of every request the pool grows for."""
    code = (
        "import sys, councilkg.server.worker, councilkg.server.zygote; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('uvicorn', 'rdflib', 'httptools', 'jinja2') or m == 'councilkg.server.app'))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    assert out.strip() == "[]"


def test_the_cycle_check_sees_a_cycle() -> None:
    with pytest.raises(graphlib.CycleError):
        list(graphlib.TopologicalSorter({"a": {"b"}, "b": {"a"}}).static_order())
