"""Every failure is a clean answer: one line naming what is wrong, exit 2, no
traceback — for bad options, a store held by another writer, a damaged store
file — and the store's own files are written so that no crash leaves them cut.
"""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from councilkg.ingest.iris import DEFAULT_BASE, Minter
from councilkg.server import RunningServer, start_server
from councilkg.store import WRITER_FILE, GraphStore, StoreError
from tests.test_cli import assert_one_error_line, run


def test_an_edition_read_with_another_lexicon_is_refused_in_one_line(seed_path: Path) -> None:
    """The Chinese text with the English lexicon asked for: one line naming
    the text's language and the lexicons there are (an edition with no
    lexicon at all: tests/test_alignment.py)."""
    line = assert_one_error_line(
        run("ingest", seed_path, "--no-store", "--lang", "en"), containing="in Chinese"
    )
    assert "the lexicon is en; available lexicons: en, zh" in line


@pytest.mark.parametrize("base", ["http://a b/", "http://x/<y>/", 'http://x/"/', "http://x/\t/"])
def test_a_base_that_is_no_iri_is_refused_in_one_line(seed_path: Path, base: str) -> None:
    assert_one_error_line(
        run("ingest", seed_path, "--no-store", "--base", base), containing="base IRI"
    )
    with pytest.raises(ValueError, match="base IRI"):
        Minter(base)


def test_the_default_base_is_an_iri() -> None:
    Minter(DEFAULT_BASE)


def test_a_second_writer_is_told_who_holds_the_store(tmp_path: Path) -> None:
    store = GraphStore(tmp_path / "store")  # this process writes
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "councilkg",
            "ingest",
            "--sample",
            "--store",
            str(tmp_path / "store"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    assert "being written by another councilkg process" in lines[0]
    assert (tmp_path / "store" / WRITER_FILE).read_text().strip() in lines[0]
    assert "LOCK" not in lines[0] and "Traceback" not in proc.stderr
    del store


def test_a_cut_digest_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "store"
    GraphStore(path).replace_graph_if_changed("urn:g", ["<urn:a> <urn:b> <urn:c> .\n"])
    digests = path / "graphs.json"
    digests.write_text(digests.read_text()[:7])
    line = assert_one_error_line(
        run("ingest", "--sample", "--store", path), containing=str(digests)
    )
    assert "delete" in line


def test_the_digest_file_is_replaced_not_rewritten(tmp_path: Path) -> None:
    """A write goes to a new file renamed over the old one (a new inode each
    time), so a process killed mid-write leaves the old table whole."""
    store = GraphStore(tmp_path / "store")
    digests = tmp_path / "store" / "graphs.json"
    store.replace_graph_if_changed("urn:g", ["<urn:a> <urn:b> <urn:c> .\n"])
    first = digests.stat().st_ino
    store.replace_graph_if_changed("urn:h", ["<urn:a> <urn:b> <urn:d> .\n"])
    assert digests.stat().st_ino != first
    assert set(json.loads(digests.read_text())) == {"urn:g", "urn:h"}
    assert [p.name for p in digests.parent.iterdir() if p.name.endswith(".tmp")] == []


def test_a_damaged_store_is_refused_in_one_line_by_readers(tmp_path: Path) -> None:
    path = tmp_path / "store"
    GraphStore(path).flush()
    (path / "oxigraph" / "CURRENT").write_text("MANIFEST-999999\n")
    with pytest.raises(StoreError, match="cannot read the store"):
        GraphStore(path, read_only=True)
    assert_one_error_line(run("facts", "--store", path), containing="cannot read the store")


@pytest.fixture(scope="module")
def server(sample_store_path: Path) -> Iterator[RunningServer]:
    with start_server(sample_store_path, timeout_s=5.0) as running:
        yield running


@pytest.mark.parametrize(
    "path", ["/sparql?query=SELECT%20%3Cscript%3E", "/page/nowhere%3Cscript%3E", "/", "/sparql"]
)
def test_every_answer_forbids_content_sniffing(server: RunningServer, path: str) -> None:
    url = server.url + path
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            headers = response.headers
    except urllib.error.HTTPError as exc:
        headers = exc.headers
    assert headers["X-Content-Type-Options"] == "nosniff"
