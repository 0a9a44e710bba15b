"""UN document symbols: one grammar, a parser and a finder for running text.

Why this module exists: every fact in the knowledge graph that points at a UN
document (a resolution, a meeting record, a letter, the Council's annual
report to the General Assembly) must point at *one* node, whatever way the
Repertoire happened to write the reference.  The Chinese edition, as
extracted from PDF, writes the same document as ``S/RES/2231 (2015)``,
``S/RES/2231(2015)``, ``第 2231(2015)号决议``, ``第\\n2231(2015)号决议`` or
``https://undocs.org/ch/S/RES/2231(2015)``, sometimes with full-width
characters (``Ｓ／２０２０／７９７``) and sometimes broken across a line.  So:

* :func:`parse_symbol` turns one written symbol into a :class:`Symbol` whose
  :attr:`Symbol.key` (the symbol with all whitespace removed) is the identity
  used in the graph, and whose :attr:`Symbol.display` is the official form.
* :func:`find_symbols` finds every reference in running text and reports its
  span in the *original* text, so that facts can cite the exact characters.

The grammar is kept in one place (the ``_*_TEMPLATE`` and ``_*`` patterns just
below) and instantiated three times with different whitespace rules: lenient
for :func:`parse_symbol` (a caller handing us one symbol means it), strict
for running text (a space may not glue a symbol to an unrelated number), and
percent-encoded for undocs.org URLs.

>>> parse_symbol("S/RES/2231 (2015)").key
'S/RES/2231(2015)'
>>> [m.symbol.key for m in find_symbols("见 S/PV.8733。另见第 2231(2015)号决议。")]
['S/PV.8733', 'S/RES/2231(2015)']
"""

from __future__ import annotations

import bisect
import functools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from councilkg.ingest.errors import IngestError
from councilkg.ingest.lang import all_languages, languages
from councilkg.ingest.memo import per_source, per_source_dict
from councilkg.ingest.slots import slot_init

__all__ = [
    "DocumentKind",
    "Symbol",
    "SymbolError",
    "SymbolForm",
    "SymbolMatch",
    "find_symbols",
    "parse_symbol",
]

# ---------------------------------------------------------------------------
# The grammar
# ---------------------------------------------------------------------------
#
# All patterns run on NFKC-normalised text, so full-width ``Ｓ／（２０１５）``
# and the ideographic space have already become ``S/(2015)`` and `` ``.
#
# Placeholders filled in per use (see ``_Gaps``):
#   {lead_s} {lead_a}  how the leading ``S`` / ``A`` may be written
#   {h}     filler allowed *before* a ``/`` or ``.`` and inside parentheses
#   {w}     filler allowed *after* a ``/`` or ``.`` and before ``(``: this is
#           where a PDF line break may fall in running text
#   {lp} {rp}  an opening / closing parenthesis
#
# Security Council symbols (after ``S/``):
#   S/RES/<n> (<year>)                resolution (the year is part of the symbol)
#   S/PRST/<year>/<n>                 presidential statement
#   S/PV.<n> [(Resumption <n>)]       meeting record
#   S/Agenda/<n>                      provisional agenda of meeting <n>
#   S/<year>/<n>                      any other document, 1994 onwards
#   S/<n>                             any other document, before 1994
# General Assembly symbols (after ``A/``):
#   A/RES/<session>/<n>               resolution
#   A/<session>/<n>                   document (A/<session>/2 is the Council's report)
#   A/<session>/L.<n>, A/<session>/PV.<n>   draft / plenary record
#   <session> is a number, ``ES-<n>`` (emergency special) or ``S-<n>`` (special).
# Any of these may end in a chain of ``/Add.<n>``, ``/Rev.<n>``, ``/Corr.<n>``,
# ``/Amend.<n>`` (e.g. ``S/2020/1244/Add.1``, ``A/75/L.1/Rev.1/Corr.2``).

_NUM = r"[1-9]\d{0,4}(?!\d)"  # document numbers never have leading zeros
_YEAR = r"(?:19|20)\d\d(?!\d)"
_SESSION = r"(?:[1-9]\d{0,2}(?!\d)|(?i:ES|S)-[1-9]\d?(?!\d))"
_SUFFIX_WORD = r"(?i:Add|Rev|Corr|Amend)"

_SUFFIX_CHAIN_TEMPLATE = r"(?P<sfx>(?:{h}/{w}" + _SUFFIX_WORD + r"{h}\.{w}" + _NUM + r")*)"

_SYMBOL_TEMPLATE = (
    r"(?:"
    # --- Security Council -------------------------------------------------
    r"{lead_s}{h}/{w}(?:"
    r"(?i:RES){h}/{w}(?P<res_n>" + _NUM + r"){w}{lp}{h}(?P<res_y>" + _YEAR + r"){h}{rp}"
    r"|(?i:PRST){h}/{w}(?P<prst_y>" + _YEAR + r"){h}/{w}(?P<prst_n>" + _NUM + r")"
    r"|(?i:PV){h}\.{w}(?P<pv_n>" + _NUM + r")"
    r"(?:{w}{lp}{h}(?i:Resumption){h}(?P<pv_r>" + _NUM + r"){h}{rp})?"
    r"|(?i:Agenda){h}/{w}(?P<ag_n>" + _NUM + r")"
    r"|(?P<sy_y>" + _YEAR + r"){h}/{w}(?P<sy_n>" + _NUM + r")"
    # Old-style S/<n>: refused when a ``/`` follows (even after a line
    # break) that does not start a suffix, because then the text is a broken
    # S/<year>/<n>, and reporting S/<year> would invent a 1950s document.
    r"|(?P<old_n>" + _NUM + r")(?!{w}/(?!{w}" + _SUFFIX_WORD + r"))"
    r")"
    # --- General Assembly -------------------------------------------------
    r"|{lead_a}{h}/{w}(?:"
    r"(?i:RES){h}/{w}(?P<ares_s>" + _SESSION + r"){h}/{w}(?P<ares_n>" + _NUM + r")"
    r"|(?P<a_s>" + _SESSION + r"){h}/{w}"
    r"(?:(?P<a_l>(?i:L|PV)){h}\.{w})?(?P<a_n>" + _NUM + r")"
    r")"
    r")" + _SUFFIX_CHAIN_TEMPLATE
)

# Running text: the symbol must not continue a word, a number or a path
# (``https://undocs.org/ch/S/...`` is found by the URL pattern instead).
_LEFT_EDGE = r"(?<![A-Za-z0-9_/])"

# undocs.org links as printed in the link lists at the foot of each page.
_URL_PREFIX = r"https?://(?:www\.)?undocs\.org/(?:[A-Za-z]{2}/)?"

# Prose references to Council resolutions: each language declares its forms
# (``[symbols]`` of its lexicon, e.g. ``第 2231(2015)号决议``), written with
# ``{item}`` for one resolution as below and ``{year}`` for :data:`_YEAR`.
_RES_ITEM = r"[1-9]\d{0,4}\s*\(\s*" + _YEAR + r"\s*\)"

# English prose: ``resolution 2231 (2015)``,
# ``resolutions 1267 (1999), 1989 (2011) and 2253 (2015)``.  Recognised in
# every text (English names resolutions in every edition's footnotes); they
# move to ``lang/en/lexicon.toml`` when the English package lands.
_EN_RES_LIST = (
    r"(?<![A-Za-z])(?i:resolutions?)\s+"
    + _RES_ITEM
    + r"(?:\s*(?:,\s*(?:(?i:and|or)\s+)?|\s+(?i:and|or|as\s+well\s+as)\s+)"
    + _RES_ITEM
    + r")*"
)
_EN_RES_ONE = r"(?P<n>[1-9]\d{0,4})\s*\(\s*(?P<y>" + _YEAR + r")\s*\)"


@dataclass(frozen=True, slots=True)
class _Gaps:
    """How much filler one use of the grammar tolerates between its tokens."""

    lead_s: str
    lead_a: str
    h: str
    w: str
    lp: str
    rp: str


# parse_symbol: the caller says the whole string is a symbol, so any
# whitespace anywhere between tokens and any letter case is fine.
_LENIENT = _Gaps(lead_s="[Ss]", lead_a="[Aa]", h=r"\s*", w=r"\s*", lp=r"\(", rp=r"\)")
# Running text: spaces around ``/`` and ``.`` and before ``(``; a line break
# only right after ``/`` or ``.`` (or before the ``(`` of a year or
# resumption), where what follows must still continue the grammar.  The PDF
# extractor emits a wrapped line as ``\n`` or as ``\n\n`` (an empty line
# between the two halves, see data/samples), so one break may be followed by
# one empty line.  Never a space between two digits: ``S/2020/1324 2020 年``
# is S/2020/1324 followed by a date.
_WRAP = r"[ \t]*(?:\r?\n[ \t]*){0,2}"
_RUNNING = _Gaps(lead_s="S", lead_a="A", h=r"[ \t]*", w=_WRAP, lp=r"\(", rp=r"\)")
# undocs.org URLs: no whitespace, but percent-encoded spaces and parentheses.
_URL = _Gaps(
    lead_s="[Ss]", lead_a="[Aa]", h=r"(?:%20)*", w=r"(?:%20)*", lp=r"(?:\(|%28)", rp=r"(?:\)|%29)"
)


def _grammar(gaps: _Gaps) -> str:
    """The symbol grammar with its filler placeholders filled in.

    Not ``str.format``: the patterns are full of ``{0,4}`` quantifiers.
    """
    fill = {
        "lead_s": gaps.lead_s,
        "lead_a": gaps.lead_a,
        "h": gaps.h,
        "w": gaps.w,
        "lp": gaps.lp,
        "rp": gaps.rp,
    }
    return re.sub(r"\{(lead_s|lead_a|h|w|lp|rp)\}", lambda m: fill[m.group(1)], _SYMBOL_TEMPLATE)


_PARSE_RE = re.compile(_grammar(_LENIENT))
_FIND_RE = re.compile(_LEFT_EDGE + _grammar(_RUNNING))
_URL_RE = re.compile(_URL_PREFIX + _grammar(_URL))
_SUFFIX_PART_RE = re.compile(r"(?i)(add|rev|corr|amend)(?:\s|%20)*\.(?:\s|%20)*(\d+)")
_RES_WITHOUT_YEAR_RE = re.compile(r"[Ss]\s*/\s*RES\s*/\s*\d+", re.IGNORECASE)
_WHITESPACE_RE = re.compile(r"\s+")

_SUFFIX_CASE = {"add": "Add", "rev": "Rev", "corr": "Corr", "amend": "Amend"}
_EXPECTED = (
    "expected a UN document symbol such as S/RES/2231 (2015), S/PRST/2020/13, "
    "S/PV.8733, S/PV.8733 (Resumption 1), S/2020/797, S/25704, S/Agenda/8733, "
    "A/75/2, A/75/L.1, A/RES/75/1 or A/ES-10/L.22, optionally followed by "
    "/Add.<n>, /Rev.<n> or /Corr.<n>"
)

# undocs.org language segments: the six official languages, Chinese being "ch".
_UNDOCS_LANG = {
    "ar": "ar",
    "ch": "ch",
    "zh": "ch",
    "zh-cn": "ch",
    "zh-hans": "ch",
    "en": "en",
    "es": "es",
    "fr": "fr",
    "ru": "ru",
}


# ---------------------------------------------------------------------------
# Public types
# ---------------------------------------------------------------------------


class SymbolError(IngestError, ValueError):
    """Text that is not a UN document symbol.

    A ``ValueError`` because it is bad input to a pure function; an
    :class:`~councilkg.ingest.errors.IngestError` so that the CLI reports it as one line.
    """


class DocumentKind(StrEnum):
    """What a UN document is, as the knowledge graph classifies it.

    Only some kinds follow from the symbol alone (see
    :attr:`Symbol.kind_from_symbol`).  ``S/2020/797`` may be a draft
    resolution, a letter or a report of the Secretary-General: the symbol
    says nothing, the surrounding text (a table column, "秘书长的报告见")
    does.  Those context-only kinds are here so that one enum serves both.

    A ``StrEnum`` (a ``str`` and an ``Enum``): members compare equal to their
    values and ``str()`` gives the value, which is what goes into the graph.

    >>> DocumentKind("resolution") is DocumentKind.RESOLUTION, str(DocumentKind.AGENDA)
    (True, 'agenda')
    """

    RESOLUTION = "resolution"
    PRESIDENTIAL_STATEMENT = "presidential-statement"
    MEETING_RECORD = "meeting-record"
    DRAFT_RESOLUTION = "draft-resolution"
    LETTER = "letter"
    REPORT_OF_THE_SECRETARY_GENERAL = "report-of-the-secretary-general"
    REPORT_OF_THE_SECURITY_COUNCIL_TO_THE_GENERAL_ASSEMBLY = (
        "report-of-the-security-council-to-the-general-assembly"
    )
    GA_DOCUMENT = "ga-document"
    GA_RESOLUTION = "ga-resolution"
    AGENDA = "agenda"
    DOCUMENT = "document"  # generic S/<year>/<n> when the context is unknown


@slot_init
@dataclass(frozen=True, slots=True)
class Symbol:
    """One UN document symbol, in canonical form and taken apart.

    Attributes:
        key: the identity in the graph: the official symbol with every
            space removed (``S/RES/2231(2015)``, ``S/PV.8733(Resumption1)``).
            Two references denote the same document iff their keys are equal.
        display: the official written form (``S/RES/2231 (2015)``,
            ``S/PV.8733 (Resumption 1)``), for labels.
        series: ``S/RES``, ``S/PRST``, ``S/PV``, ``S/Agenda``, ``S``,
            ``A/RES`` or ``A``.
        year: the year in the symbol (resolutions, presidential statements,
            ``S/<year>/<n>``); ``None`` where the symbol has none.
        session: the General Assembly session of an ``A/...`` symbol.  It is a
            session, not a year (``A/75/2`` is from 2020), hence a separate
            field; ``None`` for special and emergency special sessions, whose
            label is in ``session_label``.
        number: the document's number within its series, as written
            (``"2231"``, ``"8733"``, ``"L.1"``).
        suffixes: the addendum/revision/corrigendum chain, in order
            (``("Rev.1", "Add.2")``).
        resumption: ``n`` of ``S/PV.<m> (Resumption n)``.
        session_label: the session as written in an ``A/...`` symbol
            (``"75"``, ``"ES-10"``, ``"S-27"``).

    >>> s = parse_symbol("Ｓ／ＰＶ．８７３３（Ｒｅｓｕｍｐｔｉｏｎ　１）")
    >>> s.display, s.key, s.resumption
    ('S/PV.8733 (Resumption 1)', 'S/PV.8733(Resumption1)', 1)
    """

    key: str
    display: str
    series: str
    year: int | None
    session: int | None
    number: str
    suffixes: tuple[str, ...]
    resumption: int | None
    session_label: str | None = None

    def __str__(self) -> str:
        return self.display

    @property
    def kind_from_symbol(self) -> DocumentKind:
        """The kind that the symbol alone determines.

        ``A/<session>/2`` is always the Security Council's annual report to
        the General Assembly, which the Repertoire cites constantly; every
        other ``A/...`` document is a generic GA document, and every
        ``S/<year>/<n>`` a generic :attr:`DocumentKind.DOCUMENT` until context
        says more.

        >>> parse_symbol("A/75/2").kind_from_symbol.value
        'report-of-the-security-council-to-the-general-assembly'
        >>> parse_symbol("S/2020/797").kind_from_symbol.value
        'document'
        """
        match self.series:
            case "S/RES":
                return DocumentKind.RESOLUTION
            case "S/PRST":
                return DocumentKind.PRESIDENTIAL_STATEMENT
            case "S/PV":
                return DocumentKind.MEETING_RECORD
            case "S/Agenda":
                return DocumentKind.AGENDA
            case "A/RES":
                return DocumentKind.GA_RESOLUTION
            case "A":
                if self.session is not None and self.number == "2":
                    return DocumentKind.REPORT_OF_THE_SECURITY_COUNCIL_TO_THE_GENERAL_ASSEMBLY
                return DocumentKind.GA_DOCUMENT
            case _:
                return DocumentKind.DOCUMENT

    def undocs_url(self, lang: str) -> str:
        """The undocs.org link for this document in one official language.

        The UN's language segment for Chinese is ``ch``, not ``zh``; ``zh``
        is accepted and mapped, since the rest of the project uses ISO codes.

        >>> parse_symbol("S/RES/2231 (2015)").undocs_url("zh")
        'https://undocs.org/ch/S/RES/2231(2015)'
        >>> parse_symbol("S/PV.8733 (Resumption 1)").undocs_url("en")
        'https://undocs.org/en/S/PV.8733(Resumption1)'
        """
        code = _UNDOCS_LANG.get(lang.strip().lower())
        if code is None:
            raise ValueError(
                f"unknown undocs.org language {lang!r}; expected one of "
                f"{', '.join(sorted(_UNDOCS_LANG))}"
            )
        return f"https://undocs.org/{code}/{self.key}"


SymbolForm = Literal["symbol", "prose-resolution", "url"]


@slot_init
@dataclass(frozen=True, slots=True)
class SymbolMatch:
    """One reference found in running text.

    ``start``/``end`` index the *original* text given to :func:`find_symbols`
    (not its normalised form), so ``text[start:end]`` is what was written.
    ``form`` says how it was written: a bare symbol, a prose reference to a
    Council resolution (``第 2231(2015)号决议``, ``resolution 2231 (2015)``)
    or an undocs.org URL.
    """

    start: int
    end: int
    symbol: Symbol
    form: SymbolForm


# ---------------------------------------------------------------------------
# Parsing
# ---------------------------------------------------------------------------


def _build(
    series: str,
    number: str,
    *,
    year: int | None = None,
    session_label: str | None = None,
    suffixes: tuple[str, ...] = (),
    resumption: int | None = None,
) -> Symbol:
    """Assemble a :class:`Symbol`, deriving ``display`` and ``key`` in one place."""
    if series == "S/RES":
        display = f"S/RES/{number} ({year})"
    elif series == "S/PRST":
        display = f"S/PRST/{year}/{number}"
    elif series == "S/PV":
        display = f"S/PV.{number}"
        if resumption is not None:
            display += f" (Resumption {resumption})"
    elif series == "S/Agenda":
        display = f"S/Agenda/{number}"
    elif series == "S":
        display = f"S/{year}/{number}" if year is not None else f"S/{number}"
    else:  # "A/RES" or "A"
        display = f"{series}/{session_label}/{number}"
    display += "".join("/" + suffix for suffix in suffixes)
    session = int(session_label) if session_label is not None and session_label.isdigit() else None
    return Symbol(
        key=_WHITESPACE_RE.sub("", display),
        display=display,
        series=series,
        year=year,
        session=session,
        number=number,
        suffixes=suffixes,
        resumption=resumption,
        session_label=session_label,
    )


def _symbol_from_match(m: re.Match[str]) -> Symbol:
    """Read the :class:`Symbol` out of a match of the grammar (any gap variant)."""
    g = m.group
    suffixes = tuple(
        f"{_SUFFIX_CASE[word.lower()]}.{int(n)}" for word, n in _SUFFIX_PART_RE.findall(g("sfx"))
    )
    if g("res_n"):
        return _build("S/RES", g("res_n"), year=int(g("res_y")), suffixes=suffixes)
    if g("prst_n"):
        return _build("S/PRST", g("prst_n"), year=int(g("prst_y")), suffixes=suffixes)
    if g("pv_n"):
        resumption = int(g("pv_r")) if g("pv_r") else None
        return _build("S/PV", g("pv_n"), resumption=resumption, suffixes=suffixes)
    if g("ag_n"):
        return _build("S/Agenda", g("ag_n"), suffixes=suffixes)
    if g("sy_n"):
        return _build("S", g("sy_n"), year=int(g("sy_y")), suffixes=suffixes)
    if g("old_n"):
        return _build("S", g("old_n"), suffixes=suffixes)
    if g("ares_n"):
        label = g("ares_s").upper()
        return _build("A/RES", g("ares_n"), session_label=label, suffixes=suffixes)
    label = g("a_s").upper()
    number = f"{g('a_l').upper()}.{g('a_n')}" if g("a_l") else g("a_n")
    return _build("A", number, session_label=label, suffixes=suffixes)


def parse_symbol(text: str) -> Symbol:
    """Parse one UN document symbol written in any reasonable form.

    Tolerates what PDF extraction and typists produce: NFKC-foldable
    full-width characters, spaces (and line breaks) between the tokens,
    lower-case keywords, surrounding whitespace and an undocs.org URL.
    Anything else raises :class:`SymbolError`, because a wrong key silently
    creates a second node for the same document.

    >>> parse_symbol("S/ 2020/797").display
    'S/2020/797'
    >>> parse_symbol("S/2020/1244/add.1").suffixes
    ('Add.1',)
    >>> parse_symbol("A/RES/75/1").series, parse_symbol("A/RES/75/1").session
    ('A/RES', 75)
    >>> try:
    ...     parse_symbol("第 26 段")
    ... except SymbolError as error:
    ...     print(error)  # doctest: +ELLIPSIS
    '第 26 段' is not a UN document symbol; expected a UN document symbol such as ...
    """
    norm = unicodedata.normalize("NFKC", text).strip()
    m = _URL_RE.fullmatch(norm) or _PARSE_RE.fullmatch(norm)
    if m is not None:
        return _symbol_from_match(m)
    if _RES_WITHOUT_YEAR_RE.fullmatch(norm):
        raise SymbolError(
            f"{text!r} is not a complete UN document symbol: a Security Council "
            f"resolution symbol includes its year, e.g. S/RES/2231 (2015)"
        )
    raise SymbolError(f"{text!r} is not a UN document symbol; {_EXPECTED}")


# ---------------------------------------------------------------------------
# Finding symbols in running text
# ---------------------------------------------------------------------------

_NFKC_CACHE: dict[str, str] = {}


class _OneToOne(dict[int, str]):
    """``str.translate`` table: each code point to its NFKC form when that is
    one character; code points whose NFKC form has another length are left
    alone and remembered in ``expanding`` (their text takes the slow path)."""

    def __init__(self) -> None:
        super().__init__()
        self.expanding: set[str] = set()
        self._re: re.Pattern[str] | None = None

    def __missing__(self, cp: int) -> str:
        ch = chr(cp)
        norm = unicodedata.normalize("NFKC", ch)
        if len(norm) != 1:
            self.expanding.add(ch)
            self._re = None
            norm = ch
        self[cp] = norm
        return norm

    def expanding_re(self) -> re.Pattern[str]:
        if self._re is None:
            self._re = re.compile("[" + "".join(re.escape(c) for c in sorted(self.expanding)) + "]")
        return self._re


_ONE_TO_ONE = _OneToOne()
# Every reference contains one of these (a symbol a slash, an English prose
# reference "resolution"), or one of the quick keys of a language (its forms
# of the slash, its prose references); text without any is skipped unparsed.
_QUICK_KEYS = ("/", "olution", "OLUTION")


@dataclass(frozen=True, slots=True)
class _ProseForms:
    """Prose references to resolutions: the patterns of a list and of one
    resolution in it, of every registered language and English, and the
    strings one of which every reference holds."""

    forms: tuple[tuple[re.Pattern[str], re.Pattern[str]], ...]
    quick_keys: tuple[str, ...]
    quick: re.Pattern[str]  # any of ``quick_keys``: one scan instead of one per key


@functools.cache
def _prose_forms() -> _ProseForms:
    forms: list[tuple[re.Pattern[str], re.Pattern[str]]] = []
    keys = list(_QUICK_KEYS)
    for language in all_languages():
        list_form, one_form = language.resolution_patterns(_RES_ITEM, _YEAR)
        forms.append((re.compile(list_form), re.compile(one_form)))
        keys += [k for k in language.quick_keys if k not in keys]
    if "en" not in languages():
        forms.append((re.compile(_EN_RES_LIST), re.compile(_EN_RES_ONE)))
    quick = re.compile("|".join(re.escape(key) for key in keys))
    return _ProseForms(tuple(forms), tuple(keys), quick)


def _normalise_with_offsets(text: str) -> tuple[str, Sequence[int], Sequence[int]]:
    """NFKC-normalise ``text`` character by character, remembering origins.

    Returns the normalised text and, for each of its characters, the start
    and end offset of the original character it came from.  Character by
    character (rather than the whole string at once) so that every
    normalised character has exactly one origin; the difference only
    matters for combining sequences, which never occur inside a symbol.
    """
    if text.isascii():  # NFKC leaves ASCII alone
        return text, range(len(text)), range(1, len(text) + 1)
    norm = text.translate(_ONE_TO_ONE)
    if not (_ONE_TO_ONE.expanding and _ONE_TO_ONE.expanding_re().search(text)):
        # The common case: every character normalises to one character, so
        # the offsets are the identity and the translation ran in C.
        return norm, range(len(text)), range(1, len(text) + 1)
    pieces: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for i, ch in enumerate(text):
        if ch.isascii():
            norm = ch
        else:
            cached = _NFKC_CACHE.get(ch)
            if cached is None:
                cached = unicodedata.normalize("NFKC", ch)
                _NFKC_CACHE[ch] = cached
            norm = cached
        pieces.append(norm)
        starts.extend([i] * len(norm))
        ends.extend([i + 1] * len(norm))
    return "".join(pieces), starts, ends


def find_symbols(text: str) -> list[SymbolMatch]:
    """Find every UN document reference in running text, in text order.

    Recognises bare symbols (``见 S/PV.8733。``), undocs.org URLs and prose
    references to Security Council resolutions in Chinese
    (``第 2231(2015)号决议``, lists ending in ``号决议``) and English
    (``resolutions 2216 (2015) and 2231 (2015)``).  Trailing punctuation is
    never part of a symbol, because the grammar only consumes a ``.``, ``/``
    or ``(`` when the grammar continues after it.  Spans index ``text``
    itself; when a span boundary falls inside a character that NFKC expands
    to several (never the case for real symbols), the span covers that
    whole character.

    >>> t = "中国代表的信(S/2020/817)和(S/2020/923)；见 A/75/2，第一编。"
    >>> [(t[m.start:m.end], m.symbol.key) for m in find_symbols(t)]
    [('S/2020/817', 'S/2020/817'), ('S/2020/923', 'S/2020/923'), ('A/75/2', 'A/75/2')]
    >>> [m.form for m in find_symbols("第 2216(2015)号和第\\n2231(2015)号决议")]
    ['prose-resolution', 'prose-resolution']
    """
    return list(_symbols_in(text))


_READ: dict[tuple[str, ...], Symbol] = per_source_dict()
"""The symbol each matched string reads as, by form: a file cites the same
documents again and again."""


@per_source
def _symbols_in(text: str) -> tuple[SymbolMatch, ...]:
    """:func:`find_symbols`, kept for the source: a block's text is searched
    by the documents, the citations and the footnotes alike."""
    prose = _prose_forms()
    if not prose.quick.search(text):
        return ()  # no slash and no prose reference: nothing can match
    norm, starts, ends = _normalise_with_offsets(text)
    # Higher-priority forms first: a URL contains a symbol, and a symbol
    # is never part of a prose reference, so earlier finds win overlaps.
    candidates: list[tuple[int, int, Symbol, SymbolForm]] = []
    read = _READ
    for m in _URL_RE.finditer(norm):
        symbol = read.get(("url", m.group()))
        if symbol is None:
            symbol = read[("url", m.group())] = _symbol_from_match(m)
        candidates.append((m.start(), m.end(), symbol, "url"))
    for m in _FIND_RE.finditer(norm):
        symbol = read.get(("symbol", m.group()))
        if symbol is None:
            symbol = read[("symbol", m.group())] = _symbol_from_match(m)
        candidates.append((m.start(), m.end(), symbol, "symbol"))
    for list_re, one_re in prose.forms:
        for lm in list_re.finditer(norm):
            for i, om in enumerate(one_re.finditer(norm, lm.start(), lm.end())):
                n, y = om.group("n"), om.group("y")
                symbol = read.get(("prose", n, y))
                if symbol is None:
                    symbol = read[("prose", n, y)] = _build("S/RES", n, year=int(y))
                start = lm.start() if i == 0 else om.start()
                candidates.append((start, om.end(), symbol, "prose-resolution"))

    # Accepted spans are disjoint, so kept sorted by start their ends are
    # sorted too, and one bisection finds the only neighbours to check.
    kept_starts: list[int] = []
    kept: list[tuple[int, int, Symbol, SymbolForm]] = []
    for cand in candidates:
        i = bisect.bisect_left(kept_starts, cand[0])
        if i > 0 and kept[i - 1][1] > cand[0]:
            continue
        if i < len(kept) and kept[i][0] < cand[1]:
            continue
        kept_starts.insert(i, cand[0])
        kept.insert(i, cand)
    return tuple(
        SymbolMatch(start=starts[s], end=ends[e - 1], symbol=sym, form=form)
        for s, e, sym, form in kept
    )
