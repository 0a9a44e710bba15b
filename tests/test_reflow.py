"""Re-flow properties: the same text laid out differently gives the same facts.

Each perturbation of :mod:`tests.perturb` keeps everything the extraction
says (words, the order of blocks, where a block ends), so the ingest must find
the same facts in the perturbed text as in the original, and no contradiction
(``E…`` diagnostic) the original does not have.  The texts are the bundled
sample, every ``tests/data/sections/*.txt``, the English sections of
``tests/data/en/`` and ten synthetic corpus files;
each example picks one.

Example counts: ``COUNCILKG_FUZZ_EXAMPLES`` (default 200) is the budget of
the whole module, spread evenly over its property tests.  Without the
variable the runs are derandomized, so CI sees the same examples each time.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from councilkg.ingest.pipeline import IngestResult, ingest_bytes
from tests import perturb
from tests.factsummary import Facts, diff_facts, facts
from tests.fuzzing import BUDGET, ENGLISH, PROFILE, SAMPLE, TEXTS, corpus_texts

# The property tests below: one per family, symbol breaks, title breaks,
# the composition, and the contradictions check.
PROPERTY_TESTS = len(perturb.FAMILIES) + 4
fuzz = settings(
    PROFILE,
    max_examples=max(1, math.ceil(BUDGET / PROPERTY_TESTS)),
)

texts = st.sampled_from([*TEXTS, *ENGLISH, *corpus_texts()])
randoms = st.randoms(use_true_random=False)


def ingest(text: str, name: str) -> IngestResult:
    return ingest_bytes(text.encode("utf-8"), name, language="auto")


def contradiction_codes(result: IngestResult) -> Counter[str]:
    """How many diagnostics of each ``E…`` code ``result`` has."""
    return Counter(d.code.value for d in result.diagnostics if d.code.value.startswith("E"))


@cache
def original(path: Path) -> tuple[str, Facts, Counter[str]]:
    """The text of ``path``, its facts and its contradictions (once a worker)."""
    text = path.read_text(encoding="utf-8")
    result = ingest(text, path.name)
    return text, facts(result), contradiction_codes(result)


def width_folded(f: Facts) -> Facts:
    """``f`` with the free text it quotes (passages, a meeting's sub-item)
    width-folded: quoted text keeps the source's forms by design, while
    every identifier, date, count and name must not depend on them."""
    out = dict(f)
    out["passages"] = tuple(None if p is None else perturb.fold(p) for p in f["passages"])
    out["meetings"] = {
        (rec, day, item, None if sub is None else perturb.fold(sub))
        for rec, day, item, sub in f["meetings"]
    }
    return out


def report(path: Path, text: str, perturbed: str, problem: str) -> str:
    return (
        f"{path.name}: {problem}\n-- perturbed lines (· space, → tab):\n"
        f"{perturb.show_diff(text, perturbed)}"
    )


def check_same_facts(path: Path, perturbed: str, *, fold_width: bool = False) -> IngestResult:
    """Fail with the changed lines and the fact differences unless
    ``perturbed`` gives the facts of ``path``'s text."""
    text, before, _ = original(path)
    result = ingest(perturbed, path.name)
    after = facts(result)
    if fold_width:
        before, after = width_folded(before), width_folded(after)
    if after != before:
        raise AssertionError(
            report(path, text, perturbed, "facts changed")
            + "\n-- facts (- original, + perturbed):\n"
            + diff_facts(before, after)
        )
    return result


@pytest.mark.parametrize("family", list(perturb.FAMILIES))
@fuzz
@given(path=texts, rnd=randoms)
def test_family_keeps_facts(family: str, path: Path, rnd: random.Random) -> None:
    text = original(path)[0]
    perturbed = perturb.FAMILIES[family](text, rnd)
    check_same_facts(path, perturbed, fold_width=family == "width")


@fuzz
@given(path=texts, rnd=randoms)
def test_composition_keeps_facts(path: Path, rnd: random.Random) -> None:
    text = original(path)[0]
    perturbed = perturb.compose(text, rnd, perturb.FAMILIES)
    check_same_facts(path, perturbed, fold_width=True)


@fuzz
@given(path=texts, rnd=randoms)
def test_breaks_inside_symbols_keep_facts(path: Path, rnd: random.Random) -> None:
    """Breaks after ``/`` or ``.`` or before ``(`` inside a UN symbol: a line
    cannot end a symbol there, so the symbol must be rejoined whole."""
    text = original(path)[0]
    check_same_facts(path, perturb.rewrap_symbols(text, rnd))


@fuzz
@given(path=texts, rnd=randoms)
def test_wrapped_titles_keep_facts(path: Path, rnd: random.Random) -> None:
    """Headings and table titles wrapped over several lines."""
    text = original(path)[0]
    check_same_facts(path, perturb.rewrap_titles(text, rnd))


ALL_REFLOWS: dict[str, perturb.Perturbation] = {
    **perturb.FAMILIES,
    "symbols": perturb.rewrap_symbols,
    "titles": perturb.rewrap_titles,
}


@fuzz
@given(path=texts, rnd=randoms)
def test_reflow_adds_no_contradiction(path: Path, rnd: random.Random) -> None:
    """A contradiction is a claim about the source; layout cannot make one."""
    text, _, before = original(path)
    perturbed = perturb.compose(text, rnd, ALL_REFLOWS)
    result = ingest(perturbed, path.name)
    new = contradiction_codes(result) - before
    if new:
        found = [
            f"  line {d.line}: {d.code.value} {d.message}"
            for d in result.diagnostics
            if d.code.value in new
        ]
        raise AssertionError(
            report(path, text, perturbed, f"new contradictions {dict(new)}")
            + "\n-- diagnostics:\n"
            + "\n".join(found)
        )


def test_perturbations_change_the_text() -> None:
    """Each family finds something to perturb in the sample (a family that
    silently returns its input would make its property vacuous)."""
    text = SAMPLE.read_text(encoding="utf-8")
    for name, family in ALL_REFLOWS.items():
        changed = any(family(text, random.Random(seed)) != text for seed in range(5))
        assert changed, name
