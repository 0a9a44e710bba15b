"""Examples of the English lexicon's layout entries (see test_en.py):
(section, name) -> (an example the pattern finds, a near miss it does not)."""

from __future__ import annotations

EXAMPLES: dict[tuple[str, str], tuple[str, str]] = {}
