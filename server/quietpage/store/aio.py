"""Running the synchronous store on one dedicated thread, from async code.

Every call goes through a single-thread executor: writes are serialised, TinyDB never sees two
threads, and file I/O stays off the event loop. With group commit, a call's changes are written
to the journal but not yet fsynced when it returns; `run` then waits, on a second thread, until
they are durable - one fsync covers every call that finished while the previous one ran - and
only then answers. A read waits for the writes it could see, so nobody is ever shown a change
that a crash could still undo.

One data dir has one writer: across processes, the store's flock; inside a process, the
`SharedStores` below hands every app that opens the same dir the same open library (whatever
its factory made: something with `.storage`, the durability, and `.close()`) and thread.
"""
from __future__ import annotations

import asyncio
import functools
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Protocol, TypeVar

from ..errors import StorageError

T = TypeVar("T")


class Durability(Protocol):
    def heal(self) -> None: ...
    def mark(self) -> int: ...
    def is_durable(self, mark: int) -> bool: ...
    def sync_to(self, mark: int) -> None: ...


class OneThread:
    def __init__(self, name: str = "quietpage-store", durability: Durability | None = None):
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)
        self._syncer = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"{name}-sync")
        self.durability = durability

    def _call(self, fn: Callable, args: tuple, kwargs: dict) -> tuple[bool, Any, int]:
        try:
            if self.durability is not None:
                self.durability.heal()  # raises while the disk cannot take what memory holds
            ok, value = True, fn(*args, **kwargs)
        except BaseException as exc:  # handed back to the caller after the barrier
            ok, value = False, exc
        return ok, value, self.durability.mark() if self.durability else 0

    async def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        loop = asyncio.get_running_loop()
        ok, value, mark = await loop.run_in_executor(self._pool, self._call, fn, args, kwargs)
        if self.durability is not None and not self.durability.is_durable(mark):
            try:
                await loop.run_in_executor(self._syncer, self.durability.sync_to, mark)
            except StorageError:
                if ok or not isinstance(value, StorageError):
                    raise
                # else the call's own storage error says it better (it is the newer news)
        if not ok:
            raise value
        return value

    def call(self, fn: Callable[..., T], *args: Any) -> T:
        """fn(*args) on the thread, from synchronous code (no durability wait)."""
        return self._pool.submit(fn, *args).result()

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True)
        self._syncer.shutdown(wait=True)


@dataclass
class _Entry:
    store: Any
    thread: OneThread
    users: int


class SharedStores:
    """The open stores of this process, by data dir, counted by users (apps)."""

    def __init__(self):
        self._open: dict[Path, _Entry] = {}
        self._guard = threading.Lock()

    def _acquire(self, data_dir: Path, factory: Callable[[], Any]) -> _Entry:
        with self._guard:
            entry = self._open.get(data_dir)
            if entry is None:
                thread = OneThread()
                try:
                    store = thread.call(factory)
                except BaseException:
                    thread.shutdown()
                    raise
                thread.durability = store.storage
                entry = self._open[data_dir] = _Entry(store, thread, 0)
            entry.users += 1
            return entry

    async def open(self, data_dir: Path, factory: Callable[[], Any]) -> tuple[Any, OneThread]:
        """What is open on `data_dir` (made by `factory` on the store thread if not yet)."""
        loop = asyncio.get_running_loop()
        key = Path(data_dir).resolve()
        entry = await loop.run_in_executor(None, functools.partial(self._acquire, key, factory))
        return entry.store, entry.thread

    def _release(self, data_dir: Path) -> None:
        with self._guard:  # closed before anyone may open the dir again
            entry = self._open[data_dir]
            entry.users -= 1
            if entry.users:
                return
            del self._open[data_dir]
            try:
                entry.thread.call(entry.store.close)
            finally:
                entry.thread.shutdown()

    async def release(self, data_dir: Path) -> None:
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, functools.partial(self._release, Path(data_dir).resolve()))


# The one registry of the process: flock cannot tell two opens in one process apart, and two
# apps on one dir (tests do this) must see each other's writes, so they share the store.
SHARED = SharedStores()
