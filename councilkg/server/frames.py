"""The frames the front process and its query workers exchange over pipes.

Why a module of its own: both sides need the layout, and the worker runs as
``python -m councilkg.server.worker``; were the front's modules to import the
worker module for two constants, starting a worker would load it twice (once
as a module of the package, once as ``__main__``).

    request  = u32 length, JSON object
    reply    = u32 header length, u32 body length, JSON header, body bytes
"""

from __future__ import annotations

import struct

REQUEST_HEAD = struct.Struct("!I")
"""A request's length prefix."""

REPLY_HEAD = struct.Struct("!II")
"""A reply's header length and body length."""
