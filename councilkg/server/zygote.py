"""The fork server: a process that has loaded the worker's modules and
forks a query worker whenever the front asks (see
:mod:`councilkg.server.spawner`, its other half).

``python -m councilkg.server.zygote FD``: ``FD`` is its end of a Unix
socket to the front.  The front sends one frame per worker wanted, a u32
length and a JSON object (``store``, ``read_write``, ``max_memory``), with
the worker's two pipe ends attached as file descriptors (``SCM_RIGHTS``);
the zygote forks, the child serves frames on those pipes
(:func:`councilkg.server.worker.serve`), and the zygote answers with a
line ``{"spawned": PID}``.  It reaps every child and reports each exit as
``{"exit": PID, "status": CODE}`` (negative: killed by that signal), which
is how the front tells a worker killed by its memory cap from one that
failed.  It exits when the front's end closes (when the front exits, however it
exits); its children follow it.

Single-threaded on purpose: forking a process with threads copies locks
held by threads that do not exist in the child.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import socket
import struct
import sys
from pathlib import Path

# Loaded once, before forking: what every worker needs, the writers its
# ``render`` requests use, and the search its ``search`` requests use.
from councilkg import search  # noqa: F401
from councilkg.export import writers  # noqa: F401
from councilkg.server import worker
from councilkg.store import GraphStore  # noqa: F401

_HEAD = struct.Struct("!I")

WORKER_NICE = 5
"""How far below the front process the workers run (a nice increment)."""


def _send(sock: socket.socket, message: dict[str, object]) -> None:
    sock.sendall(json.dumps(message).encode("utf-8") + b"\n")


def _reap(sock: socket.socket) -> None:
    """Report every child that has exited."""
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        _send(sock, {"exit": pid, "status": os.waitstatus_to_exitcode(status)})


def _read_request(sock: socket.socket) -> tuple[dict[str, object], list[int]] | None:
    """One spawn request and its descriptors (None: the front is gone,
    closed or reset: a front killed with spawn requests unanswered resets
    the socket)."""
    try:
        data, fds, _flags, _addr = socket.recv_fds(sock, 65536, 2)
        if not data:
            return None
        while len(data) < _HEAD.size or len(data) < _HEAD.size + _HEAD.unpack_from(data)[0]:
            more = sock.recv(65536)
            if not more:
                return None
            data += more
    except ConnectionError:
        return None
    (size,) = _HEAD.unpack_from(data)
    return json.loads(data[_HEAD.size : _HEAD.size + size]), list(fds)


def _child(
    sock: socket.socket, wake: tuple[int, int], request: dict[str, object], fds: list[int]
) -> None:
    """In the forked child: become a worker on the two descriptors."""
    sock.close()
    for fd in wake:
        os.close(fd)
    signal.set_wakeup_fd(-1)
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    inp = os.fdopen(fds[0], "rb")
    out = os.fdopen(fds[1], "wb")
    max_memory = request.get("max_memory")
    code = worker.serve(
        inp,
        out,
        Path(str(request["store"])),
        read_write=bool(request.get("read_write")),
        max_memory=int(str(max_memory)) if max_memory is not None else None,
    )
    out.flush()
    os._exit(code)


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    sock = socket.socket(fileno=int(args[0]))
    # No death signal tied to the parent here: Linux sends it when the
    # *thread* that started this process ends, and the front starts it from
    # a pool thread that may end long before the front does.  The front's
    # end of the socket closes when the front exits, however it exits, and
    # this loop then ends; the workers' own death signal follows this
    # process (single-threaded: its main thread is the one that forks).
    # The workers it forks inherit this: below the front process, whose
    # work per request is small and whose delays every client sees.
    with contextlib.suppress(OSError, AttributeError):
        os.nice(WORKER_NICE)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the front stops it by closing the socket
    wake = os.pipe()
    os.set_blocking(wake[0], False)
    os.set_blocking(wake[1], False)
    signal.set_wakeup_fd(wake[1])
    signal.signal(signal.SIGCHLD, lambda *_: None)  # wakes select through ``wake``
    while True:
        try:
            ready, _, _ = select.select([sock.fileno(), wake[0]], [], [])
        except InterruptedError:
            continue
        if wake[0] in ready:
            while True:
                try:
                    if not os.read(wake[0], 512):
                        break
                except BlockingIOError:
                    break
            _reap(sock)
        if sock.fileno() in ready:
            request = _read_request(sock)
            if request is None:
                return 0
            message, fds = request
            if len(fds) != 2:
                for fd in fds:
                    os.close(fd)
                _send(sock, {"error": "a spawn request needs two descriptors"})
                continue
            pid = os.fork()
            if pid == 0:
                _child(sock, wake, message, fds)
            for fd in fds:
                os.close(fd)
            _send(sock, {"spawned": pid})


if __name__ == "__main__":
    sys.exit(main())
