"""Import, export and fetch runs, for the HTTP handlers and the CLI alike. Each takes a `Worker`
(the app's Context, or the CLI's LocalWorker): `db` runs a Library call on the store thread,
`read` reads a page off the event loop (library.read_page). File parsing runs in a thread too."""
from __future__ import annotations

import asyncio
import itertools
import logging
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
from . import backup, epub
from .imagecheck import ImageRefused, to_core_type
from .export_markdown import ASSETS, asset_names, document, file_names
from .fetcher import Fetcher
from .importers import open_source
from .items import ImportLimits

log = logging.getLogger(__name__)
Progress = Callable[[int, int], None]
Missing = Callable[[dict, list[str]], None]  # an exported article and what of it was missing
Write = Callable[[bytes], Awaitable[Any]]
BATCH = 64  # items parsed per trip to the parsing thread


class Worker(Protocol):
    settings: Settings
    library: Library

    async def db(self, fn: Callable, *args: Any, **kwargs: Any) -> Any: ...
    async def read(self, html: str, url: str | None, *, title: str | None = None) -> Reading: ...


def _noop(done: int, total: int) -> None:
    pass


def _unsaid(record: dict, what: list[str]) -> None:
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
        name = await _off_loop(lib.image_files.put, item.data, item.type)
        assert name == item.file  # checked when read: the bytes hash to their name
        return "images", 0, False
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


async def _exported(worker: Worker, article_id: str, missing: Missing, *, page: bool) -> tuple | None:
    """export_data of one article (None: purged meanwhile). What of it was missing (gone or
    damaged files) is told to `missing(record, sentences)` - its text, and its page as captured
    when the export holds it (`page`: a JSON backup does) - and it is exported with what is known."""
    data = await worker.db(worker.library.export_data, article_id)
    if data is not None:
        _tell(data, missing, page)
    return data


def _tell(data: tuple, missing: Missing, page: bool) -> None:
    record, body = data[0], data[1]
    if body.get("missing") and (page or body.get("text_missing")):
        missing(record, body["missing"])


async def export_json(worker: Worker, write: Write, progress: Progress = _noop, missing: Missing = _unsaid) -> int:
    """The whole library as one JSON backup, written article by article (never whole in memory)."""
    ids = await worker.db(worker.library.export_ids)
    await write(backup.header(now_iso(), len(ids), backup_settings(worker.settings)))
    files = worker.library.image_files
    images = 0
    for name in await worker.db(worker.library.export_image_files):
        try:
            data = await _off_loop(files.read, name)
        except OSError:  # gone since (purged): its articles' items say so on import
            continue
        await write(backup.image_line(name, data, first=images == 0))
        images += 1
    await write(backup.images_close(images > 0))
    written = 0
    for i, article_id in enumerate(ids, 1):
        data = await _exported(worker, article_id, missing, page=True)
        if data is not None:
            await write(backup.entry(*data, first=written == 0))
            written += 1
        progress(i, len(ids))
    await write(backup.FOOTER)
    return written


async def markdown_documents(worker: Worker, progress: Progress = _noop, missing: Missing = _unsaid):
    """(record, Markdown) of every article not in the trash, in the library's order."""
    ids = await worker.db(worker.library.export_ids)
    for i, article_id in enumerate(ids, 1):
        progress(i, len(ids))
        data = await worker.db(worker.library.export_data, article_id)
        if data is None or data[0].get("deleted_at"):
            continue
        _tell(data, missing, page=False)
        record, body, _, highlights, images = data
        yield record, images, await _off_loop(document, record, body, highlights, images)


async def markdown_names(worker: Worker) -> dict[str, str]:
    return file_names(await worker.db(worker.library.markdown_index))


async def export_markdown_dir(worker: Worker, dest: Path, progress: Progress = _noop,
                              missing: Missing = _unsaid) -> int:
    dest.mkdir(parents=True, exist_ok=True)
    names = await markdown_names(worker)
    n = 0
    files = worker.library.image_files
    async for record, images, text in markdown_documents(worker, progress, missing):
        name = names.get(record["id"]) or file_names([(record["id"], record.get("title"), "")])[record["id"]]
        for image in asset_names(images):
            target = dest / ASSETS / image
            if not target.exists():
                await _off_loop(_copy_asset, files, image, target)
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


async def export_markdown_zip(worker: Worker, write: Write, progress: Progress = _noop,
                              missing: Missing = _unsaid) -> int:
    """The Markdown files as a zip, streamed: each file goes out as soon as it is compressed."""
    names = await markdown_names(worker)
    sink = _Sink()
    n = 0
    written: set[str] = set()
    files = worker.library.image_files
    with zipfile.ZipFile(sink, "w", zipfile.ZIP_DEFLATED) as zf:
        async for record, images, text in markdown_documents(worker, progress, missing):
            for image in asset_names(images):
                if image in written:
                    continue
                try:
                    data = await _off_loop(files.read, image)
                except OSError:
                    continue
                info = zipfile.ZipInfo(f"{ASSETS}/{image}", date_time=_zip_time(record))
                info.compress_type = zipfile.ZIP_STORED  # already compressed
                zf.writestr(info, data)
                written.add(image)
                await write(sink.take())
            info = zipfile.ZipInfo(names.get(record["id"], f"{record['id']}.md"), date_time=_zip_time(record))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, text.encode("utf-8"))
            await write(sink.take())
            n += 1
    await write(sink.take())
    return n


async def export_epub(worker: Worker, write: Write, ids: list[str], progress: Progress = _noop,
                      missing: Missing = _unsaid) -> int:
    """These articles (export_selection) as one EPUB 3, streamed chapter by chapter."""
    files, max_pixels = worker.library.image_files, worker.settings.image_max_pixels
    book = epub.Book(embed=lambda name: _embedded(files, name, max_pixels))
    when = now_iso()
    sink = _Sink()
    records, entries = [], []
    with zipfile.ZipFile(sink, "w", zipfile.ZIP_DEFLATED) as zf:
        epub.start_zip(zf)
        for i, article_id in enumerate(ids, 1):
            data = await _exported(worker, article_id, missing, page=False)
            if data is not None:
                record, body, _, highlights, images = data
                chapter = epub.Chapter(record, body.get("content_html") or "", highlights, images)
                xhtml = await _off_loop(epub.chapter_xhtml, chapter, book)
                href = f"chapters/c{len(records) + 1}.xhtml"
                zf.writestr(f"OEBPS/{href}", xhtml)
                for image_href, image, _ in book.pending:
                    zf.writestr(f"OEBPS/{image_href}", image, compress_type=zipfile.ZIP_STORED)
                book.pending.clear()
                records.append(record)
                entries.append((href, record.get("title") or record["url"]))
                await write(sink.take())
            progress(i, len(ids))
        lang = epub.lang_of(records[0]) if records else "en"
        title = epub.book_title(records, when)
        creators = list(dict.fromkeys(r["byline"] for r in records if r.get("byline")))[:20]
        zf.writestr("OEBPS/nav.xhtml", epub.nav_xhtml(entries, title, lang))
        zf.writestr("OEBPS/content.opf", epub.opf(
            title=title, lang=lang, identifier=epub.identifier([r["id"] for r in records], when),
            modified=when[:19] + "Z", creators=creators, chapters=[h for h, _ in entries],
            images=list(book.files.values())))
    await write(sink.take())
    return len(records)


def _embedded(files, name: str, max_pixels: int) -> tuple[bytes, str] | None:
    try:
        return to_core_type(files.read(name), max_pixels)
    except (OSError, ImageRefused) as exc:
        log.warning("left the image %s out of the EPUB: %s", name, exc)
        return None


def _copy_asset(files, name: str, target: Path) -> None:
    try:
        data = files.read(name)
    except OSError:
        return
    atomic_write(target, data, mode=0o644)


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
