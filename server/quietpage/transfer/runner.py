"""Import, export and fetch runs, for the HTTP handlers and the CLI alike. Each takes a `Worker`
(the app's Context, or the CLI's LocalWorker): `db` runs a Library call on the store thread,
`read` reads a page off the event loop (library.read_page). File parsing runs in a thread too."""
from __future__ import annotations

import asyncio
import itertools
import threading
import zipfile
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any, Protocol

from ..clock import now_iso, parse_iso
from ..errors import ExtractionError, QuietPageError, Unavailable
from ..library import Library, Reading
from ..settings import Settings
from ..store import pack_bodies
from ..store.files import atomic_write
from . import backup
from .export_markdown import document, file_names
from .fetcher import Fetcher
from .importers import open_source
from .items import ImportLimits

Progress = Callable[[int, int], None]
Write = Callable[[bytes], Awaitable[Any]]
BATCH = 64  # items parsed per trip to the parsing thread


class Worker(Protocol):
    settings: Settings
    library: Library

    async def db(self, fn: Callable, *args: Any, **kwargs: Any) -> Any: ...
    async def read(self, html: str, url: str | None, *, title: str | None = None) -> Reading: ...


def _noop(done: int, total: int) -> None:
    pass


async def _off_loop(fn: Callable, *args: Any) -> Any:
    return await asyncio.get_running_loop().run_in_executor(None, fn, *args)


# ---------------------------------------------------------------------- import
class _Stopped(Exception):
    """The run was cancelled: the parsing thread stops at the next item."""


async def run_import(worker: Worker, path: Path, progress: Progress = _noop) -> dict:
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
              "needs_fetch": 0, "highlights": 0}
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
                done += 1
                progress(done, total)
    finally:
        items.close()  # the file is closed now, not when the iterator is collected
    return counts


def _count(source, stop: threading.Event) -> int:
    n = 0
    for _ in source.items():
        if stop.is_set():
            raise _Stopped
        n += 1
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
    if fmt == "quietpage":
        bodies = await _off_loop(pack_bodies, item.body, item.raw_html)
        return *await worker.db(lib.restore_entry, item, bodies), bool(item.record.get("needs_fetch"))
    reading = None
    if item.html:
        try:
            reading = await _read_retrying(worker, item.html, item.url, title=item.title)
        except ExtractionError:
            reading = None  # kept as an address to fetch; its highlights wait as orphans
    return *await worker.db(lib.import_item, item, reading), reading is None


# ---------------------------------------------------------------------- export
def backup_settings(settings: Settings) -> dict:
    """The settings a backup records: those that change what the data means."""
    return {"trash_ttl_s": settings.trash_ttl_s}


async def export_json(worker: Worker, write: Write, progress: Progress = _noop) -> int:
    """The whole library as one JSON backup, written article by article (never whole in memory)."""
    ids = await worker.db(worker.library.export_ids)
    await write(backup.header(now_iso(), len(ids), backup_settings(worker.settings)))
    written = 0
    for i, article_id in enumerate(ids, 1):
        data = await worker.db(worker.library.export_data, article_id)
        if data is not None:
            await write(backup.entry(*data, first=written == 0))
            written += 1
        progress(i, len(ids))
    await write(backup.FOOTER)
    return written


async def markdown_documents(worker: Worker, progress: Progress = _noop):
    """(record, Markdown) of every article not in the trash, in the library's order."""
    ids = await worker.db(worker.library.export_ids)
    for i, article_id in enumerate(ids, 1):
        progress(i, len(ids))
        data = await worker.db(worker.library.export_data, article_id)
        if data is None or data[0].get("deleted_at"):
            continue
        record, body, _, highlights = data
        yield record, await _off_loop(document, record, body, highlights)


async def markdown_names(worker: Worker) -> dict[str, str]:
    return file_names(await worker.db(worker.library.markdown_index))


async def export_markdown_dir(worker: Worker, dest: Path, progress: Progress = _noop) -> int:
    dest.mkdir(parents=True, exist_ok=True)
    names = await markdown_names(worker)
    n = 0
    async for record, text in markdown_documents(worker, progress):
        name = names.get(record["id"]) or file_names([(record["id"], record.get("title"), "")])[record["id"]]
        await _off_loop(lambda: atomic_write(dest / name, text.encode("utf-8"), mode=0o644))
        n += 1
    return n


class _Sink:
    """A write-only, unseekable file for zipfile: what it is given waits in `take()`."""

    def __init__(self):
        self._parts: list[bytes] = []

    def write(self, data) -> int:
        self._parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        out, self._parts = b"".join(self._parts), []
        return out


async def export_markdown_zip(worker: Worker, write: Write, progress: Progress = _noop) -> int:
    """The Markdown files as a zip, streamed: each file goes out as soon as it is compressed."""
    names = await markdown_names(worker)
    sink = _Sink()
    n = 0
    with zipfile.ZipFile(sink, "w", zipfile.ZIP_DEFLATED) as zf:
        async for record, text in markdown_documents(worker, progress):
            info = zipfile.ZipInfo(names.get(record["id"], f"{record['id']}.md"), date_time=_zip_time(record))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, text.encode("utf-8"))
            await write(sink.take())
            n += 1
    await write(sink.take())
    return n


def _zip_time(record: dict) -> tuple:
    try:
        t = parse_iso(record.get("created_at") or "")
        return (max(t.year, 1980), t.month, t.day, t.hour, t.minute, t.second)
    except ValueError:
        return (1980, 1, 1, 0, 0, 0)


# ---------------------------------------------------------------------- fetch
async def run_fetch(worker: Worker, targets: list[tuple[str, str]], progress: Progress = _noop,
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
