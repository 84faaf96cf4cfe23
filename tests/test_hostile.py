"""Hostile pages against the real server, in real Chromium, while the user is logged in.

The user has a session cookie (a login link opened in the same browser) and a library with a
secret title and note. A hostile page - served from 127.0.0.2 (another site) and from
127.0.0.1 on another port (the same *site*: the SameSite=Strict cookie is sent!) - tries every
door a web page has: CORS and no-cors fetch, simple text/plain posts, preflighted JSON calls,
sendBeacon, form posts, <img>/<script>/<link> loads, and an iframe of the reader. A DNS
rebinding attack (attacker.example resolving to 127.0.0.1) reads "same-origin". Afterwards the
library is exactly as it was, the session still works, and no secret reached the page.

The browser's own Local Network Access checks are turned off here: the server must stop all of
this by itself (as it must for Firefox, older browsers, or a page already on loopback). The
server's access log shows every attempt arrived - and was answered 403.
"""
from __future__ import annotations

import json
import logging

import aiohttp
import pytest
from aiohttp import web

from browser import launch
from conftest import LOREM, page_html
from helpers import api, log_in

SECRET_TITLE = "Harbour ledger 7f3a secret"
SECRET_NOTE = "my private note 91c2"
QUOTE = LOREM[2][:40]

ATTACKS = r"""
const results = {};
const attempt = async (name, fn) => {
  try { results[name] = { ok: true, value: String(await fn()).slice(0, 4000) }; }
  catch (e) { results[name] = { ok: false, error: String(e) }; }
};
const loaded = (el, parent = document.body) => new Promise((resolve) => {
  el.onload = () => resolve("load"); el.onerror = () => resolve("error"); parent.append(el);
});
const formPost = (name, action, fields, enctype = "text/plain") => {
  const frame = document.createElement("iframe");
  frame.name = name;
  const done = loaded(frame);
  const form = document.createElement("form");
  Object.assign(form, { method: "POST", action: T + action, enctype, target: name });
  for (const [k, v] of Object.entries(fields)) {
    const input = document.createElement("input");
    Object.assign(input, { type: "hidden", name: k, value: v });
    form.append(input);
  }
  document.body.append(form);
  return done.then(() => form.submit()).then(() => new Promise((r) => { frame.onload = () => r("posted"); }));
};
const json = (o) => JSON.stringify(o);
const note = { selectors: [{ type: "TextQuoteSelector", exact: QUOTE }], note: "pwned" };
const page = { url: "https://evil.example/planted", html: "<article><h1>Planted</h1><p>" + "planted text ".repeat(40) + "</p></article>" };

// 1. reading: CORS, no-cors, a guessed token, <script>, <img>, <link>
await attempt("cors_get_list", async () => (await fetch(T + "/api/articles", { credentials: "include" })).text());
await attempt("cors_get_article", async () => (await fetch(T + "/api/articles/" + ID, { credentials: "include" })).text());
await attempt("cors_get_health", async () => (await fetch(T + "/api/health")).text());
await attempt("cors_get_export", async () => (await fetch(T + "/api/export?format=json", { credentials: "include" })).text());
await attempt("nocors_get", async () => {
  const r = await fetch(T + "/api/articles/" + ID, { mode: "no-cors", credentials: "include" });
  return r.type + " " + r.status + " " + (await r.text());
});
await attempt("guessed_bearer", async () => (await fetch(T + "/api/articles", { headers: { Authorization: "Bearer guess" } })).text());
await attempt("script_tag", () => loaded(Object.assign(document.createElement("script"), { src: T + "/api/articles/" + ID }), document.head));
await attempt("img_tag", () => loaded(Object.assign(new Image(), { src: T + "/api/articles" })));
await attempt("css_link", () => loaded(Object.assign(document.createElement("link"), { rel: "stylesheet", href: T + "/api/articles" }), document.head));

// 2. writing: simple requests reach the server; preflighted ones must not pass the preflight
await attempt("simple_post_highlight", async () => (await fetch(T + "/api/articles/" + ID + "/highlights", {
  method: "POST", mode: "no-cors", credentials: "include", headers: { "Content-Type": "text/plain" }, body: json(note) })).type);
await attempt("simple_post_save", async () => (await fetch(T + "/api/articles", {
  method: "POST", mode: "no-cors", credentials: "include", body: new Blob([json(page)], { type: "text/plain" }) })).type);
await attempt("simple_post_form_encoded", async () => (await fetch(T + "/api/tags/economics/rename", {
  method: "POST", mode: "no-cors", credentials: "include", body: new URLSearchParams({ to: "pwned" }) })).type);
await attempt("beacon", () => navigator.sendBeacon(T + "/api/articles", new Blob([json(page)], { type: "text/plain" })));
await attempt("preflight_patch", async () => (await fetch(T + "/api/articles/" + ID, {
  method: "PATCH", credentials: "include", headers: { "Content-Type": "application/json" }, body: json({ state: "archived", favorite: true }) })).text());
await attempt("preflight_delete", async () => (await fetch(T + "/api/articles/" + ID, { method: "DELETE", credentials: "include" })).text());
await attempt("preflight_json_post", async () => (await fetch(T + "/api/articles/" + ID + "/highlights", {
  method: "POST", credentials: "include", headers: { "Content-Type": "application/json" }, body: json(note) })).text());
await attempt("preflight_patch_note", async () => (await fetch(T + "/api/highlights/" + HL, {
  method: "PATCH", credentials: "include", headers: { "Content-Type": "application/json" }, body: json({ note: "pwned" }) })).text());

// 3. forms (top-level-ish navigations into frames) and framing the reader
await attempt("form_text_plain", () => formPost("f1", "/api/articles/" + ID + "/highlights",
  { [json(note).slice(0, -1) + ',"x":"']: '"}' }));
await attempt("form_urlencoded", () => formPost("f2", "/api/articles", page, "application/x-www-form-urlencoded"));
await attempt("form_restore", () => formPost("f3", "/api/articles/" + ID + "/restore", {}));
await attempt("form_logout", () => formPost("f4", "/logout", {}, "application/x-www-form-urlencoded"));
await attempt("iframe_reader", async () => {
  const frame = Object.assign(document.createElement("iframe"), { name: "reader", src: T + "/read/" + ID });
  await loaded(frame);
  try { return "readable: " + frame.contentDocument.body.innerText; } catch (e) { return "unreadable: " + e.name; }
});
window.__results = results;
window.__done = true;
"""


def hostile_page(target: str, article_id: str, highlight_id: str) -> str:
    consts = f"const T = {json.dumps(target)}, ID = {json.dumps(article_id)}, HL = {json.dumps(highlight_id)}, " \
             f"QUOTE = {json.dumps(QUOTE)};"
    return f"<!DOCTYPE html><html><head><title>Totally normal page</title></head><body><h1>Hello</h1>" \
           f"<script type=module>{consts}\n{ATTACKS}</script></body></html>"


async def library_state(live) -> dict:
    """Everything an attack could change, as the API shows it."""
    listing = await api(live, "GET", "/api/articles?state=all")
    return {
        "articles": [await api(live, "GET", f"/api/articles/{a['id']}") for a in listing["items"]],
        "highlights": {a["id"]: await api(live, "GET", f"/api/articles/{a['id']}/highlights") for a in listing["items"]},
        "tags": await api(live, "GET", "/api/tags"),
    }


@pytest.fixture
async def library(live):
    article = await api(live, "POST", "/api/articles", {
        "url": "https://harbour.example/ledger", "html": page_html(SECRET_TITLE, LOREM)})
    await api(live, "PATCH", f"/api/articles/{article['id']}", {"tags": ["economics"]})
    highlight = await api(live, "POST", f"/api/articles/{article['id']}/highlights", {
        "selectors": [{"type": "TextQuoteSelector", "exact": LOREM[0][:40]}], "note": SECRET_NOTE})
    return article, highlight


@pytest.fixture
async def chromium():
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await launch(pw, extra_args=[
            "--host-resolver-rules=MAP attacker.example 127.0.0.1",
            "--disable-features=LocalNetworkAccessChecks,BlockInsecurePrivateNetworkRequests"])
        yield browser
        await browser.close()


async def logged_in(browser, live):
    """A browser context with the user's session cookie, from a real login link."""
    context = await browser.new_context()
    await log_in(await context.new_page(), live)
    assert any(c["name"].startswith("qp_session_") for c in await context.cookies())
    return context


def answered(caplog) -> list[tuple[str, int]]:
    """(request line, status) of what our server answered, from aiohttp's access log."""
    lines = [(r.first_request_line, int(r.response_status)) for r in caplog.records if r.name == "aiohttp.access"]
    return [(line, status) for line, status in lines if line.split(" ")[1].startswith(("/api/", "/read/", "/logout"))]


@pytest.mark.parametrize("hostile_host", ["127.0.0.2", "127.0.0.1"], ids=["cross-site", "same-site-other-port"])
async def test_a_hostile_page_can_neither_read_nor_write(live, library, chromium, aiohttp_server, hostile_host, caplog):
    article, highlight = library
    target = f"http://127.0.0.1:{live.port}"

    async def attack(request):
        return web.Response(text=hostile_page(target, article["id"], highlight["id"]), content_type="text/html")

    app = web.Application()
    app.router.add_get("/", attack)
    hostile = await aiohttp_server(app, host=hostile_host)
    caplog.set_level(logging.INFO, logger="aiohttp.access")  # (decided per connection: before any)
    before = await library_state(live)
    context = await logged_in(chromium, live)
    page = await context.new_page()
    dialogs = []

    async def on_dialog(dialog):
        dialogs.append(dialog.message)
        await dialog.dismiss()
    page.on("dialog", on_dialog)

    caplog.clear()
    await page.goto(f"http://{hostile_host}:{hostile.port}/")
    await page.wait_for_function("window.__done === true")
    results = await page.evaluate("window.__results")
    seen = answered(caplog)

    assert len(results) == 22, sorted(results)
    leaked = json.dumps(results)
    for secret in (SECRET_TITLE, SECRET_NOTE, LOREM[2], live.token):
        assert secret not in leaked, (secret, results)
    for name in ("cors_get_list", "cors_get_article", "cors_get_health", "cors_get_export", "guessed_bearer",
                 "nocors_get", "simple_post_highlight", "simple_post_save", "simple_post_form_encoded",
                 "preflight_patch", "preflight_delete", "preflight_json_post", "preflight_patch_note"):
        assert results[name] == {"ok": False, "error": "TypeError: Failed to fetch"}, (name, results[name])
    for name in ("script_tag", "img_tag", "css_link"):
        assert results[name]["value"] == "error", (name, results[name])
    assert results["iframe_reader"]["value"].startswith("unreadable")

    # every attempt reached the server, and every one was refused
    assert seen and all(status == 403 for _, status in seen), seen
    lines = {line.rsplit(" ", 1)[0] for line, _ in seen}
    aid = article["id"]
    for expected in (f"GET /api/articles/{aid}", f"POST /api/articles/{aid}/highlights", "POST /api/articles",
                     "POST /api/tags/economics/rename", f"POST /api/articles/{aid}/restore", "POST /logout",
                     f"OPTIONS /api/articles/{aid}", f"OPTIONS /api/highlights/{highlight['id']}", f"GET /read/{aid}"):
        assert expected in lines, (expected, sorted(seen))
    assert not any(line.startswith(("PATCH", "DELETE")) for line in lines)  # preflights failed: never sent
    # the reader never rendered inside the hostile page's frame (frame-ancestors 'none')
    for frame in page.frames[1:]:
        try:
            text = await frame.evaluate("document.documentElement.outerHTML")
        except Exception:  # a blocked frame may not even be scriptable by the test
            continue
        assert SECRET_TITLE not in text and SECRET_NOTE not in text, frame.url

    assert await library_state(live) == before  # nothing changed
    assert not dialogs
    reader = await context.new_page()  # and the user is still logged in (the logout form failed)
    resp = await reader.goto(f"{target}/read/{article['id']}")
    assert resp.status == 200 and SECRET_TITLE in await reader.text_content("h1")
    await context.close()


async def test_dns_rebinding_is_refused_by_the_host_check(live, library, chromium, caplog):
    """attacker.example now resolves to 127.0.0.1: its page's same-origin requests reach our
    port with `Host: attacker.example:<port>` - and are refused, public routes included."""
    article, _ = library
    rebound = f"http://attacker.example:{live.port}"
    caplog.set_level(logging.INFO, logger="aiohttp.access")
    before = await library_state(live)
    context = await logged_in(chromium, live)
    page = await context.new_page()
    script = f"""<script type=module>
        const results = {{}};
        for (const [name, path, init] of [["health", "/api/health"], ["list", "/api/articles"],
            ["article", "/api/articles/{article['id']}"], ["reader", "/read/{article['id']}"], ["openapi", "/api/openapi.json"],
            ["save", "/api/articles", {{method: "POST", headers: {{"Content-Type": "application/json"}},
              body: JSON.stringify({{url: "https://evil.example/", html: "<p>" + "x ".repeat(300) + "</p>"}})}}],
            ["archive", "/api/articles/{article['id']}", {{method: "PATCH", headers: {{"Content-Type": "application/json"}},
              body: JSON.stringify({{state: "archived"}})}}]]) {{
          try {{
            const r = await fetch(path, {{credentials: "include", ...(init || {{}})}});
            results[name] = r.status + " " + (await r.text());
          }} catch (e) {{
            results[name] = "failed " + e;
          }}
        }}
        window.__results = results; window.__done = true;
    </script>"""
    # The attacker's own server served this page a moment ago (before its DNS answer changed).
    await page.route(f"{rebound}/", lambda route: route.fulfill(status=200, content_type="text/html", body=script))
    caplog.clear()
    await page.goto(f"{rebound}/")
    await page.wait_for_function("window.__done === true")
    assert len(answered(caplog)) == 7 and {status for _, status in answered(caplog)} == {403}
    results = await page.evaluate("window.__results")
    assert set(results) == {"health", "list", "article", "reader", "openapi", "save", "archive"}
    for name, answer in results.items():
        assert answer.startswith("403 "), (name, answer)
        assert SECRET_TITLE not in answer and SECRET_NOTE not in answer
    assert '"wrong_host"' in results["list"]
    assert await library_state(live) == before
    await context.close()


async def test_a_request_naming_another_host_is_refused(live):
    async with aiohttp.ClientSession() as http:
        for path in ("/api/health", "/api/articles", "/", "/login?code=x"):
            async with http.get(f"http://127.0.0.1:{live.port}{path}",
                                headers={"Host": "attacker.example", "Authorization": f"Bearer {live.token}"}) as r:
                assert r.status == 403, path
                assert SECRET_TITLE not in await r.text()
