"""The settings of one endpoint, in one frozen value.

Every other part of the server reads its limits and switches from a
:class:`ServerConfig` (the CLI's ``councilkg serve`` options, or
:func:`councilkg.server.start_server`'s keywords), so what the endpoint
allows is decided in one place and cannot change while it runs.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from councilkg.server.protocol import Limits


@dataclass(frozen=True)
class ServerConfig:
    """Settings of one endpoint (see :mod:`councilkg.server.sparql` for their effect)."""

    store_path: Path
    timeout_s: float = 10.0
    max_results: int = 100_000
    max_request_bytes: int = 1_000_000
    allow_update: bool = False
    allow_service: bool = False
    allow_load: bool = False
    cors_origin: str | None = "*"
    workers: int | None = None
    """Query worker processes; default: the number of CPUs (2 to 8).
    Forced to 1 when ``allow_update`` (one read-write handle)."""
    base: str | None = None
    """The base IRI the data was minted with (``{base}id/...`` resolves at
    ``/id/...``); default: read from the store's reference graph."""
    linked_data: bool = True
    """Serve the linked-data routes (:mod:`councilkg.server.linked_data`) beside /sparql."""
    max_memory: int | None = None
    """Bytes of data a query worker may hold; a query needing more is stopped
    (503) and its worker replaced.  Default: three quarters of the machine's
    memory shared by the workers; 0: no cap."""
    limits: Limits = field(default_factory=Limits)
    """What connections may take before their request reaches the app
    (URL and header sizes, header time, open connections)."""
    allowed_hosts: tuple[str, ...] = ()
    """Host names the server answers for (the ``Host`` header without its
    port, case-insensitive); a request for another gets 400.  Empty: any."""

    def host_allowed(self, host_header: str | None) -> bool:
        """Whether a request with this ``Host`` header is served."""
        if not self.allowed_hosts:
            return True
        host = (host_header or "").strip().lower()
        name = host.rsplit("]", 1)[0] + "]" if host.startswith("[") else host.split(":", 1)[0]
        return name in {h.lower() for h in self.allowed_hosts}

    def worker_memory(self) -> int | None:
        """The memory cap of each worker in bytes (None: no cap)."""
        if self.max_memory is not None:
            return self.max_memory or None
        try:
            total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
        except (ValueError, OSError, AttributeError):  # not a POSIX system
            return None
        return max(256 * 2**20, total * 3 // 4 // self.worker_count())

    def worker_count(self) -> int:
        """The number of worker processes to run."""
        if self.allow_update:
            return 1
        if self.workers is not None:
            return max(1, self.workers)
        return min(8, max(2, os.cpu_count() or 2))
