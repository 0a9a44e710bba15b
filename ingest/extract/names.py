"""Finding the names of the bilingual tables (roles, organizations,
instruments) in rejoined text, longest first.

Why not a dictionary lookup per token: Chinese has no word boundaries and
names nest (``欧盟外交与安全政策高级代表`` contains ``高级代表``), so one
alternation ordered by length finds each name once, at its longest.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from councilkg.ingest.lexicon import Named, named_table
from councilkg.ingest.memo import per_source_dict
from councilkg.ingest.slots import slot_init
from councilkg.ingest.text import fold


@slot_init
@dataclass(frozen=True, slots=True)
class NameMatch:
    """A name found at ``[start, end)``: the entries it may denote."""

    start: int
    end: int
    surface: str
    candidates: tuple[Named, ...]
    short: bool


_COMPACT: dict[str, str] = per_source_dict()
"""The index key of each name as found: a file names the same officials
and bodies again and again."""


def _compact(name: str) -> str:
    return "".join(fold(name).split())


def _spaced_pattern(name: str) -> str:
    """The pattern of a name written in words: any blank run (a line break
    included) between its words, and a line break allowed after a hyphen
    ("Non-" / "Proliferation" rejoined as "Non- Proliferation"); the match's
    compacted form is the index key, whatever blanks it held."""
    words = (re.escape(word).replace(r"\-", r"-\s*") for word in name.split())
    return r"\s+".join(words)


class NameFinder:
    """Longest-first finder over full names and short forms of some entries."""

    def __init__(self, entries: Iterable[Named], lang: str, *, shorts: bool = True) -> None:
        self.lang = lang
        index: dict[str, tuple[list[Named], bool]] = {}
        spelled: set[str] = set()  # the names as written, words kept apart
        for entry in entries:
            for name in entry.full_names(lang):
                cands, _ = index.setdefault(_compact(name), ([], False))
                cands.append(entry)
                spelled.add(" ".join(fold(name).split()))
            if shorts:
                for name in entry.short_names(lang):
                    key = _compact(name)
                    if key in index and not index[key][1]:
                        continue  # a full name wins over a short form
                    cands, _ = index.setdefault(key, ([], True))
                    cands.append(entry)
                    spelled.add(" ".join(fold(name).split()))
        self.index = {k: (tuple(v), short) for k, (v, short) in index.items()}
        alts = []
        if lang == "zh":
            for key in sorted(self.index, key=lambda k: (-len(k), k)):
                alts.append(r"\s*".join(re.escape(ch) for ch in key))
        else:
            for spaced in sorted(spelled, key=lambda k: (-len(_compact(k)), k)):
                alts.append(_spaced_pattern(spaced))
        body = "|".join(alts) if alts else r"(?!x)x"
        # Whole words: a name may end in a parenthesis ("resolution 2231
        # (2015)"), where a word boundary would refuse to end it.
        self.pattern = re.compile(body if lang == "zh" else rf"(?<!\w)(?:{body})(?!\w)")

    def find(self, text: str) -> list[NameMatch]:
        """All names in ``text``, left to right, not overlapping."""
        out = []
        compacts = _COMPACT
        for m in self.pattern.finditer(text):
            surface = m.group()
            key = compacts.get(surface)
            if key is None:
                key = compacts[surface] = _compact(surface)
            if key not in self.index:
                continue
            cands, short = self.index[key]
            out.append(NameMatch(m.start(), m.end(), surface, cands, short))
        return out


@cache
def finder(kind: str, lang: str, shorts: bool = True) -> NameFinder:
    """The finder for one table (``role``, ``organization``, ``instrument``,
    ``historical``) in ``lang``, built once."""
    return NameFinder(named_table(kind), lang, shorts=shorts)


@cache
def actor_finder(lang: str) -> NameFinder:
    """Organizations and historical entities together (one pass, longest wins)."""
    return NameFinder(named_table("organization") + named_table("historical"), lang, shorts=False)
