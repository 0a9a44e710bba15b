"""Reading a source file: bytes → checked text → lines with offsets.

Why a module of its own: everything downstream points back into the source by
character offset, so decoding, the hash and line splitting must happen once
and identically for every stage.  Line endings (``\\n``, ``\\r\\n``, ``\\r``)
are split without rewriting the text, so offsets stay offsets into the file
as decoded, whatever its line endings.  Zero-width characters (U+200B–U+200D,
U+2060, U+FEFF, soft hyphen) are the one exception: they carry no text and cut
tokens, so they are removed on reading, and offsets count the characters that
remain; the ingest reports each line where one was removed.
"""

from __future__ import annotations

import bisect
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from councilkg.ingest.errors import SourceError
from councilkg.ingest.slots import slot_init
from councilkg.ingest.text import fold

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\n|\r|$)")


@slot_init
@dataclass(frozen=True, slots=True)
class Line:
    """One physical line: 1-based number, start offset, text without its ending.

    ``folded`` is the same text with full-width forms folded (same length).
    """

    number: int
    start: int
    text: str
    folded: str

    @property
    def end(self) -> int:
        """Offset just past the last character (the line ending excluded)."""
        return self.start + len(self.text)

    @property
    def is_blank(self) -> bool:
        """Empty or whitespace only."""
        return not self.folded.strip()

    @property
    def trailing_space(self) -> bool:
        """The extractor marks the end of a block with a trailing space."""
        return bool(self.folded) and self.folded[-1].isspace() and bool(self.folded.strip())

    @property
    def indent(self) -> int:
        """Number of leading spaces."""
        return len(self.folded) - len(self.folded.lstrip())


@dataclass(frozen=True, slots=True)
class Source:
    """A decoded source file and its lines."""

    path: str
    name: str
    sha256: str
    size: int
    text: str
    lines: tuple[Line, ...]
    removed: tuple[int, ...] = ()  # offsets in ``text`` where zero-width characters stood
    # Each line's start offset, for :meth:`line_at`, which every fact's
    # provenance asks; filled from ``lines`` when not given.
    line_starts: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        if len(self.line_starts) != len(self.lines):
            object.__setattr__(self, "line_starts", tuple(ln.start for ln in self.lines))

    def line_at(self, offset: int) -> int:
        """1-based line number of the character at ``offset``."""
        if not self.lines:
            return 1
        return self.lines[max(bisect.bisect_right(self.line_starts, offset) - 1, 0)].number


def decode(data: bytes, path: str) -> str:
    """Decode UTF-8 (a BOM is allowed) or raise naming the byte offset.

    >>> decode(b"\\xef\\xbb\\xbfabc", "x.txt")
    'abc'
    >>> decode(b"ab\\xffc", "x.txt")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    councilkg.ingest.errors.SourceError: x.txt:1:3: invalid UTF-8 at byte offset 2 (byte 0xff); ...
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise SourceError(
            path,
            f"invalid UTF-8 at byte offset {exc.start} (byte 0x{data[exc.start]:02x}); "
            "expected UTF-8 text extracted from the Repertoire PDF",
            line=line,
            column=col,
        ) from None
    return text.removeprefix("\ufeff")


# Characters that carry no text but split tokens: a U+FEFF or U+200B inside
# ``S/PV.8733`` would otherwise cut the symbol in two.
ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")


def remove_zero_width(text: str) -> tuple[str, tuple[int, ...]]:
    """``text`` without zero-width characters, and where each one stood.

    Offsets everywhere downstream count characters of the cleaned text; the
    positions are kept so that the ingest can report the removal.

    >>> remove_zero_width("S/PV.\u200b87\ufeff33")
    ('S/PV.8733', (5, 7))
    """
    if not ZERO_WIDTH.search(text):
        return text, ()
    out: list[str] = []
    removed: list[int] = []
    pos = 0
    length = 0
    for m in ZERO_WIDTH.finditer(text):
        out.append(text[pos : m.start()])
        length += m.start() - pos
        removed.append(length)
        pos = m.end()
    out.append(text[pos:])
    return "".join(out), tuple(removed)


def split_lines(text: str, first_line: int = 1) -> tuple[Line, ...]:
    """Split into :class:`Line` objects keeping offsets, numbered from
    ``first_line`` (a document that starts further down its file).

    >>> [(ln.number, ln.start, ln.text) for ln in split_lines("a\\r\\nbc\\rd\\n")]
    [(1, 0, 'a'), (2, 3, 'bc'), (3, 6, 'd')]
    """
    lines: list[Line] = []
    pos = 0
    n = len(text)
    number = first_line - 1
    while pos < n:
        m = _LINE.match(text, pos)
        assert m is not None  # the pattern matches the empty string
        body = m.group(0).rstrip("\r\n")
        number += 1
        lines.append(Line(number, pos, body, fold(body)))
        if m.end() == pos:
            break
        pos = m.end()
    return tuple(lines)


def read_source(path: str | Path) -> Source:
    """Read, hash and decode ``path``; refuse empty and non-text files."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise SourceError(str(p), f"cannot read: {exc.strerror or exc}") from None
    return source_from_bytes(data, str(p))


def source_from_bytes(data: bytes, path: str, *, first_line: int = 1) -> Source:
    """Build a :class:`Source` from bytes already in memory (tests, stdin, one
    document of a file that holds several: :mod:`councilkg.ingest.parts`).

    ``first_line`` is the number in its file of the first line of ``data``,
    so that every line, diagnostic and span names the file's own line.
    """
    nul = data.find(b"\x00")
    if nul >= 0:
        raise SourceError(
            path,
            f"binary data (NUL byte at offset {nul}); "
            "expected UTF-8 text extracted from the Repertoire PDF",
        )
    text, removed = remove_zero_width(decode(data, path))
    if not text.strip():  # any whitespace, ideographic and no-break spaces included
        raise SourceError(path, "empty file; expected Repertoire text extracted from the PDF")
    return Source(
        path=path,
        name=Path(path).name,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        text=text,
        lines=split_lines(text, first_line),
        removed=removed,
    )
