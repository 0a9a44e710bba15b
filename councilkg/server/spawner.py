"""Starting query worker processes fast: forked by a process that has
already loaded them.

Why: the pool starts workers all the time (one per request under load, a
fresh one after every timeout, a whole set when the store moves on), and a
new Python process spends about 50 ms of CPU importing pyoxigraph and the
worker's modules before it can open the store; a burst of clients would
wait for a burst of those.  The fork server (:mod:`councilkg.server.zygote`)
loads them once and forks each worker from that state, so a worker is ready
in about the time it takes to open the store (about 10 ms).  It is started
on first use, one per front process, and shared by every pool in it.
Where Unix sockets cannot carry descriptors (not POSIX), or the fork server
cannot start, workers are new interpreters (``python -m
councilkg.server.worker``) instead; both speak the same frames
(:mod:`councilkg.server.frames`).

(``multiprocessing``'s fork server would do the forking, but it imports the
program's ``__main__`` — the ``councilkg`` or ``pytest`` script — again in
every child.)

A :class:`WorkerProcess` is what the pool holds: the process (its id, its
exit status, killing and reaping it) and the front's ends of its pipes.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import queue
import signal
import socket
import struct
import subprocess
import sys
import threading
from pathlib import Path

log = logging.getLogger("councilkg.server")

SPAWN_TIMEOUT_S = 30.0
"""How long the fork server may take to answer a spawn request."""


class WorkerProcess:
    """A started worker: its process and the front's ends of its pipes
    (``requests`` to write request frames to, ``replies`` to read from; the
    pool closes them)."""

    def __init__(
        self,
        pid: int,
        requests: int,
        replies: int,
        *,
        popen: subprocess.Popen[bytes] | None = None,
        server: ForkServer | None = None,
    ) -> None:
        self.pid = pid
        self.requests = requests
        self.replies = replies
        self._popen = popen
        self._server = server
        self._status: int | None = None

    def poll(self) -> int | None:
        """The exit status (negative: killed by that signal), None if running."""
        if self._status is None:
            if self._popen is not None:
                self._status = self._popen.poll()
            else:
                assert self._server is not None
                self._status = self._server.exit_status(self.pid)
        return self._status

    def kill(self) -> None:
        """SIGKILL the process (a no-op once it has exited)."""
        if self._popen is not None:
            with contextlib.suppress(ProcessLookupError):
                self._popen.kill()
            return
        if self.poll() is None:  # reaped children are never signalled (their pid may be reused)
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)

    def wait(self) -> int:
        """Block until the process exits (reaped); its exit status."""
        if self._status is None:
            if self._popen is not None:
                self._status = self._popen.wait()
            else:
                assert self._server is not None
                self._status = self._server.wait(self.pid)
        return self._status


class ForkServer:
    """The front's half of :mod:`councilkg.server.zygote`: one conversation
    at a time, and a thread reading its answers and exit reports."""

    def __init__(self) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "councilkg.server.zygote", str(theirs.fileno())],
            pass_fds=[theirs.fileno()],
            stdin=subprocess.DEVNULL,
        )
        theirs.close()
        self.sock = ours
        self._lock = threading.Lock()
        self._spawned: queue.Queue[dict[str, object]] = queue.Queue()
        self._exits: dict[int, int] = {}
        self._exited = threading.Condition()
        self.alive = True
        self._reader = threading.Thread(target=self._read, name="councilkg-zygote", daemon=True)
        self._reader.start()

    def _read(self) -> None:
        buffer = b""
        while True:
            try:
                data = self.sock.recv(65536)
            except OSError:
                data = b""
            if not data:
                break
            buffer += data
            *lines, buffer = buffer.split(b"\n")
            for line in lines:
                message = json.loads(line)
                if "exit" in message:
                    with self._exited:
                        self._exits[int(message["exit"])] = int(message["status"])
                        self._exited.notify_all()
                else:
                    self._spawned.put(message)
        self.alive = False
        self._spawned.put({"error": "the fork server exited"})
        with self._exited:
            self._exited.notify_all()

    def spawn(self, store_path: Path, *, read_write: bool, max_memory: int | None) -> WorkerProcess:
        """Fork one worker on ``store_path`` (see :func:`start_worker`)."""
        request = json.dumps(
            {"store": str(store_path), "read_write": read_write, "max_memory": max_memory}
        ).encode("utf-8")
        requests_r, requests_w = os.pipe()
        replies_r, replies_w = os.pipe()
        try:
            with self._lock:
                socket.send_fds(
                    self.sock,
                    [struct.pack("!I", len(request)) + request],
                    [requests_r, replies_w],
                )
                answer = self._spawned.get(timeout=SPAWN_TIMEOUT_S)
        except BaseException:
            for fd in (requests_w, replies_r):
                os.close(fd)
            raise
        finally:
            os.close(requests_r)
            os.close(replies_w)
        if "spawned" not in answer:
            os.close(requests_w)
            os.close(replies_r)
            raise RuntimeError(str(answer.get("error", "the fork server did not fork")))
        pid = int(str(answer["spawned"]))
        return WorkerProcess(pid, requests_w, replies_r, server=self)

    def close(self) -> None:
        """Stop the fork server (its workers die with it) and reap it."""
        with contextlib.suppress(OSError):
            self.sock.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)

    def exit_status(self, pid: int) -> int | None:
        """``pid``'s exit status once reported (taken from the table: the
        :class:`WorkerProcess` keeps it), else None."""
        with self._exited:
            return self._exits.pop(pid, None)

    def wait(self, pid: int) -> int:
        with self._exited:
            while pid not in self._exits:
                if not self.alive:
                    # The fork server is gone and its children with it (they
                    # die with their parent): nothing will report this one.
                    return -int(signal.SIGKILL)
                self._exited.wait()
            return self._exits.pop(pid)


_lock = threading.Lock()
_server: ForkServer | None = None


def _fork_server() -> ForkServer | None:
    """The fork server of this process, started on first use (None where it
    cannot run)."""
    global _server
    if not hasattr(socket, "send_fds") or not hasattr(os, "fork"):
        return None
    with _lock:
        if _server is None or not _server.alive:
            try:
                _server = ForkServer()
            except OSError:
                return None
        return _server


def start_worker(
    store_path: Path, *, read_write: bool = False, max_memory: int | None = None
) -> WorkerProcess:
    """Start one worker on ``store_path`` (blocking for a few milliseconds:
    call it off the event loop).  The worker announces itself with a frame
    once the store is open (see :mod:`councilkg.server.worker`)."""
    for _attempt in range(2):
        server = _fork_server()
        if server is None:
            break
        try:
            return server.spawn(store_path, read_write=read_write, max_memory=max_memory)
        except (OSError, queue.Empty, RuntimeError) as exc:
            if server.alive and not isinstance(exc, OSError):
                raise
            # The fork server is gone (its socket broken): the next attempt
            # starts another; failing that, this worker is a new interpreter.
            server.alive = False
            log.warning("the fork server is gone (%s); starting another", exc)
    return _start_interpreter(store_path, read_write=read_write, max_memory=max_memory)


def _start_interpreter(
    store_path: Path, *, read_write: bool, max_memory: int | None
) -> WorkerProcess:
    args = [sys.executable, "-m", "councilkg.server.worker", str(store_path)]
    if read_write:
        args.append("--read-write")
    if max_memory is not None:
        args += ["--max-memory", str(max_memory)]
    args += ["--parent", str(os.getpid())]
    proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert proc.stdin is not None and proc.stdout is not None
    requests, replies = os.dup(proc.stdin.fileno()), os.dup(proc.stdout.fileno())
    proc.stdin.close()
    proc.stdout.close()
    return WorkerProcess(proc.pid, requests, replies, popen=proc)
