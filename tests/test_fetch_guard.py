"""The fetcher's address guard and its rules for any caller, against real local aiohttp sites
(never the internet): hosts written as a private address in any form (Unicode digits, other
full stops, short and numeric forms), behind a redirect, in an imported list, resolved by DNS,
and a second caller fetching non-HTML bytes with its own limits (a gzip bomb included)."""
from __future__ import annotations

import gzip
import ipaddress

import pytest
from aiohttp import web

from quietpage import hosts
from quietpage.web.handlers.transfer import FETCH_JOBS
from quietpage.settings import Settings
from quietpage.transfer.fetcher import Fetcher, FetchError, Want

from helpers import FixedDns
from test_fetch import ARTICLE, site_app

HITS = web.AppKey("hits", list)
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 100


def counted(app: web.Application) -> web.Application:
    """The site, counting the requests that reach it."""
    app[HITS] = []

    @web.middleware
    async def count(request, handler):
        request.app[HITS].append(request.path)
        return await handler(request)

    app.middlewares.append(count)
    return app


def extra_routes(app: web.Application, target: str) -> web.Application:
    async def to_target(request):
        raise web.HTTPFound(target)

    async def gzipped(request):
        return web.Response(body=gzip.compress(ARTICLE.encode()), headers={
            "Content-Type": "text/html", "Content-Encoding": "gzip"})

    async def bomb(request):  # 16 MiB of zeros, ~16 KB on the wire
        return web.Response(body=gzip.compress(b"\0" * (16 << 20), 9), headers={
            "Content-Type": "image/png", "Content-Encoding": "gzip"})

    async def fake_png(request):
        return web.Response(text=ARTICLE, content_type="image/png")

    app.router.add_routes([web.get("/to-target", to_target), web.get("/gzipped", gzipped),
                           web.get("/bomb", bomb), web.get("/fake.png", fake_png)])
    return app


@pytest.fixture
def strict(data_dir) -> Settings:
    # a short connect timeout: without the guard, a private address would be tried and time out
    return Settings(data_dir=data_dir, port=0, fetch_connect_timeout_s=1.0, fetch_timeout_s=5.0)


@pytest.fixture
async def site(aiohttp_server):
    server = await aiohttp_server(counted(site_app()), host="127.0.0.1")
    server.base = f"http://127.0.0.1:{server.port}"
    return server


def spelled(ip: str) -> list[str]:
    """The ways a URL can write this IPv4 address that a URL library maps back to it."""
    circled = "".join(chr(0x2460 + int(d) - 1) if d in "123456789" else d for d in ip)  # ① .. ⑨
    fullwidth = "".join(chr(ord(c) + 0xFEE0) for c in ip)  # １２７．０．０．１
    return [circled, fullwidth, ip.replace(".", "\u3002"), ip.replace(".", "\uff61")]


UNICODE_LOOPBACK = spelled("127.0.0.1")
NUMERIC_LOOPBACK = ["2130706433", "0x7f.1", "127.1", "0177.0.0.1", "[::ffff:7f00:1]", "127.0.0.1."]


@pytest.mark.parametrize("host", UNICODE_LOOPBACK + NUMERIC_LOOPBACK)
async def test_this_machine_in_any_spelling_is_refused_and_never_reached(strict, site, host):
    async with Fetcher(strict) as f:
        with pytest.raises(FetchError) as err:
            await f.fetch(f"http://{host}:{site.port}/article")
    assert err.value.code == "fetch_not_allowed", err.value.message
    assert site.app[HITS] == []


@pytest.mark.parametrize("host", [h for ip in ("10.1.2.3", "192.168.1.1", "169.254.169.254") for h in spelled(ip)])
async def test_private_networks_in_unicode_spellings_are_refused(strict, host):
    async with Fetcher(strict) as f:
        with pytest.raises(FetchError) as err:
            await f.fetch(f"http://{host}/latest/meta-data/")
    assert err.value.code == "fetch_not_allowed", err.value.message


async def test_a_redirect_to_this_machine_in_unicode_is_refused(aiohttp_server, strict, site, monkeypatch):
    """A public site (127.0.0.2 plays it) redirects to ①②⑦.0.0.1: the second hop is refused."""
    public = ipaddress.ip_address("127.0.0.2")
    real = hosts.is_public
    monkeypatch.setattr(hosts, "is_public", lambda ip: ip == public or real(ip))
    target = f"http://{UNICODE_LOOPBACK[0]}:{site.port}/article"
    hop = await aiohttp_server(counted(extra_routes(site_app(), target)), host="127.0.0.2")
    async with Fetcher(strict) as f:
        with pytest.raises(FetchError) as err:
            await f.fetch(f"http://127.0.0.2:{hop.port}/to-target")
        assert err.value.code == "fetch_not_allowed", err.value.message
        assert hop.app[HITS] == ["/to-target"] and site.app[HITS] == []
        page = await f.fetch(f"http://127.0.0.2:{hop.port}/article")  # the "public" site itself works
        assert "harbour was quiet" in page.html


async def test_the_address_connected_to_is_checked_whatever_dns_said(strict, site):
    async with Fetcher(strict, resolver=FixedDns("127.0.0.1")) as f:
        with pytest.raises(FetchError) as err:
            await f.fetch(f"http://news.example.com:{site.port}/article")
    assert err.value.code == "fetch_not_allowed" and "127.0.0.1" in err.value.message
    assert site.app[HITS] == []
    allowed = strict.with_(fetch_allow_private=True)
    async with Fetcher(allowed, resolver=FixedDns("127.0.0.1")) as f:  # the same connection, when allowed
        assert "harbour was quiet" in (await f.fetch(f"http://news.example.com:{site.port}/article")).html


async def test_an_imported_unicode_address_is_not_fetched(client, site):
    csv = f"title,url,time_added,tags,status\nLocal,http://{UNICODE_LOOPBACK[1]}:{site.port}/article,1700000000,,unread\n"
    assert (await client.post("/api/import", data=csv.encode())).status == 200
    job = await (await client.post("/api/fetch-jobs")).json()
    await client.server.app[FETCH_JOBS].get(job["id"]).task
    job = await (await client.get(f"/api/fetch-jobs/{job['id']}")).json()
    assert (job["fetched"], job["failed"]) == (0, 1)
    article = (await (await client.get("/api/articles?state=all")).json())["items"][0]
    assert article["needs_fetch"] is True and "private network" in article["fetch_error"]
    assert site.app[HITS] == []


# ---------------------------------------------------------------------- a second caller
def png_only(body: bytes, declared: str) -> str | None:
    return "image/png" if body.startswith(b"\x89PNG\r\n\x1a\n") else None


@pytest.fixture
async def files(aiohttp_server):
    server = await aiohttp_server(counted(extra_routes(site_app(), "/image")), host="127.0.0.1")
    server.base = f"http://127.0.0.1:{server.port}"
    return server


async def test_another_caller_fetches_bytes_with_its_own_types_and_limits(data_dir, files):
    settings = Settings(data_dir=data_dir, port=0, fetch_allow_private=True)
    image = Want(("image/",), max_bytes=1024, what="image", accept="image/*", sniff=png_only)
    async with Fetcher(settings) as f:
        got = await f.get(f"{files.base}/to-target", image)  # through a redirect
        assert (got.url, got.content_type, got.body) == (f"{files.base}/image", "image/png", PNG)
        cases = {"/article": "fetch_wrong_type", "/fake.png": "fetch_wrong_type", "/bomb": "fetch_too_large"}
        for path, code in cases.items():
            with pytest.raises(FetchError) as err:
                await f.get(files.base + path, image)
            assert err.value.code == code, (path, err.value.message)
        assert "image" in err.value.message and "1024 bytes" in err.value.message
        with pytest.raises(FetchError) as err:
            await f.get(f"{files.base}/image", Want(("image/",), max_bytes=50, what="image"))
        assert err.value.code == "fetch_too_large"
        assert "harbour was quiet" in (await f.fetch(f"{files.base}/gzipped")).html  # gzip, decoded here


async def test_the_guard_applies_to_another_caller_too(strict, files):
    async with Fetcher(strict) as f:
        with pytest.raises(FetchError) as err:
            await f.get(f"http://{UNICODE_LOOPBACK[2]}:{files.port}/image", Want(("image/",), max_bytes=1024))
    assert err.value.code == "fetch_not_allowed" and files.app[HITS] == []


@pytest.mark.parametrize("host, refused", [
    ("①②⑦.0.0.1", True), ("localhost", True), ("ⓛⓞⓒⓐⓛⓗⓞⓢⓣ", True), ("app.localhost", True),
    ("[::1]", True), ("[2002:7f00:1::]", True), ("[64:ff9b::a00:1]", True), ("0x7f.1", True),
    ("example.com", False), ("1.1.1.1", False), ("[2606:4700::1111]", False), ("08.1", False)])
def test_which_hosts_are_refused_without_dns(host, refused):
    assert (hosts.refusal(host) is not None) is refused
