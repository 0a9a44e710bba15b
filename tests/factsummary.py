"""A comparable, language-neutral summary of what an ingest found.

Shared by the tests that rewrite a text (variants, perturbations, damage)
and need to say whether the ingest still finds the same things: each
rewritten text's summary is compared with the original's, so no fact is
typed twice.  :func:`diff_facts` says what differs in a form a reader can
act on, instead of two long reprs.
"""

from __future__ import annotations

import difflib
from typing import Any

from councilkg.ingest.pipeline import IngestResult
from councilkg.ingest.records import (
    Decision,
    Document,
    DocumentCitation,
    Footnote,
    Letter,
    Meeting,
    Passage,
    Speaker,
    Sponsor,
    Videoconference,
    Vote,
)

Facts = dict[str, Any]


def _squash(text: str) -> str:
    """``text`` with all whitespace removed."""
    return "".join(text.split())


def _nows(text: str | None) -> str | None:
    return None if text is None else _squash(text)


def facts(result: IngestResult) -> Facts:
    """A comparable, language-neutral summary of what ``result`` found.

    Sets where the order in the source does not matter, tuples where it does
    (a footnote's citations and States are in the order written; passages in
    document order).  Text is compared with all whitespace removed.
    """
    recs = result.records
    return {
        "meetings": {
            (r.record, r.date, r.item_key, _nows(r.sub_item))
            for r in recs
            if isinstance(r, Meeting)
        },
        "videoconferences": {
            (r.date, r.item_key, r.record) for r in recs if isinstance(r, Videoconference)
        },
        "decisions": {
            (
                r.symbol,
                r.kind,
                r.adopted,
                (r.votes_for, r.votes_against, r.votes_abstaining),
                r.written_procedure_record,
            )
            for r in recs
            if isinstance(r, Decision)
        },
        "votes": {(r.draft, r.member, r.position) for r in recs if isinstance(r, Vote)},
        "footnotes": {
            r.number: (r.cites, r.states, r.event_date) for r in recs if isinstance(r, Footnote)
        },
        "letters": {
            (r.symbol, r.date, r.senders, r.on_behalf_of, r.footnote)
            for r in recs
            if isinstance(r, Letter)
        },
        "document_citations": {
            (r.citing, r.cited) for r in recs if isinstance(r, DocumentCitation)
        },
        "sponsors": {(r.draft, r.state) for r in recs if isinstance(r, Sponsor)},
        "speakers": {(r.event, r.kind, r.ref) for r in recs if isinstance(r, Speaker)},
        "documents": {r.symbol: r.kind for r in recs if isinstance(r, Document)},
        "passages": tuple(
            _nows(r.text) for r in recs if isinstance(r, Passage) and r.kind == "paragraph"
        ),
    }


def _short(value: Any, limit: int = 160) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def diff_facts(before: Facts, after: Facts, limit: int = 12) -> str:
    """What differs between two summaries, key by key: ``-`` lost, ``+``
    gained, ``~`` changed (at most ``limit`` entries a key); empty if none."""
    out: list[str] = []
    for key in sorted(set(before) | set(after)):
        a, b = before.get(key), after.get(key)
        if a == b:
            continue
        lines: list[str] = []
        if isinstance(a, dict) and isinstance(b, dict):
            lines += [
                f"  - {_short(k)}: {_short(a[k])}" for k in sorted(a.keys() - b.keys(), key=repr)
            ]
            lines += [
                f"  + {_short(k)}: {_short(b[k])}" for k in sorted(b.keys() - a.keys(), key=repr)
            ]
            lines += [
                f"  ~ {_short(k)}: {_short(a[k])} -> {_short(b[k])}"
                for k in sorted(a.keys() & b.keys(), key=repr)
                if a[k] != b[k]
            ]
        elif isinstance(a, set) and isinstance(b, set):
            lines += [f"  - {_short(x)}" for x in sorted(a - b, key=repr)]
            lines += [f"  + {_short(x)}" for x in sorted(b - a, key=repr)]
        elif isinstance(a, tuple) and isinstance(b, tuple):
            matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
            for op, i1, i2, j1, j2 in matcher.get_opcodes():
                if op == "equal":
                    continue
                lines += [f"  - [{i}] {_short(a[i])}" for i in range(i1, i2)]
                lines += [f"  + [{j}] {_short(b[j])}" for j in range(j1, j2)]
        else:
            lines.append(f"  {_short(a)} -> {_short(b)}")
        if len(lines) > limit:
            lines = [*lines[:limit], f"  … {len(lines) - limit} more"]
        out.append(f"{key}:")
        out.extend(lines)
    return "\n".join(out)
