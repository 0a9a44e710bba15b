"""A file that holds several Repertoire documents one after the other
(:mod:`councilkg.ingest.parts`) is ingested document by document.

The documents here are three synthetic supplements (2020 and 2021 of one
seed, 2020 of another, each with its own job number and each ending with
its last page's footer), written one after the other into one file.
Ingested that way, the file must give each document's graph exactly as
the document's own file gives it, but for what names the file: the
source's label and the line numbers, which count from the top of the file.
Read as one document, the same text loses the later documents' footnotes
(their numbering starts again): that is what the split is for.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from functools import partial
from pathlib import Path

import pytest
from click.testing import CliRunner

from bench import synth
from councilkg.cli import main
from councilkg.ingest.errors import Code
from councilkg.ingest.iris import source_id
from councilkg.ingest.parts import Part, parts_of, read_part
from councilkg.ingest.pipeline import ingest_bytes
from councilkg.ingest.records import Footnote
from councilkg.ingest.source import read_source, split_lines
from councilkg.ingesting import load

LINE_NUMBER = re.compile(r'(<[^>]*#lineNumber> )"(\d+)"')
LABEL = re.compile(
    r'^(<[^>]*/source/[0-9a-f]+> <http://www.w3.org/2000/01/rdf-schema#label> )"[^"]*"'
)


@pytest.fixture(scope="module")
def documents() -> list[bytes]:
    """Three documents with three job numbers."""
    files = [
        *synth.generate(synth.Spec(seed=1, scale=3)).files,
        synth.generate(synth.Spec(seed=2, scale=1)).files[0],
    ]
    return [f.text.encode() for f in files]


def _write(folder: Path, documents: Iterable[bytes]) -> tuple[Path, list[Path]]:
    """The documents as files of their own and one after the other in one file."""
    folder.mkdir(parents=True, exist_ok=True)
    alone = []
    for n, data in enumerate(documents):
        path = folder / f"doc{n}.txt"
        path.write_bytes(data)
        alone.append(path)
    together = folder / "together.txt"
    together.write_bytes(b"".join(p.read_bytes() for p in alone))
    return together, alone


def test_each_document_is_cut_where_its_own_file_ends(
    documents: list[bytes], tmp_path: Path
) -> None:
    together, alone = _write(tmp_path, documents)
    parts = parts_of(together)
    assert [p.count for p in parts] == [3, 3, 3]
    assert [p.index for p in parts] == [1, 2, 3]
    data = together.read_bytes()
    first_line = 1
    for part, path in zip(parts, alone, strict=True):
        assert data[part.start : part.end] == path.read_bytes()
        assert part.first_line == first_line
        first_line += len(split_lines(path.read_text()))
        source = read_part(part)
        assert source.sha256 == read_source(path).sha256
        assert source.lines[0].number == part.first_line
    assert parts[-1].end == len(data)
    assert len({p.job for p in parts}) == 3
    assert all(p.label and p.job and p.job in p.label for p in parts)


def test_a_file_of_one_document_is_one_part(seed_path: Path) -> None:
    (part,) = parts_of(seed_path)
    assert (part.start, part.end, part.first_line, part.count) == (
        0,
        seed_path.stat().st_size,
        1,
        1,
    )
    assert part.label is None
    assert read_part(part) == read_source(seed_path)


def test_a_missing_file_is_reported_when_read(tmp_path: Path) -> None:
    (part,) = parts_of(tmp_path / "none.txt")
    with pytest.raises(Exception, match="cannot read"):
        read_part(part)


@pytest.mark.parametrize("ending", ["\r\n", "\r"])
def test_lines_are_numbered_as_the_ingest_numbers_them(
    documents: list[bytes], tmp_path: Path, ending: str
) -> None:
    """Windows and old Mac line endings: the cut and each document's first
    line number agree with the lines the whole file is split into."""
    texts = [d.decode().replace("\n", ending) for d in documents]
    together, _ = _write(tmp_path, (t.encode() for t in texts))
    whole = read_source(together)
    parts = parts_of(together)
    assert len(parts) == 3
    for part, text in zip(parts, texts, strict=True):
        source = read_part(part)
        assert source.text == text
        assert source.lines[0].text == whole.lines[part.first_line - 1].text
        assert source.lines[-1].number == whole.line_at(whole.text.index(text) + len(text) - 1)


def test_one_damaged_footer_does_not_cut_a_document(documents: list[bytes], tmp_path: Path) -> None:
    """A footer whose job number differs on one page only, between pages of
    one number, is a damaged line, not a one-page document."""
    text = documents[1].decode()
    footers = list(re.finditer(r"(?m)^(\s*\d{0,4}\s*)(\d{2}-\d{5})(\s)", text))
    assert len(footers) > 4
    middle = footers[len(footers) // 2]
    damaged = text[: middle.start(2)] + "99-99999" + text[middle.end(2) :]
    together, _ = _write(tmp_path, [documents[0], damaged.encode(), documents[2]])
    assert len(parts_of(together)) == 3


def _shifted(shift: int, m: re.Match[str]) -> str:
    return f'{m[1]}"{int(m[2]) - shift}"'


def _normalised(quads: list[str], parts: list[Part]) -> list[str]:
    """The quads with each source's label blank and each document's line
    numbers counted from its own first line."""
    base = {source_id(read_part(p).sha256): p.first_line - 1 for p in parts}
    out = []
    for quad in quads:
        quad = LABEL.sub(r'\1""', quad)
        graph = re.search(r"/graph/source/([0-9a-f]+)> \.$", quad)
        if graph and graph[1] in base:
            quad = LINE_NUMBER.sub(partial(_shifted, base[graph[1]]), quad)
        out.append(quad)
    return sorted(out)


def test_the_file_gives_each_documents_graph_as_its_own_file_does(
    documents: list[bytes], tmp_path: Path
) -> None:
    together, alone = _write(tmp_path, documents)
    parts = parts_of(together)
    run = load([together], None, keep_quads=True)
    each = load(alone, None, keep_quads=True)
    assert [f.document for f in run.files] == parts
    assert [f.shown for f in run.files] == [f"{together}, {p.label}" for p in parts]
    assert [f.to_dict()["document"]["first_line"] for f in run.files] == [
        p.first_line for p in parts
    ]
    assert all(f.document is None and f.shown == f.path for f in each.files)
    assert {f.path for f in run.files} == {str(together)}
    assert [f.sha256 for f in run.files] == [f.sha256 for f in each.files]
    alone_parts = [parts_of(p)[0] for p in alone]
    assert _normalised(run.quads, parts) == _normalised(each.quads, alone_parts)
    # Each document's diagnostics name the file's own lines.
    for mine, theirs, part in zip(run.files, each.files, parts, strict=True):
        assert [(d.code, d.line) for d in mine.diagnostics] == [
            (d.code, d.line + part.first_line - 1) for d in theirs.diagnostics
        ]
        assert mine.fact_yield.to_dict() == theirs.fact_yield.to_dict()
    lines = together.read_text().splitlines()
    for report in run.files:
        for d in report.diagnostics:
            assert d.line <= len(lines)


def test_read_as_one_document_the_text_loses_the_later_footnotes(
    documents: list[bytes],
) -> None:
    """Why the split: the footnote numbering of each document starts again."""
    alone = sum(
        sum(isinstance(r, Footnote) for r in ingest_bytes(d, f"d{n}.txt").records)
        for n, d in enumerate(documents)
    )
    as_one = ingest_bytes(b"".join(documents), "together.txt")
    assert sum(isinstance(r, Footnote) for r in as_one.records) < alone


def test_a_text_of_several_documents_read_as_one_says_so(documents: list[bytes]) -> None:
    as_one = ingest_bytes(b"".join(documents), "together.txt")
    (warning,) = [d for d in as_one.diagnostics if d.code is Code.SEVERAL_DOCUMENTS]
    first_of_second = len(split_lines(documents[0].decode()))
    assert warning.line > first_of_second
    assert all(
        d.code is not Code.SEVERAL_DOCUMENTS
        for d in ingest_bytes(documents[0], "one.txt").diagnostics
    )


def test_each_document_is_read_in_its_own_language(seed_bytes: bytes, tmp_path: Path) -> None:
    """The English edition's pages, then the Chinese sample's: two job
    numbers, two documents, each read with its own lexicon."""
    english = (
        Path(__file__).parent / "data" / "en" / "threats-terrorist-acts-2020.en.txt"
    ).read_bytes()
    together, _ = _write(tmp_path, [english, seed_bytes])
    parts = parts_of(together)
    assert [together.read_bytes()[p.start : p.end] for p in parts] == [english, seed_bytes]
    run = load([together], None, language="auto")
    assert [f.language for f in run.files] == ["en", "zh"]
    assert all(not f.coverage.unparsed for f in run.files)


def test_the_command_reports_each_document(documents: list[bytes], tmp_path: Path) -> None:
    together, _ = _write(tmp_path, documents)
    parts = parts_of(together)
    store = tmp_path / "store"
    text = CliRunner().invoke(
        main, ["ingest", str(together), "--store", str(store), "-q", "--no-progress"]
    )
    assert text.exit_code == 0, text.output
    shown = [ln.split(": ", 1)[0] for ln in text.output.splitlines() if ": zh, " in ln]
    assert shown == [f"{together}, {p.label}" for p in parts]
    as_json = CliRunner().invoke(
        main, ["ingest", str(together), "--no-store", "--format", "json", "--no-progress"]
    )
    assert as_json.exit_code == 0, as_json.output
    files = json.loads(as_json.output)["files"]
    assert [(f["path"], f["document"]["index"], f["document"]["job_number"]) for f in files] == [
        (str(together), p.index, p.job) for p in parts
    ]
