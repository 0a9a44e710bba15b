"""Gazetteer of the States that appear in the Security Council's record.

The Repertoire names States in many ways: the UN short name (``越南``,
``Viet Nam``), the formal name (``越南社会主义共和国``), the forms its prose
prefers (``联合王国``, ``美国``, ``United Kingdom``) and, in older volumes, former
names (``Swaziland``, ``前南斯拉夫的马其顿共和国``).  Every one of them must land on
the same node of the graph, so this module maps all of them to one
:class:`State`, keyed by ISO 3166-1 alpha-3 code.

The data is ``ingest/data/states.csv`` (the 193 Member States and the two
non-member observer States), shipped as package data so an installed copy
resolves names without the repository.

Two operations matter:

* :meth:`Gazetteer.lookup` resolves one name that is already isolated (a cell
  of a voting table, a speaker's label).  It is exact, up to width, case (in
  English), whitespace and a leading "the".
* :meth:`Gazetteer.find_all` finds every State named in running text.  It
  prefers the longest name at each position, so ``伊朗伊斯兰共和国`` is one
  mention of Iran rather than ``伊朗`` plus noise, and ``尼日利亚`` never yields
  ``尼日尔``.  PDF extraction scatters spaces and line breaks between CJK
  characters, so in Chinese any whitespace is allowed between the characters
  of a name; offsets always point into the text as given.

>>> gz = Gazetteer.load()
>>> gz.lookup("联合王国").iso3
'GBR'
>>> [(s, e, st.iso3) for s, e, st in gz.find_all("伊朗伊 斯兰共和国和美国", "zh")]
[(0, 9, 'IRN'), (10, 12, 'USA')]
"""

from __future__ import annotations

import csv
import functools
import io
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib.resources import files

from councilkg.ingest.lang import get, languages
from councilkg.ingest.language import LANGS
from councilkg.ingest.memo import per_source_dict

__all__ = ["COLUMNS", "Gazetteer", "State", "default_gazetteer", "parse_states_csv"]

#: Columns of ``states.csv``, in order.  Checked on load so that a reordered or
#: renamed column fails loudly instead of silently shifting names around.
COLUMNS: tuple[str, ...] = (
    "iso3",
    "m49",
    "status",
    "name_en",
    "formal_en",
    "name_zh",
    "formal_zh",
    "aliases_en",
    "aliases_zh",
    "wikidata",
)

_STATUSES = frozenset({"member", "observer"})

# Expressions that contain a State's name but do not name that State (they
# take part in longest-match like names, and a match on one of them is
# dropped): each language's lexicon declares its own (``[gazetteer]
# not_states``).  The English ones stay here until the English edition has
# its language package (``lang/en/``); they serve the English names meanwhile.
_NOT_STATES_WITHOUT_LEXICON: dict[str, tuple[str, ...]] = {
    "en": (
        "Gulf of Guinea",
        "New Guinea",
        "Lake Chad",
        "Niger River",
        "Niger Delta",
        "Jordan River",
        "Jordan Valley",
        "Northern Ireland",
        "American Samoa",
        "Congo River",
        "Congo Basin",
        "Serbia and Montenegro",
    ),
}

# Variants folded before comparison that NFKC leaves alone.
_PUNCT = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "‐": "-", "‑": "-"})

# Source characters that fold to each normalised character: the pattern built
# from a normalised name must still match the unnormalised text.
_VARIANTS: dict[str, str] = {chr(cp): chr(cp) + chr(cp + 0xFEE0) for cp in range(0x21, 0x7F)}
_VARIANTS["'"] += "’‘ʼ"
_VARIANTS["-"] += "‐‑"

# How far before a State's name its language's ``not_after`` patterns look.
_NOT_AFTER_WINDOW = 10


def _window(start: int) -> int:
    """Where the text before a name at ``start`` is read from."""
    return max(0, start - _NOT_AFTER_WINDOW)


def _not_states(lang: str) -> tuple[str, ...]:
    """The expressions that hide the State names inside them, in ``lang``."""
    if lang in languages():
        return get(lang).not_states
    return _NOT_STATES_WITHOUT_LEXICON.get(lang, ())


def _not_after(lang: str) -> tuple[tuple[str, re.Pattern[str]], ...]:
    """(ISO3, pattern): that State is not named after text ending so, in ``lang``."""
    return get(lang).not_after if lang in languages() else ()


@functools.cache
def _not_after_by_state(lang: str) -> dict[str, tuple[re.Pattern[str], ...]]:
    """:func:`_not_after` by State: most names found have none to check."""
    out: dict[str, tuple[re.Pattern[str], ...]] = {}
    for iso3, before in _not_after(lang):
        out[iso3] = (*out.get(iso3, ()), before)
    return out


_KEYS: dict[tuple[str, str], str] = per_source_dict()
"""The key of each name as found (:func:`_key`), by language: a file names
the same States again and again."""


def _fold(text: str) -> str:
    """Width- and punctuation-fold ``text`` (NFKC plus apostrophes/hyphens)."""
    return unicodedata.normalize("NFKC", text).translate(_PUNCT)


def _check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise ValueError(f"unsupported language {lang!r}; expected one of {LANGS}")
    return lang


def _display(name: str, lang: str) -> str:
    """The folded form of a name that patterns are built from."""
    text = " ".join(_fold(name).split())
    if lang == "en" and text[:4].casefold() == "the ":
        text = text[4:]
    return text if lang == "en" else "".join(text.split())


def _key(name: str, lang: str) -> str:
    """The comparison key of a name: folded, without whitespace, caseless in English.

    Whitespace is dropped entirely rather than collapsed because a PDF may
    break a name anywhere, including inside a word; the load-time collision
    check guarantees that no two States share a key.
    """
    text = _display(name, lang)
    if lang == "en":
        text = text.casefold()
    return "".join(text.split())


@dataclass(frozen=True, slots=True)
class State:
    """A Member State or non-member observer State of the United Nations."""

    iso3: str
    m49: str
    status: str
    name_en: str
    formal_en: str
    name_zh: str
    formal_zh: str
    aliases_en: tuple[str, ...]
    aliases_zh: tuple[str, ...]
    wikidata: str | None

    @property
    def is_member(self) -> bool:
        """True for a Member State, False for an observer State."""
        return self.status == "member"

    def names(self, lang: str) -> tuple[str, ...]:
        """Every name of this State in ``lang`` ('zh' or 'en'), short name first.

        >>> Gazetteer.load().get("USA").names("zh")
        ('美利坚合众国', '美国')
        """
        if _check_lang(lang) == "zh":
            candidates = (self.name_zh, self.formal_zh, *self.aliases_zh)
        else:
            candidates = (self.name_en, self.formal_en, *self.aliases_en)
        return tuple(dict.fromkeys(n for n in candidates if n))


class _Node:
    """A node of the character trie that patterns are compiled from."""

    __slots__ = ("children", "terminal")

    def __init__(self) -> None:
        self.children: dict[str, _Node] = {}
        self.terminal = False


def _atom(ch: str) -> str:
    if ch == " ":
        return r"\s+"
    forms = _VARIANTS.get(ch, ch)
    if len(forms) == 1:
        return re.escape(forms)
    return "[" + "".join(re.escape(c) for c in forms) + "]"


def _emit(node: _Node, sep: str, *, root: bool = False) -> str:
    """Regex for everything below ``node``: deeper alternatives are tried first.

    Siblings start with disjoint characters, so at most one branch can go on
    matching; with the greedy ``?`` on terminal nodes this yields the longest
    name at a position without trying names one by one.
    """
    if not node.children:
        return ""
    alts = [_atom(ch) + _emit(child, sep) for ch, child in sorted(node.children.items())]
    body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
    if not root:
        body = sep + body
    return "(?:" + body + ")?" if node.terminal else body


@dataclass(frozen=True, slots=True)
class _Matcher:
    pattern: re.Pattern[str]
    index: dict[str, State | None]  # None marks a phrase that is not a State


def _build_matcher(states: Iterable[State], lang: str) -> _Matcher:
    index: dict[str, State | None] = {}
    root = _Node()
    entries: list[tuple[str, State | None]] = [(p, None) for p in _not_states(lang)]
    entries += [(n, st) for st in states for n in st.names(lang)]
    for name, state in entries:
        display = _display(name, lang)
        index.setdefault(_key(display, lang), state)
        node = root
        for ch in display:
            node = node.children.setdefault(ch, _Node())
        node.terminal = True
    if lang == "zh":
        body = _emit(root, r"\s*", root=True)
    else:  # names are whole words in English: "Niger" is not in "Nigeria"
        body = r"(?<!\w)(?:" + _emit(root, "", root=True) + r")(?!\w)"
    return _Matcher(re.compile(body), index)


def _split(cell: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in cell.split("|") if part.strip())


def parse_states_csv(text: str) -> list[State]:
    """Parse the text of ``states.csv`` into States, checking its shape."""
    reader = csv.DictReader(io.StringIO(text))
    if tuple(reader.fieldnames or ()) != COLUMNS:
        raise ValueError(f"states.csv columns are {reader.fieldnames}, expected {list(COLUMNS)}")
    states: list[State] = []
    for line, row in enumerate(reader, start=2):
        if row["status"] not in _STATUSES:
            raise ValueError(f"states.csv line {line}: bad status {row['status']!r}")
        states.append(
            State(
                iso3=row["iso3"],
                m49=row["m49"],
                status=row["status"],
                name_en=row["name_en"],
                formal_en=row["formal_en"],
                name_zh=row["name_zh"],
                formal_zh=row["formal_zh"],
                aliases_en=_split(row["aliases_en"]),
                aliases_zh=_split(row["aliases_zh"]),
                wikidata=row["wikidata"] or None,
            )
        )
    return states


class Gazetteer:
    """All States with indexes by code and by every name, in both languages.

    Construction refuses data in which one name (after normalisation) belongs
    to two States: such a name cannot be resolved, and silently picking one
    would put facts on the wrong State.
    """

    __slots__ = ("_by_iso3", "_by_name", "_matchers", "_states")

    def __init__(self, states: Iterable[State]) -> None:
        self._states: tuple[State, ...] = tuple(sorted(states, key=lambda s: s.iso3))
        self._by_iso3: dict[str, State] = {}
        for st in self._states:
            if st.iso3 in self._by_iso3:
                raise ValueError(f"duplicate iso3 {st.iso3!r}")
            self._by_iso3[st.iso3] = st
        self._by_name: dict[str, dict[str, State]] = {lang: {} for lang in LANGS}
        for lang in LANGS:
            index = self._by_name[lang]
            for st in self._states:
                for name in st.names(lang):
                    other = index.setdefault(_key(name, lang), st)
                    if other is not st:
                        raise ValueError(
                            f"{lang} name {name!r} of {st.iso3} collides with {other.iso3}"
                        )
        self._matchers: dict[str, _Matcher] = {}

    @classmethod
    def load(cls) -> Gazetteer:
        """The gazetteer of the packaged ``states.csv`` (built once per process)."""
        return default_gazetteer()

    def get(self, iso3: str) -> State:
        """The State with ISO 3166-1 alpha-3 code ``iso3`` (any case)."""
        try:
            return self._by_iso3[iso3.upper()]
        except KeyError:
            raise KeyError(
                f"no State with ISO 3166-1 alpha-3 code {iso3!r} in the gazetteer "
                f"({len(self._states)} States: UN Members and observer States only)"
            ) from None

    def lookup(self, name: str, lang: str | None = None) -> State | None:
        """The State that ``name`` names exactly, or None.

        Width (``（`` vs ``(``), whitespace, case and a leading "the" are
        ignored in English; width and whitespace in Chinese.  With ``lang``
        None both languages are tried.  Nothing is guessed: an organization
        or a former State (``苏维埃社会主义共和国联盟``) gives None.

        >>> Gazetteer.load().lookup("the United Kingdom", "en").iso3
        'GBR'
        >>> Gazetteer.load().lookup("欧洲联盟") is None
        True
        """
        langs = LANGS if lang is None else (_check_lang(lang),)
        for lg in langs:
            state = self._by_name[lg].get(_key(name, lg))
            if state is not None:
                return state
        return None

    def find_all(self, text: str, lang: str) -> list[tuple[int, int, State]]:
        """Every State named in ``text``, as ``(start, end, state)`` left to right.

        Matches do not overlap and the longest name wins at each position.
        Offsets index ``text`` itself; in Chinese a match may span the spaces
        and line breaks that PDF extraction puts between characters.

        >>> gz = Gazetteer.load()
        >>> [st.iso3 for _, _, st in gz.find_all("尼日利亚和尼日尔；发展中国家", "zh")]
        ['NGA', 'NER']
        >>> [st.iso3 for _, _, st in gz.find_all("the Niger and Nigeria", "en")]
        ['NER', 'NGA']
        """
        matcher = self._matcher(_check_lang(lang))
        not_after = _not_after_by_state(lang)
        keys = _KEYS
        found: list[tuple[int, int, State]] = []
        for m in matcher.pattern.finditer(text):
            surface = m.group()
            key = keys.get((surface, lang))
            if key is None:
                key = keys[(surface, lang)] = _key(surface, lang)
            state = matcher.index.get(key)
            if state is None:
                continue
            befores = not_after.get(state.iso3)
            if befores and any(
                before.search(text, _window(m.start()), m.start()) for before in befores
            ):
                continue  # "18 日本届会议": a date, then 本
            found.append((m.start(), m.end(), state))
        return found

    def members(self) -> tuple[State, ...]:
        """The Member States (observer States excluded), sorted by iso3."""
        return tuple(st for st in self._states if st.is_member)

    def observers(self) -> tuple[State, ...]:
        """The non-member observer States, sorted by iso3."""
        return tuple(st for st in self._states if not st.is_member)

    def __iter__(self) -> Iterator[State]:
        return iter(self._states)

    def __len__(self) -> int:
        return len(self._states)

    def __contains__(self, iso3: object) -> bool:
        return isinstance(iso3, str) and iso3.upper() in self._by_iso3

    def __repr__(self) -> str:
        return f"<Gazetteer of {len(self._states)} States>"

    def _matcher(self, lang: str) -> _Matcher:
        # Compiled on first use: a process that only resolves English names
        # never pays for the Chinese pattern.
        matcher = self._matchers.get(lang)
        if matcher is None:
            matcher = self._matchers[lang] = _build_matcher(self._states, lang)
        return matcher


@functools.cache
def default_gazetteer() -> Gazetteer:
    """The gazetteer of the packaged ``states.csv``, parsed once and shared."""
    resource = files("councilkg.ingest") / "data" / "states.csv"
    return Gazetteer(parse_states_csv(resource.read_text(encoding="utf-8")))
