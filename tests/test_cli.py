"""The CLI as a user runs it: a real `quietpage serve` process on loopback, and the helpers."""
import json
import signal
import sys

import aiohttp
import pytest

from conftest import SEED_DIR, SEED_URL, SENTENCE
from helpers import page_key_of
from server_process import ServerProcess, run_cli


async def test_serve_save_read_highlight_restart(tmp_path, seed_html, seed_expected):
    data_dir = tmp_path / "library"
    with ServerProcess(data_dir) as server:
        assert server.origin.startswith("http://127.0.0.1:")
        token = run_cli("token", data_dir=data_dir).stdout.decode().strip()
        headers = {"Authorization": f"Bearer {token}"}
        async with aiohttp.ClientSession(headers=headers) as http:
            async with http.post(f"{server.origin}/api/articles", json={"url": SEED_URL, "html": seed_html}) as r:
                assert r.status == 201
                article = await r.json()
            lines = article["text"].split("\n")
            assert all(p in lines for p in seed_expected["paragraphs"])
            assert not [s for s in seed_expected["must_not_contain"] if s in article["text"]]
            async with http.post(f"{server.origin}/api/articles/{article['id']}/highlights",
                                 json={"selectors": [{"type": "TextQuoteSelector", "exact": SENTENCE}],
                                       "note": "Tatarstan"}) as r:
                assert r.status == 201
                highlight = await r.json()
        # the pages, through the login link the server printed
        jar = aiohttp.CookieJar(unsafe=True)
        async with aiohttp.ClientSession(cookie_jar=jar) as browser:
            async with browser.get(server.login_url) as r:
                assert r.status == 200
                key = page_key_of(await r.text())
            async with browser.get(f"{server.origin}/") as r:
                assert r.status == 200
                assert "/static/js/list.js" in await r.text()
            async with browser.get(f"{server.origin}/api/articles", headers=key) as r:  # what the list page shows
                assert r.status == 200
                assert [a["title"] for a in (await r.json())["items"]] == [article["title"]]
            async with browser.get(f"{server.origin}/read/{article['id']}") as r:
                assert r.status == 200
                page = await r.text()
                assert article["title"] in page and "Alabuga Special Economic Zone" in page
                assert "Poinbank" not in page
        assert server.stop() == 0
        assert "shutting down" in "".join(server.output)

    with ServerProcess(data_dir) as again:
        async with aiohttp.ClientSession(headers=headers) as http:
            async with http.get(f"{again.origin}/api/articles/{article['id']}/highlights") as r:
                assert r.status == 200
                assert (await r.json())["items"] == [highlight]


def test_serve_refuses_a_non_loopback_host(tmp_path):
    result = run_cli("serve", "--host", "0.0.0.0", "--port", "0", data_dir=tmp_path)
    assert result.returncode == 2
    assert b"--allow-remote" in result.stderr


async def test_login_url_targets_the_running_server(tmp_path):
    with ServerProcess(tmp_path) as server:
        result = run_cli("login-url", "--next", "/read/x", data_dir=tmp_path)
        assert result.returncode == 0
        url = result.stdout.decode().strip()
        assert url.startswith(f"{server.origin}/login?code=") and url.endswith("next=/read/x")
        jar = aiohttp.CookieJar(unsafe=True)
        async with aiohttp.ClientSession(cookie_jar=jar) as browser:
            async with browser.get(url) as r:
                assert r.status == 200
            async with browser.get(url, allow_redirects=False) as r:  # used again here: on with the session
                assert r.status == 303 and r.headers["Location"] == "/read/x"
        async with aiohttp.ClientSession() as other, other.get(url) as r:  # it logs no one else in: one time only
            assert r.status == 401


def test_data_dir_from_the_environment(tmp_path, monkeypatch):
    import os
    import subprocess
    import sys

    env = {**os.environ, "QUIETPAGE_DATA_DIR": str(tmp_path / "from-env")}
    out = subprocess.run([sys.executable, "-m", "quietpage", "token"], capture_output=True, env=env, timeout=60)
    assert out.returncode == 0
    assert (tmp_path / "from-env" / "token").read_text() == out.stdout.decode().strip()


@pytest.mark.parametrize("fmt", ["json", "text", "html"])
def test_extract_runs_the_reader_on_a_file(fmt, seed_expected, tmp_path):
    result = run_cli("extract", str(SEED_DIR / "page.html"), "--url", SEED_URL, "--format", fmt, data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout.decode()
    if fmt == "json":
        data = json.loads(out)
        assert data["title"] == seed_expected["title"]
        assert {"Iran", "Russia"} <= {t["name"] for t in data["tags"]}
    elif fmt == "text":
        assert out.split("\n")[:2] == seed_expected["paragraphs"][:2]
    else:
        assert out.lstrip().startswith("<") and "<script" not in out


def test_extract_reports_an_empty_page_clearly(tmp_path):
    empty = tmp_path / "empty.html"
    empty.write_text("<html><body></body></html>")
    result = run_cli("extract", str(empty), data_dir=tmp_path)
    assert result.returncode == 1
    assert b"No readable text" in result.stderr
    missing = run_cli("extract", str(tmp_path / "nope.html"), data_dir=tmp_path)
    assert missing.returncode == 1 and b"cannot read" in missing.stderr


async def test_server_survives_sigint_cleanly(tmp_path):
    server = ServerProcess(tmp_path).start()
    assert server.stop(signal.SIGINT) == 0
    assert not (tmp_path / "server.json").exists()


def test_ctrl_c_right_after_ready_stops_a_server_started_in_the_background(tmp_path):
    """Started from a script in the background (`quietpage serve &`, nohup), the server inherits
    SIGINT ignored until it listens for it; it did so only after saying it was ready, so a Ctrl-C
    right then was lost and the server ran on (1 start in 3 here). Five starts, each stopped the
    moment it says it is ready."""
    ignoring = ("import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_IGN); "
                "os.execv(sys.executable, [sys.executable, '-m', 'quietpage', *sys.argv[1:]])")
    for n in range(5):
        data = tmp_path / str(n)
        server = ServerProcess(command=[sys.executable, "-c", ignoring, "serve", "--port", "0", "--data-dir", str(data)])
        server.start()
        assert server.stop(signal.SIGINT) == 0, "".join(server.output)
        assert not (data / "server.json").exists()
