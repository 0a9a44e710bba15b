"""The engine holds no word of any language: the acceptance check of the
language packages.

Why: what is specific to an edition lives in ``ingest/lang/<code>/``; a CJK
character or full-width form in a string constant of the engine is a piece
of Chinese that escaped its package (and that the English edition would
inherit).  Docstrings and comments may keep Chinese examples.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

INGEST = Path(__file__).resolve().parents[2] / "ingest"

CJK = re.compile(
    "["
    "\u2e80-\u2fdf"  # CJK radicals, Kangxi radicals
    "\u2ff0-\u2fff"  # ideographic description characters
    "\u3000-\u303f"  # CJK symbols and punctuation (、。「」 and the ideographic space)
    "\u3040-\u30ff"  # kana
    "\u3100-\u312f\u3190-\u31ff"  # bopomofo, kanbun, strokes, katakana extensions
    "\u3200-\u33ff"  # enclosed CJK, compatibility
    "\u3400-\u4dbf"  # extension A
    "\u4e00-\u9fff"  # unified ideographs
    "\uf900-\ufaff"  # compatibility ideographs
    "\ufe30-\ufe4f"  # CJK compatibility forms
    "\uff00-\uffef"  # half-width and full-width forms
    "\U00020000-\U0003ffff"  # supplementary ideographic planes
    "]"
)


def _docstrings(tree: ast.AST) -> set[int]:
    kinds = (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
    return {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, kinds)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }


def _offenders(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docs = _docstrings(tree)
    return [
        f"{path.relative_to(INGEST.parent)}:{node.lineno}: {node.value[:60]!r}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docs
        and CJK.search(node.value)
    ]


def engine_modules() -> list[Path]:
    """Every module of ``ingest/`` outside ``ingest/lang/``."""
    return [
        p
        for p in sorted(INGEST.rglob("*.py"))
        if p.relative_to(INGEST).parts[0] != "lang" and "__pycache__" not in p.parts
    ]


def test_engine_holds_no_cjk_string() -> None:
    modules = engine_modules()
    assert len(modules) > 30
    found = [line for path in modules for line in _offenders(path)]
    assert not found, "CJK string constants outside ingest/lang/:\n" + "\n".join(found)


def test_the_check_sees_an_offender() -> None:
    """The check itself: a literal is caught, a docstring and a comment are not."""
    source = '"""第 2231(2015)号决议."""\n# 决议\nWORD = "决议"\nSPACE = "\\u3000"\n'
    tree = ast.parse(source)
    docs = _docstrings(tree)
    values = [
        n.value
        for n in ast.walk(tree)
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docs
    ]
    assert [v for v in values if CJK.search(v)] == ["决议", "\u3000"]
