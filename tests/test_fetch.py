"""Fetching imported addresses, from a local aiohttp test site (never the internet): the limits
(redirects, loops, status, type, size, charset), the SSRF guard, and the background job."""
from __future__ import annotations

import ipaddress

import pytest
from aiohttp import web

from conftest import LOREM, page_html
from quietpage.web.handlers.transfer import FETCH_JOBS
from quietpage.settings import Settings
from quietpage.hosts import is_public
from quietpage.transfer.fetcher import Fetcher, FetchError

MAX = 64 * 1024
ARTICLE = page_html("Tides and Harbours", LOREM)


def site_app() -> web.Application:
    async def article(request):
        return web.Response(text=ARTICLE, content_type="text/html")

    async def latin1(request):
        body = page_html("Café au lait", [p.replace("harbour", "café") for p in LOREM]).encode("latin-1")
        return web.Response(body=body, headers={"Content-Type": "text/html; charset=ISO-8859-1"})

    def redirect(to):
        async def handler(request):
            raise web.HTTPFound(to)
        return handler

    async def image(request):
        return web.Response(body=b"\x89PNG\r\n\x1a\n" + b"\0" * 100, content_type="image/png")

    async def huge(request):
        return web.Response(body=b"<p>" + b"x" * (MAX * 2), content_type="text/html")

    async def huge_chunked(request):
        resp = web.StreamResponse(headers={"Content-Type": "text/html"})
        resp.enable_chunked_encoding()
        await resp.prepare(request)
        for _ in range(8):
            await resp.write(b"<p>" + b"y" * (MAX // 4) + b"</p>")
        await resp.write_eof()
        return resp

    app = web.Application()
    app.router.add_routes([
        web.get("/article", article), web.get("/latin1", latin1), web.get("/moved", redirect("/article")),
        web.get("/loop-a", redirect("/loop-b")), web.get("/loop-b", redirect("/loop-a")),
        web.get("/r1", redirect("/r2")), web.get("/r2", redirect("/r3")), web.get("/r3", redirect("/r4")),
        web.get("/r4", redirect("/r5")), web.get("/r5", redirect("/article")),
        web.get("/to-ftp", redirect("ftp://example.com/file")),
        web.get("/image", image), web.get("/huge", huge), web.get("/huge-chunked", huge_chunked)])
    return app


@pytest.fixture
def settings(data_dir) -> Settings:
    return Settings(data_dir=data_dir, port=0, fetch_allow_private=True, fetch_max_bytes=MAX,
                    fetch_max_redirects=3, fetch_concurrency=2)


@pytest.fixture
async def site(aiohttp_server):
    server = await aiohttp_server(site_app(), host="127.0.0.1")
    server.base = f"http://127.0.0.1:{server.port}"
    return server


async def test_a_page_is_fetched_through_redirects_and_decoded(settings, site):
    async with Fetcher(settings) as f:
        page = await f.fetch(f"{site.base}/moved")
        assert page.url == f"{site.base}/article" and "harbour was quiet" in page.html
        page = await f.fetch(f"{site.base}/latin1")
        assert "Café au lait" in page.html and "\ufffd" not in page.html


@pytest.mark.parametrize("path, code, words", [
    ("/loop-a", "fetch_redirect_loop", "loop"),
    ("/r1", "fetch_redirects", "more than 3"),
    ("/missing", "fetch_http_error", "404"),
    ("/image", "fetch_not_html", "image/png"),
    ("/huge", "fetch_too_large", "larger than"),
    ("/huge-chunked", "fetch_too_large", "larger than"),
    ("/to-ftp", "fetch_bad_url", "ftp://"),
])
async def test_each_limit_is_a_clear_error(settings, site, path, code, words):
    async with Fetcher(settings) as f:
        with pytest.raises(FetchError) as err:
            await f.fetch(site.base + path)
    assert err.value.code == code and words in err.value.message


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::1]", "[::ffff:127.0.0.1]", "10.1.2.3"])
async def test_own_machine_and_private_networks_are_refused_by_default(data_dir, site, host):
    strict = Settings(data_dir=data_dir)
    assert strict.fetch_allow_private is False
    async with Fetcher(strict) as f:
        with pytest.raises(FetchError) as err:
            await f.fetch(f"http://{host}:{site.port}/article")
    assert err.value.code == "fetch_not_allowed", err.value.message


def test_which_addresses_are_public():
    private = ["127.0.0.1", "10.0.0.1", "172.16.5.4", "192.168.1.1", "169.254.169.254", "::1", "fc00::1",
               "fe80::1", "0.0.0.0", "100.64.0.1", "::ffff:192.168.0.1", "224.0.0.1"]
    assert not any(is_public(ipaddress.ip_address(a)) for a in private)
    assert all(is_public(ipaddress.ip_address(a)) for a in ["93.184.216.34", "2606:4700::1111", "1.1.1.1"])


async def test_fetch_job_fills_the_imported_articles(client, site):
    csv = ("title,url,time_added,tags,status\n"
           f"My harbour,{site.base}/article,1700000000,sea,archive\n"
           f"Gone,{site.base}/missing,1700000100,,unread\n"
           f"Picture,{site.base}/image,1700000200,,unread\n")
    assert (await client.post("/api/import", data=csv.encode())).status == 200
    status = await (await client.get("/api/fetch-jobs")).json()
    assert status == {"waiting": 3, "running": None}

    resp = await client.post("/api/fetch-jobs")
    job = await resp.json()
    assert resp.status == 202 and job["total"] == 3 and job["state"] == "running"
    await client.server.app[FETCH_JOBS].get(job["id"]).task  # wait for the run itself, no polling
    job = await (await client.get(f"/api/fetch-jobs/{job['id']}")).json()
    assert (job["state"], job["done"], job["fetched"], job["failed"]) == ("done", 3, 1, 2)
    assert {e["url"].rsplit("/", 1)[1] for e in job["errors"]} == {"missing", "image"}

    items = {a["url"].rsplit("/", 1)[1]: a for a in (await (await client.get("/api/articles?state=all")).json())["items"]}
    fetched = items["article"]
    assert fetched["needs_fetch"] is False and fetched["word_count"] > 50
    assert fetched["state"] == "archived" and [t["name"] for t in fetched["tags"]] == ["sea"]  # kept
    assert fetched["created_at"] == "2023-11-14T22:13:20.000Z"
    body = await (await client.get(f"/api/articles/{fetched['id']}?body=true")).json()
    assert "harbour was quiet" in body["text"]
    assert items["missing"]["needs_fetch"] is True and "404" in items["missing"]["fetch_error"]
    assert (await (await client.get("/api/fetch-jobs")).json())["waiting"] == 2


async def test_fetching_anchors_highlights_that_waited_as_orphans(client, site):
    meta = ('[{"id": "1", "slug": "s", "title": "Waiting", "url": "%s/article", "state": "Active", "labels": [],'
            ' "savedAt": "2023-10-16T08:30:00Z", "highlights": [{"quote": "the catch had doubled",'
            ' "annotation": "wow"}]}]') % site.base
    assert (await client.post("/api/import", data=meta.encode())).status == 200
    job = await (await client.post("/api/fetch-jobs")).json()
    await client.server.app[FETCH_JOBS].get(job["id"]).task
    article = (await (await client.get("/api/articles?state=all")).json())["items"][0]
    hl = (await (await client.get(f"/api/articles/{article['id']}/highlights")).json())["items"]
    assert [(h["status"], h["note"]) for h in hl] == [("anchored", "wow")]


async def test_a_second_start_while_running_returns_the_same_job(client, site):
    csv = f"title,url,time_added,tags,status\nA,{site.base}/article,1700000000,,unread\n"
    await client.post("/api/import", data=csv.encode())
    first = await (await client.post("/api/fetch-jobs")).json()
    second = await client.post("/api/fetch-jobs", json={"ids": []})
    assert second.status == 200 and (await second.json())["id"] == first["id"]
    await client.server.app[FETCH_JOBS].get(first["id"]).task
    assert (await client.get("/api/fetch-jobs/nope")).status == 404


def test_cli_fetch_refuses_this_machine_by_default(tmp_path, capsys):
    from quietpage.cli import main

    lib = tmp_path / "lib"
    csv = tmp_path / "pocket.csv"
    csv.write_text("title,url,time_added,tags,status\nLocal,http://127.0.0.1:9/x,1700000000,,unread\n")
    assert main(["import", str(csv), "--data-dir", str(lib)]) == 0
    assert main(["fetch", "--data-dir", str(lib)]) == 3
    captured = capsys.readouterr()
    assert "Fetched 0 of 1" in captured.out and "private network" in captured.err
    assert main(["fetch", "--data-dir", str(lib)]) == 3  # still waiting, tried again
