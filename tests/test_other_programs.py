"""Threat 3 of SECURITY.md: other programs on this machine, which can reach 127.0.0.1 but cannot
read the data folder - as it happens, in real Chromium and against the real server.

Cookies are not isolated by port (RFC 6265 §8.5): whatever the user's browser loads from
127.0.0.1 - an image in a saved article, another local service the user opens - receives our
page session cookie. So (1) the sanitiser keeps no link or image to this machine or a private
network in a saved article, and (2) the cookie alone opens no API route: a program replaying it,
with every browser header forged, reads nothing, changes nothing and mints no login link.
"""
from __future__ import annotations

import asyncio
import base64
import json

import aiohttp
import pytest
from aiohttp import web

from browser import launch
from conftest import LOREM
from helpers import api, assert_error_shape, log_in, origin_of, page_key_of, path_of, snapshot

from quietpage.reader.sanitize import sanitize
from quietpage.settings import Settings
from quietpage.web.app import create_app
from quietpage.web.context import CONTEXT

PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")
SECRET_TITLE = "Harbour ledger 7f3a secret"


# ------------------------------------------------------------- the sanitiser's rule
LOCAL = ["http://127.0.0.1:8000/x.png", "http://localhost:3000/", "http://api.localhost/", "http://[::1]/",
         "http://10.0.0.8/", "http://192.168.1.1/admin", "http://169.254.169.254/latest/meta-data/",
         "http://0/", "http://127.1/", "http://0x7f.1/", "http://2130706433/", "http://%31%32%37.0.0.1/",
         "http://１２７.０.０.１/", "http://127。0。0。1/", "http://①②⑦.0.0.1/", "http://[::ffff:127.0.0.1]/",
         "http://user@127.0.0.1/", "http://127.0.0.1\\@example.com/", "http:/\\127.0.0.1/", "HTTP://LOCALHOST./",
         "http://12\n7.0.0.1/"]
PUBLIC = ["https://example.com/a.png", "http://93.184.216.34/x", "https://example.com/127.0.0.1/x.png",
          "https://example.com/?next=http://127.0.0.1/", "http://example.com/a@127.0.0.1", "https://localhost.example/",
          "mailto:me@example.com"]


@pytest.mark.parametrize("url", LOCAL)
def test_the_sanitiser_drops_links_and_images_to_this_machine_or_a_private_network(url):
    html = f'<p>See <a href="{url}">the dashboard</a> <img src="{url}" alt="chart"> <q cite="{url}">q</q></p>'
    out = sanitize(html)
    assert "href" not in out and "src" not in out and "cite" not in out, out
    assert "the dashboard" in out and 'alt="chart"' in out  # the words stay
    kept = sanitize(html, keep_local_urls=True)  # the fetch_allow_private setting keeps them
    assert kept.count("href=") == 1 and kept.count("src=") == 1 and kept.count("cite=") == 1, kept


@pytest.mark.parametrize("url", PUBLIC)
def test_the_sanitiser_keeps_links_and_images_elsewhere(url):
    out = sanitize(f'<p><a href="{url}">x</a> <img src="{url}"></p>')
    assert out.count("href=") == 1
    assert out.count("src=") == 1


def test_an_image_a_backup_brings_archived_keeps_its_address_the_rest_goes():
    """A backup's reader HTML names its images by their original address; those it carries
    archived are shown from our origin, so they stay; a link there, or another image, goes."""
    local = "http://127.0.0.1:8000/x.png"
    html = f'<p><img src="{local}"><img src="http://10.0.0.1/y.png"><a href="{local}">x</a></p>'
    out = sanitize(html, archived=frozenset({local}))
    assert out.count("src=") == 1 and f'src="{local}"' in out and "href" not in out


# ------------------------------------------- the pages' CSP: images from us and data: only
def img_src(csp: str) -> str:
    return next(d for d in csp.split("; ") if d.startswith("img-src"))


async def test_pages_load_images_from_our_origin_and_data_only(client, anon, data_dir):
    link = (await (await client.post("/api/login-links", json={})).json())["url"]
    login = await anon.get(path_of(link))
    assert img_src(login.headers["Content-Security-Policy"]) == "img-src 'self' data:"
    for path in ("/", "/read/nope", "/nowhere"):
        resp = await anon.get(path)
        csp = resp.headers["Content-Security-Policy"]
        assert img_src(csp) == "img-src 'self' data:", path
        assert "http" not in csp, path


async def test_an_article_saved_before_the_rule_shows_no_local_image(aiohttp_client, data_dir, token):
    """Saved by a server that kept local addresses (an older version, or fetch_allow_private on
    then), read by one that does not: the image to 127.0.0.1 is not shown, whatever
    remote_images says, and the page's CSP allows no remote image for it."""
    planted = "http://127.0.0.1:9/x.png"
    html = (f"<html><head><title>Old harbour</title></head><body><article><h1>Old harbour</h1><p>{LOREM[0]}</p>"
            f"<img src='{planted}' alt='chart'><p>{LOREM[1]}</p><p>{LOREM[2]}</p></article></body></html>")
    auth = {"Authorization": f"Bearer {token}"}
    lax = await aiohttp_client(create_app(Settings(data_dir=data_dir, port=0, fetch_allow_private=True,
                                                   image_timeout_s=1.0)), headers=auth)
    resp = await lax.post("/api/articles", json={"url": "https://harbour.example/old", "html": html})
    article = await resp.json()
    assert planted in (await (await lax.get(f"/api/articles/{article['id']}?body=true")).json())["content_html"]
    strict = await aiohttp_client(create_app(Settings(data_dir=data_dir, port=0, image_timeout_s=1.0)))
    link = (await (await strict.post("/api/login-links", json={}, headers=auth)).json())["url"]
    assert (await strict.get(path_of(link))).status == 200
    page = await strict.get(f"/read/{article['id']}")
    body = await page.text()
    assert page.status == 200 and LOREM[1] in body and 'alt="chart"' in body
    assert planted not in body
    assert "http" not in img_src(page.headers["Content-Security-Policy"])


# --------------------------------------------------- the cookie leak, in real Chromium
@pytest.fixture
async def chromium():
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        # The browser's own Local Network Access checks are off: the server must stop this alone.
        browser = await launch(pw, extra_args=["--disable-features=LocalNetworkAccessChecks,"
                                               "BlockInsecurePrivateNetworkRequests"])
        yield browser
        await browser.close()


def recorder_app(seen: list[dict]) -> web.Application:
    """Another program on 127.0.0.1 (say, a local dev server): it records every request's
    cookies, and serves an image and a page."""
    async def record(request: web.Request) -> web.Response:
        seen.append({"path": request.path, "cookies": dict(request.cookies)})
        if request.path.endswith(".png"):
            return web.Response(body=PNG, content_type="image/png")
        return web.Response(text="<!DOCTYPE html><title>dev server</title><p>hello</p>", content_type="text/html")

    app = web.Application()
    app.router.add_get("/{tail:.*}", record)
    return app


READ_SO_FAR = """(() => { const el = document.scrollingElement || document.documentElement;
  const room = el.scrollHeight - window.innerHeight;
  return room > 0 ? Math.min(1, Math.max(0, window.scrollY / room)) : 1; })()"""


async def progress_saved(live, article_id: str, progress: float) -> None:
    """Wait (bounded) until the user's own page's last write has landed, so that nothing but the
    replayed cookie could change the data folder while it is watched."""
    for _ in range(400):
        if (await api(live, "GET", f"/api/articles/{article_id}"))["progress"] == progress:
            return
        await asyncio.sleep(0.025)
    raise AssertionError(f"the reader never saved its progress {progress}")


async def test_a_leaked_session_cookie_opens_nothing(live, chromium, aiohttp_server, data_dir):
    seen: list[dict] = []
    other = await aiohttp_server(recorder_app(seen), host="127.0.0.1")
    planted = f"http://127.0.0.1:{other.port}"
    html = (f"<html><head><title>{SECRET_TITLE}</title></head><body><article><h1>{SECRET_TITLE}</h1>"
            f"<p>{LOREM[0]}</p><figure><img src='{planted}/x.png' alt='chart'><figcaption>Chart</figcaption></figure>"
            f"<p>{LOREM[1]} <a href='{planted}/steal'>more</a></p><p>{LOREM[2]}</p></article></body></html>")
    article = await api(live, "POST", "/api/articles", {"url": "https://harbour.example/ledger", "html": html})
    stored = await api(live, "GET", f"/api/articles/{article['id']}?body=true")
    assert planted not in stored["content_html"] and "chart" in stored["content_html"]

    context = await chromium.new_context()
    page = await context.new_page()
    await log_in(page, live, f"/read/{article['id']}")
    await page.wait_for_load_state("networkidle")
    assert SECRET_TITLE in await page.text_content("h1")
    # 1. the saved article made the browser send nothing to the other program
    assert seen == [], seen
    assert await page.locator("#content img").count() == 1
    assert await page.locator("#content img").get_attribute("src") is None

    # 2. the cookie still leaks to any local service the user opens (cookies ignore ports) ...
    left_at = await page.evaluate(READ_SO_FAR)
    await page.goto(f"{planted}/")
    if left_at >= 0.01:  # leaving, the reader saved how far it was read (static/js/progress.js): a
        await progress_saved(live, article["id"], round(left_at, 3))  # keepalive PATCH that may land late
    cookie_name = f"qp_session_{live.port}"
    stolen = next(s["cookies"][cookie_name] for s in seen if cookie_name in s["cookies"])

    # ... and replayed by that program, with every browser header forged, it opens nothing
    await live.app[CONTEXT].images.idle()  # (the article's images are settled: nothing else writes)
    before = snapshot(data_dir)
    target = origin_of(live)
    forged = {"Cookie": f"{cookie_name}={stolen}", "Origin": target, "Sec-Fetch-Site": "same-origin",
              "Sec-Fetch-Mode": "cors", "Sec-Fetch-Dest": "empty", "Referer": f"{target}/"}
    async with aiohttp.ClientSession() as curl:
        for method, path, body in [("GET", "/api/export?format=json", None), ("GET", "/api/articles", None),
                                   ("GET", f"/api/articles/{article['id']}?body=true", None),
                                   ("PATCH", f"/api/articles/{article['id']}", {"state": "archived"}),
                                   ("POST", "/api/login-links", {}),
                                   ("POST", "/api/download-links", {"path": "/api/export?format=json"})]:
            async with curl.request(method, target + path, json=body, headers=forged) as r:
                text = await r.text()
                assert r.status == 401, (method, path, r.status, text[:300])
                assert_error_shape(json.loads(text), "page_key_required")
                assert SECRET_TITLE not in text and LOREM[1] not in text
    assert snapshot(data_dir) == before

    # 3. while the user's own pages go on working with the same session
    await page.goto(f"{target}/")
    await page.wait_for_selector(f"#items a.title:has-text('{SECRET_TITLE}')")
    await page.click("#transfer-button")
    async with page.expect_download() as info:
        await page.click("a[href='/api/export?format=json']")
    download = await info.value
    backup = (await download.path()).read_text("utf-8")
    assert SECRET_TITLE in backup and LOREM[1] in backup
    await page.goto(f"{target}/read/{article['id']}")  # the reader's EPUB link goes the same way
    async with page.expect_download() as info:
        await page.click("#download-epub")
    assert (await (await info.value).path()).read_bytes()[:2] == b"PK"
    await context.close()
