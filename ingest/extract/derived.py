"""Members' votes derived from a unanimous count or statement.

Why: the Repertoire lists members by name only when the Council was
divided (a vote note: "赞成：…；反对：…；弃权：…").  A text adopted by every
member is printed with its count alone ("15-0-0", no note), or is said to
have been adopted unanimously ("一致通过") without counts.  The text then
still says how each member voted, in favour, only not by name, and the
members of that date are known (:mod:`councilkg.ingest.membership`).  Spelling those
votes out makes co-voting, a member's record and every other per-member
query count unanimous votes too, as the UN library's curated voting data
does; leaving them out would make members look as if they had voted only
on the divisive texts.

What is derived, and what is not:

* A decision (resolution or draft resolution) whose counts add up to the
  number of members on its date with none against and none abstaining:
  every member voted in favour.
* A decision stated unanimous without counts: likewise.
* Nothing for a decision with a vote note (its list is the Repertoire's own
  word; a note that cannot be found or read is reported, not guessed at),
  nor for one that already has listed votes.
* Nothing for a count that is not unanimous and has no note ("14-0-1"): the
  text does not say who voted how, and no rule of the Council does either.
* Nothing for a year whose full membership the reference table does not
  know: the count could not be matched with the members.

A derived vote is marked ``basis="derived"`` so the graph can tell it from a
listed one (``ckg:basis``); its provenance is the decision's, the span of the
symbol and the count (or statement) it is derived from.  The votes of one
decision come in the order of the members' English short names, the order
in which the Repertoire itself lists members in its vote notes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from councilkg.ingest import membership
from councilkg.ingest.gazetteer import default_gazetteer
from councilkg.ingest.records import Decision, Record, Vote
from councilkg.ingest.symbols import DocumentKind

__all__ = ["VOTED_KINDS", "derive_votes", "seats", "unanimous"]

#: Kinds of decision that are put to the vote (a presidential statement is
#: not: it is agreed without a vote, so "unanimous" says nothing about votes).
VOTED_KINDS = frozenset({DocumentKind.RESOLUTION.value, DocumentKind.DRAFT_RESOLUTION.value})


def seats(year: int) -> int:
    """Seats on the Council in ``year``: eleven, fifteen from 1966 (Article 23
    as amended in 1965)."""
    return 15 if year >= 1966 else 11


def unanimous(decision: Decision, members: int) -> bool:
    """Whether ``decision`` says every one of ``members`` members voted in favour.

    Counts must account for the whole Council (``for`` equals the number of
    members, none against, none abstaining); without counts, only the
    statement "adopted unanimously" does.  Counts that contradict the
    statement win: a "一致通过" printed beside "14-0-1" derives nothing.

    >>> import datetime as dt
    >>> from councilkg.ingest.records import Provenance
    >>> p = Provenance("f", "0" * 64, 0, None, "table-row", "b1", 1, 0, 1, "x")
    >>> d = Decision(p, "S/RES/1(2020)", "resolution", "e", "i", dt.date(2020, 1, 2), True,
    ...              15, 0, 0)
    >>> unanimous(d, 15), unanimous(d, 14)
    (True, False)
    """
    counts = (decision.votes_for, decision.votes_against, decision.votes_abstaining)
    if counts == (None, None, None):
        return decision.unanimous and members > 0
    return counts == (members, 0, 0) and members > 0


def derive_votes(
    decisions: Iterable[Record],
    votes: Iterable[Record],
    *,
    members_in: Callable[[int], frozenset[str]] = membership.members,
    permanent_in: Callable[[int], frozenset[str]] = membership.permanent_members,
    name_of: Callable[[str], str] | None = None,
) -> list[Vote]:
    """The votes implied by unanimous decisions, for decisions with no listed vote.

    ``decisions`` and ``votes`` may be whole lists of records: only the
    :class:`Decision` and :class:`Vote` records among them are read, so a
    stage's output can be passed as it is.  ``members_in`` and
    ``permanent_in`` give the members of a year (the reference table by
    default); ``name_of`` the English short name a member is ordered by (the
    gazetteer's by default).  Each decision symbol is derived at most once,
    in the order the decisions come.

    A count that is not unanimous and has no vote note derives nothing: the
    text does not say who voted how.  See the module docstring for the rest.
    """
    if name_of is None:
        gazetteer = default_gazetteer()

        def name_of(iso3: str) -> str:
            return gazetteer.get(iso3).name_en

    listed = {v.draft for v in votes if isinstance(v, Vote)}
    done: set[str] = set()
    out: list[Vote] = []
    for d in decisions:
        if not isinstance(d, Decision) or d.kind not in VOTED_KINDS:
            continue
        if d.symbol in listed or d.symbol in done or d.vote_note is not None:
            continue
        year = d.date.year
        members = members_in(year)
        if len(members) != seats(year) or not unanimous(d, len(members)):
            continue
        done.add(d.symbol)
        permanent = permanent_in(year)
        for iso3 in sorted(members, key=lambda m: (name_of(m), m)):
            out.append(
                Vote(
                    prov=d.prov,
                    draft=d.symbol,
                    date=d.date,
                    member=iso3,
                    position="for",
                    permanent=iso3 in permanent,
                    basis="derived",
                )
            )
    return out
