"""Extraction in worker processes of our own: bounded in number, in pages waiting, and in time.

Extraction is Python-bound (lxml, readability, our pipeline): in threads it would hold the GIL
the event loop needs. `ExtractPool` runs it in `workers` processes (one per core by default, at
a lower priority) and lets at most `queue_limit` more pages wait; one more is answered
`Unavailable` (503) with a `Retry-After` header instead of queueing without bound.

Each page gets at most `time_limit_s`. A worker still reading a page then is killed (SIGKILL:
a page may hold it in C code, where nothing else stops it), replaced, and the page answers
`TooSlow` (422). Killing a worker touches no other page: each worker is a process with its own
pipe, and a thread here waits on each page (a ProcessPoolExecutor would break every page in
flight). `shutdown()` kills every worker at once, so stopping the server never waits on a page.

Workers start on first use, forked from a small server process that has the reader already
imported ("forkserver"), never from the threaded server itself.
"""
from __future__ import annotations

import asyncio
import logging
import multiprocessing
import multiprocessing.connection
import os
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, TypeVar

from ..errors import TooSlow, Unavailable

T = TypeVar("T")
log = logging.getLogger(__name__)
PRELOAD = ["quietpage.library.reading"]  # the reader and the tags, imported once by the fork server, inherited by every worker


# ---------------------------------------------------------------------------- in the worker
def _serve_pages(conn, nice: int) -> None:
    """A worker's life: read a job from the pipe, run it, send back ("ok", result) or
    ("error", exception); until the pipe closes."""
    _start_worker(nice)
    while True:
        try:
            fn, args = conn.recv()
        except (EOFError, OSError):
            return  # the server closed our pipe: we are done
        try:
            answer = ("ok", fn(*args))
        except Exception as exc:  # raised again in the server, as it is
            answer = ("error", exc)
        try:
            conn.send(answer)
        except (EOFError, OSError):
            return
        except Exception as exc:  # a result or an error that cannot be pickled
            conn.send(("error", RuntimeError(f"the page reader's answer could not be sent back: {exc!r}")))
        del fn, args, answer  # a page can be 15 MB: not kept while waiting for the next


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


# ---------------------------------------------------------------------------- in the server
class _Worker:
    """One worker process and its pipe; used by one page at a time (the pool sees to it)."""

    def __init__(self, number: int):
        self.number = number
        self.process = None
        self.conn = None
        self.since: float | None = None  # time.monotonic() when its page started, while it reads one

    def alive(self) -> bool:
        return self.process is not None and self.process.exitcode is None

    def start(self, ctx, nice: int) -> None:
        ours, theirs = ctx.Pipe(duplex=True)
        process = ctx.Process(target=_serve_pages, args=(theirs, nice), daemon=True,
                              name=f"quietpage-reader-{self.number}")
        try:
            process.start()
        finally:
            theirs.close()
        self.process, self.conn = process, ours

    def kill(self) -> None:
        """SIGKILL now (safe from any thread); the page's thread sees the pipe close."""
        process = self.process
        if process is not None and process.exitcode is None:
            try:
                process.kill()
            except (OSError, ValueError):
                pass

    def stop(self) -> None:
        """Kill, reap and forget the process (by the thread that owns this worker)."""
        process, conn, self.process, self.conn = self.process, self.conn, None, None
        if process is not None:
            try:
                process.kill()
                process.join(5)
                process.close()
            except (OSError, ValueError):
                pass
        if conn is not None:
            conn.close()


class ExtractPool:
    def __init__(self, workers: int, queue_limit: int, retry_after_s: int, nice: int = 0,
                 time_limit_s: float = 20.0):
        self.workers = max(1, workers)
        self.limit = self.workers + max(0, queue_limit)  # running + waiting
        self.retry_after_s = retry_after_s
        self.nice = nice
        self.time_limit_s = time_limit_s
        self.stopped_for_time = 0  # pages whose worker was killed at the time limit, since start
        self._ctx = _context()
        self._slots = [_Worker(n) for n in range(1, self.workers + 1)]
        self._idle: asyncio.Queue[_Worker] = asyncio.Queue()
        for worker in self._slots:
            self._idle.put_nowait(worker)
        self._threads = ThreadPoolExecutor(self.workers, thread_name_prefix="quietpage-page")
        self._in_flight = 0
        self._count_lock = threading.Lock()
        self._closed = False
        self._start_error: str | None = None

    @classmethod
    def from_settings(cls, settings) -> "ExtractPool":
        return cls(settings.extract_workers, settings.extract_queue_limit, settings.extract_retry_after_s,
                   settings.extract_worker_nice, settings.extract_time_limit_s)

    @property
    def in_flight(self) -> int:
        """Pages being extracted or waiting for a worker."""
        return self._in_flight

    # ------------------------------------------------------------------ running a page
    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """fn(*args) in a worker process. Unavailable (503) at once if too many pages are in line,
        TooSlow (422) if it runs past the time limit (its worker is replaced)."""
        if self._closed:
            raise self._stopping()
        release = self._slot()
        try:
            worker = await self._idle.get()
        except BaseException:
            release()
            raise
        if self._closed:
            self._give_back(worker, release)
            raise self._stopping()
        loop = asyncio.get_running_loop()
        try:
            job = self._threads.submit(self._work, worker, fn, args)
        except RuntimeError:  # shut down meanwhile
            self._give_back(worker, release)
            raise self._stopping() from None
        # The worker is handed back when its thread is done with it, not when our caller stops
        # waiting (a cancelled request): the page still runs until it ends or the limit is hit.
        job.add_done_callback(lambda _job: _call_soon(loop, self._give_back, worker, release))
        return await asyncio.wrap_future(job)

    def _work(self, worker: _Worker, fn: Callable, args: tuple):
        """In a thread of ours: the page on `worker`, within the time limit."""
        if not worker.alive():
            self._start(worker)
        worker.since = time.monotonic()
        try:
            conn = worker.conn
            conn.send((fn, args))
            if not conn.poll(self.time_limit_s):
                self._replace(worker)
                if self._closed:
                    raise self._stopping()
                self.stopped_for_time += 1
                raise TooSlow(f"This page took too long to read (more than {self.time_limit_s:g} s, the "
                              "extract_time_limit_s setting), so QuietPage stopped reading it.")
            status, value = conn.recv()
        except (EOFError, OSError):  # the worker died: killed (shutdown, out of memory) or crashed
            worker.stop()
            if self._closed:
                raise self._stopping() from None
            raise self._busy("A page reader process stopped unexpectedly") from None
        finally:
            worker.since = None
        if status == "ok":
            return value
        raise value

    def _start(self, worker: _Worker) -> None:
        try:
            worker.start(self._ctx, self.nice)
        except OSError as exc:  # no memory or no processes left for a new one
            self._start_error = f"QuietPage could not start a page reader process ({exc.strerror or exc})."
            raise self._busy("QuietPage could not start a page reader process") from None
        self._start_error = None

    def _replace(self, worker: _Worker) -> None:
        pid = worker.process.pid if worker.process else None
        worker.stop()
        log.warning("stopped a page reader (pid %s) after %g s on one page; starting another", pid, self.time_limit_s)
        if not self._closed:
            try:
                self._start(worker)
            except Unavailable:
                pass  # tried again by the next page

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

    def _give_back(self, worker: _Worker, release: Callable) -> None:
        release()
        self._idle.put_nowait(worker)  # also after shutdown: whoever waits for it is told to stop

    def _busy(self, why: str) -> Unavailable:
        return Unavailable(f"{why}; try again in {self.retry_after_s} s.", code="busy",
                           headers={"Retry-After": str(self.retry_after_s)})

    def _stopping(self) -> Unavailable:
        return Unavailable("QuietPage is stopping, so this page was not read; try again once it runs again.",
                           code="stopping", headers={"Retry-After": str(self.retry_after_s)})

    # ------------------------------------------------------------------ health and shutdown
    def health(self) -> dict:
        """The workers now: how many read a page, how many have spent half the time limit or more
        on one ("stuck": they are stopped at the limit), how many pages wait; "degraded" with a
        sentence when pages are held up."""
        now = time.monotonic()
        busy = [now - since for w in self._slots if (since := w.since) is not None]
        stuck = [t for t in busy if t >= self.time_limit_s / 2]
        out = {"status": "ok", "workers": self.workers, "busy": len(busy), "stuck": len(stuck),
               "waiting": max(0, self._in_flight - len(busy)), "time_limit_s": self.time_limit_s,
               "stopped_for_time": self.stopped_for_time}
        if stuck:
            out.update(status="degraded", reason=(
                f"{len(stuck)} of {self.workers} page reader(s) have been reading one page for {max(stuck):.0f} s; "
                f"QuietPage stops them at {self.time_limit_s:g} s, and other pages wait meanwhile."))
        elif self._start_error:
            out.update(status="degraded", reason=self._start_error)
        return out

    def shutdown(self) -> None:
        """Kill every worker now (a page being read answers 503 at once) and stop taking pages."""
        if self._closed:
            return
        self._closed = True
        idle = []
        while not self._idle.empty():  # no thread has these: stopped (and reaped) here
            idle.append(self._idle.get_nowait())
        for worker in self._slots:
            worker.kill()  # the others' threads see their pipes close, and reap them
        for worker in idle:
            worker.stop()
            self._idle.put_nowait(worker)  # whoever waits for a worker is told to stop
        self._threads.shutdown(wait=False)


def _call_soon(loop: asyncio.AbstractEventLoop, fn: Callable, *args: Any) -> None:
    try:
        loop.call_soon_threadsafe(fn, *args)
    except RuntimeError:  # the loop is closed: nobody is waiting any more
        pass
