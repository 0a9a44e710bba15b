"""A worker process's CPU time, and lowering its scheduling priority or
pausing it.

Why: the pool gives each request a process of its own and lets the
operating system share the CPU among them; left alone, that shares it
equally between a 1 ms lookup and a query that will run for seconds, so the
lookup waits behind them.  The pool therefore ages priorities the way a
multi-level feedback queue does: a request that has used more than its
share of CPU (:data:`councilkg.server.pool.SHORT_CPU_S`) has its worker set
to the lowest priority, and what arrives after it runs first.  CPU time,
not elapsed time, decides: a short query slowed by load is still short.

Linux gives another process's CPU time in ``/proc``; elsewhere
:func:`cpu_seconds` answers None and the pool counts elapsed time instead.
"""

from __future__ import annotations

import contextlib
import os
import signal

LOWEST = 19
"""The nice value of a demoted worker (the lowest priority)."""

try:
    _TICKS = float(os.sysconf("SC_CLK_TCK"))
except (ValueError, OSError, AttributeError):  # not a POSIX system
    _TICKS = 100.0


def cpu_seconds(pid: int) -> float | None:
    """User plus system CPU seconds used by process ``pid`` (None: unknown,
    or the process is gone)."""
    try:  # os-level calls: this runs on the event loop for every request
        fd = os.open(f"/proc/{pid}/stat", os.O_RDONLY)
        try:
            stat = os.read(fd, 4096)
        finally:
            os.close(fd)
    except OSError:
        return None
    # The command name (field 2) is in parentheses and may hold spaces: the
    # fields after it start past the last ')'.  utime and stime are fields
    # 14 and 15, the 12th and 13th after the name.
    fields = stat[stat.rindex(b")") + 2 :].split()
    try:
        return (int(fields[11]) + int(fields[12])) / _TICKS
    except (IndexError, ValueError):
        return None


def demote(pid: int) -> None:
    """Give process ``pid`` the lowest CPU priority (best effort: a process
    may always lower its own children's priority, never raise it back, so a
    demoted worker is retired after its request)."""
    with contextlib.suppress(OSError, AttributeError):
        os.setpriority(os.PRIO_PROCESS, pid, LOWEST)


def pause(pid: int) -> None:
    """Stop process ``pid`` (``SIGSTOP``): it keeps its memory and uses no
    CPU until :func:`resume`; a kill still ends it at once."""
    with contextlib.suppress(OSError):
        os.kill(pid, signal.SIGSTOP)


def resume(pid: int) -> None:
    """Let a paused process run again (``SIGCONT``)."""
    with contextlib.suppress(OSError):
        os.kill(pid, signal.SIGCONT)
