"""Security Council membership by year, from the packaged reference table.

Why here: the ingest cross-checks votes against Article 27 (a permanent
member's negative vote defeats a draft) and against membership (a voter must
sit on the Council that year), so it needs the table; the graph gets the
same facts as ``org:Membership`` from the RDF mapping.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True, slots=True)
class Term:
    """One term of membership: a State from ``first_year`` to ``last_year``."""

    iso3: str
    first_year: int
    last_year: int | None
    permanent: bool

    def covers(self, year: int) -> bool:
        """Whether the term includes ``year``."""
        return self.first_year <= year and (self.last_year is None or year <= self.last_year)


@cache
def terms() -> tuple[Term, ...]:
    """All terms of the reference table, in its order."""
    text = (
        resources.files("councilkg.ingest")
        .joinpath("data", "council-membership.csv")
        .read_text("utf-8")
    )
    return tuple(
        Term(
            iso3=row["iso3"],
            first_year=int(row["first_year"]),
            last_year=int(row["last_year"]) if row["last_year"] else None,
            permanent=row["permanent"].strip().lower() == "true",
        )
        for row in csv.DictReader(io.StringIO(text))
    )


def members(year: int) -> frozenset[str]:
    """ISO3 codes of the fifteen members in ``year`` (empty if not covered)."""
    return frozenset(t.iso3 for t in terms() if t.covers(year))


def permanent_members(year: int) -> frozenset[str]:
    """ISO3 codes of the permanent members in ``year``."""
    return frozenset(t.iso3 for t in terms() if t.permanent and t.covers(year))


def covered(year: int) -> bool:
    """Whether the table knows the full membership of ``year``."""
    return len(members(year)) == 15
