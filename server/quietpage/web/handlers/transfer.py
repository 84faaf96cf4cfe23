"""/api/export, /api/import (and /api/import-jobs) and /api/fetch-jobs: the reading list's
Import / export dialog."""
from __future__ import annotations

import asyncio
import logging
import os
import tempfile
from pathlib import Path

from aiohttp import web

from ...clock import now_iso
from ...errors import Invalid, NotFound, QuietPageError, TooLarge
from ...transfer import exports, runner
from ...transfer.items import ImportFormatError
from ...transfer.jobs import FetchJobs, ImportJob
from .. import schema
from ..context import ctx
from ..http import json_response, read_json

log = logging.getLogger(__name__)
FETCH_JOBS = web.AppKey("fetch_jobs", FetchJobs)
IMPORT_JOBS = web.AppKey("import_jobs", FetchJobs)
EXPORTS = {"json": ("application/json", "json"), "markdown": ("application/zip", "zip"),
           "epub": ("application/epub+zip", "epub")}
UPLOAD_CHUNK = 256 * 1024


async def fetch_jobs_ctx(app: web.Application):
    """The app's fetch and import jobs; running ones are cancelled on shutdown, before the store
    closes (an import stops at its next article, each article whole)."""
    app[FETCH_JOBS] = FetchJobs()
    app[IMPORT_JOBS] = FetchJobs(ImportJob)
    yield
    await stop_jobs(app)  # (done already on shutdown; again for an app that only cleans up)


async def stop_jobs(app: web.Application) -> None:
    """On shutdown, before aiohttp waits for the requests in flight (on_shutdown): stop running
    imports and fetches, so an import waited for answers 409 at once instead of holding the
    shutdown up for as long as it would take."""
    if IMPORT_JOBS in app:
        await asyncio.gather(app[FETCH_JOBS].close(), app[IMPORT_JOBS].close())


async def export_library(request: web.Request) -> web.StreamResponse:
    """GET /api/export?format=json|markdown -> a JSON backup, or a zip of Markdown files, streamed."""
    c = ctx(request)
    params = schema.EXPORT.check(request.query, c.settings)
    fmt = params["format"]
    ctype, ext = EXPORTS[fmt]
    name = f"quietpage-{now_iso()[:10]}{'-markdown' if fmt == 'markdown' else ''}.{ext}"
    if fmt == "epub":  # which articles, decided before anything is sent
        ids = await c.db(c.library.export_selection, params["tag"], params["state"], params["id"] or None)
        if not ids:
            raise NotFound("No article matches these filters (out of the trash, with its text): nothing to put "
                           "in an EPUB.", code="nothing_to_export")
    resp = web.StreamResponse(headers={
        "Content-Type": ctype, "Content-Disposition": f'attachment; filename="{name}"'})  # + prepare_headers
    await resp.prepare(request)
    try:
        if fmt == "json":
            await exports.export_json(c, resp.write)
        elif fmt == "epub":
            await exports.export_epub(c, resp.write, ids)
        else:
            await exports.export_markdown_zip(c, resp.write)
        await resp.write_eof()
    except (ConnectionError, asyncio.CancelledError):  # the client left
        raise
    except Exception:  # after the first byte no error can be answered: never write one into the file
        log.exception("the export stopped part way; its connection is closed so that the file shows as cut off")
        if request.transport is not None:
            request.transport.abort()
    return resp


async def import_file(request: web.Request) -> web.Response:
    """POST /api/import, the file as the body -> what was imported, counted. Nothing is
    imported when any entry of the file is wrong (422 naming it). The import runs as a job
    (GET /api/import-jobs/{id}, cancellable); with ?background=true the answer is that job at
    once (202), else the summary when it is over (409 import_cancelled if it was cancelled)."""
    c = ctx(request)  # (a Content-Encoding was refused by the guard: security.check_content_encoding)
    query = schema.IMPORT.check(request.query, c.settings)
    background, name = query["background"], _shown_name(query["name"])
    path = await _spool(request, c.settings.max_import_bytes, c.settings.data_dir / "tmp")
    job = request.app[IMPORT_JOBS].start(0, lambda job: _run_import(c, path, name, job))
    if background:
        return json_response(job.to_json(), status=202)
    await asyncio.wait({job.task})  # a cancelled job is an answer, not a cancelled request
    if job.state == "done":
        return json_response(job.result)
    if job.problem is not None:
        raise job.problem
    if job.state == "cancelled":
        raise QuietPageError(f"The import was cancelled after {job.done} of {job.total} articles (each of those "
                             "is imported whole); import the file again to add the rest." if job.done else
                             "The import was cancelled before any article was added.",
                             code="import_cancelled", status=409)
    raise QuietPageError("The import failed inside QuietPage; the server log has details.",
                         code="internal_error", status=500)


async def _run_import(c, path: Path, name: str, job: ImportJob) -> dict:
    try:
        return await runner.run_import(c, path, job.progress)
    except ImportFormatError as exc:  # it names our spooled copy: speak of the user's file
        exc.message = exc.message.replace(path.name, name)
        exc.args = (exc.message,)
        raise
    finally:
        path.unlink(missing_ok=True)


async def import_status(request: web.Request) -> web.Response:
    """GET /api/import-jobs -> {running: the import running now, or null}"""
    running = request.app[IMPORT_JOBS].running()
    return json_response({"running": running.to_json() if running else None})


async def get_import_job(request: web.Request) -> web.Response:
    """GET /api/import-jobs/{id} -> {state, total, done, result, error}"""
    return json_response(request.app[IMPORT_JOBS].get(request.match_info["id"]).to_json())


async def cancel_import_job(request: web.Request) -> web.Response:
    """POST /api/import-jobs/{id}/cancel -> the job, stopped (at its next article: what it had
    imported stays, each article whole)."""
    jobs = request.app[IMPORT_JOBS]
    job = jobs.get(request.match_info["id"])
    await jobs.cancel(job)
    return json_response(job.to_json())


def _shown_name(name: str | None) -> str:
    """The uploaded file's name as a message may show it: its last part, printable, or "the file"."""
    last = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    last = "".join(ch for ch in last if ch.isprintable()).strip()
    return last or "the file"


async def _spool(request: web.Request, limit: int, folder: Path) -> Path:
    """The request body, in a private temp file (it may be far larger than memory should hold)."""
    if request.content_length is not None and request.content_length > limit:
        raise _too_large(limit)
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, lambda: folder.mkdir(mode=0o700, parents=True, exist_ok=True))
    fd, name = tempfile.mkstemp(prefix="import-", suffix=".upload", dir=folder)
    path, size = Path(name), 0
    try:
        with os.fdopen(fd, "wb") as f:
            async for chunk in request.content.iter_chunked(UPLOAD_CHUNK):
                size += len(chunk)
                if size > limit:
                    raise _too_large(limit)
                await loop.run_in_executor(None, f.write, chunk)
        if size == 0:
            raise Invalid("The upload is empty: send the file to import as the request body.", code="empty_body")
        return path
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def _too_large(limit: int) -> TooLarge:
    return TooLarge(f"The file is too large to import (at most {limit // (1024 * 1024)} MiB, the "
                    "max_import_bytes setting). `quietpage import FILE` reads files of any size.")


async def fetch_status(request: web.Request) -> web.Response:
    """GET /api/fetch-jobs -> {waiting: how many articles wait for their text, running: job|null}"""
    c = ctx(request)
    waiting = await c.db(c.library.to_fetch)
    running = request.app[FETCH_JOBS].running()
    return json_response({"waiting": len(waiting), "running": running.to_json() if running else None})


async def start_fetch(request: web.Request) -> web.Response:
    """POST /api/fetch-jobs {ids?} -> 202 with the new job (200 with the one already running)."""
    c = ctx(request)
    ids = schema.FETCH.check(await read_json(request), c.settings).get("ids") if request.can_read_body else None
    jobs = request.app[FETCH_JOBS]
    if (running := jobs.running()) is not None:
        return json_response(running.to_json())
    targets = await c.db(c.library.to_fetch, ids)
    job = jobs.start(len(targets), lambda job: runner.run_fetch(c, targets, job.progress, job.error))
    return json_response(job.to_json(), status=202)


async def get_fetch_job(request: web.Request) -> web.Response:
    """GET /api/fetch-jobs/{id} -> {state, total, done, fetched, failed, errors}"""
    return json_response(request.app[FETCH_JOBS].get(request.match_info["id"]).to_json())
