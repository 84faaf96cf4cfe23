"""The reading list and the reader in real Chromium, as a user drives them."""
import pytest

from conftest import LOREM, SEED_URL, SENTENCE, page_html
from helpers import api, log_in
from pages import chromium, on_module_loop, page, site  # noqa: F401  (fixtures: one browser for the module)

pytestmark = pytest.mark.asyncio(loop_scope="module")

MOUNTAIN = [
    "The railway climbs through seven tunnels before reaching the glacier station at the summit.",
    "Engineers spent eleven winters blasting the rock, and the line opened in the summer of 1912.",
    "Today the trains carry skiers, hikers and the occasional lost cow back down to the valley.",
]


class Library:
    """The live server with three saved articles; call its API, log a page in."""

    def __init__(self, live):
        self.live = live

    async def call(self, method, path, body=None):
        return await api(self.live, method, path, body)

    async def login(self, page, next_path="/"):
        await log_in(page, self.live, next_path)


@on_module_loop
async def library(site, seed_html):
    lib = Library(site)
    lib.seed = await lib.call("POST", "/api/articles", {"url": SEED_URL, "html": seed_html})
    lib.harbour = await lib.call("POST", "/api/articles", {"url": "https://example.com/harbour",
                                                           "html": page_html("A quiet harbour story", LOREM)})
    lib.mountain = await lib.call("POST", "/api/articles", {"url": "https://example.com/mountain",
                                                            "html": page_html("Mountain railways of Europe", MOUNTAIN)})
    await lib.call("PATCH", f"/api/articles/{lib.mountain['id']}", {"tags": ["Trains", "Alps"]})
    return lib


async def item_count(page, n):
    await page.wait_for_function("n => document.querySelectorAll('.item').length === n", arg=n)


async def titles(page):
    await page.wait_for_selector(".item")
    return await page.locator(".item .title").all_text_contents()


async def test_the_list_shows_saved_articles_newest_first(library, page):
    await library.login(page)
    assert await titles(page) == ["Mountain railways of Europe", "A quiet harbour story", library.seed["title"]]
    assert "3 articles" in await page.text_content("#result-count")


async def test_search_and_tag_filter_narrow_the_list(library, page):
    await library.login(page)
    await page.fill("#q", "mackerel")
    await item_count(page, 1)
    assert await titles(page) == ["A quiet harbour story"]
    await page.fill("#q", "")
    await item_count(page, 3)
    await page.click(".item .tags button:has-text('Trains')")
    await item_count(page, 1)
    assert await titles(page) == ["Mountain railways of Europe"]
    assert "tag=Trains" in page.url
    await page.reload()
    assert await titles(page) == ["Mountain railways of Europe"]  # the filter is in the URL


async def test_archive_and_undo(library, page):
    await library.login(page)
    await titles(page)
    first = page.locator(".item").first
    await first.locator("button[aria-label='Archive']").click()
    await item_count(page, 2)
    assert "Mountain railways of Europe" not in await titles(page)
    await page.click("#toast button:has-text('Undo')")
    await item_count(page, 3)
    article = await library.call("GET", f"/api/articles/{library.mountain['id']}")
    assert article["state"] == "unread"


async def test_delete_and_undo(library, page):
    await library.login(page)
    await titles(page)
    await page.locator(".item").nth(1).hover()  # its actions show on hover
    await page.locator(".item").nth(1).locator("button[aria-label='Delete']").click()
    await item_count(page, 2)
    await page.click("#toast button:has-text('Undo')")
    await item_count(page, 3)


async def test_keyboard_navigation(library, page):
    await library.login(page)
    await titles(page)
    await page.keyboard.press("j")
    assert await page.get_attribute(".item[aria-current]", "data-id") == library.harbour["id"]
    await page.keyboard.press("k")
    assert await page.get_attribute(".item[aria-current]", "data-id") == library.mountain["id"]
    await page.keyboard.press("j")
    await page.keyboard.press("f")
    await page.wait_for_selector(f'.item[data-id="{library.harbour["id"]}"] button[aria-pressed="true"]')
    await page.keyboard.press("e")
    await item_count(page, 2)
    await page.keyboard.press("/")
    assert await page.evaluate("document.activeElement.id") == "q"
    await page.keyboard.press("Escape")
    await page.keyboard.press("?")
    assert await page.is_visible("#help")
    await page.keyboard.press("Escape")
    await page.wait_for_function("() => document.activeElement.matches('.item[aria-current] a.title')")
    await page.keyboard.press("Enter")
    await page.wait_for_url("**/read/*")


async def test_a_highlight_made_in_the_reader_survives_a_reload(library, page):
    await library.login(page, f"/read/{library.seed['id']}")
    await page.wait_for_selector("#show-highlights:not([hidden])")
    await page.evaluate("""sentence => {
        const p = [...document.querySelectorAll('#content p')].find(p => p.textContent.includes(sentence));
        const range = document.createRange(); range.selectNodeContents(p);
        const sel = getSelection(); sel.removeAllRanges(); sel.addRange(range);
        document.dispatchEvent(new MouseEvent('mouseup', {bubbles: true}));
    }""", SENTENCE)
    await page.click("#selection-bar .swatch.green")
    await page.wait_for_selector("mark.qp-highlight-green")
    await page.reload()
    mark = page.locator("mark.qp-highlight-green")
    await mark.first.wait_for()
    assert "".join(await mark.all_text_contents()) == SENTENCE
    saved = await library.call("GET", f"/api/articles/{library.seed['id']}/highlights")
    assert [h["selectors"][0]["exact"] for h in saved["items"]] == [SENTENCE]


async def test_dark_mode_is_remembered(library, page):
    await library.login(page, f"/read/{library.harbour['id']}")
    await page.click("#settings-button")
    await page.click("[data-pref=theme][data-value=dark]")
    background = "getComputedStyle(document.body).backgroundColor"
    assert await page.evaluate(background) == "rgb(26, 25, 23)"
    await page.reload()
    assert await page.evaluate("document.documentElement.dataset.theme") == "dark"
    assert await page.evaluate(background) == "rgb(26, 25, 23)"


async def test_the_system_dark_preference_is_followed(library, chromium):
    context = await chromium.new_context(color_scheme="dark")
    page = await context.new_page()
    await library.login(page)
    assert await page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(26, 25, 23)"
    await context.close()


async def test_reading_progress_is_saved_and_restored(library, page, seed_html):
    await page.set_viewport_size({"width": 800, "height": 400})
    await library.login(page, f"/read/{library.seed['id']}")
    await page.wait_for_selector("#archive:not([hidden])")
    await page.evaluate("window.scrollTo(0, (document.scrollingElement.scrollHeight - innerHeight) / 2)")
    await page.wait_for_function("""async id => {
        const r = await fetch('/api/articles/' + id); const a = await r.json(); return a.progress > 0.3;
    }""", arg=library.seed["id"])
    await page.reload()
    await page.wait_for_selector("#archive:not([hidden])")
    assert await page.evaluate("scrollY") > 100


@pytest.mark.parametrize("path", ["/", "read"])
async def test_pages_fit_a_phone(library, chromium, path):
    context = await chromium.new_context(viewport={"width": 375, "height": 740}, is_mobile=True)
    page = await context.new_page()
    await library.login(page, "/" if path == "/" else f"/read/{library.seed['id']}")
    await page.wait_for_load_state("networkidle")
    overflow = await page.evaluate("document.scrollingElement.scrollWidth - innerWidth")
    assert overflow <= 0
    await context.close()


@pytest.mark.parametrize("path", ["/highlights", "/trash", "/tags"])
async def test_one_way_back_to_the_list_in_each_header(library, chromium, path):
    """On a phone the back arrow stands for the list (its words would say it twice); on a desktop
    the arrow is the brand and the header names the list in words."""
    seen = {}
    for name, viewport in (("phone", {"width": 390, "height": 844}), ("desktop", {"width": 1280, "height": 800})):
        context = await chromium.new_context(viewport=viewport, is_mobile=name == "phone")
        page = await context.new_page()
        await library.login(page, path)
        await page.wait_for_selector("header .brand.back")
        seen[name] = (await page.locator("header .brand.back .icon").is_visible(),
                      await page.locator("header a.action[href='/']").is_visible())
        await context.close()
    assert seen == {"phone": (True, False), "desktop": (False, True)}
