#!/usr/bin/env python3
"""Take the README's screenshots from the real pages: a temporary library holding the seed
page and a few pages of the shared corpus, served by the real app, shot in Debian's Chromium.

    .venv/bin/python scripts/screenshots.py     (writes docs/*.png)
"""
from __future__ import annotations

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

from quietpage.web.app import create_app  # noqa: E402
from quietpage.web.auth import load_or_create_token  # noqa: E402
from quietpage.settings import Settings  # noqa: E402

PAGES = [  # (corpus page, URL it is shown under)
    ("corpus/mozilla/ars-1/source.html", "https://arstechnica.com/security/2015/05/android-bug/"),
    ("corpus/mozilla/medium-1/source.html", "https://medium.com/@dev/the-open-web"),
    ("corpus/mozilla/nytimes-1/source.html", "https://www.nytimes.com/2016/02/20/world/africa/"),
    ("corpus/mozilla/wikipedia-3/source.html", "https://en.wikipedia.org/wiki/Mozilla"),
    ("fixtures/seed-page/page.html", "https://primemoneypath.example/finance/iran-russia-drones.html"),
]


async def main() -> None:
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
            for rel, url in PAGES:
                html = (SHARED / rel).read_text("utf-8")
                async with http.post(f"{origin}/api/articles", json={"url": url, "html": html}) as r:
                    article = await r.json()
            lines = article["text"].split("\n")
            for quote, color, note in ((lines[1], "yellow", "Open-source intelligence, released on purpose."),
                                       (lines[4].split(",")[0], "green", ""),
                                       ("the Alabuga Special Economic Zone", "blue", "Tatarstan; 600 miles east of Moscow.")):
                async with http.post(f"{origin}/api/articles/{article['id']}/highlights",
                                     json={"selectors": [{"type": "TextQuoteSelector", "exact": quote}],
                                           "color": color, "note": note}) as r:
                    assert r.status == 201, await r.text()
            async with http.patch(f"{origin}/api/articles/{article['id']}",
                                  json={"tags": ["Iran", "Russia", "drones", "geopolitics"], "favorite": True}) as r:
                assert r.status == 200, await r.text()
            async with http.post(f"{origin}/api/login-links", json={"next": "/"}) as r:
                login = (await r.json())["url"]
        async with async_playwright() as pw:
            browser = await launch(pw)
            page = await browser.new_page(viewport={"width": 1100, "height": 760}, device_scale_factor=1)
            await page.goto(login)
            await page.wait_for_url(f"{origin}/")
            await page.wait_for_selector(".item")
            await page.keyboard.press("j")
            await page.screenshot(path=str(ROOT / "docs" / "reading-list.png"))
            await page.set_viewport_size({"width": 1280, "height": 800})
            await page.goto(f"{origin}/read/{article['id']}")
            await page.wait_for_selector("mark.qp-highlight")
            await page.screenshot(path=str(ROOT / "docs" / "reader.png"))
            await browser.close()
        await runner.cleanup()
    print("wrote docs/reading-list.png and docs/reader.png")


if __name__ == "__main__":
    asyncio.run(main())
