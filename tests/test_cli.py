"""The ``councilkg ingest`` command: outputs, store, exit codes and errors.

Exit codes (``councilkg.cli``): 0 done; 1 ``--strict`` found unparsed text or
contradictions (``E…``); 2 error, reported as one ``error: …`` line on
stderr without a traceback.  Most tests drive the command in-process with
:class:`click.testing.CliRunner`; one runs it as a real subprocess.
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner, Result

from councilkg.cli import EXIT_BROKEN_PIPE, main
from councilkg.ingest.iris import Minter
from councilkg.ingest.ntriples import ntriples_lines
from councilkg.ingest.pipeline import STAGES, IngestResult
from councilkg.ingest.rdf import to_triples
from councilkg.ingest.reference import reference_triples
from councilkg.resources import ontology_lines, sample_path
from councilkg.store import DEFAULT_STORE, STORE_ENV, GraphStore

ROOT = Path(__file__).resolve().parents[1]
PROV_KEYS = {"file", "sha256", "page", "block_kind", "start", "end", "text", "line"}
SUMMARY = re.compile(
    r"^(?P<path>.+): (?P<language>[a-z]{2,3}), "
    r"fact yield (?P<share>[\d.]+ %|n/a) \((?P<kinds>[^()]*)\), "
    r"(?P<records>\d+) records, (?P<triples>\d+) triples, (?P<unparsed>\d+) unparsed, "
    r"(?P<warnings>\d+) warnings, (?P<contradictions>\d+) contradictions$"
)


def run(*args: str | Path, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args], env=env)


def summary(text: str) -> dict[str, str]:
    """The summary line of a one-file run, parsed."""
    found = [m.groupdict() for ln in text.splitlines() if (m := SUMMARY.match(ln))]
    assert len(found) == 1, text
    return found[0]


def assert_one_error_line(result: Result, *, containing: str) -> str:
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    assert containing in lines[0]
    assert "Traceback" not in result.stderr
    return lines[0]


def variant(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def without_vote_note(seed: bytes) -> bytes:
    """The seed without its vote note (`` a 赞成：…`` to the line ending ``。``)."""
    lines = seed.decode("utf-8").split("\n")
    start = next(i for i, ln in enumerate(lines) if ln.startswith(" a 赞成："))
    end = next(i for i in range(start, len(lines)) if lines[i].rstrip().endswith("。"))
    return "\n".join(lines[:start] + lines[end + 1 :]).encode("utf-8")


# -- the seed, end to end -------------------------------------------------------


def test_ingest_seed_outputs(
    tmp_path: Path, seed_path: Path, seed_bytes: bytes, seed_result: IngestResult
) -> None:
    records, nt = tmp_path / "out" / "records.jsonl", tmp_path / "out" / "graph.nt"
    result = run(
        "ingest", seed_path, "--store", tmp_path / "store", "--records", records, "--ntriples", nt
    )
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    # The summary line: the seed is extracted completely.
    s = summary(result.stdout)
    assert s["path"] == str(seed_path)
    assert "fact yield" in result.stdout and "unparsed" in result.stdout
    assert int(s["records"]) == len(seed_result.records)
    assert int(s["unparsed"]) == len(seed_result.coverage.unparsed) == 0
    assert int(s["contradictions"]) == 0
    assert s["share"] == "100.0 %"

    # Records: one JSON object per line, each typed and with full provenance.
    lines = records.read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(seed_result.records)
    objects = [json.loads(ln) for ln in lines]
    assert all(isinstance(o, dict) for o in objects)
    assert Counter(o["type"] for o in objects) == Counter(r.type for r in seed_result.records)
    sha = hashlib.sha256(seed_bytes).hexdigest()
    for o in objects:
        assert set(o["prov"]) >= PROV_KEYS, o
        assert o["prov"]["file"] == seed_path.name
        assert o["prov"]["sha256"] == sha
        assert isinstance(o["prov"]["line"], int) and o["prov"]["line"] >= 1
        assert 0 <= o["prov"]["start"] <= o["prov"]["end"] <= len(seed_result.source.text)

    # N-Triples: sorted, unique, parseable, = the seed's graph + the reference.
    text = nt.read_text(encoding="utf-8")
    nt_lines = text.splitlines(keepends=True)
    assert nt_lines == sorted(set(nt_lines))
    triples = to_triples(seed_result.records) | reference_triples(Minter())
    assert nt_lines == ntriples_lines(triples)
    assert int(s["triples"]) == len(ntriples_lines(to_triples(seed_result.records)))
    parsed = list(ox.parse(text.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES))
    assert len(parsed) == len(nt_lines)


def _count(store_dir: Path) -> tuple[int, list[str]]:
    store = GraphStore(store_dir)
    try:
        return store.count(), store.graphs()
    finally:
        del store
        gc.collect()  # release the database before the next run opens it


def test_reingest_leaves_the_store_unchanged(
    tmp_path: Path, seed_path: Path, seed_result: IngestResult, minter: Minter
) -> None:
    store_dir = tmp_path / "store"
    first = run("ingest", seed_path, "--store", store_dir, "-q")
    assert first.exit_code == 0, first.output
    count, graphs = _count(store_dir)
    file_graph = str(minter.graph(seed_result.source.sha256))
    assert graphs == sorted(
        [str(minter.reference_graph()), str(minter.ontology_graph()), file_graph]
    )
    # The default graph is the merge: each distinct triple once.
    merged = (
        set(ntriples_lines(to_triples(seed_result.records, minter)))
        | set(ntriples_lines(reference_triples(minter)))
        | set(ontology_lines())
    )
    assert count == len(merged)
    second = run("ingest", seed_path, "--store", store_dir, "-q")
    assert second.exit_code == 0, second.output
    assert _count(store_dir) == (count, graphs)


# -- --strict -----------------------------------------------------------------------


def test_strict_on_the_seed(tmp_path: Path, seed_path: Path, seed_result: IngestResult) -> None:
    assert not seed_result.coverage.unparsed
    assert not seed_result.contradictions
    result = run("ingest", seed_path, "--no-store", "--strict")
    assert result.exit_code == 0, result.output


def test_strict_with_a_missing_vote_note(tmp_path: Path, seed_bytes: bytes) -> None:
    """A missing table note is a warning (W004), not unparsed text or a
    contradiction: ``--strict`` still succeeds, and the warning is printed,
    with the facts it costs (the note and its votes, W012) in the yield."""
    path = variant(tmp_path, "no-note.txt", without_vote_note(seed_bytes))
    result = run("ingest", path, "--no-store", "--strict")
    assert result.exit_code == 0, result.output
    s = summary(result.stdout)
    assert (s["unparsed"], s["warnings"], s["contradictions"]) == ("0", "3", "0")
    assert s["share"] != "100.0 %"
    assert "votes 0/15" in s["kinds"] and "notes 2/3" in s["kinds"]
    assert re.search(rf"^  {re.escape(str(path))}:\d+: W004 ", result.stdout, re.MULTILINE)
    shortfalls = re.findall(rf"^  {re.escape(str(path))}:\d+: W012 ", result.stdout, re.MULTILINE)
    assert len(shortfalls) == 2


def test_strict_with_a_contradiction(tmp_path: Path, seed_bytes: bytes) -> None:
    """Vote counts that contradict the vote note (E001) fail ``--strict``."""
    data = re.sub(rb"(?m)^2-2-11a", b"1-2-11a", seed_bytes, count=1)
    assert data != seed_bytes
    path = variant(tmp_path, "bad-count.txt", data)
    assert run("ingest", path, "--no-store").exit_code == 0
    result = run("ingest", path, "--no-store", "--strict")
    assert result.exit_code == 1, result.output
    assert summary(result.stdout)["contradictions"] == "1"
    assert re.search(r"^  .+:\d+: E001 ", result.stdout, re.MULTILINE)


def test_strict_with_unparsed_text(tmp_path: Path, seed_bytes: bytes) -> None:
    """A table cut after its header leaves unparsed text: ``--strict`` fails."""
    text = seed_bytes.decode("utf-8")
    title = re.search(r"(?m)^会议：", text)
    assert title is not None
    end = re.compile(r"(?m)^[ \t]+\n").search(text, title.end())
    assert end is not None
    path = variant(tmp_path, "cut.txt", text[: end.end()].encode("utf-8"))
    result = run("ingest", path, "--no-store", "--strict")
    assert result.exit_code == 1, result.output
    assert int(summary(result.stdout)["unparsed"]) >= 1
    assert re.search(rf"^  unparsed {re.escape(str(path))}:\d+: ", result.stdout, re.MULTILINE)


# -- errors ------------------------------------------------------------------------


def test_error_not_repertoire(tmp_path: Path) -> None:
    path = variant(tmp_path, "prose.txt", b"Hello.\nThis is not the Repertoire.\n")
    line = assert_one_error_line(
        run("ingest", path, "--no-store"), containing="not Repertoire text"
    )
    assert line.startswith(f"error: {path}:1:1: ")


def test_error_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.txt"
    line = assert_one_error_line(run("ingest", path, "--no-store"), containing="cannot read")
    assert str(path) in line


def test_error_invalid_utf8(tmp_path: Path, seed_bytes: bytes) -> None:
    offset = seed_bytes.index(b"S/PV.8733")
    path = variant(tmp_path, "bad.txt", seed_bytes[:offset] + b"\xff" + seed_bytes[offset:])
    assert_one_error_line(
        run("ingest", path, "--no-store"), containing=f"invalid UTF-8 at byte offset {offset}"
    )


def test_error_empty_file(tmp_path: Path) -> None:
    path = variant(tmp_path, "empty.txt", b"")
    assert_one_error_line(run("ingest", path, "--no-store"), containing="empty")


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    for args in (["ingest", "--no-store"], ["ingest", "--no-such-option"], ["ingest", tmp_path]):
        result = run(*args)
        assert result.exit_code == 2, (args, result.output)
        assert "Traceback" not in result.output


def test_usage_error_is_one_line() -> None:
    result = run("ingest", "--no-such-option")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [result.stderr.strip()]
    assert result.stderr.startswith("error: ")


def _subprocess(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "councilkg.cli", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=60,
    )


def test_subprocess_bad_file_exits_2_without_traceback(tmp_path: Path) -> None:
    path = variant(tmp_path, "table.csv", b"a,b,c\n1,2,3\n")
    proc = _subprocess("ingest", path, "--store", tmp_path / "store", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"error: {path}:1:1: not Repertoire text")


def test_subprocess_bom_only_file(tmp_path: Path) -> None:
    path = variant(tmp_path, "bom.txt", b"\xef\xbb\xbf")
    proc = _subprocess("ingest", path, "--no-store", cwd=tmp_path)
    assert "Traceback" not in proc.stderr
    assert proc.returncode == 2
    assert len(proc.stderr.splitlines()) == 1


# -- options --------------------------------------------------------------------------


def test_records_to_stdout(seed_path: Path, seed_result: IngestResult) -> None:
    """``--records -``: JSON lines on stdout, the report on stderr."""
    result = run("ingest", seed_path, "--no-store", "--records", "-")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == len(seed_result.records)
    assert all("type" in json.loads(ln) for ln in lines)
    assert summary(result.stderr)["path"] == str(seed_path)


def test_store_from_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    env_store = tmp_path / "from-env"
    monkeypatch.setenv(STORE_ENV, str(env_store))
    result = run("ingest", seed_path, "-q", env={STORE_ENV: str(env_store)})
    assert result.exit_code == 0, result.output
    assert (env_store / "oxigraph").is_dir()
    assert not (tmp_path / DEFAULT_STORE).exists()
    count, graphs = _count(env_store)
    assert count > 0 and len(graphs) == 3  # reference, ontology, the file
    # --store wins over the environment.
    explicit = tmp_path / "explicit"
    result = run("ingest", seed_path, "-q", "--store", explicit, env={STORE_ENV: str(env_store)})
    assert result.exit_code == 0, result.output
    assert _count(explicit) == (count, graphs)


def test_stages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("ingest", "--stages")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert [ln.split()[0] for ln in lines] == [name for name, _, _ in STAGES]
    for line, (_name, needs, adds) in zip(lines, STAGES, strict=True):
        assert f"needs {needs}" in line and line.endswith(f"adds {adds}")
    assert not (tmp_path / DEFAULT_STORE).exists()  # nothing ingested, no store


# -- --sample, and the one loader -----------------------------------------------------


def test_sample_is_the_bundled_seed(tmp_path: Path, seed_path: Path) -> None:
    """``--sample`` ingests the sample the package ships (no checkout, no
    path to know): the same graphs, byte for byte, as the file named."""
    by_flag, by_name = tmp_path / "flag.nq", tmp_path / "name.nq"
    store_dir = tmp_path / "store"
    flagged = run("ingest", "--sample", "--store", store_dir, "-q", "--nquads", by_flag)
    assert flagged.exit_code == 0, flagged.output
    assert summary(flagged.stdout)["path"] == str(sample_path())
    named = run("ingest", seed_path, "--no-store", "-q", "--nquads", by_name)
    assert named.exit_code == 0, named.output
    assert by_flag.read_bytes() == by_name.read_bytes()
    assert len(_count(store_dir)[1]) == 3  # reference, ontology, the sample


def test_sample_and_files_exclude_each_other(seed_path: Path) -> None:
    assert_one_error_line(
        run("ingest", "--sample", seed_path, "--no-store"), containing="FILES or --sample"
    )


def test_no_files_points_to_the_sample() -> None:
    assert_one_error_line(run("ingest", "--no-store"), containing="--sample")


def test_fixture_store_is_the_command_store(tmp_path: Path, seed_store: GraphStore) -> None:
    """The tests' store fixture and ``councilkg ingest`` load through the same
    loader: the same quads, byte for byte."""
    store_dir = tmp_path / "store"
    result = run("ingest", "--sample", "--store", store_dir, "-q")
    assert result.exit_code == 0, result.output
    store = GraphStore(store_dir, read_only=True)
    try:
        ingested = sorted(store.dump_nquads().splitlines())
    finally:
        del store
        gc.collect()
    assert sorted(seed_store.dump_nquads().splitlines()) == ingested


# -- councilkg sample ------------------------------------------------------------------


def test_sample_prints_the_bundled_path() -> None:
    """The path printed is the file ``ingest --sample`` reads, and it exists."""
    result = run("sample")
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{sample_path()}\n"
    assert Path(result.stdout.strip()).is_file()


def test_sample_copy_into_a_folder_and_to_a_file(tmp_path: Path) -> None:
    """``--copy DEST``: into a folder under the sample's name, or to a named
    file (folders above it made); the copy is the sample, byte for byte, and
    the path printed is the copy's."""
    into = run("sample", "--copy", tmp_path)
    assert into.exit_code == 0, into.output
    copied = tmp_path / sample_path().name
    assert into.stdout == f"{copied}\n"
    assert copied.read_bytes() == sample_path().read_bytes()
    named = tmp_path / "new" / "repertoire-2020-zh.txt"
    to_file = run("sample", "--copy", named)
    assert to_file.exit_code == 0, to_file.output
    assert to_file.stdout == f"{named}\n"
    assert named.read_bytes() == sample_path().read_bytes()


def test_sample_copy_is_what_ingest_reads(tmp_path: Path) -> None:
    """The README's two steps for a wheel: copy the sample, ingest the copy."""
    path = Path(run("sample", "--copy", tmp_path).stdout.strip())
    result = run("ingest", path, "--no-store", "-q")
    assert result.exit_code == 0, result.output
    assert summary(result.stdout)["path"] == str(path)


def test_sample_copy_onto_a_folder_it_cannot_make(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    assert_one_error_line(run("sample", "--copy", blocker / "sub" / "x.txt"), containing="file")


# -- a closed standard output ---------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(("export", "--store", "{store}"), id="export"),
        pytest.param(("ingest", "--sample", "--no-store", "--records", "-", "-q"), id="ingest"),
    ],
)
def test_a_reader_that_stops_early_ends_the_command_silently(
    args: tuple[str, ...], sample_store_path: Path, tmp_path: Path
) -> None:
    """``councilkg export | head -1``: the reader closes the pipe after one
    line while the command still writes (its output is far larger than the
    pipe's buffer); the command must stop without a word, as Unix tools do
    (141, the shell's code for SIGPIPE; or 0), not print ``error: [Errno 32]
    Broken pipe`` or a traceback."""
    argv = [a.format(store=sample_store_path) for a in args]
    proc = subprocess.Popen(
        [sys.executable, "-m", "councilkg", *argv],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert proc.stdout is not None and proc.stderr is not None
    first = proc.stdout.readline()
    proc.stdout.close()  # as `head -1` does once it has its line
    stderr = proc.stderr.read().decode("utf-8", "replace")
    code = proc.wait(timeout=120)
    assert first.strip(), stderr
    assert stderr == "", stderr
    assert code in (EXIT_BROKEN_PIPE, 0)
