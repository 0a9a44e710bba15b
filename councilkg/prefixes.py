"""The one table of prefixes: the namespaces of the published JSON-LD context.

Every place that shortens an IRI — the Turtle and TriG writers, the dumps,
the linked-data pages and the tables of query results — reads this table, so a
prefix added to the ontology's context (``ontology/context.jsonld``, written
by ``tools/gen_context.py`` from the ontology) appears everywhere at once and
nowhere else.  The data's own namespace (``{base}id/``) is not a vocabulary
prefix: it depends on the base IRI a store was minted with, so callers that
show it (the query tables) pass it to :func:`compact` themselves.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from types import MappingProxyType
from typing import Any

from councilkg.resources import context_text


@cache
def context() -> Mapping[str, Any]:
    """The published ``@context`` object, read once."""
    data: dict[str, Any] = json.loads(context_text())["@context"]
    return MappingProxyType(data)


def is_prefix(name: str, definition: Any) -> bool:
    """A prefix entry of the context: an absolute namespace IRI ending in ``/``
    or ``#``, not a term's definition or a keyword."""
    return (
        not name.startswith("@")
        and isinstance(definition, str)
        and "://" in definition
        and definition.endswith(("/", "#"))
    )


@cache
def prefixes() -> Mapping[str, str]:
    """Prefix name → namespace IRI, sorted by name (the order they are written in)."""
    return MappingProxyType({k: v for k, v in sorted(context().items()) if is_prefix(k, v)})


def compact(iri: str, extra: Mapping[str, str] | None = None) -> str | None:
    """``iri`` as ``prefix:local`` with the longest matching namespace of the
    table (and of ``extra``, name → namespace), or None when none matches.

    >>> compact("https://w3id.org/councilkg/ontology#Meeting")
    'ckg:Meeting'
    >>> compact("https://w3id.org/councilkg/id/state/CHN", {"id": "https://w3id.org/councilkg/id/"})
    'id:state/CHN'
    >>> compact("urn:x") is None
    True
    """
    best: tuple[int, str, str] | None = None
    for name, ns in (*prefixes().items(), *(extra or {}).items()):
        if iri.startswith(ns) and (best is None or len(ns) > best[0]):
            best = (len(ns), name, ns)
    if best is None:
        return None
    return f"{best[1]}:{iri[best[0] :]}"
