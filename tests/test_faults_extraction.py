"""A page that takes too long to read: its worker is killed and replaced at the time limit, the
save answers 422, other pages go on, health says which workers are busy or stuck, and stopping
the server never waits on a page. The slow page is deterministic (tests/slow_reader.py sleeps),
the time limits are small settings."""
from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from pathlib import Path

import aiohttp
import pytest

from quietpage.errors import TooSlow, Unavailable
from quietpage.settings import Settings
from quietpage.web.app import create_app
from quietpage.web.auth import load_or_create_token
from quietpage.web.context import CONTEXT
from quietpage.web.extract_pool import ExtractPool

from conftest import LOREM, page_html
from server_process import ServerProcess
from slow_reader import read_forever

TESTS = Path(__file__).resolve().parent


pid = os.getpid  # a job that workers unpickle at once (a test module would be imported in each)


async def until(check, what: str, within: float = 30.0):
    """Wait for a state (not a time): `check()` true, polled; fails after `within` s."""
    deadline = time.monotonic() + within
    while not check():
        assert time.monotonic() < deadline, f"never: {what}"
        await asyncio.sleep(0.02)


async def test_a_page_past_the_time_limit_is_stopped_and_its_worker_replaced():
    pool = ExtractPool(workers=1, queue_limit=4, retry_after_s=1, time_limit_s=3.0)
    try:
        first = await pool.run(pid)
        slow = asyncio.ensure_future(pool.run(read_forever, "<p>x</p>", None))
        later = asyncio.ensure_future(pool.run(pid))  # waits for the only worker, is not starved
        await until(lambda: pool.health()["stuck"] == 1, "the worker counted stuck")
        health = pool.health()
        assert health["status"] == "degraded" and health["busy"] == 1 and health["waiting"] == 1
        assert "reading one page" in health["reason"]
        with pytest.raises(TooSlow) as err:
            await slow
        assert err.value.status == 422 and err.value.code == "too_slow"
        assert "took too long to read" in err.value.message
        replaced = await later
        assert replaced != first  # a new process
        with pytest.raises(ProcessLookupError):
            os.kill(first, 0)  # the stuck one is gone, not left running
        assert await pool.run(pid) == replaced
        health = pool.health()
        assert health["status"] == "ok" and health["stopped_for_time"] == 1 and health["busy"] == 0
        assert pool.in_flight == 0
    finally:
        pool.shutdown()


async def test_shutdown_does_not_wait_on_a_stuck_page():
    pool = ExtractPool(workers=2, queue_limit=4, retry_after_s=1, time_limit_s=3600)
    stuck = [asyncio.ensure_future(pool.run(read_forever, "<p>x</p>", None)) for _ in range(3)]  # 2 read, 1 waits
    await until(lambda: pool.health()["busy"] == 2, "both workers busy")
    pids = [w.process.pid for w in pool._slots]
    pool.shutdown()
    done, _ = await asyncio.wait(stuck, timeout=30)
    assert len(done) == 3
    for task in stuck:
        assert isinstance(task.exception(), Unavailable) and task.exception().code == "stopping"
    for p in pids:
        with pytest.raises(ProcessLookupError):
            os.kill(p, 0)
    with pytest.raises(Unavailable):
        await pool.run(pid)


async def test_a_slow_page_answers_422_and_later_saves_go_on(aiohttp_client, tmp_path, monkeypatch):
    from quietpage.web import context

    settings = Settings(data_dir=tmp_path / "lib", port=0, extract_workers=1, extract_time_limit_s=1.0)
    token = load_or_create_token(settings.data_dir)
    client = await aiohttp_client(create_app(settings), headers={"Authorization": f"Bearer {token}"})
    page = {"url": "https://slow.example/a", "html": page_html("Slow harbour", LOREM)}
    monkeypatch.setattr(context, "read_page", read_forever)
    for path in ("/api/extract", "/api/articles"):
        resp = await client.post(path, json=page)
        body = await resp.json()
        assert resp.status == 422 and body["error"]["code"] == "too_slow", body
        assert "took too long to read" in body["error"]["message"]
    monkeypatch.undo()
    client.app[CONTEXT].extract_pool.time_limit_s = 60  # a real page now: never near the limit on a busy machine
    resp = await client.post("/api/articles", json={"url": "https://a.example/b", "html": page_html("Harbour", LOREM)})
    assert resp.status == 201
    health = await (await client.get("/api/health")).json()
    assert health["status"] == "ok" and health["extraction"]["stopped_for_time"] == 2
    assert client.app[CONTEXT].extract_pool.in_flight == 0


def test_sigterm_stops_a_server_whose_workers_are_stuck(tmp_path):
    """Both workers pinned by pages that never end: SIGTERM still stops the server cleanly."""
    (tmp_path / "config.toml").write_text("extract_workers = 2\nextract_time_limit_s = 3600.0\n")
    server = ServerProcess(tmp_path, command=[sys.executable, str(TESTS / "slow_reader.py"), "serve", "--port", "0",
                                              "--data-dir", str(tmp_path)]).start()
    token = (tmp_path / "token").read_text().strip()

    async def pin_both_then_stop() -> list:
        async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {token}"}) as http:
            async def save(n: int):
                page = {"url": f"https://slow.example/{n}", "html": page_html("Slow", LOREM)}
                async with http.post(f"{server.origin}/api/articles", json=page) as r:
                    return r.status, await r.json()

            saves = [asyncio.ensure_future(save(n)) for n in range(2)]

            async def health() -> dict:
                async with http.get(f"{server.origin}/api/health") as r:
                    return await r.json()
            deadline = time.monotonic() + 30
            while (await health())["extraction"]["busy"] < 2:
                assert time.monotonic() < deadline, "the workers never got the pages"
                await asyncio.sleep(0.05)
            stuck = await health()
            assert stuck["extraction"]["busy"] == 2 and stuck["extraction"]["workers"] == 2
            server.proc.send_signal(signal.SIGTERM)
            return await asyncio.gather(*saves, return_exceptions=True)

    answers = asyncio.run(pin_both_then_stop())
    assert server.proc.wait(timeout=30) == 0  # exited by itself, promptly: nothing waited on the pages
    for answer in answers:  # each save was told, or its connection closed - none hung
        assert isinstance(answer, Exception) or (answer[0] == 503 and answer[1]["error"]["code"] == "stopping")
    server.stop()


def test_the_cli_import_gives_each_page_the_time_limit_too(tmp_path, monkeypatch, capsys):
    """`quietpage import` reads pages in workers with the same limit: a page that takes too long
    waits to be fetched, and the import goes on."""
    from quietpage.cli import main
    from quietpage.cli import transfer

    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "config.toml").write_text("extract_time_limit_s = 1.0\n")
    monkeypatch.setattr(transfer, "read_page", read_forever)
    assert main(["import", str(TESTS / "fixtures" / "import" / "omnivore"), "--data-dir", str(lib)]) == 0
    out = capsys.readouterr().out
    assert "3 new" in out and "3 article(s) have no text yet" in out
