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
from councilkg.ingest.text import fold


@dataclass(frozen=True, slots=True)
class NameMatch:
    """A name found at ``[start, end)``: the entries it may denote."""

    start: int
    end: int
    surface: str
    candidates: tuple[Named, ...]
    short: bool


def _compact(name: str) -> str:
    return "".join(fold(name).split())


class NameFinder:
    """Longest-first finder over full names and short forms of some entries."""

    def __init__(self, entries: Iterable[Named], lang: str, *, shorts: bool = True) -> None:
        self.lang = lang
        index: dict[str, tuple[list[Named], bool]] = {}
        for entry in entries:
            for name in entry.full_names(lang):
                cands, _ = index.setdefault(_compact(name), ([], False))
                cands.append(entry)
            if shorts:
                for name in entry.short_names(lang):
                    key = _compact(name)
                    if key in index and not index[key][1]:
                        continue  # a full name wins over a short form
                    cands, _ = index.setdefault(key, ([], True))
                    cands.append(entry)
        self.index = {k: (tuple(v), short) for k, (v, short) in index.items()}
        sep = r"\s*" if lang == "zh" else r"\s+"
        alts = []
        for key in sorted(self.index, key=lambda k: (-len(k), k)):
            if lang == "zh":
                alts.append(sep.join(re.escape(ch) for ch in key))
            else:
                alts.append(re.escape(key).replace(r"\ ", sep))
        body = "|".join(alts) if alts else r"(?!x)x"
        self.pattern = re.compile(body if lang == "zh" else rf"\b(?:{body})\b")

    def find(self, text: str) -> list[NameMatch]:
        """All names in ``text``, left to right, not overlapping."""
        out = []
        for m in self.pattern.finditer(text):
            key = _compact(m.group())
            if key not in self.index:
                continue
            cands, short = self.index[key]
            out.append(NameMatch(m.start(), m.end(), m.group(), cands, short))
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
