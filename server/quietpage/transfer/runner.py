"""Import and fetch runs (exports are exports.py), for the HTTP handlers and the CLI alike. Each takes a `Worker`
(the app's Context, or the CLI's LocalWorker): `db` runs a Library call on the store thread,
`read` reads a page off the event loop (library.read_page). File parsing runs in a thread too."""
from __future__ import annotations

import asyncio
import itertools
import threading
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any, Protocol

from ..errors import ExtractionError, QuietPageError, Unavailable
from ..library import Library, Reading
from ..settings import Settings
from ..store import pack_bodies
from . import backup
from .fetcher import Fetcher
from .importers import open_source
from .items import ImportLimits

Progress = Callable[[int, int], None]
Missing = Callable[[dict, list[str]], None]  # an exported article and what of it was missing
Write = Callable[[bytes], Awaitable[Any]]
BATCH = 64  # items parsed per trip to the parsing thread


class Worker(Protocol):
    settings: Settings
    library: Library

    async def db(self, fn: Callable, *args: Any, **kwargs: Any) -> Any: ...
    async def read(self, html: str, url: str | None, *, title: str | None = None) -> Reading: ...


def no_progress(done: int, total: int) -> None:
    pass


def unsaid(record: dict, what: list[str]) -> None:
    pass


async def off_loop(fn: Callable, *args: Any) -> Any:
    return await asyncio.get_running_loop().run_in_executor(None, fn, *args)


# ---------------------------------------------------------------------- import
class _Stopped(Exception):
    """The run was cancelled: the parsing thread stops at the next item."""


async def run_import(worker: Worker, path: Path, progress: Progress = no_progress) -> dict:
    """Check every entry of the file first (a bad one raises ImportFormatError naming it, and
    nothing is imported), then add them. Returns what happened, counted.

    Cancellable (the server's shutdown, a Cancel button): the parsing thread stops at its next
    item and is waited for, and each article is added whole on the store thread, so a cancelled
    import leaves the articles before it imported and nothing half-written."""
    limits = ImportLimits.from_settings(worker.settings)
    stop = threading.Event()
    source = await _stoppable(stop, open_source, path, limits)
    total = await _stoppable(stop, _count, source, stop)
    counts = {"format": source.format, "total": total, "created": 0, "updated": 0, "skipped": 0,
              "needs_fetch": 0, "highlights": 0, **({"images": 0} if source.format == "quietpage" else {})}
    items = source.items()
    done = 0
    progress(0, total)
    try:
        while batch := await _stoppable(stop, _take, items, BATCH, stop):
            for item in batch:
                await asyncio.sleep(0)  # a cancellation asked for lands here, between two articles
                outcome, added, waiting = await _import_one(worker, source.format, item)
                counts[outcome] += 1
                counts["needs_fetch"] += waiting and outcome == "created"
                counts["highlights"] += added
                if outcome == "images":
                    continue  # files, not articles: the count is of articles
                done += 1
                progress(done, total)
    finally:
        items.close()  # the file is closed now, not when the iterator is collected
    return counts


def _count(source, stop: threading.Event) -> int:
    """The articles of the file (an image of a backup is checked, not counted)."""
    n = 0
    for item in source.items():
        if stop.is_set():
            raise _Stopped
        n += not isinstance(item, backup.BackupImage)
    return n


def _take(items: Iterator, n: int, stop: threading.Event) -> list:
    out = []
    for item in itertools.islice(items, n):
        if stop.is_set():
            raise _Stopped
        out.append(item)
    return out


async def _stoppable(stop: threading.Event, fn: Callable, *args: Any) -> Any:
    """fn(*args) in a thread; when the caller is cancelled, `stop` is set and the thread waited
    for (it checks `stop` at each item), so nothing still reads the file after we return."""
    future = asyncio.get_running_loop().run_in_executor(None, fn, *args)
    try:
        return await asyncio.shield(future)
    except asyncio.CancelledError:
        stop.set()
        await asyncio.wait([future])
        if not future.cancelled():
            future.exception()  # retrieved: _Stopped, or whatever ended it, is not an error now
        raise


async def _import_one(worker: Worker, fmt: str, item) -> tuple[str, int, bool]:
    """(outcome, highlights added, whether the article waits to be fetched)"""
    lib = worker.library
    if isinstance(item, backup.BackupImage):
        name = await off_loop(lib.image_files.put, item.data, item.type)
        assert name == item.file  # checked when read: the bytes hash to their name
        return "images", 0, False
    if fmt == "quietpage":
        bodies = await off_loop(pack_bodies, item.body, item.raw_html)
        return *await worker.db(lib.restore_entry, item, bodies), bool(item.record.get("needs_fetch"))
    reading = None
    if item.html:
        try:
            reading = await _read_retrying(worker, item.html, item.url, title=item.title)
        except ExtractionError:
            reading = None  # kept as an address to fetch; its highlights wait as orphans
    return *await worker.db(lib.import_item, item, reading), reading is None


# ---------------------------------------------------------------------- fetch
async def run_fetch(worker: Worker, targets: list[tuple[str, str]], progress: Progress = no_progress,
                    on_error: Callable[[str, str, str], None] | None = None) -> dict:
    """Fetch each (id, url), at most fetch_concurrency at once, through the reader into the
    library. A page that fails is marked with why (fetch_error) and the run goes on."""
    counts = {"total": len(targets), "done": 0, "fetched": 0, "failed": 0}
    queue: Iterator[tuple[str, str]] = iter(targets)
    progress(0, len(targets))

    async def one(article_id: str, url: str, fetcher: Fetcher) -> None:
        try:
            page = await fetcher.fetch(url)
            reading = await _read_retrying(worker, page.html, page.url)
            await worker.db(worker.library.fill_content, article_id, reading)
            if (images := getattr(worker, "images", None)) is not None:
                images.add(article_id)  # the server archives its images next (the CLI after the run)
            counts["fetched"] += 1
        except QuietPageError as exc:
            await worker.db(worker.library.fetch_failed, article_id, exc.message)
            counts["failed"] += 1
            if on_error:
                on_error(article_id, url, exc.message)
        counts["done"] += 1
        progress(counts["done"], len(targets))

    async def lane(fetcher: Fetcher) -> None:
        for article_id, url in queue:  # lanes share one iterator: each target is taken once
            await one(article_id, url, fetcher)

    async with Fetcher(worker.settings) as fetcher:
        lanes = max(1, min(worker.settings.fetch_concurrency, len(targets)))
        await asyncio.gather(*(lane(fetcher) for _ in range(lanes)))
    return counts


async def _read_retrying(worker: Worker, html: str, url: str, *, title: str | None = None) -> Reading:
    """The reader for an import or a fetch job, waiting its turn when the extraction queue is
    full (503) instead of failing: a job must not stop half way because saves are busy."""
    for _ in range(20):
        try:
            return await worker.read(html, url, title=title)
        except Unavailable:
            await asyncio.sleep(0.5)
    return await worker.read(html, url, title=title)
