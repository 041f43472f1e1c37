"""The pool of query worker processes (the server's side of them).

pyoxigraph has no query timeout, and a query that never yields its first row (a
cartesian product under ``COUNT``, a huge ``ORDER BY``) cannot be interrupted from
inside the process running it. So each query runs in a separate worker process that
the server kills when the time is up (SIGKILL: the store is opened read-only, there is
nothing to corrupt) and replaces. Workers are plain ``python -m cmsgraph._serve.worker
STORE`` child processes (:mod:`cmsgraph._serve.worker`) talking length-prefixed
pickles over their stdin/stdout, so the server's threads, sockets and main module are
never inherited or re-imported.

This module knows nothing of SPARQL or pages: it frames requests and replies, starts,
times and replaces processes.
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
import queue
import select
import signal
import struct
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "FrameTimeout",
    "PoolBusy",
    "QueryTimeout",
    "Reply",
    "WorkerFailed",
    "WorkerPool",
    "read_frame",
    "write_frame",
]

Reply = tuple[int, str, bytes]  # status, content type, body
WORKER_MODULE = "cmsgraph._serve.worker"
_STARTUP_SECONDS = 60.0
log = logging.getLogger("cmsgraph.serve")


# -- framing -------------------------------------------------------------------------


class FrameTimeout(Exception):
    """No complete frame arrived before the deadline."""


def write_frame(fd: int, obj: object) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    view = memoryview(struct.pack(">Q", len(data)) + data)
    while view:
        view = view[os.write(fd, view) :]


def _read_exact(fd: int, size: int, deadline: float | None) -> bytes:
    chunks: list[bytes] = []
    poller = select.poll() if deadline is not None else None
    if poller is not None:
        poller.register(fd, select.POLLIN)
    while size:
        if poller is not None and deadline is not None:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not poller.poll(remaining * 1000):
                raise FrameTimeout
        chunk = os.read(fd, min(size, 1 << 20))
        if not chunk:
            raise EOFError("the other end closed the pipe")
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def read_frame(fd: int, deadline: float | None = None) -> Any:
    (size,) = struct.unpack(">Q", _read_exact(fd, 8, deadline))
    return pickle.loads(_read_exact(fd, size, deadline))  # our own child: trusted


# -- the pool (server side) ----------------------------------------------------------


class PoolBusy(Exception):
    """No worker became free in time."""


class QueryTimeout(Exception):
    """The worker did not answer in time; it was killed."""


class WorkerFailed(Exception):
    """The worker died or sent garbage; it was replaced."""

    def __init__(self, message: str, returncode: int | None = None) -> None:
        super().__init__(message)
        self.returncode = returncode

    @property
    def out_of_memory(self) -> bool:
        """Killed for memory: an allocation failed under the limit (Rust aborts), or the
        kernel's OOM killer struck."""
        return self.returncode in (-signal.SIGABRT, -signal.SIGKILL, 134, 137)


@dataclass(eq=False)
class _Worker:
    proc: subprocess.Popen[bytes]
    to_worker: int
    from_worker: int
    pid: int = field(init=False)

    def __post_init__(self) -> None:
        self.pid = self.proc.pid

    def kill(self) -> None:
        with contextlib.suppress(OSError):
            self.proc.kill()
        with contextlib.suppress(OSError, subprocess.TimeoutExpired):
            self.proc.wait(timeout=10)
        for fd in (self.to_worker, self.from_worker):
            with contextlib.suppress(OSError):
                os.close(fd)


class WorkerPool:
    """A fixed number of worker processes; :meth:`run` gives a request to a free one.

    A worker that overruns its time is killed and a fresh one started in the
    background, so the pool heals itself; :meth:`close` kills them all.
    """

    def __init__(self, store_path: Path, size: int, *, memory_limit: int = 0) -> None:
        self.store_path = store_path
        self.size = max(1, size)
        self.memory_limit = memory_limit  # bytes of data memory per worker; 0: no limit
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._starting = 0
        self._lock = threading.Lock()
        self._closed = False
        env = dict(os.environ)
        package_parent = str(Path(__file__).resolve().parent.parent)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (package_parent, env.get("PYTHONPATH")) if p)
        self._env = env
        starting = [self._spawn() for _ in range(self.size)]
        for worker in starting:
            self._await_ready(worker)

    @property
    def pids(self) -> list[int]:
        """The process ids of the live workers (for monitoring and tests)."""
        with self._lock:
            return sorted(w.pid for w in self._all)

    def _spawn(self, *, was_starting: bool = False) -> _Worker:
        read_req, write_req = os.pipe()
        read_rep, write_rep = os.pipe()
        try:
            proc = subprocess.Popen(
                [
                    sys.executable,
                    "-P",
                    "-m",
                    WORKER_MODULE,
                    str(self.store_path),
                    str(self.memory_limit),
                ],
                stdin=read_req,
                stdout=write_rep,
                env=self._env,
                close_fds=True,
            )
        except BaseException:
            os.close(write_req)
            os.close(read_rep)
            raise
        finally:
            os.close(read_req)
            os.close(write_rep)
        worker = _Worker(proc, write_req, read_rep)
        with self._lock:
            self._all.add(worker)
            if was_starting:
                self._starting -= 1
        return worker

    def _await_ready(self, worker: _Worker) -> None:
        try:
            hello = read_frame(worker.from_worker, time.monotonic() + _STARTUP_SECONDS)
            if not (isinstance(hello, tuple) and hello[0] == "ready"):
                raise WorkerFailed(f"unexpected greeting {hello!r}")
        except (FrameTimeout, EOFError, OSError, pickle.UnpicklingError, WorkerFailed) as exc:
            self._discard(worker)
            from ..errors import StoreError

            raise StoreError(
                f"{self.store_path}: a query worker could not open the store ({exc!r}); "
                "see the messages above"
            ) from None
        self._idle.put(worker)

    def _discard(self, worker: _Worker) -> None:
        with self._lock:
            self._all.discard(worker)
        worker.kill()

    def _replenish(self) -> None:
        """Start workers in the background until the pool has its size again."""
        with self._lock:
            missing = self.size - len(self._all) - self._starting
            if self._closed or missing <= 0:
                return
            self._starting += missing

        def start() -> None:
            try:
                worker = self._spawn(was_starting=True)
            except Exception as exc:
                with self._lock:
                    self._starting -= 1
                if not self._closed:
                    log.error("cannot start a worker: %s", exc)
                return
            try:
                self._await_ready(worker)  # discards it on failure
                if self._closed:
                    self._discard(worker)
            except Exception as exc:  # logged; the next request tries again
                if not self._closed:
                    log.error("cannot start a worker: %s", exc)

        for _ in range(missing):
            threading.Thread(target=start, name="cmsgraph-worker-start", daemon=True).start()

    def run(self, request: dict[str, Any], *, timeout: float, wait: float) -> Reply:
        """Run ``request`` on a free worker; wait at most ``wait`` s for one.

        :raises PoolBusy: no worker became free within ``wait`` seconds.
        :raises QueryTimeout: the worker ran longer than ``timeout`` s (it was killed).
        :raises WorkerFailed: the worker died (it was replaced).
        """
        self._replenish()
        try:
            worker = self._idle.get(timeout=wait)
        except queue.Empty:
            raise PoolBusy from None
        healthy = False
        try:
            write_frame(worker.to_worker, {**request, "timeout": timeout})
            reply = read_frame(worker.from_worker, time.monotonic() + timeout)
            if not (isinstance(reply, tuple) and len(reply) == 3):
                raise WorkerFailed(f"unexpected reply {type(reply).__name__}")
            healthy = True
            return reply
        except FrameTimeout:
            raise QueryTimeout from None
        except (EOFError, OSError, pickle.UnpicklingError, struct.error) as exc:
            returncode = None
            with contextlib.suppress(subprocess.TimeoutExpired):
                returncode = worker.proc.wait(timeout=2)
            raise WorkerFailed(f"{exc} (exit status {returncode})", returncode) from None
        finally:
            if healthy and not self._closed:
                self._idle.put(worker)
            else:
                self._discard(worker)
                self._replenish()

    def close(self) -> None:
        """Kill every worker (queries in progress are answered as failed)."""
        with self._lock:
            self._closed = True
            workers = list(self._all)
            self._all.clear()
        for worker in workers:
            worker.kill()
