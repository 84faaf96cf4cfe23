"""What a running app holds, in one typed place: settings, the token, the library, the page
sessions, the store's thread and the extraction processes."""
from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, Callable, TypeVar

from aiohttp import web

from ..library import Library, Reading, read_page
from ..settings import Settings
from ..store import OneThread
from ..store.sessions import SessionRecords
from ..transfer.images import ArchiveQueue
from .auth import TokenWatch
from .extract_pool import ExtractPool

T = TypeVar("T")


@dataclass
class Context:
    settings: Settings
    tokens: TokenWatch  # the API token, re-read when `quietpage token --rotate` replaces it
    library: Library
    sessions: SessionRecords  # page sessions and used login links (the store keeps them)
    store_thread: OneThread
    extract_pool: ExtractPool
    images: ArchiveQueue | None = None  # archives saved articles' images in the background

    async def db(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run a Library (or sessions) call on the store's single thread; returns once its
        writes are durable."""
        return await self.store_thread.run(fn, *args, **kwargs)

    async def read(self, html: str, url: str | None, *, title: str | None = None, pack: bool = True) -> Reading:
        """A page read in a worker process (503 with Retry-After when too busy): the depth check,
        the reader, tags suggested in the user's vocabulary, the files packed - for saves,
        imports and fetches alike."""
        vocabulary, site_keywords = await self.db(self.library.reading_context, url)
        job = functools.partial(read_page, max_depth=self.settings.max_html_depth, vocabulary=vocabulary,
                                site_keywords=site_keywords, title=title, pack=pack,
                                keep_local_urls=self.settings.fetch_allow_private)
        return await self.extract_pool.run(job, html, url)


CONTEXT = web.AppKey("context", Context)
SETTINGS = web.AppKey("settings", Settings)


def ctx(request: web.Request) -> Context:
    return request.app[CONTEXT]
