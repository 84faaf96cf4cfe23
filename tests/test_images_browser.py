"""The promise of issue 17 in real Chromium: an article whose images came from a site that is
gone since shows every one of them, and reading it sends no request beyond our own origin."""
from __future__ import annotations

from quietpage.settings import Settings
from quietpage.web.app import create_app
from quietpage.web.auth import load_or_create_token
from quietpage.web.context import CONTEXT

from helpers import api, log_in, origin_of
from image_site import EXPECTED_SOURCES, site


async def test_the_reader_shows_archived_images_with_the_site_gone_and_contacts_no_one(tmp_path, aiohttp_server,
                                                                                       browser):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    # The images are on this machine: the test's data folder allows it, as a user would.
    (data_dir / "config.toml").write_text("fetch_allow_private = true\n")
    settings = Settings.load(data_dir).with_(port=0)
    assert settings.fetch_allow_private
    live = await aiohttp_server(create_app(settings), host="127.0.0.1")
    live.token = load_or_create_token(data_dir)
    images = await aiohttp_server(site(), host="127.0.0.1")
    article_url = f"http://127.0.0.1:{images.port}/article"

    # The page as the browser rendered it (what the extension sends), saved.
    page = await browser.new_page()
    await page.goto(article_url)
    rendered = await page.evaluate("document.documentElement.outerHTML")
    await page.close()
    saved = await api(live, "POST", "/api/articles", {"url": article_url, "html": rendered})
    await live.app[CONTEXT].images.idle()
    await images.close()  # the publisher is gone

    page = await browser.new_page()
    await log_in(page, live)
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    await page.goto(f"{origin_of(live)}/read/{saved['id']}")
    await page.wait_for_load_state("networkidle")
    shown = await page.eval_on_selector_all(
        "#content img", "els => els.map(e => ({src: e.getAttribute('src'), w: e.naturalWidth, done: e.complete}))")
    assert len(shown) == len(EXPECTED_SOURCES), shown
    assert all(i["done"] and i["w"] > 0 for i in shown), shown
    assert all(i["src"].startswith("/images/") for i in shown), shown
    elsewhere = [u for u in requests if not u.startswith(origin_of(live) + "/")]
    assert requests and not elsewhere, elsewhere
    assert await page.is_hidden("#images-note")
    await page.close()


async def test_the_reading_list_archives_older_articles_with_a_progress_bar(tmp_path, aiohttp_server, browser):
    from test_images import backup_without_images

    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (data_dir / "config.toml").write_text("fetch_allow_private = true\n")
    live = await aiohttp_server(create_app(Settings.load(data_dir).with_(port=0)), host="127.0.0.1")
    live.token = load_or_create_token(data_dir)
    images = await aiohttp_server(site(), host="127.0.0.1")
    html = f'<p>Old words.</p><p><img src="http://127.0.0.1:{images.port}/img/plain.png" alt="p"></p>'
    import aiohttp
    async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {live.token}"}) as http:
        async with http.post(f"{origin_of(live)}/api/import", data=backup_without_images(
                f"http://127.0.0.1:{images.port}/older", html)) as r:
            assert r.status == 200, await r.text()
    page = await browser.new_page()
    await log_in(page, live)
    await page.click("#transfer-button")
    await page.wait_for_selector("#images-start:not([hidden])")
    assert "1 article has images not kept" in await page.text_content("#images-waiting")
    await page.click("#images-start")
    await page.locator("#images-status", has_text="Done").wait_for()
    assert await page.get_attribute("#images-progress", "value") == "1"
    got = await api(live, "GET", "/api/articles/older1/images")
    assert got["images"] == {"total": 1, "archived": 1, "failed": 0}
    await page.close()
