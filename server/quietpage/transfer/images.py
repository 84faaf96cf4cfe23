"""Archiving the images of saved articles, after the save has answered.

For each image an article's reader view shows and that is not archived yet (library's
`image_plan`): a data: URI is decoded, an http(s) one fetched through the fetcher (its rules:
public addresses only unless fetch_allow_private, every redirect hop checked, the socket's peer
checked, image_timeout_s in all, image_max_bytes read at most - and within what is left of
image_article_max_bytes); the bytes are checked (imagecheck: really an image, no SVG, no
decompression bomb), stored once by content (the store's image folder, written before any
record names it) and recorded (library's `images_done`), or the reason is. One refused image
never stops the others, and nothing here can fail the save: it has answered already.

`ArchiveQueue` runs in the server's background (one article at a time, its images
`image_concurrency` at once); `run_archive` fills in older articles for the CLI and the list's
button, with progress.
"""
from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import logging
import re
import time
from collections.abc import Callable
from typing import Any

from ..errors import QuietPageError
from ..settings import Settings
from .fetcher import Fetcher, Want
from .imagecheck import ImageRefused, inspect

log = logging.getLogger(__name__)
Progress = Callable[[int, int], None]
# What archiving found is recorded at most this often while an article's images come (each
# record is a write on the store's one thread, which saves share), and when they are all done.
RECORD_EVERY_S = 1.0
_DATA_URI = re.compile(r"^data:image/[a-z0-9.+-]+;base64,", re.I)
# Types a server may declare for an image (many CDNs send these for any file): the bytes decide.
IMAGE_TYPES = ("image/", "application/octet-stream", "binary/octet-stream")


def image_want(settings: Settings, max_bytes: int, article_cap: bool) -> Want:
    return Want(IMAGE_TYPES, max_bytes, what="image",
                limit_name="image_article_max_bytes, for all the article's images" if article_cap else "image_max_bytes",
                accept="image/avif,image/webp,image/png,image/jpeg,image/gif;q=0.9,*/*;q=0.1",
                timeout_s=settings.image_timeout_s, type_code="image_wrong_type")


def _refused(message: str, code: str) -> dict:
    return {"error": message, "code": code}


class ImageArchiver:
    """Archives one article's images at a time: `await archiver.archive(article_id)`.
    `worker` is the app's Context or the CLI's LocalWorker (settings, library, db)."""

    def __init__(self, worker: Any, *, resolver=None, yield_to: Callable[[], Any] | None = None):
        self.w, self.s, self._resolver = worker, worker.settings, resolver
        self._yield_to = yield_to  # awaited before each image: lets a save in progress go first

    async def archive(self, article_id: str, *, retry_failed: bool = False) -> dict | None:
        """Archive what is pending; the article's {total, archived, failed} after, or None if
        it is gone."""
        plan = await self.w.db(self.w.library.image_plan, article_id, retry_failed)
        if plan is None:
            return None
        if not plan["pending"]:
            return await self.w.db(self.w.library.images_done, article_id, {})
        room = [max(0, self.s.image_article_max_bytes - plan["used_bytes"])]
        urls = iter(plan["pending"])
        done: dict[str, dict] = {}  # results not recorded yet
        last = [time.monotonic()]

        async def record() -> dict | None:
            batch = dict(done)
            done.clear()
            last[0] = time.monotonic()
            return await self.w.db(self.w.library.images_done, article_id, batch)

        async def lane(fetcher: Fetcher) -> None:
            for url in urls:  # lanes share one iterator: each image is taken once
                if self._yield_to is not None:
                    await self._yield_to()
                done[url] = await self._one(url, fetcher, room)
                if time.monotonic() - last[0] >= RECORD_EVERY_S:
                    await record()
            if done:  # this lane has nothing left to take: what is done is shown while others finish
                await record()

        async with Fetcher(self.s, resolver=self._resolver) as fetcher:
            lanes = max(1, min(self.s.image_concurrency, len(plan["pending"])))
            await asyncio.gather(*(lane(fetcher) for _ in range(lanes)))
        return await record()

    async def _one(self, url: str, fetcher: Fetcher, room: list[int]) -> dict:
        """{file, width, height, bytes} once stored, or {error, code}: why not."""
        cap = min(self.s.image_max_bytes, room[0])
        if cap <= 0:
            return _refused("The article's images together are larger than image_article_max_bytes.",
                            "images_article_too_large")
        try:
            data = _from_data_uri(url, cap) if url[:5].lower() == "data:" else \
                (await fetcher.get(url, image_want(self.s, cap, cap < self.s.image_max_bytes))).body
            info = await asyncio.to_thread(inspect, data, self.s.image_max_pixels)
            if len(data) > room[0]:
                return _refused("The article's images together are larger than image_article_max_bytes.",
                                "images_article_too_large")
            room[0] -= len(data)
            name = await asyncio.to_thread(self.w.library.image_files.put, data, info.type)
        except ImageRefused as exc:
            return _refused(exc.message, exc.code)
        except QuietPageError as exc:  # the fetcher's (fetch_*), or the disk's (StorageError)
            return _refused(exc.message, exc.code)
        except Exception as exc:  # a bug must not stop the other images, nor go unsaid
            log.exception("archiving the image %s failed", url[:200])
            return _refused(f"Archiving failed unexpectedly ({type(exc).__name__}).", "image_internal_error")
        return {"file": name, "width": info.width, "height": info.height, "bytes": len(data)}


def _from_data_uri(uri: str, cap: int) -> bytes:
    m = _DATA_URI.match(uri)
    if not m:
        raise ImageRefused("Only base64 data: images are kept.", "image_not_image")
    encoded = uri[m.end():]
    if len(encoded) * 3 // 4 > cap:
        raise ImageRefused(f"The image is larger than {cap} bytes (image_max_bytes).", "fetch_too_large")
    try:
        return base64.b64decode("".join(encoded.split()), validate=True)
    except (binascii.Error, ValueError):
        raise ImageRefused("The data: image is not valid base64.", "image_unreadable") from None


# While a save is being read, archiving waits (a save must answer as fast as without it), but
# never longer than this at a time, so a stream of saves cannot starve it.
MAX_WAIT_S = 10.0
WAIT_STEP_S = 0.05


class ArchiveQueue:
    """The server's background archiving: articles queued by saves (and fetches), done one at a
    time in the order they came, each image after any save in progress (`saving()`).
    `close()` (app shutdown) stops it between two images."""

    def __init__(self, worker: Any, *, resolver=None):
        self._archiver = ImageArchiver(worker, resolver=resolver, yield_to=self._after_saves)
        self._saves = 0
        self._queue: asyncio.Queue[str] = asyncio.Queue()
        self._queued: set[str] = set()
        self._task: asyncio.Task | None = None
        self.current: str | None = None

    def add(self, article_id: str) -> None:
        if article_id in self._queued:
            return
        self._queued.add(article_id)
        self._queue.put_nowait(article_id)
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._run())

    @contextlib.contextmanager
    def saving(self):
        """Around a save (reading the page, storing it): archiving steps aside meanwhile."""
        self._saves += 1
        try:
            yield
        finally:
            self._saves -= 1

    async def _after_saves(self) -> None:
        waited = 0.0
        while self._saves and waited < MAX_WAIT_S:
            await asyncio.sleep(WAIT_STEP_S)
            waited += WAIT_STEP_S

    def busy(self) -> bool:
        return bool(self._queued)

    async def idle(self) -> None:
        """Wait until everything queued is done (tests, benchmarks)."""
        while self._queued and self._task is not None and not self._task.done():
            await asyncio.sleep(0.02)

    async def _run(self) -> None:
        while not self._queue.empty():
            article_id = self._queue.get_nowait()
            self.current = article_id
            try:
                await self._archiver.archive(article_id)
            except asyncio.CancelledError:
                raise
            except Exception:  # logged; the article's images stay pending (archive-images retries)
                log.exception("archiving the images of article %s failed", article_id)
            finally:
                self._queued.discard(article_id)
                self.current = None

    async def close(self) -> None:
        if self._task is not None and not self._task.done():
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)


async def run_archive(worker: Any, ids: list[str], progress: Progress, *, retry_failed: bool = False,
                      on_error: Callable[[str, str, str], None] | None = None, resolver=None) -> dict:
    """Archive the images of these articles (older ones, or a retry), one after another:
    {total (articles), done, archived, failed (images)}."""
    archiver = ImageArchiver(worker, resolver=resolver)
    counts = {"total": len(ids), "done": 0, "archived": 0, "failed": 0}
    progress(0, len(ids))
    for article_id in ids:
        after = await archiver.archive(article_id, retry_failed=retry_failed)
        if after is not None:
            counts["archived"] += after["archived"]
            counts["failed"] += after["failed"]
            if after["failed"] and on_error is not None:
                on_error(article_id, "", f"{after['failed']} of {after['total']} image(s) could not be archived")
        counts["done"] += 1
        progress(counts["done"], len(ids))
    return counts
