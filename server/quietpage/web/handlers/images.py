"""Archived images: served from our own origin (behind the same session/token rules as
everything else), an article's images and their state, and the jobs that archive older ones."""
from __future__ import annotations

from aiohttp import web

from ...store.images import is_name, type_of
from ...transfer.images import run_archive
from ...transfer.jobs import FetchJobs
from .. import schema
from ..context import ctx
from ..http import json_response, read_json

IMAGE_JOBS = web.AppKey("image_jobs", FetchJobs)
# An archived image is named by its content: it never changes, the browser may keep it.
IMAGE_HEADERS = {
    "Cache-Control": "private, max-age=31536000, immutable",
    # Never active content: a stored file is a raster image (checked when archived), sent with
    # its own type, nosniff (prepare_headers) and, were it opened on its own, no script at all.
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; sandbox",
    "Content-Disposition": "inline",
}


async def image_jobs_ctx(app: web.Application):
    app[IMAGE_JOBS] = jobs = FetchJobs()
    yield
    await jobs.close()


async def serve_image(request: web.Request) -> web.StreamResponse:
    """GET /images/{name}: an archived image (a name that is no file: 404)."""
    c = ctx(request)
    name = request.match_info["name"]
    if not is_name(name):
        raise web.HTTPNotFound()
    path = await c.db(c.library.image_path, name)
    return web.FileResponse(path, headers={**IMAGE_HEADERS, "Content-Type": type_of(name)})


def image_json(item: dict) -> dict:
    out = {"url": item["url"], "width": item.get("width"), "height": item.get("height"),
           "bytes": item.get("bytes") or 0, "state": "archived" if item.get("file") else
           "failed" if item.get("error") else "pending", "error": item.get("error"), "code": item.get("code")}
    out["src"] = f"/images/{item['file']}" if item.get("file") else None
    return out


async def list_images(request: web.Request) -> web.Response:
    """GET /api/articles/{id}/images -> {images: {total, archived, failed}, items: [...]}"""
    c = ctx(request)
    article_id = request.match_info["id"]
    items = await c.db(c.library.image_items, article_id)
    counts = (await c.db(c.library.get, article_id)).get("images")
    return json_response({"images": counts, "archiving": c.images is not None and c.images.busy(),
                          "items": [image_json(i) for i in items]})


async def archive_status(request: web.Request) -> web.Response:
    """GET /api/image-jobs -> {waiting: articles whose images are not all archived, failed:
    those with refused images, running: job|null}"""
    c = ctx(request)
    waiting = await c.db(c.library.image_backlog)
    with_failed = await c.db(c.library.image_backlog, True)
    running = request.app[IMAGE_JOBS].running()
    return json_response({"waiting": len(waiting), "failed": len(set(with_failed) - set(waiting)),
                          "running": running.to_json() if running else None})


async def start_archive(request: web.Request) -> web.Response:
    """POST /api/image-jobs {retry_failed?} -> 202 with the new job (200 with the running one)."""
    c = ctx(request)
    body = schema.IMAGE_JOB.check(await read_json(request), c.settings) if request.can_read_body else {}
    retry = bool(body.get("retry_failed"))
    jobs = request.app[IMAGE_JOBS]
    if (running := jobs.running()) is not None:
        return json_response(running.to_json())
    ids = await c.db(c.library.image_backlog, retry)
    job = jobs.start(len(ids), lambda job: run_archive(c, ids, job.progress, retry_failed=retry,
                                                       on_error=job.error))
    return json_response(job.to_json(), status=202)


async def get_archive_job(request: web.Request) -> web.Response:
    """GET /api/image-jobs/{id} -> {state, total, done, failed, errors}"""
    return json_response(request.app[IMAGE_JOBS].get(request.match_info["id"]).to_json())
