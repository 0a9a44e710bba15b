"""The search index's normal form (``councilkg.search.text.normalize``)
against its definition, on any text: NFKC, then case folded, then the
whitespace next to a Chinese character dropped and other runs of it made
one space.  The definition is written here as the two regular expressions
it reads as; the module computes the same in a fraction of the time, so a
difference in any character (a kind of whitespace, a compatibility form, a
combining mark after a full-width letter) would show here.  The examples
follow the property tests' profile (:mod:`tests.fuzzing`): the same ones
in every CI run, nothing written into the repository."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import example, given, settings
from hypothesis import strategies as st

from councilkg.search import text
from tests.fuzzing import PROFILE

_CJK = text._CJK
_SPACE_NEAR_CJK = re.compile(rf"\s+(?=[{_CJK}])|(?<=[{_CJK}])\s+")
_SPACES = re.compile(r"\s+")


def defined(value: str) -> str:
    folded = unicodedata.normalize("NFKC", value).casefold()
    return _SPACES.sub(" ", _SPACE_NEAR_CJK.sub("", folded)).strip()


# What Repertoire text and a reader's queries hold, and the characters where
# a shortcut would go wrong: every kind of whitespace ``\s`` knows (the
# ideographic space, no-break space, line separator, the information
# separators), full-width forms (with combining marks after them, which
# compose once narrowed), ligatures and other compatibility forms, Hangul
# jamo, case that folds to several letters, and characters beyond the BMP.
_PIECES = st.sampled_from(
    [
        "安理会",
        "决议",
        "，",
        "。",
        "（",
        "）",
        "《",
        "》",
        "、",
        "Ｓ／２０２０／７９７",
        "ＡＢＣ",
        "Ａ\u0301",
        "ｅ\u0308",
        "\uff21\u030a",
        "S/2020/797",
        "Russian Federation",
        "Straße",
        "İ",
        "ﬁ",
        "²",
        "Ⅻ",
        "㍻",
        "ｶﾞ",
        "\u1100\u1161",
        "\u0301",
        "𠀀",
        "𝐀",
        " ",
        "  ",
        "\t",
        "\n",
        "\u3000",
        "\u00a0",
        "\u2028",
        "\u0085",
        "\x1c",
        "\u2003",
        "¨",
        "2020",
        "年",
        "8",
        "月",
    ]
)
_TEXTS = st.lists(_PIECES, max_size=24).map("".join)


@settings(PROFILE, max_examples=600)
@given(_TEXTS)
@example("")
@example(" \u3000 ")
@example("2020 年 8 月  14 日")
@example("见 Ｓ／２０２０／７９７ 号")
def test_the_normal_form_is_its_definition_on_repertoire_like_text(value: str) -> None:
    assert text.normalize(value) == defined(value)


@settings(PROFILE, max_examples=400)
@given(st.text(max_size=40))
def test_the_normal_form_is_its_definition_on_any_text(value: str) -> None:
    assert text.normalize(value) == defined(value)


@settings(PROFILE, max_examples=400)
@given(st.one_of(_TEXTS, st.text(max_size=40)))
def test_the_quick_nfkc_is_nfkc(value: str) -> None:
    assert text._nfkc(value) == unicodedata.normalize("NFKC", value)


def test_the_full_width_forms_are_those_nfkc_narrows() -> None:
    """Each replaced character is one NFKC changes, to what it gives."""
    for code, form in text._WIDE_FORMS.items():
        assert form == unicodedata.normalize("NFKC", chr(code)) != chr(code)
    assert all(text._WIDE.fullmatch(chr(code)) for code in text._WIDE_FORMS)
