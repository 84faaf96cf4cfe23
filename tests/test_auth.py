"""Auth: the token file, one-time login links, the page session cookie, pages behind it."""
import os
import stat
import time

import pytest

from quietpage.web import auth

from conftest import SEED_URL, save
from helpers import assert_error_shape, page_key_of, path_of


def test_token_is_created_once_with_mode_0600(data_dir):
    token = auth.load_or_create_token(data_dir)
    assert len(token) >= 40
    assert stat.S_IMODE(os.stat(data_dir / "token").st_mode) == 0o600
    assert auth.load_or_create_token(data_dir) == token


def test_login_codes_check_mac_and_expiry():
    code = auth.make_login_code("secret", ttl_s=60)
    nonce, expiry = auth.check_login_code("secret", code)
    assert nonce and expiry > time.time()
    with pytest.raises(auth.Unauthorized):
        auth.check_login_code("other-secret", code)
    with pytest.raises(auth.Unauthorized):
        auth.check_login_code("secret", code, now=time.time() + 120)
    tampered = code.rsplit(".", 2)
    with pytest.raises(auth.Unauthorized):
        auth.check_login_code("secret", f"{tampered[0]}.{int(tampered[1]) + 999}.{tampered[2]}")
    for junk in (None, "", "a.b", "a.b.c", "x" * 500):
        with pytest.raises(auth.Unauthorized):
            auth.check_login_code("secret", junk)


@pytest.mark.parametrize("nxt,expected", [
    ("/read/abc", "/read/abc"), ("//evil.example/x", "/"), ("https://evil.example/", "/"),
    ("/\\evil.example", "/"), (None, "/"), ("read/abc", "/"), ("/ok?x=1", "/ok?x=1"),
])
def test_next_is_a_local_path_only(nxt, expected):
    assert auth.safe_next(nxt) == expected


async def login(anon, client, next_path="/"):
    link = await (await client.post("/api/login-links", json={"next": next_path})).json()
    path = link["url"].split("//", 1)[1].split("/", 1)[1]
    return await anon.get("/" + path, allow_redirects=False), link


async def test_pages_need_a_session_and_explain_how_to_log_in(anon, client, seed_html):
    article = await save(client, SEED_URL, seed_html)
    for path in ("/", f"/read/{article['id']}"):
        resp = await anon.get(path)
        assert resp.status == 401
        assert resp.content_type == "text/html"
        assert "quietpage login-url" in await resp.text()


async def test_login_link_sets_a_strict_httponly_cookie_and_works_once(anon, client, seed_html):
    article = await save(client, SEED_URL, seed_html)
    resp, link = await login(anon, client, f"/read/{article['id']}")
    assert resp.status == 200
    cookie = resp.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/" in cookie
    assert f'/read/{article["id"]}' in await resp.text()
    # the cookie now opens the pages and the API
    page = await anon.get(f"/read/{article['id']}")
    assert page.status == 200
    html = await page.text()
    assert article["title"] in html and "The drone manufacturing plant" in html
    listing = await anon.get("/")  # the list page is a shell that static/js/list.js fills in
    assert listing.status == 200 and "/static/js/list.js" in await listing.text()
    api = await anon.get("/api/articles", headers=page_key_of(await resp.text()))  # with the page key
    assert api.status == 200 and len((await api.json())["items"]) == 1
    # the same link a second time is refused
    anon.session.cookie_jar.clear()
    path = link["url"].split("//", 1)[1].split("/", 1)[1]
    again = await anon.get("/" + path)
    assert again.status == 401
    assert (await anon.get("/")).status == 401


async def test_login_link_for_another_server_is_refused(anon):
    code = auth.make_login_code("not-this-servers-token", ttl_s=60)
    resp = await anon.get(f"/login?code={code}")
    assert resp.status == 401 and "Set-Cookie" not in resp.headers


async def test_cookie_cannot_be_used_cross_site_to_change_data(anon, client, seed_html):
    article = await save(client, SEED_URL, seed_html)
    resp, _ = await login(anon, client)
    key = page_key_of(await resp.text())
    hostile = {"Origin": "http://127.0.0.2:8000", "Sec-Fetch-Site": "cross-site", **key}
    resp = await anon.patch(f"/api/articles/{article['id']}", json={"state": "archived"}, headers=hostile)
    assert resp.status == 403
    assert (await resp.json())["error"]["code"] == "cross_site"
    same = {"Origin": f"http://{anon.host}:{anon.port}", "Sec-Fetch-Site": "same-origin", **key}
    resp = await anon.patch(f"/api/articles/{article['id']}", json={"state": "archived"}, headers=same)
    assert resp.status == 200


async def test_logout_ends_the_session(anon, client):
    await login(anon, client)
    assert (await anon.get("/")).status == 200
    resp = await anon.post("/logout", allow_redirects=False, headers={"Sec-Fetch-Site": "same-origin"})
    assert resp.status == 303
    assert (await anon.get("/")).status == 401


async def test_pages_carry_a_strict_content_security_policy(anon, client):
    resp, _ = await login(anon, client)
    csp = resp.headers["Content-Security-Policy"]
    for directive in ("default-src 'none'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'",
                      "form-action 'self'"):
        assert directive in csp
    nonce = csp.split("'nonce-", 1)[1].split("'", 1)[0]
    assert f'nonce="{nonce}"' in await resp.text()
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["Referrer-Policy"] == "no-referrer"


async def test_hello_proves_the_server_knows_the_token_without_revealing_it(anon, token):
    """GET /api/hello: public, an HMAC of the caller's nonce keyed with the token (what the
    extension checks before it sends the token or a page to whatever listens on its port)."""
    import hashlib
    import hmac

    nonce = "n0nce-" + "x" * 20
    resp = await anon.get("/api/hello", params={"nonce": nonce})
    assert resp.status == 200
    body = await resp.json()
    expected = hmac.new(token.encode(), b"quietpage-hello|" + nonce.encode(), hashlib.sha256).hexdigest()
    assert body["proof"] == expected and token not in str(body)
    other = await (await anon.get("/api/hello", params={"nonce": nonce + "y"})).json()
    assert other["proof"] != expected
    for bad in ("", "short", "x" * 200, "bad nonce with spaces and more"):
        resp = await anon.get("/api/hello", params={"nonce": bad})
        assert resp.status == 422 and (await resp.json())["error"]["code"] == "invalid_nonce"


# ------------------------------------------------- the cookie alone never opens the API
async def test_the_cookie_alone_opens_no_api_route_forged_browser_headers_or_not(anon, client, seed_html, data_dir):
    """Cookies ignore ports: any program on 127.0.0.1 can receive ours. With it alone - and with
    every header a browser would send, forged - it can neither read, change, nor mint links."""
    from helpers import snapshot

    article = await save(client, SEED_URL, seed_html)
    resp, _ = await login(anon, client)
    key = page_key_of(await resp.text())
    forged = {"Sec-Fetch-Site": "same-origin", "Sec-Fetch-Mode": "cors", "Origin": f"http://127.0.0.1:{anon.port}"}
    before = snapshot(data_dir)
    for method, path, body in [("GET", "/api/export?format=json", None), ("GET", "/api/articles", None),
                               ("GET", f"/api/articles/{article['id']}?body=true", None),
                               ("PATCH", f"/api/articles/{article['id']}", {"state": "archived"}),
                               ("POST", "/api/login-links", {}), ("DELETE", f"/api/articles/{article['id']}", None),
                               ("POST", "/api/download-links", {"path": "/api/export?format=json"})]:
        for headers in ({}, forged, {**forged, "X-QuietPage-Page": "0" * 64}, {**forged, "X-QuietPage-Page": ""}):
            r = await anon.request(method, path, json=body, headers=headers)
            assert r.status == 401, (method, path, headers)
            assert_error_shape(await r.json(), "page_key_required")
            assert "The drone manufacturing plant" not in await r.text()
    assert snapshot(data_dir) == before
    # with the page key the pages send, it all works (and a page still opens on the cookie alone)
    assert (await anon.get("/api/articles", headers=key)).status == 200
    assert (await anon.patch(f"/api/articles/{article['id']}", json={"favorite": True}, headers={**forged, **key})).status == 200
    assert (await anon.get(f"/read/{article['id']}")).status == 200


async def test_the_page_key_belongs_to_its_session_and_ends_with_the_token(anon, client, data_dir):
    first, _ = await login(anon, client)
    old_key = page_key_of(await first.text())
    second, _ = await login(anon, client)  # a new session: a new cookie and a new key
    new_key = page_key_of(await second.text())
    assert old_key != new_key
    assert (await anon.get("/api/articles", headers=old_key)).status == 401
    assert (await anon.get("/api/articles", headers=new_key)).status == 200
    auth.rotate_token(data_dir)
    assert (await anon.get("/api/articles", headers=new_key)).status == 401


async def test_a_download_link_works_once_for_its_session_and_address(anon, client, aiohttp_client, settings, seed_html):
    await save(client, SEED_URL, seed_html)
    resp, _ = await login(anon, client)
    key = {**page_key_of(await resp.text()), "Sec-Fetch-Site": "same-origin"}
    link = await anon.post("/api/download-links", json={"path": "/api/export?format=json"}, headers=key)
    assert link.status == 201
    url = (await link.json())["url"]
    assert url.startswith("/api/export?format=json&ticket=")
    other = await aiohttp_client(anon.server)  # another cookie jar: no session
    assert (await other.get(url)).status == 401
    assert (await anon.get(url.replace("format=json", "format=markdown"))).status == 401  # another address
    link = await anon.post("/api/download-links", json={"path": "/api/export?format=json"}, headers=key)
    url = (await link.json())["url"]
    assert (await anon.post(url, json={})).status in (401, 405)  # GET only
    got = await anon.get(url)  # a plain navigation, the cookie and the ticket: no page key needed
    assert got.status == 200 and "attachment" in got.headers["Content-Disposition"]
    assert "The drone manufacturing plant" in await got.text()
    assert (await anon.get(url)).status == 401  # once
    for bad in ("https://evil.example/api/export", "//evil.example/api/export", "/read/x", "/api//export", "api/export"):
        r = await anon.post("/api/download-links", json={"path": bad}, headers=key)
        assert r.status == 422, bad
    r = await client.post("/api/download-links", json={"path": "/api/export"})  # the token needs none
    assert r.status == 422 and (await r.json())["error"]["code"] == "no_session"


def test_download_tickets_expire_and_are_bounded():
    tickets = auth.DownloadTickets()
    t = tickets.issue("s", "/api/export?format=json", now=1000)
    assert not tickets.use(t, "s", "/api/export?format=json", now=1000 + auth.DOWNLOAD_TTL_S + 1)
    t = tickets.issue("s", "/api/export?format=json", now=1000)
    assert not tickets.use(t, "other-session", "/api/export?format=json", now=1001)
    first = tickets.issue("s", "/api/export", now=2000)
    for _ in range(auth.MAX_DOWNLOAD_TICKETS):
        tickets.issue("s", "/api/export", now=2000)
    assert not tickets.use(first, "s", "/api/export", now=2001)  # the oldest made room
    assert auth.download_target_of("/api/export?b=2&a=1") == auth.download_target("/api/export", [("a", "1"), ("b", "2")])
