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

The second form, ``#values NAME`` alone on a line, is replaced by the
parameter's ``VALUES`` block itself (the terms written by the N-Triples
encoder, as at the top of the query) where the parameter is bound.  Why:
Oxigraph evaluates an OPTIONAL of several patterns once over the whole
graph and hash-joins it, without the row's bindings; the parameter's
values inside the OPTIONAL give that evaluation its start
(``briefers-by-item``: the item's events, not every participation of the
graph).  The variable is the one bound outside too, so the answer is the
same.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

__all__ = ["GUARD", "VALUES_LINE", "apply_guards", "guarded_params"]

GUARD = re.compile(r"^(?P<indent>[ \t]*)#if (?P<name>[A-Za-z_][A-Za-z0-9_]*): (?P<text>.*)$", re.M)
"""A guarded line: ``#if NAME: TEXT`` (indentation kept), one parameter
name, a colon and a space, then the SPARQL text to keep on one line."""

VALUES_LINE = re.compile(
    r"^(?P<indent>[ \t]*)#values (?P<name>[A-Za-z_][A-Za-z0-9_]*)[ \t]*$", re.M
)
"""A line ``#values NAME``: the parameter's ``VALUES`` block, where it is bound."""


def guarded_params(text: str) -> list[str]:
    """The parameter names the guarded and ``#values`` lines of ``text``
    name, in order of the line forms then of the lines.

    >>> guarded_params("WHERE {\\n  #if years: ?p ckg:year ?years .\\n  #values item\\n}")
    ['years', 'item']
    """
    return [m.group("name") for form in (GUARD, VALUES_LINE) for m in form.finditer(text)]


def apply_guards(text: str, bound: Mapping[str, str]) -> str:
    """``text`` with each guarded line whose parameter is bound turned into
    its SPARQL text and each ``#values`` line of a bound parameter into the
    parameter's ``VALUES`` text; the others left as they are (comments).

    ``bound`` maps each bound parameter to its ``VALUES`` text.

    >>> print(apply_guards("  #if years: ?p ckg:year ?years .", {"years": ""}))
      ?p ckg:year ?years .
    >>> apply_guards("  #if years: ?p ckg:year ?years .", {})
    '  #if years: ?p ckg:year ?years .'
    >>> print(apply_guards("    #values item", {"item": 'VALUES ?item { "a" }'}))
        VALUES ?item { "a" }
    """

    def keep(m: re.Match[str]) -> str:
        if m.group("name") in bound:
            return m.group("indent") + m.group("text")
        return m.group(0)

    def values(m: re.Match[str]) -> str:
        if m.group("name") in bound:
            return m.group("indent") + bound[m.group("name")]
        return m.group(0)

    return VALUES_LINE.sub(values, GUARD.sub(keep, text))
