"""The store and the worker pool inside a running server: one server per data dir, extraction
that answers 503 + Retry-After when its queue is full, and `quietpage backup` / `restore`."""
import asyncio
import os
import signal
import time
from pathlib import Path

import aiohttp
import orjson
import pytest

from quietpage.store import pack_bodies
from quietpage.web.app import create_app
from quietpage.web.auth import load_or_create_token
from quietpage.web.context import CONTEXT
from quietpage.errors import Unavailable
from quietpage.web.extract_pool import ExtractPool
from quietpage.settings import Settings
from quietpage.store import Store
from quietpage.store.snapshot import read_snapshot

from conftest import LOREM, page_html
from server_process import ServerProcess, run_cli


def wait_for_file(path: str) -> str:
    """Runs in an extraction worker: holds it busy until the test says go."""
    deadline = time.monotonic() + 60
    while not Path(path).exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    return "done"


def die() -> None:
    os._exit(3)  # as if the reader crashed on a page (or ran out of memory)


async def test_a_crashed_page_reader_is_a_503_and_is_replaced(tmp_path):
    pool = ExtractPool(workers=1, queue_limit=0, retry_after_s=1)
    try:
        with pytest.raises(Unavailable) as err:
            await pool.run(die)
        assert err.value.headers == {"Retry-After": "1"}
        (tmp_path / "go").touch()
        assert await pool.run(wait_for_file, str(tmp_path / "go")) == "done"
        assert pool.in_flight == 0
    finally:
        pool.shutdown()


async def test_a_second_server_on_the_same_dir_exits_at_once(tmp_path):
    with ServerProcess(tmp_path) as first:
        second = run_cli("serve", "--port", "0", data_dir=tmp_path)
        assert second.returncode == 1
        message = second.stderr.decode()
        assert f"pid {first.proc.pid}" in message and str(tmp_path) in message and "--data-dir" in message
        async with aiohttp.ClientSession() as http:  # the first one carries on
            async with http.get(f"{first.origin}/api/health") as r:
                assert r.status == 200


def test_a_killed_server_leaves_no_lock_behind(tmp_path):
    server = ServerProcess(tmp_path).start()
    server.stop(signal.SIGKILL)
    with ServerProcess(tmp_path) as again:
        assert again.origin


async def test_extraction_beyond_the_queue_limit_gets_503_with_retry_after(aiohttp_client, tmp_path):
    settings = Settings(data_dir=tmp_path / "lib", port=0, extract_workers=1, extract_queue_limit=1,
                        extract_retry_after_s=3)
    token = load_or_create_token(settings.data_dir)
    client = await aiohttp_client(create_app(settings), headers={"Authorization": f"Bearer {token}"})
    pool = client.app[CONTEXT].extract_pool
    go = tmp_path / "go"
    busy = [asyncio.ensure_future(pool.run(wait_for_file, str(go))) for _ in range(2)]  # 1 running + 1 queued
    await asyncio.sleep(0)  # let both take their place
    assert pool.in_flight == 2
    page = {"url": "https://a.example/x", "html": page_html("Harbour", LOREM)}
    for path in ("/api/extract", "/api/articles"):
        resp = await client.post(path, json=page)
        assert resp.status == 503
        assert resp.headers["Retry-After"] == "3"
        body = await resp.json()
        assert body["error"]["code"] == "busy" and "try again" in body["error"]["message"]
    assert (await (await client.get("/api/articles")).json())["items"] == []
    go.touch()
    assert await asyncio.gather(*busy) == ["done", "done"]
    resp = await client.post("/api/articles", json=page)
    assert resp.status == 201


def library_state(data_dir: Path) -> dict:
    store = Store(data_dir)
    try:
        return {a["title"]: {"text": store.read_body(a["id"])["text"],
                             "notes": sorted(h["note"] for h in store.highlights_of(a["id"]))}
                for a in store.all_articles()}
    finally:
        store.close()


def test_backup_then_restore_brings_the_records_back(tmp_path):
    store = Store(tmp_path)
    a = store.insert_article({"url_key": "a", "title": "A", "created_at": "1"}, pack_bodies({"content_html": "", "text": "one"}, ""))
    store.insert_highlight({"article_id": a["id"], "note": "kept", "created_at": "1"})
    store.close()
    before = library_state(tmp_path)

    made = run_cli("backup", data_dir=tmp_path)
    assert made.returncode == 0, made.stderr
    backup = Path(made.stdout.decode().split(" to ", 1)[1].split("\n", 1)[0])
    assert read_snapshot(backup).tables["articles"]

    store = Store(tmp_path)  # then the library changes: a new version of A, a new article
    store.replace_article(a["id"], {**store.get_article(a["id"]), "title": "A"}, pack_bodies({"content_html": "", "text": "two"}, ""))
    store.insert_article({"url_key": "b", "title": "B", "created_at": "2"}, pack_bodies({"content_html": "", "text": "b"}, ""))
    store.close()
    replaced = (tmp_path / "quietpage.json").read_bytes()

    done = run_cli("restore", str(backup), data_dir=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "1 article(s) now show a newer saved version" in done.stdout.decode()
    after = library_state(tmp_path)
    assert set(after) == {"A"} and after["A"]["notes"] == before["A"]["notes"]
    assert after["A"]["text"] == "two"  # the only saved page left on disk for A
    [aside] = (tmp_path / "backups").glob("replaced-*/quietpage.json")
    assert aside.read_bytes() == replaced


async def test_backup_works_and_restore_is_refused_while_serving(tmp_path):
    with ServerProcess(tmp_path) as server:
        token = run_cli("token", data_dir=tmp_path).stdout.decode().strip()
        async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {token}"}) as http:
            page = {"url": "https://a.example/live", "html": page_html("Live harbour", LOREM)}
            async with http.post(f"{server.origin}/api/articles", json=page) as r:
                assert r.status == 201
        made = run_cli("backup", "--to", str(tmp_path / "b.json"), data_dir=tmp_path)
        assert made.returncode == 0, made.stderr
        titles = [orjson.loads(v)["title"] for v in read_snapshot(tmp_path / "b.json").tables["articles"].values()]
        assert titles == ["Live harbour"]
        refused = run_cli("restore", str(tmp_path / "b.json"), data_dir=tmp_path)
        assert refused.returncode == 1 and b"already using" in refused.stderr
