"""axe-core (npm) in real Chromium on every page, light and dark, desktop and a 390 px phone:
nothing serious or critical - the list (full and empty), the reader (a highlight, its note, the
selection bar, settings and the highlights panel open), the notebook, the trash, the pages that
explain a login. One browser and one library for the whole module."""
from __future__ import annotations

import pytest
import pytest_asyncio
from aiohttp.test_utils import TestServer

from conftest import LOREM, SEED_DIR, SEED_URL, SENTENCE, page_html
from pages import DESKTOP, PHONE, Library, axe_findings, chromium, select_text  # noqa: F401  (fixtures)
from quietpage.settings import Settings
from quietpage.web.app import create_app
from quietpage.web.auth import load_or_create_token

pytestmark = pytest.mark.asyncio(loop_scope="module")
VARIANTS = {
    "desktop-light": {"viewport": DESKTOP, "color_scheme": "light"},
    "desktop-dark": {"viewport": DESKTOP, "color_scheme": "dark"},
    "phone-light": {**PHONE, "color_scheme": "light"},
    "phone-dark": {**PHONE, "color_scheme": "dark"},
}


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def shared_site(tmp_path_factory):
    settings = Settings(data_dir=tmp_path_factory.mktemp("a11y") / "data", port=0)
    server = TestServer(create_app(settings), host="127.0.0.1", port=0)
    server.token = load_or_create_token(settings.data_dir)
    await server.start_server()
    yield server
    await server.close()


async def check(chromium, lib, variant, visits):
    """Log in once, then visit each (path, ready selector, step) and run axe there."""
    context = await chromium.new_context(bypass_csp=True, **VARIANTS[variant])  # bypass: to inject axe itself
    page = await context.new_page()
    await lib.login(page)
    found = {}
    for path, ready, step in visits:
        await page.goto(f"http://127.0.0.1:{lib.site.port}{path}")
        await page.wait_for_selector(ready)
        if step:
            await step(page)
        if bad := await axe_findings(page):
            found[path] = bad
    await context.close()
    assert not found, found


@pytest.mark.parametrize("variant", VARIANTS)
async def test_empty_pages(shared_site, chromium, variant):
    lib = Library(shared_site)
    if (await lib.call("GET", "/api/articles"))["counts"]["all"]:
        pytest.skip("the library was filled by an earlier test")  # only when run out of order
    await check(chromium, lib, variant, [
        ("/", "#empty:not([hidden])", None),
        ("/highlights", "#empty:not([hidden])", None),
        ("/trash", "#empty:not([hidden])", None),
    ])


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def filled(shared_site):
    lib = Library(shared_site)
    lib.seed = await lib.save(SEED_URL, (SEED_DIR / "page.html").read_text("utf-8"))
    harbour = await lib.save("https://example.com/harbour", page_html("A quiet harbour story", LOREM))
    await lib.call("PATCH", f"/api/articles/{harbour['id']}", {"tags": ["sea", "fish", "towns", "economy"],
                                                              "progress": 0.4, "favorite": True})
    await lib.highlight(lib.seed, SENTENCE, "blue", "See **this** and `that`")
    await lib.highlight(harbour, "the catch had doubled", "green")
    gone = await lib.save("https://example.com/gone", page_html("Gone for now", LOREM[2:] + LOREM))
    await lib.call("DELETE", f"/api/articles/{gone['id']}")
    return lib


async def reader_open(page):
    await page.wait_for_selector("#archive:not([hidden])")
    await page.click("#settings-button")
    await select_text(page, "The drone manufacturing plant")
    await page.wait_for_selector("#selection-bar:not([hidden])")
    if await page.is_hidden("#highlights"):
        await page.click("#show-highlights")


async def list_selected(page):
    await page.keyboard.press("j")
    await page.keyboard.press("k")


@pytest.mark.parametrize("variant", VARIANTS)
async def test_full_pages(filled, chromium, variant):
    await check(chromium, filled, variant, [
        ("/", ".item", list_selected),
        ("/?state=all&sort=added-desc", ".item", None),
        (f"/read/{filled.seed['id']}", "mark.qp-highlight", reader_open),
        ("/highlights", ".highlight-card", None),
        ("/highlights?sort=article", ".article-group", None),
        ("/trash", ".item", None),
    ])


@pytest.mark.parametrize("variant", ["desktop-light", "phone-dark"])
async def test_the_pages_that_explain_a_login(filled, chromium, variant):
    link = (await filled.call("POST", "/api/login-links", {"next": "/"}))["url"]
    context = await chromium.new_context(bypass_csp=True, **VARIANTS[variant])
    page = await context.new_page()
    await page.goto(link)
    await page.wait_for_url("**/")
    await context.clear_cookies()
    for url in (link, f"http://127.0.0.1:{filled.site.port}/"):  # used already; not logged in
        await page.goto(url)
        await page.wait_for_selector("main h1")
        bad = await axe_findings(page)
        assert not bad, (url, bad)
    await context.close()
