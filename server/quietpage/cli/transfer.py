"""`quietpage import | fetch | archive-images`: the command-line side of transfer/ that writes
(export is exporting.py), and what every transfer command shares: the library opened for this
process (local_worker), its progress bar, its one-line failures.

Import and fetch write, so they take the data dir's lock like the server does: while the server
runs on the same folder they stop with a clear message (use the reading list, or stop the
server)."""
from __future__ import annotations

import asyncio
import functools
import sys
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, Callable

from ..errors import QuietPageError
from ..library import Library, Reading, read_page
from ..settings import Settings
from ..store import SHARED
from ..store.files import storage_error
from ..store.lock import DataDirLocked
from ..transfer import runner
from ..transfer.images import run_archive
from ..web.extract_pool import ExtractPool

SERVER_RUNNING = ("the server is running on this data dir; use the reading list's {what} (Import / export), "
                  "or stop the server and run this again.")


class LocalWorker:
    """What the runner needs, for a CLI process: the library on its own store thread, pages read
    in worker processes (started on first use) with the server's time limit per page."""

    def __init__(self, settings: Settings, library: Library, thread):
        self.settings, self.library, self._thread = settings, library, thread
        self.pool = ExtractPool.from_settings(settings)

    async def db(self, fn: Callable, *args: Any, **kwargs: Any) -> Any:
        return await self._thread.run(fn, *args, **kwargs)

    async def read(self, html: str, url: str | None, *, title: str | None = None) -> Reading:
        vocabulary, site_keywords = await self.db(self.library.reading_context, url)
        job = functools.partial(read_page, max_depth=self.settings.max_html_depth, vocabulary=vocabulary,
                                site_keywords=site_keywords, title=title,
                                keep_local_urls=self.settings.fetch_allow_private)
        return await self.pool.run(job, html, url)


@asynccontextmanager
async def local_worker(settings: Settings):
    """The library, locked for this process (DataDirLocked if a server holds it)."""
    try:
        library, thread = await SHARED.open(settings.data_dir, functools.partial(
            Library.open, settings.data_dir, settings, group_commit=True))
    except OSError as exc:  # the data folder's fault, not the file a command writes
        raise storage_error(exc, settings.data_dir, doing=f"open the library in {settings.data_dir}") from exc
    worker = LocalWorker(settings, library, thread)
    try:
        yield worker
    finally:
        worker.pool.shutdown()
        await SHARED.release(settings.data_dir)


class ProgressBar:
    """A one-line bar on stderr when it is a terminal; silent otherwise."""

    def __init__(self, label: str, stream=None):
        self.label, self.stream = label, stream or sys.stderr
        self.on = self.stream.isatty()
        self._last = -1

    def __call__(self, done: int, total: int) -> None:
        if not self.on or not total:
            return
        filled = done * 30 // total
        if filled == self._last and done != total:
            return
        self._last = filled
        self.stream.write(f"\r{self.label} [{'#' * filled}{'.' * (30 - filled)}] {done}/{total}")
        if done == total:
            self.stream.write("\n")
        self.stream.flush()


def fail(message: str) -> int:
    print(f"quietpage: {message}", file=sys.stderr)
    return 1


# ---------------------------------------------------------------------- import
def cmd_import(settings: Settings, args) -> int:
    path = Path(args.file)
    if not path.exists():
        return fail(f"{path} does not exist.")
    try:
        summary = asyncio.run(_import(settings, path))
    except DataDirLocked:
        return fail(SERVER_RUNNING.format(what="Import"))
    except QuietPageError as exc:
        return fail(exc.message)
    waiting = summary["needs_fetch"]
    print(f"Imported {path.name} ({summary['format']}): {summary['created']} new, {summary['updated']} updated, "
          f"{summary['skipped']} already in the library; {summary['highlights']} highlight(s)."
          + (f" {waiting} article(s) have no text yet: `quietpage fetch` gets them." if waiting else ""))
    return 0


async def _import(settings: Settings, path: Path) -> dict:
    async with local_worker(settings) as worker:
        return await runner.run_import(worker, path, ProgressBar("Importing"))


# ---------------------------------------------------------------------- fetch
def cmd_fetch(settings: Settings, args) -> int:
    try:
        counts, errors = asyncio.run(_fetch(settings))
    except DataDirLocked:
        return fail(SERVER_RUNNING.format(what="Fetch missing articles"))
    if not counts["total"]:
        print("Nothing to fetch: every article has its text.")
        return 0
    for url, message in errors:
        print(f"  {url}: {message}", file=sys.stderr)
    print(f"Fetched {counts['fetched']} of {counts['total']} article(s)"
          + (f"; {counts['failed']} could not be fetched (listed above; they stay in the list)." if counts["failed"] else "."))
    return 0 if not counts["failed"] else 3


async def _fetch(settings: Settings) -> tuple[dict, list]:
    errors: list[tuple[str, str]] = []
    async with local_worker(settings) as worker:
        targets = await worker.db(worker.library.to_fetch)
        counts = await runner.run_fetch(worker, targets, ProgressBar("Fetching"),
                                        lambda _id, url, message: errors.append((url, message)))
        fetched = [i for i in await worker.db(worker.library.image_backlog) if i in {t[0] for t in targets}]
        if fetched:  # their images too, as the server does after a fetch
            await run_archive(worker, fetched, ProgressBar("Archiving images"))
    return counts, errors


# ---------------------------------------------------------------------- archive-images
def cmd_archive_images(settings: Settings, args) -> int:
    try:
        counts, failures = asyncio.run(_archive_images(settings, args.retry_failed))
    except DataDirLocked:
        return fail(SERVER_RUNNING.format(what="Archive images"))
    if not counts["total"]:
        print("Every article's images are archived" + ("." if args.retry_failed else
              " (or were refused: --retry-failed tries those again)."))
        return 0
    for article_id, message in failures:
        print(f"  article {article_id}: {message}", file=sys.stderr)
    print(f"Archived the images of {counts['done']} article(s): {counts['archived']} image(s) kept here"
          + (f", {counts['failed']} could not be (the reasons: GET /api/articles/ID/images)." if counts["failed"] else "."))
    return 0


async def _archive_images(settings: Settings, retry_failed: bool) -> tuple[dict, list]:
    failures: list[tuple[str, str]] = []
    async with local_worker(settings) as worker:
        ids = await worker.db(worker.library.image_backlog, retry_failed)
        counts = await run_archive(worker, ids, ProgressBar("Archiving images"), retry_failed=retry_failed,
                                   on_error=lambda article_id, _url, message: failures.append((article_id, message)))
    return counts, failures
