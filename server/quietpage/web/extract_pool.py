"""Extraction in worker processes, bounded, so the event loop never waits for it.

Extraction is Python-bound (lxml, readability, our pipeline): in threads it would hold the GIL
the event loop needs. `ExtractPool` runs it in `workers` processes (one per core by default, at
a lower priority), lets at most `queue_limit` more pages wait, and answers any page beyond that
with `Unavailable` (503) and a `Retry-After` header instead of queueing without bound.

Workers start on first use, forked from a small server process that has the reader already
imported ("forkserver"), never from the threaded server itself.
"""
from __future__ import annotations

import asyncio
import multiprocessing
import multiprocessing.connection
import os
import signal
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Callable, TypeVar

from ..errors import Unavailable

T = TypeVar("T")
PRELOAD = ["quietpage.library.reading"]  # the reader and the tags, imported once by the fork server, inherited by every worker


def _start_worker(nice: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the server, which stops us
    if nice and hasattr(os, "nice"):
        try:
            os.nice(nice)
        except OSError:
            pass
    parent = multiprocessing.parent_process()
    if parent is not None:  # a killed server must not leave its workers (and their pipes) behind
        threading.Thread(target=_exit_with, args=(parent.sentinel,), daemon=True).start()


def _exit_with(sentinel: int) -> None:
    multiprocessing.connection.wait([sentinel])  # readable once the server is gone
    os._exit(0)


def _context():
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(PRELOAD)
        return ctx
    return multiprocessing.get_context("spawn")


class ExtractPool:
    def __init__(self, workers: int, queue_limit: int, retry_after_s: int, nice: int = 0):
        self.workers = max(1, workers)
        self.limit = self.workers + max(0, queue_limit)  # running + waiting
        self.retry_after_s = retry_after_s
        self.nice = nice
        self._executor: ProcessPoolExecutor | None = None
        self._in_flight = 0
        self._count_lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings) -> "ExtractPool":
        return cls(settings.extract_workers, settings.extract_queue_limit,
                   settings.extract_retry_after_s, settings.extract_worker_nice)

    @property
    def in_flight(self) -> int:
        """Pages being extracted or waiting for a worker."""
        return self._in_flight

    def _pool(self) -> ProcessPoolExecutor:
        if self._executor is None:
            self._executor = ProcessPoolExecutor(self.workers, mp_context=_context(),
                                                 initializer=_start_worker, initargs=(self.nice,))
        return self._executor

    def _slot(self) -> Callable[..., None]:
        """Take a place in line; the function returned gives it back (once, however often called)."""
        with self._count_lock:
            if self._in_flight >= self.limit:
                raise self._busy("The server is busy reading other pages")
            self._in_flight += 1
        taken = [True]

        def release(*_ignored) -> None:
            with self._count_lock:
                if taken and taken.pop():
                    self._in_flight -= 1
        return release

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """fn(*args) in a worker process; Unavailable at once if too many pages are in line."""
        release = self._slot()
        pool = self._pool()
        try:
            try:  # from a thread: submit may start the fork server or a worker, and wait for it
                future = await asyncio.get_running_loop().run_in_executor(None, self._submit, pool, fn, args, release)
            except BaseException:
                release()
                raise
            return await asyncio.wrap_future(future)
        except BrokenProcessPool:  # a worker died (killed, out of memory): start afresh
            if self._executor is pool:
                self._discard()
            raise self._busy("A page reader process stopped unexpectedly") from None

    @staticmethod
    def _submit(pool: ProcessPoolExecutor, fn: Callable, args: tuple, release: Callable):
        future = pool.submit(fn, *args)
        future.add_done_callback(release)  # the place is held until the worker is done with it
        return future

    def _busy(self, why: str) -> Unavailable:
        return Unavailable(f"{why}; try again in {self.retry_after_s} s.", code="busy",
                           headers={"Retry-After": str(self.retry_after_s)})

    def _discard(self) -> None:
        broken, self._executor = self._executor, None
        if broken is not None:
            broken.shutdown(wait=False, cancel_futures=True)

    def shutdown(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None
