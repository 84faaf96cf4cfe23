"""Imports are files from anywhere: a doctored backup entry is refused whole, naming the entry
and the field, before anything is written; every limit of the API and of reading holds; an
import can be cancelled and leaves the library consistent."""
from __future__ import annotations

import asyncio
import threading
import time
import zipfile

import orjson
import pytest

from quietpage.transfer import runner
from quietpage.transfer.importers import Source, open_source
from quietpage.transfer.importers.bundle import Bundle
from quietpage.transfer.items import ImportFormatError, ImportItem, ImportLimits

from test_import import FIXTURES, all_articles, import_bytes

HEADER = (b'{"quietpage_backup":{"app":"quietpage 0.1.0","articles":1,"exported_at":"2026-01-01T00:00:00.000Z",'
          b'"format":1},\n"settings":{"trash_ttl_s":2592000},\n"articles":[\n')
RECORD = {"url": "https://news.example.com/a", "title": "A", "created_at": "2026-01-01T00:00:00.000Z",
          "updated_at": "2026-01-01T00:00:00.000Z", "state": "unread", "tags": [], "favorite": False,
          "progress": 0.0, "reading_minutes": 1, "word_count": 120, "published": "2025-12-31", "deleted_at": None}
HIGHLIGHT = {"id": "h1", "color": "yellow", "note": "", "status": "anchored", "created_at": "2026-01-01T00:00:01.000Z",
             "updated_at": "2026-01-01T00:00:01.000Z",
             "selectors": [{"type": "TextQuoteSelector", "exact": "Hello", "prefix": "", "suffix": " world"},
                           {"type": "TextPositionSelector", "start": 0, "end": 5}]}


def backup(*entries: dict) -> bytes:
    return HEADER + b",\n".join(orjson.dumps(e) for e in entries) + b"\n]}\n"


def entry(record: dict | None = None, highlights: list | None = None, **body) -> dict:
    return {"article": {**RECORD, **(record or {})}, "content_html": "<p>Hello world</p>", "text": "Hello world",
            "raw_html": "", "highlights": [HIGHLIGHT] if highlights is None else highlights, **body}


DOCTORED_RECORDS = [
    ("reading_minutes", "5"), ("published", 20240101), ("deleted_at", 1), ("word_count", -1),
    ("word_count", 1.5), ("progress", 2), ("progress", "half"), ("favorite", "yes"), ("state", "deleted"),
    ("tags", "a,b"), ("tags", [{"name": 5}]), ("tags", [{"name": "ok", "score": "high"}]),
    ("suggested_tags", [1]), ("created_at", "yesterday"), ("created_at", None), ("updated_at", 5),
    ("keywords", "x"), ("keywords", [1]), ("lead_image", 5), ("title", ["x"]), ("direction", "up"),
    ("lang", {"x": 1}), ("id", "../../etc/passwd"), ("fetch_error", 5), ("needs_fetch", "no"),
    ("fetch_attempted_at", "soon"), ("url", "javascript:alert(1)"), ("tags", [{"name": "x" * 101}]),
]
DOCTORED_HIGHLIGHTS = [
    ("color", "red"), ("note", 5), ("note", "n" * 20_001), ("status", "lost"), ("created_at", 5),
    ("id", "a b"), ("selectors", []), ("selectors", "x"), ("selectors", [{"type": "TextQuoteSelector", "exact": ""}]),
    ("selectors", [{"type": "TextQuoteSelector", "exact": "x" * 20_001}]),
    ("selectors", [{"type": "TextQuoteSelector", "exact": "Hello", "prefix": 5}]),
    ("selectors", [{"type": "TextPositionSelector", "start": 0, "end": 5}]),
    ("selectors", [{"type": "TextQuoteSelector", "exact": "Hello"}, {"type": "TextPositionSelector", "start": 5,
                                                                       "end": 2}]),
    ("selectors", [{"type": "TextQuoteSelector", "exact": "Hello"}] * 9), ("selectors", [{"type": "CssSelector"}]),
]


@pytest.mark.parametrize("field, value", DOCTORED_RECORDS, ids=[f"{f}={v!r}"[:40] for f, v in DOCTORED_RECORDS])
async def test_a_doctored_record_field_is_refused_naming_entry_and_field(client, field, value):
    good = entry(record={"url": "https://news.example.com/good"})
    bad = entry(record={field: value})
    resp = await client.post("/api/import", data=backup(good, bad))
    body = await resp.json()
    assert resp.status == 422 and body["error"]["code"] == "invalid_import", body
    message = body["error"]["message"]
    assert message.startswith("line 5:") and (f"'{field}'" in message or field == "url"), message
    assert await all_articles(client) == []  # not even the good entry before it


@pytest.mark.parametrize("field, value", DOCTORED_HIGHLIGHTS, ids=[f"{f}={v!r}"[:40] for f, v in DOCTORED_HIGHLIGHTS])
async def test_a_doctored_highlight_is_refused_naming_it(client, field, value):
    resp = await client.post("/api/import", data=backup(entry(highlights=[HIGHLIGHT, {**HIGHLIGHT, field: value}])))
    body = await resp.json()
    assert resp.status == 422, body
    assert body["error"]["message"].startswith("line 4, highlight 2:") and f"'{field}'" in body["error"]["message"]
    assert await all_articles(client) == []


@pytest.mark.parametrize("name", ["content_html", "text", "raw_html"])
async def test_imported_bodies_get_the_html_limit(aiohttp_client, settings, token, name):
    from quietpage.web.app import create_app

    small = settings.with_(max_html_chars=1000)
    client = await aiohttp_client(create_app(small), headers={"Authorization": f"Bearer {token}"})
    resp = await client.post("/api/import", data=backup(entry(**{name: "<p>" + "x" * 1000 + "</p>"})))
    body = await resp.json()
    assert resp.status == 422 and name in body["error"]["message"] and "max_html_chars" in body["error"]["message"]


async def test_a_record_is_rebuilt_from_what_it_may_hold(client):
    """Unknown fields are dropped, dates stored in our form; a genuine record is kept as it is."""
    doctored = entry(record={"created_at": "2025-06-01T12:00:00+02:00", "rev": "../x", "url_key": "evil",
                             "search": {"$where": 1}, "__proto__": {"admin": True}})
    await import_bytes(client, backup(doctored))
    [article] = await all_articles(client)
    assert article["created_at"] == "2025-06-01T10:00:00.000Z" and article["reading_minutes"] == 1
    assert not {"search", "__proto__"} & set(article)
    hl = (await (await client.get(f"/api/articles/{article['id']}/highlights")).json())["items"]
    assert [(h["id"], h["color"], h["selectors"][0]["exact"]) for h in hl] == [("h1", "yellow", "Hello")]


async def test_a_reformatted_backup_is_read_as_a_stream_with_keys_in_any_order(client):
    """What `jq .` and `jq -S .` write: indented, keys kept or sorted (the articles first)."""
    doc = orjson.loads(backup(entry(), entry(record={"url": "https://news.example.com/b"})))
    for pretty in (orjson.dumps(doc, option=orjson.OPT_INDENT_2),
                   orjson.dumps(doc, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS)):
        assert not pretty.startswith(b'{"quietpage_backup":')
        summary = await import_bytes(client, pretty)
        assert summary["format"] == "quietpage" and summary["created"] + summary["skipped"] == 2
    assert len(await all_articles(client)) == 2


# ---------------------------------------------------------------------- reading limits
def test_an_import_brings_at_most_max_items(tmp_path):
    path = tmp_path / "many.csv"
    path.write_text("title,url\n" + "".join(f"n{i},https://a.example/{i}\n" for i in range(30)))
    with pytest.raises(ImportFormatError) as err:
        list(open_source(path, ImportLimits(max_items=20)).items())
    assert "max_import_items" in err.value.message


def test_a_zip_of_many_members_is_bounded_in_all(tmp_path):
    """Each member is under its own cap, but together they pass the import's budget."""
    path = tmp_path / "pocket.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for i in range(40):
            zf.writestr(f"part_{i:06}.csv", "title,url\n" + "\n" * 100_000)
    limits = ImportLimits(max_member_bytes=200_000, max_expanded_bytes=1_000_000)
    with pytest.raises(ImportFormatError) as err:
        list(open_source(path, limits).items())
    assert "max_import_expanded_bytes" in err.value.message
    assert len(list(open_source(path, ImportLimits()).items())) == 0  # within the defaults: read, nothing in it


def test_bundle_names_are_indexed_once(tmp_path):
    folder = tmp_path / "export"
    (folder / "content").mkdir(parents=True)
    for i in range(50):
        (folder / "content" / f"s{i}.html").write_text("x")
    with Bundle(folder, ImportLimits()) as bundle:
        assert bundle.find("content/s7.html") == "content/s7.html"
        index = bundle._by_tail
        assert bundle.find("content/s49.html", "nope") == "content/s49.html" and bundle._by_tail is index


@pytest.mark.parametrize("field, value, words", [
    ("annotation", 5, "note must be text"), ("annotation", "n" * 20_001, "max_note_chars"),
    ("quote", "q" * 20_001, "max_quote_chars"), ("prefix", ["x"], "prefix must be text")])
def test_omnivore_highlights_get_the_api_limits(tmp_path, field, value, words):
    h = {"quote": "the catch had doubled", "annotation": "", field: value}
    meta = [{"id": "1", "slug": "s", "title": "T", "url": "https://a.example/x", "labels": [], "highlights": [h]}]
    path = tmp_path / "metadata_0_to_1.json"
    path.write_bytes(orjson.dumps(meta))
    with pytest.raises(ImportFormatError) as err:
        list(open_source(path, ImportLimits()).items())
    assert err.value.message.startswith(f"{path.name}, entry 1, highlight 1:") and words in err.value.message


def test_an_omnivore_page_past_the_html_limits_waits_to_be_fetched(tmp_path):
    path = tmp_path / "omnivore.zip"
    meta = [{"id": "1", "slug": "big", "title": "Big", "url": "https://a.example/big", "labels": []},
            {"id": "2", "slug": "ok", "title": "Ok", "url": "https://a.example/ok", "labels": []}]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("metadata_0_to_2.json", orjson.dumps(meta))
        zf.writestr("content/big.html", "<p>" + "x" * 5000 + "</p>")
        zf.writestr("content/ok.html", "<p>fine</p>")
    big, ok = open_source(path, ImportLimits(max_html_bytes=4000)).items()
    assert big.html is None and ok.html == "<p>fine</p>"
    big, _ = open_source(path, ImportLimits(max_html_chars=4000)).items()
    assert big.html is None


# ---------------------------------------------------------------------- cancelling
async def test_a_cancelled_import_stops_reading_and_keeps_whole_articles(client, monkeypatch):
    """Cancelled half way (as on shutdown): the articles before are complete, none after."""
    app = client.server.app
    from quietpage.web.context import CONTEXT

    c = app[CONTEXT]
    rows = "".join(f"n{i},https://a.example/{i},1700000000,tag{i % 3},unread\n" for i in range(200))
    path = c.settings.data_dir / "list.csv"
    path.write_text("title,url,time_added,tags,status\n" + rows)
    task = None

    def progress(done: int, total: int) -> None:
        if done == 37:
            task.cancel()

    task = asyncio.ensure_future(runner.run_import(c, path, progress))
    with pytest.raises(asyncio.CancelledError):
        await task
    items = await all_articles(client)
    assert len(items) == 37 and all(a["needs_fetch"] and a["tags"] for a in items)
    again = await (await client.post("/api/import", data=path.read_bytes())).json()  # the rest, later
    assert (again["created"], again["skipped"]) == (163, 37)


async def test_cancelling_while_the_file_is_read_stops_the_reading_thread(client, monkeypatch):
    from quietpage.web.context import CONTEXT

    c = client.server.app[CONTEXT]
    started, finished = threading.Event(), threading.Event()

    def slow_items():
        try:
            for i in range(100_000):
                started.set()
                time.sleep(0.001)
                yield ImportItem(where=f"item {i}", url=f"https://a.example/{i}")
        finally:
            finished.set()

    monkeypatch.setattr(runner, "open_source", lambda path, limits: Source("pocket", slow_items))
    task = asyncio.ensure_future(runner.run_import(c, c.settings.data_dir / "unused"))
    await asyncio.get_running_loop().run_in_executor(None, started.wait)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert finished.is_set()  # the reading thread had stopped when run_import returned
    assert await all_articles(client) == []
