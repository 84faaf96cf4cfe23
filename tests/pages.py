"""Fixtures and steps for the pages' real-Chromium tests. A module shares one browser (each test
gets a fresh context, so no cookie or storage leaks between tests) and each test gets its own
server on a fresh data folder; all run on the module's event loop, so a module that uses them
says `pytestmark = pytest.mark.asyncio(loop_scope="module")` and imports the fixtures:

    from pages import chromium, page, site  # noqa: F401  (fixtures)

Its own async fixtures must run on that loop too: decorate them with `@on_module_loop`.
"""
from __future__ import annotations

import aiohttp
import pytest
import pytest_asyncio
from aiohttp.test_utils import TestServer

from conftest import ROOT, SENTENCE
from helpers import api, log_in
from quietpage.web.app import create_app

on_module_loop = pytest_asyncio.fixture(loop_scope="module")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
DESKTOP = {"width": 1200, "height": 900}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def chromium():
    from playwright.async_api import async_playwright

    from browser import launch

    async with async_playwright() as pw:
        b = await launch(pw)
        yield b
        await b.close()


@pytest_asyncio.fixture(loop_scope="module")
async def site(settings, token):
    """The real app on a loopback port, over a fresh data folder (`settings`' own)."""
    server = TestServer(create_app(settings), host="127.0.0.1", port=0)
    await server.start_server()
    server.token = token
    yield server
    await server.close()


async def new_page(chromium, **options):
    """A page in a fresh context that records the page's own errors (checked by `page`)."""
    context = await chromium.new_context(**{"viewport": DESKTOP, **options})
    p = await context.new_page()
    p.errors = []
    p.on("pageerror", lambda e: p.errors.append(str(e)))
    return p


@pytest_asyncio.fixture(loop_scope="module")
async def page(chromium):
    p = await new_page(chromium)
    yield p
    await p.context.close()
    assert not p.errors, p.errors


class Library:
    """The test's server: call its API, log a page in."""

    def __init__(self, site):
        self.site = site

    async def call(self, method, path, body=None, params=None):
        return await api(self.site, method, path, body, params)

    async def save(self, url, html):
        return await self.call("POST", "/api/articles", {"url": url, "html": html})

    async def highlight(self, article, quote, color="yellow", note=""):
        return await self.call("POST", f"/api/articles/{article['id']}/highlights", {
            "selectors": [{"type": "TextQuoteSelector", "exact": quote}], "color": color, "note": note})

    async def import_file(self, data: bytes) -> dict:
        """POST /api/import with the file's bytes: what was imported."""
        async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {self.site.token}"}) as http:
            async with http.post(f"http://127.0.0.1:{self.site.port}/api/import", data=data) as r:
                assert r.status == 200, await r.text()
                return await r.json()

    async def login(self, page, next_path="/"):
        await log_in(page, self.site, next_path)


async def select_text(page, text: str = SENTENCE) -> None:
    """Select the words `text` inside the reader's article, as a mouse would."""
    await page.evaluate("""text => {
        const walker = document.createTreeWalker(document.getElementById('content'), NodeFilter.SHOW_TEXT);
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
            const at = n.data.indexOf(text);
            if (at < 0) continue;
            const r = document.createRange(); r.setStart(n, at); r.setEnd(n, at + text.length);
            getSelection().removeAllRanges(); getSelection().addRange(r);
            document.dispatchEvent(new MouseEvent('mouseup', {bubbles: true}));
            return;
        }
        throw new Error('not in the article: ' + text);
    }""", text)


async def titles(page) -> list[str]:
    await page.wait_for_selector("#items:not([aria-busy]) .item")
    return await page.locator(".item .title").all_text_contents()


async def axe_findings(page) -> list:
    """axe-core (npm) in the page: its serious and critical violations."""
    if not AXE.exists():
        pytest.fail("axe-core is missing: run the README's test command (scripts/test), which installs it.")
    await page.add_script_tag(path=str(AXE))
    result = await page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [(v["id"], v["impact"], [(n["target"], n["html"][:160], n.get("failureSummary", "")[:300]) for n in v["nodes"]][:2])
            for v in result["violations"] if v["impact"] in ("serious", "critical")]
