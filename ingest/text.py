"""Character-level normalisation that keeps every offset into the source.

PDF extraction mixes full-width and half-width forms (``（２０１５）`` vs
``(2015)``), inserts justification spaces between CJK characters
(``安 理 会 全 体 成 员``) and wraps lines anywhere.  Matching must ignore all
that, yet every fact must still point at the exact characters of the source
file.  So folding here is strictly one character to one character, and
removals are tracked by :class:`Passage`, which carries a map from its own
offsets back to source offsets.
"""

from __future__ import annotations

import bisect
import dataclasses
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from councilkg.ingest.memo import per_source_dict

# Full-width forms folded to ASCII.  CJK sentence punctuation (，。：；、！？)
# is deliberately kept: it is the canonical form in the Chinese edition, and
# patterns accept both forms where both occur.
_FOLD = {0x3000: " ", 0x00A0: " ", 0x2002: " ", 0x2003: " ", 0x2009: " ", 0x202F: " "}
for _cp in range(0xFF10, 0xFF1A):  # ０-９
    _FOLD[_cp] = chr(_cp - 0xFEE0)
for _cp in range(0xFF21, 0xFF3B):  # Ａ-Ｚ
    _FOLD[_cp] = chr(_cp - 0xFEE0)
for _cp in range(0xFF41, 0xFF5B):  # ａ-ｚ
    _FOLD[_cp] = chr(_cp - 0xFEE0)
# The full-width forms (U+FF01..U+FF5E) are their ASCII character + 0xFEE0.
_FULL_WIDTH = 0xFEE0
for _ch in "()/.-_+=#&":  # （）／．－＿＋＝＃＆
    _FOLD[ord(_ch) + _FULL_WIDTH] = _ch
_FOLD[0x2010] = "-"  # hyphen
_FOLD[0x2013] = "-"  # en dash (vote counts "13–2–0")
_FOLD[0x2011] = "-"  # non-breaking hyphen
_FOLD[0x2212] = "-"  # minus sign
_FOLD[0xFEFF] = " "  # stray BOM / zero-width no-break space
FOLD_TABLE: dict[int, str] = _FOLD
# Most lines hold nothing to fold; one search in C finds out, where
# ``str.translate`` with a dict looks up every character (and most of a
# Chinese line misses, which costs more than a hit).
_FOLDABLE = re.compile("[" + "".join(re.escape(chr(cp)) for cp in sorted(_FOLD)) + "]")
_WORD = re.compile(r"\S+")


# ASCII clause punctuation set between CJK characters is the CJK form
# (``发言中,多米尼加`` is ``发言中，多米尼加``): extractors and typists mix them.
_ASCII_CLAUSE_IN_CJK = re.compile(
    r"(?<=[\u3400-\u9fff\u3000-\u303f\uff00-\uffef])[,;:](?=\s*[^\x00-\x7f])"
    r"|[,;:](?=[\u3400-\u9fff])"
)
_CJK_CLAUSE = {c: chr(ord(c) + _FULL_WIDTH) for c in ",;:"}  # ，；：


def fold(text: str) -> str:
    """Fold full-width digits, letters and symbol forms to ASCII, and ASCII
    clause punctuation between CJK characters to the CJK forms; 1:1.

    >>> fold("Ｓ／２０２０／７９７（未通过）")
    'S/2020/797(未通过)'
    >>> len(fold("２０２０　年")) == len("２０２０　年")
    True
    >>> fold("发言中,多米尼加共和国代表; 赞成:中国"), fold("1,500; a:b")
    ('发言中，多米尼加共和国代表； 赞成：中国', '1,500; a:b')
    """
    folded = text.translate(FOLD_TABLE) if _FOLDABLE.search(text) else text
    if "," in folded or ";" in folded or ":" in folded:
        folded = _ASCII_CLAUSE_IN_CJK.sub(lambda m: _CJK_CLAUSE[m.group()], folded)
    return folded


def is_cjk(ch: str) -> bool:
    """True for CJK ideographs and CJK/full-width punctuation (no spacing needed)."""
    cp = ord(ch)
    return (
        0x4E00 <= cp <= 0x9FFF
        or 0x3400 <= cp <= 0x4DBF
        or 0x3000 <= cp <= 0x303F
        or 0xFF00 <= cp <= 0xFFEF
        or 0x2E80 <= cp <= 0x2FDF
        or 0xF900 <= cp <= 0xFAFF
        or cp in (0x201C, 0x201D, 0x2018, 0x2019, 0x2014, 0x2026, 0x00B7)
    )


def strip_spaces(text: str) -> str:
    """Remove all whitespace (the comparison form used for sentences)."""
    return "".join(text.split())


@dataclass(frozen=True, slots=True)
class Passage:
    """Normalised text plus a map from each of its offsets to a source offset.

    The map is stored as runs ``(passage_offset, source_offset)``: inside a run
    both advance together, so a paragraph of a thousand characters spread over
    forty lines costs forty-odd runs, not a thousand integers.
    """

    text: str
    runs_p: tuple[int, ...]
    runs_s: tuple[int, ...]

    def source_offset_of(self, index: int) -> int:
        """Source offset of the passage character at ``index``."""
        if not self.runs_p:
            return 0
        i = max(bisect.bisect_right(self.runs_p, index) - 1, 0)
        return self.runs_s[i] + (index - self.runs_p[i])

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """Source ``[start, end)`` covering passage characters ``[start, end)``."""
        if end <= start:
            s = self.source_offset_of(start)
            return s, s
        return self.source_offset_of(start), self.source_offset_of(end - 1) + 1


@dataclass(slots=True)
class PassageBuilder:
    """Accumulates chunks of a :class:`Passage` in linear time."""

    parts: list[str] = field(default_factory=list)
    runs_p: list[int] = field(default_factory=list)
    runs_s: list[int] = field(default_factory=list)
    length: int = 0
    next_source: int | None = None
    last: str = ""

    def append(self, chunk: str, source_offset: int) -> None:
        """Append ``chunk`` whose first character is at ``source_offset``."""
        if not chunk:
            return
        if self.next_source != source_offset:
            self.runs_p.append(self.length)
            self.runs_s.append(source_offset)
        self.parts.append(chunk)
        self.length += len(chunk)
        self.next_source = source_offset + len(chunk)
        self.last = chunk[-1]

    def append_gap(self, chunk: str, source_offset: int) -> None:
        """Append characters standing for a removed gap (e.g. a joining space)."""
        self.append(chunk, source_offset)
        self.next_source = None

    def build(self) -> Passage:
        """The finished, immutable passage."""
        return Passage("".join(self.parts), tuple(self.runs_p), tuple(self.runs_s))


def join_pieces(pieces: Iterable[tuple[str, int]], hyphens: str = "") -> Passage:
    """Rejoin wrapped line pieces into one passage, CJK-aware.

    Each piece is ``(text, source_offset)`` with the text already folded.  A
    wrap between two CJK characters leaves no space; a wrap between two Latin
    letters or digits becomes one space; spaces the PDF put between two CJK
    characters for justification are dropped; runs of spaces collapse to one.
    A wrap right after one of ``hyphens`` ending a word (``Non-`` /
    ``Proliferation``) closes up, the hyphen kept: an edition whose
    typesetting breaks words only at their own hyphens prints a line-final
    hyphen that belongs to the word (the language's ``wrap_hyphens``).

    >>> join_pieces([("会议期间，高级", 0), ("代表重申", 10)]).text
    '会议期间，高级代表重申'
    >>> join_pieces([("COVID-19", 0), ("pandemic", 20)]).text
    'COVID-19 pandemic'
    >>> join_pieces([("安 理 会 全 体 成", 0), ("员、a 所有", 20)]).text
    '安理会全体成员、a 所有'
    >>> join_pieces([("the Non-", 0), ("Proliferation", 20)], "-").text
    'the Non-Proliferation'
    >>> join_pieces([("6 月 25 日,", 0), ("秘书长", 20)]).text
    '6 月 25 日，秘书长'
    """
    # The builder's bookkeeping inlined (one call per word was a third of
    # the layout's time), and whether a space stays between two characters
    # asked once per pair of characters (:func:`_space_between`).
    parts: list[str] = []
    runs_p: list[int] = []
    runs_s: list[int] = []
    put, run_p, run_s = parts.append, runs_p.append, runs_s.append
    length = 0
    next_source: int | None = None
    last = ""
    spaces = _SPACES
    words = _WORD.finditer
    for raw, offset in pieces:
        first = True
        for m in words(raw):
            word = m.group()
            start = m.start()
            # No space where a line ended with one of ``hyphens`` inside a
            # word (a letter or digit on both sides: ``Non-`` / ``Proliferation``).
            if length and not (
                first
                and hyphens
                and length >= 2
                and last in hyphens
                and (parts[-1][-2:-1] if len(parts[-1]) > 1 else "").isalnum()
                and word[0].isalnum()
            ):
                # Whitespace (in the line, or the wrap) separates this word
                # from the last: keep one space only where it is not a
                # justification or wrap artefact between CJK characters.
                pair = last + word[0]
                keep = spaces.get(pair)
                if keep is None:
                    keep = spaces[pair] = _space_between(last, word[0])
                if keep:
                    gap = offset + start - 1 if start else offset
                    if next_source != gap:
                        run_p(length)
                        run_s(gap)
                    put(" ")
                    length += 1
                    next_source = None
            first = False
            at = offset + start
            if next_source != at:
                run_p(length)
                run_s(at)
            put(word)
            length += len(word)
            next_source = at + len(word)
            last = word[-1]
    passage = Passage("".join(parts), tuple(runs_p), tuple(runs_s))
    # A line ending in an ASCII comma before a CJK line: fold could not see
    # the CJK character after it (it folds line by line), the joined text can.
    if any(c in passage.text for c in ",;:"):
        text = _ASCII_CLAUSE_IN_CJK.sub(lambda m: _CJK_CLAUSE[m.group()], passage.text)
        if text != passage.text:
            passage = dataclasses.replace(passage, text=text)
    return passage


_SPACES: dict[str, bool] = per_source_dict()
"""Whether a space stays between two characters (the pair as a string):
:func:`_space_between` of every pair met, which a text repeats endlessly."""


def _space_between(prev: str, ch: str) -> bool:
    """Whether whitespace between ``prev`` and ``ch`` is kept as one space."""
    return not (is_cjk(prev) or is_cjk(ch)) or _keeps_space(prev, ch)


def _keeps_space(prev: str, ch: str) -> bool:
    """Whether a space between ``prev`` and ``ch`` is kept although one is CJK.

    The Chinese edition writes a space between a number or a Latin word and an
    ideograph (``2020 年``, ``见 S/PV.8733``); keep those so the text reads as
    printed.  Only spaces between two CJK characters, or next to CJK
    punctuation, are justification artefacts.
    """
    if is_cjk(prev) and is_cjk(ch):
        return False
    other = ch if is_cjk(prev) else prev
    cjk = prev if is_cjk(prev) else ch
    return other.isascii() and other.isalnum() and 0x4E00 <= ord(cjk) <= 0x9FFF


def concat(passages: list[Passage], sep: str = " ") -> Passage:
    """Passages joined by ``sep``, keeping each one's source map.

    >>> a = join_pieces([("第 2575(2021)号决议", 10)])
    >>> b = join_pieces([("15-0-0", 40)])
    >>> c = concat([a, b])
    >>> c.text, c.source_offset_of(len(a.text) + 1)
    ('第 2575(2021)号决议 15-0-0', 40)
    """
    out = PassageBuilder()
    for i, passage in enumerate(passages):
        if i and sep:
            out.append_gap(sep, passage.source_offset_of(0))
        for j, start in enumerate(passage.runs_p):
            end = passage.runs_p[j + 1] if j + 1 < len(passage.runs_p) else len(passage.text)
            out.append(passage.text[start:end], passage.runs_s[j])
            out.next_source = None
    return out.build()
