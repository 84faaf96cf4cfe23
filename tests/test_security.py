"""The request rules of security.py (one test per rule), the security headers, and the limits.

Through the real app and aiohttp's test client; the same attacks from a real browser are in
test_hostile.py, the XSS corpus in test_xss.py.
"""
import hmac

import pytest

from quietpage.web import auth, pairing, security
from quietpage.web.app import create_app
from quietpage.settings import Settings

from conftest import LOREM, SEED_URL, page_html, save
from helpers import CHROME_EXT, FIREFOX_EXT, HOSTILE, assert_error_shape, page_key_of, path_of, snapshot


def own(client) -> str:
    return f"http://127.0.0.1:{client.port}"


async def login(anon, client) -> dict:
    """Log `anon` in with a login link: the session cookie in its jar; returns the page key header."""
    link = (await (await client.post("/api/login-links", json={})).json())["url"]
    resp = await anon.get(path_of(link))
    assert resp.status == 200
    return page_key_of(await resp.text())


# ------------------------------------------------------------------ rule 1: Host
def test_allowed_hosts_are_our_loopback_names_with_the_actual_port():
    hosts = security.allowed_hosts("127.0.0.1", "127.0.0.1", 41234)
    assert hosts == {"127.0.0.1:41234", "localhost:41234", "[::1]:41234"}
    assert "localhost:80" in security.allowed_hosts("localhost", "127.0.0.1", 80)
    assert "localhost" in security.allowed_hosts("localhost", "127.0.0.1", 80)
    lan = security.allowed_hosts("0.0.0.0", "192.168.1.5", 27182)  # --allow-remote: the address used
    assert lan == {"0.0.0.0:27182", "192.168.1.5:27182"}


@pytest.mark.parametrize("host,status", [
    ("attacker.example:{port}", 403), ("attacker.example", 403), ("127.0.0.1:1", 403),
    ("127.0.0.1.attacker.example:{port}", 403), ("localhost.:{port}", 403), ("", 403),
    ("127.0.0.1:{port}", 200), ("localhost:{port}", 200), ("LOCALHOST:{port}", 200), ("[::1]:{port}", 200),
])
async def test_rule_host_must_be_our_loopback_host_and_port(client, host, status):
    for path in ("/api/health", "/api/articles", "/login?code=x", "/"):
        resp = await client.get(path, headers={"Host": host.format(port=client.port)})
        if status == 403:
            assert resp.status == 403, (path, host)
            if path.startswith("/api/"):
                assert_error_shape(await resp.json(), "wrong_host")
            assert "Content-Security-Policy" in resp.headers or resp.content_type == "application/json"
        else:
            assert resp.status != 403, (path, host, await resp.text())


# ---------------------------------------------------------------- rule 2: Origin
@pytest.mark.parametrize("origin", [HOSTILE, "http://127.0.0.1:1", "null", "https://127.0.0.1:{port}",
                                    "chrome-extension://evil.example", "moz-extension://x", "file://"])
async def test_rule_a_foreign_origin_is_refused_even_with_the_token(client, data_dir, seed_html, origin):
    article = await save(client, SEED_URL, seed_html)
    before = snapshot(data_dir)
    headers = {"Origin": origin.format(port=client.port)}
    for method, path, body in [("GET", "/api/articles", None), ("GET", "/api/health", None),
                               ("PATCH", f"/api/articles/{article['id']}", {"state": "archived"}),
                               ("POST", "/api/articles", {"url": "https://x.example/", "html": seed_html}),
                               ("DELETE", f"/api/articles/{article['id']}", None)]:
        resp = await client.request(method, path, json=body, headers=headers)
        assert resp.status == 403, (method, path)
        assert_error_shape(await resp.json(), "cross_site")
        assert "Access-Control-Allow-Origin" not in resp.headers
    assert snapshot(data_dir) == before


async def test_rule_our_own_origin_is_accepted(client):
    resp = await client.post("/api/login-links", json={}, headers={"Origin": own(client), "Sec-Fetch-Site": "same-origin"})
    assert resp.status == 201


@pytest.mark.parametrize("ext", [CHROME_EXT, FIREFOX_EXT])
async def test_rule_an_extension_origin_needs_the_token_and_is_then_remembered(client, anon, data_dir, token, ext):
    resp = await anon.get("/api/articles", headers={"Origin": ext})
    assert resp.status == 403
    assert_error_shape(await resp.json(), "extension_not_paired")
    resp = await anon.get("/api/articles", headers={"Origin": ext, "Authorization": "Bearer wrong"})
    assert resp.status == 401
    assert pairing.load_extensions(data_dir, token) == ()
    resp = await client.get("/api/articles", headers={"Origin": ext, "Sec-Fetch-Site": "none"})
    assert resp.status == 200
    assert pairing.load_extensions(data_dir, token) == (ext,)
    assert resp.headers["Access-Control-Allow-Origin"] == ext  # remembered: CORS from now on
    # the extension's cookie (if the browser sent one) never stands in for the token
    key = await login(anon, client)
    resp = await anon.patch("/api/articles/x", json={"state": "archived"},
                            headers={"Origin": ext, "Sec-Fetch-Site": "none", **key})
    assert resp.status == 403


# -------------------------------------------------------- rule 3: Sec-Fetch-Site
@pytest.mark.parametrize("site,status", [("cross-site", 403), ("same-site", 403), ("same-origin", 200),
                                         ("none", 200), (None, 200)])
async def test_rule_the_api_never_answers_another_site(client, anon, site, status):
    headers = {"Sec-Fetch-Site": site} if site else {}
    for path in ("/api/articles", "/api/health", "/api/export?format=json"):
        resp = await client.get(path, headers=headers)  # an <img>/<script> GET carries no Origin, but this
        assert resp.status == status, (path, site)
        if status == 403:
            assert_error_shape(await resp.json(), "cross_site")


@pytest.mark.parametrize("dest", ["iframe", "frame", "embed", "object"])
async def test_rule_pages_are_never_served_into_a_frame(client, dest):
    for path in ("/", "/read/x", "/login?code=x"):
        resp = await client.get(path, headers={"Sec-Fetch-Dest": dest, "Sec-Fetch-Site": "cross-site"})
        assert resp.status == 403, path
        assert "cannot be shown inside another page" in await resp.text()
    assert (await client.get("/", headers={"Sec-Fetch-Dest": "document"})).status == 200


async def test_rule_cookie_changes_need_sec_fetch_site_same_origin(client, anon, seed_html):
    article = await save(client, SEED_URL, seed_html)
    key = await login(anon, client)
    path = f"/api/articles/{article['id']}"
    for headers in ({}, {"Sec-Fetch-Site": "none"}, {"Sec-Fetch-Site": "same-site"},
                    {"Sec-Fetch-Site": "same-origin", "Origin": CHROME_EXT}):
        resp = await anon.patch(path, json={"favorite": True}, headers={**headers, **key})
        assert resp.status == 403, headers
        assert_error_shape(await resp.json())
    assert (await anon.get(path, headers=key)).status == 200  # reading with the cookie needs no Sec-Fetch-Site
    ours = {"Sec-Fetch-Site": "same-origin", "Origin": own(anon), **key}
    resp = await anon.patch(path, json={"favorite": True}, headers=ours)
    assert resp.status == 200 and (await resp.json())["favorite"] is True
    # with the token, a missing Sec-Fetch-Site (curl, scripts) is fine
    assert (await client.patch(path, json={"favorite": False})).status == 200


async def test_login_links_work_as_navigations_from_a_terminal_or_the_extension(client, anon):
    for site in ("none", "cross-site"):
        link = (await (await client.post("/api/login-links", json={})).json())["url"]
        resp = await anon.get(path_of(link),
                              headers={"Sec-Fetch-Site": site, "Sec-Fetch-Mode": "navigate"})
        assert resp.status == 200 and "Set-Cookie" in resp.headers


# ---------------------------------------------------------- rule 4: Content-Type
@pytest.mark.parametrize("ctype", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
                                   "application/json-patch+json", None])
async def test_rule_json_bodies_need_content_type_application_json(client, data_dir, seed_html, ctype):
    before = snapshot(data_dir)
    body = b'{"url": "https://x.example/", "html": "<p>hello</p>"}'
    headers = {"Content-Type": ctype} if ctype else {}
    for method, path in [("POST", "/api/articles"), ("POST", "/api/login-links"), ("PATCH", "/api/highlights/x")]:
        resp = await client.request(method, path, data=body, headers=headers)
        assert resp.status == 415, (method, path, ctype)
        assert_error_shape(await resp.json(), "unsupported_media_type")
    assert snapshot(data_dir) == before
    ok = await client.post("/api/articles", data=page_html("Harbour", LOREM).encode(),
                           headers={"Content-Type": "application/json; charset=utf-8"})
    assert ok.status == 400  # past the rule: the body is simply not JSON


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "br", "GZIP", "gzip, identity", "x-gzip"])
async def test_rule_no_body_comes_with_a_content_encoding(aiohttp_server, aiohttp_client, settings, token, data_dir,
                                                          encoding):
    """aiohttp inflates a gzip body before any handler can bound it: 1 KB of gzip here is 10 MB
    of JSON (a few MB of gzip would be gigabytes). Refused on every route, before it is read;
    the server (as `quietpage serve` runs it) does not even inflate it."""
    import gzip
    import json as jsonlib

    from quietpage.web.serving import runner_options

    server = await aiohttp_server(create_app(settings), **runner_options(settings))
    client = await aiohttp_client(server, headers={"Authorization": f"Bearer {token}"})
    before = snapshot(data_dir)
    page = {"url": "https://x.example/", "html": "<p>" + "harbour " * 1_250_000 + "</p>"}
    bomb = gzip.compress(jsonlib.dumps(page).encode(), 9)
    assert len(bomb) < 64 * 1024
    for method, path, ctype in [("POST", "/api/articles", "application/json"), ("POST", "/api/extract", "application/json"),
                                ("PATCH", "/api/articles/x", "application/json"), ("POST", "/api/import", "application/json"),
                                ("POST", "/api/pair", "application/json"), ("POST", "/logout", "text/plain")]:
        resp = await client.request(method, path, data=bomb, headers={"Content-Type": ctype, "Content-Encoding": encoding})
        assert resp.status == 415, (method, path, encoding, resp.status)
        if path.startswith("/api/"):
            assert_error_shape(await resp.json(), "encoded_body")
    assert snapshot(data_dir) == before
    plain = await client.post("/api/articles", json={"url": "https://x.example/", "html": page_html("Harbour", LOREM)},
                              headers={"Content-Encoding": "identity"})
    assert plain.status == 201


async def test_the_import_upload_is_a_raw_file_not_json(client):
    resp = await client.post("/api/import", data=b"not a backup at all", headers={"Content-Type": "text/csv"})
    assert resp.status != 415


# ---------------------------------------------------- rule: constant-time tokens
async def test_rule_tokens_are_compared_in_constant_time(client, anon, token, monkeypatch):
    calls = []
    real = hmac.compare_digest
    monkeypatch.setattr(auth.hmac, "compare_digest", lambda a, b: calls.append((a, b)) or real(a, b))
    resp = await anon.get("/api/articles", headers={"Authorization": f"Bearer {token[:-1]}x"})
    assert resp.status == 401
    assert calls and calls[-1][1] == token.encode()
    assert (await client.get("/api/articles")).status == 200
    assert not auth.same_secret(None, token) and not auth.same_secret(token + "x", token)
    assert auth.same_secret(token, token)


# ----------------------------------------------------------------- rule 5: CORS
async def test_rule_cors_is_answered_for_the_paired_extension_only(client, anon, data_dir, token):
    preflight = {"Access-Control-Request-Method": "PATCH", "Access-Control-Request-Headers": "authorization, content-type",
                 "Access-Control-Request-Private-Network": "true"}
    for origin in (CHROME_EXT, HOSTILE, "null"):  # nobody is paired yet
        resp = await anon.options("/api/articles/x", headers={"Origin": origin, **preflight})
        assert resp.status == 403, origin
        assert not any(h.startswith("Access-Control-") for h in resp.headers), origin


@pytest.fixture
async def paired_client(aiohttp_client, data_dir, token):
    pairing.save_extensions(data_dir, token, (CHROME_EXT,))
    return await aiohttp_client(create_app(Settings(data_dir=data_dir, port=0)))


async def test_rule_cors_headers_name_the_paired_origin_never_a_wildcard(paired_client, token):
    preflight = {"Origin": CHROME_EXT, "Access-Control-Request-Method": "PATCH",
                 "Access-Control-Request-Headers": "authorization, content-type",
                 "Access-Control-Request-Private-Network": "true"}
    resp = await paired_client.options("/api/articles/x", headers=preflight)
    assert resp.status == 204
    assert resp.headers["Access-Control-Allow-Origin"] == CHROME_EXT
    assert "Authorization" in resp.headers["Access-Control-Allow-Headers"]
    assert "PATCH" in resp.headers["Access-Control-Allow-Methods"]
    assert "Access-Control-Allow-Private-Network" not in resp.headers
    assert "Access-Control-Allow-Credentials" not in resp.headers
    assert resp.headers["Vary"] == "Origin"
    ok = await paired_client.get("/api/articles", headers={"Origin": CHROME_EXT, "Authorization": f"Bearer {token}"})
    assert ok.status == 200 and ok.headers["Access-Control-Allow-Origin"] == CHROME_EXT
    err = await paired_client.get("/api/articles/nope", headers={"Origin": CHROME_EXT, "Authorization": f"Bearer {token}"})
    assert err.status == 404 and err.headers["Access-Control-Allow-Origin"] == CHROME_EXT  # errors readable too
    for origin in (FIREFOX_EXT, HOSTILE):
        resp = await paired_client.options("/api/articles/x", headers={**preflight, "Origin": origin})
        assert resp.status == 403 and "Access-Control-Allow-Origin" not in resp.headers
    plain = await paired_client.get("/api/articles", headers={"Authorization": f"Bearer {token}"})
    assert "Access-Control-Allow-Origin" not in plain.headers


# ------------------------------------------------------------------------ headers
async def test_pages_carry_a_strict_csp_with_a_fresh_nonce(client, anon):
    await login(anon, client)
    nonces = set()
    for path in ("/", "/", "/read/unknown", "/nowhere"):
        resp = await anon.get(path)
        csp = resp.headers["Content-Security-Policy"]
        for directive in ("default-src 'none'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'",
                          "form-action 'self'", "style-src 'self'"):
            assert directive in csp, (path, directive)
        script_src = next(d for d in csp.split("; ") if d.startswith("script-src"))
        assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
        nonce = script_src.split("'nonce-", 1)[1].split("'", 1)[0]
        nonces.add(nonce)
        html = await resp.text()
        assert html.count("<script") == html.count(f'nonce="{nonce}"'), path  # no script without the nonce
    assert len(nonces) == 4


@pytest.mark.parametrize("path", ["/api/health", "/api/articles", "/api/articles/nope", "/api/export?format=json",
                                  "/static/css/quietpage.css", "/", "/login?code=bad"])
async def test_every_answer_carries_the_security_headers(client, path):
    resp = await client.get(path)
    await resp.read()
    assert resp.headers["X-Content-Type-Options"] == "nosniff", path
    assert resp.headers["Referrer-Policy"] == "no-referrer", path
    assert resp.headers["Cross-Origin-Opener-Policy"] == "same-origin", path
    assert resp.headers["Cross-Origin-Resource-Policy"] == "same-origin", path
    assert resp.headers["X-Frame-Options"] == "DENY", path
    if resp.content_type == "text/html":
        assert "frame-ancestors 'none'" in resp.headers["Content-Security-Policy"]


async def test_the_openapi_description_is_public_json(anon):
    resp = await anon.get("/api/openapi.json")
    assert resp.status == 200
    spec = await resp.json()
    assert spec["openapi"].startswith("3.") and "/api/pair" in spec["paths"]


def test_the_openapi_description_names_every_route():
    from quietpage.web.app import routes
    from quietpage.web.openapi import describe

    served = {(r.method.lower(), r.path) for r in routes() if hasattr(r, "method") and r.method != "*"}
    described = {(m, p) for p, ops in describe(Settings())["paths"].items() for m in ops}
    assert served == described


# ------------------------------------------------------------------------- limits
def limited(data_dir, **limits) -> Settings:
    return Settings(data_dir=data_dir, port=0, **limits)


LIMITS = [
    # setting, value, request (method, path, body), status, code
    ("max_body_bytes", 2000, ("POST", "/api/articles", {"url": "https://a.example/", "html": "<p>x</p>" * 500}),
     413, "payload_too_large"),
    ("max_html_chars", 200, ("POST", "/api/articles", {"url": "https://a.example/", "html": "<p>x</p>" * 50}),
     422, "too_long"),
    ("max_html_depth", 50, ("POST", "/api/articles", {"url": "https://a.example/",
                                                      "html": "<div>" * 60 + "<p>" + LOREM[0] + "</p>" + "</div>" * 60}),
     422, "too_deep"),
    ("max_html_depth", 50, ("POST", "/api/extract", {"url": "https://a.example/", "html": "<span><b>" * 40 + LOREM[0]}),
     422, "too_deep"),
    ("max_note_chars", 10, ("POST", "/api/articles/{id}/highlights",
                            {"selectors": [{"type": "TextQuoteSelector", "exact": LOREM[0][:30]}], "note": "n" * 11}),
     422, "too_long"),
    ("max_quote_chars", 10, ("POST", "/api/articles/{id}/highlights",
                             {"selectors": [{"type": "TextQuoteSelector", "exact": LOREM[0][:30]}]}), 422, "too_long"),
    ("max_selectors", 1, ("POST", "/api/articles/{id}/highlights",
                          {"selectors": [{"type": "TextQuoteSelector", "exact": LOREM[0][:30]}] * 2}), 422, "too_many"),
    ("max_query_chars", 5, ("GET", "/api/articles?q=harbour", None), 422, "too_long"),
    ("max_tags", 2, ("PATCH", "/api/articles/{id}", {"tags": ["a", "b", "c"]}), 422, "too_many"),
    ("max_tag_chars", 5, ("PATCH", "/api/articles/{id}", {"tags": ["harbours"]}), 422, "too_long"),
]


@pytest.mark.parametrize("setting,value,request_,status,code", LIMITS, ids=[f"{x[0]}-{x[2][1]}" for x in LIMITS])
async def test_each_limit_is_a_named_setting_with_a_clear_error(aiohttp_client, data_dir, token,
                                                                setting, value, request_, status, code):
    app = create_app(limited(data_dir, **{setting: value}))
    client = await aiohttp_client(app, headers={"Authorization": f"Bearer {token}"})
    article = await save(client, "https://harbour.example/a", page_html("Harbour", LOREM)) \
        if "{id}" in request_[1] else None
    before = snapshot(data_dir)
    method, path, body = request_
    resp = await client.request(method, path.format(id=article and article["id"]), json=body)
    assert resp.status == status, await resp.text()
    error = await resp.json()
    assert_error_shape(error, code)
    assert snapshot(data_dir) == before


async def test_highlights_per_article_are_limited(aiohttp_client, data_dir, token):
    client = await aiohttp_client(create_app(limited(data_dir, max_highlights_per_article=2)),
                                  headers={"Authorization": f"Bearer {token}"})
    article = await save(client, "https://harbour.example/a", page_html("Harbour", LOREM))
    for i, status in enumerate((201, 201, 422)):
        body = {"selectors": [{"type": "TextQuoteSelector", "exact": LOREM[i][:40]}]}
        resp = await client.post(f"/api/articles/{article['id']}/highlights", json=body)
        assert resp.status == status
    assert_error_shape(await resp.json(), "too_many")
    assert "max_highlights_per_article" in (await resp.json())["error"]["message"]
