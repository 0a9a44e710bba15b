"""What a footnote marker looks like as a token of the text.

Kept apart from :mod:`councilkg.ingest.markers` (which finds the markers of a
document's body blocks) because the layout needs the token grammar too — to
tell a footnote's opening number from a number inside the body — and sits
below the marker search: the layout builds the blocks the search walks.
"""

from __future__ import annotations

import re
from functools import cache

# What may not stand right before or after a marker: parts of larger numbers,
# symbols, dates, counters and paragraph references.
_BEFORE = r"(?<![\d/.\-A-Za-z(])(?<!\d\s)"
_AFTER = r"(?![\d(/.\-%A-Za-z]|\s*{counters})"


@cache
def marker_pattern(number: int, counter_suffix: str) -> re.Pattern[str]:
    """The pattern of footnote marker ``number`` as a free-standing token.

    ``counter_suffix`` (from the lexicon) matches what makes a number a
    count, date or reference instead (``年``, ``段``; ``per cent``).
    """
    return re.compile(_BEFORE + str(number) + _AFTER.replace("{counters}", counter_suffix))
