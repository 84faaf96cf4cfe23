#!/usr/bin/env python3
"""Take the README's screenshots of the browser extension, for real: a temporary library served
by the real app, corpus pages served on loopback, Debian's Chromium with extension/ loaded.

    xvfb-run -a .venv/bin/python scripts/screenshots-extension.py     (writes docs/extension-*.png)

- docs/extension-popup.png       the popup right after one click: saved, tags as chips (light)
- docs/extension-popup-dark.png  the same in a dark desktop theme
- docs/extension-progress.png    the popup while a 7 MB page is being saved
- docs/extension-options.png     Options: pairing and the two choices (light and dark side by side)
- docs/extension-highlight.png   a highlight painted on the live page, its note open
- docs/extension-badge.png       the toolbar button's ✓ badge on a saved page: browser UI, so taken
                                 from a headed Chromium on the X display (xvfb-run gives one)
"""
from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import os
import struct
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path

import aiohttp
from aiohttp import web

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
EXTENSION = ROOT / "extension"
DOCS = ROOT / "docs"
sys.path.insert(0, str(ROOT / "tests"))

from browser import CHROMIUM_ARGS, chromium_path, launch_with_extension  # noqa: E402
from extension_pages import big_page, js_built_page  # noqa: E402

from quietpage.web.app import create_app  # noqa: E402
from quietpage.web.auth import load_or_create_token  # noqa: E402
from quietpage.settings import Settings  # noqa: E402

PAGE = SHARED / "corpus" / "mozilla" / "ars-1" / "source.html"
NOTE = "Worth checking which phones got the patch."


async def serve(app: web.Application) -> tuple[web.AppRunner, str]:
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    return runner, f"http://127.0.0.1:{runner.addresses[0][1]}"


def html_route(text: str):
    async def handler(request):
        return web.Response(text=text, content_type="text/html")
    return handler


async def shoot_popup(context, ext_id: str, tab_id: int, path: Path, wait: str) -> None:
    popup = await context.new_page()
    await popup.set_viewport_size({"width": 360, "height": 640})
    await popup.goto(f"chrome-extension://{ext_id}/popup/popup.html?tabId={tab_id}")
    await popup.locator(wait).wait_for()
    box = await popup.locator("body").bounding_box()
    await popup.screenshot(path=str(path), clip={"x": 0, "y": 0, "width": 360, "height": box["height"]})
    await popup.close()


def extension_id(folder: Path) -> str:
    """Chromium's id of an unpacked extension: its path's SHA-256, in the letters a-p."""
    return "".join(chr(ord("a") + int(c, 16)) for c in hashlib.sha256(str(folder).encode()).hexdigest()[:32])


def xwd_to_png(xwd: bytes, crop: tuple[int, int, int, int]) -> bytes:
    """A 24/32-bit ZPixmap X window dump (xwd -root) -> PNG of the box (x, y, width, height)."""
    header = struct.unpack(">25I", xwd[:100])
    header_size, width, height, byte_order, bpp, bytes_per_line, ncolors = (
        header[0], header[4], header[5], header[7], header[11], header[12], header[19])
    if bpp != 32:
        raise SystemExit(f"xwd: {bpp} bits per pixel; run under xvfb-run (24-bit screen)")
    pixels = xwd[header_size + 12 * ncolors:]
    x0, y0, w, h = crop
    w, h = min(w, width - x0), min(h, height - y0)
    rows = []
    for y in range(y0, y0 + h):
        line = pixels[y * bytes_per_line + 4 * x0: y * bytes_per_line + 4 * (x0 + w)]
        rgb = bytearray(3 * w)
        if byte_order == 0:  # LSBFirst: B G R X
            rgb[0::3], rgb[1::3], rgb[2::3] = line[2::4], line[1::4], line[0::4]
        else:  # MSBFirst: X R G B
            rgb[0::3], rgb[1::3], rgb[2::3] = line[1::4], line[2::4], line[3::4]
        rows.append(b"\x00" + bytes(rgb))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"".join(rows), 9)) + chunk(b"IEND", b""))


async def shoot_badge(pw, tmp: Path, origin: str, token: str, url: str) -> None:
    """The real toolbar: headed Chromium on the X display, the extension pinned, a page saved."""
    if not os.environ.get("DISPLAY"):
        print("no X display: docs/extension-badge.png not taken (run under xvfb-run -a)")
        return
    profile = tmp / "headed"
    (profile / "Default").mkdir(parents=True)
    (profile / "Default" / "Preferences").write_text(json.dumps(
        {"extensions": {"pinned_extensions": [extension_id(EXTENSION)]}}))
    context = await pw.chromium.launch_persistent_context(
        str(profile), executable_path=chromium_path(), headless=False, viewport=None,
        args=[f"--disable-extensions-except={EXTENSION}", f"--load-extension={EXTENSION}", *CHROMIUM_ARGS,
              "--window-position=0,0", "--window-size=900,300"])
    worker = context.service_workers[0] if context.service_workers else await context.wait_for_event("serviceworker")
    await worker.evaluate("s => chrome.storage.local.set(s)", {"serverUrl": origin, "token": token})
    page = context.pages[0] if context.pages else await context.new_page()
    await page.goto(url)
    tab_id = await worker.evaluate("async u => (await chrome.tabs.query({url: u}))[0].id", url)
    await worker.evaluate("id => captureTab(id)", tab_id)  # what the popup, the shortcut and the menu run
    await page.bring_to_front()
    await asyncio.sleep(1.5)
    dump = subprocess.run(["xwd", "-root", "-silent"], capture_output=True, check=True).stdout
    (DOCS / "extension-badge.png").write_bytes(xwd_to_png(dump, (560, 0, 720, 90)))
    await context.close()


async def main() -> None:
    from playwright.async_api import async_playwright

    pages = web.Application()
    pages.router.add_get("/security/android-bug", html_route(PAGE.read_text("utf-8")))
    pages.router.add_get("/long-read", html_route(big_page()))
    pages.router.add_get("/harbour", html_route(js_built_page("Harbour economics", [
        "The harbour was quiet in the early morning, and the fishing boats rocked gently against the old stone quay.",
        "By seven the first traders had arrived, setting out crates of mackerel and crab along the wet cobbles."])))
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        settings = Settings(data_dir=tmp / "data", port=0)
        token = load_or_create_token(settings.data_dir)
        server, origin = await serve(create_app(settings))
        site, site_origin = await serve(pages)
        url = f"{site_origin}/security/android-bug"
        async with async_playwright() as pw:
            for scheme in ("light", "dark"):
                context, worker = await launch_with_extension(pw, tmp / f"profile-{scheme}", EXTENSION,
                                                              viewport={"width": 1000, "height": 640},
                                                              device_scale_factor=1, color_scheme=scheme)
                ext_id = worker.url.split("/")[2]
                await worker.evaluate("s => chrome.storage.local.set(s)", {"serverUrl": origin, "token": token})
                page = await context.new_page()
                await page.goto(url)
                tab_id = await worker.evaluate("async u => (await chrome.tabs.query({url: u}))[0].id", url)

                # the popup, as one click on the toolbar button leaves it (the second time: saved again)
                suffix = "" if scheme == "light" else "-dark"
                await shoot_popup(context, ext_id, tab_id, DOCS / f"extension-popup{suffix}.png", "#save-state.ok")

                options = await context.new_page()
                await options.set_viewport_size({"width": 700, "height": 1100})
                await options.goto(f"chrome-extension://{ext_id}/options/options.html")
                await options.wait_for_function("document.querySelector('#token').value.length > 0")
                await options.click("#test")
                await options.locator("#result.ok").wait_for()
                await options.screenshot(path=str(tmp / f"options-{scheme}.png"), full_page=True)
                await options.close()

                if scheme == "light":
                    # a long save in progress
                    big = await context.new_page()
                    await big.goto(f"{site_origin}/long-read")
                    big_tab = await worker.evaluate("async u => (await chrome.tabs.query({url: u}))[0].id",
                                                    f"{site_origin}/long-read")
                    await shoot_popup(context, ext_id, big_tab, DOCS / "extension-progress.png",
                                      "#steps li.current >> text=Sending")

                    # a highlight on the live page, its note open
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
                    await worker.evaluate("id => paintHighlights(id)", tab_id)
                    mark = await page.wait_for_selector("mark[data-quietpage-highlight]")
                    await mark.scroll_into_view_if_needed()
                    await page.evaluate("() => getSelection().removeAllRanges()")
                    await mark.click()
                    await page.wait_for_selector(".quietpage-note")
                    await page.screenshot(path=str(DOCS / "extension-highlight.png"))
                await context.close()

            # light and dark Options side by side, in one picture
            side = await (await pw.chromium.launch(executable_path=chromium_path(), headless=True)).new_page(
                viewport={"width": 1400, "height": 1100})
            pictures = [base64.b64encode((tmp / f"options-{s}.png").read_bytes()).decode() for s in ("light", "dark")]
            await side.set_content("<body style='margin:0;display:flex;align-items:flex-start'>" + "".join(
                f"<img src='data:image/png;base64,{p}' style='width:700px'>" for p in pictures) + "</body>")
            await side.screenshot(path=str(DOCS / "extension-options.png"), full_page=True)
            await side.context.browser.close()

            await shoot_badge(pw, tmp, origin, token, f"{site_origin}/harbour")
        await site.cleanup()
        await server.cleanup()
    print(f"wrote docs/extension-*.png (highlighted: {quote[:40]!r}...)")


if __name__ == "__main__":
    asyncio.run(main())
