"""Saved pages that are not whole, as a user meets them. A page that took too long to read is
kept as captured and can be read again; an article whose files under articles/<id>/ are deleted
or damaged (one byte) keeps its record, says what is missing - in the API and in its reader -
and can be read again, fetched again or saved again; exports carry every record with what is
known and say what was missing, and a fault in the middle of one never writes an error into
the file."""
from __future__ import annotations

import asyncio
import shutil

import orjson
import pytest
from aiohttp import web

from quietpage.settings import Settings
from quietpage.web.app import create_app
from quietpage.web.auth import load_or_create_token
from quietpage.web.context import CONTEXT

from conftest import LOREM, page_html, save
from slow_reader import read_forever

URL = "https://harbour.example/morning"
QUOTE = {"type": "TextQuoteSelector", "exact": LOREM[1][:40]}


@pytest.fixture
def settings(data_dir) -> Settings:
    return Settings(data_dir=data_dir, port=0, extract_workers=1, fetch_allow_private=True)


@pytest.fixture
def slow(client, monkeypatch):
    """Pages read from now on take too long (until `slow.stop()`)."""
    from quietpage.web import context

    pool = client.app[CONTEXT].extract_pool

    class Slow:
        @staticmethod
        def start():
            monkeypatch.setattr(context, "read_page", read_forever)
            pool.time_limit_s = 1.0

        @staticmethod
        def stop():
            monkeypatch.undo()
            pool.time_limit_s = 60  # real pages: never near it, even on a busy machine
    Slow.start()
    return Slow


async def reader_page(client, article_id: str) -> str:
    resp = await client.get(f"/read/{article_id}")
    assert resp.status == 200
    return await resp.text()


def damage(path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01  # one byte
    path.write_bytes(bytes(data))


def files_of(data_dir, article_id: str, kind: str) -> list:
    return sorted((data_dir / "articles" / article_id).glob(f"*.{kind}.gz"))


# ---------------------------------------------------------------------------- too long to read
async def test_a_page_too_long_to_read_is_kept_and_can_be_read_again(client, slow, data_dir):
    html = page_html("A quiet morning", LOREM)
    resp = await client.post("/api/articles", json={"url": URL, "html": html, "title": "Tab title"})
    error = (await resp.json())["error"]
    assert resp.status == 422 and error["code"] == "too_slow"
    assert "took too long to read" in error["message"] and "/read/" in error["message"]
    [item] = (await (await client.get("/api/articles")).json())["items"]
    assert item["url"] == URL and item["title"] == "Tab title" and item["read_error"]["code"] == "too_slow"
    assert "capture_rev" not in item and "rev" not in item
    assert error["message"].endswith(f"/read/{item['id']}")
    page = await reader_page(client, item["id"])
    assert "QuietPage has not read this page yet" in page and 'data-recover="read-again"' in page
    assert "has not read this page yet: it took too long" not in page  # the placeholder is not shown under it
    slow.stop()
    resp = await client.post(f"/api/articles/{item['id']}/read-again")
    body = await resp.json()
    assert resp.status == 200, body
    assert body["id"] == item["id"] and body["title"] == "A quiet morning" and LOREM[1] in body["text"]
    assert body["read_error"] is None
    assert "QuietPage has not read" not in await reader_page(client, item["id"])
    assert len(files_of(data_dir, item["id"], "raw.html")) == 1


async def test_a_page_saved_before_keeps_its_version_and_the_new_capture(client, slow, data_dir):
    slow.stop()
    first = await save(client, URL, page_html("A quiet morning", LOREM))
    await client.post(f"/api/articles/{first['id']}/highlights", json={"selectors": [QUOTE]})
    slow.start()
    changed = page_html("A quiet morning", [*LOREM, "A new paragraph the site added later on that day."])
    for _ in range(2):  # twice: the older of two waiting captures goes
        resp = await client.post("/api/articles", json={"url": URL, "html": changed})
        error = (await resp.json())["error"]
        assert resp.status == 422 and "the version you saved before stays as it was" in error["message"]
    slow.stop()
    kept = await (await client.get(f"/api/articles/{first['id']}?body=true")).json()
    assert kept["text"] == first["text"] and kept["read_error"]["code"] == "too_slow"
    assert "The page you saved again on" in await reader_page(client, first["id"])
    assert len(files_of(data_dir, first["id"], "raw.html")) == 2  # the version's and the newest capture
    body = await (await client.post(f"/api/articles/{first['id']}/read-again")).json()
    assert "A new paragraph the site added" in body["text"] and body["highlights"] == {"anchored": 1, "orphaned": 0}
    assert body["read_error"] is None
    assert len(files_of(data_dir, first["id"], "raw.html")) == 1


# ---------------------------------------------------------------------------- files gone or damaged
async def test_an_article_whose_files_are_gone_says_so_and_can_be_saved_again(client, data_dir):
    article = await save(client, URL, page_html("A quiet morning", LOREM))
    note = await (await client.post(f"/api/articles/{article['id']}/highlights",
                                    json={"selectors": [QUOTE], "note": "kept"})).json()
    shutil.rmtree(data_dir / "articles" / article["id"])
    resp = await client.get(f"/api/articles/{article['id']}?body=true")
    body = await resp.json()
    assert resp.status == 200 and body["title"] == "A quiet morning" and body["content_html"] == body["text"] == ""
    assert body["body_error"]["code"] == "body_missing" and body["body_error"]["can_read_again"] is False
    assert "is missing" in body["body_error"]["message"] and "highlights and notes are kept" in body["body_error"]["message"]
    page = await reader_page(client, article["id"])
    assert "This article&#x27;s saved copy is missing" in page or "saved copy is missing" in page
    assert 'data-recover="fetch"' in page and 'data-recover="read-again"' not in page
    highlights = await (await client.get(f"/api/articles/{article['id']}/highlights")).json()
    assert [h["note"] for h in highlights["items"]] == ["kept"]
    resp = await client.post(f"/api/articles/{article['id']}/highlights", json={"selectors": [QUOTE]})
    error = (await resp.json())["error"]
    assert resp.status == 409 and error["code"] == "body_missing" and "save it again" in error["message"]
    resp = await client.post(f"/api/articles/{article['id']}/read-again")
    assert resp.status == 409 and "nothing to read again" in (await resp.json())["error"]["message"]
    again = await save(client, URL, page_html("A quiet morning", LOREM), expect=200)  # the browser saves it again
    assert again["id"] == article["id"] and again["highlights"] == {"anchored": 1, "orphaned": 0}
    assert "body_error" not in await (await client.get(f"/api/articles/{article['id']}?body=true")).json()
    highlights = await (await client.get(f"/api/articles/{article['id']}/highlights")).json()
    assert [(h["id"], h["status"]) for h in highlights["items"]] == [(note["id"], "anchored")]


async def test_a_damaged_reader_view_is_read_again_from_the_page_as_captured(client, data_dir):
    article = await save(client, URL, page_html("A quiet morning", LOREM))
    [reader_file] = files_of(data_dir, article["id"], "reader.json")
    damage(reader_file)
    body = await (await client.get(f"/api/articles/{article['id']}?body=true")).json()
    assert body["body_error"]["code"] == "body_damaged" and body["body_error"]["can_read_again"] is True
    page = await reader_page(client, article["id"])
    assert "saved copy is damaged" in page and 'data-recover="read-again"' in page
    resp = await client.post(f"/api/articles/{article['id']}/read-again")
    assert resp.status == 200 and LOREM[1] in (await resp.json())["text"]
    assert "body_error" not in await (await client.get(f"/api/articles/{article['id']}?body=true")).json()


async def test_an_article_whose_files_are_gone_can_be_fetched_again(aiohttp_client, aiohttp_server, data_dir, settings):
    async def morning(request):
        return web.Response(text=page_html("A quiet morning", LOREM), content_type="text/html")

    site = web.Application()
    site.router.add_get("/morning", morning)
    server = await aiohttp_server(site, host="127.0.0.1")
    url = str(server.make_url("/morning"))
    token = load_or_create_token(data_dir)
    client = await aiohttp_client(create_app(settings), headers={"Authorization": f"Bearer {token}"})
    other = await save(client, "https://a.example/fine", page_html("Fine", LOREM))
    article = await save(client, url, page_html("A quiet morning", LOREM[:2]))
    shutil.rmtree(data_dir / "articles" / article["id"])
    resp = await client.post("/api/fetch-jobs", json={"ids": [article["id"], other["id"]]})
    job = await resp.json()
    assert resp.status == 202 and job["total"] == 1  # only the one whose page is gone
    while job["state"] == "running":
        await asyncio.sleep(0.05)
        job = await (await client.get(f"/api/fetch-jobs/{job['id']}")).json()
    assert job["fetched"] == 1, job
    body = await (await client.get(f"/api/articles/{article['id']}?body=true")).json()
    assert "body_error" not in body and LOREM[4] in body["text"]
    assert (await (await client.get("/api/fetch-jobs")).json())["waiting"] == 0


# ---------------------------------------------------------------------------- exports
@pytest.fixture
async def hurt_library(client, data_dir) -> dict:
    """Four articles: whole, files deleted, reader view damaged (its page whole), page damaged."""
    out = {}
    for name in ("whole", "deleted", "damaged", "raw-damaged"):
        out[name] = await save(client, f"https://a.example/{name}", page_html(f"Harbour {name}", LOREM))
    await client.post(f"/api/articles/{out['deleted']['id']}/highlights", json={"selectors": [QUOTE], "note": "mine"})
    shutil.rmtree(data_dir / "articles" / out["deleted"]["id"])
    damage(files_of(data_dir, out["damaged"]["id"], "reader.json")[0])
    damage(files_of(data_dir, out["raw-damaged"]["id"], "raw.html")[0])
    return out


async def test_a_json_export_holds_every_article_and_says_what_was_missing(client, hurt_library):
    resp = await client.get("/api/export?format=json")
    assert resp.status == 200
    backup = orjson.loads(await resp.read())  # whole: the stream was never cut
    entries = {e["article"]["id"]: e for e in backup["articles"]}
    assert set(entries) == {a["id"] for a in hurt_library.values()}
    whole, deleted, damaged, raw = (entries[hurt_library[n]["id"]] for n in ("whole", "deleted", "damaged", "raw-damaged"))
    assert "missing" not in whole and LOREM[1] in whole["text"]
    assert deleted["text"] == "" and deleted["raw_html"] == "" and deleted["article"]["needs_fetch"] is True
    assert [h["note"] for h in deleted["highlights"]] == ["mine"] and len(deleted["missing"]) == 2
    assert damaged["article"]["read_error"]["code"] == "body_damaged" and "Harbour damaged" in damaged["raw_html"]
    assert raw["raw_html"] == "" and LOREM[1] in raw["text"] and "The page as captured is damaged" in raw["missing"][0]


async def test_a_restored_export_brings_back_what_was_known_and_what_to_do(client, hurt_library, aiohttp_client, tmp_path):
    data = await (await client.get("/api/export?format=json")).read()
    (tmp_path / "b.json").write_bytes(data)
    settings = Settings(data_dir=tmp_path / "fresh", port=0)
    token = load_or_create_token(settings.data_dir)
    fresh = await aiohttp_client(create_app(settings), headers={"Authorization": f"Bearer {token}"})
    resp = await fresh.post("/api/import", data=data, headers={"Content-Type": "application/json"})
    assert resp.status == 200 and (await resp.json())["created"] == 4
    listed = {a["id"]: a for a in (await (await fresh.get("/api/articles")).json())["items"]}
    assert listed[hurt_library["deleted"]["id"]]["needs_fetch"] is True
    damaged = hurt_library["damaged"]["id"]
    assert listed[damaged]["read_error"]["code"] == "body_damaged"
    resp = await fresh.post(f"/api/articles/{damaged}/read-again")  # its page was whole: read again
    assert resp.status == 200 and LOREM[1] in (await resp.json())["text"]


async def test_a_markdown_export_holds_every_article(client, hurt_library):
    import io
    import zipfile

    resp = await client.get("/api/export?format=markdown")
    names = zipfile.ZipFile(io.BytesIO(await resp.read())).namelist()
    assert sorted(n for n in names if n.endswith(".md")) == [f"Harbour {n}.md" for n in sorted(hurt_library)]
    text = zipfile.ZipFile(io.BytesIO(await (await client.get("/api/export?format=markdown")).read())).read(
        "Harbour deleted.md").decode()
    assert "saved copy of this article was missing" in text and "> " + QUOTE["exact"].strip() in text


async def test_a_fault_in_the_middle_of_an_export_cuts_the_download_off(client, hurt_library, monkeypatch, caplog):
    import aiohttp

    library = client.app[CONTEXT].library
    real = library.export_data
    calls = []

    def failing(article_id):
        calls.append(article_id)
        if len(calls) == 3:
            raise RuntimeError("the disk went away")
        return real(article_id)

    monkeypatch.setattr(library, "export_data", failing)
    resp = await client.get("/api/export?format=json")
    assert resp.status == 200
    with pytest.raises(aiohttp.ClientPayloadError):
        await resp.read()  # cut off: never a complete-looking file with an error inside
    assert "the export stopped part way" in caplog.text


def hurt_on_disk(data_dir) -> dict:
    """The same four articles as hurt_library, written by the library itself (no server)."""
    from quietpage.library import Library, read_page
    from quietpage.store import Store

    store = Store(data_dir)
    library = Library(store, Settings(data_dir=data_dir))
    try:
        out = {n: library.save(f"https://a.example/{n}", read_page(page_html(f"Harbour {n}", LOREM), None, max_depth=256))[0]
               for n in ("whole", "deleted", "damaged", "raw-damaged")}
    finally:
        store.close()
    shutil.rmtree(data_dir / "articles" / out["deleted"]["id"])
    damage(files_of(data_dir, out["damaged"]["id"], "reader.json")[0])
    damage(files_of(data_dir, out["raw-damaged"]["id"], "raw.html")[0])
    return out


@pytest.mark.parametrize("fmt, dest", [("json", "b.json"), ("markdown", "notes"), ("markdown", "notes.zip")])
def test_the_cli_export_holds_every_article_and_names_what_was_missing(tmp_path, capsys, fmt, dest):
    from quietpage.cli import main

    hurt = hurt_on_disk(tmp_path / "lib")
    assert main(["export", "--format", fmt, str(tmp_path / dest), "--data-dir", str(tmp_path / "lib")]) == 3
    out, err = capsys.readouterr()
    assert "Exported 4 article(s)" in out
    named = ("deleted", "damaged", "raw-damaged") if fmt == "json" else ("deleted", "damaged")  # Markdown holds no page as captured
    assert f"{len(named)} article(s) had files missing or damaged" in err
    for name in named:
        assert f"Harbour {name} ({hurt[name]['id']})" in err
    assert "Harbour whole" not in err and (fmt == "json" or "Harbour raw-damaged" not in err)


async def test_the_cli_export_through_a_running_server_names_what_was_missing(tmp_path):
    from server_process import ServerProcess, run_cli

    hurt_on_disk(tmp_path / "lib")
    with ServerProcess(tmp_path / "lib"):
        for fmt, dest, count in (("json", "b.json", 3), ("markdown", "notes", 2)):
            done = run_cli("export", "--format", fmt, str(tmp_path / dest), data_dir=tmp_path / "lib")
            err = done.stderr.decode()
            assert done.returncode == 3, err
            assert f"{count} article(s) had files missing or damaged" in err and "Traceback" not in err


async def test_in_the_browser_read_again_brings_both_kinds_back(live, browser, monkeypatch):
    """Real Chromium: the list marks a page not read yet; the reader's notice says what is wrong
    and its button reads the page again - for a page too long to read and a damaged reader view."""
    from helpers import api, log_in
    from quietpage.web import context

    pool = live.app[CONTEXT].extract_pool
    damaged = await api(live, "POST", "/api/articles", {"url": URL, "html": page_html("A quiet morning", LOREM)})
    damage(files_of(live.app[CONTEXT].settings.data_dir, damaged["id"], "reader.json")[0])
    monkeypatch.setattr(context, "read_page", read_forever)
    pool.time_limit_s = 1.0
    with pytest.raises(AssertionError, match="too_slow"):
        await api(live, "POST", "/api/articles", {"url": "https://harbour.example/slow", "html": page_html("Slow", LOREM)})
    monkeypatch.undo()
    pool.time_limit_s = 60
    page = await browser.new_page()
    await log_in(page, live, "/")
    await page.wait_for_selector(".item .badge")
    assert "not read yet" in await page.text_content(".item:has-text('harbour.example/slow') .badge")
    await page.click("a.title:has-text('harbour.example/slow')")
    assert "has not read this page yet" in await page.text_content("#recover h2")
    await page.click("[data-recover=read-again]")
    await page.wait_for_selector("#recover", state="detached")
    assert LOREM[1] in await page.text_content("#content") and await page.text_content("h1") == "Slow"
    await page.goto(f"http://127.0.0.1:{live.port}/read/{damaged['id']}")
    assert "saved copy is damaged" in await page.text_content("#recover h2")
    assert (await page.text_content("#content")).strip() == ""
    await page.click("[data-recover=read-again]")
    await page.wait_for_selector("#recover", state="detached")
    assert LOREM[1] in await page.text_content("#content")
