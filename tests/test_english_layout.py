"""The English edition's layout: furniture, footnotes, wraps, headings and
tables of the English sample, and invariance of its facts under re-wrapping.

Why: the English lexicon drives the same engine as the Chinese one, but
English text wraps between words (rejoined with a space), keeps a word's own
hyphen at a line end (``Non-`` / ``Proliferation``) and glues markers to the
word before them (``States.824``).  The tests check the facts, not one
layout: the same text wrapped at other places (between words, inside a
hyphenated word, inside a symbol) must give the same facts.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from functools import cache
from pathlib import Path

import pytest

from councilkg.ingest.layout import BlockKind, Document, recover_layout
from councilkg.ingest.lexicon import load_lexicon
from councilkg.ingest.pipeline import IngestResult, ingest_bytes
from councilkg.ingest.records import Footnote, Meeting, Videoconference, Vote
from councilkg.ingest.source import source_from_bytes
from councilkg.ingest.text import join_pieces
from tests.factsummary import Facts, diff_facts, facts

EN_TEXT = Path(__file__).parent / "data" / "en" / "non-proliferation-2020.en.txt"
EN = load_lexicon("en")


def ingest(text: str) -> IngestResult:
    return ingest_bytes(text.encode("utf-8"), "en.txt", language="en")


def layout(text: str) -> Document:
    return recover_layout(source_from_bytes(text.encode("utf-8"), "en.txt"), EN)


@cache
def original() -> tuple[str, Facts, IngestResult]:
    text = EN_TEXT.read_text(encoding="utf-8")
    result = ingest(text)
    return text, facts(result), result


def contradictions(result: IngestResult) -> Counter[str]:
    return Counter(d.code.value for d in result.diagnostics if d.code.value.startswith("E"))


# -- the sample ----------------------------------------------------------------


def test_furniture_is_removed_and_pages_are_numbered() -> None:
    doc = layout(original()[0])
    kinds = Counter(f.kind for f in doc.furniture)
    assert kinds == {"running-header": 4, "footer": 4}
    assert sorted(doc.stated_pages().values()) == [124, 125, 126, 127]
    for block in doc.blocks:
        assert "21-07452" not in block.text
        assert "Repertoire of the Practice" not in block.text
        assert not block.text.startswith("Part I.")


def test_every_footnote_with_its_marker() -> None:
    _, _, result = original()
    numbers = sorted(r.number for r in result.records if isinstance(r, Footnote))
    assert numbers == list(range(824, 856))
    assert not [d for d in result.diagnostics if d.code.value in ("W002", "W003", "W014")]


def test_paragraph_runs_across_page_break() -> None:
    doc = layout(original()[0])
    paragraph = next(b for b in doc.of_kind(BlockKind.PARAGRAPH) if "On 26 February" in b.text)
    assert "its function as the practical forum for negotiating nuclear disarmament. She added" in (
        paragraph.text
    )
    assert len(paragraph.pages) == 2


def test_hyphen_at_line_end_belongs_to_the_word() -> None:
    assert join_pieces([("President-", 0), ("designate", 20)], "-").text == "President-designate"
    assert join_pieces([("2020 -", 0), ("that", 20)], "-").text == "2020 - that"
    assert join_pieces([("Non-", 0), ("Proliferation", 20)]).text == "Non- Proliferation"
    doc = layout(original()[0])
    row = next(b for b in doc.of_kind(BlockKind.TABLE_ROW) if "S/PV.8733" in b.text)
    assert "Treaty on the Non-Proliferation of Nuclear Weapons" in row.text
    assert "President-designate of the 2020" in row.text


def test_headings_scope_the_tables() -> None:
    _, _, result = original()
    meetings = [r for r in result.records if isinstance(r, Meeting)]
    vcs = [r for r in result.records if isinstance(r, Videoconference)]
    assert [(m.record, m.item_key) for m in meetings] == [("S/PV.8733", "non-proliferation")]
    assert [v.item_key for v in vcs] == ["rule-of-law"] * 2 + ["non-proliferation"] * 3
    assert [v.record_kind for v in vcs if v.record] == ["letter"] * 4
    no_record = next(v for v in vcs if v.record is None)
    assert no_record.record_note_cites == ("A/75/2",)


def test_vote_note_gives_every_members_vote() -> None:
    _, _, result = original()
    votes = [r for r in result.records if isinstance(r, Vote)]
    by_position: dict[str, set[str]] = {}
    for vote in votes:
        by_position.setdefault(vote.position, set()).add(vote.member)
    assert by_position["for"] == {"DOM", "USA"}
    assert by_position["against"] == {"CHN", "RUS"}
    assert len(by_position["abstaining"]) == 11


# -- invariance under re-wrapping ------------------------------------------------

_SYMBOL = re.compile(r"\b[AS]/(?:[A-Z0-9.]+/)*[A-Z0-9.]+\d")


def _break_points(line: str) -> list[tuple[int, bool]]:
    """Where an English line may be wrapped: (offset, the break eats a space).

    Between two words (the space becomes the line break), after a hyphen
    inside a word, and after a slash inside a symbol."""
    out = [(m.start(), True) for m in re.finditer(r"(?<=\S) (?=\S)", line)]
    out += [(m.end(), False) for m in re.finditer(r"(?<=[A-Za-z])-(?=[A-Za-z])", line)]
    for m in _SYMBOL.finditer(line):
        out += [(m.start() + k + 1, False) for k, ch in enumerate(m.group()[:-1]) if ch == "/"]
    return out


def _is_content(line: str) -> bool:
    """Body, footnote and table lines: not furniture, links or separators."""
    stripped = line.strip()
    return bool(stripped) and not (
        stripped.startswith(("https://", "_____", "Repertoire of the", "Part I."))
        or re.fullmatch(r"\d{2}-\d{5} \d+", stripped)
        or re.match(r"(?:Table \d|Meetings:|Videoconferences:|\d+\. |[A-Z]\. )", stripped)
        or re.fullmatch(r"[a-z]", stripped)
    )


def rewrap(text: str, rnd: random.Random, lines_to_cut: int = 8) -> str:
    """``text`` with some content lines cut in two at an English break; the
    first piece ends without a space (a wrap, not a block end)."""
    lines = text.split("\n")
    candidates = [i for i, ln in enumerate(lines) if _is_content(ln) and _break_points(ln)]
    for i in sorted(rnd.sample(candidates, min(lines_to_cut, len(candidates))), reverse=True):
        line = lines[i]
        at, eats = rnd.choice(_break_points(line))
        head, tail = line[:at].rstrip(), line[at + (1 if eats else 0) :]
        if head.strip() and tail.strip() and not re.fullmatch(r"\s*\d+", tail):
            lines[i : i + 1] = [head, tail]
    return "\n".join(lines)


@pytest.mark.parametrize("seed", range(12))
def test_rewrapped_english_gives_the_same_facts(seed: int) -> None:
    text, before, result = original()
    perturbed = rewrap(text, random.Random(seed))
    after_result = ingest(perturbed)
    assert diff_facts(before, facts(after_result)) == "", seed
    assert contradictions(after_result) <= contradictions(result)


def test_breaks_inside_hyphenated_words_and_symbols() -> None:
    text, before, _ = original()
    perturbed = (
        text.replace(
            "the Non-Proliferation of Nuclear Weapons, the",
            "the Non-\nProliferation of Nuclear Weapons, the",
        )
        .replace("834 See S/2020/644.", "834 See S/2020/\n644.")
        .replace("Draft resolution \nS/2020/797 (not", "Draft resolution \nS/2020/\n797 (not")
    )
    assert perturbed != text
    assert diff_facts(before, facts(ingest(perturbed))) == ""


# -- a second table, written by hand --------------------------------------------

VETO_TABLE = """\
12. The situation in the Middle East|

During the period under review, the Council held two meetings in connection
with the item.|

Table 1|
Meetings: The situation in the Middle East|

Meeting record
and date Sub-item Other documents
Rule 37
invitations
Rule 39 and other
invitations Speakers
Decision and vote
(for-against-abstaining)
|
S/PV.8700|
10 January 2020|
Draft resolution
S/2020/20|
Syrian Arab
Republic|
 All Council
members,a Syrian
Arab Republic|
Draft resolution
S/2020/20 (not
adopted)
13-2-0b|

S/PV.8701|
11 January 2020|
Draft resolution
S/2020/21|
Syrian Arab
Republic|
 All Council
members, Syrian
Arab Republic|
Resolution 2504
(2020)
11-0-4c|

a Germany was represented by its Federal Minister for Foreign Affairs.|
b For: Belgium, Dominican Republic, Estonia, France, Germany, Indonesia,
Niger, Saint Vincent and the Grenadines, South Africa, Tunisia, United
Kingdom, United States, Viet Nam; Against: China, Russian Federation.|
c For: Belgium, Dominican Republic, Estonia, France, Germany, Indonesia,
Niger, Saint Vincent and the Grenadines, South Africa, Tunisia, Viet Nam;
Abstaining: China, Russian Federation, United Kingdom, United States.|
""".replace("|", " ")
"""A meetings table of two rows (a veto, an adoption with abstentions), its
cell ends written ``|`` (the extractor's trailing space)."""


def test_hand_written_table_with_a_veto() -> None:
    result = ingest(VETO_TABLE)
    meetings = sorted((r for r in result.records if isinstance(r, Meeting)), key=lambda m: m.record)
    assert [(m.record, m.date.isoformat()) for m in meetings] == [
        ("S/PV.8700", "2020-01-10"),
        ("S/PV.8701", "2020-01-11"),
    ]
    assert meetings[0].decisions == ("S/2020/20",)
    assert meetings[1].decisions == ("S/RES/2504(2020)",)
    votes = [r for r in result.records if isinstance(r, Vote)]
    against = {v.member for v in votes if v.position == "against"}
    assert against == {"CHN", "RUS"}
    assert len([v for v in votes if v.position == "abstaining"]) == 4
    assert len(votes) == 30
    assert not [d for d in result.diagnostics if d.code.value.startswith("E")] or any(
        "Article 27" in d.message or "veto" in d.message.lower() for d in result.diagnostics
    )
