"""Item timelines: how many meetings, videoconferences and decisions each
agenda item had, month by month.

Why a table and not a graph: the question is "when was the Council busy
with what", a time series per item; it is returned as plain rows (and as a
pandas DataFrame for those who have pandas), sorted by item key and month,
with only the months in which something happened.
"""

from __future__ import annotations

import importlib
from dataclasses import asdict, dataclass, fields
from typing import Any

from councilkg.analytics.source import Source, as_source, local_name, text, value
from councilkg.queries import QueryResult, Term
from councilkg.store import GraphStore

__all__ = ["Timeline", "TimelineRow", "item_timeline"]


@dataclass(frozen=True, slots=True)
class TimelineRow:
    """One agenda item in one month."""

    item: str  # the item's IRI
    key: str
    label_en: str
    label_zh: str
    month: str  # YYYY-MM
    meetings: int
    videoconferences: int
    decisions: int
    events: int  # meetings + videoconferences


COLUMNS = tuple(f.name for f in fields(TimelineRow))


@dataclass(frozen=True, slots=True)
class Timeline:
    """Rows of :class:`TimelineRow`, by item key then month."""

    rows: tuple[TimelineRow, ...]

    def __len__(self) -> int:
        return len(self.rows)

    def records(self) -> list[dict[str, Any]]:
        """The rows as dicts (JSON-ready)."""
        return [asdict(r) for r in self.rows]

    def to_pandas(self) -> Any:
        """The rows as a ``pandas.DataFrame`` (pandas is optional).

        Raises:
            ImportError: pandas is not installed (the message says so).
        """
        try:
            pd = importlib.import_module("pandas")
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise ImportError(
                "Timeline.to_pandas needs pandas (pip install pandas); "
                "Timeline.records() gives the same rows as dicts"
            ) from exc
        return pd.DataFrame(self.records(), columns=list(COLUMNS))

    def to_table(self, lang: str = "en") -> str:
        """A readable text table (labels in ``lang``), as the query command prints."""
        names = ("item", "month", "meetings", "videoconferences", "decisions", "events")
        rows = [
            (
                Term.literal(r.label_zh if lang == "zh" else r.label_en),
                Term.literal(r.month),
                *(Term.literal(str(n)) for n in (r.meetings, r.videoconferences, r.decisions)),
                Term.literal(str(r.events)),
            )
            for r in self.rows
        ]
        return QueryResult(names, list(rows)).to_table(lang)


def item_timeline(graph: Source | GraphStore | str, year: int | str | None = None) -> Timeline:
    """Events per agenda item and month, for events held in ``year`` (all if None).

    A meeting or videoconference counts once however many decisions it
    took; ``decisions`` counts the distinct decisions taken or announced at
    the item's events that month (drafts put to the vote and not adopted
    included).
    """
    source = as_source(graph)
    rows = source.run("item-events", year=year).records()
    keys: dict[str, str] = {}
    counts: dict[tuple[str, str], dict[str, set[str]]] = {}
    for r in rows:
        item = r["item"].value
        keys[item] = r["key"].value
        month = value(r, "date").isoformat()[:7]
        bucket = counts.setdefault(
            (item, month), {"Meeting": set(), "Videoconference": set(), "decisions": set()}
        )
        kind = local_name(r["eventKind"].value)
        bucket.setdefault(kind, set()).add(r["event"].value)
        decision = text(r, "decision")
        if decision is not None:
            bucket["decisions"].add(decision)
    labels = source.labels(keys)
    out = []
    for item, month in sorted(counts, key=lambda k: (keys[k[0]], k[1])):
        b = counts[(item, month)]
        names = labels.pair(item, keys[item])
        meetings, vcs = len(b["Meeting"]), len(b["Videoconference"])
        out.append(
            TimelineRow(
                item=item,
                key=keys[item],
                label_en=names["label_en"],
                label_zh=names["label_zh"],
                month=month,
                meetings=meetings,
                videoconferences=vcs,
                decisions=len(b["decisions"]),
                events=meetings + vcs,
            )
        )
    return Timeline(tuple(out))
