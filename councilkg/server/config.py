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

MIN_WORKER_MEMORY = 256 * 2**20
"""The least memory cap a worker gets by default (bytes)."""


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
    """Query worker processes kept ready (each request runs in one of its
    own; a ready one costs about 8 MB, forked from a shared image); default:
    8, or the number of CPUs if more (at most 32).  Forced to 1 when
    ``allow_update`` (one read-write handle)."""
    max_workers: int | None = None
    """Query worker processes at most: under load the pool grows to this, so
    that each request has a process of its own (see
    :class:`councilkg.server.pool.WorkerPool`).  Default: 32, or as many as
    three quarters of the machine's memory holds at 256 MB each if fewer.
    Idle they take about 20 MB each, and those beyond ``workers`` exist
    only under load."""
    base: str | None = None
    """The base IRI the data was minted with (``{base}id/...`` resolves at
    ``/id/...``); default: read from the store's reference graph."""
    linked_data: bool = True
    """Serve the linked-data routes (:mod:`councilkg.server.linked_data`) beside /sparql."""
    max_memory: int | None = None
    """Bytes of data a query worker may hold; a query needing more is stopped
    (503) and its worker replaced.  Default: three quarters of the machine's
    memory shared by the most workers the pool may run; 0: no cap."""
    limits: Limits = field(default_factory=Limits)
    """What connections may take before their request reaches the app
    (URL and header sizes, header time, open connections)."""
    data_licence: str | None = None
    """The licence the publisher gives the data (an IRI), stated in the
    dataset description and the pages' footer; None: none is asserted (the
    source text is the UN's, under the UN's terms)."""
    allowed_hosts: tuple[str, ...] = ()
    """Host names the server answers for (the ``Host`` header without its
    port, case-insensitive); a request for another gets 400.  Empty: any."""
    result_cache_bytes: int = 64 * 2**20
    """Bytes of ``SELECT``/``ASK`` answers the front keeps to answer the same
    query again on the same store generation (:mod:`councilkg.server.cache`);
    0: none.  Not used with ``allow_update`` or ``allow_service``."""

    def result_cache_size(self) -> int:
        """The bytes of answers kept (0: no cache): none where an answer may
        change within a store generation (updates, federated queries)."""
        if self.allow_update or self.allow_service:
            return 0
        return max(0, self.result_cache_bytes)

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
        total = _machine_memory()
        if total is None:
            return None
        return max(MIN_WORKER_MEMORY, total * 3 // 4 // self.worker_limit())

    def worker_count(self) -> int:
        """The number of worker processes to run."""
        if self.allow_update:
            return 1
        if self.workers is not None:
            return max(1, self.workers)
        return max(8, min(32, os.cpu_count() or 1))

    def worker_limit(self) -> int:
        """The most worker processes the pool may run at once."""
        if self.allow_update:
            return 1
        if self.max_workers is not None:
            return max(self.worker_count(), self.max_workers)
        limit = 32
        total = _machine_memory()
        if total is not None:
            limit = min(limit, max(1, total * 3 // 4 // MIN_WORKER_MEMORY))
        return max(self.worker_count(), limit)


def _machine_memory() -> int | None:
    """The machine's physical memory in bytes (None: not a POSIX system)."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return None
