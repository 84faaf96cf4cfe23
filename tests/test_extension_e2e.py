"""The browser extension in real Chromium, against the real server: capture a page whose text
its own JavaScript builds, open the reader logged in, highlight on the live page and see the
highlight painted again after a reload, and read the popup's words when things go wrong.

Test pages are served on loopback by a small aiohttp app (the extension may read loopback pages
without a click, which is what lets a test drive it). Recipe: ../shared/BROWSER.md.
"""
from __future__ import annotations

import asyncio
import base64
import json

import pytest
from aiohttp import web

from browser import launch_with_extension
from conftest import EXTENSION, LOREM
from helpers import api
from server_process import ServerProcess

BUILT_SENTENCE = "This sentence exists only after the page's own script has run, which is the whole point."
QUOTE = "the catch had doubled, and prices had halved"


def js_built_page(title: str, paragraphs: list[str]) -> str:
    """An article whose text is not in the HTML at all: its script decodes and inserts it."""
    payload = base64.b64encode(json.dumps([title, *paragraphs]).encode()).decode()
    big_image = "data:image/png;base64," + "A" * 50_000
    return f"""<!DOCTYPE html><html lang="en"><head><title>{title}</title>
<style>body {{ font-family: serif }}</style></head>
<body><nav><a href="/">Home</a> <a href="/about">About</a></nav>
<main id="app"><p>Loading the article...</p></main>
<img src="{big_image}" alt="">
<script>
  const [title, ...paragraphs] = JSON.parse(atob("{payload}"));
  const article = document.createElement("article");
  const h1 = document.createElement("h1");
  h1.textContent = title;
  article.append(h1);
  for (const text of paragraphs) {{
    const p = document.createElement("p");
    p.textContent = text;
    article.append(p);
  }}
  document.getElementById("app").replaceChildren(article);
  document.body.dataset.ready = "yes";
</script></body></html>"""


@pytest.fixture
async def site(aiohttp_server):
    """Pages to save, on loopback: /article is built by its own script."""
    async def article(request):
        return web.Response(text=js_built_page("Harbour economics", [*LOREM, BUILT_SENTENCE]),
                            content_type="text/html")

    gate = asyncio.Event()

    async def late(request):  # its text comes from /late/text, which waits for the test's go
        return web.Response(content_type="text/html", text="""<!DOCTYPE html><html><head><title>Late</title></head>
<body><main id="app">Loading...</main><script>
  fetch("/late/text").then(r => r.json()).then(paragraphs => {
    document.getElementById("app").innerHTML = "<article>" + paragraphs.map(p => "<p>" + p + "</p>").join("") + "</article>";
  });
  document.body.dataset.ready = "yes";
</script></body></html>""")

    async def late_text(request):
        await gate.wait()
        return web.json_response(LOREM)

    app = web.Application()
    app.router.add_get("/article", article)
    app.router.add_get("/late", late)
    app.router.add_get("/late/text", late_text)
    server = await aiohttp_server(app, host="127.0.0.1")
    server.origin = f"http://127.0.0.1:{server.port}"
    server.release_late_text = gate.set
    return server


@pytest.fixture
async def chromium(tmp_path):
    """Chromium with the extension loaded: (context, service worker, extension id)."""
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        context, worker = await launch_with_extension(pw, tmp_path / "profile", EXTENSION)
        yield context, worker, worker.url.split("/")[2]
        await context.close()


async def pair(worker, origin: str, token: str) -> None:
    await worker.evaluate("s => chrome.storage.local.set(s)", {"serverUrl": origin, "token": token})


async def open_tab(context, worker, url: str):
    page = await context.new_page()
    await page.goto(url)
    await page.wait_for_selector("body[data-ready]", state="attached")  # the page's own script has run
    tab_id = await worker.evaluate("async u => (await chrome.tabs.query({url: u}))[0]?.id", url)
    assert isinstance(tab_id, int), tab_id
    return page, tab_id


async def test_capture_keeps_the_text_the_pages_script_built_and_opens_the_reader_logged_in(live, site, chromium):
    context, worker, _ = chromium
    origin = f"http://127.0.0.1:{live.port}"
    await pair(worker, origin, live.token)
    page, tab_id = await open_tab(context, worker, f"{site.origin}/article")

    async with context.expect_page() as new_tab:
        result = await worker.evaluate("id => captureTab(id)", tab_id)
    assert result["status"] == 201 and result["reader_url"] == f"{origin}/read/{result['id']}"

    article = await api(live, "GET", f"/api/articles/{result['id']}")
    assert BUILT_SENTENCE in article["text"] and LOREM[2] in article["text"]
    assert "Loading the article" not in article["text"]
    assert article["url"] == f"{site.origin}/article" and article["title"] == "Harbour economics"

    reader = await new_tab.value
    await reader.wait_for_url(f"{origin}/read/{result['id']}")
    await reader.get_by_role("heading", name="Harbour economics").wait_for()  # logged in: the article
    body = await reader.text_content("body")
    assert BUILT_SENTENCE in body and "Please log in" not in body

    again = await worker.evaluate("id => captureTab(id, {openReader: false})", tab_id)
    assert (again["status"], again["id"]) == (200, result["id"])  # same page: updated, same id


async def test_a_live_page_highlight_is_saved_and_painted_again_after_a_reload(live, site, chromium):
    context, worker, _ = chromium
    origin = f"http://127.0.0.1:{live.port}"
    await pair(worker, origin, live.token)
    url = f"{site.origin}/article"
    page, tab_id = await open_tab(context, worker, url)
    await page.evaluate("""quote => {
        const p = [...document.querySelectorAll("article p")].find(p => p.textContent.includes(quote));
        const text = p.firstChild, at = text.data.indexOf(quote), range = document.createRange();
        range.setStart(text, at);
        range.setEnd(text, at + quote.length);
        getSelection().removeAllRanges();
        getSelection().addRange(range);
    }""", QUOTE)

    result = await worker.evaluate("id => highlightSelection(id)", tab_id)
    assert result["status"] == "highlighted" and result["saved_page"] is True and result["painted"] == 1
    assert await page.text_content("mark[data-quietpage-highlight]") == QUOTE

    saved = await api(live, "GET", "/api/highlights", params={"url": url})
    assert saved["article_id"] == result["article_id"]
    assert [s["exact"] for h in saved["items"] for s in h["selectors"] if s["type"] == "TextQuoteSelector"] == [QUOTE]
    await api(live, "PATCH", f"/api/highlights/{result['id']}", {"note": "Why did prices fall?"})

    await page.reload()
    mark = await page.wait_for_selector("mark[data-quietpage-highlight]")  # painted on load, unasked
    assert await mark.text_content() == QUOTE
    await mark.click()
    note = await page.wait_for_selector(".quietpage-note")
    assert "Why did prices fall?" in await note.text_content()

    # saving again leaves our marks and note box out of the page sent
    await worker.evaluate("id => captureTab(id, {openReader: false})", tab_id)
    article = await api(live, "GET", f"/api/articles/{result['article_id']}")
    assert "Why did prices fall?" not in article["text"] and QUOTE in article["text"]


async def test_highlights_of_a_page_whose_text_arrives_late_are_painted_when_it_arrives(live, site, chromium):
    context, worker, _ = chromium
    origin = f"http://127.0.0.1:{live.port}"
    await pair(worker, origin, live.token)
    url = f"{site.origin}/late"
    html = "<html><head><title>Late</title></head><body><article>" + "".join(f"<p>{p}</p>" for p in LOREM) + "</article></body></html>"
    saved = await api(live, "POST", "/api/articles", {"url": url, "html": html})
    await api(live, "POST", f"/api/articles/{saved['id']}/highlights",
              {"selectors": [{"type": "TextQuoteSelector", "exact": QUOTE}]})
    page, tab_id = await open_tab(context, worker, url)

    early = await worker.evaluate("id => paintHighlights(id)", tab_id)
    assert (early["items"], early["painted"], early["orphaned"]) == (1, 0, 1)  # the text is not there yet
    site.release_late_text()
    mark = await page.wait_for_selector("mark[data-quietpage-highlight]")
    assert await mark.text_content() == QUOTE


async def test_the_popup_says_when_the_server_is_not_running(tmp_path, site, chromium):
    context, worker, ext_id = chromium
    server = await asyncio.to_thread(ServerProcess(tmp_path / "library").start)
    token = (tmp_path / "library" / "token").read_text().strip()
    await pair(worker, server.origin, token)
    await asyncio.to_thread(server.stop)
    _, tab_id = await open_tab(context, worker, f"{site.origin}/article")

    popup = await context.new_page()
    await popup.goto(f"chrome-extension://{ext_id}/popup/popup.html?tabId={tab_id}")
    problem = popup.locator("#problem")
    await problem.wait_for(state="visible")
    assert f"QuietPage is not running at {server.origin}" in await popup.text_content("#problem-message")
    assert "quietpage serve" in await popup.text_content("#problem-hint")
    assert await popup.text_content("#connection") == "Not connected"
    assert await popup.is_visible("#open-options") and await popup.is_disabled("#save")


async def test_the_popup_saves_on_opening_and_offers_the_suggested_tags(live, site, chromium):
    context, worker, ext_id = chromium
    origin = f"http://127.0.0.1:{live.port}"
    await pair(worker, origin, live.token)
    _, tab_id = await open_tab(context, worker, f"{site.origin}/article")

    popup = await context.new_page()
    async with context.expect_page() as opened:  # the reader, opened behind the popup
        await popup.goto(f"chrome-extension://{ext_id}/popup/popup.html?tabId={tab_id}")
        await popup.locator("#save-state.ok").wait_for()
    assert await popup.text_content("#connection") == "Connected"
    assert await popup.text_content("#article-title") == "Harbour economics"
    await popup.fill("#new-tags", "harbours, economics")
    await popup.click("#save-tags")
    await popup.locator("#tags-state", has_text="Tags saved").wait_for()
    listing = await api(live, "GET", "/api/articles")
    [article] = listing["items"]
    assert {"harbours", "economics"} <= {t["name"] for t in article["tags"]}
    await (await opened.value).wait_for_url(f"{origin}/read/{article['id']}")

    # opened again on the same page: it says so (no second save, no second reader tab)
    tabs = len(context.pages)
    await popup.reload()
    await popup.locator("#save-state", has_text="Already saved").wait_for()
    assert set(await popup.locator("#tag-list input:checked").evaluate_all("l => l.map(b => b.value)")) >= {"harbours", "economics"}
    assert len(context.pages) == tabs and len((await api(live, "GET", "/api/articles"))["items"]) == 1


async def test_the_popup_explains_a_wrong_token_and_a_page_it_may_not_read(live, chromium):
    context, worker, ext_id = chromium
    await pair(worker, f"http://127.0.0.1:{live.port}", "not-the-token")
    popup = await context.new_page()
    await popup.goto(f"chrome-extension://{ext_id}/popup/popup.html")
    await popup.locator("#problem").wait_for(state="visible")
    assert "did not accept the extension's token" in await popup.text_content("#problem-message")
    assert "quietpage token" in await popup.text_content("#problem-hint")
    assert await popup.text_content("#connection") == "Not paired"

    await pair(worker, f"http://127.0.0.1:{live.port}", live.token)
    async with context.expect_page() as opened:
        tab_id = await worker.evaluate("async () => (await chrome.tabs.create({url: 'chrome://version/'})).id")
    await (await opened.value).wait_for_load_state()
    result = await worker.evaluate("id => captureTab(id).then(r => r, e => ({code: e.code, message: e.message}))", tab_id)
    assert result["code"] == "forbidden_page"
    assert "does not let extensions read this page" in result["message"]
    await popup.goto(f"chrome-extension://{ext_id}/popup/popup.html?tabId={tab_id}")
    await popup.locator("#problem").wait_for(state="visible")
    assert "does not let extensions read this page" in await popup.text_content("#problem-message")
    assert await popup.text_content("#connection") == "Connected" and await popup.is_disabled("#save")


async def test_options_pair_the_extension_and_test_the_connection(live, chromium):
    context, worker, ext_id = chromium
    origin = f"http://127.0.0.1:{live.port}"
    options = await context.new_page()
    await options.goto(f"chrome-extension://{ext_id}/options/options.html")
    await options.locator("#result", has_text="Not paired yet").wait_for()
    await options.fill("#server-url", f"127.0.0.1:{live.port}/")
    await options.fill("#token", live.token)
    await options.click("#save")
    await options.locator("#result.ok").wait_for()
    assert "Connected to QuietPage" in await options.text_content("#result-message")
    assert await worker.evaluate("chrome.storage.local.get(['serverUrl', 'token'])") == {"serverUrl": origin, "token": live.token}

    await options.fill("#token", "wrong")
    await options.click("#test")  # tries the form's values without storing them
    await options.locator("#result.error").wait_for()
    assert "did not accept the extension's token" in await options.text_content("#result-message")
    assert (await worker.evaluate("chrome.storage.local.get('token')"))["token"] == live.token
    await options.fill("#server-url", "http://example.org")
    await options.click("#save")
    await options.locator("#result.error", has_text="must run on this computer").wait_for()
