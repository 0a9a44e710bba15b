"""Minting IRIs: the only module that builds data IRIs.

Patterns, below ``{base}`` (default :data:`DEFAULT_BASE`).  All are
language-neutral, so the Chinese and English editions of one fact land on
one IRI, and stable across re-ingest:

- document: ``id/document/{symbol}`` (canonical symbol, ``S/RES/2231(2015)``)
- State: ``id/state/{ISO3}`` (ISO 3166-1 alpha-3)
- meeting: ``id/meeting/{n}`` or ``id/meeting/{n}-resumption-{r}`` (S/PV number)
- videoconference: ``id/videoconference/{date}/{item key}``
- vote event: ``id/vote-event/{draft symbol}``; vote: ``…/{ISO3}``
- agenda item: ``id/item/{key}`` (curated key, else ``item-<sha1 of title>``)
- item group: ``id/item-group/{key}``
- sub-item: ``id/item/{item key}/sub-item/{key}``
- Repertoire supplement: ``id/repertoire/{period}``
- footnote: ``id/footnote/{period}/{n}``; position: ``id/position/{period}/{n}``
- role, organization, instrument: ``id/role/{key}``, ``id/organization/{key}``,
  ``id/instrument/{key}`` (curated keys)
- Council membership: ``id/membership/{ISO3}/{first year}``
- source file: ``id/source/{id}``; below it its pages ``…/page/{n}``, its
  blocks ``…/{block id}`` (``b00018``: what facts are derived from, so the
  shortest) and a finding's spans ``…/span/{start}-{end}``
- named graph: ``graph/source/{id}`` per source file, ``graph/reference``,
  ``graph/alignment`` (the counterparts of passages across editions)

A source's ``{id}`` is the first 12 hexadecimal digits (48 bits) of its
text's SHA-256 (:func:`source_id`), not all 64: every quad of a source's
graph carries it once in the graph IRI and again in most subjects, and the
full digest there was a third of the graph's bytes.  48 bits keep two
different texts apart with odds of about n²/2⁴⁹ for n files (one in twenty
million for 5,000 files, more than every edition of every supplement),
and the ingest refuses a text whose id is already held by a different full
digest; the full SHA-256 stays on the source node (``ckg:sha256``).  A
store whose graphs were named by a longer id loses them when their texts
are ingested again (:class:`councilkg.ingesting._HeldSources`).

Symbols keep their slashes and parentheses (``id/document/S/RES/2231(2015)``):
both are legal in IRIs and keep the address readable.  Other characters
outside the unreserved set are percent-encoded.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from urllib.parse import quote

from rdflib.term import URIRef

DEFAULT_BASE = "https://w3id.org/councilkg/"
_SAFE = "/()._-~!$&'*+,;=:@"
SOURCE_ID_DIGITS = 12
"""Hexadecimal digits of a text's SHA-256 that name its source in IRIs."""


def source_id(sha256: str) -> str:
    """The id of a source in IRIs: the first :data:`SOURCE_ID_DIGITS`
    hexadecimal digits of its SHA-256 (a full digest or an id already).

    >>> source_id("0123456789abcdef" + "0" * 48)
    '0123456789ab'
    """
    return sha256[:SOURCE_ID_DIGITS].lower()


def _seg(value: str) -> str:
    return quote(value, safe=_SAFE)


def encode_path(value: str) -> str:
    """A path below ``{base}`` encoded as the minter encodes it, so a server
    can map a request path (which arrives percent-decoded) back to the IRI.

    >>> encode_path("id/document/S/RES/2231(2015)")
    'id/document/S/RES/2231(2015)'
    >>> encode_path("id/item/和平")
    'id/item/%E5%92%8C%E5%B9%B3'
    """
    return quote(value, safe=_SAFE)


# Characters RFC 3987 keeps out of an IRI (they would break every serialisation).
_NOT_IN_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\\x7f]')


@dataclass(frozen=True, slots=True)
class Minter:
    """Mints the IRIs of one graph below ``base`` (which must end with ``/``)."""

    base: str = DEFAULT_BASE

    def __post_init__(self) -> None:
        if not self.base.endswith(("/", "#")):
            raise ValueError(f"base IRI must end with '/' or '#': {self.base!r}")
        if not self.base.startswith(("http://", "https://", "urn:")):
            raise ValueError(f"base IRI must be absolute (http, https or urn): {self.base!r}")
        bad = _NOT_IN_IRI.search(self.base)
        if bad is not None:
            raise ValueError(
                f"base IRI {self.base!r} holds {bad.group()!r}, which an IRI cannot "
                '(spaces, control characters and <>"{}|^`\\ must be percent-encoded)'
            )

    def _iri(self, *parts: str) -> URIRef:
        return URIRef(self.base + "/".join(parts))

    def document(self, symbol: str) -> URIRef:
        """A UN document by canonical symbol."""
        return self._iri("id", "document", _seg(symbol))

    def state(self, iso3: str) -> URIRef:
        """A State by ISO 3166-1 alpha-3."""
        return self._iri("id", "state", iso3.upper())

    def meeting(self, record: str) -> URIRef:
        """A meeting by its S/PV symbol (``S/PV.8733(Resumption1)`` → ``8733-resumption-1``)."""
        number = record.removeprefix("S/PV.")
        if "(Resumption" in number:
            n, r = number.split("(Resumption", 1)
            number = f"{n}-resumption-{r.rstrip(')')}"
        return self._iri("id", "meeting", _seg(number))

    def videoconference(self, date: dt.date, item_key: str) -> URIRef:
        """A videoconference by date and item key."""
        return self._iri("id", "videoconference", date.isoformat(), _seg(item_key))

    def event(self, key: str) -> URIRef:
        """An event from its record key (``S/PV.N`` or ``vc/{date}/{item}``)."""
        if key.startswith("vc/"):
            _, date, item = key.split("/", 2)
            return self.videoconference(dt.date.fromisoformat(date), item)
        return self.meeting(key)

    def vote_event(self, draft: str) -> URIRef:
        """The vote on a draft."""
        return self._iri("id", "vote-event", _seg(draft))

    def vote(self, draft: str, iso3: str) -> URIRef:
        """One member's vote on a draft."""
        return URIRef(f"{self.vote_event(draft)}/{iso3.upper()}")

    def item(self, key: str) -> URIRef:
        """An agenda item."""
        return self._iri("id", "item", _seg(key))

    def sub_item(self, item_key: str, key: str) -> URIRef:
        """A sub-item, below its item."""
        return URIRef(f"{self.item(item_key)}/sub-item/{_seg(key)}")

    def supplement(self, period: str) -> URIRef:
        """The Repertoire supplement covering ``period`` (all editions)."""
        return self._iri("id", "repertoire", _seg(period))

    def item_group(self, key: str) -> URIRef:
        """A numbered group of items."""
        return self._iri("id", "item-group", _seg(key))

    def item_scheme(self) -> URIRef:
        """The SKOS concept scheme of agenda items."""
        return self._iri("id", "scheme", "agenda-items")

    def footnote(self, period: str, number: int) -> URIRef:
        """A footnote of a supplement."""
        return self._iri("id", "footnote", _seg(period), str(number))

    def position(self, period: str, number: int) -> URIRef:
        """The position a footnote attributes."""
        return self._iri("id", "position", _seg(period), str(number))

    def role(self, key: str) -> URIRef:
        """An official role (post)."""
        return self._iri("id", "role", _seg(key))

    def organization(self, key: str) -> URIRef:
        """An organization or former State."""
        return self._iri("id", "organization", _seg(key))

    def instrument(self, key: str) -> URIRef:
        """A treaty or other instrument."""
        return self._iri("id", "instrument", _seg(key))

    def membership(self, iso3: str, first_year: int) -> URIRef:
        """A term of Council membership."""
        return self._iri("id", "membership", iso3.upper(), str(first_year))

    def source(self, sha256: str) -> URIRef:
        """A source file, by its SHA-256 (named by :func:`source_id`)."""
        return self._iri("id", "source", source_id(sha256))

    def page(self, sha256: str, index: int) -> URIRef:
        """A page of a source file, by its 0-based ``index``; the IRI counts
        from 1 (``…/page/1`` is the first), as pages are shown and cited."""
        return URIRef(f"{self.source(sha256)}/page/{index + 1}")

    def passage(self, sha256: str, block_id: str) -> URIRef:
        """A block of a source file: ``…/source/{id}/{block id}``, with no
        segment of its own (the id says ``b…``); every fact names it."""
        return URIRef(f"{self.source(sha256)}/{block_id}")

    def span(self, sha256: str, start: int, end: int) -> URIRef:
        """Characters ``[start, end)`` of a source file."""
        return URIRef(f"{self.source(sha256)}/span/{start}-{end}")

    def finding(self, sha256: str, code: str, start: int, end: int, message: str) -> URIRef:
        """A finding about a source file: by its code, its span and (a digest
        of) its message, so two findings of one code on one line, or at one
        offset, are two nodes, each with its one message."""
        digest = hashlib.sha256(message.encode("utf-8")).hexdigest()[:12]
        return URIRef(f"{self.source(sha256)}/finding/{code}/{start}-{end}/{digest}")

    def node(self, parent: str, *parts: str) -> URIRef:
        """A node that exists only within ``parent`` (an invitation of a meeting)."""
        return URIRef(str(parent) + "/" + "/".join(_seg(p) for p in parts))

    def graph(self, sha256: str) -> URIRef:
        """The named graph of one source file, by its SHA-256 (named by
        :func:`source_id`)."""
        return self._iri("graph", "source", source_id(sha256))

    def ontology_graph(self) -> URIRef:
        """The named graph holding the ontology (labels of code lists, classes)."""
        return self._iri("graph", "ontology")

    def alignment_graph(self) -> URIRef:
        """The named graph of the links between editions (``ckg:counterpart``):
        they belong to no one source file, and are recomputed whenever the
        store's files change."""
        return self._iri("graph", "alignment")

    def reference_graph(self) -> URIRef:
        """The named graph of the reference data (States, membership, roles …)."""
        return self._iri("graph", "reference")
