"""Archiving images: how long the images of real pages take to archive, what they cost on disk,
and that saving answers no slower with archiving on (it runs after the save has answered).

The corpus pages of ../shared (zyte + mozilla) that show images are saved into a real server on
loopback. Their images cannot be fetched from the web here, so each page's image addresses are
pointed at a local image site first (same paths), which answers every one with a JPEG of a
size derived from its path (400-1600 px wide, ~30-250 KB: what news photos weigh), answering
after a 20 ms delay, a fast CDN's.

Three runs, each on a fresh data folder, pages in the same order:
  off      archiving disabled (the queue never runs): the save latency of before
  on       archiving on, saves back to back (archiving of earlier pages runs meanwhile)
  each     archiving on, each page saved and then its images archived before the next:
           the time from the save's answer to its last image stored

    .venv/bin/python benchmarks/images.py [--limit 40]
"""
from __future__ import annotations

import argparse
import asyncio
import hashlib
import io
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import aiohttp
import lxml.html
from aiohttp import web
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _corpus import pages  # noqa: E402

from quietpage.settings import Settings  # noqa: E402
from quietpage.web.app import create_app  # noqa: E402
from quietpage.web.auth import load_or_create_token  # noqa: E402
from quietpage.web.context import CONTEXT  # noqa: E402

DELAY_S = 0.02


def image_for(path: str) -> bytes:
    seed = int(hashlib.sha256(path.encode()).hexdigest()[:8], 16)
    width = 400 + seed % 1200
    height = width * 2 // 3
    im = Image.effect_noise((width // 4, height // 4), 40).convert("RGB").resize((width, height))
    out = io.BytesIO()
    im.save(out, "JPEG", quality=80)
    return out.getvalue()


def image_site(cache: dict[str, bytes]) -> web.Application:
    """Answers every path with its image (made before the runs, so making them costs no run)."""
    async def any_image(request):
        await asyncio.sleep(DELAY_S)
        path = request.path
        if path not in cache:
            cache[path] = await asyncio.to_thread(image_for, path)
        return web.Response(body=cache[path], content_type="image/jpeg")

    app = web.Application()
    app.router.add_get("/{tail:.*}", any_image)
    return app


def localised(html: str, url: str, base: str) -> str | None:
    """The page with its image addresses on the local site (None: it shows no image)."""
    doc = lxml.html.fromstring(html)
    found = False

    def local(u: str) -> str:
        absolute = urljoin(url, u.strip())
        parts = urlsplit(absolute)
        if parts.scheme not in ("http", "https"):
            return u
        return f"{base}/{parts.netloc}{parts.path}" + (f"?{parts.query}" if parts.query else "")

    for el in doc.iter("img", "source"):
        for attr in list(el.attrib):
            value = el.get(attr) or ""
            if attr in ("src",) or (attr.startswith("data-") and "src" in attr and "set" not in attr):
                if value and not value.startswith("data:"):
                    el.set(attr, local(value))
                    found = True
            elif attr.endswith("srcset"):
                el.set(attr, ", ".join(" ".join([local(c.split()[0]), *c.split()[1:]]) for c in value.split(",")
                                       if c.split()))
                found = True
    return lxml.html.tostring(doc, encoding="unicode") if found else None


async def run(corpus: list[tuple[str, str]], mode: str) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp), port=0, fetch_allow_private=True)
        app = create_app(settings)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        origin = f"http://127.0.0.1:{runner.addresses[0][1]}"
        token = load_or_create_token(settings.data_dir)
        ctx = app[CONTEXT]
        queue = ctx.images
        if mode == "off":
            ctx.images = None
        saves, archive_s, counts = [], [], []
        start = time.perf_counter()
        async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {token}"}) as http:
            for url, html in corpus:
                t0 = time.perf_counter()
                async with http.post(f"{origin}/api/articles", json={"url": url, "html": html}) as r:
                    record = await r.json()
                    assert r.status in (200, 201), record
                saves.append(time.perf_counter() - t0)
                counts.append(record.get("images") or {})
                if mode == "each":
                    t1 = time.perf_counter()
                    await queue.idle()
                    archive_s.append(time.perf_counter() - t1)
            if mode != "off":
                await queue.idle()
            total_s = time.perf_counter() - start
            archived = failed = 0
            ids = []
            async with http.get(f"{origin}/api/articles?state=all&limit=200") as r:
                ids = [a["id"] for a in (await r.json())["items"]]
            per_article = []
            for article_id in ids:
                async with http.get(f"{origin}/api/articles/{article_id}/images") as r:
                    got = await r.json()
                archived += got["images"]["archived"]
                failed += got["images"]["failed"]
                per_article.append(sum(i["bytes"] for i in got["items"] if i["state"] == "archived"))
        disk = sum(p.stat().st_size for p in (Path(tmp) / "images").rglob("*") if p.is_file())
        await runner.cleanup()
        return {"saves": saves, "archive_s": archive_s, "total_s": total_s, "archived": archived, "failed": failed,
                "images": sum(c.get("total", 0) for c in counts), "bytes": per_article, "disk": disk}


def ms(xs: list[float]) -> str:
    return f"p50 {statistics.median(xs) * 1000:.0f} ms, p90 {sorted(xs)[int(len(xs) * 0.9)] * 1000:.0f} ms"


async def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--limit", type=int, default=40, help="corpus pages with images to use")
    args = ap.parse_args()
    cache: dict[str, bytes] = {}
    local = web.AppRunner(image_site(cache))
    await local.setup()
    site = web.TCPSite(local, "127.0.0.1", 0)
    await site.start()
    base = f"http://127.0.0.1:{local.addresses[0][1]}"
    corpus = []
    for page in pages("all"):
        html = localised(page["html"], page["url"], base)
        if html is not None:
            corpus.append((page["url"], html))
        if len(corpus) >= args.limit:
            break
    for _, html in corpus:
        for path in re.findall(re.escape(base) + r"(/[^\s\"'<>,]*)", html):
            if path not in cache:
                cache[path] = image_for(path)
    print(f"{len(corpus)} corpus pages with images (their images served locally, {DELAY_S * 1000:.0f} ms each)")
    results = {}
    for mode in ("off", "on", "each", "off again"):  # "off" twice: how noisy this machine is now
        results[mode] = r = await run(corpus, mode.split()[0])
        print(f"[{mode:4}] save {ms(r['saves'])}; images {r['images']} listed, {r['archived']} archived, "
              f"{r['failed']} refused; all done in {r['total_s']:.1f} s")
    off, on, each = results["off"], results["on"], results["each"]
    off["saves"] = off["saves"] + results["off again"]["saves"]
    ratio = statistics.median(on["saves"]) / statistics.median(off["saves"])
    with_images = [b for b in each["bytes"] if b]
    print(f"save answered: p50 {statistics.median(off['saves']) * 1000:.0f} ms without archiving, "
          f"{statistics.median(on['saves']) * 1000:.0f} ms with archiving running (x{ratio:.2f})")
    print(f"archive one article's images after its save: {ms(each['archive_s'])}, "
          f"{sum(each['archive_s']):.1f} s for {len(corpus)} pages")
    print(f"bytes per article with images: median {statistics.median(with_images) / 1e3:.0f} KB, "
          f"mean {statistics.mean(with_images) / 1e3:.0f} KB; images/ on disk {each['disk'] / 1e6:.1f} MB "
          f"(stored once per content)")
    await local.cleanup()


if __name__ == "__main__":
    asyncio.run(main())
