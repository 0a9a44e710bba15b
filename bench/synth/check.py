"""Does the ingest of a generated file give its truth?  One file at a time:
ingest, load into a fresh in-memory Oxigraph store with the reference and
ontology graphs, read the facts back with ``councilkg facts``, compare.

Why per file: the facts are keyed the way the gold files are (footnotes by
number, speakers by date), which holds within one supplement's file; the
corpus as a whole is many supplements.  Shared by ``python -m bench
ingest --corpus`` (accuracy at scale) and ``tests/test_corpus.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from councilkg.facts import GOLD_KEYS, compare, facts
from councilkg.ingest.iris import Minter
from councilkg.ingest.pipeline import IngestResult, ingest_bytes
from councilkg.ingesting import load
from councilkg.store import GraphStore

# Every key ``councilkg facts`` reads, not only those the seed's gold checks.
KEYS: tuple[str, ...] = (
    *GOLD_KEYS,
    "document_kinds",
    "organizations_mentioned",
    "instruments_mentioned",
)


@dataclass(slots=True)
class FileCheck:
    """The differences between one file's ingest and its truth."""

    name: str
    differences: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)  # diagnostics the truth does not expect
    missing: list[str] = field(default_factory=list)  # expected diagnostics not reported
    unparsed: int = 0

    @property
    def ok(self) -> bool:
        """No difference of any kind."""
        return not (self.differences or self.unexpected or self.missing or self.unparsed)


def store_of(result: IngestResult) -> GraphStore:
    """A fresh in-memory store: reference, ontology and the file's graph,
    loaded as ``councilkg ingest`` loads them."""
    store = GraphStore.in_memory()
    load([result], store, minter=Minter(), progress=False)
    return store


def check(data: bytes, name: str, truth: dict[str, Any]) -> FileCheck:
    """Ingest ``data`` and compare its facts and diagnostics with ``truth``."""
    result = ingest_bytes(data, name)
    found = facts(store_of(result))
    out = FileCheck(name, differences=compare(found, truth, KEYS))
    got = sorted((d.code.value, d.line, d.message) for d in result.diagnostics)
    want = sorted((e["code"], e["line"]) for e in truth.get("expected_diagnostics", []))
    got_keys = [(code, line) for code, line, _ in got]
    out.unexpected = [
        f"{line}: {code} {msg}" for code, line, msg in got if (code, line) not in want
    ]
    out.missing = [f"{line}: {code}" for code, line in want if (code, line) not in got_keys]
    out.unparsed = len(result.coverage.unparsed)
    return out
