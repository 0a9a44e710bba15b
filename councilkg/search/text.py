"""How text is compared in the search index: one normal form for what is
indexed and what is asked, and the snippet shown for a hit.

Why a normal form of our own before SQLite's: the trigram tokenizer folds
case, but not width (``Ｓ／２０２０`` from a Chinese keyboard is
``S/2020``) nor the spaces the Chinese edition puts between Chinese and
Latin or digits (``2020 年 8 月``, which a reader types ``2020年8月``).  NFKC
folds the widths, :meth:`str.casefold` the case, and spaces next to a
Chinese character are dropped; runs of other spaces become one.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["SHORT", "is_cjk", "like_pattern", "normalize", "snippet", "terms"]

SHORT = 3
"""Terms shorter than this many characters are below the trigram
tokenizer's reach (it indexes every run of three); they are matched with
``LIKE`` instead."""

# CJK Unified Ideographs (and extension A), compatibility ideographs, kana,
# hangul, and the CJK punctuation block (、。《》 …).
_CJK = "\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
_CJK_CHAR = re.compile(f"[{_CJK}]")
_SPACES = re.compile(r"\s+")
# The full-width forms of ASCII and the ideographic space: the compatibility
# characters of Chinese text (its punctuation), each replaced by what NFKC
# makes of it.
_WIDE = re.compile("[\uff01-\uff5e\u3000]")
_WIDE_FORMS = {c: unicodedata.normalize("NFKC", chr(c)) for c in (*range(0xFF01, 0xFF5F), 0x3000)}


def is_cjk(char: str) -> bool:
    """Whether ``char`` is a Chinese (or Japanese, Korean) character.

    >>> is_cjk("中"), is_cjk("S")
    (True, False)
    """
    return _CJK_CHAR.fullmatch(char) is not None


def normalize(text: str) -> str:
    """The form text is indexed and looked up in.

    >>> normalize("Ｓ／２０２０／７９７")
    's/2020/797'
    >>> normalize("2020 年 8 月  14 日")
    '2020年8月14日'
    >>> normalize("  Russian   Federation ")
    'russian federation'
    """
    words = _nfkc(text).casefold().split()
    if len(words) < 2:
        return words[0] if words else ""
    # One space between two words unless one side of it is Chinese.  The
    # split cuts at the runs of whitespace that ``\s`` matches (both use
    # ``str.isspace``); two regular expressions over the text, one dropping
    # the runs next to a Chinese character and one shortening the rest,
    # cost three times as much.
    cjk = _CJK_CHAR.match
    out = [words[0]]
    before = words[0]
    for word in words[1:]:
        if not (cjk(before, len(before) - 1) or cjk(word)):
            out.append(" ")
        out.append(word)
        before = word
    return "".join(out)


def _nfkc(text: str) -> str:
    """``unicodedata.normalize("NFKC", text)``, in a fraction of its time for
    Chinese text.

    Why: CPython normalizes a text with one full-width comma whole, at
    about a quarter of a microsecond a character (half of the normal
    form's time in an index build).  With its full-width characters
    replaced by their NFKC forms first, a Chinese text is usually
    normalized already, which :func:`unicodedata.is_normalized` tells
    quickly.  The result is the same: NFKC of a text is NFKC of the text
    with any of its characters replaced by that character's NFKC form
    (both have the same compatibility decomposition).
    """
    if unicodedata.is_normalized("NFKC", text):
        return text
    narrowed = _WIDE.sub(lambda m: _WIDE_FORMS[ord(m.group())], text)
    if unicodedata.is_normalized("NFKC", narrowed):
        return narrowed
    return unicodedata.normalize("NFKC", narrowed)


def terms(query: str) -> list[str]:
    """The terms of a query: cut at its spaces (a reader's spaces separate
    words, even between Chinese ones), each in the normal form and once, in
    order; every term must match.

    >>> terms("Russian  federation russian")
    ['russian', 'federation']
    >>> terms("中国 俄罗斯　2020年")
    ['中国', '俄罗斯', '2020年']
    """
    words = unicodedata.normalize("NFKC", query).split()
    return list(dict.fromkeys(t for t in (normalize(w) for w in words) if t))


def like_pattern(term: str) -> str:
    """A ``LIKE`` pattern (escape character ``\\``) matching ``term``
    anywhere.

    >>> like_pattern("50%_")
    '%50\\\\%\\\\_%'
    """
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def snippet(text: str, query_terms: list[str], width: int = 80) -> str:
    """A passage of ``text`` (at most about ``width`` characters) around the
    first place one of ``query_terms`` occurs, with ``…`` where it is cut;
    the whole text when it is short.  Matched in the normal form's terms,
    so ``2020年8月`` finds ``2020 年 8 月``.

    >>> snippet("见 S/2020/797 号决议草案。", ["s/2020/797"], width=8)
    '…S/2020/797…'
    """
    plain = _SPACES.sub(" ", _nfkc(text)).strip()
    if len(plain) <= width:
        return plain
    start = end = 0
    for term in query_terms:
        pattern = r"\s*".join(re.escape(c) for c in term)
        found = re.search(pattern, plain, re.IGNORECASE)
        if found:
            start, end = found.span()
            break
    room = max(0, width - (end - start))
    lo = max(0, start - room // 2)
    hi = min(len(plain), max(end, lo + width))
    lo = max(0, min(lo, hi - width))
    return ("…" if lo > 0 else "") + plain[lo:hi].strip() + ("…" if hi < len(plain) else "")
