"""Bad input: what the ingest refuses (with a located, one-line message) and
what it accepts but reports (truncated tables).

Every bad file is written to ``tmp_path`` and read through
:func:`councilkg.ingest.pipeline.ingest_file`, the path the CLI takes, so the messages
name a real file.  Truncated tables are cut from the seed at places found by
pattern, never by line number.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from councilkg.ingest.errors import Code, IngestError, SourceError
from councilkg.ingest.pipeline import IngestResult, ingest_bytes, ingest_file
from councilkg.ingest.records import Decision, Finding, Meeting, Unparsed, Videoconference

NOT_UTF8_EXPECTED = "expected UTF-8 text extracted from the Repertoire PDF"


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def refuse(path: Path) -> SourceError:
    """The :class:`SourceError` ingesting ``path`` raises."""
    with pytest.raises(SourceError) as info:
        ingest_file(path)
    err = info.value
    assert isinstance(err, IngestError)  # what the CLI catches
    assert err.path == str(path)
    assert str(err) == err.one_line()
    assert "\n" not in str(err)
    assert str(err).startswith(f"{path}")
    return err


# -- not Repertoire text ------------------------------------------------------

ENGLISH = b"""The Security Council met on Tuesday to discuss non-proliferation.
Members heard a briefing and adopted no decision.
"""
CSV = b"record,date,item\nS/PV.8733,2020-02-26,non-proliferation\n"


@pytest.mark.parametrize(
    ("name", "data", "line"),
    [
        ("prose.txt", ENGLISH, 1),
        ("leading-blank-lines.txt", b"\n \n\n" + ENGLISH, 4),
        ("table.csv", CSV, 1),
    ],
)
def test_not_repertoire_text(tmp_path: Path, name: str, data: bytes, line: int) -> None:
    path = write(tmp_path, name, data)
    err = refuse(path)
    # Located at the first line with text, column 1 …
    first = data.decode().split("\n")[line - 1]
    assert (err.line, err.column) == (line, 1)
    assert str(err).startswith(f"{path}:{line}:1: ")
    assert err.context == first[:80]
    # … saying what it is not and what was looked for.
    assert "not Repertoire text" in err.message
    for expected in ("running header", "footnote block", "item heading", "table"):
        assert expected in err.message
    assert err.with_context().splitlines() == [str(err), "    " + first[:80], "    ^"]


def test_chinese_prose_without_structure(tmp_path: Path, seed_bytes: bytes) -> None:
    """Body text of the seed without any footnote block, heading, table or
    furniture is not recognisable as the Repertoire."""
    lines = seed_bytes.decode("utf-8").split("\n")
    cut = next(i for i, ln in enumerate(lines) if re.match(r"^\s*_{5,}\s*$", ln))
    data = "\n".join(lines[:cut]).encode("utf-8")
    assert data.strip()
    err = refuse(write(tmp_path, "prose-zh.txt", data))
    assert err.line == 1
    assert "not Repertoire text" in err.message


# -- empty ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\n",
        b"   \n\t\n \r\n",
        pytest.param(
            b"\xef\xbb\xbf",
            id="bom-only",
        ),
        pytest.param(
            "\ufeff\n\u3000\u3000\n\u00a0\n".encode(),
            id="unicode-whitespace",
        ),
    ],
)
def test_empty(tmp_path: Path, data: bytes) -> None:
    path = write(tmp_path, "empty.txt", data)
    err = refuse(path)
    assert "empty" in err.message
    assert "expected" in err.message
    assert err.line is None  # nothing to point at


def test_missing_file(tmp_path: Path) -> None:
    err = refuse(tmp_path / "nowhere.txt")
    assert "cannot read" in err.message


def test_directory(tmp_path: Path) -> None:
    err = refuse(tmp_path)
    assert "cannot read" in err.message


# -- encoding ------------------------------------------------------------------


def test_invalid_utf8_in_the_middle(tmp_path: Path, seed_bytes: bytes) -> None:
    offset = seed_bytes.index(b"S/2020/644")  # an ASCII character mid-file
    assert offset > 1000
    data = seed_bytes[:offset] + b"\xff" + seed_bytes[offset:]
    path = write(tmp_path, "bad-byte.txt", data)
    err = refuse(path)
    line = seed_bytes.count(b"\n", 0, offset) + 1
    column = offset - seed_bytes.rfind(b"\n", 0, offset)  # in bytes, 1-based
    assert (err.line, err.column) == (line, column)
    assert str(err).startswith(f"{path}:{line}:{column}: ")
    assert f"byte offset {offset}" in err.message
    assert "0xff" in err.message
    assert NOT_UTF8_EXPECTED in err.message


def test_broken_multibyte_sequence(tmp_path: Path, seed_bytes: bytes) -> None:
    """A CJK character cut after its first byte: the offset is the cut's."""
    lines = seed_bytes.split(b"\n")
    i = next(i for i, ln in enumerate(lines) if i > 10 and ln.startswith("表".encode()))
    offset = sum(len(ln) + 1 for ln in lines[:i])
    data = seed_bytes[:offset] + seed_bytes[offset : offset + 1] + seed_bytes[offset + 3 :]
    err = refuse(write(tmp_path, "cut-char.txt", data))
    assert (err.line, err.column) == (i + 1, 1)
    assert f"byte offset {offset}" in err.message


def test_other_encoding(tmp_path: Path, seed_bytes: bytes) -> None:
    """The seed saved as GB18030 (a plausible mistake) is refused at its first
    non-ASCII character."""
    text = seed_bytes.decode("utf-8")
    data = text.encode("gb18030")
    first = next(i for i, ch in enumerate(text) if not ch.isascii())
    err = refuse(write(tmp_path, "gb18030.txt", data))
    assert f"byte offset {first}" in err.message  # ASCII prefix: chars == bytes
    assert err.line == 1


def test_bom_is_accepted(seed_bytes: bytes, seed_result: IngestResult) -> None:
    result = ingest_bytes(b"\xef\xbb\xbf" + seed_bytes, "bom.txt")
    assert len(result.records) == len(seed_result.records)
    assert not result.diagnostics


# -- binary --------------------------------------------------------------------


def test_binary_data(tmp_path: Path) -> None:
    data = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00"
    err = refuse(write(tmp_path, "image.png", data))
    assert "binary data" in err.message
    assert f"NUL byte at offset {data.index(0)}" in err.message
    assert NOT_UTF8_EXPECTED in err.message


def test_nul_byte_after_the_first_4_kib(tmp_path: Path, seed_bytes: bytes) -> None:
    offset = seed_bytes.index(b"\n", 8192) + 1
    data = seed_bytes[:offset] + b"\x00" + seed_bytes[offset:]
    err = refuse(write(tmp_path, "nul.txt", data))
    assert "NUL byte" in err.message


# -- truncated tables -----------------------------------------------------------

TABLE_TITLE = re.compile(r"^(?:视频)?会议：.*$", re.MULTILINE)


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _header_cuts(text: str) -> list[tuple[int, int]]:
    """(cut offset, title line) right after each table's header: after the
    whitespace-only line that ends the header row."""
    cuts = []
    for m in TABLE_TITLE.finditer(text):
        end = re.compile(r"^[ \t]+\n", re.MULTILINE).search(text, m.end())
        assert end is not None
        cuts.append((end.end(), _line_of(text, m.start())))
    return cuts


def test_table_cut_after_its_header(seed_bytes: bytes) -> None:
    text = seed_bytes.decode("utf-8")
    cuts = _header_cuts(text)
    assert len(cuts) == 3  # the rule-of-law table and tables 1 and 2
    for cut, title_line in cuts:
        result = ingest_bytes(text[:cut].encode("utf-8"), "cut.txt")
        truncated = [d for d in result.diagnostics if d.code is Code.TABLE_TRUNCATED]
        assert [d.line for d in truncated] == [title_line]
        findings = [r for r in result.records if isinstance(r, Finding)]
        assert (Code.TABLE_TRUNCATED.value, title_line) in {(f.code, f.prov.line) for f in findings}
        unparsed = [r for r in result.records if isinstance(r, Unparsed)]
        assert title_line in {u.prov.line for u in unparsed}
        assert title_line in {u.line for u in result.coverage.unparsed}
        # No event comes from the cut table (its rows are gone).
        events = [r for r in result.records if isinstance(r, Meeting | Videoconference)]
        assert all(e.prov.line < title_line for e in events)


def _row_cut(text: str, pattern: str, *, last: bool = False) -> tuple[int, int]:
    """(cut offset, offset of the row that is cut): cut at the end of a match
    of ``pattern`` (the row starts at group ``row``, else at the match)."""
    matches = list(re.finditer(pattern, text, re.MULTILINE))
    assert matches, pattern
    m = matches[-1] if last else matches[0]
    return m.end(), m.start("row") if "row" in m.re.groupindex else m.start()


ROW_DATE = r"\d{4} 年 \d{1,2} 月 \d{1,2} 日"


ROW_CUTS = [
    # Meetings table, inside the first row's date cell.
    pytest.param(r"^S/PV\.\d+ ?\n\n\d{4} 年 ", False, Code.TABLE_ROW, id="meeting-row-date"),
    # Rule-of-law table: the row ends at its note letter, the note is gone.
    pytest.param(rf"^{ROW_DATE} 无记录 a", False, Code.NOTE_MISSING, id="row-before-its-note"),
    # Videoconference row cut after the draft's cell: no counts, no record.
    pytest.param(
        rf"^(?P<row>{ROW_DATE} S/\S+) .*\n(?:(?!{ROW_DATE}).*\n)*?S/\d{{4}}/\d+\(未通过\) ?\n",
        False,
        None,
        id="vc-row-after-draft",
    ),
    # Last videoconference row cut inside its title cell.
    pytest.param(
        rf"^{ROW_DATE} S/\S+ \d{{4}}年",
        True,
        None,
        id="vc-row-title",
    ),
    # Last videoconference row cut right after its date: the date is merged,
    # unreported, into the row before as an extra cell.
    pytest.param(
        rf"^{ROW_DATE} (?=S/)",
        True,
        None,
        id="vc-row-date-only",
    ),
]


@pytest.mark.parametrize(("pattern", "last", "code"), ROW_CUTS)
def test_table_cut_inside_a_row_is_reported(
    seed_bytes: bytes, pattern: str, last: bool, code: Code | None
) -> None:
    text = seed_bytes.decode("utf-8")
    cut, row = _row_cut(text, pattern, last=last)
    row_line = _line_of(text, row)
    result = ingest_bytes(text[:cut].encode("utf-8"), "cut.txt")  # no exception
    # Reported at the cut row: a coded diagnostic on its line or spanning it,
    # or an unparsed record there.
    at_row = [d for d in result.diagnostics if d.line == row_line or d.start <= row < d.end]
    unparsed = [u for u in result.coverage.unparsed if u.line == row_line]
    assert at_row or unparsed, (row_line, result.diagnostics)
    codes = {d.code for d in at_row}
    if code is not None:
        assert code in codes
    else:
        assert codes & {Code.TABLE_ROW, Code.TABLE_TRUNCATED} or unparsed, result.diagnostics


def test_table_cut_inside_a_row_guesses_nothing(seed_bytes: bytes) -> None:
    """Cut after the draft's cell, the draft keeps its outcome but no counts,
    no written-procedure record and no votes are invented."""
    text = seed_bytes.decode("utf-8")
    cut, _ = _row_cut(text, r"^S/\d{4}/\d+\(未通过\) ?\n")
    result = ingest_bytes(text[:cut].encode("utf-8"), "cut.txt")
    drafts = [r for r in result.records if isinstance(r, Decision) and r.kind == "draft-resolution"]
    assert len(drafts) == 1
    d = drafts[0]
    assert d.adopted is False
    assert (d.votes_for, d.votes_against, d.votes_abstaining) == (None, None, None)
    assert d.written_procedure_record is None
    assert not any(r.type == "vote" for r in result.records)
