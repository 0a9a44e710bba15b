"""Memos that live for one source file.

Why: the extractors ask the same question of the same text several times
(a block's symbols are read by the documents, the citations and the
footnotes; a name's compact form by every table that meets it), and the
answers are pure functions of the text.  Why per source rather than for
the process: what one file repeats, the next rarely does, so a memo kept
across files only grows; the pipeline forgets them all before each file,
which keeps a long ingest's memory bounded by one file's texts.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

_CLEARS: list[Callable[[], None]] = []


def per_source(fn: Callable[[T], R]) -> Callable[[T], R]:
    """``fn`` (one hashable argument, an immutable result) memoised until
    the next :func:`forget`."""
    memo: dict[T, R] = {}

    @functools.wraps(fn)
    def cached(arg: T) -> R:
        try:
            return memo[arg]
        except KeyError:
            result = memo[arg] = fn(arg)
            return result

    _CLEARS.append(memo.clear)
    return cached


def per_source_dict() -> dict[Any, Any]:
    """A dict emptied by :func:`forget`, for memos with composite keys."""
    memo: dict[Any, Any] = {}
    _CLEARS.append(memo.clear)
    return memo


def forget() -> None:
    """Empty every per-source memo (the pipeline calls it before each file)."""
    for clear in _CLEARS:
        clear()
