"""Hostile requests that must not stall the server: each check on a request
runs in time linear in its size.

The policy's lexer runs in the front process, before any worker and outside
the query timeout, so a request that made it slow would stall every client
(``a.a.a.…`` after a ``LOAD`` in a comment once made it quadratic: 64 KB took
17 s).  Sizes are compared within one run (a ratio, not a wall-clock bound):
eight times the text must take well under the 64 times a quadratic scan needs.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from councilkg.server import policy

# Texts that defeat a lexer which rescans a run of name characters from each
# position in it, each as a function of a repeat count.
HOSTILE: dict[str, Callable[[int], str]] = {
    "dotted run": lambda n: "# LOAD\n" + "a." * n,
    "dotted run before a colon": lambda n: "# LOAD\n-" + "a." * n + ":",
    "prefixed names": lambda n: "# SERVICE\n" + "a:" * n,
    "open IRIs": lambda n: "# LOAD\n" + "<a" * n,
    "open strings": lambda n: "# LOAD\n" + "'a" * n,
    "numbers": lambda n: "# LOAD\n" + "1." * n,
    "blank nodes": lambda n: "# LOAD\n" + "_:a." * n,
}


def _best_of(runs: int, fn: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_request_inspection_is_linear(name: str) -> None:
    make = HOSTILE[name]
    small, large = make(8_000), make(64_000)
    t_small = _best_of(3, lambda: policy.inspect_request(small))
    t_large = _best_of(3, lambda: policy.inspect_request(large))
    ratio = t_large / max(t_small, 2e-3)  # a floor: timer noise on tiny times
    assert ratio < 24, f"{name}: 8× the text took {ratio:.1f}× the time (quadratic: 64×)"


def _reference_tokens(text: str) -> list[tuple[str, str]]:
    """The plain alternation, tried at every position: the specification the
    linear lexer must agree with."""
    out: list[tuple[str, str]] = []
    pos = 0
    while pos < len(text):
        m = policy._TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            out.append(("other", text[pos]))
            pos += 1
            continue
        if m.lastgroup not in ("ws", "comment"):
            out.append((m.lastgroup or "other", m.group()))
        pos = m.end()
    return out


PIECES = st.sampled_from(
    [*"a.:_-1 <>{}'\"#\n?$@SE\\%·é", "SERVICE", "LOAD", "ex:", "PREFIX ", "a.b", '"""']
)


@settings(max_examples=500, deadline=None)
@given(st.lists(PIECES, max_size=40).map("".join))
def test_linear_lexer_agrees_with_the_grammar(text: str) -> None:
    assert policy.keywords(text) == _reference_tokens(text)
