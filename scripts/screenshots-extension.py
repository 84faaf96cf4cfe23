#!/usr/bin/env python3
"""Take the README's screenshots of the browser extension, for real: a temporary library served
by the real app, a corpus page served on loopback, Debian's Chromium with extension/ loaded.

    .venv/bin/python scripts/screenshots-extension.py     (writes docs/extension-*.png)

- docs/extension-popup.png      the popup right after one click: saved, suggested tags
- docs/extension-highlight.png  a highlight painted on the live page, its note open
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
EXTENSION = ROOT / "extension"
sys.path.insert(0, str(ROOT / "tests"))

from browser import launch_with_extension  # noqa: E402

from quietpage.app import create_app  # noqa: E402
from quietpage.auth import load_or_create_token  # noqa: E402
from quietpage.settings import Settings  # noqa: E402

PAGE = SHARED / "corpus" / "mozilla" / "ars-1" / "source.html"
NOTE = "Worth checking which phones got the patch."


async def serve(app: web.Application) -> tuple[web.AppRunner, str]:
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    return runner, f"http://127.0.0.1:{runner.addresses[0][1]}"


async def main() -> None:
    from playwright.async_api import async_playwright

    html = PAGE.read_text("utf-8")
    pages = web.Application()
    pages.router.add_get("/security/android-bug", lambda request: web.Response(text=html, content_type="text/html"))
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp) / "data", port=0)
        token = load_or_create_token(settings.data_dir)
        server, origin = await serve(create_app(settings))
        site, site_origin = await serve(pages)
        url = f"{site_origin}/security/android-bug"
        async with async_playwright() as pw:
            context, worker = await launch_with_extension(pw, Path(tmp) / "profile", EXTENSION,
                                                          viewport={"width": 1000, "height": 640},
                                                          device_scale_factor=1)
            ext_id = worker.url.split("/")[2]
            await worker.evaluate("s => chrome.storage.local.set(s)", {"serverUrl": origin, "token": token})
            page = await context.new_page()
            await page.goto(url)
            tab_id = await worker.evaluate("async u => (await chrome.tabs.query({url: u}))[0].id", url)

            # 1. the popup, as one click on the toolbar button leaves it
            popup = await context.new_page()
            await popup.set_viewport_size({"width": 360, "height": 600})
            await popup.goto(f"chrome-extension://{ext_id}/popup/popup.html?tabId={tab_id}")
            await popup.locator("#save-state.ok").wait_for()
            box = await popup.locator("body").bounding_box()
            await popup.screenshot(path=str(ROOT / "docs" / "extension-popup.png"),
                                   clip={"x": 0, "y": 0, "width": 360, "height": box["height"]})
            await popup.close()

            # 2. a highlight on the live page, its note open
            await page.bring_to_front()
            quote = await page.evaluate("""() => {
                const p = [...document.querySelectorAll("p")].find(p => p.textContent.length > 200);
                const text = [...p.childNodes].find(n => n.nodeType === 3 && n.data.trim().length > 80);
                const range = document.createRange();
                range.setStart(text, 0);
                range.setEnd(text, text.data.indexOf(" ", 70));
                getSelection().removeAllRanges();
                getSelection().addRange(range);
                p.scrollIntoView({block: "center"});
                return range.toString();
            }""")
            result = await worker.evaluate("id => highlightSelection(id)", tab_id)
            async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {token}"}) as http:
                async with http.patch(f"{origin}/api/highlights/{result['id']}", json={"note": NOTE}) as r:
                    assert r.status == 200, await r.text()
            await page.reload()
            mark = await page.wait_for_selector("mark[data-quietpage-highlight]")
            await mark.scroll_into_view_if_needed()
            await page.evaluate("() => getSelection().removeAllRanges()")
            await mark.click()
            await page.wait_for_selector(".quietpage-note")
            await page.screenshot(path=str(ROOT / "docs" / "extension-highlight.png"))
            await context.close()
        await site.cleanup()
        await server.cleanup()
    print(f"wrote docs/extension-popup.png and docs/extension-highlight.png (highlighted: {quote[:40]!r}...)")


if __name__ == "__main__":
    asyncio.run(main())
