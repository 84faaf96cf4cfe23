"""The browser extension in real Chromium, against the real server: a save from the popup, the
shortcut or the menu keeps you on the page and puts a ✓ on the toolbar button; Options turns
opening the reader back on; a 7 MB page shows its progress and completes with the popup closed;
highlights made on the live page reach the server and come back on a revisit; what a sighted
reader cannot see is marked before sending; an impostor on the port gets nothing; and the popup's
words when things go wrong. (tests/test_extension_firefox.py runs the same journeys in Firefox.)

Test pages are served on loopback by a small aiohttp app (tests/extension_pages.py): the extension
may read loopback pages without a click, which is what lets a test drive it. The toolbar button,
the shortcut keys and the context menu are browser UI a test cannot click: tests open the popup as
a page (popup.html?tabId=N) and call what the shortcut and the menu run (runCommand, runMenuItem).
Recipe: ../shared/BROWSER.md.
"""
from __future__ import annotations

import asyncio
import json
import shutil

import pytest

from browser import launch_with_extension
from conftest import EXTENSION, LOREM
from extension_pages import BUILT_SENTENCE, HIDDEN_TEXTS, OPENABLE_TEXTS, QUOTE, site_app, stand_in
from helpers import api
from server_process import ServerProcess

CHECK = "\u2713"


@pytest.fixture
async def site(aiohttp_server):
    """Pages to save, on loopback: /article is built by its own script."""
    app, gate = site_app()
    server = await aiohttp_server(app, host="127.0.0.1")
    server.origin = f"http://127.0.0.1:{server.port}"
    server.release_late_text = gate.set
    return server


async def start_chromium(pw, tmp_path, extension=EXTENSION, extra_args=()):
    context, worker = await launch_with_extension(pw, tmp_path / "profile", extension, extra_args=extra_args)
    return context, worker, worker.url.split("/")[2]


@pytest.fixture
async def chromium(tmp_path):
    """Chromium with the extension loaded: (context, service worker, extension id)."""
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        context, worker, ext_id = await start_chromium(pw, tmp_path)
        yield context, worker, ext_id
        await context.close()


async def pair(worker, origin: str, token: str, **choices) -> None:
    await worker.evaluate("s => chrome.storage.local.set(s)", {"serverUrl": origin, "token": token, **choices})


async def open_tab(context, worker, url: str):
    page = await context.new_page()
    await page.goto(url)
    await page.wait_for_selector("body[data-ready]", state="attached")  # the page's own script has run
    tab_id = await worker.evaluate("async u => (await chrome.tabs.query({url: u}))[0]?.id", url)
    assert isinstance(tab_id, int), tab_id
    return page, tab_id


async def open_popup(context, ext_id: str, tab_id: int | None = None):
    popup = await context.new_page()
    query = "" if tab_id is None else f"?tabId={tab_id}"
    await popup.goto(f"chrome-extension://{ext_id}/popup/popup.html{query}")
    return popup


async def badge(worker, tab_id: int) -> dict:
    return await worker.evaluate("""async tabId => ({text: await chrome.action.getBadgeText({tabId}),
        title: await chrome.action.getTitle({tabId})})""", tab_id)


async def wait_for_badge(worker, tab_id: int, text: str, timeout: float = 60) -> dict:
    for _ in range(int(timeout * 10)):
        now = await badge(worker, tab_id)
        if now["text"] == text:
            return now
        await asyncio.sleep(0.1)
    raise AssertionError(f"the badge stayed {now!r}, not {text!r}")


async def page_at(context, prefix: str, timeout: float = 30):
    """The tab that comes to show a URL starting with `prefix` (opened by the extension)."""
    for _ in range(int(timeout * 10)):
        for page in context.pages:
            if page.url.startswith(prefix):
                return page
        await asyncio.sleep(0.1)
    raise AssertionError(f"no tab opened {prefix}: {[p.url for p in context.pages]}")


def select_quote(page, quote: str):
    return page.evaluate("""quote => {
        const p = [...document.querySelectorAll("article p")].find(p => p.textContent.includes(quote));
        const text = p.firstChild, at = text.data.indexOf(quote), range = document.createRange();
        range.setStart(text, at);
        range.setEnd(text, at + quote.length);
        getSelection().removeAllRanges();
        getSelection().addRange(range);
    }""", quote)


# ------------------------------------------------------------------ saving quietly
async def test_a_popup_save_keeps_the_built_text_opens_no_tab_and_sets_the_badge(live, site, chromium):
    context, worker, ext_id = chromium
    await pair(worker, f"http://127.0.0.1:{live.port}", live.token)
    page, tab_id = await open_tab(context, worker, f"{site.origin}/article")
    assert (await badge(worker, tab_id))["text"] == ""

    popup = await open_popup(context, ext_id, tab_id)
    await popup.locator("#save-state.ok", has_text=f"Saved {CHECK}").wait_for()
    assert await popup.text_content("#article-title") == "Harbour economics"
    assert len(context.pages) == 3  # the page, the popup: no reader tab (and the first blank tab)
    now = await badge(worker, tab_id)
    assert now == {"text": CHECK, "title": "QuietPage: saved \u201cHarbour economics\u201d"}

    [article] = (await api(live, "GET", "/api/articles"))["items"]
    saved = await api(live, "GET", f"/api/articles/{article['id']}?body=true")
    assert BUILT_SENTENCE in saved["text"] and LOREM[2] in saved["text"] and "Loading the article" not in saved["text"]
    assert saved["url"] == f"{site.origin}/article"


async def test_options_turn_opening_the_reader_back_on_and_it_opens_logged_in(live, site, chromium):
    context, worker, ext_id = chromium
    origin = f"http://127.0.0.1:{live.port}"
    await pair(worker, origin, live.token)
    options = await context.new_page()
    await options.goto(f"chrome-extension://{ext_id}/options/options.html")
    assert not await options.is_checked("#open-reader")  # off by default
    await options.check("#open-reader")
    await options.locator("#choices-state", has_text="the reader opens after each save").wait_for()
    assert (await worker.evaluate("chrome.storage.local.get('openReader')")) == {"openReader": True}

    _, tab_id = await open_tab(context, worker, f"{site.origin}/article")
    popup = await open_popup(context, ext_id, tab_id)
    reader = await page_at(context, f"{origin}/read/")
    [article] = (await api(live, "GET", "/api/articles"))["items"]
    await reader.wait_for_url(f"{origin}/read/{article['id']}")
    await reader.get_by_role("heading", name="Harbour economics").wait_for()  # logged in: the article
    assert "Please log in" not in await reader.text_content("body")
    assert popup.is_closed() or await popup.locator("#save-state.ok").count() == 1
    await wait_for_badge(worker, tab_id, CHECK)


async def test_the_tab_opener_error_cannot_fail_a_save_the_reader_opens_in_the_pages_window(live, site, chromium):
    """Another window has the focus (the popup's, a devtools'...): opening the reader next to the
    page used to throw "Tab opener must be in the same window as the updated tab." after the save."""
    context, worker, _ = chromium
    await pair(worker, f"http://127.0.0.1:{live.port}", live.token, openReader=True)
    _, tab_id = await open_tab(context, worker, f"{site.origin}/article")
    window = await worker.evaluate("async id => (await chrome.tabs.get(id)).windowId", tab_id)
    other = await worker.evaluate("async () => (await chrome.windows.create({url: 'about:blank', focused: true})).id")
    assert other != window

    result = await worker.evaluate("id => runCommand('save-page', {id})", tab_id)
    assert result["status"] == 201 and result["warnings"] == [], result
    reader = await page_at(context, f"http://127.0.0.1:{live.port}/read/{result['id']}")
    opened = await worker.evaluate("async u => (await chrome.tabs.query({url: u}))[0]", reader.url)
    assert opened["windowId"] == window and opened["openerTabId"] == tab_id
    assert (await badge(worker, tab_id))["text"] == CHECK


async def test_the_shortcut_and_the_menu_save_quietly_or_open_the_reader_when_asked(live, site, chromium):
    context, worker, _ = chromium
    await pair(worker, f"http://127.0.0.1:{live.port}", live.token)
    page, tab_id = await open_tab(context, worker, f"{site.origin}/article")
    pages = len(context.pages)

    result = await worker.evaluate("id => runCommand('save-page', {id})", tab_id)
    assert result["status"] == 201 and result["warnings"] == []
    assert (await badge(worker, tab_id))["text"] == CHECK and len(context.pages) == pages
    toast = page.locator(".quietpage-toast", has_text=f"Saved to QuietPage {CHECK}")
    await toast.wait_for()
    again = await worker.evaluate("id => runMenuItem({menuItemId: 'quietpage-save', frameId: 0}, {id})", tab_id)
    assert (again["status"], again["id"]) == (200, result["id"]) and len(context.pages) == pages

    await worker.evaluate("chrome.storage.local.set({openReader: true})")
    await worker.evaluate("id => runCommand('save-page', {id})", tab_id)
    reader = await page_at(context, f"http://127.0.0.1:{live.port}/read/{result['id']}")
    await reader.close()
    await worker.evaluate("id => runMenuItem({menuItemId: 'quietpage-save', frameId: 0}, {id})", tab_id)
    await page_at(context, f"http://127.0.0.1:{live.port}/read/{result['id']}")


async def test_a_7_mb_page_shows_its_progress_and_completes_with_the_popup_closed(live, site, chromium):
    context, worker, ext_id = chromium
    await pair(worker, f"http://127.0.0.1:{live.port}", live.token)
    _, tab_id = await open_tab(context, worker, f"{site.origin}/big")
    # every badge the worker sets, in order (read once it is over: a quick machine may finish
    # the save before a look at the badge in the middle could see it)
    await worker.evaluate("""() => { self.badgesSet = []; const set = chrome.action.setBadgeText.bind(chrome.action);
        chrome.action.setBadgeText = details => { self.badgesSet.push([details.tabId, details.text]); return set(details); }; }""")

    popup = await open_popup(context, ext_id, tab_id)
    await popup.locator("#progress").wait_for()
    assert "You may close this popup" in await popup.text_content("#progress")
    await popup.locator("#steps li.current", has_text="Sending it to QuietPage").wait_for()
    assert "MB)" in await popup.text_content("#steps li.current")
    await popup.close()  # the save goes on without it

    done = await wait_for_badge(worker, tab_id, CHECK, timeout=120)
    shown = [text for tab, text in await worker.evaluate("() => self.badgesSet") if tab == tab_id]
    assert shown[-1] == CHECK and "\u2026" in shown[:-1], shown  # "saving" before "saved"
    assert "The long harbour report" in done["title"]
    [article] = (await api(live, "GET", "/api/articles"))["items"]
    assert article["title"] == "The long harbour report"

    popup = await open_popup(context, ext_id, tab_id)  # opened again: it says so, it does not save again
    await popup.locator("#save-state", has_text="Already saved").wait_for()
    assert len((await api(live, "GET", "/api/articles"))["items"]) == 1


# ------------------------------------------------------------------ highlights
async def test_a_live_page_highlight_reaches_the_server_and_save_again_says_what_became_of_it(live, site, chromium):
    context, worker, ext_id = chromium
    await pair(worker, f"http://127.0.0.1:{live.port}", live.token)
    url = f"{site.origin}/article"
    page, tab_id = await open_tab(context, worker, url)
    await select_quote(page, QUOTE)

    result = await worker.evaluate("id => highlightSelection(id)", tab_id)
    assert result["status"] == "highlighted" and result["saved_page"] is True and result["painted"] == 1
    assert await page.text_content("mark[data-quietpage-highlight]") == QUOTE
    assert (await badge(worker, tab_id))["text"] == "1"  # saved, with one highlight

    saved = await api(live, "GET", "/api/highlights", params={"url": url})
    assert saved["article_id"] == result["article_id"]
    assert [s["exact"] for h in saved["items"] for s in h["selectors"] if s["type"] == "TextQuoteSelector"] == [QUOTE]
    await api(live, "PATCH", f"/api/highlights/{result['id']}", {"note": "Why did prices fall?"})

    # without "pages I revisit", a reload shows nothing by itself; opening the popup paints them
    await page.reload()
    await page.wait_for_selector("body[data-ready]", state="attached")
    popup = await open_popup(context, ext_id, tab_id)
    await popup.locator("#save-state", has_text="Already saved").wait_for()
    assert "1 highlight on this page" in await popup.text_content("#save-detail")
    mark = await page.wait_for_selector("mark[data-quietpage-highlight]")
    assert await mark.text_content() == QUOTE
    await mark.click()
    note = await page.wait_for_selector(".quietpage-note")
    assert "Why did prices fall?" in await note.text_content()

    # "Save again" says what became of the highlights; our marks and note box are not sent
    await popup.click("#save")
    await popup.locator("#save-state", has_text=f"Updated {CHECK}").wait_for()
    assert await popup.text_content("#save-detail") == "1 highlight kept."
    article = await api(live, "GET", f"/api/articles/{result['article_id']}?body=true")
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


async def test_pages_i_revisit_show_their_badge_and_highlights_as_they_load(live, site, tmp_path):
    """A site the extension has no host access to (news.test, resolved to loopback). Headless
    Chromium cannot answer a permission prompt, so this copy of the extension holds the optional
    permission from the start; Options then turns the choice on (its request is granted at once).
    Firefox asks for it for real (tests/test_extension_firefox.py)."""
    from playwright.async_api import async_playwright

    granted = tmp_path / "extension"
    shutil.copytree(EXTENSION, granted)  # symlinks followed: real files
    manifest = json.loads((granted / "manifest.json").read_text())
    manifest["host_permissions"] += manifest.pop("optional_host_permissions")
    (granted / "manifest.json").write_text(json.dumps(manifest))
    url = f"http://news.test:{site.port}/article"
    html = "<html><head><title>Harbour economics</title></head><body><article>" + "".join(
        f"<p>{p}</p>" for p in LOREM) + "</article></body></html>"
    saved = await api(live, "POST", "/api/articles", {"url": url, "html": html})
    await api(live, "POST", f"/api/articles/{saved['id']}/highlights",
              {"selectors": [{"type": "TextQuoteSelector", "exact": QUOTE}]})

    async with async_playwright() as pw:
        context, worker, ext_id = await start_chromium(pw, tmp_path, granted,
                                                        ["--host-resolver-rules=MAP news.test 127.0.0.1"])
        try:
            await pair(worker, f"http://127.0.0.1:{live.port}", live.token)
            page = await context.new_page()
            await page.goto(url)
            await asyncio.sleep(1)  # the choice is off: nothing happens on its own
            assert await page.locator("mark[data-quietpage-highlight]").count() == 0

            options = await context.new_page()
            await options.goto(f"chrome-extension://{ext_id}/options/options.html")
            await options.check("#revisit")
            await options.locator("#choices-state", has_text="pages you saved show").wait_for()
            assert (await worker.evaluate("chrome.storage.local.get('revisit')")) == {"revisit": True}

            await page.reload()
            mark = await page.wait_for_selector("mark[data-quietpage-highlight]")
            assert await mark.text_content() == QUOTE
            tab_id = await worker.evaluate("async () => (await chrome.tabs.query({title: 'Harbour economics'}))[0].id")
            assert (await wait_for_badge(worker, tab_id, "1"))["title"].endswith("with 1 highlight")
        finally:
            await context.close()


# ------------------------------------------------------------------ what is sent
async def test_what_a_sighted_reader_cannot_see_is_marked_and_the_live_page_is_untouched(site, chromium, aiohttp_server):
    context, worker, _ = chromium
    app, seen = stand_in("recorder-token")
    recorder = await aiohttp_server(app, host="127.0.0.1")
    await pair(worker, f"http://127.0.0.1:{recorder.port}", "recorder-token")
    page, tab_id = await open_tab(context, worker, f"{site.origin}/hidden")
    dom = """() => [...document.querySelectorAll("*")].map(el => el.localName + JSON.stringify(
        [...el.attributes].map(a => [a.name, a.value]).sort()) + (el.children.length ? "" : el.textContent))"""
    before = await page.evaluate(dom)

    result = await worker.evaluate("id => captureTab(id)", tab_id)
    assert result["status"] == 201
    [post] = [r for r in seen if r["method"] == "POST"]
    sent = json.loads(post["body"])["html"]
    marked = await page.evaluate("""html => {
        const doc = new DOMParser().parseFromString(html, "text/html");
        return [...doc.querySelectorAll("[data-qp-hidden]")].map(el => el.id || el.localName);
    }""", sent)
    assert sorted(marked) == sorted(HIDDEN_TEXTS)  # and nothing else: not the openable text, not the page's own mark
    for text in [*HIDDEN_TEXTS.values(), *OPENABLE_TEXTS.values()]:
        assert text in sent
    assert await page.evaluate(dom) == before  # the live page as it was, attributes and all


async def test_an_impostor_on_the_port_gets_no_token_no_page_and_no_login_link(site, chromium, aiohttp_server):
    context, worker, ext_id = chromium
    app, seen = stand_in(None)  # answers like QuietPage, but cannot prove it holds the token
    impostor = await aiohttp_server(app, host="127.0.0.1")
    origin = f"http://127.0.0.1:{impostor.port}"
    await pair(worker, origin, "the-real-token")
    _, tab_id = await open_tab(context, worker, f"{site.origin}/article")

    popup = await open_popup(context, ext_id, tab_id)
    await popup.locator("#problem").wait_for(state="visible")
    assert f"The server at {origin} could not prove it is your QuietPage" in await popup.text_content("#problem-message")
    assert await popup.text_content("#connection") == "Not verified" and await popup.is_disabled("#save")
    failed = await worker.evaluate("id => captureTab(id).then(r => r, e => e.code)", tab_id)
    assert failed == "unproven_server"
    assert seen and all(r["authorization"] is None for r in seen)
    assert {r["path"] for r in seen} <= {"/api/health", "/api/hello"}

    # a server that does hold the token but hands out a login link to somewhere else
    app, seen = stand_in("the-real-token", login_url="https://evil.example/login?code=x")
    foreign = await aiohttp_server(app, host="127.0.0.1")
    await pair(worker, f"http://127.0.0.1:{foreign.port}", "the-real-token")
    pages = len(context.pages)
    result = await worker.evaluate("id => captureTab(id, {openReader: 'foreground'})", tab_id)
    assert result["status"] == 201 and len(context.pages) == pages
    assert "only opens pages of your own QuietPage server" in result["warnings"][0]["message"]


async def test_a_page_naming_our_globals_cannot_turn_the_highlighter_off(live, site, chromium):
    context, worker, _ = chromium
    await pair(worker, f"http://127.0.0.1:{live.port}", live.token)
    page, tab_id = await open_tab(context, worker, f"{site.origin}/clobbering")
    await select_quote(page, QUOTE)
    result = await worker.evaluate("id => highlightSelection(id)", tab_id)
    assert result["painted"] == 1
    assert await page.text_content("mark[data-quietpage-highlight]") == QUOTE
    await page.evaluate("getSelection().removeAllRanges()")
    again = await worker.evaluate("id => paintHighlights(id)", tab_id)  # the installed highlighter is found again
    assert (again["items"], again["orphaned"]) == (1, 0)


# ------------------------------------------------------------------ the popup's words
async def test_the_popup_says_when_the_server_is_not_running(tmp_path, site, chromium):
    context, worker, ext_id = chromium
    server = await asyncio.to_thread(ServerProcess(tmp_path / "library").start)
    token = (tmp_path / "library" / "token").read_text().strip()
    await pair(worker, server.origin, token)
    await asyncio.to_thread(server.stop)
    _, tab_id = await open_tab(context, worker, f"{site.origin}/article")

    popup = await open_popup(context, ext_id, tab_id)
    problem = popup.locator("#problem")
    await problem.wait_for(state="visible")
    assert f"QuietPage is not running at {server.origin}" in await popup.text_content("#problem-message")
    assert "quietpage serve" in await popup.text_content("#problem-hint")
    assert await popup.text_content("#connection") == "Not connected"
    assert await popup.is_visible("#open-options") and await popup.is_disabled("#save")


async def test_the_popup_offers_suggested_tags_as_chips_each_click_saved_at_once(live, site, chromium):
    context, worker, ext_id = chromium
    await pair(worker, f"http://127.0.0.1:{live.port}", live.token)
    _, tab_id = await open_tab(context, worker, f"{site.origin}/article")

    popup = await open_popup(context, ext_id, tab_id)
    await popup.locator("#save-state.ok").wait_for()
    assert await popup.text_content("#connection") == "Connected"
    [article] = (await api(live, "GET", "/api/articles"))["items"]
    chips = popup.locator("#tag-list .chip")
    applied = set(await popup.locator("#tag-list .chip[aria-pressed=true]").evaluate_all("l => l.map(c => c.dataset.tag)"))
    assert applied == set() and article["tags"] == []  # a save applies no tag: each chip waits for a click
    assert await chips.count() >= 1

    await popup.fill("#new-tag", "harbours, economics")
    await popup.press("#new-tag", "Enter")
    await popup.locator("#tags-state", has_text="Tags saved").wait_for()
    tags = {t["name"] for t in (await api(live, "GET", f"/api/articles/{article['id']}"))["tags"]}
    assert {"harbours", "economics"} <= tags

    # a suggestion (the page declares "fishing, quotas"): its chip stays when it is not applied
    name = next(t["name"] for t in article["suggested_tags"] if t["name"] not in ("harbours", "economics"))
    chip = popup.locator(f'#tag-list .chip[data-tag="{name}"]')
    pressed = await chip.get_attribute("aria-pressed") == "true"
    for _ in range(2):  # each click flips it, saved at once
        await chip.click()
        pressed = not pressed
        await popup.locator(f'#tag-list .chip[data-tag="{name}"][aria-pressed={str(pressed).lower()}]').wait_for()
        await popup.locator("#tags-state", has_text="Tags saved").wait_for()
        tags = {t["name"] for t in (await api(live, "GET", f"/api/articles/{article['id']}"))["tags"]}
        assert (name in tags) == pressed and {"harbours", "economics"} <= tags

    # opened again on the same page: it says so (no second save, no tab)
    pages = len(context.pages)
    await popup.reload()
    await popup.locator("#save-state", has_text="Already saved").wait_for()
    assert "harbours" in await popup.locator("#tag-list .chip[aria-pressed=true]").evaluate_all("l => l.map(c => c.dataset.tag)")
    assert len(context.pages) == pages and len((await api(live, "GET", "/api/articles"))["items"]) == 1


async def test_the_popup_explains_a_wrong_token_and_a_page_it_may_not_read(live, chromium):
    context, worker, ext_id = chromium
    await pair(worker, f"http://127.0.0.1:{live.port}", "not-the-token")
    popup = await open_popup(context, ext_id)
    await popup.locator("#problem").wait_for(state="visible")
    assert "could not prove it is your QuietPage" in await popup.text_content("#problem-message")
    assert "quietpage token --rotate" in await popup.text_content("#problem-hint")
    assert await popup.is_visible("#open-options")

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
    assert "could not prove it is your QuietPage" in await options.text_content("#result-message")
    assert (await worker.evaluate("chrome.storage.local.get('token')"))["token"] == live.token
    await options.fill("#server-url", "http://example.org")
    await options.click("#save")
    await options.locator("#result.error", has_text="must run on this computer").wait_for()
