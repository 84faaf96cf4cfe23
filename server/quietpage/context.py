"""What a running app holds, in one typed place: settings, token, library and the two pools."""
from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Callable, TypeVar

from aiohttp import web

from .library import Library
from .reader import Article, extract
from .settings import Settings
from .store import OneThread

T = TypeVar("T")


@dataclass
class Context:
    settings: Settings
    token: str
    library: Library
    store_thread: OneThread
    extract_pool: ThreadPoolExecutor

    async def db(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run a Library call on the store's single thread."""
        return await self.store_thread.run(fn, *args, **kwargs)

    async def extract(self, html: str, url: str | None) -> Article:
        """Run the reader pipeline off the event loop."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.extract_pool, extract, html, url)


CONTEXT = web.AppKey("context", Context)
SETTINGS = web.AppKey("settings", Settings)


def ctx(request: web.Request) -> Context:
    return request.app[CONTEXT]
