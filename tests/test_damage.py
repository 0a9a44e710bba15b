"""Damage: an edit that changes what the text says is harmless or reported.

A damaged text may lose facts, but never silently: either the ingest finds
the same facts, or a diagnostic names a line near the edit, so a reader can
find and repair it.  Only edits a reader could notice from the text itself
are made (see :data:`DAMAGES`): deleting a line of running prose, or of a
footnote's or a cell's continuation, leaves text that reads as complete, and
nothing can say where it was.

Example counts follow ``COUNCILKG_FUZZ_EXAMPLES`` as in ``test_reflow.py``.
"""

from __future__ import annotations

import itertools
import math
import random
import re
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from councilkg.ingest.errors import Diagnostic
from councilkg.ingest.pipeline import IngestResult, ingest_bytes
from councilkg.ingest.records import Footnote
from tests import perturb
from tests.factsummary import Facts, diff_facts, facts
from tests.fuzzing import BUDGET, PROFILE, TEXTS
from tests.perturb import Kind, Line

NEAR = 6  # lines between an edit and the diagnostic that reports it


def ingest(text: str, name: str) -> IngestResult:
    return ingest_bytes(text.encode("utf-8"), name)


@cache
def original(path: Path) -> tuple[str, Facts]:
    text = path.read_text(encoding="utf-8")
    return text, facts(ingest(text, path.name))


def footnote_texts(result: IngestResult) -> dict[int, list[str]]:
    """Each footnote number's texts (whitespace removed), in order."""
    out: dict[int, list[str]] = {}
    for r in result.records:
        if isinstance(r, Footnote):
            out.setdefault(r.number, []).append("".join(r.text.split()))
    return out


def near(result: IngestResult, d: Diagnostic, line: int) -> bool:
    """Whether diagnostic ``d`` names a place within :data:`NEAR` lines of
    ``line``: its first line, or any line of its span (a contradiction
    between a count and its note spans both)."""
    last = result.source.line_at(max(d.end - 1, d.start))
    return d.line - NEAR <= line <= last + NEAR


def diagnostics_text(result: IngestResult) -> str:
    return "\n".join(f"  line {d.line}: {d.code.value} {d.message}" for d in result.diagnostics)


# -- the property ------------------------------------------------------------


_COUNT_CELL = re.compile(r"^\s*\d{1,2}-\d{1,2}-\d{1,2}[a-z]?\s*$")


def checkable(line: Line) -> bool:
    """A line whose loss a reader can see: one that starts a footnote or a
    note, a row's first line or a vote count (a row has a record or a date,
    a vote has counts), or any line of structure (separator, heading, table
    number or title, header, links, furniture, boundaries).  Other cells
    (a sub-item, another document) may be absent from a real row."""
    if line.kind in (Kind.BODY, Kind.BLANK):
        # A whitespace-only line is left out too: where a page break has no
        # furniture or link list (an excerpt's cut pages), it alone tells an
        # open footnote from the next page's body; deleting it loses that.
        return False
    if line.kind in (Kind.FOOTNOTE, Kind.NOTE):
        return line.starts
    if line.kind is Kind.CELL:
        return line.row_start or bool(_COUNT_CELL.match(perturb.fold(line.text)))
    return True


_SENTENCE_END = re.compile(r"[。！？][”’」）)]?\s*\d{0,4}$")


def mid_sentence(line: str, offset: int) -> bool:
    """A cut whose first part does not end a sentence (optionally followed by
    a footnote marker): a block cannot end there, so a false end is visible."""
    return not _SENTENCE_END.search(perturb.fold(line[:offset].rstrip()))


DAMAGES: dict[str, perturb.Edit] = {
    "delete-line": lambda t, r: perturb.delete_line(t, r, where=checkable),
    "footnote-number": perturb.change_footnote_number,
    "count-or-note-marker": perturb.change_marker,
    "cut-line": lambda t, r: perturb.cut_line(t, r, at=mid_sentence),
}


# One property test a kind of damage, so each reports its own minimal case.
fuzz = settings(
    PROFILE,
    max_examples=max(1, math.ceil(BUDGET / len(DAMAGES))),
)


@pytest.mark.parametrize("damage", sorted(DAMAGES))
@fuzz
@given(path=st.sampled_from(TEXTS), rnd=st.randoms(use_true_random=False))
def test_damage_is_harmless_or_reported(path: Path, damage: str, rnd: random.Random) -> None:
    text, before = original(path)
    damaged, line = DAMAGES[damage](text, rnd)
    if not line:
        return  # nothing of that kind in this text
    result = ingest(damaged, path.name)
    after = facts(result)
    if after == before or any(near(result, d, line) for d in result.diagnostics):
        return
    raise AssertionError(
        f"{path.name}: {damage} at line {line} changed facts without a diagnostic "
        f"within {NEAR} lines\n-- edit (· space):\n{perturb.show_diff(text, damaged)}\n"
        f"-- facts (- original, + damaged):\n{diff_facts(before, after)}\n"
        f"-- diagnostics:\n{diagnostics_text(result) or '  (none)'}"
    )


# -- named cases ---------------------------------------------------------------


def _lines(text: str) -> list[Line]:
    return perturb.classify(text)


def _footnote_starts(lines: list[Line]) -> list[Line]:
    return [ln for ln in lines if ln.kind is Kind.FOOTNOTE and ln.starts]


def _number(line: Line) -> re.Match[str]:
    m = re.search(r"\d+", line.text)
    assert m is not None
    return m


def _others_kept(
    before: IngestResult, after: IngestResult, changed: int, message: str
) -> list[str]:
    """Problems with the footnotes other than ``changed``: each must keep
    its number, its text and what that text cites and names (nothing merged
    into an earlier one).  Its event date is not compared: it comes from
    where the marker sits in the body, which the edit may leave unreadable."""
    problems = []
    old_texts, new_texts = footnote_texts(before), footnote_texts(after)
    old_facts, new_facts = facts(before)["footnotes"], facts(after)["footnotes"]
    for n, texts in old_texts.items():
        if n == changed:
            continue
        if new_texts.get(n) != texts:
            problems.append(f"footnote {n} text {texts} -> {new_texts.get(n)}")
            continue
        old_own, new_own = old_facts[n][:2], new_facts.get(n, ((), ()))[:2]
        if new_own != old_own:
            problems.append(f"footnote {n} cites and States {old_own} -> {new_own}")
    return [f"{message}: {p}" for p in problems]


def _renumbered(old: int, how: str, taken: set[int]) -> int:
    """``old`` moved by 30, or with its first digit changed, to a free number."""
    if how == "plus-30":
        new = old + 30
    else:
        digits = str(old)
        new = int(("1" if digits[0] != "1" else "2") + digits[1:])
    while new in taken:
        new += 1
    return new


@pytest.mark.parametrize("how", ["plus-30", "first-digit"])
@pytest.mark.parametrize("path", TEXTS, ids=[p.stem for p in TEXTS])
def test_footnote_number_changed(path: Path, how: str) -> None:
    """The 6th footnote's number moved by 30, or its first digit changed
    (a misread digit): the others keep their text and number, and the
    changed line is reported."""
    text = path.read_text(encoding="utf-8")
    lines = _lines(text)
    starts = _footnote_starts(lines)
    if len(starts) < 7:
        pytest.skip("fewer than seven footnotes")
    target = starts[5]
    m = _number(target)
    old = int(m[0])
    new = _renumbered(old, how, {int(_number(ln)[0]) for ln in starts})
    raw = [ln.text for ln in lines]
    raw[target.number - 1] = target.text[: m.start()] + str(new) + target.text[m.end() :]
    damaged = "\n".join(raw)
    before, after = ingest(text, path.name), ingest(damaged, path.name)
    problems = _others_kept(before, after, old, f"{old} -> {new}")
    if not any(d.line == target.number for d in after.diagnostics):
        problems.append(f"no diagnostic at line {target.number}")
    assert not problems, (
        "\n".join(problems)
        + f"\n-- edit:\n{perturb.show_diff(text, damaged)}\n-- diagnostics:\n"
        + diagnostics_text(after)
    )


@pytest.mark.parametrize("path", TEXTS, ids=[p.stem for p in TEXTS])
def test_one_line_footnote_deleted(path: Path) -> None:
    """A one-line footnote (with another after it in its block) deleted: the
    others keep their text and number, and its place is reported."""
    text = path.read_text(encoding="utf-8")
    lines = _lines(text)
    starts = _footnote_starts(lines)
    candidates = [
        ln
        for ln, nxt in itertools.pairwise(starts)
        if ln.closed and ln != starts[0] and nxt.number - ln.number == 2
    ]
    if not candidates:
        pytest.skip("no one-line footnote followed by another")
    target = candidates[len(candidates) // 2]
    number = int(_number(target)[0])
    raw = [ln.text for ln in lines]
    k = target.number - 1
    damaged = "\n".join(raw[:k] + raw[k + 2 :])  # the line and the empty line after it
    before, after = ingest(text, path.name), ingest(damaged, path.name)
    problems = _others_kept(before, after, number, f"{number} deleted")
    if number in footnote_texts(after):
        problems.append(f"footnote {number} still found: {footnote_texts(after)[number]}")
    # The place of a deleted line is between its neighbours: the previous
    # footnote's line or the next footnote, which now has its line number.
    place = range(target.number - 2, target.number + 1)
    if not any(d.line in place for d in after.diagnostics):
        problems.append(f"no diagnostic at lines {place.start}-{place.stop - 1}")
    assert not problems, (
        "\n".join(problems)
        + f"\n-- edit:\n{perturb.show_diff(text, damaged)}\n-- diagnostics:\n"
        + diagnostics_text(after)
    )


_VOTE_NOTE = re.compile(r"^(\s*([a-z])\s*(?:赞成|反对|弃权)\s*[：:]\s*)([^、；;，,。]+)")


@pytest.mark.parametrize("path", TEXTS, ids=[p.stem for p in TEXTS])
def test_state_named_twice_in_vote_note(path: Path) -> None:
    """The first State of a vote note written twice, its count raised by one
    so that count and list agree: a contradiction (``E…``) all the same."""
    text = path.read_text(encoding="utf-8")
    lines = _lines(text)
    notes = [
        (ln, m)
        for ln in lines
        if ln.kind is Kind.NOTE and ln.starts and (m := _VOTE_NOTE.match(ln.text))
    ]
    if not notes:
        pytest.skip("no vote note")
    note, m = notes[0]
    letter, name = m[2], m[3]
    position = re.sub(r"[\s：:]", "", m[1])[1:]
    count = re.compile(rf"(?<![\d/])(\d{{1,2}})-(\d{{1,2}})-(\d{{1,2}}){letter}(?=\s*$)")
    cells = [(ln, c) for ln in lines if ln.kind is Kind.CELL and (c := count.search(ln.text))]
    assert len(cells) == 1, f"count cell of note {letter}"
    cell, c = cells[0]
    which = {"赞成": 1, "反对": 2, "弃权": 3}[position]
    raw = [ln.text for ln in lines]
    raw[note.number - 1] = note.text[: m.end()] + "、" + name + note.text[m.end() :]
    raw[cell.number - 1] = (
        cell.text[: c.start(which)] + str(int(c[which]) + 1) + cell.text[c.end(which) :]
    )
    damaged = "\n".join(raw)
    result = ingest(damaged, path.name)
    assert any(d.code.value.startswith("E") for d in result.diagnostics), (
        f"no E… diagnostic\n-- edit:\n{perturb.show_diff(text, damaged)}\n-- diagnostics:\n"
        + (diagnostics_text(result) or "  (none)")
    )


@pytest.mark.parametrize("char", ["\ufeff", "\u200b"], ids=["FEFF", "200B"])
@pytest.mark.parametrize("path", TEXTS, ids=[p.stem for p in TEXTS])
def test_zero_width_in_record_symbol(path: Path, char: str) -> None:
    """A zero-width character after the first digit of the first meeting
    record symbol (``S/PV.8`` + char + ``733``) changes no fact: no document
    is named by the symbol's first part."""
    text, before = original(path)
    lines = _lines(text)
    found = [
        (ln, m)
        for ln in lines
        if ln.kind is not Kind.LINK and (m := re.search(r"S/PV\.\d(\d+)", ln.text))
    ]
    if not found:
        pytest.skip("no meeting record symbol")
    ln, m = found[0]
    raw = [x.text for x in lines]
    raw[ln.number - 1] = ln.text[: m.start(1)] + char + ln.text[m.start(1) :]
    damaged = "\n".join(raw)
    after = facts(ingest(damaged, path.name))
    prefix = ln.text[m.start() : m.start(1)]
    assert prefix not in after["documents"], f"document {prefix} found"
    assert after == before, (
        f"-- edit:\n{perturb.show_diff(text, damaged)}\n-- facts:\n{diff_facts(before, after)}"
    )


@pytest.mark.parametrize("path", TEXTS, ids=[p.stem for p in TEXTS])
def test_blank_lines_at_row_boundaries(path: Path) -> None:
    """Whitespace-only lines (spaces, a tab) added at every table-row
    boundary: a boundary marked twice is still one boundary."""
    text, before = original(path)
    lines = _lines(text)
    places = set(perturb.row_boundaries(lines))
    if not places:
        pytest.skip("no table")
    kinds = [" ", "\t", "   ", " \t "]
    out: list[str] = []
    for k, ln in enumerate(lines):
        if k in places:
            out.append(kinds[len(out) % len(kinds)])
        out.append(ln.text)
    damaged = "\n".join(out)
    after = facts(ingest(damaged, path.name))
    assert after == before, (
        f"-- edit:\n{perturb.show_diff(text, damaged, limit=40)}\n-- facts:\n"
        + diff_facts(before, after)
    )
