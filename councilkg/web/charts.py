"""Small charts drawn on the server as inline SVG (no script, no web font).

Why geometry in Python and markup in a template: the numbers (bar lengths,
positions, the viewBox) are computed and tested here; the SVG elements are
written by ``templates/macros.html`` like the rest of the page, so text in
the chart is escaped and styled (CJK font stack, colours) by ``site.css``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["Bar", "BarChart", "bar_chart"]


@dataclass(frozen=True, slots=True)
class Bar:
    """One bar: what it counts, its label, its count and its geometry."""

    key: str
    label: str
    count: int
    y: float
    width: float


@dataclass(frozen=True, slots=True)
class BarChart:
    """A horizontal bar chart in a ``width`` × ``height`` viewBox."""

    title: str
    bars: tuple[Bar, ...]
    width: int
    height: int
    label_width: int
    bar_height: int
    bar_x: int
    text_dy: float


def bar_chart(
    title: str,
    counts: Sequence[tuple[str, str, int]],
    *,
    width: int = 320,
    label_width: int = 110,
    bar_height: int = 22,
    gap: int = 8,
) -> BarChart:
    """Bars for ``(key, label, count)`` triples, in the order given; the
    longest bar fills the space left of room for its count.

    >>> c = bar_chart("votes", [("a", "for", 3), ("b", "against", 1), ("c", "none", 0)])
    >>> [(b.key, b.width) for b in c.bars]
    [('a', 170.0), ('b', 56.7), ('c', 0.0)]
    >>> c.height
    98
    """
    room = width - label_width - 40
    top = max((c for _, _, c in counts), default=0)
    bars = tuple(
        Bar(
            key=key,
            label=label,
            count=count,
            y=float(gap + i * (bar_height + gap)),
            width=round(room * count / top, 1) if top else 0.0,
        )
        for i, (key, label, count) in enumerate(counts)
    )
    height = gap + len(bars) * (bar_height + gap)
    return BarChart(
        title=title,
        bars=bars,
        width=width,
        height=height,
        label_width=label_width,
        bar_height=bar_height,
        bar_x=label_width,
        text_dy=bar_height * 0.7,
    )
