"""The aiohttp application: `create_app(settings)`, its URL map and its lifecycle."""
from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor

from aiohttp import web

from . import auth, middleware
from .context import CONTEXT, SETTINGS, Context
from .handlers import articles, highlights, pages, session
from .library import Library
from .paths import static_dir
from .settings import Settings
from .store import OneThread, Store

log = logging.getLogger(__name__)


def routes() -> list[web.AbstractRouteDef]:
    """The whole URL map."""
    return [
        web.get("/api/health", session.health),
        web.post("/api/login-links", session.create_login_link),
        web.post("/api/extract", articles.extract_page),
        web.post("/api/articles", articles.save_article),
        web.get("/api/articles", articles.list_articles),
        web.get("/api/articles/{id}", articles.get_article),
        web.patch("/api/articles/{id}", articles.patch_article),
        web.delete("/api/articles/{id}", articles.delete_article),
        web.post("/api/articles/{id}/restore", articles.restore_article),
        web.post("/api/articles/{id}/highlights", highlights.add_highlight),
        web.get("/api/articles/{id}/highlights", highlights.list_highlights),
        web.patch("/api/highlights/{id}", highlights.patch_highlight),
        web.delete("/api/highlights/{id}", highlights.delete_highlight),
        web.get("/", pages.reading_list),
        web.get("/read/{id}", pages.reader),
        web.get(auth.LOGIN_PATH, session.login),
        web.post("/logout", session.logout),
        web.static("/static", static_dir(), append_version=False),
    ]


def create_app(settings: Settings) -> web.Application:
    app = web.Application(
        client_max_size=settings.max_body_bytes,
        middlewares=[middleware.errors, middleware.security_headers, middleware.authenticate],
    )
    app[SETTINGS] = settings
    app.cleanup_ctx.append(_resources)
    app.router.add_routes(routes())
    return app


async def _resources(app: web.Application):
    """Open the store and the pools on start-up; close them on shutdown."""
    settings = app[SETTINGS]
    store_thread = OneThread()
    store = await store_thread.run(Store, settings.data_dir)
    library = Library(store, settings)
    token = await store_thread.run(auth.load_or_create_token, settings.data_dir)
    purged = await store_thread.run(library.purge_trash)
    if purged:
        log.info("purged %d article(s) from the trash", purged)
    pool = ThreadPoolExecutor(max_workers=settings.extract_workers, thread_name_prefix="quietpage-extract")
    app[CONTEXT] = Context(settings=settings, token=token, library=library,
                           store_thread=store_thread, extract_pool=pool)
    try:
        yield
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        await store_thread.run(store.close)
        store_thread.shutdown()
