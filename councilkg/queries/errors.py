"""The one error a caller of the prepared queries catches.

Why a module of its own: the catalogue (unknown query or parameter), the
binding (a value not of its type), the renderers (unknown format or
language) and the runner (nowhere to run) all refuse a wrongly asked query
with the same exception, so the command line and the server catch one class
and show its message; none of those modules has to import another to raise it.
"""

from __future__ import annotations

__all__ = ["QueryError"]


class QueryError(ValueError):
    """A prepared query asked for wrongly: unknown query, unknown or missing
    parameter, or a value that is not of the parameter's type."""
