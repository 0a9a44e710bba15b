"""Every registered language offers what the engine asks of it.

Why: a language is added by adding a folder (``ingest/lang/<code>/``); this
test is what tells its author which keys are missing and which patterns do
not compile, before any text is read.  The keys the engine asks for are read
off the engine's own code (every ``.pattern/.words/.value(section, name)``
call with literal names, and the names of the loops that build them), plus
those :class:`Language` reads itself (``KEYS``).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from councilkg.ingest.lang import (
    KEYS,
    OPTIONAL_KEYS,
    PUNCTUATION_CLASSES,
    all_languages,
    get,
    languages,
)
from councilkg.ingest.lexicon import lexicon_languages

INGEST = Path(__file__).resolve().parents[2] / "ingest"
ACCESSORS = ("pattern", "words", "value")


def _literal_strings(node: ast.AST) -> tuple[str, ...] | None:
    """The strings of a tuple of string constants, else None."""
    if isinstance(node, ast.Tuple) and all(
        isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts
    ):
        return tuple(str(e.value) for e in node.elts if isinstance(e, ast.Constant))
    return None


def _engine_keys() -> Iterator[tuple[str, str, str]]:
    """(accessor, section, name) of every lexicon read in ``ingest/`` outside
    ``ingest/lang/``: literal names, and a loop variable over a literal tuple
    (``for name in ("not_adopted", "vote_counts")``) or a module constant
    bound to one."""
    for path in sorted(INGEST.rglob("*.py")):
        if "lang" in path.relative_to(INGEST).parts[:1]:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        tuples: dict[str, tuple[str, ...]] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign) and len(node.targets) == 1:
                target = node.targets[0]
                if isinstance(target, ast.Name) and (names := _literal_strings(node.value)):
                    tuples[target.id] = names
        for node in ast.walk(tree):
            if isinstance(node, (ast.For, ast.comprehension)):
                target, source = node.target, node.iter
                names = _literal_strings(source)
                if names is None and isinstance(source, ast.Name):
                    names = tuples.get(source.id)
                if isinstance(target, ast.Name) and names:
                    tuples[target.id] = names
        for node in ast.walk(tree):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in ACCESSORS
                and len(node.args) == 2
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                continue
            section, name = node.args[0].value, node.args[1]
            if isinstance(name, ast.Constant) and isinstance(name.value, str):
                yield node.func.attr, section, name.value
            elif isinstance(name, ast.Name) and name.id in tuples:
                for n in tuples[name.id]:
                    yield node.func.attr, section, n


ENGINE_KEYS = sorted(set(_engine_keys()))


def test_engine_keys_are_found() -> None:
    """The scan sees the engine's reads (a guard against a scan that finds nothing)."""
    found = {(s, n) for _, s, n in ENGINE_KEYS}
    assert ("headings", "item") in found
    assert ("votes", "not_participating") in found  # through a loop over a tuple
    assert ("citations", "pursuant") in found  # through a module constant
    assert len(found) > 50


def test_registry_discovers_the_folders() -> None:
    folders = sorted(p.name for p in (INGEST / "lang").iterdir() if (p / "lexicon.toml").is_file())
    assert list(languages()) == folders == list(lexicon_languages())
    assert "zh" in languages()
    assert [language.code for language in all_languages()] == folders


def test_unknown_language() -> None:
    with pytest.raises(KeyError, match="available: " + ", ".join(languages())):
        get("xx")


@pytest.mark.parametrize("code", languages())
def test_engine_keys_present(code: str) -> None:
    raw = get(code).lexicon.raw
    missing = [
        (accessor, section, name)
        for accessor, section, name in ENGINE_KEYS
        if (section, name) not in OPTIONAL_KEYS and name not in raw.get(section, {})
    ]
    assert not missing, f"{code}: the engine asks for keys its lexicon lacks: {missing}"


@pytest.mark.parametrize("code", languages())
def test_language_keys_present(code: str) -> None:
    raw = get(code).lexicon.raw
    for section, names in KEYS.items():
        table = raw if not section else raw.get(section, {})
        for name in names:
            assert name in table, f"{code}: [{section}] {name} missing"


@pytest.mark.parametrize("code", languages())
def test_patterns_compile(code: str) -> None:
    language = get(code)
    lexicon = language.lexicon
    for accessor, section, name in ENGINE_KEYS:
        if accessor == "pattern":
            assert isinstance(lexicon.pattern(section, name), re.Pattern)
    for _, pattern in lexicon.value("positions", "stances"):
        re.compile(pattern)
    assert language.letters.pattern
    assert language.name_letters.pattern
    assert all(isinstance(p, re.Pattern) for _, p in language.not_after)
    list_form, one_form = language.resolution_patterns(r"\d+\(\d{4}\)", r"\d{4}")
    one = re.compile(one_form)
    re.compile(list_form)
    assert {"n", "y"} <= set(one.groupindex)


@pytest.mark.parametrize("code", languages())
def test_punctuation_classes(code: str) -> None:
    language = get(code)
    for name in PUNCTUATION_CLASSES:
        assert language.punctuation(name), f"{code}: punctuation class {name} is empty"
    assert language.lexicon.terminal
