"""The reading list in real Chromium, as a user drives it day to day: every sort both ways,
compact and comfortable rows, actions on hover and keys, imports that say what happened (and
where the new articles are), fetch failures with their reasons, a row's archived picture, and
the list on a phone."""
from __future__ import annotations

import asyncio

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from conftest import LOREM, page_html
from pages import PHONE, Library, chromium, new_page, on_module_loop, page, site, titles  # noqa: F401  (fixtures)
from quietpage.settings import Settings

pytestmark = pytest.mark.asyncio(loop_scope="module")
WORDS = "The harbour master counted the boats again, slowly, one by one, before the tide turned."


@pytest.fixture
def settings(data_dir) -> Settings:
    """Fetching may reach this machine: the test's own "web" is a server on loopback."""
    return Settings(data_dir=data_dir, port=0, fetch_allow_private=True)


def dated(title: str, published: str, paragraphs: list[str], head: str = "") -> str:
    meta = f'<meta property="article:published_time" content="{published}">{head}'
    return page_html(title, paragraphs).replace("<head>", f"<head>{meta}", 1)


@on_module_loop
async def lib(site):
    return Library(site)


SORTS = {  # option label -> titles in that order
    "Newest saved": ["Long piece", "Short piece", "Imported piece"],
    "Oldest saved": ["Imported piece", "Short piece", "Long piece"],
    "Recently added": ["Imported piece", "Long piece", "Short piece"],
    "First added": ["Short piece", "Long piece", "Imported piece"],
    "Newest published": ["Short piece", "Long piece", "Imported piece"],
    "Oldest published": ["Imported piece", "Long piece", "Short piece"],
    "Shortest read": ["Imported piece", "Short piece", "Long piece"],
    "Longest read": ["Long piece", "Short piece", "Imported piece"],
}


async def test_every_sort_works_both_ways(lib, page):
    await lib.save("https://example.com/short", dated("Short piece", "2020-05-01", LOREM[:3]))
    await lib.save("https://example.com/long", dated("Long piece", "2010-05-01", [WORDS] * 60 + LOREM))
    await lib.import_file(b"title,url,time_added,tags,status\nImported piece,https://example.com/imported,1500000000,,unread\n")
    await lib.login(page)
    for label, expected in SORTS.items():
        await page.select_option("#sort", label=label)
        await page.wait_for_function("want => [...document.querySelectorAll('.item .title')].map(t => t.textContent).join('|') === want",
                                     arg="|".join(expected))
        await page.reload()  # the sort is in the address
        assert await titles(page) == expected, label
        assert await page.eval_on_selector("#sort option:checked", "o => o.textContent") == label


async def test_rows_are_compact_and_say_what_matters(lib, page):
    a = await lib.save("https://bbc.example/gone", dated("A quiet harbour story", "2021-03-04", LOREM,
                                                          '<meta property="og:site_name" content="BBC News">'
                                                          '<meta name="author" content="BBC News">'))
    await lib.call("PATCH", f"/api/articles/{a['id']}", {"tags": ["sea", "fish", "towns", "economy", "quotas"],
                                                         "progress": 0.5})
    for i in range(9):
        await lib.save(f"https://example.com/{i}", page_html(f"Filler article number {i}", LOREM[i % 5:] + LOREM))
    await lib.login(page)
    await titles(page)
    row = page.locator(f'.item[data-id="{a["id"]}"]')
    meta = await row.locator(".meta").text_content()
    assert meta.count("BBC News") == 1, meta  # site and byline the same: once
    assert await row.locator(".excerpt").count() == 1
    assert await row.locator("ul.tags .tag").all_text_contents() == ["sea", "fish", "towns", "+2"]
    await row.locator("button.more-tags").click()
    assert await row.locator("ul.tags .tag").all_text_contents() == ["sea", "fish", "towns", "economy", "quotas"]
    when = row.locator(".meta time")
    assert await when.get_attribute("datetime") == a["created_at"] and "-" not in await when.text_content()
    width = await row.locator(".item-progress .fill").evaluate("e => e.getBoundingClientRect().width / e.parentElement.getBoundingClientRect().width")
    assert 0.45 < width < 0.55
    # compact: ten articles fit a laptop screen; comfortable rows are taller, and remembered
    compact = await row.evaluate("e => e.getBoundingClientRect().height")
    assert compact <= 64 and await page.locator(".item").count() == 10
    last = await page.locator(".item").last.evaluate("e => e.getBoundingClientRect().bottom")
    assert last < 900
    await page.click("button[data-density=comfortable]")
    assert await row.evaluate("e => e.getBoundingClientRect().height") > compact + 20
    await page.reload()
    await titles(page)
    assert await page.evaluate("document.body.dataset.density") == "comfortable"
    assert await page.get_attribute("button[data-density=comfortable]", "aria-checked") == "true"


async def test_actions_show_on_hover_focus_and_selection(lib, page):
    await lib.save("https://example.com/one", page_html("First article", LOREM))
    newest = await lib.save("https://example.com/two", page_html("Second article", LOREM[1:]))
    await lib.login(page)
    await titles(page)
    rows = page.locator(".item")
    opacity = "e => getComputedStyle(e.querySelector('.actions')).opacity"
    await page.mouse.move(5, 5)
    await rows.nth(0).evaluate("e => e.removeAttribute('aria-current')")
    assert await rows.nth(1).evaluate(opacity) == "0"
    await rows.nth(1).hover()
    assert await rows.nth(1).evaluate(opacity) == "1"
    await page.keyboard.press("j")  # the chosen row shows its actions without a mouse
    assert await rows.nth(1).get_attribute("aria-current") == "true"
    await page.mouse.move(5, 5)
    assert await rows.nth(1).evaluate(opacity) == "1"
    await page.keyboard.press("k")
    await page.keyboard.press("o")
    await page.wait_for_url(f"**/read/{newest['id']}")


async def test_imports_say_what_happened_and_where_the_articles_are(lib, page):
    async def article(request):
        return web.Response(text=page_html("Fetched at last", LOREM), content_type="text/html")

    async def picture(request):
        return web.Response(body=b"\x89PNG\r\n\x1a\n", content_type="image/png")

    web_app = web.Application()
    web_app.router.add_get("/article", article)
    web_app.router.add_get("/picture", picture)
    other_web = TestServer(web_app, host="127.0.0.1", port=0)
    await other_web.start_server()
    try:
        base = f"http://127.0.0.1:{other_web.port}"
        await lib.save("https://example.com/new", page_html("Saved today", LOREM))
        await lib.login(page)
        await titles(page)
        await page.click("#transfer-button")
        # a file that is not one QuietPage reads: the message names it as the user knows it
        await page.set_input_files("#import-file", files=[{"name": "my-notes.json", "mimeType": "application/json",
                                                           "buffer": b'{"hello": "world"}'}])
        await page.click("#import-start")
        await page.wait_for_function("() => document.querySelector('#import-status').textContent.includes('my-notes.json:')")
        status = await page.text_content("#import-status")
        assert status.startswith("my-notes.json: is JSON but not a QuietPage backup") and ".upload" not in status
        csv = ("title,url,time_added,tags,status\n"
               f"Old bookmark,{base}/article,1400000000,,unread\n"
               f"Gone bookmark,{base}/missing,1400000100,,unread\n"
               f"Picture bookmark,{base}/picture,1400000200,,unread\n")
        await page.set_input_files("#import-file", files=[{"name": "pocket.csv", "mimeType": "text/csv", "buffer": csv.encode()}])
        await page.click("#import-start")
        await page.wait_for_selector("#show-imported")
        assert "3 new articles" in await page.text_content("#import-status")
        # fetching: the failures say why, each
        await page.click("#fetch-start")
        await page.wait_for_function("() => document.querySelector('#fetch-status').textContent.includes('Done')")
        assert "Fetched 1 of 3 · 2 could not be fetched" in await page.text_content("#fetch-status")
        await page.click("#fetch-errors summary")
        reasons = await page.locator("#fetch-errors li").all_text_contents()
        assert len(reasons) == 2 and any("404" in r for r in reasons) and any("image/png" in r for r in reasons), reasons
        # "Show them": the newest added first, whatever their own (old) dates
        await page.click("#show-imported")
        await page.wait_for_url("**/?state=all&sort=added-desc")
        shown = await titles(page)
        assert shown[-1] == "Saved today" and set(shown[:3]) == {"Fetched at last", "Gone bookmark", "Picture bookmark"}
        assert await page.eval_on_selector("#sort option:checked", "o => o.textContent") == "Recently added"
        assert await page.locator(".badge.warn", has_text="fetch failed").count() == 2
    finally:
        await other_web.close()


async def test_a_row_shows_its_archived_picture_at_its_right_end(lib, page):
    from image_site import article_html, site as image_site

    pictures = TestServer(image_site(), host="127.0.0.1", port=0)
    await pictures.start_server()
    try:
        base = f"http://127.0.0.1:{pictures.port}"
        pictured = await lib.save(f"{base}/a", article_html("Pictured", '<p><img src="/img/big.jpg" alt="Boats"></p>'))
        await lib.save(f"{base}/b", article_html("An icon only", '<p><img src="/img/plain.png" alt="icon"></p>'))
        for _ in range(100):  # archived in the background, as after any save
            if (await lib.call("GET", f"/api/articles/{pictured['id']}"))["images"]["archived"]:
                break
            await asyncio.sleep(0.1)
        await lib.login(page)
        await titles(page)
        row = page.locator(f'.item[data-id="{pictured["id"]}"]')
        thumb = row.locator("img.item-thumb")
        assert (await thumb.get_attribute("src")).startswith("/images/")
        await page.wait_for_function("() => document.querySelector('img.item-thumb').naturalWidth === 120")  # loaded
        title_box, thumb_box = await row.locator(".title").bounding_box(), await thumb.bounding_box()
        assert thumb_box["x"] > title_box["x"] + 200  # at the right end: titles line up
        assert await page.locator(".item:has-text('An icon only') img").count() == 0
        assert not page.errors, page.errors
    finally:
        await pictures.close()


async def test_the_list_on_a_phone(lib, chromium):
    a = await lib.save("https://example.com/one", page_html("A quiet harbour story with a long title that wraps", LOREM))
    await lib.call("PATCH", f"/api/articles/{a['id']}", {"tags": ["sea", "fish", "South Sudan", "economy"]})
    page = await new_page(chromium, **PHONE)
    await lib.login(page)
    await titles(page)
    assert await page.evaluate("document.scrollingElement.scrollWidth - innerWidth") <= 0
    row = page.locator(".item").first
    await page.evaluate("document.querySelector('.item').removeAttribute('aria-current')")
    assert not await row.locator(".actions").is_visible()
    await row.locator(".row-more").tap()
    assert await row.locator(".actions").is_visible()
    await row.locator("button[aria-label='Archive']").tap()
    await page.wait_for_selector("#no-match:not([hidden])")
    assert "Archived" in await page.text_content("#toast")
    assert not page.errors, page.errors
    await page.context.close()
