"""A pool of long-lived extraction processes with per-task time and memory limits.

Each worker is a `spawn`ed process: a fresh interpreter, because forking a parent
that runs threads (the web server, Whoosh writers) can copy held locks into the
child, and because spawned workers are our direct children, so we can reap them
and nothing (like a forkserver) outlives `close()`. They are started on demand
and kept for many documents, so the interpreter start-up is paid once per worker.

Each worker runs in its own process group, so a timed-out worker is killed with
everything it started; it sets RLIMIT_AS on itself, and exits if its parent dies.
The parent talks to each worker over its own Pipe and waits on all of them with
`multiprocessing.connection.wait()` until the earliest deadline.
"""
from __future__ import annotations

import gc
import logging
import multiprocessing
import os
import resource
import signal
import sys
import threading
import time
import types
import weakref
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any, TypeVar

from dossier.indexer.extract import registry
from dossier.indexer.extract.result import Extraction, describe, failed

K = TypeVar("K")
STARTUP_LIMIT = 60.0      # seconds a new worker may take to import and report ready
RECYCLE_SHARE = 0.5       # a worker whose address space passed this share of its memory limit is replaced
_READY = "ready"
_context = multiprocessing.get_context("spawn")


class _Worker:
    def __init__(self, memory_limit: int | None) -> None:
        self.conn, child_conn = _context.Pipe()
        self.process = _context.Process(
            target=_serve, args=(child_conn, memory_limit, os.getpid()),
            name="dossier-extract", daemon=True)
        with _bare_main():
            self.process.start()
        child_conn.close()
        self.started = time.monotonic()
        self.ready = False
        self.key: Any = None
        self.busy = False
        self.deadline: float | None = None

    def assign(self, key: Any, ref: str, path: str, time_limit: float, extra=None) -> None:
        self.key, self.busy = key, True
        self.deadline = time.monotonic() + time_limit if self.ready else None
        self.conn.send((ref, path, extra))

    def finish(self) -> Any:
        key, self.key, self.busy, self.deadline = self.key, None, False, None
        return key

    def effective_deadline(self) -> float:
        return self.deadline if self.deadline is not None else self.started + STARTUP_LIMIT

    def kill(self) -> None:
        """SIGKILL the worker's process group (it and anything it started)."""
        pid = self.process.pid
        if pid is not None:
            for send in (os.killpg, os.kill):  # the group exists only once the worker set it up
                try:
                    send(pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
        self.process.join(5)
        self.conn.close()

    def death_reason(self) -> str:
        self.process.join(5)
        code = self.process.exitcode
        self.kill()
        if code is not None and code < 0:
            return f"extractor crashed (signal {-code})"
        return f"extractor crashed (exit code {code})"


class ExtractionPool:
    """Runs extractors in worker processes. One caller at a time (other threads wait)."""

    def __init__(self, workers: int | None = None, time_limit: float = 60.0,
                 memory_limit: int = 1024 * 2**20) -> None:
        self.size = max(1, workers or os.cpu_count() or 1)
        self.time_limit = time_limit
        self.memory_limit = memory_limit
        self._workers: list[_Worker] = []
        self._lock = threading.Lock()
        self._owner: int | None = None
        self._closed = False
        self._finalizer = weakref.finalize(self, _shutdown, self._workers)

    def warm(self) -> None:
        """Start every worker now, so their start-up overlaps what the caller
        does before its first document (unless another thread is using the pool)."""
        if self._closed or not self._lock.acquire(blocking=False):
            return
        try:
            while len(self._workers) < self.size:
                self._workers.append(_Worker(self.memory_limit))
        finally:
            self._lock.release()

    def extract(self, path: str | os.PathLike, mime: str) -> Extraction:
        [(_, result)] = self.extract_many([(None, path, mime)])
        return result

    def extract_many(self, items: Iterable[tuple[K, str | os.PathLike, str]]
                     ) -> Iterator[tuple[K, Extraction]]:
        """Yield (key, extraction) as each document finishes, keeping every worker busy."""
        yield from self._pooled(iter(items), registry.reference)

    def call_many(self, items: Iterable[tuple]) -> Iterator[tuple[K, Any]]:
        """Run "module:function" (item's third part) on each file, under the same limits as
        extraction, with an item's fourth part, if it has one, as further arguments (a tuple) or
        keyword arguments (a dict): (key, path, ref[, args or kwargs]); yield (key, what it
        returned), or a failed Extraction saying why it did not."""
        yield from self._pooled(iter(items), lambda ref: ref)

    def _pooled(self, items: Iterator, resolve) -> Iterator:
        self._acquire()
        try:
            yield from self._run(items, resolve)
        finally:
            for worker in [w for w in self._workers if w.busy]:  # abandoned mid-way
                self._discard(worker)
            self._release()

    def close(self) -> None:
        self._closed = True
        self._finalizer()

    def __enter__(self) -> "ExtractionPool":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _run(self, items: Iterator[tuple[Any, Any, str]], resolve) -> Iterator[tuple[Any, Extraction]]:
        exhausted = False
        while True:
            while not exhausted and self._has_capacity():
                item = next(items, None)
                if item is None:
                    exhausted = True
                    break
                key, path, what, *extra = item
                ref = resolve(what)
                if ref is None:
                    yield key, failed(f"no extractor for {what}")
                else:
                    self._dispatch(key, ref, os.fspath(path), extra[0] if extra else None)
            busy = [w for w in self._workers if w.busy]
            if not busy:
                return
            yield from self._collect(busy)

    def _collect(self, busy: list[_Worker]) -> Iterator[tuple[Any, Extraction]]:
        """Wait for the next message or deadline; yield what finished."""
        timeout = max(0.0, min(w.effective_deadline() for w in busy) - time.monotonic())
        ready = wait([w.conn for w in busy], timeout)
        for worker in busy:
            if worker.conn in ready:
                outcome = self._receive(worker)
                if outcome is not None:
                    yield outcome
            elif time.monotonic() >= worker.effective_deadline():
                key = worker.finish()
                self._discard(worker)
                yield key, failed(f"timed out after {self.time_limit:g} s")

    def _receive(self, worker: _Worker) -> tuple[Any, Extraction] | None:
        try:
            message = worker.conn.recv()
        except (EOFError, OSError):
            key = worker.finish()
            reason = worker.death_reason()
            self._workers.remove(worker)
            return key, failed(reason)
        if message == _READY:
            worker.ready = True
            if worker.busy:
                worker.deadline = time.monotonic() + self.time_limit
            return None
        outcome = worker.finish(), message
        if self.memory_limit and _address_space(worker.process.pid) > self.memory_limit * RECYCLE_SHARE:
            self._discard(worker)  # what this document left behind must not fail the next one
        return outcome

    def _has_capacity(self) -> bool:
        return len(self._workers) < self.size or any(not w.busy for w in self._workers)

    def _dispatch(self, key: Any, ref: str, path: str, extra=None) -> None:
        worker = next((w for w in self._workers if not w.busy), None)
        if worker is None:
            worker = _Worker(self.memory_limit)
            self._workers.append(worker)
        try:
            worker.assign(key, ref, path, self.time_limit, extra)
        except OSError:  # it died while idle: its pipe is gone, use a fresh one
            self._discard(worker)
            worker = _Worker(self.memory_limit)
            self._workers.append(worker)
            worker.assign(key, ref, path, self.time_limit, extra)

    def _discard(self, worker: _Worker) -> None:
        worker.kill()
        self._workers.remove(worker)

    def _acquire(self) -> None:
        if self._closed:
            raise RuntimeError("ExtractionPool is closed")
        if self._owner == threading.get_ident():
            raise RuntimeError("ExtractionPool is already in use by this thread")
        self._lock.acquire()
        self._owner = threading.get_ident()

    def _release(self) -> None:
        self._owner = None
        self._lock.release()


_starting = threading.Lock()


@contextmanager
def _bare_main() -> Iterator[None]:
    """While a worker is spawned, an empty ``__main__`` stands in for the real one.

    A spawned child first re-imports the parent's main script or module (so that
    what it defines can be unpickled); the `dossier` script imports the whole web
    app and Whoosh (~0.4 s of CPU per worker, before its first document). A worker
    runs only ``_serve`` and the extractors, which live in this package."""
    with _starting:
        main = sys.modules["__main__"]
        sys.modules["__main__"] = types.ModuleType("__main__")
        try:
            yield
        finally:
            sys.modules["__main__"] = main


def _address_space(pid: int | None) -> int:
    """A process's virtual size (what RLIMIT_AS counts), from /proc; 0 where it cannot be read."""
    try:
        with open(f"/proc/{pid}/statm", encoding="ascii") as handle:
            return int(handle.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _shutdown(workers: list[_Worker]) -> None:
    for worker in workers:
        try:
            worker.conn.send(None)
        except OSError:
            pass
    end = time.monotonic() + 2
    for worker in workers:
        worker.process.join(max(0.0, end - time.monotonic()))
        worker.kill()
    workers.clear()


# ---- inside the worker process ----

def _serve(conn: Connection, memory_limit: int | None, parent_pid: int) -> None:
    os.setpgid(0, 0)
    if memory_limit:
        _limit_memory(memory_limit)
    threading.Thread(target=_exit_with_parent, args=(parent_pid,), daemon=True).start()
    logging.getLogger("pypdf").setLevel(logging.ERROR)  # one line per odd object otherwise
    oom = f"out of memory (limit {memory_limit // 2**20} MB)" if memory_limit else "out of memory"
    conn.send(_READY)
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        ref, path, extra = task
        args, kwargs = (tuple(extra), None) if isinstance(extra, (tuple, list)) else ((), extra)
        try:
            result = registry.run(ref, Path(path), *args, oom_error=oom, kwargs=kwargs)
        except Exception as exc:  # the extractor itself could not be loaded
            result = failed(f"cannot load extractor {ref}: {describe(exc)}")
        try:
            conn.send(result)
        except MemoryError:
            conn.send(failed(oom))
        del result
        _freeze_imports()


def _freeze_imports() -> None:
    """After the first document (its extractor imported): leave every object
    alive now out of later garbage collections. Parsing a PDF allocates millions
    of small objects, and each of the cyclic collector's ~5,000 runs over the 61
    PDFs of the benchmark also scanned every imported module's objects: 1.7 of
    25 s of CPU, 0.8 s once they are frozen. (Rarer collections saved more, but
    let a hostile scan reach the memory limit.)"""
    if gc.get_freeze_count() == 0:
        gc.collect()
        gc.freeze()


def _limit_memory(limit: int) -> None:
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _exit_with_parent(parent_pid: int) -> None:
    """Kill this worker's group when the parent is gone (even if it was SIGKILLed)."""
    while os.getppid() == parent_pid:
        time.sleep(1)
    os.killpg(0, signal.SIGKILL)
