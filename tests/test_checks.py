"""Cross-checks of the Council's own rules on the votes a table states:
contradictions are reported with their codes, never hidden or repaired."""

from __future__ import annotations

import re

from councilkg.ingest.errors import Code
from councilkg.ingest.pipeline import IngestResult, ingest_bytes
from councilkg.ingest.records import Decision, Finding, Vote


def _variant(seed: bytes, pattern: str, replacement: str) -> IngestResult:
    text = seed.decode("utf-8")
    changed, n = re.subn(pattern, replacement, text, count=1, flags=re.M)
    assert n == 1, pattern
    return ingest_bytes(changed.encode("utf-8"), "variant.txt")


def _codes(result: IngestResult) -> list[Code]:
    return [d.code for d in result.diagnostics]


def test_seed_has_no_contradictions(seed_result: IngestResult) -> None:
    assert seed_result.contradictions == []


def test_counts_that_disagree_with_the_members_listed(seed_bytes: bytes) -> None:
    # Move one member from "against" to "for": the counts stay 2-2-11.
    result = _variant(seed_bytes, r"(赞成：[^；]*?)(；反对：)([^、；]+)、", r"\1、\3\2")
    assert _codes(result).count(Code.COUNT_MISMATCH) == 2
    findings = [r for r in result.records if isinstance(r, Finding)]
    assert {f.code for f in findings} >= {Code.COUNT_MISMATCH.value}


def test_adopted_with_too_few_votes(seed_bytes: bytes) -> None:
    # The failed draft becomes a resolution "adopted" with 2 votes in favour.
    result = _variant(seed_bytes, r"^(\s*)S/(\d{4})/(\d+)\(未通过\)", r"\1第 9999(\2)号决议")
    decisions = [r for r in result.records if isinstance(r, Decision) and r.votes_for is not None]
    assert [d.adopted for d in decisions] == [True]
    assert Code.ARTICLE27 in _codes(result)


def test_voter_not_a_member_that_year(seed_bytes: bytes) -> None:
    result = _variant(seed_bytes, r"(弃权：[^；]*?)突尼斯", r"\1日本")
    assert Code.VOTER_NOT_MEMBER in _codes(result)
    assert "JPN" in {v.member for v in result.records if isinstance(v, Vote)}
