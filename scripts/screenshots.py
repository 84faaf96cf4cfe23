#!/usr/bin/env python3
"""Take the README's screenshots from the real pages: a temporary library holding the seed
page, a few pages of the shared corpus, a page whose picture is served on loopback (with highlights, notes, tags, reading progress and
a trash), served by the real app, shot in Debian's Chromium.

    .venv/bin/python scripts/screenshots.py            (writes docs/*.png)
    .venv/bin/python scripts/screenshots.py --review DIR
        also every page at 390 px and in dark mode, into DIR, to look at before a change lands
"""
from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from pathlib import Path

import aiohttp
from aiohttp import web

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT / "tests"))

from browser import launch  # noqa: E402

from quietpage.settings import Settings  # noqa: E402
from quietpage.web.app import create_app  # noqa: E402
from quietpage.web.auth import load_or_create_token  # noqa: E402

PAGES = [  # (corpus page, URL it is shown under, tags, progress)
    ("corpus/mozilla/wikipedia-3/source.html", "https://en.wikipedia.org/wiki/Mozilla", ["Mozilla", "history", "open source", "browsers"], 0.0),
    ("corpus/mozilla/quanta-1/source.html", "https://www.quantamagazine.org/a-new-map-of-the-universe/", ["science"], 0.35),
    ("corpus/mozilla/ars-1/source.html", "https://arstechnica.com/security/2015/05/android-bug/", ["security", "Android"], 1.0),
    ("corpus/mozilla/medium-1/source.html", "https://medium.com/@dev/the-open-web", ["web"], 0.0),
    ("corpus/mozilla/nytimes-1/source.html", "https://www.nytimes.com/2016/02/20/world/africa/", [], 0.6),
    ("corpus/mozilla/bbc-1/source.html", "https://www.bbc.com/news/science-environment", ["climate"], 0.0),
    ("corpus/mozilla/lemonde-1/source.html", "https://www.lemonde.fr/pixels/article/", [], 0.0),
    ("fixtures/seed-page/page.html", "https://primemoneypath.example/finance/iran-russia-drones.html",
     ["Iran", "Russia", "drones", "geopolitics", "Ukraine"], 0.0),
]
TRASHED = [("corpus/mozilla/cnn/source.html", "https://edition.cnn.com/2016/02/15/health/"),
           ("corpus/mozilla/salon-1/source.html", "https://www.salon.com/2016/03/01/story/")]


class Library:
    def __init__(self, http: aiohttp.ClientSession, origin: str):
        self.http, self.origin = http, origin

    async def call(self, method: str, path: str, body=None) -> dict:
        async with self.http.request(method, self.origin + path, json=body) as r:
            assert r.status < 300, await r.text()
            return await r.json()

    async def save(self, rel: str, url: str) -> dict:
        return await self.call("POST", "/api/articles", {"url": url, "html": (SHARED / rel).read_text("utf-8")})

    async def highlight(self, article: dict, quote: str, color: str, note: str = "") -> None:
        await self.call("POST", f"/api/articles/{article['id']}/highlights",
                        {"selectors": [{"type": "TextQuoteSelector", "exact": quote}], "color": color, "note": note})


def harbour_jpeg() -> bytes:
    """A picture for the article with one (drawn here: sky, sea, a sun and a hull)."""
    import io

    from PIL import Image, ImageDraw
    img = Image.new("RGB", (1200, 675))
    draw = ImageDraw.Draw(img)
    for y in range(675):  # sky above, sea below
        t = y / 675
        draw.line([(0, y), (1200, y)], fill=(int(250 - 120 * t), int(190 - 60 * t), int(140 + 60 * t)) if y < 400
                  else (int(40 + 30 * t), int(90 + 20 * t), int(130 + 30 * t)))
    draw.ellipse([760, 190, 900, 330], fill=(255, 226, 160))
    draw.polygon([(380, 430), (720, 430), (670, 480), (430, 480)], fill=(60, 40, 35))
    draw.line([(550, 430), (550, 270)], fill=(60, 40, 35), width=6)
    out = io.BytesIO()
    img.save(out, "JPEG", quality=85)
    return out.getvalue()


async def picture_site() -> tuple[web.AppRunner, str]:
    """A page with a picture, served on loopback, so that one row of the list has its thumbnail
    (archived like any saved page's images; the corpus pages' own images are not reachable here)."""
    picture = harbour_jpeg()
    app = web.Application()
    app.router.add_get("/harbour.jpg", lambda _: web.Response(body=picture, content_type="image/jpeg"))
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    return runner, f"http://127.0.0.1:{runner.addresses[0][1]}"


PICTURED = """<!DOCTYPE html><html lang="en"><head><title>Morning at the harbour</title>
<meta name="author" content="Ines Ferreira"><meta property="og:site_name" content="Coastal Notes"></head><body><article>
<h1>Morning at the harbour</h1><p>The boats come in before the light does. By six the quay is loud with crates,
gulls and the small talk of people who have done this every day for thirty years.</p>
<figure><img src="{base}/harbour.jpg" alt="Boats at dawn" width="1200" height="675"><figcaption>Dawn, from the
breakwater.</figcaption></figure>
<p>Prices are set by the first buyer who shows up, and everyone else follows. The auction takes twenty minutes; the
cleaning takes the rest of the morning.</p><p>Nobody here calls it a tradition. It is just the work, and the work
starts early, in every weather, whatever the market did the day before.</p>
<p>By ten the quay is empty again, hosed down, and the boats sit low and quiet, waiting for the next tide.</p>
</article></body></html>"""


async def fill(lib: Library, pictures: str) -> dict:
    for rel, url in TRASHED:
        gone = await lib.save(rel, url)
        await lib.call("DELETE", f"/api/articles/{gone['id']}")
    saved = {}
    for rel, url, tags, progress in PAGES:
        a = await lib.save(rel, url)
        await lib.call("PATCH", f"/api/articles/{a['id']}", {"tags": tags, "progress": progress} if tags else {"progress": progress})
        saved[rel] = await lib.call("GET", f"/api/articles/{a['id']}?body=true")
    pictured = await lib.call("POST", "/api/articles", {"url": f"{pictures}/morning", "html": PICTURED.format(base=pictures)})
    await lib.call("PATCH", f"/api/articles/{pictured['id']}", {"tags": ["harbours", "photography"], "progress": 0.2})
    for _ in range(100):  # its picture archived (in the background, as after any save)
        if (await lib.call("GET", f"/api/articles/{pictured['id']}"))["images"]["archived"]:
            break
        await asyncio.sleep(0.1)
    seed = saved["fixtures/seed-page/page.html"]
    await lib.call("PATCH", f"/api/articles/{seed['id']}", {"favorite": True})
    lines = seed["text"].split("\n")
    await lib.highlight(seed, lines[1], "yellow", "Open-source intelligence, released **on purpose**.")
    await lib.highlight(seed, lines[4].split(",")[0], "green")
    await lib.highlight(seed, "the Alabuga Special Economic Zone", "blue", "Tatarstan; about *600 miles* east of Moscow.")
    wiki = saved["corpus/mozilla/wikipedia-3/source.html"]
    wiki_lines = [x for x in wiki["text"].split("\n") if len(x) > 120]
    await lib.highlight(wiki, wiki_lines[0].split(". ")[0], "purple", "Where the name comes from: see `Mosaic`.")
    await lib.highlight(wiki, wiki_lines[2].split(". ")[0], "yellow")
    quanta = saved["corpus/mozilla/quanta-1/source.html"]
    await lib.highlight(quanta, [x for x in quanta["text"].split("\n") if len(x) > 100][1].split(". ")[0], "pink",
                        "Compare with the 2019 survey.\n\n- fewer galaxies\n- more voids")
    return {"seed": seed, "wiki": wiki}


async def wide(page) -> None:
    """The reader wide enough for its highlights beside the text (as on a laptop)."""
    if page.viewport_size["width"] > 1000:
        await page.set_viewport_size({"width": 1280, "height": 800})
        await page.reload()
        await page.wait_for_selector("#highlights:not([hidden])")


async def shoot(page, origin: str, path: str, out: Path, ready: str, before=None) -> None:
    await page.goto(origin + path)
    await page.wait_for_selector(ready)
    size = page.viewport_size
    if before:
        await before(page)
    await page.wait_for_timeout(300)  # transitions and fonts settle
    await page.screenshot(path=str(out))
    await page.set_viewport_size(size)


async def main(review: Path | None) -> None:
    from playwright.async_api import async_playwright

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp), port=0, fetch_allow_private=True)  # the picture is on loopback
        pictures, pictures_origin = await picture_site()
        token = load_or_create_token(settings.data_dir)
        runner = web.AppRunner(create_app(settings))
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        origin = f"http://127.0.0.1:{runner.addresses[0][1]}"
        async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {token}"}) as http:
            lib = Library(http, origin)
            articles = await fill(lib, pictures_origin)
            shots = [  # (name, path, what to wait for, what to do first)
                ("reading-list", "/", ".item", lambda p: p.keyboard.press("j")),
                ("reader", f"/read/{articles['seed']['id']}", "mark.qp-highlight", wide),
                ("notebook", "/highlights", ".highlight-card", None),
                ("trash", "/trash", ".item", None),
            ]
            async with async_playwright() as pw:
                browser = await launch(pw)
                variants = [("", {"viewport": {"width": 1100, "height": 760}}, "light")]
                if review:
                    variants += [("-phone", {"viewport": {"width": 390, "height": 844}, "is_mobile": True,
                                             "device_scale_factor": 2}, "light"),
                                 ("-dark", {"viewport": {"width": 1100, "height": 760}}, "dark"),
                                 ("-phone-dark", {"viewport": {"width": 390, "height": 844}, "is_mobile": True,
                                                  "device_scale_factor": 2}, "dark")]
                for suffix, options, scheme in variants:
                    context = await browser.new_context(color_scheme=scheme, **options)
                    page = await context.new_page()
                    login = (await lib.call("POST", "/api/login-links", {"next": "/"}))["url"]
                    await page.goto(login)
                    await page.wait_for_url(f"{origin}/")
                    folder = review if suffix else ROOT / "docs"
                    for name, path, ready, before in shots:
                        await shoot(page, origin, path, folder / f"{name}{suffix}.png", ready, before)
                    await context.close()
                await browser.close()
        await runner.cleanup()
        await pictures.cleanup()
    print("wrote docs/reading-list.png, reader.png, notebook.png, trash.png" + (f" and the review shots in {review}" if review else ""))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--review", type=Path, help="also shoot phone and dark variants into this folder")
    args = parser.parse_args()
    if args.review:
        args.review.mkdir(parents=True, exist_ok=True)
    asyncio.run(main(args.review))
