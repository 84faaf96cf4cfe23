"""Helpers shared by several test modules (the fixtures are in conftest.py)."""
from __future__ import annotations

import hashlib
import re
import socket

import aiohttp
from aiohttp.abc import AbstractResolver

# Extension origins: a made-up but well-formed Chrome id and Firefox UUID, and another site.
CHROME_EXT = "chrome-extension://" + "abcdefghijklmnopabcdefghijklmnop"
FIREFOX_EXT = "moz-extension://0f3c4a52-9d1e-4c2b-8f6a-3b2d1c0e9f8a"
HOSTILE = "http://127.0.0.2:8000"


def origin_of(live) -> str:
    """The origin of the `live` fixture's server."""
    return f"http://127.0.0.1:{live.port}"


def path_of(url: str) -> str:
    return "/" + url.split("//", 1)[1].split("/", 1)[1]


async def api(live, method: str, path: str, body=None, params=None):
    """Call the live server's API with its token: the JSON answer; a status of 300 or more fails."""
    async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {live.token}"}) as http:
        async with http.request(method, origin_of(live) + path, json=body, params=params) as r:
            assert r.status < 300, await r.text()
            return await r.json()


async def log_in(page, live, next_path: str = "/") -> None:
    """Log a Playwright page in as a user does: open a fresh login link, land on `next_path`."""
    link = await api(live, "POST", "/api/login-links", {"next": next_path})
    await page.goto(link["url"])
    await page.wait_for_url(origin_of(live) + next_path)


PAGE_KEY = re.compile(r'<meta name="quietpage-page-key" content="([^"]+)">')


def page_key_of(login_page_html: str) -> dict:
    """The header our pages send beside the session cookie, from the login page that set it."""
    return {"X-QuietPage-Page": PAGE_KEY.search(login_page_html)[1]}


def snapshot(data_dir) -> dict:
    """Every file of the data dir and a hash of its bytes - but the search index's: a cache of the
    records that merges its files in the background, whatever the requests are."""
    return {str(p.relative_to(data_dir)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(data_dir.rglob("*"))
            if p.is_file() and not p.relative_to(data_dir).parts[0].startswith("search-index-v")}


def assert_error_shape(body: dict, code: str | None = None) -> None:
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message"}, body
    assert isinstance(body["error"]["code"], str) and body["error"]["code"]
    assert isinstance(body["error"]["message"], str) and len(body["error"]["message"]) > 10
    if code:
        assert body["error"]["code"] == code, body


class FixedDns(AbstractResolver):
    """DNS that answers `address` for every name (a public-looking name rebound to loopback)."""

    def __init__(self, address: str = "127.0.0.1"):
        self.address = address

    async def resolve(self, host, port=0, family=socket.AF_INET):
        return [{"hostname": host, "host": self.address, "port": port, "family": socket.AF_INET,
                 "proto": 0, "flags": socket.AI_NUMERICHOST}]

    async def close(self):
        pass
