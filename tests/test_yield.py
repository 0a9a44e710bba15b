"""The fact yield (``ingest/fact_yield.py``) and the language check
(``ingest/language.py``).

The yield counts what the text announces independently of the records, so
the seed, which is extracted completely, scores 100 % in every kind, and a
variant in which the parser misses something scores less, with a ``W012``
diagnostic at the line of what was missed.  Variants are cut from the seed at
places found by pattern, never by line number.  A text in another language
than the lexicon's is refused before anything is parsed.
"""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from councilkg.cli import main
from councilkg.ingest.announced import KINDS
from councilkg.ingest.errors import Code, SourceError
from councilkg.ingest.fact_yield import FactYield, fact_yield
from councilkg.ingest.language import MIN_LETTERS, count_scripts
from councilkg.ingest.pipeline import IngestResult, ingest_bytes, ingest_file

COUNT_WITH_NOTE = re.compile(r"(?m)^(\d+-\d+-\d+)([a-z])\s*$")


def kinds(fy: FactYield) -> dict[str, tuple[int, int]]:
    """kind → (extracted, announced)."""
    return {k.kind: (k.extracted, k.announced) for k in fy.kinds}


def variant(text: str) -> tuple[IngestResult, FactYield]:
    result = ingest_bytes(text.encode("utf-8"), "variant.txt")
    return result, fact_yield(result)


def line_of(text: str, pattern: str) -> int:
    """1-based number of the first line matching ``pattern``."""
    m = re.search(pattern, text, re.MULTILINE)
    assert m is not None, pattern
    return text.count("\n", 0, m.start()) + 1


def shortfall_lines(fy: FactYield, kind: str) -> set[int]:
    return {d.line for d in fy.diagnostics() if d.message.startswith(f"{kind}:")}


# -- the seed ----------------------------------------------------------------------


def test_the_seed_is_extracted_completely(seed_result: IngestResult, seed_bytes: bytes) -> None:
    fy = fact_yield(seed_result)
    assert [k.kind for k in fy.kinds] == list(KINDS)
    for kind, (extracted, announced) in kinds(fy).items():
        assert announced > 0, kind
        assert extracted == announced, kind
    assert fy.shortfalls == ()
    assert fy.diagnostics() == []
    assert fy.share == 1.0
    assert fy.percent() == "100.0 %"
    # Announcements are read from the text: the one counted vote (2-2-11),
    # every footnote from the first number to the last.
    text = seed_bytes.decode("utf-8")
    count = COUNT_WITH_NOTE.search(text)
    assert count is not None
    assert kinds(fy)["votes"][1] == sum(int(n) for n in count.group(1).split("-"))
    numbers = [int(n) for n in re.findall(r"(?m)^ (\d{3}) \S", text)]
    assert kinds(fy)["footnotes"][1] == max(numbers) - min(numbers) + 1


def test_the_yield_never_claims_more_than_was_extracted(seed_result: IngestResult) -> None:
    """Records stated twice do not count twice; without records nothing counts,
    and what is announced does not depend on the records."""
    full = fact_yield(seed_result)
    doubled = fact_yield(dataclasses.replace(seed_result, records=seed_result.records * 2))
    assert kinds(doubled) == kinds(full)
    empty = fact_yield(dataclasses.replace(seed_result, records=[]))
    assert empty.extracted == 0
    assert {k: a for k, (_, a) in kinds(empty).items()} == {
        k: a for k, (_, a) in kinds(full).items()
    }
    assert sum(s.missing for s in empty.shortfalls) == empty.announced
    assert all(d.code is Code.FACT_SHORTFALL for d in empty.diagnostics())


# -- variants the parser reads less of ------------------------------------------------


def test_a_vote_note_without_its_second_line(seed_bytes: bytes) -> None:
    text = seed_bytes.decode("utf-8")
    lines = text.split("\n")
    note = next(i for i, ln in enumerate(lines) if re.match(r"^\s*[a-z]\s+赞成[：:]", ln))
    second = next(i for i in range(note + 1, len(lines)) if lines[i].strip())
    cut = "\n".join(lines[:second] + lines[second + 1 :])
    _, fy = variant(cut)
    extracted, announced = kinds(fy)["votes"]
    assert 0 < extracted < announced
    assert fy.share is not None and fy.share < 1
    count_line = line_of(cut, COUNT_WITH_NOTE.pattern.removeprefix("(?m)"))
    assert shortfall_lines(fy, "votes") == {count_line}
    (shortfall,) = [s for s in fy.shortfalls if s.kind == "votes"]
    assert shortfall.missing == announced - extracted
    assert shortfall.expected.startswith(f"{announced} member votes on ")
    assert shortfall.read.startswith(f"{extracted} member votes (")
    diagnostic = next(d for d in fy.diagnostics() if d.line == count_line)
    assert diagnostic.code is Code.FACT_SHORTFALL
    assert "expected" in diagnostic.message and "read" in diagnostic.message


def test_a_footnote_without_its_text(seed_bytes: bytes) -> None:
    text = seed_bytes.decode("utf-8")
    lines = text.split("\n")
    # A one-line footnote in the middle of the run (blank lines around it).
    single = [
        i
        for i, ln in enumerate(lines)
        if re.match(r"^ \d{3} \S.*。\s*$", ln)
        and not lines[i - 1].strip()
        and not lines[i + 1].strip()
    ]
    i = single[len(single) // 2]
    number = re.match(r"^ (\d{3})", lines[i])
    assert number is not None
    cut = "\n".join(lines[:i] + lines[i + 1 :])
    _, fy = variant(cut)
    extracted, announced = kinds(fy)["footnotes"]
    assert extracted == announced - 1
    (line,) = shortfall_lines(fy, "footnotes")
    # Named at the footnote's marker in the body.
    assert re.search(rf"(?<!\d){number.group(1)}(?!\d)", cut.split("\n")[line - 1])
    assert any(number.group(1) in d.message for d in fy.diagnostics())


def test_note_letters_that_name_no_note(seed_bytes: bytes) -> None:
    text = seed_bytes.decode("utf-8")
    unknown = COUNT_WITH_NOTE.sub(lambda m: m.group(1) + "q", text)
    assert unknown != text
    _, fy = variant(unknown)
    assert kinds(fy)["votes"][0] == 0
    extracted, announced = kinds(fy)["notes"]
    assert extracted == announced - 1
    count_line = line_of(unknown, r"^\d+-\d+-\d+q\s*$")
    assert shortfall_lines(fy, "notes") == {count_line}
    assert shortfall_lines(fy, "votes") == {count_line}
    assert any("no table note q" in s.read for s in fy.shortfalls)


def test_names_and_positions_the_gazetteer_does_not_know(seed_bytes: bytes) -> None:
    """An entry of a meetings-table list and a State in a footnote list, each
    replaced by a name nobody knows: announced all the same, not extracted."""
    text = seed_bytes.decode("utf-8")
    table = re.search(r"(?m)^会议：", text)
    assert table is not None
    # The first entry of the first list cell of the meetings table.
    entry = re.compile(r"(?m)^(\S+?)(、)").search(text, table.end())
    assert entry is not None
    text = text[: entry.start(1)] + "某某专门特使" + text[entry.end(1) :]
    # The second State of the first footnote that lists States.
    listing = re.search(r"(?m)^ \d{3} [^、\s]{2,8}、([^、\s]{2,8})、", text)
    assert listing is not None
    text = text[: listing.start(1)] + "某某王国" + text[listing.end(1) :]
    _, fy = variant(text)
    assert kinds(fy)["names"][0] == kinds(fy)["names"][1] - 1
    assert kinds(fy)["positions"][0] < kinds(fy)["positions"][1]
    # Named at the line where the entry begins (it may wrap before the change).
    (line,) = shortfall_lines(fy, "names")
    line_start = sum(len(ln) + 1 for ln in text.split("\n")[: line - 1])
    assert line_start <= entry.start(1)
    assert "、" not in text[line_start : entry.start(1)]
    # The footnote names no State any more (a list with an unknown name is
    # not read): every name of it is a shortfall, the unknown one says why.
    assert min(shortfall_lines(fy, "positions")) == text.count("\n", 0, listing.start()) + 1
    assert any("not a State the gazetteer knows" in s.read for s in fy.shortfalls)
    assert any("某某专门特使" in s.read and "kept as text" in s.read for s in fy.shortfalls)


# -- the language check -------------------------------------------------------------

ENGLISH = """\
 In the period under review, the Security Council held one meeting in connection
with the item entitled "Non-proliferation", which took the form of a briefing.1
More information on the meeting, including on participants, speakers and
outcomes, is given in table 1 below. The Council was not able to adopt a draft
resolution under the item in 2020.2 Council members also held three open
videoconferences in connection with the item (see table 2).
__________________
 1 For more information on the format of meetings, see part II, sect. II.
 2 See also A/75/2, part II, chap. 31; and https://undocs.org/en/A/75/2.

Table 1
Meetings: non-proliferation
Meeting record and date Sub-item Other documents Rule 37 invitations Speakers
S/PV.8733
26 February 2020
Supporting the 2020 Review Conference of the Parties to the Treaty
High Representative for Disarmament Affairs All Council members,a all invitees
 a Germany was represented by its Federal Minister for Foreign Affairs.
"""


def test_an_english_text_with_the_chinese_lexicon(tmp_path: Path) -> None:
    path = tmp_path / "english.txt"
    path.write_text(ENGLISH, encoding="utf-8")
    with pytest.raises(SourceError) as info:
        ingest_file(path)
    err = info.value
    assert err.path == str(path)
    assert (err.line, err.column) == (1, 2)  # the first letter
    assert "the text is in English (Latin script: " in err.message
    assert "% of letters), but the lexicon is zh; available lexicons: en, zh" in err.message
    # Through the CLI: exit 2, one line.
    result = CliRunner().invoke(main, ["ingest", str(path), "--no-store", "--lang", "zh"])
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert re.fullmatch(
        rf"error: {re.escape(str(path))}:1:2: the text is in English \(Latin script: "
        r"\d+ % of letters\), but the lexicon is zh; available lexicons: en, zh",
        line,
    )


def test_a_short_foreign_text_is_left_to_the_structure_check(tmp_path: Path) -> None:
    """Below the minimum of letters the script statistics do not decide."""
    text = "The Council met and adopted no decision.\n"
    assert count_scripts(text).total < MIN_LETTERS
    path = tmp_path / "short.txt"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SourceError, match="not Repertoire text"):
        ingest_file(path)


def test_chinese_with_english_symbols_and_words_stays_chinese(seed_bytes: bytes) -> None:
    """UN symbols and addresses do not count, and English words in a Chinese
    text are a minority of its letters."""
    links = "".join(f"https://undocs.org/en/S/PV.{8700 + i}/Add.{i}\n" for i in range(300))
    symbols = "、".join(f"S/2020/{i}/Corr.1" for i in range(300))
    words = "关于 COVID-19 pandemic 的 Security Council 工作方法，见第二部分。\n" * 5
    mixed = seed_bytes.decode("utf-8") + "\n" + links + symbols + "\n" + words
    counts = count_scripts(mixed)
    assert counts.dominant == "Han"
    result = ingest_bytes(mixed.encode("utf-8"), "mixed.txt")
    assert result.records  # ingested, not refused
    with_links = count_scripts(links + symbols)
    assert with_links.total == 0


# -- the command line -------------------------------------------------------------------


def test_cli_line_and_json(tmp_path: Path, seed_path: Path, seed_bytes: bytes) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["ingest", str(seed_path), "--no-store"])
    assert result.exit_code == 0, result.output
    (line,) = [ln for ln in result.stdout.splitlines() if "fact yield" in ln]
    m = re.fullmatch(
        rf"{re.escape(str(seed_path))}: zh, fact yield 100\.0 % \((?P<kinds>[^()]+)\), "
        r"\d+ records, \d+ triples, 0 unparsed, 0 warnings, 0 contradictions",
        line,
    )
    assert m is not None, line
    shown = dict(part.rsplit(" ", 1) for part in m["kinds"].split(", "))
    assert list(shown) == list(KINDS)
    assert all(a == b for a, b in (v.split("/") for v in shown.values()))

    # A variant with shortfalls, as JSON.
    text = seed_bytes.decode("utf-8")
    unknown = COUNT_WITH_NOTE.sub(lambda m: m.group(1) + "q", text)
    path = tmp_path / "unknown-note.txt"
    path.write_text(unknown, encoding="utf-8")
    result = runner.invoke(main, ["ingest", str(path), "--no-store", "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    (f,) = report["files"]
    assert f["path"] == str(path)
    fy = f["fact_yield"]
    assert list(fy["kinds"]) == list(KINDS)
    assert fy["kinds"]["votes"]["extracted"] == 0 < fy["kinds"]["votes"]["announced"]
    assert 0 < fy["share"] < 1
    assert fy["extracted"] == sum(k["extracted"] for k in fy["kinds"].values())
    count_line = line_of(unknown, r"^\d+-\d+-\d+q\s*$")
    votes = [s for s in fy["shortfalls"] if s["kind"] == "votes"]
    assert votes and votes[0]["line"] == count_line
    assert {"expected", "read", "missing"} <= set(votes[0])
    codes = [(d["code"], d["line"]) for d in f["diagnostics"]]
    assert (Code.FACT_SHORTFALL.value, count_line) in codes
    assert f["warnings"] == len([d for d in f["diagnostics"] if d["code"].startswith("W")])
