"""The reader in real Chromium, every key and what it leads to: e archives and goes back (Undo
there), j / k walk the list you came from, h and n highlight the selection (notes are Markdown,
shown safely however hostile), Esc closes what is open, ? helps; Delete with Undo; the phone's
one-row header that slides away; an imported article fetched from its own page; the notices;
the meta line in the UI's direction."""
from __future__ import annotations

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from conftest import LOREM, SEED_URL, SENTENCE, page_html
from pages import PHONE, Library, chromium, new_page, on_module_loop, page, select_text, site, titles  # noqa: F401  (fixtures)
from quietpage.settings import Settings

pytestmark = pytest.mark.asyncio(loop_scope="module")
MOUNTAIN = [
    "The railway climbs through seven tunnels before reaching the glacier station at the summit.",
    "Engineers spent eleven winters blasting the rock, and the line opened in the summer of 1912.",
    "Today the trains carry skiers, hikers and the occasional lost cow back down to the valley.",
]


@pytest.fixture
def settings(data_dir) -> Settings:
    return Settings(data_dir=data_dir, port=0, fetch_allow_private=True)


@on_module_loop
async def lib(site, seed_html):
    lib = Library(site)
    lib.seed = await lib.save(SEED_URL, seed_html)
    lib.harbour = await lib.save("https://example.com/harbour", page_html("A quiet harbour story", LOREM))
    lib.mountain = await lib.save("https://example.com/mountain", page_html("Mountain railways of Europe", MOUNTAIN))
    return lib


async def reader_ready(page):
    await page.wait_for_selector("#archive:not([hidden])")


async def press_to(page, key: str, article: dict) -> None:
    """Press a key in the reader and arrive at `article`'s reader."""
    await page.keyboard.press(key)
    await page.wait_for_url(f"**/read/{article['id']}")
    await reader_ready(page)


async def test_j_and_k_walk_the_list_and_e_archives_and_goes_back(lib, page):
    await lib.login(page, "/?state=all")
    assert await titles(page) == ["Mountain railways of Europe", "A quiet harbour story", lib.seed["title"]]
    for key, article in (("Enter", lib.mountain), ("j", lib.harbour), ("j", lib.seed)):
        await press_to(page, key, article)
    await page.keyboard.press("j")  # the end of the list: said, and nothing moves
    await page.wait_for_selector("#toast:has-text('last article')")
    await press_to(page, "k", lib.harbour)
    assert await page.get_attribute("#back-link", "href") == "/?state=all"
    await page.keyboard.press("e")  # archive, and back to the list it came from
    await page.wait_for_url("**/?state=all")
    await page.wait_for_selector("#toast:has-text('Archived “A quiet harbour story”')")
    assert (await lib.call("GET", f"/api/articles/{lib.harbour['id']}"))["state"] == "archived"
    await page.click("#toast button:has-text('Undo')")
    await page.wait_for_function("() => !document.querySelector('.badge')")
    assert (await lib.call("GET", f"/api/articles/{lib.harbour['id']}"))["state"] == "unread"


async def test_j_goes_on_past_the_loaded_page(lib, page):
    """The trail keeps the API address of the list's next page: j fetches it at the end."""
    await lib.login(page, f"/read/{lib.mountain['id']}")
    await reader_ready(page)
    first = await lib.call("GET", "/api/articles?state=all&sort=saved&order=desc&limit=1")
    await page.evaluate("""([ids, next]) => sessionStorage.setItem('qp-trail', JSON.stringify({from: '/', ids, next}))""",
                        [[lib.mountain["id"]], f"/api/articles?state=all&sort=saved&order=desc&limit=1&cursor={first['next_cursor']}"])
    for key, article in (("j", lib.harbour), ("j", lib.seed), ("k", lib.harbour)):
        await press_to(page, key, article)


HOSTILE_NOTE = ("**Satellite** imagery, see `Alabuga`\n\n<img src=x onerror=\"window.__pwned=1\">"
                " [click](javascript:window.__pwned=2) <script>window.__pwned=3</script>")


async def test_h_and_n_highlight_the_selection_and_notes_render_as_safe_markdown(lib, page):
    await lib.login(page, f"/read/{lib.seed['id']}")
    await reader_ready(page)
    await select_text(page, "The drone manufacturing plant could be operational")
    await page.keyboard.press("h")
    await page.wait_for_selector("mark.qp-highlight")
    await select_text(page, SENTENCE)
    await page.keyboard.press("n")
    await page.wait_for_selector("#note-dialog[open]")
    await page.fill("#note-text", HOSTILE_NOTE)
    await page.click("#note-dialog button[value=save]")
    await page.wait_for_selector(".highlight-item .note strong", state="attached")
    await page.click("#show-highlights")
    saved = (await lib.call("GET", f"/api/articles/{lib.seed['id']}/highlights"))["items"]
    assert [(x["selectors"][0]["exact"], x["note"]) for x in saved] == [
        ("The drone manufacturing plant could be operational", ""), (SENTENCE, HOSTILE_NOTE)]
    note = page.locator(".highlight-item .note").last
    assert await note.locator("strong").text_content() == "Satellite"
    assert await note.locator("code").text_content() == "Alabuga"
    text = await note.text_content()
    assert "<img src=x" in text and "`" not in text and "**" not in text
    assert await note.locator("img, script, a[href^='javascript']").count() == 0
    # the toast when a highlight is clicked shows the note the same way
    await page.locator("mark.qp-highlight").last.click()
    await page.wait_for_selector("#toast .note strong")
    assert await page.locator("#toast img, #toast script").count() == 0
    for link in await note.locator("a").all():
        await link.click(modifiers=["Control"], no_wait_after=True)
    assert await page.evaluate("window.__pwned") is None


async def test_esc_closes_panels_and_question_mark_opens_the_help(lib, page):
    await lib.login(page, f"/read/{lib.harbour['id']}")
    await reader_ready(page)
    await page.click("#settings-button")
    assert await page.is_visible("#settings")
    await page.keyboard.press("Escape")
    assert not await page.is_visible("#settings")
    await page.click("#show-highlights")
    assert await page.is_visible("#highlights")
    await page.keyboard.press("Escape")
    assert not await page.is_visible("#highlights")
    await select_text(page, LOREM[0][:40])
    await page.wait_for_selector("#selection-bar:not([hidden])")
    await page.keyboard.press("Escape")
    assert not await page.is_visible("#selection-bar")
    await page.keyboard.press("?")
    assert await page.is_visible("#help")
    assert "archive and go back" in await page.text_content("#help")
    await page.keyboard.press("Escape")
    assert not await page.is_visible("#help")


async def test_delete_in_the_reader_goes_back_with_undo(lib, page):
    await lib.login(page, "/")
    await titles(page)
    await page.click(f'.item[data-id="{lib.harbour["id"]}"] a.title')
    await reader_ready(page)
    await page.click("#delete")
    await page.wait_for_url(lambda url: url.endswith("/"))
    await page.wait_for_selector("#toast:has-text('Deleted “A quiet harbour story”')")
    assert "A quiet harbour story" not in await titles(page)
    await page.click("#toast button:has-text('Undo')")
    await page.wait_for_function("() => [...document.querySelectorAll('.item .title')].some(t => t.textContent === 'A quiet harbour story')")
    assert (await lib.call("GET", f"/api/articles/{lib.harbour['id']}"))["id"] == lib.harbour["id"]


async def test_the_phone_header_is_one_row_hides_on_the_way_down_and_aa_covers_nothing(lib, chromium):
    page = await new_page(chromium, **PHONE)
    await lib.login(page, f"/read/{lib.seed['id']}")
    await reader_ready(page)
    bar = page.locator("#reader-bar")
    box = await bar.bounding_box()
    assert box["height"] <= 56, box
    middles = await page.eval_on_selector_all("#reader-bar .bar-actions > *:not([hidden]), #back-link",
                                              "els => els.filter(e => e.getClientRects().length).map(e => { const r = e.getBoundingClientRect(); return r.top + r.height / 2; })")
    assert len(middles) >= 7 and max(middles) - min(middles) < 2, middles  # one row
    assert await page.evaluate("document.scrollingElement.scrollWidth - innerWidth") <= 0
    # Aa at the top: the panel pushes the article down instead of covering its first lines
    await page.click("#settings-button")
    panel = await page.locator("#settings").bounding_box()
    title = await page.locator(".reader-title").bounding_box()
    assert title["y"] >= panel["y"] + panel["height"]
    await page.click("#settings-button")
    # scrolling down hides the bar, scrolling up brings it back
    await page.mouse.wheel(0, 600)
    await page.wait_for_function("() => document.getElementById('reader-bar').getBoundingClientRect().bottom <= 0")
    await page.mouse.wheel(0, -200)
    await page.wait_for_function("() => document.getElementById('reader-bar').getBoundingClientRect().top >= 0")
    assert not page.errors, page.errors
    await page.context.close()


async def test_an_imported_article_is_fetched_from_its_reader(lib, page):
    async def article(request):
        return web.Response(text=page_html("Fetched at last", MOUNTAIN + LOREM), content_type="text/html")

    app = web.Application()
    app.router.add_get("/article", article)
    other = TestServer(app, host="127.0.0.1", port=0)
    await other.start_server()
    try:
        await lib.import_file(f"title,url,time_added,tags,status\nLater,http://127.0.0.1:{other.port}/article,1700000000,,unread\n".encode())
        waiting = next(a for a in (await lib.call("GET", "/api/articles"))["items"] if a.get("needs_fetch"))
        await lib.login(page, f"/read/{waiting['id']}")
        await reader_ready(page)
        assert "min read" not in await page.text_content(".reader-head")
        await page.click("[data-recover=fetch]")
        await page.wait_for_selector("#content:has-text('glacier station')")
        assert await page.locator("[data-recover=fetch]").count() == 0
        assert "min read" in await page.text_content(".reader-head")
    finally:
        await other.close()


async def test_not_an_article_is_said_quietly_and_the_meta_line_reads_left_to_right(lib, page):
    front = "".join(f'<li><a href="/story/{i}">Story number {i} of the day, read it here</a></li>' for i in range(40))
    not_article = await lib.save("https://news.example/", f"<html><head><title>Front page</title></head><body><ul>{front}</ul></body></html>")
    await lib.login(page, f"/read/{not_article['id']}")
    await reader_ready(page)
    notice = page.locator(".notice", has_text="This page may not be an article")
    assert await notice.is_visible()
    assert await notice.locator("a").get_attribute("href") == "https://news.example/"
    hebrew = ["הרכבת עולה דרך שבע מנהרות לפני שהיא מגיעה לתחנת הקרחון שבפסגה, ומשם רואים את כל העמק.",
              "המהנדסים עבדו אחד עשר חורפים כדי לפוצץ את הסלע, והקו נפתח בקיץ של שנת אלף תשע מאות ושתים עשרה.",
              "היום הרכבות מובילות גולשים, מטיילים ולפעמים גם פרה אבודה חזרה אל העמק שמתחת להרים הגבוהים."]
    html = page_html("רכבות ההרים של אירופה", hebrew).replace("<html lang='en'>", "<html lang='he' dir='rtl'>").replace(
        "<head>", '<head><meta property="article:published_time" content="2021-03-04">')
    rtl = await lib.save("https://example.co.il/rail", html)
    await page.goto(f"http://127.0.0.1:{lib.site.port}/read/{rtl['id']}")
    await reader_ready(page)
    directions = await page.evaluate("""() => ['.reader-meta', '#content', '.reader-title'].map(
        s => getComputedStyle(document.querySelector(s)).direction)""")
    assert directions == ["ltr", "rtl", "rtl"]
    meta = await page.locator(".reader-meta").nth(1).text_content()
    assert "min read" in meta and "2021-03-04" not in meta  # the date in the browser's words
    assert await page.locator(".notice").count() == 0
