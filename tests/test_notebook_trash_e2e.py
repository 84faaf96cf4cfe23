"""The trash and the notebook in real Chromium: restore, empty (after a confirmation); every
highlight filtered by colour and tag, searched, jumped to in the reader, its note edited and
the selection exported as Markdown; and a login link used twice."""
from __future__ import annotations

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from conftest import LOREM, SEED_URL, SENTENCE, page_html
from pages import Library, chromium, new_page, on_module_loop, page, site, titles  # noqa: F401  (fixtures)

pytestmark = pytest.mark.asyncio(loop_scope="module")


@on_module_loop
async def lib(site):
    return Library(site)


async def test_the_trash_restores_and_empties_after_asking(lib, page):
    kept = await lib.save("https://example.com/kept", page_html("Kept article", LOREM))
    gone = [await lib.save(f"https://example.com/{i}", page_html(f"Deleted article {i}", LOREM[i:] + LOREM)) for i in range(3)]
    for a in gone:
        await lib.call("DELETE", f"/api/articles/{a['id']}")
    await lib.login(page)
    await titles(page)
    assert await page.text_content("#trash-link .n") == "3"
    await page.click("#trash-link")
    await page.wait_for_url("**/trash")
    assert await titles(page) == ["Deleted article 2", "Deleted article 1", "Deleted article 0"]  # last deleted first
    assert "goes for good in 30 days" in await page.locator(".item .meta").first.text_content()
    await page.locator(".item", has_text="Deleted article 1").locator("button", has_text="Restore").click()
    await page.wait_for_function("() => document.querySelectorAll('.item').length === 2")
    assert (await lib.call("GET", f"/api/articles/{gone[1]['id']}"))["id"] == gone[1]["id"]
    # Empty trash asks first; Cancel leaves everything
    await page.click("#empty-trash")
    assert "2 articles and their highlights and notes will be deleted for good" in await page.text_content("#confirm-empty")
    await page.click("#confirm-empty button[value=cancel]")
    assert await page.locator(".item").count() == 2
    await page.click("#empty-trash")
    await page.click("#confirm-empty button[value=empty]")
    await page.wait_for_selector("#empty:not([hidden])")
    assert "Deleted 2 articles for good" in await page.text_content("#toast")
    listing = await lib.call("GET", "/api/articles?state=all")
    assert sorted(a["id"] for a in listing["items"]) == sorted([kept["id"], gone[1]["id"]])
    assert listing["counts"]["trash"] == 0


@on_module_loop
async def notes(lib, seed_html):
    lib.seed = await lib.save(SEED_URL, seed_html)
    lib.harbour = await lib.save("https://example.com/harbour", page_html("A quiet harbour story", LOREM * 4))
    await lib.call("PATCH", f"/api/articles/{lib.harbour['id']}", {"tags": ["Sea"]})
    lib.h = {
        "seed": await lib.highlight(lib.seed, SENTENCE, "blue", "Satellite *imagery*"),
        "catch": await lib.highlight(lib.harbour, "the catch had doubled", "green"),
        "quotas": await lib.highlight(lib.harbour, "a decade of careful quotas", "green", "Policy **works**"),
    }
    return lib


async def cards(page) -> list[str]:
    await page.wait_for_selector("#items:not([aria-busy])")
    return await page.locator(".highlight-card blockquote").all_text_contents()


async def test_the_notebook_filters_searches_jumps_and_edits(notes, page):
    lib = notes
    await lib.login(page, "/highlights")
    await page.wait_for_selector(".highlight-card")
    assert await cards(page) == ["a decade of careful quotas", "the catch had doubled", SENTENCE]
    assert await page.locator(".highlight-card .note strong").text_content() == "works"  # Markdown, rendered
    assert await page.text_content("[data-color=green] .n") == "2"
    await page.click("[data-color=green]")
    await page.wait_for_function("() => document.querySelectorAll('.highlight-card').length === 2")
    assert "color=green" in page.url
    await page.click("[data-color='']")
    await page.select_option("#tag", "Sea")
    await page.wait_for_function("() => document.querySelectorAll('.highlight-card').length === 2")
    await page.select_option("#tag", "")
    await page.fill("#q", "imagery")
    await page.wait_for_function("() => document.querySelectorAll('.highlight-card').length === 1")
    assert await cards(page) == [SENTENCE]
    await page.fill("#q", "")
    await page.wait_for_function("() => document.querySelectorAll('.highlight-card').length === 3")
    await page.select_option("#sort", "article")
    await page.wait_for_function("() => document.querySelectorAll('.article-group').length === 2")
    assert await page.locator(".article-group h2 a").all_text_contents() == ["A quiet harbour story", lib.seed["title"]]
    assert await cards(page) == ["the catch had doubled", "a decade of careful quotas", SENTENCE]  # reading order
    # edit a note in place
    card = page.locator(".highlight-card", has_text="the catch had doubled")
    await card.locator("button", has_text="Add note").click()
    await card.locator("textarea").fill("Twice the **fish**")
    await card.locator("button", has_text="Save").click()
    await page.wait_for_selector(".highlight-card:has-text('the catch had doubled') .note strong")
    saved = (await lib.call("GET", f"/api/articles/{lib.harbour['id']}/highlights"))["items"]
    assert [x["note"] for x in saved if x["id"] == lib.h["catch"]["id"]] == ["Twice the **fish**"]
    # jump to the passage: the reader scrolls it into view and marks it
    await page.locator(".highlight-card", has_text="a decade of careful quotas").locator("a.jump").click()
    await page.wait_for_url(f"**/read/{lib.harbour['id']}#hl-{lib.h['quotas']['id']}")
    mark = page.locator(f'mark[data-highlight-id="{lib.h["quotas"]["id"]}"]')
    await mark.first.wait_for()
    await page.wait_for_function("""id => { const r = document.querySelector(`mark[data-highlight-id="${id}"]`).getBoundingClientRect();
                                     return r.top >= 0 && r.bottom <= innerHeight; }""", arg=lib.h["quotas"]["id"])
    assert await page.get_attribute("#back-link", "href") == "/highlights?sort=article"


async def test_the_notebook_exports_the_selection_as_markdown(notes, page):
    lib = notes
    await lib.login(page, "/highlights?color=green")
    await page.wait_for_selector(".highlight-card")
    async with page.expect_download() as info:
        await page.click("#export")
    download = await info.value
    assert download.suggested_filename.startswith("quietpage-highlights-") and download.suggested_filename.endswith(".md")
    text = open(await download.path(), encoding="utf-8").read()
    assert "## [A quiet harbour story](https://example.com/harbour)" in text
    assert "> a decade of careful quotas\n\nPolicy **works**" in text and "> the catch had doubled" in text
    assert SENTENCE not in text and "green only" in text


async def test_a_login_link_used_twice_goes_to_its_page_with_a_session(lib, chromium):
    link = (await lib.call("POST", "/api/login-links", {"next": "/highlights"}))["url"]
    page = await new_page(chromium)
    await page.goto(link)
    await page.wait_for_url("**/highlights")
    await page.goto(link)  # typed again, or from history: the cookie goes along
    await page.wait_for_url("**/highlights")
    assert await page.text_content("h1") == "Highlights"

    async def elsewhere(request):  # another site links to the used link: the browser holds the cookie back
        return web.Response(text=f'<a id="go" href="{link}">open QuietPage</a>', content_type="text/html")

    app = web.Application()
    app.router.add_get("/", elsewhere)
    other = TestServer(app, host="127.0.0.2", port=0)
    await other.start_server()
    try:
        await page.goto(f"http://127.0.0.2:{other.port}/")
        await page.click("#go")
        await page.wait_for_url("**/highlights")  # the explaining page found the session and went on
        assert await page.text_content("h1") == "Highlights"
    finally:
        await other.close()
    assert not page.errors, page.errors
    await page.context.close()
    stranger = await new_page(chromium)  # no session: the link says what happened, and how to get in
    async with stranger.expect_response(lambda r: "/api/articles" in r.url) as check:
        response = await stranger.goto(link)
    assert response.status == 401 and (await check.value).status == 401
    assert stranger.url == link  # it stays, and says why
    message = await stranger.text_content("main")
    assert "used already" in message and "`" not in message
    assert await stranger.text_content("main code") == "quietpage login-url"
    await stranger.context.close()


async def test_messages_never_show_raw_backticks(lib, page):
    await lib.login(page)
    await page.wait_for_selector("#empty:not([hidden])")
    await page.context.clear_cookies()  # the session ends: the next action explains how to log in again
    await page.click("#only-favorites")
    await page.wait_for_selector("#toast code")
    toast = await page.text_content("#toast")
    assert "quietpage login-url" in toast and "`" not in toast
