"""The aiohttp application: `create_app(settings)`, its URL map and its lifecycle."""
from __future__ import annotations

import asyncio
import functools
import gc
import logging

from aiohttp import web

from ..library import Library
from ..paths import static_dir
from ..settings import Settings
from ..store import SHARED, OneThread
from . import auth, guard, middleware, serving
from .context import CONTEXT, SETTINGS, Context
from .extract_pool import ExtractPool
from ..transfer.images import ArchiveQueue
from .handlers import articles, highlights, images, pages, session, tags, transfer

log = logging.getLogger(__name__)


def routes() -> list[web.AbstractRouteDef]:
    """The whole URL map."""
    return [
        web.get("/api/health", session.health),
        web.get("/api/openapi.json", session.openapi_description),
        web.get("/api/hello", session.hello),
        web.post("/api/pair", session.pair),
        web.post("/api/login-links", session.create_login_link),
        web.post("/api/download-links", session.create_download_link),
        web.post("/api/extract", articles.extract_page),
        web.post("/api/articles", articles.save_article),
        web.get("/api/articles", articles.list_articles),
        web.get("/api/articles/{id}", articles.get_article),
        web.patch("/api/articles/{id}", articles.patch_article),
        web.delete("/api/articles/{id}", articles.delete_article),
        web.post("/api/articles/{id}/restore", articles.restore_article),
        web.post("/api/articles/{id}/read-again", articles.read_again),
        web.delete("/api/trash", articles.empty_trash),
        web.post("/api/articles/{id}/highlights", highlights.add_highlight),
        web.get("/api/articles/{id}/highlights", highlights.list_highlights),
        web.get("/api/highlights", highlights.highlights_index),
        web.patch("/api/highlights/{id}", highlights.patch_highlight),
        web.delete("/api/highlights/{id}", highlights.delete_highlight),
        web.get("/api/tags", tags.list_tags),
        web.post("/api/tags/cleanup", tags.clean_up_tags),
        web.post("/api/tags/undo", tags.undo_tags),
        web.post("/api/tags/{name}/rename", tags.rename_tag),
        web.delete("/api/tags/{name}", tags.delete_tag),
        web.get("/api/preferences", tags.get_preferences),
        web.patch("/api/preferences", tags.patch_preferences),
        web.get("/api/export", transfer.export_library),
        web.post("/api/import", transfer.import_file),
        web.get("/api/import-jobs", transfer.import_status),
        web.get("/api/import-jobs/{id}", transfer.get_import_job),
        web.post("/api/import-jobs/{id}/cancel", transfer.cancel_import_job),
        web.get("/api/fetch-jobs", transfer.fetch_status),
        web.post("/api/fetch-jobs", transfer.start_fetch),
        web.get("/api/fetch-jobs/{id}", transfer.get_fetch_job),
        web.get("/api/articles/{id}/images", images.list_images),
        web.get("/api/image-jobs", images.archive_status),
        web.post("/api/image-jobs", images.start_archive),
        web.get("/api/image-jobs/{id}", images.get_archive_job),
        web.get("/images/{name}", images.serve_image),
        web.get("/", pages.reading_list),
        web.get("/read/{id}", pages.reader),
        web.get("/trash", pages.trash),
        web.get("/highlights", pages.notebook),
        web.get("/tags", pages.tag_manager),
        web.get(auth.LOGIN_PATH, session.login),
        web.post("/logout", session.logout),
        web.static("/static", static_dir(), append_version=False),
    ]


def create_app(settings: Settings) -> web.Application:
    app = web.Application(
        client_max_size=settings.max_body_bytes,
        middlewares=[serving.bounded, middleware.errors, guard.guard, middleware.authenticate],
    )
    serving.setup(app, settings)
    app.on_response_prepare.append(middleware.prepare_headers)
    app.on_shutdown.append(_stop_reading)  # before aiohttp waits for the requests in flight
    app.on_shutdown.append(transfer.stop_jobs)  # likewise: an import waited for ends now
    app[SETTINGS] = settings
    app.cleanup_ctx.append(_resources)
    app.cleanup_ctx.append(guard.guard_ctx)  # after the store: reads the token it made
    app.cleanup_ctx.append(transfer.fetch_jobs_ctx)  # after the store: its jobs stop first
    app.cleanup_ctx.append(images.image_jobs_ctx)
    app.router.add_routes(routes())
    return app


async def _resources(app: web.Application):
    """Open the library (its store locked against other processes, and shared by every app on
    this data dir in this process) and the extraction pool on start-up; close them on shutdown."""
    settings = app[SETTINGS]
    library, store_thread = await SHARED.open(
        settings.data_dir, functools.partial(Library.open, settings.data_dir, settings, group_commit=True))
    try:
        token = await store_thread.run(auth.load_or_create_token, settings.data_dir)
        purged = await store_thread.run(library.purge_trash)
        if purged:
            log.info("purged %d article(s) from the trash", purged)
        gc.freeze()  # what start-up loaded lives as long as the server: keep it out of GC passes
        pool = ExtractPool.from_settings(settings)
        app[CONTEXT] = Context(settings=settings, tokens=auth.TokenWatch(settings.data_dir, token),
                               library=library, sessions=library.sessions, store_thread=store_thread,
                               extract_pool=pool)
        app[CONTEXT].images = archive = ArchiveQueue(app[CONTEXT])
        upkeep = asyncio.create_task(_maintain(library, store_thread, settings.maintenance_interval_s))
        try:
            yield
        finally:
            upkeep.cancel()
            await archive.close()
            pool.shutdown()
    finally:
        await SHARED.release(settings.data_dir)


async def _stop_reading(app: web.Application) -> None:
    """On shutdown, first of all: kill the extraction workers, so no request in flight (nor the
    shutdown, which waits for them) waits on a page being read - a stuck one least of all."""
    if CONTEXT in app:
        app[CONTEXT].extract_pool.shutdown()


async def _maintain(library: Library, store_thread: OneThread, every_s: float) -> None:
    """Now and then: empty the trash of what outlived trash_ttl_s, forget expired sessions,
    compact the journal and take the daily backup when they are due."""
    while True:
        await asyncio.sleep(every_s)
        try:
            await store_thread.run(library.purge_trash)
            await store_thread.run(library.maintenance)
        except Exception:  # logged, and tried again next time; serving goes on
            log.exception("store maintenance failed")
