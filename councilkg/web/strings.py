"""The site's UI strings in English and Chinese, from ``strings.toml``.

Why a file: every word the pages print that does not come from the graph
(headings, column names, the names of IRI kinds and speaking capacities)
is in one reviewed table with both languages side by side, so a page can
never show one language's heading over the other's data, and a missing
translation fails a test instead of reaching a reader.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping
from functools import cache
from importlib import resources

__all__ = ["block_name", "capacity_name", "kind_name", "strings", "translator"]


@cache
def _table() -> dict[str, dict[str, dict[str, str]]]:
    text = resources.files("councilkg.web").joinpath("strings.toml").read_text(encoding="utf-8")
    data: dict[str, dict[str, dict[str, str]]] = tomllib.loads(text)
    return data


def strings(section: str = "ui") -> Mapping[str, Mapping[str, str]]:
    """One section of the table: ``{key: {"en": …, "zh": …}}``."""
    return _table()[section]


def translator(lang: str) -> Callable[..., str]:
    """``t(key, **values)``: the UI string ``key`` in ``lang``, with
    ``{name}`` fields filled from ``values``.

    Raises:
        KeyError: an unknown key (a template naming a string the table lacks).

    >>> translator("zh")("nav_index")
    '首页'
    """
    ui = strings("ui")

    def t(key: str, **values: object) -> str:
        return _form(ui[key][lang], values)

    return t


def _form(text: str | dict[str, str], values: dict[str, object]) -> str:
    """``text`` with its fields filled; a string with plural forms
    (``{ one = "cited once", other = "cited {n} times" }``) takes the one
    ``n`` calls for (English has two, Chinese needs one: a plain string).

    >>> _form({"one": "cited once", "other": "cited {n} times"}, {"n": 1})
    'cited once'
    >>> _form({"one": "cited once", "other": "cited {n} times"}, {"n": 3})
    'cited 3 times'
    """
    if isinstance(text, dict):
        text = text["one" if values.get("n") == 1 else "other"]
    return text.format(**values) if values else text


def kind_name(kind: str, lang: str) -> str:
    """The name of an IRI kind (``footnote`` in ``…/id/footnote/2020/824``),
    or the kind itself when the table has none."""
    return strings("kinds").get(kind, {}).get(lang, kind)


def capacity_name(capacity: str, lang: str) -> str:
    """The name of a speaking capacity (``permanent-representative``), or
    the key made readable when the table has none."""
    names = strings("capacities").get(capacity)
    return names[lang] if names else capacity.replace("-", " ")


def block_name(kind: str, lang: str) -> str:
    """The name of a kind of source block (``table-row``), or the kind
    itself when the table has none."""
    return strings("blocks").get(kind, {}).get(lang, kind)
