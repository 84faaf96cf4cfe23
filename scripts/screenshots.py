#!/usr/bin/env python3
"""Take the README's screenshots from the real pages: a temporary library holding the seed
page and a few pages of the shared corpus (with highlights, notes, tags, reading progress and
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


async def fill(lib: Library) -> dict:
    for rel, url in TRASHED:
        gone = await lib.save(rel, url)
        await lib.call("DELETE", f"/api/articles/{gone['id']}")
    saved = {}
    for rel, url, tags, progress in PAGES:
        a = await lib.save(rel, url)
        await lib.call("PATCH", f"/api/articles/{a['id']}", {"tags": tags, "progress": progress} if tags else {"progress": progress})
        saved[rel] = await lib.call("GET", f"/api/articles/{a['id']}?body=true")
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
        settings = Settings(data_dir=Path(tmp), port=0)
        token = load_or_create_token(settings.data_dir)
        runner = web.AppRunner(create_app(settings))
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        origin = f"http://127.0.0.1:{runner.addresses[0][1]}"
        async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {token}"}) as http:
            lib = Library(http, origin)
            articles = await fill(lib)
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
    print("wrote docs/reading-list.png, reader.png, notebook.png, trash.png" + (f" and the review shots in {review}" if review else ""))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--review", type=Path, help="also shoot phone and dark variants into this folder")
    args = parser.parse_args()
    if args.review:
        args.review.mkdir(parents=True, exist_ok=True)
    asyncio.run(main(args.review))
