"""Inline footnote markers, found by expecting the next number in sequence.

A Repertoire paragraph is full of numbers that are not markers: resolution
numbers (``第 2231(2015)号``), thousands (``1 500 多项``), symbols
(``S/2020/824``), years (``2020 年``).  Footnote numbering runs across a whole
Part, so the only number that can be the next marker is the one after the
last marker found; taking that number, and only as a free-standing token,
makes the search both cheap and safe.  The token itself is
:mod:`councilkg.ingest.marker_grammar`'s.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from councilkg.ingest.layout import Block
from councilkg.ingest.marker_grammar import MarkerGrammar, marker_pattern
from councilkg.ingest.slots import slot_init

# How many footnote numbers ahead a marker is looked for when the expected one
# is not found: a few markers may be lost; a later number found far ahead is
# more likely a count than a marker.
_LOOKAHEAD = 3


@slot_init
@dataclass(frozen=True, slots=True)
class Marker:
    """Footnote ``number`` is referenced at ``[start, end)`` of ``block``."""

    number: int
    block: Block
    start: int
    end: int


def find_markers(
    body: Iterable[Block], numbers: Iterable[int], grammar: MarkerGrammar
) -> dict[int, Marker]:
    """Markers of the given footnote numbers in the body blocks, in order.

    Expects the numbers in ascending order; a number whose marker is not
    found before one of the next few is skipped (the caller reports it), so
    missing markers do not hide all that follow.
    """
    wanted = sorted(set(numbers))
    found: dict[int, Marker] = {}
    if not wanted:
        return found
    i = 0
    for block in body:
        text = block.text
        pos = 0
        while i < len(wanted):
            m = _search(wanted[i], grammar, text, pos)
            for skip in range(1, _LOOKAHEAD + 1):
                if m is not None or i + skip >= len(wanted):
                    break
                # tolerate missing markers: look for the next few numbers
                m = _search(wanted[i + skip], grammar, text, pos)
                if m is not None:
                    i += skip
            if m is None:
                break
            found[wanted[i]] = Marker(wanted[i], block, m.start(), m.end())
            pos = m.end()
            i += 1
    return found


def _search(number: int, grammar: MarkerGrammar, text: str, pos: int) -> re.Match[str] | None:
    """The marker of ``number`` in ``text`` from ``pos``; its digits are
    looked for first (a scan in C), as most blocks hold no such number and
    the pattern, opening with a lookbehind, is tried at every position."""
    if text.find(str(number), pos) < 0:
        return None
    return marker_pattern(number, grammar).search(text, pos)


class Span(Protocol):
    """Anything with character offsets (a :class:`Marker`, say)."""

    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...


@slot_init
@dataclass(frozen=True, slots=True)
class Offset:
    """A span of characters (a marker's, counted from another origin)."""

    start: int
    end: int


def strip_markers(text: str, markers: Iterable[Span]) -> str:
    """``text`` with the given markers, and the spaces around them, removed.

    One space is kept only between two Latin letters or digits, so
    ``通报中，834 除了`` becomes ``通报中，除了``.

    >>> from types import SimpleNamespace as M
    >>> strip_markers("通报中，834 除了", [M(start=4, end=7)])
    '通报中，除了'
    """
    spans = sorted((m.start, m.end) for m in markers)
    out: list[str] = []
    pos = 0
    for start, end in spans:
        before = text[pos:start].rstrip(" ")
        after_start = end
        while after_start < len(text) and text[after_start] == " ":
            after_start += 1
        out.append(before)
        nxt = text[after_start : after_start + 1]
        prev = before[-1:] if before else ("".join(out)[-1:] if out else "")
        if prev.isascii() and prev.isalnum() and nxt.isascii() and nxt.isalnum():
            out.append(" ")
        pos = after_start
    out.append(text[pos:])
    return "".join(out)
