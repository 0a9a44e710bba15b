"""Dates as the Repertoire writes them, to ISO 8601.

Why a lexicon-driven parser: ``2020 年 2 月 26 日``, ``2020年 7月 2日`` and,
in the English edition, ``26 February 2020`` are one grammar with different
words.  Partial dates (``8 月 14 日``) take their year from the supplement's
period, which the caller knows.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from councilkg.ingest.lang import language_of
from councilkg.ingest.lexicon import Lexicon
from councilkg.ingest.slots import slot_init
from councilkg.ingest.text import fold


@slot_init
@dataclass(frozen=True, slots=True)
class DateMatch:
    """A date found in text: its span, the date, and whether the year was written."""

    start: int
    end: int
    date: dt.date
    explicit_year: bool


_DIGIT = re.compile(r"\d")


def _make(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def parse_date(text: str, lexicon: Lexicon, *, default_year: int | None = None) -> dt.date:
    """Parse one whole date.

    Raises:
        ValueError: the text is not a date of this lexicon (message says which form).
    """
    s = fold(text).strip()
    for m in find_dates(s, lexicon, default_year=default_year):
        if m.start == 0 and m.end == len(s):
            return m.date
    expected = language_of(lexicon).written_date_form
    raise ValueError(f"not a date: {text!r}; expected {expected}")


def find_dates(text: str, lexicon: Lexicon, *, default_year: int | None = None) -> list[DateMatch]:
    """All full dates, and day-month dates when ``default_year`` is given, in order.

    Impossible dates (``2 月 30 日``) are skipped, not guessed.
    """
    if not _DIGIT.search(text):
        return []  # every date has a day in digits (read by ``int`` below)
    found: list[DateMatch] = []
    taken: list[tuple[int, int]] = []
    for m in lexicon.pattern("dates", "full").finditer(text):
        d = _make(int(m["y"]), _month(m, lexicon), int(m["d"]))
        if d is not None:
            found.append(DateMatch(m.start(), m.end(), d, True))
            taken.append((m.start(), m.end()))
    if default_year is not None:
        for m in lexicon.pattern("dates", "day_month").finditer(text):
            s, e = m.start("m"), m.end()
            if any(a <= s < b for a, b in taken):
                continue
            d = _make(default_year, _month(m, lexicon), int(m["d"]))
            if d is not None:
                found.append(DateMatch(s, e, d, False))
    found.sort(key=lambda x: x.start)
    return found


def _month(m: re.Match[str], lexicon: Lexicon) -> int:
    value = m["m"]
    if value.isdigit():
        return int(value)
    months: dict[str, int] = lexicon.value("dates", "months")
    return months[value.lower()]
