"""Stage 2 output: typed, language-neutral records, each with its provenance.

Why frozen dataclasses: records are the diffable boundary between extraction
and RDF (``councilkg ingest --records out.jsonl``), so they must be immutable,
comparable and serialisable in one obvious way.  Values are language-neutral
where the Council's own identifiers allow it (ISO 3166 alpha-3, UN symbols,
ISO dates, curated keys); source-language text is kept beside them with its
language.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any, ClassVar

from councilkg.ingest.slots import slot_init


@slot_init
@dataclass(frozen=True, slots=True)
class Provenance:
    """Where a fact is stated: file, page, block, character span and text.

    ``text`` is the span as read: the block's text, its lines joined and
    page furniture left out.  ``exact`` is the source's own characters at
    ``[start, end)`` (line breaks, running heads and all), which is what a
    text-quote selector must hold to be checked against the file; None
    where the reading is the source (a finding quotes it directly).
    """

    file: str
    sha256: str
    page: int
    printed_page: int | None
    block_kind: str
    block_id: str
    line: int
    start: int
    end: int
    text: str
    exact: str | None = None

    def __post_init__(self) -> None:
        # A narrowed copy (dataclasses.replace with new offsets) must bring
        # its own exact characters: a quote of other offsets misleads.
        if self.exact is not None and len(self.exact) != self.end - self.start:
            raise ValueError(
                f"provenance {self.start}-{self.end} quotes {len(self.exact)} characters"
            )


@dataclass(frozen=True, slots=True)
class Record:
    """Base of every record: a type name and provenance."""

    type: ClassVar[str] = "record"
    prov: Provenance


@slot_init
@dataclass(frozen=True, slots=True)
class SourceFile(Record):
    """The ingested file as a whole."""

    type: ClassVar[str] = "source"
    name: str
    sha256: str
    size: int
    language: str
    period: str | None
    job_number: str | None
    pages: int
    printed_pages: tuple[tuple[int, int], ...]
    stated_pages: tuple[int, ...] = ()
    """The pages whose printed number a footer states (the others in
    ``printed_pages`` are derived from them)."""


@slot_init
@dataclass(frozen=True, slots=True)
class ItemGroup(Record):
    """A numbered section grouping items ("32. 与不扩散有关的项目")."""

    type: ClassVar[str] = "item-group"
    key: str
    number: str
    title: str
    title_en: str | None
    language: str


@slot_init
@dataclass(frozen=True, slots=True)
class Item(Record):
    """An agenda item (a lettered subsection or a table title)."""

    type: ClassVar[str] = "item"
    key: str
    title: str
    title_en: str | None
    language: str
    group_key: str | None
    number: str | None
    subsection: str | None
    curated: bool


@slot_init
@dataclass(frozen=True, slots=True)
class Invitee:
    """One entry of an invitation or speakers cell.

    ``prov`` is where the entry is written in its cell: the entries of one
    cell keep the order the table gives them (and their own source span).
    """

    kind: str  # state | role | organization | group | text
    ref: str  # ISO3, role key, organization key, group name, or the text
    label: str
    note: str | None = None
    prov: Provenance | None = None


@slot_init
@dataclass(frozen=True, slots=True)
class Decision(Record):
    """A decision recorded in a table: resolution, presidential statement, draft."""

    type: ClassVar[str] = "decision"
    symbol: str
    kind: str
    event: str
    item_key: str
    date: dt.date
    adopted: bool | None
    votes_for: int | None = None
    votes_against: int | None = None
    votes_abstaining: int | None = None
    modality: str = "vote"  # vote | written-procedure | without-vote
    written_procedure_record: str | None = None
    vote_note: str | None = None
    # The table says "adopted unanimously" (一致通过), with or without counts:
    # every member voted in favour (ingest/extract/derived.py reads it).
    unanimous: bool = False


@slot_init
@dataclass(frozen=True, slots=True)
class Vote(Record):
    """One member's position on a draft.

    ``basis`` says how it is known: ``listed`` by name in the vote note, or
    ``derived`` from a unanimous count (or statement) and the membership of
    the Council on that date, when the Repertoire names nobody because
    everybody voted in favour.  A derived vote's provenance is the count's.
    """

    type: ClassVar[str] = "vote"
    draft: str
    date: dt.date
    member: str
    position: str  # for | against | abstaining | absent | not-participating
    permanent: bool
    basis: str = "listed"  # listed | derived


@slot_init
@dataclass(frozen=True, slots=True)
class Meeting(Record):
    """A formal meeting (a row of a meetings table)."""

    type: ClassVar[str] = "meeting"
    record: str
    date: dt.date
    item_key: str
    sub_item: str | None
    sub_item_key: str | None
    sub_item_en: str | None
    format: str | None
    other_documents: tuple[str, ...]
    rule37: tuple[Invitee, ...]
    rule39: tuple[Invitee, ...]
    speakers: tuple[Invitee, ...]
    decisions: tuple[str, ...]
    language: str


@slot_init
@dataclass(frozen=True, slots=True)
class Videoconference(Record):
    """A videoconference (a row of a videoconferences table)."""

    type: ClassVar[str] = "videoconference"
    key: str
    date: dt.date
    item_key: str
    record: str | None
    record_title: str | None
    record_date: dt.date | None
    record_kind: str | None
    record_note: str | None
    record_note_cites: tuple[str, ...]
    decisions: tuple[str, ...]
    open: bool | None
    language: str


@slot_init
@dataclass(frozen=True, slots=True)
class Representation(Record):
    """A table note: who represented a State at an event."""

    type: ClassVar[str] = "representation"
    event: str
    state: str
    role: str
    role_label: str


@slot_init
@dataclass(frozen=True, slots=True)
class Speaker(Record):
    """Someone the narrative reports speaking at an event."""

    type: ClassVar[str] = "speaker"
    event: str
    kind: str  # state | role
    ref: str  # ISO3 or role key
    capacity: str | None
    state: str | None  # kind role: the State whose representative holds it
    role: str | None  # kind state: the role its representative spoke in


@slot_init
@dataclass(frozen=True, slots=True)
class Briefer(Record):
    """An official or body that briefed under an item (narrative summary)."""

    type: ClassVar[str] = "briefer"
    item_key: str
    role: str
    state: str | None


@slot_init
@dataclass(frozen=True, slots=True)
class Sponsor(Record):
    """A State that submitted a draft resolution."""

    type: ClassVar[str] = "sponsor"
    draft: str
    state: str


@slot_init
@dataclass(frozen=True, slots=True)
class Document(Record):
    """A UN document, identified by its symbol."""

    type: ClassVar[str] = "document"
    symbol: str
    display: str
    kind: str
    url: str


@slot_init
@dataclass(frozen=True, slots=True)
class Citation(Record):
    """A place where a document is referred to."""

    type: ClassVar[str] = "citation"
    symbol: str
    context: str  # block kind
    footnote: int | None
    form: str  # symbol | prose-resolution | url
    sentence: Provenance | None = None
    """The sentence that cites it (its span and text), in a passage or
    footnote; None for a page's link list."""


@slot_init
@dataclass(frozen=True, slots=True)
class DocumentCitation(Record):
    """A UN document citing another, where the Repertoire says so.

    Only what the text states: a report or letter described by what it is
    about (the Secretary-General's report on the implementation of a
    resolution), or letters whose content a sentence reports naming a
    document.  A document merely listed beside another cites nothing.
    ``prov`` is the sentence that says so; ``footnote`` the note that
    identifies the citing document, where one does.
    """

    type: ClassVar[str] = "document-citation"
    citing: str
    cited: str
    footnote: int | None


@slot_init
@dataclass(frozen=True, slots=True)
class Footnote(Record):
    """A footnote of the Part: number, text, what it cites and attributes."""

    type: ClassVar[str] = "footnote"
    number: int
    text: str
    cites: tuple[str, ...]
    states: tuple[str, ...]
    event: str | None
    event_date: dt.date | None
    item_key: str | None
    passage: str | None  # block id of the body passage the marker sits in
    continued: bool
    ibid: bool
    statement: Provenance | None = None
    """For a position (``states``): the sentence or clause of the text its
    marker closes, what the States expressed (its span and text)."""
    stances: tuple[str, ...] = ()
    """The stances that sentence expresses, in its order: concept names
    (``ExpressedConcern``, ``Regretted`` …)."""
    subjects: tuple[str, ...] = ()
    """The documents (symbols) the sentence names."""


@slot_init
@dataclass(frozen=True, slots=True)
class Letter(Record):
    """A letter described in a footnote: senders, on whose behalf, date, symbol."""

    type: ClassVar[str] = "letter"
    symbol: str
    date: dt.date | None
    senders: tuple[str, ...]
    on_behalf_of: tuple[str, ...]
    footnote: int | None


@slot_init
@dataclass(frozen=True, slots=True)
class Mention(Record):
    """A State, organization, instrument or role named in the text."""

    type: ClassVar[str] = "mention"
    kind: str  # state | organization | instrument | role | historical
    ref: str
    surface: str


@slot_init
@dataclass(frozen=True, slots=True)
class Passage(Record):
    """A paragraph of the narrative, rejoined, with the event it reports."""

    type: ClassVar[str] = "passage"
    block_id: str
    kind: str
    text: str
    item_key: str | None
    events: tuple[str, ...]
    language: str


@slot_init
@dataclass(frozen=True, slots=True)
class Unparsed(Record):
    """Text the ingest could not interpret, kept with its location."""

    type: ClassVar[str] = "unparsed"
    reason: str


@slot_init
@dataclass(frozen=True, slots=True)
class Finding(Record):
    """A coded diagnostic kept in the graph (contradictions, gaps)."""

    type: ClassVar[str] = "finding"
    code: str
    message: str


@dataclass(slots=True)
class Records:
    """All records of one source, by type, in a deterministic order."""

    items: list[Record] = field(default_factory=list)

    def add(self, record: Record) -> None:
        """Append a record."""
        self.items.append(record)

    def of(self, cls: type[Any]) -> list[Any]:
        """Records of one class, in insertion order."""
        return [r for r in self.items if isinstance(r, cls)]


def to_json(record: Record) -> str:
    """One JSON line: ``{"type": ..., fields..., "prov": {...}}``, keys sorted."""
    data: dict[str, Any] = {"type": record.type}
    for f in dataclasses.fields(record):
        data[f.name] = _plain(getattr(record, f.name))
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value
