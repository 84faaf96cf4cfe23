"""The pages in real Chromium: log in with a login link, see the list, read an article; the
page's own script never runs in our pages."""
import pytest

from conftest import LOREM, SEED_URL
from helpers import api, log_in
from pages import chromium, site  # noqa: F401  (fixtures: one browser for the module)

pytestmark = pytest.mark.asyncio(loop_scope="module")

HOSTILE = [
    *LOREM,
    '<img src="x" onerror="window.__pwned = 1">An image that tries to run script when it fails to load.',
    '<a href="javascript:window.__pwned=2">a javascript link</a> placed in an otherwise ordinary sentence here.',
    '<svg onload="window.__pwned=3"><script>window.__pwned=4</script></svg>Text after an SVG with script inside.',
]


async def test_login_link_opens_the_reader_and_the_list(site, chromium, seed_html):
    article = await api(site, "POST", "/api/articles", {"url": SEED_URL, "html": seed_html})
    page = await chromium.new_page()
    await log_in(page, site, f"/read/{article['id']}")
    assert await page.text_content("h1") == article["title"]
    body = await page.text_content("#content")
    assert "Alabuga Special Economic Zone" in body and "Poinbank" not in body
    await page.click("a.brand")
    await page.wait_for_url(f"http://127.0.0.1:{site.port}/")
    assert await page.text_content(".item .title") == article["title"]


async def test_without_logging_in_the_pages_say_how(site, chromium):
    page = await chromium.new_page()
    response = await page.goto(f"http://127.0.0.1:{site.port}/")
    assert response.status == 401
    assert "quietpage login-url" in await page.text_content("main")


async def test_hostile_article_html_runs_no_script(site, chromium):
    html = ("<html><head><title>Hostile</title></head><body><article><h1>Hostile page</h1>"
            + "".join(f"<p>{p}</p>" for p in HOSTILE) + "</article></body></html>")
    article = await api(site, "POST", "/api/articles", {"url": "https://evil.example/a", "html": html})
    page = await chromium.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(e))
    await log_in(page, site, f"/read/{article['id']}")
    await page.wait_for_load_state("networkidle")
    for link_el in await page.query_selector_all("#content a"):
        await link_el.click(modifiers=["Control"], no_wait_after=True)
    assert await page.evaluate("window.__pwned") is None
    assert "placed in an otherwise ordinary sentence" in await page.text_content("#content")
