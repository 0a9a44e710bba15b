"""Lines of a prepared query kept only when one of its parameters is bound.

Why: Oxigraph plans a query from the most selective-looking pattern, and a
parameter's ``VALUES`` rows are that start only when a pattern joins them
with a key of the graph (``?position ckg:year ?years``).  Where the key does
not cover every node the unparameterised answer holds (a position with no
date has no year key), the pattern cannot stay in the query: unset, it
would still drop those nodes.  No pure-SPARQL form both keeps them when the
parameter is unset and starts from the key when it is set (an alternative
``{ … } UNION { FILTER(!BOUND(?years)) }`` sees ``?years`` unbound inside
its own group whatever the binding, so it adds every node back).  So the
line is written as a comment the binder uncomments when the parameter is
bound::

    #if years: ?position ckg:year ?years .

The file as written is the unparameterised query, valid SPARQL with the
line a comment; the bound text, the same on the embedded store and on every
remote endpoint, has the line as a pattern.  The query's own FILTER on the
parameter stays, so the key only changes where the plan starts, never the
answer.
"""

from __future__ import annotations

import re
from collections.abc import Collection

__all__ = ["GUARD", "apply_guards", "guarded_params"]

GUARD = re.compile(r"^(?P<indent>[ \t]*)#if (?P<name>[A-Za-z_][A-Za-z0-9_]*): (?P<text>.*)$", re.M)
"""A guarded line: ``#if NAME: TEXT`` (indentation kept), one parameter
name, a colon and a space, then the SPARQL text to keep on one line."""


def guarded_params(text: str) -> list[str]:
    """The parameter names the guarded lines of ``text`` name, in order.

    >>> guarded_params("WHERE {\\n  #if years: ?p ckg:year ?years .\\n  ?p ?q ?r }")
    ['years']
    """
    return [m.group("name") for m in GUARD.finditer(text)]


def apply_guards(text: str, bound: Collection[str]) -> str:
    """``text`` with each guarded line whose parameter is in ``bound``
    turned into its SPARQL text; the others left as they are (comments).

    >>> print(apply_guards("  #if years: ?p ckg:year ?years .", {"years"}))
      ?p ckg:year ?years .
    >>> apply_guards("  #if years: ?p ckg:year ?years .", ())
    '  #if years: ?p ckg:year ?years .'
    """

    def keep(m: re.Match[str]) -> str:
        if m.group("name") in bound:
            return m.group("indent") + m.group("text")
        return m.group(0)

    return GUARD.sub(keep, text)
