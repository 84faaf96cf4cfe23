"""An import runs as a job, like a fetch: followed with a progress count, cancellable from the
reading list's Import / export dialog and by the server's shutdown - stopping at its next
article, each article imported whole, the uploaded copy removed.

The import is held after its third article (the runner's per-article step waits on an event),
so "cancelled mid-way" is a fact of the test, not a race with the clock."""
from __future__ import annotations

import asyncio

import pytest

from quietpage.transfer import runner
from quietpage.web.app import create_app

from helpers import api, assert_error_shape, log_in

ROWS = 20
HELD_AFTER = 3
HELD_AT_MOST_S = 30  # a bound, so that a server that cannot cancel fails the test instead of hanging it


def pocket_csv(rows: int = ROWS) -> bytes:
    lines = ["title,url,time_added,tags,status"]
    lines += [f"Harbour note {i},https://harbour.example/notes/{i},{1700000000 + i},economics,unread" for i in range(rows)]
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture
def held(monkeypatch):
    """Hold every import after its HELD_AFTER-th article until `gate` is set."""
    gate = asyncio.Event()
    real = runner._import_one
    seen = []

    async def one(worker, fmt, item):
        if len(seen) >= HELD_AFTER:
            try:
                await asyncio.wait_for(gate.wait(), HELD_AT_MOST_S)
            except asyncio.TimeoutError:
                gate.set()
        seen.append(item)
        return await real(worker, fmt, item)

    monkeypatch.setattr(runner, "_import_one", one)
    return gate


async def until(check, what: str):
    for _ in range(2000):  # bounded: a test that never gets there fails, it does not hang
        value = await check()
        if value:
            return value
        await asyncio.sleep(0.01)
    raise AssertionError(f"never: {what}")


async def job_of(client, job_id: str) -> dict:
    resp = await client.get(f"/api/import-jobs/{job_id}")
    assert resp.status == 200
    return await resp.json()


async def held_job(client) -> dict:
    resp = await client.post("/api/import?background=true", data=pocket_csv())
    assert resp.status == 202
    job = await resp.json()
    assert job["state"] == "running"

    async def at_the_gate():
        now = await job_of(client, job["id"])
        return now if now["done"] == HELD_AFTER else None
    return await until(at_the_gate, "the import reaches the gate")


async def titles(client) -> list[str]:
    resp = await client.get("/api/articles", params={"state": "all", "limit": 200})
    return sorted(a["title"] for a in (await resp.json())["items"])


async def test_an_import_is_a_job_that_can_be_cancelled_keeping_each_article_whole(client, held, data_dir):
    job = await held_job(client)
    assert (await (await client.get("/api/import-jobs")).json())["running"]["id"] == job["id"]
    resp = await client.post(f"/api/import-jobs/{job['id']}/cancel")
    assert resp.status == 200
    cancelled = await resp.json()
    assert (cancelled["state"], cancelled["done"], cancelled["total"]) == ("cancelled", HELD_AFTER, ROWS)
    assert await titles(client) == sorted(f"Harbour note {i}" for i in range(HELD_AFTER))
    assert (await (await client.get("/api/import-jobs")).json())["running"] is None
    assert not list((data_dir / "tmp").glob("import-*"))  # the uploaded copy is gone
    held.set()
    # and a second import adds the rest, nothing twice
    done = await (await client.post("/api/import", data=pocket_csv())).json()
    assert (done["created"], done["skipped"]) == (ROWS - HELD_AFTER, HELD_AFTER)


async def test_an_import_waited_for_answers_409_when_it_is_cancelled(client, held):
    waiting = asyncio.create_task(client.post("/api/import", data=pocket_csv()))
    running = await until(lambda: _running(client), "the import shows as running")
    await until(lambda: _at(client, running["id"], HELD_AFTER), "the import reaches the gate")
    assert (await client.post(f"/api/import-jobs/{running['id']}/cancel")).status == 200
    resp = await waiting
    assert resp.status == 409
    body = await resp.json()
    assert_error_shape(body, "import_cancelled")
    assert f"after {HELD_AFTER} of {ROWS}" in body["error"]["message"]


async def test_an_import_cancelled_before_its_first_article_says_so(client, monkeypatch):
    gate = asyncio.Event()

    async def never(worker, fmt, item):  # held before the first article is added
        await asyncio.wait_for(gate.wait(), HELD_AT_MOST_S)
    monkeypatch.setattr(runner, "_import_one", never)
    waiting = asyncio.create_task(client.post("/api/import", data=pocket_csv()))
    running = await until(lambda: _running(client), "the import shows as running")
    assert (await client.post(f"/api/import-jobs/{running['id']}/cancel")).status == 200
    resp = await waiting
    body = await resp.json()
    assert resp.status == 409 and "before any article was added" in body["error"]["message"]
    assert await titles(client) == []


async def _running(client):
    return (await (await client.get("/api/import-jobs")).json())["running"]


async def _at(client, job_id, done):
    return (await job_of(client, job_id))["done"] == done


async def test_shutdown_cancels_a_running_import(aiohttp_client, settings, token, held, data_dir):
    auth = {"Authorization": f"Bearer {token}"}
    client = await aiohttp_client(create_app(settings), headers=auth)
    job = await held_job(client)
    app = client.server.app
    from quietpage.web.handlers.transfer import IMPORT_JOBS
    jobs = app[IMPORT_JOBS]
    await client.close()  # the server shuts down: its cleanup cancels the import first
    assert jobs.get(job["id"]).state == "cancelled"
    assert not list((data_dir / "tmp").glob("import-*"))
    again = await aiohttp_client(create_app(settings), headers=auth)
    assert await titles(again) == sorted(f"Harbour note {i}" for i in range(HELD_AFTER))


async def test_shutdown_does_not_wait_for_an_import_waited_for(aiohttp_client, settings, token, held):
    """A script's POST /api/import (no background) in flight: the server, stopping, cancels the
    import before it waits for the requests in flight - the request answers 409 and the server
    stops, instead of waiting (up to aiohttp's 60 s) for the import to finish."""
    client = await aiohttp_client(create_app(settings), headers={"Authorization": f"Bearer {token}"})
    waiting = asyncio.create_task(client.post("/api/import", data=pocket_csv()))
    running = await until(lambda: _running(client), "the import shows as running")
    await until(lambda: _at(client, running["id"], HELD_AFTER), "the import reaches the gate")
    from quietpage.web.handlers.transfer import IMPORT_JOBS
    jobs = client.server.app[IMPORT_JOBS]
    await client.server.close()  # the server shuts down; the held import is never let go
    resp = await waiting
    assert resp.status == 409
    assert_error_shape(await resp.json(), "import_cancelled")
    assert jobs.get(running["id"]).state == "cancelled" and not held.is_set()


async def test_a_refused_file_fails_its_job_with_the_reason_and_no_traceback(client, caplog):
    bad = b"title,url,time_added,tags,status\nok,https://a.example/1,1700000000,,unread\nbad,javascript:alert(1),x,,unread\n"
    resp = await client.post("/api/import?background=true", data=bad)
    job = await resp.json()

    async def over():
        now = await job_of(client, job["id"])
        return now if now["state"] != "running" else None
    ended = await until(over, "the job ends")
    assert ended["state"] == "failed" and ended["result"] is None
    assert ended["error"]["code"] == "invalid_import" and "line 3" in ended["error"]["message"]
    assert await titles(client) == []
    assert not [r for r in caplog.records if r.levelname == "ERROR"]
    resp = await client.post("/api/import", data=bad)  # waited for: the same 422 as before
    assert resp.status == 422
    assert_error_shape(await resp.json(), "invalid_import")


async def test_the_import_dialog_shows_progress_and_cancels(live, browser, held, tmp_path):
    upload = tmp_path / "pocket-export.csv"
    upload.write_bytes(pocket_csv())
    page = await browser.new_page()
    problems = []
    page.on("pageerror", lambda e: problems.append(str(e)))
    await log_in(page, live)
    await page.click("#transfer-button")
    await page.wait_for_selector("#transfer[open]")
    await page.set_input_files("#import-file", str(upload))
    await page.click("#import-start")
    await page.wait_for_selector(f"#import-status:has-text('Importing: {HELD_AFTER} of {ROWS} articles')")
    assert await page.is_visible("#import-progress") and await page.is_disabled("#import-start")
    await page.click("#import-cancel")
    await page.wait_for_selector(f"#import-status:has-text('Import cancelled after {HELD_AFTER} of {ROWS} articles')")
    assert not await page.is_visible("#import-cancel") and not await page.is_visible("#import-progress")
    assert await page.is_enabled("#import-start")
    listing = await api(live, "GET", "/api/articles?state=all")
    assert len(listing["items"]) == HELD_AFTER
    assert problems == []
