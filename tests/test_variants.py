"""Variant tests: the seed rewritten in ways a PDF extraction may differ, which
must not change what the ingest finds.

Each variant is built programmatically from the seed's bytes by finding the
places to edit by pattern (the footnote separator ``^_{5,}``, footnote lines
``^\\s*\\d+ ``, page-end ``https://undocs.org/`` lists, the ``a 赞成：`` vote
note), never by the seed's line numbers.  :func:`facts` reduces an ingest to a
language-neutral summary; every variant is compared with the seed's summary,
and the seed's summary with the gold file, so no number is typed twice.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from councilkg.ingest.errors import Code
from councilkg.ingest.ntriples import ntriples_lines
from councilkg.ingest.pipeline import IngestResult, ingest_bytes
from councilkg.ingest.rdf import to_triples
from councilkg.ingest.records import Finding, Footnote, Vote
from tests.factsummary import Facts, _nows, _squash, facts

ROOT = Path(__file__).resolve().parents[1]
NAME = "000_e9c79a4311407cd1.txt"


def shift_footnotes(f: Facts, by: int) -> Facts:
    """``f`` with every footnote number moved by ``by``."""
    out = dict(f)
    out["footnotes"] = {n + by: v for n, v in f["footnotes"].items()}
    out["letters"] = {
        (s, d, snd, obo, None if n is None else n + by) for s, d, snd, obo, n in f["letters"]
    }
    return out


def _date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _as_tuple(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(value)


def assert_matches_gold(f: Facts, gold: dict[str, Any]) -> None:
    """The parts of the summary the gold file states, compared with it."""
    items = gold["items"]
    meetings = {
        (m["record"], _date(m["date"]), it["key"], _nows(m["sub_item_zh"]))
        for it in items
        for m in it.get("meetings", [])
    }
    assert f["meetings"] == meetings
    vcs = {
        (_date(v["date"]), it["key"], v["record"])
        for it in items
        for v in it.get("videoconferences", [])
    }
    assert f["videoconferences"] == vcs
    decisions = set()
    for it in items:
        for event in it.get("meetings", []) + it.get("videoconferences", []):
            for d in event["decisions"]:
                vote = d.get("vote")
                counts = (vote["for"], vote["against"], vote["abstaining"]) if vote else (None,) * 3
                decisions.add((d["symbol"], d["kind"], d.get("adopted", True), counts))
    assert {d[:4] for d in f["decisions"]} == decisions
    wp = {
        d["symbol"]: d.get("written_procedure_record")
        for it in items
        for event in it.get("videoconferences", [])
        for d in event["decisions"]
    }
    assert {d[0]: d[4] for d in f["decisions"]} == wp

    votes = {
        (v["draft"], member, position)
        for v in gold["votes"]
        for key, position in (("for", "for"), ("against", "against"), ("abstaining", "abstaining"))
        for member in v[key]
    }
    assert f["votes"] == votes
    assert f["sponsors"] == {(v["draft"], s) for v in gold["votes"] for s in v["sponsors"]}

    assert set(f["footnotes"]) == set(gold["footnotes"])
    for number, g in gold["footnotes"].items():
        cites, states, event_date = f["footnotes"][number]
        assert cites == tuple(g["cites"]), number
        assert states == tuple(g.get("states", ())), number
        if "event" in g:
            assert event_date == _date(g["event"]), number

    letters = {
        (lt["symbol"], _date(lt["date"]), _as_tuple(lt["from"]), _as_tuple(lt.get("on_behalf_of")))
        for lt in gold["letters"]
    }
    assert {lt[:4] for lt in f["letters"]} == letters

    assert set(f["documents"]) == set(gold["documents"])
    for symbol, kind in gold["document_kinds"].items():
        assert f["documents"][symbol] == kind, symbol

    # Speakers (States only: the gold names roles by English title).
    event_dates = {m[0]: m[1] for m in f["meetings"]}
    event_dates.update(
        {f"vc/{d.isoformat()}/{item}": d for d, item, _record in f["videoconferences"]}
    )
    spoken = {(event_dates[event], ref) for event, kind, ref in f["speakers"] if kind == "state"}
    expected = {
        (_date(day), state)
        for day, who in gold["speakers_by_event"].items()
        for state in who["states"]
    }
    assert spoken == expected

    joined = "".join(p for p in f["passages"] if p)
    for sentence in gold["reassembled_sentences"]:
        assert _squash(sentence) in joined, sentence


# -- building variants --------------------------------------------------------

SEPARATOR = re.compile(r"^\s*_{5,}\s*$")
LINK = re.compile(r"^\s*https://undocs\.org/")
FULL_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
# Symbols and dates, the spans the full-width variant rewrites.
SYMBOL_OR_DATE = re.compile(
    r"[AS]/(?:[A-Z]+/|PV\.)?\d+(?:/\d+)?(?:\(\d{4}\))?"  # S/2020/824, S/PV.8733, A/75/2
    r"|\d{4}\(\d{4}\)"  # 2231(2015) in 第 2231(2015)号决议
    r"|(?:\d{4}\s*年\s*)?\d{1,2}\s*月\s*\d{1,2}\s*日"  # 2020 年 8 月 20 日, 6 月 30 日
    r"|\b\d{1,2}-\d{1,2}-\d{1,2}(?=[a-z]?\s*$)"  # vote counts cell: 2-2-11a
)
FULL_WIDTH = str.maketrans("0123456789/()-", "０１２３４５６７８９／（）－")


def _text(seed: bytes) -> str:
    return seed.decode("utf-8")


def _lines(seed: bytes) -> list[str]:
    """The seed's lines without their endings (the seed uses ``\\n``)."""
    text = _text(seed)
    assert "\r" not in text
    return text.split("\n")


def _join(lines: list[str]) -> bytes:
    return "\n".join(lines).encode("utf-8")


def crlf(seed: bytes) -> bytes:
    """Every ``\\n`` written as ``\\r\\n``."""
    assert b"\r" not in seed
    return seed.replace(b"\n", b"\r\n")


def no_blank_lines(seed: bytes) -> bytes:
    """The empty lines dropped.

    Only lines of length 0 go: whitespace-only lines are kept, because the
    extraction writes them at page and table-row boundaries (the layout reads
    them as such), so they carry structure rather than spacing.
    """
    lines = _lines(seed)
    kept = [ln for ln in lines if ln != ""]
    assert len(kept) < len(lines) - 100
    assert any(ln and not ln.strip() for ln in kept)
    return _join(kept)


FOOTNOTE_SHIFT = 100


def renumber_footnotes(seed: bytes, numbers: set[int]) -> bytes:
    """Footnote ``N`` → ``N + 100``, in footnote blocks and body markers alike.

    ``numbers`` are the seed's footnote numbers (from its ingest), and only
    free-standing tokens are rewritten: never a number inside a symbol
    (``S/2020/824``) or followed by a date, counter or paragraph word.
    """
    token = re.compile(r"(?<![\d/.\-])(\d{3})(?![\d(/年月日号段])")

    def repl(m: re.Match[str]) -> str:
        n = int(m[1])
        return str(n + FOOTNOTE_SHIFT) if n in numbers else m[0]

    text = token.sub(repl, _text(seed))
    assert text != _text(seed), "nothing renumbered"
    # Every footnote number appears twice: its footnote and its marker.
    assert sum(1 for m in token.finditer(_text(seed)) if int(m[1]) in numbers) == 2 * len(numbers)
    assert "S/2020/824" in text  # symbols untouched
    return text.encode("utf-8")


def _link_list_chunks(lines: list[str]) -> list[tuple[int, int]]:
    """``(first, last)`` line indexes of each footnote block that ends a page
    with a link list: from its separator to the list's last link."""
    chunks = []
    i = 0
    while i < len(lines):
        if LINK.match(lines[i]) and (i == 0 or not LINK.match(lines[i - 1])):
            end = i
            while end + 1 < len(lines) and LINK.match(lines[end + 1]):
                end += 1
            sep = max(j for j in range(i) if SEPARATOR.match(lines[j]))
            chunks.append((sep, end))
            i = end + 1
        else:
            i += 1
    return chunks


def move_page_break(seed: bytes, chunk_index: int, by: int) -> bytes:
    """Move one page end (footnote block + link list) ``by`` body lines.

    In the seed, a page end sits between two body lines of one paragraph with
    no empty line on either side, and consecutive body lines are separated by
    one empty line.  The chunk is cut out (its place becomes one empty line)
    and put in place of the empty line after another body line, so the
    variant keeps the extraction's shape with the break elsewhere.
    """
    lines = _lines(seed)
    first, last = _link_list_chunks(lines)[chunk_index]
    chunk = lines[first : last + 1]
    before, after = lines[:first], lines[last + 1 :]
    assert before[-1].strip() and after[0].strip(), "page end not inside a paragraph"
    rest = [*before, "", *after]
    gap = len(before)  # index of the empty line that replaced the chunk
    # Body lines (not empty, not separators or footnotes) around the gap.
    if by > 0:
        candidates = [j for j in range(gap + 1, len(rest)) if rest[j].strip()]
        target = candidates[by - 1]
    else:
        # candidates[0] is the line the chunk followed: skip it
        candidates = [j for j in range(gap - 1, -1, -1) if rest[j].strip()]
        target = candidates[-by]
    assert not SEPARATOR.match(rest[target]) and not LINK.match(rest[target])
    assert rest[target + 1] == "", "target body line not followed by an empty line"
    return _join([*rest[: target + 1], *chunk, *rest[target + 2 :]])


def spaced_dates(seed: bytes) -> bytes:
    """``2020 年 2 月 26 日`` → ``2020  年  2 月 26  日`` (and the other forms)."""
    text, n = FULL_DATE.subn(r"\1  年  \2 月 \3  日", _text(seed))
    assert n > 20
    return text.encode("utf-8")


def full_width(seed: bytes, parity: int = 1) -> bytes:
    """Digits and ``/()-`` of symbols, dates and vote counts in full-width
    forms, on every other line that has any (``parity`` picks which half; link
    lines are left alone: they are URLs), so the file mixes both forms."""
    lines = _lines(seed)
    touched = 0
    out = []
    for ln in lines:
        if not LINK.match(ln) and SYMBOL_OR_DATE.search(ln):
            touched += 1
            if touched % 2 == parity:
                ln = SYMBOL_OR_DATE.sub(lambda m: m[0].translate(FULL_WIDTH), ln)
        out.append(ln)
    assert touched > 20
    return _join(out)


def spaced_dates_and_full_width(seed: bytes) -> bytes:
    """Both of the above: dates spaced out, then half of them full-width."""
    return full_width(spaced_dates(seed))


def without_vote_note(seed: bytes) -> bytes:
    """The vote note (`` a 赞成：…`` up to the line ending with ``。``) removed."""
    lines = _lines(seed)
    starts = [i for i, ln in enumerate(lines) if ln.startswith(" a 赞成：")]
    assert len(starts) == 1
    start = starts[0]
    end = next(i for i in range(start, len(lines)) if lines[i].rstrip().endswith("。"))
    return _join(lines[:start] + lines[end + 1 :])


# -- tests --------------------------------------------------------------------


def ingest(data: bytes) -> IngestResult:
    return ingest_bytes(data, NAME)


@pytest.fixture(scope="module")
def seed_facts(seed_result: IngestResult) -> Facts:
    return facts(seed_result)


def test_seed_facts_match_gold(seed_facts: Facts, gold: dict[str, Any]) -> None:
    assert all(seed_facts.values()), [k for k, v in seed_facts.items() if not v]
    assert_matches_gold(seed_facts, gold)


def codes(result: IngestResult) -> list[str]:
    """The diagnostic codes of ``result``, in order."""
    return [d.code.value for d in result.diagnostics]


def test_facts_detect_a_change(seed_bytes: bytes, seed_facts: Facts) -> None:
    """The summary is sensitive: dropping a footnote's line changes it."""
    lines = _lines(seed_bytes)
    i = next(i for i, ln in enumerate(lines) if re.match(r"^\s*\d+ 见 S/PV\.8733", ln))
    lines[i] = lines[i].replace("S/PV.8733", "S/PV.8734")
    assert facts(ingest(_join(lines))) != seed_facts


def test_ingest_bytes_equals_ingest_file(seed_bytes: bytes, seed_facts: Facts) -> None:
    assert facts(ingest(seed_bytes)) == seed_facts


SAME_FACTS: dict[str, Callable[[bytes], bytes]] = {
    "crlf": crlf,
    "no-blank-lines": no_blank_lines,
    "spaced-dates": spaced_dates,
    "full-width-odd": lambda b: full_width(b, 1),
    "full-width-even": lambda b: full_width(b, 0),
    "spaced-dates-full-width": spaced_dates_and_full_width,
}


@pytest.mark.parametrize("variant", list(SAME_FACTS), ids=list(SAME_FACTS))
def test_variant_same_facts(
    variant: str,
    seed_bytes: bytes,
    seed_result: IngestResult,
    seed_facts: Facts,
    gold: dict[str, Any],
) -> None:
    data = SAME_FACTS[variant](seed_bytes)
    assert data != seed_bytes
    result = ingest(data)
    f = facts(result)
    assert f == seed_facts
    assert_matches_gold(f, gold)
    assert not result.coverage.unparsed
    assert codes(result) == codes(seed_result)


def test_crlf_keeps_provenance(seed_bytes: bytes, seed_result: IngestResult) -> None:
    """Provenance points at the same lines and characters of the CRLF file:
    the same line numbers and text, and spans that cover the same source text
    once the ``\\r`` are taken out."""
    result = ingest(crlf(seed_bytes))
    text, seed_text = result.source.text, seed_result.source.text
    assert "\r\n" in text
    assert len(result.records) == len(seed_result.records)
    for new, old in zip(result.records, seed_result.records, strict=True):
        assert type(new) is type(old)
        assert (new.prov.line, new.prov.page, new.prov.text) == (
            old.prov.line,
            old.prov.page,
            old.prov.text,
        )
        span = text[new.prov.start : new.prov.end].replace("\r", "")
        assert span == seed_text[old.prov.start : old.prov.end], new


def test_footnotes_renumbered(
    seed_bytes: bytes, seed_result: IngestResult, seed_facts: Facts
) -> None:
    numbers = {r.number for r in seed_result.records if isinstance(r, Footnote)}
    result = ingest(renumber_footnotes(seed_bytes, numbers))
    f = facts(result)
    assert set(f["footnotes"]) == {n + FOOTNOTE_SHIFT for n in numbers}
    assert f == shift_footnotes(seed_facts, FOOTNOTE_SHIFT)
    # Each footnote stays attached to the same body passage.
    seed_fn = {r.number: r for r in seed_result.records if isinstance(r, Footnote)}
    for r in result.records:
        if isinstance(r, Footnote):
            old = seed_fn[r.number - FOOTNOTE_SHIFT]
            assert (r.passage, r.event, r.item_key, r.continued, r.ibid) == (
                old.passage,
                old.event,
                old.item_key,
                old.continued,
                old.ibid,
            )
    assert codes(result) == codes(seed_result)


def _chunks(seed: bytes) -> list[tuple[int, int]]:
    return _link_list_chunks(_lines(seed))


@pytest.mark.parametrize("by", [-2, -1, 1, 2])
@pytest.mark.parametrize("chunk", [0, 1])
def test_page_break_moved(
    chunk: int,
    by: int,
    seed_bytes: bytes,
    seed_result: IngestResult,
    seed_facts: Facts,
    gold: dict[str, Any],
) -> None:
    assert len(_chunks(seed_bytes)) >= 2
    data = move_page_break(seed_bytes, chunk, by)
    assert data != seed_bytes
    result = ingest(data)
    f = facts(result)
    assert f == seed_facts
    assert_matches_gold(f, gold)
    assert not result.coverage.unparsed
    assert codes(result) == codes(seed_result)


def test_vote_note_removed(seed_bytes: bytes, seed_facts: Facts) -> None:
    result = ingest(without_vote_note(seed_bytes))
    f = facts(result)
    # The decision keeps its counts and outcome from the table cell …
    draft = next(d for d in seed_facts["decisions"] if d[0] == "S/2020/797")
    assert draft in f["decisions"]
    assert draft[2] is False and None not in draft[3]
    # … but no member's vote is guessed …
    assert f["votes"] == set()
    assert not any(isinstance(r, Vote) for r in result.records)
    # … the missing note is reported …
    missing = [d for d in result.diagnostics if d.code is Code.NOTE_MISSING]
    assert len(missing) == 1
    assert "S/2020/797" in missing[0].message
    assert "S/2020/797" in result.source.text[missing[0].start : missing[0].end]
    assert missing[0] not in result.contradictions  # a gap (W…), not a contradiction
    assert [(r.code, r.prov.line) for r in result.records if isinstance(r, Finding)] == [
        (Code.NOTE_MISSING.value, missing[0].line)
    ]
    # … and nothing else changes.
    assert f == {**seed_facts, "votes": set()}


def _ntriples(result: IngestResult) -> bytes:
    return "".join(ntriples_lines(to_triples(result.records))).encode("utf-8")


def test_deterministic_in_process(seed_bytes: bytes) -> None:
    first, second = _ntriples(ingest(seed_bytes)), _ntriples(ingest(seed_bytes))
    assert first
    assert first == second


_DUMP = """
import hashlib, sys
from councilkg.ingest.ntriples import ntriples_lines
from councilkg.ingest.pipeline import ingest_file
from councilkg.ingest.rdf import to_triples
lines = ntriples_lines(to_triples(ingest_file(sys.argv[1]).records))
print(hashlib.sha256("".join(lines).encode()).hexdigest(), len(lines))
"""


def test_deterministic_across_hash_seeds(seed_path: Path, seed_bytes: bytes) -> None:
    """Same N-Triples whatever the interpreter's string-hash seed (set order)."""
    digests = set()
    for hash_seed in ("0", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        out = subprocess.run(
            [sys.executable, "-c", _DUMP, str(seed_path)],
            capture_output=True,
            text=True,
            check=True,
            env=env,
            cwd=ROOT,
        )
        digests.add(out.stdout.strip())
    import hashlib

    here = _ntriples(ingest_bytes(seed_bytes, str(seed_path)))
    assert len(digests) == 1
    assert digests.pop().split()[0] == hashlib.sha256(here).hexdigest()
