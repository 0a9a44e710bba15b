"""The date parser: every written form of a date gives the same ISO date."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from councilkg.ingest.dates import find_dates, parse_date
from councilkg.ingest.lexicon import load_lexicon

ZH = load_lexicon("zh")
FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")

spaces = st.sampled_from(["", " ", "  ", "\u3000"])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2020 年 2 月 26 日", dt.date(2020, 2, 26)),
        ("2020年 7月 2日", dt.date(2020, 7, 2)),
        ("２０２０年１２月２４日", dt.date(2020, 12, 24)),
    ],
)
def test_examples(text: str, expected: dt.date) -> None:
    assert parse_date(text, ZH) == expected


@given(
    date=st.dates(min_value=dt.date(1946, 1, 1), max_value=dt.date(2099, 12, 31)),
    gaps=st.lists(spaces, min_size=5, max_size=5),
    fullwidth=st.booleans(),
)
def test_any_spacing_and_width(date: dt.date, gaps: list[str], fullwidth: bool) -> None:
    text = f"{date.year}{gaps[0]}年{gaps[1]}{date.month}{gaps[2]}月{gaps[3]}{date.day}{gaps[4]}日"
    if fullwidth:
        text = text.translate(FULLWIDTH)
    assert parse_date(text, ZH) == date


@given(
    date=st.dates(min_value=dt.date(1946, 1, 1), max_value=dt.date(2099, 12, 31)),
    prefix=st.sampled_from(["", "在", "安理会于", "，"]),
    suffix=st.sampled_from(["", "的信", "，", "举行会议。"]),
)
def test_found_in_running_text_with_its_span(date: dt.date, prefix: str, suffix: str) -> None:
    written = f"{date.year} 年 {date.month} 月 {date.day} 日"
    found = find_dates(prefix + written + suffix, ZH)
    assert [(m.date, m.start, m.end) for m in found] == [
        (date, len(prefix), len(prefix) + len(written))
    ]


@given(month=st.integers(1, 12), day=st.integers(1, 28))
def test_day_month_takes_the_default_year(month: int, day: int) -> None:
    found = find_dates(f"{month} 月 {day} 日，安全理事会", ZH, default_year=2020)
    assert [(m.date, m.explicit_year) for m in found] == [(dt.date(2020, month, day), False)]


@pytest.mark.parametrize(
    "text", ["2020 年 2 月 30 日", "2020 年 13 月 1 日", "2020 年", "第 2231(2015)号"]
)
def test_not_dates(text: str) -> None:
    with pytest.raises(ValueError, match="not a date"):
        parse_date(text, ZH)


def test_day_month_inside_full_date_is_not_found_twice() -> None:
    found = find_dates("2020 年 8 月 20 日和 9 月 23 日", ZH, default_year=2020)
    assert [m.date for m in found] == [dt.date(2020, 8, 20), dt.date(2020, 9, 23)]
