"""The notebook ``notebooks/council-practice-2020.ipynb``: committed without
outputs, exactly as ``notebooks/build.py`` writes it, and executed end to end
with nbclient — against a ``councilkg serve`` endpoint this test starts on
127.0.0.1 (passed in ``COUNCILKG_ENDPOINT``), and on its own (the notebook then
starts a server for its store).  A failing cell raises and fails the test.
"""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from councilkg.ingest.iris import Minter
from councilkg.ingesting import load
from councilkg.server import start_server
from councilkg.store import GraphStore

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "council-practice-2020.ipynb"
BUILD = ROOT / "notebooks" / "build.py"
ENV = "COUNCILKG_ENDPOINT"


def load_build() -> ModuleType:
    spec = importlib.util.spec_from_file_location("notebook_build", BUILD)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_notebook_has_no_outputs() -> None:
    raw = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    nb = nbformat.reads(NOTEBOOK.read_text(encoding="utf-8"), as_version=4)
    nbformat.validate(nb)
    code = [c for c in raw["cells"] if c["cell_type"] == "code"]
    assert code
    for cell in code:
        assert cell["outputs"] == [], cell["id"]
        assert cell["execution_count"] is None, cell["id"]
    assert set(raw["metadata"]) <= {"kernelspec", "language_info"}


def test_committed_notebook_is_what_build_writes() -> None:
    assert NOTEBOOK.read_text(encoding="utf-8") == load_build().text(), (
        "run: python notebooks/build.py"
    )


def run_notebook(cwd: Path) -> Any:
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(cwd)}}
    )
    client.execute()
    return nb


def texts(nb: Any) -> str:
    out = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            assert output["output_type"] != "error"
            if output["output_type"] == "stream":
                out.append(output["text"])
    return "".join(out)


def images(nb: Any) -> int:
    return sum(
        "image/png" in output.get("data", {})
        for cell in nb.cells
        for output in cell.get("outputs", [])
    )


@pytest.fixture()
def kernel_tmp(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The kernel's temporary folder (``TMPDIR``), where the notebook makes its
    working folder: a notebook that fails half-way leaves it to pytest's
    clean-up, not in the machine's temporary folder."""
    folder = tmp_path_factory.mktemp("kernel-tmp")
    monkeypatch.setenv("TMPDIR", str(folder))
    return folder


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory, seed_path: Path) -> Iterator[str]:
    path = tmp_path_factory.mktemp("notebook") / "store"
    store = GraphStore(path)
    load([seed_path], store=store, minter=Minter(), progress=False)
    store.flush()
    del store
    server = start_server(path, workers=1)
    try:
        yield server.endpoint
    finally:
        server.stop()


@pytest.mark.slow
@pytest.mark.usefixtures("cjk_font")  # the notebook draws Chinese labels
def test_notebook_runs_against_the_test_endpoint(
    endpoint: str,
    tmp_path: Path,
    kernel_tmp: Path,
    monkeypatch: pytest.MonkeyPatch,
    gold: dict[str, Any],
) -> None:
    assert endpoint.startswith("http://127.0.0.1:")
    monkeypatch.setenv(ENV, endpoint)
    nb = run_notebook(tmp_path)
    out = texts(nb)
    assert f"endpoint: {endpoint}\n" in out
    vote = gold["votes"][0]
    assert f"{sum(len(vote[k]) for k in ('for', 'against', 'abstaining'))} votes on " in out
    assert "the same from the endpoint and from the store" in out
    assert "S/RES/2231(2015)" in out
    assert "font: " in out and "CJK" in out
    assert images(nb) >= 4  # vote chart, two heatmaps, citation network
    assert out.rstrip().endswith("done")
    assert list(tmp_path.iterdir()) == []  # the notebook cleaned up after itself
    assert list(kernel_tmp.iterdir()) == []  # its working folder too


@pytest.mark.slow
@pytest.mark.usefixtures("cjk_font")  # the notebook draws Chinese labels
def test_notebook_starts_its_own_server_without_the_variable(
    tmp_path: Path, kernel_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(ENV, raising=False)
    nb = run_notebook(tmp_path)
    out = texts(nb)
    assert "endpoint: http://127.0.0.1:" in out
    assert "co-voting and citations: the same graphs from the endpoint" in out
    assert list(kernel_tmp.iterdir()) == []  # its working folder, its server's caches


@pytest.mark.slow
def test_a_failing_cell_fails(tmp_path: Path) -> None:
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell("x = 1"),
            nbformat.v4.new_code_cell("assert x == 2, 'a failing cell'"),
        ]
    )
    client = NotebookClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    )
    with pytest.raises(CellExecutionError, match="a failing cell"):
        client.execute()
