"""Errors and coded diagnostics of the ingest.

Why one root error: the CLI catches :class:`IngestError` and prints one line
(``file:line:col: message``) with exit code 2, never a traceback.  Why coded
diagnostics: warnings about the source (a table note that is referenced but
missing, a vote whose counts contradict its per-member list) must be counted,
filtered and tested, so each carries a stable code.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class IngestError(Exception):
    """Root of every error the ingest raises on bad input."""


class SourceError(IngestError):
    """Input that cannot be read as Repertoire text, with its location.

    Args:
        path: the file the error is about.
        message: what was found and what was expected.
        line: 1-based line number, when known.
        column: 1-based column, when known.
        context: the offending line, shown under the message with a caret.
    """

    def __init__(
        self,
        path: str,
        message: str,
        *,
        line: int | None = None,
        column: int | None = None,
        context: str | None = None,
    ) -> None:
        self.path = path
        self.message = message
        self.line = line
        self.column = column
        self.context = context
        super().__init__(self.one_line())

    def one_line(self) -> str:
        """``path:line:col: message`` (the parts that are known)."""
        where = self.path
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {self.message}"

    def with_context(self) -> str:
        """The one-line form plus the source line and a caret under the column."""
        text = self.one_line()
        if self.context is not None:
            text += "\n    " + self.context
            if self.column is not None:
                text += "\n    " + " " * (self.column - 1) + "^"
        return text


class Code(StrEnum):
    """Stable codes of ingest diagnostics (``W`` warn, ``E`` contradiction)."""

    UNPARSED = "W001"  # text kept as an unparsed passage
    FOOTNOTE_NO_MARKER = "W002"  # a footnote whose marker was not found in the body
    MARKER_NO_FOOTNOTE = "W003"  # a marker whose footnote text is missing
    NOTE_MISSING = "W004"  # a table note referenced by a cell is absent
    NOTE_UNUSED = "W005"  # a table note no cell refers to
    UNKNOWN_ITEM = "W006"  # item title not in the curated key table
    UNKNOWN_NAME = "W007"  # a name the gazetteer or lexicon does not know
    UNRESOLVED_SHORT_FORM = "W008"  # 《条约》 etc. with no antecedent
    TABLE_ROW = "W009"  # a table row whose cells could not all be assigned
    TABLE_TRUNCATED = "W010"  # a table that ends before its rows
    COUNT_MISMATCH = "E001"  # vote counts contradict the per-member list
    ARTICLE27 = "E002"  # stated outcome contradicts Article 27 of the Charter
    NARRATIVE_COUNT = "E003"  # narrative count contradicts the table
    SPONSOR_TARGET = "W011"  # sponsor sentence with no single draft to attach to
    VOTER_NOT_MEMBER = "E004"  # a voter that is not a Council member that year
    FACT_SHORTFALL = "W012"  # a fact the text announces that was not extracted
    ZERO_WIDTH = "W013"  # zero-width characters removed from a line
    FOOTNOTE_SEQUENCE = "W014"  # a footnote number out of sequence (gap, repeat, disorder)
    NOTE_INCOMPLETE = "W015"  # a vote note that could not be read completely
    DUPLICATE_VOTER = "E005"  # a member listed twice in one vote note
    NARRATIVE_PARTIAL = "W016"  # a narrative count of one kind of event below the table's
    SEVERAL_DOCUMENTS = "W017"  # page footers of another job number: two documents read as one


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One coded finding about the source, located by line and character span."""

    code: Code
    message: str
    line: int
    start: int
    end: int

    def render(self, path: str) -> str:
        """``path:line: CODE message`` as printed by the CLI."""
        return f"{path}:{self.line}: {self.code.value} {self.message}"
