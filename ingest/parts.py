"""The documents a text file holds, each read as a source of its own.

Why: a Repertoire text is one UN document (a year's supplement, or one of
its parts), and the ingest reads one document at a time: its supplement
year, its footnote numbering, its pages.  A file that holds several one
after the other (years of supplements extracted into one text) read as one
document loses the later ones' footnotes (their numbering starts again and
is taken for disorder), dates every footnote by the commonest year, and
holds the layout and records of the whole file at once, however long.

Where one document ends: every page ends with its footer, which states the
document's job number and the page's number (``23-01234 57``).  A file's
documents are the runs of pages with one job number, cut after the last
footer of each run and the blank lines and running heads that end its
page with it.  A single footer with another number between two of the
same (a damaged line) does not cut.  A file with one job number, or none,
is one document: exactly the text
:func:`~councilkg.ingest.source.read_source` reads.  A document whose last
page has no footer (an excerpt cut inside a page) gives that page to the
next: nothing in the text tells where it ends.

The file is scanned as bytes, line by line, so finding the cuts holds no
more than a line; each document is then read alone (:func:`read_part`),
its lines numbered as in the file, so that every diagnostic and span names
the file's own line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import BinaryIO

from councilkg.ingest.layout import footer_match
from councilkg.ingest.lexicon import lexicon_languages, load_lexicon
from councilkg.ingest.source import ZERO_WIDTH, Source, read_source, source_from_bytes
from councilkg.ingest.text import fold

_FOOTER_BYTES = 80
"""Longer lines are not footers ("57 23-01234 (C)" is under 20 bytes):
the scan decodes only lines this short that hold a hyphen."""
_HEADER_BYTES = 400
"""Longer lines are not running heads (a Part's title, in English)."""


@dataclass(frozen=True, slots=True)
class Part:
    """One document of a text file: bytes ``[start, end)``, whose first line
    is line ``first_line`` of the file; ``index`` of ``count`` in the file."""

    path: str
    start: int
    end: int
    first_line: int
    index: int = 1
    count: int = 1
    job: str | None = None

    @property
    def size(self) -> int:
        """Bytes of the document."""
        return self.end - self.start

    @property
    def label(self) -> str | None:
        """Which document of its file this is, for reports; None for a file
        that is one document."""
        if self.count == 1:
            return None
        job = f"job {self.job}, " if self.job else ""
        return f"document {self.index} of {self.count} ({job}from line {self.first_line})"


@dataclass(slots=True)
class _Run:
    """Consecutive footers with one job number."""

    job: str
    footers: int
    next_line: int  # the first line after the page that ends with the run's last footer
    end: int  # and its byte offset


def parts_of(path: str | Path) -> list[Part]:
    """The documents of the file at ``path``, in order.

    A file that cannot be read is one part, whose reading reports why.
    """
    p = Path(path)
    try:
        size = p.stat().st_size
        with p.open("rb") as f:
            runs = _runs(_footers(f))
    except OSError:
        return [Part(str(p), 0, 0, 1)]
    if len(runs) < 2:
        return [Part(str(p), 0, size, 1, job=runs[0].job if runs else None)]
    starts = [(0, 1)] + [(run.end, run.next_line) for run in runs[:-1]]
    ends = [start for start, _ in starts[1:]] + [size]
    return [
        Part(str(p), start, end, first_line, n, len(runs), run.job)
        for n, ((start, first_line), end, run) in enumerate(zip(starts, ends, runs, strict=True), 1)
    ]


def read_part(part: Part) -> Source:
    """The document's text as a :class:`~councilkg.ingest.source.Source`.

    Raises:
        SourceError: unreadable, not UTF-8, binary or empty.
    """
    if part.count == 1:
        return read_source(part.path)  # the whole file, as it is now
    with Path(part.path).open("rb") as f:
        f.seek(part.start)
        data = f.read(part.size)
    return source_from_bytes(data, part.path, first_line=part.first_line)


def _footers(f: BinaryIO) -> Iterator[tuple[int, int, str]]:
    """Each footer line of the file: its job number, and where the text
    after its page starts (the first line that is neither blank nor a
    running head: the number of that line, and its byte offset).  Lines end as
    :func:`~councilkg.ingest.source.split_lines` ends them (``\\n``,
    ``\\r\\n``, ``\\r``), so the numbers are the ingest's own."""
    pending: str | None = None  # a footer's job, while blank lines and running heads follow it
    number = 0
    offset = 0
    for raw in f:
        end_raw = offset + len(raw)
        body = raw[:-1] if raw.endswith(b"\n") else raw
        if raw.endswith(b"\n") and body.endswith(b"\r"):
            body = body[:-1]
        pieces = body.split(b"\r")
        pos = offset
        for k, piece in enumerate(pieces):
            number += 1
            if pending is not None and piece.strip() and not _header(piece):
                yield number, pos, pending
                pending = None
            short = b"-" in piece and len(piece) <= _FOOTER_BYTES
            if short and (m := footer_match(_folded(piece))):
                pending = m["job"]
            pos = end_raw if k == len(pieces) - 1 else pos + len(piece) + 1
        offset = end_raw
    if pending is not None:
        yield number + 1, offset, pending


@cache
def _headers() -> tuple[re.Pattern[str], ...]:
    """Every edition's running heads: what may stand beside a footer at the
    end of a page, whatever the language of the file (the Part's title of
    a facing page too: the layout takes such a line for furniture wherever
    it stands, so no document loses a heading to its neighbour)."""
    return tuple(
        load_lexicon(language).pattern("furniture", name)
        for language in lexicon_languages()
        for name in ("running_header", "running_header_part")
    )


def _header(piece: bytes) -> bool:
    """Whether a line (bytes) is a running head."""
    if len(piece) > _HEADER_BYTES:
        return False
    text = _folded(piece)
    return any(header.match(text) for header in _headers())


def _folded(piece: bytes) -> str:
    """A line as the layout matches it: decoded, zero-width characters out,
    full-width forms folded (:class:`~councilkg.ingest.source.Line`)."""
    return fold(ZERO_WIDTH.sub("", piece.decode("utf-8", "replace")))


def _runs(footers: Iterable[tuple[int, int, str]]) -> list[_Run]:
    """The runs of footers with one job number, a lone footer between two
    runs of one number taken into them (a damaged line, not a document)."""
    runs: list[_Run] = []
    for number, end, job in footers:
        if runs and runs[-1].job == job:
            runs[-1].footers += 1
            runs[-1].next_line, runs[-1].end = number, end
            continue
        if len(runs) >= 2 and runs[-1].footers == 1 and runs[-2].job == job:
            stray = runs.pop()
            runs[-1].footers += stray.footers + 1
            runs[-1].next_line, runs[-1].end = number, end
            continue
        runs.append(_Run(job, 1, number, end))
    return runs
