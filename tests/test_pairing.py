"""Pairing with a short code (`quietpage pair` -> POST /api/pair), revoking with
`quietpage token --rotate`, and the options page pairing in real Chromium with the extension."""
import json
import time
from pathlib import Path

import pytest

from quietpage.web import auth, pairing

from server_process import run_cli
from conftest import EXTENSION
from helpers import CHROME_EXT, FIREFOX_EXT, HOSTILE, assert_error_shape, page_key_of, path_of

EXT = {"Origin": CHROME_EXT, "Sec-Fetch-Site": "none"}  # what the extension's worker and pages send


def cli_code(data_dir: Path) -> str:
    result = run_cli("pair", data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    line = result.stdout.decode().strip()
    assert line.startswith("Pairing code: ")
    assert "works once" in result.stderr.decode()  # the code alone on stdout, the words on stderr
    return line.removeprefix("Pairing code: ")


def test_codes_are_short_unambiguous_and_forgiving_to_type():
    code = pairing.new_code()
    assert len(code) == 9 and code[4] == "-"
    assert set(code.replace("-", "")) <= set(pairing.ALPHABET)
    assert pairing.normalize_code(" k7qm - 3xwp ") == "K7QM3XWP"
    assert pairing.normalize_code("OIL0") == "0110"  # O -> 0, I and L -> 1


async def test_pair_trades_a_cli_code_for_the_token_once(anon, data_dir, token):
    code = cli_code(data_dir)
    assert json.loads((data_dir / pairing.PAIRING_FILE).read_text())["hash"] != code  # only a hash is kept
    resp = await anon.post("/api/pair", json={"code": code.lower().replace("-", " ")}, headers=EXT)
    assert resp.status == 200
    assert await resp.json() == {"token": token, "origin": CHROME_EXT}
    assert resp.headers["Access-Control-Allow-Origin"] == CHROME_EXT
    assert pairing.load_extensions(data_dir, token) == (CHROME_EXT,)
    again = await anon.post("/api/pair", json={"code": code}, headers=EXT)
    assert again.status == 401
    assert_error_shape(await again.json(), "no_pairing_code")
    # paired: CORS preflights from that extension are answered now
    pre = await anon.options("/api/articles", headers={"Origin": CHROME_EXT, "Access-Control-Request-Method": "POST"})
    assert pre.status == 204 and pre.headers["Access-Control-Allow-Origin"] == CHROME_EXT


async def test_attempts_are_limited_per_extension(anon, data_dir, settings):
    code = pairing.issue_code(data_dir, settings.pair_code_ttl_s)
    wrong = "0000-0000" if code != "0000-0000" else "1111-1111"
    for left in range(settings.max_pair_attempts - 1, 0, -1):
        resp = await anon.post("/api/pair", json={"code": wrong}, headers=EXT)
        assert resp.status == 401
        body = await resp.json()
        assert_error_shape(body, "wrong_pairing_code")
        assert f"{left} more" in body["error"]["message"]
    resp = await anon.post("/api/pair", json={"code": wrong}, headers=EXT)
    assert resp.status == 429
    assert_error_shape(await resp.json(), "too_many_attempts")
    resp = await anon.post("/api/pair", json={"code": code}, headers=EXT)  # even the right one, now
    assert resp.status == 429
    assert_error_shape(await resp.json(), "too_many_attempts")
    assert pairing.load_extensions(data_dir, auth.read_token(data_dir)) == ()


def fake_origin(i: int) -> str:
    return "chrome-extension://" + "".join("abcdefghijklmnop"[(i >> (4 * k)) & 15] for k in range(32))


async def test_another_programs_wrong_guesses_do_not_use_up_the_users_tries(anon, data_dir, settings, token):
    """Any program on this machine can post guesses, claiming any extension origin: before, its
    five wrong guesses threw away the code the user was about to type."""
    code = pairing.issue_code(data_dir, settings.pair_code_ttl_s)
    wrong = "0000-0000" if code != "0000-0000" else "1111-1111"
    for origin in (FIREFOX_EXT, fake_origin(1), fake_origin(2)):
        statuses = [(await anon.post("/api/pair", json={"code": wrong}, headers={"Origin": origin})).status
                    for _ in range(settings.max_pair_attempts + 1)]
        assert statuses == [401] * (settings.max_pair_attempts - 1) + [429, 429]
    resp = await anon.post("/api/pair", json={"code": code}, headers=EXT)  # the user's extension
    assert resp.status == 200 and (await resp.json())["token"] == token


async def test_a_flood_of_guesses_throws_the_code_away_and_says_so_then_a_new_code_works(anon, data_dir, settings, token):
    code = pairing.issue_code(data_dir, settings.pair_code_ttl_s)
    wrong = "0000-0000" if code != "0000-0000" else "1111-1111"
    total = settings.max_pair_attempts * pairing.MAX_GUESSERS  # 100 guesses at 40 bits: a 1-in-10-billion chance
    for i in range(total):
        resp = await anon.post("/api/pair", json={"code": wrong},
                               headers={"Origin": fake_origin(i // settings.max_pair_attempts + 10)})
    assert resp.status == 429
    resp = await anon.post("/api/pair", json={"code": code}, headers=EXT)
    assert resp.status == 429
    message = (await resp.json())["error"]["message"]
    assert message.startswith("That was the right code, but it was thrown away after 100 wrong guesses")
    assert "quietpage pair" in message
    fresh = cli_code(data_dir)  # replaced at once
    resp = await anon.post("/api/pair", json={"code": fresh}, headers=EXT)
    assert resp.status == 200 and (await resp.json())["token"] == token


async def test_an_expired_code_is_refused(anon, data_dir):
    code = pairing.issue_code(data_dir, ttl_s=60, now=time.time() - 61)
    resp = await anon.post("/api/pair", json={"code": code}, headers=EXT)
    assert resp.status == 401
    assert_error_shape(await resp.json(), "expired_pairing_code")
    assert not (data_dir / pairing.PAIRING_FILE).exists()


@pytest.mark.parametrize("headers,status,code", [
    ({}, 403, "not_an_extension"),  # curl, scripts: they can read `quietpage token`
    ({"Origin": HOSTILE, "Sec-Fetch-Site": "cross-site"}, 403, "cross_site"),
    ({"Origin": "null"}, 403, "cross_site"),
    ({"Origin": "chrome-extension://not-an-id"}, 403, "cross_site"),
])
async def test_only_a_browser_extension_may_pair(anon, data_dir, settings, token, headers, status, code):
    good = pairing.issue_code(data_dir, settings.pair_code_ttl_s)
    resp = await anon.post("/api/pair", json={"code": good}, headers=headers)
    assert resp.status == status
    assert_error_shape(await resp.json(), code)
    assert token not in await resp.text()
    ok = await anon.post("/api/pair", json={"code": good}, headers={"Origin": FIREFOX_EXT})  # not used up
    assert ok.status == 200


@pytest.mark.parametrize("body,ctype,status", [
    ({}, "application/json", 422), ({"code": 12345678}, "application/json", 422),
    ({"code": "x" * 41}, "application/json", 422), ({"code": "A", "token": "x"}, "application/json", 422),
])
async def test_bad_pairing_requests_get_clear_errors(anon, body, ctype, status):
    resp = await anon.post("/api/pair", json=body, headers=EXT)
    assert resp.status == status
    assert_error_shape(await resp.json())


async def test_rotating_the_token_revokes_token_sessions_links_and_paired_extensions(client, anon, data_dir, token):
    link = (await (await client.post("/api/login-links", json={})).json())["url"]
    other_link = (await (await client.post("/api/login-links", json={})).json())["url"]
    login = await anon.get(path_of(link))
    assert login.status == 200
    key = page_key_of(await login.text())
    assert (await anon.get("/api/articles", headers=key)).status == 200  # the session works
    with_token = {**EXT, "Authorization": f"Bearer {token}"}
    assert (await anon.get("/api/articles", headers=with_token)).status == 200  # remembers the extension
    assert (await anon.get("/api/articles", headers={**EXT, **key})).status == 200  # paired: its origin is let in
    pairing.issue_code(data_dir, 300)

    result = run_cli("token", "--rotate", data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    new = result.stdout.decode().strip()
    assert new != token and auth.read_token(data_dir) == new and "revoked" in result.stderr.decode()

    assert (await client.get("/api/articles")).status == 401  # the running server noticed at once
    assert (await anon.get("/api/articles", headers=key)).status == 401  # the session ended
    assert (await anon.get(path_of(other_link))).status == 401  # unused login links are void
    resp = await anon.get("/api/articles", headers=EXT)
    assert resp.status == 403  # no longer paired: the token is needed again
    assert_error_shape(await resp.json(), "extension_not_paired")
    assert not (data_dir / pairing.PAIRING_FILE).exists()  # a waiting code is cancelled
    fresh = await anon.get("/api/articles", headers={"Authorization": f"Bearer {new}"})
    assert fresh.status == 200


async def test_the_options_page_pairs_with_a_code_in_real_chromium(live, tmp_path):
    """The real extension: its options page (through the worker) trades the code; the server
    sees Origin chrome-extension://<id> and remembers exactly that extension."""
    from playwright.async_api import async_playwright

    from browser import launch_with_extension

    from quietpage.web.context import SETTINGS

    data_dir = live.app[SETTINGS].data_dir
    code = pairing.issue_code(data_dir, 300)
    async with async_playwright() as pw:
        context, worker = await launch_with_extension(pw, tmp_path / "profile", EXTENSION)
        try:
            ext_id = worker.url.split("/")[2]
            options = await context.new_page()
            await options.goto(f"chrome-extension://{ext_id}/options/options.html")
            await options.locator("#result", has_text="Not paired yet").wait_for()
            await options.fill("#server-url", f"127.0.0.1:{live.port}")
            await options.fill("#pair-code", "0000-0000" if code != "0000-0000" else "1111-1111")
            await options.click("#pair")
            await options.locator("#result.error").wait_for()
            assert "4 more tries" in await options.text_content("#result-message")
            assert "quietpage pair" in await options.text_content("#result-hint")
            await options.fill("#pair-code", code.lower())
            await options.press("#pair-code", "Enter")
            await options.locator("#result.ok").wait_for()
            assert "Paired with QuietPage" in await options.text_content("#result-message")
            stored = await worker.evaluate("() => chrome.storage.local.get(['serverUrl', 'token'])")
        finally:
            await context.close()
    assert stored == {"serverUrl": f"http://127.0.0.1:{live.port}", "token": live.token}
    assert pairing.load_extensions(data_dir, live.token) == (f"chrome-extension://{ext_id}",)
