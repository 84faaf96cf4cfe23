"""A local site with an article and its images, for the archiving tests (real aiohttp on
loopback, never the internet): every way a page shows a picture (plain, srcset, a lazy
data-src, <picture>, an inline data: image), and hostile "images" that must be refused or cut
off. Image bytes are made with Pillow, each with its own colour so each is a different file."""
from __future__ import annotations

import asyncio
import base64
import functools
import io
import struct
import zlib

import pytest
from aiohttp import web
from PIL import Image

from conftest import LOREM
from quietpage.settings import Settings

HITS = web.AppKey("hits", list)


def picture(fmt: str, colour: tuple, size=(64, 48)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, fmt)
    return out.getvalue()


IMAGES = {
    "plain.png": ("image/png", picture("PNG", (200, 30, 30))),
    "small.jpg": ("image/jpeg", picture("JPEG", (30, 200, 30), (30, 20))),
    "big.jpg": ("image/jpeg", picture("JPEG", (30, 30, 200), (120, 80))),
    "lazy.gif": ("image/gif", picture("GIF", (200, 200, 30))),
    "pic.webp": ("image/webp", picture("WEBP", (30, 200, 200))),
    "pic.jpg": ("image/jpeg", picture("JPEG", (200, 30, 200))),
    "shared.png": ("image/png", picture("PNG", (90, 90, 90))),
}
INLINE = "data:image/png;base64," + base64.b64encode(picture("PNG", (10, 10, 10), (8, 8))).decode()
# A 1x1 transparent GIF: the placeholder lazy-loading scripts put in src.
BLANK = "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"


def article_html(title: str, images_html: str) -> str:
    paras = "".join(f"<p>{p}</p>" for p in LOREM)
    return (f"<!DOCTYPE html><html lang='en'><head><title>{title}</title></head><body><article><h1>{title}</h1>"
            f"<p>{LOREM[0]}</p>{images_html}{paras}</article></body></html>")


EVERY_KIND = (
    '<figure><img src="/img/plain.png" alt="A plain image" width="64" height="48"><figcaption>Plain</figcaption></figure>'
    f"<p>{LOREM[1]}</p>"
    '<p><img srcset="/img/small.jpg 300w, /img/big.jpg 1200w, /img/huge.jpg 4000w" alt="From a srcset"></p>'
    f"<p>{LOREM[2]}</p>"
    f'<p><img src="{BLANK}" data-src="/img/lazy.gif" class="lazyload" alt="Lazy"></p>'
    f"<p>{LOREM[3]}</p>"
    '<picture><source srcset="/img/pic.webp" type="image/webp"><img src="/img/pic.jpg" alt="A picture"></picture>'
    f'<p>{LOREM[4]}</p><p><img src="{INLINE}" alt="Inline" width="8" height="8"></p>'
)
# What the reader keeps of EVERY_KIND: five images (huge.jpg is past the srcset width cap).
EXPECTED_SOURCES = ("plain.png", "big.jpg", "lazy.gif", "pic.jpg", INLINE)


@functools.cache
def bomb_png(side: int = 30_000) -> bytes:
    """A real PNG of side x side one-bit pixels, all zero: ~100 KB that claim 900 megapixels."""
    raw = zlib.compress((b"\0" + b"\0" * ((side + 7) // 8)) * side, 9)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0))
            + chunk(b"IDAT", raw) + chunk(b"IEND", b""))


SVG_WITH_SCRIPT = (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
                   b'<script>fetch("/api/articles")</script><rect width="10" height="10"/></svg>')
HOSTILE = {  # path -> the code its refusal is recorded with
    "/evil/page.png": "image_wrong_type",      # an "image" that is an HTML page (and says so)
    "/evil/disguised.png": "image_not_image",  # HTML that claims to be a PNG
    "/evil/script.svg": "image_svg_refused",   # SVG with a script
    "/evil/2gb.jpg": "fetch_too_large",        # says it is 2 GB
    "/evil/endless.jpg": "fetch_too_large",    # no length, never ends
    "/evil/bomb.png": "image_too_many_pixels",  # a decompression bomb
    "/evil/slow.jpg": "fetch_timeout",          # a byte now and then
}


def site(article: str = EVERY_KIND, *, slow_s: float = 30.0) -> web.Application:
    app = web.Application()
    app[HITS] = []
    bomb = bomb_png()

    @web.middleware
    async def count(request, handler):
        request.app[HITS].append(request.path)
        return await handler(request)
    app.middlewares.append(count)

    async def page(request):
        return web.Response(text=article_html(request.query.get("title", "Pictures of the harbour"), article),
                            content_type="text/html")

    async def image(request):
        name = request.match_info["name"]
        if name not in IMAGES:
            raise web.HTTPNotFound()
        ctype, data = IMAGES[name]
        return web.Response(body=data, content_type=ctype)

    async def streamed(request, length, total, pause=0.0, chunk=b"\xff" * 65536):
        resp = web.StreamResponse(headers={"Content-Type": "image/jpeg"})
        if length is not None:
            resp.content_length = length
        else:
            resp.enable_chunked_encoding()
        await resp.prepare(request)
        sent = 0
        try:
            while sent < total:  # bounded: the client hangs up long before
                await resp.write(chunk)
                sent += len(chunk)
                if pause:
                    await asyncio.sleep(pause)
        except (ConnectionResetError, ConnectionError, asyncio.CancelledError):
            pass
        return resp

    async def evil(request):
        name = request.match_info["name"]
        if name == "page.png":
            return web.Response(text="<html><script>alert(1)</script></html>", content_type="text/html")
        if name == "disguised.png":
            return web.Response(text="<html><script>alert(1)</script></html>", content_type="image/png")
        if name == "script.svg":
            return web.Response(body=SVG_WITH_SCRIPT, content_type="image/svg+xml")
        if name == "2gb.jpg":
            return await streamed(request, 2 << 30, 4 << 20)
        if name == "endless.jpg":
            return await streamed(request, None, 2 << 30)
        if name == "bomb.png":
            return web.Response(body=bomb, content_type="image/png")
        if name == "slow.jpg":
            return await streamed(request, 10_000, int(slow_s), pause=1.0, chunk=b"\xff")
        raise web.HTTPNotFound()

    app.router.add_routes([web.get("/article", page), web.get("/img/{name}", image),
                           web.get("/evil/{name}", evil)])
    return app


def hostile_html() -> str:
    good = '<p><img src="/img/plain.png" alt="The one real picture"></p>'
    bad = "".join(f'<p><img src="{path}" alt="{path}"></p><p>{LOREM[i % 5]}</p>' for i, path in enumerate(HOSTILE))
    return good + bad


# ---------------------------------------------------------------------- fixtures (import them)
@pytest.fixture
def settings(data_dir) -> Settings:
    """The app's settings for archiving from this loopback site, with small limits."""
    return Settings(data_dir=data_dir, port=0, fetch_allow_private=True, image_timeout_s=2.0,
                    image_max_bytes=1 << 20)


@pytest.fixture
async def images_site(aiohttp_server):
    server = await aiohttp_server(site(), host="127.0.0.1")
    server.base = f"http://127.0.0.1:{server.port}"
    return server
