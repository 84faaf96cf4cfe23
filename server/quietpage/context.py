"""What a running app holds, in one typed place: settings, token, library, the store's thread
and the extraction processes."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, TypeVar

from aiohttp import web

from .extract_pool import ExtractPool
from .library import Library
from .reader.limits import extract_checked
from .reader import Article
from .settings import Settings
from .store import OneThread

T = TypeVar("T")


@dataclass
class Context:
    settings: Settings
    token: str
    library: Library
    store_thread: OneThread
    extract_pool: ExtractPool

    async def db(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run a Library call on the store's single thread; returns once its writes are durable."""
        return await self.store_thread.run(fn, *args, **kwargs)

    async def extract(self, html: str, url: str | None) -> Article:
        """The nesting-depth check, then the reader, in a worker process (503 with Retry-After
        when too busy): for saves, imports and fetches alike."""
        return await self.extract_pool.run(extract_checked, html, url, self.settings.max_html_depth)


CONTEXT = web.AppKey("context", Context)
SETTINGS = web.AppKey("settings", Settings)


def ctx(request: web.Request) -> Context:
    return request.app[CONTEXT]
