"""Faults of the server around the store, each as a user meets it: a full disk when the token is
made, an unexpected error, a clock that jumps ahead, a page that takes too long to read, a saved
page whose files are gone or damaged, an export that cannot be written. Full disks are a real
small tmpfs as root, else simulated at the file layer (tests/disk_faults.py)."""
from __future__ import annotations

import pytest

from quietpage.settings import Settings
from quietpage.store import Store, pack_bodies

from disk_faults import SmallDisk


@pytest.fixture
def disk(tmp_path, monkeypatch):
    small = SmallDisk(tmp_path / "disk", monkeypatch)
    yield small
    small.close()


# ---------------------------------------------------------------------------- a full disk at start
def test_making_the_token_on_a_full_disk_is_a_sentence(disk, capsys):
    from quietpage.cli import main

    library = disk.path / "lib"
    store = Store(library)  # a library without a token file yet (copied from elsewhere, say)
    store.insert_article({"url_key": "k", "title": "T", "created_at": "1"}, pack_bodies({"content_html": "", "text": "t"}, ""))
    store.close()
    disk.fill()
    assert main(["serve", "--port", "0", "--data-dir", str(library)]) == 1
    err = capsys.readouterr().err
    assert "API token" in err and "the disk is full" in err and "Traceback" not in err
    from quietpage.store.lock import DataDirLock

    with DataDirLock(library):  # login-url and pair need a server running on it: one that holds its lock
        for command in (["token"], ["login-url"], ["pair"]):
            assert main([*command, "--data-dir", str(library)]) == 1
            err = capsys.readouterr().err
            assert "API token" in err and "the disk is full" in err, command
    assert not (library / "token").exists() and not list(library.glob(".token.*"))
    disk.free()
    assert main(["token", "--data-dir", str(library)]) == 0
    assert (library / "token").stat().st_mode & 0o777 == 0o600


# ---------------------------------------------------------------------------- an unexpected error
async def test_an_unexpected_error_says_only_what_is_known(client, caplog):
    from quietpage.web.context import CONTEXT

    from conftest import LOREM, page_html, save

    article = await save(client, "https://a.example/x", page_html("Harbour", LOREM))
    library = client.app[CONTEXT].library
    real_patch = library.patch

    def patch_then_fail(article_id, changes):
        real_patch(article_id, changes)  # the change is made, then something breaks
        raise RuntimeError("a bug after the write")

    library.patch = patch_then_fail
    resp = await client.patch(f"/api/articles/{article['id']}", json={"favorite": True})
    body = await resp.json()
    assert resp.status == 500 and body["error"]["code"] == "internal_error"
    message = body["error"]["message"]
    assert "nothing was changed" not in message.lower() and "not known" in message and "reload" in message
    assert (await (await client.get(f"/api/articles/{article['id']}")).json())["favorite"] is True  # it was made
    library.tags = lambda: 1 / 0
    resp = await client.get("/api/tags")
    message = (await resp.json())["error"]["message"]
    assert resp.status == 500 and "server log" in message and "change" not in message
    assert "a bug after the write" in caplog.text


# ---------------------------------------------------------------------------- a clock that jumps
def test_a_clock_set_a_month_ahead_empties_nothing_from_the_trash(tmp_path, caplog, monkeypatch):
    import time

    from quietpage.clock import SteadyClock
    from quietpage.library import Library, read_page

    from conftest import LOREM, page_html

    month = 30 * 24 * 3600
    store = Store(tmp_path)
    library = Library(store, Settings(data_dir=tmp_path, trash_ttl_s=month))
    try:
        wall = [time.time()]
        passed = [0.0]
        library.clock = SteadyClock(wall=lambda: wall[0], elapsed=lambda: passed[0])
        page = read_page(page_html("Harbour", LOREM), "https://a.example/x", max_depth=1000)
        article = library.save("https://a.example/x", page)[0]
        library.delete(article["id"])
        wall[0] += month + 3600  # the system clock is set a month and an hour ahead
        monkeypatch.setattr(time, "time", lambda: wall[0])
        assert library.purge_trash() == 0
        assert "days ahead" in caplog.text
        assert library.restore(article["id"])["id"] == article["id"]  # still there, and restorable
        library.delete(article["id"])
        passed[0] += month + 7200  # and now a month really passes
        assert library.purge_trash() == 1
    finally:
        store.close()


def test_the_steady_clock_follows_a_clock_set_back_and_ignores_one_set_ahead():
    from quietpage.clock import SteadyClock

    wall, passed = [1000.0], [50.0]
    clock = SteadyClock(wall=lambda: wall[0], elapsed=lambda: passed[0])
    passed[0] += 10
    wall[0] += 10
    assert clock.now() == 1010 and clock.ahead() == 0
    wall[0] += 86400  # set ahead: ignored
    assert clock.now() == 1010 and clock.ahead() == 86400
    wall[0] = 900  # set back: followed, things come due later
    assert clock.now() == 900


# ---------------------------------------------------------------------------- an export that cannot be written
def leftovers(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith(".filler"))


def big_library(data_dir) -> None:
    """A library whose JSON export is larger than a page (a full disk refuses it)."""
    store = Store(data_dir)
    for n in range(3):
        store.insert_article({"url": f"https://a.example/{n}", "url_key": f"k{n}", "title": f"T{n}", "created_at": f"{n}"},
                             pack_bodies({"content_html": "<p>x</p>", "text": "x " * 5000}, "<p>" + "y " * 5000))
    store.close()


@pytest.mark.parametrize("fmt, dest", [("json", "out.json"), ("markdown", "out.zip")])
def test_an_export_to_a_full_disk_is_a_sentence_and_leaves_nothing(disk, tmp_path, capsys, fmt, dest):
    from quietpage.cli import main

    lib = tmp_path / "lib"
    big_library(lib)
    disk.fill()
    assert main(["export", "--format", fmt, str(disk.path / dest), "--data-dir", str(lib)]) == 1
    err = capsys.readouterr().err
    assert f"cannot write {disk.path / dest}" in err and "the disk is full" in err and "Traceback" not in err
    assert leftovers(disk.path) == []  # no half file, no temp file


def test_an_export_through_the_server_to_a_full_disk_blames_the_disk(disk, tmp_path, capsys):
    from quietpage.cli import main

    from server_process import ServerProcess

    lib = tmp_path / "lib"
    big_library(lib)
    with ServerProcess(lib):
        disk.fill()
        assert main(["export", "--format", "json", str(disk.path / "out.json"), "--data-dir", str(lib)]) == 1
        err = capsys.readouterr().err
        assert "the disk is full" in err and "server" not in err and "Traceback" not in err
        assert leftovers(disk.path) == []
        disk.free()
        assert main(["export", "--format", "json", str(disk.path / "out.json"), "--data-dir", str(lib)]) == 0
    assert leftovers(disk.path) == ["out.json"]


# ---------------------------------------------------------------------------- health
async def test_health_says_degraded_and_why_when_the_disk_is_full(aiohttp_client, disk):
    from quietpage.web.app import create_app
    from quietpage.web.auth import load_or_create_token

    settings = Settings(data_dir=disk.path / "data", port=0)
    token = load_or_create_token(settings.data_dir)
    client = await aiohttp_client(create_app(settings))
    with_token = {"Authorization": f"Bearer {token}"}
    health = await (await client.get("/api/health")).json()
    assert health["status"] == "ok" and health["storage"] == {"status": "ok"}
    assert health["extraction"]["status"] == "ok" and health["extraction"]["workers"] == settings.extract_workers
    disk.fill()
    resp = await client.get("/api/health", headers=with_token)
    health = await resp.json()
    assert resp.status == 200 and health["status"] == "degraded"
    assert health["storage"]["status"] == "degraded" and "The disk is full" in health["storage"]["reason"]
    anonymous = await (await client.get("/api/health")).json()  # any local program: the state, not the why
    assert anonymous["status"] == "degraded" and anonymous["storage"] == {"status": "degraded"}
    disk.free()
    assert (await (await client.get("/api/health")).json())["status"] == "ok"


# ---------------------------------------------------------------------------- two writes, one save
def test_a_save_whose_images_list_the_disk_refuses_is_still_a_save(disk, monkeypatch, caplog):
    """A save writes the article's record, then the list of its images. A disk that fills in
    between does not make the save answer an error (the article is on disk: a retry after "the
    disk is full" would find it saved) - for a new article and for one saved again; the list is
    made again from the reader view when the images are archived, keeping what was archived."""
    from quietpage.library import Library, read_page

    from conftest import LOREM, page_html

    settings = Settings(data_dir=disk.path / "lib")
    url = "https://harbour.example/boats"

    def reading(*images: str):  # 40 of each, with long names: their list is more than the disk's last page holds
        names = [f"{name}-{n:02}-{'x' * 150}" for name in images for n in range(40)]
        figures = "".join(f'<p><img src="https://img.example/{name}.png" width="640" height="480" alt="{name}"></p>'
                          for name in names)
        html = page_html("Boats", LOREM).replace("</p>", "</p>" + figures, 1)
        return read_page(html, url, max_depth=settings.max_html_depth)

    library = Library.open(settings.data_dir, settings)
    put = library.store.put_images_doc

    def disk_fills_first(*args):
        disk.fill()
        return put(*args)

    try:
        monkeypatch.setattr(library.store, "put_images_doc", disk_fills_first)
        record, created, _ = library.save(url, reading("boat"))  # before: DiskFull, for a save on disk
        assert created and record["images"]["total"] == 40
        assert library.store.images_doc(record["id"]) is None and "will be made again" in caplog.text
        disk.free()
        monkeypatch.setattr(library.store, "put_images_doc", put)
        first = library.image_plan(record["id"])["pending"]
        assert len(first) == 40 and all(u.startswith("https://img.example/boat-") for u in first)
        library.images_done(record["id"], {first[0]: {"error": "offline", "code": "x"}})

        monkeypatch.setattr(library.store, "put_images_doc", disk_fills_first)
        again, created, _ = library.save(url, reading("boat", "net"))  # saved again: the same article
        assert not created and again["id"] == record["id"] and again["images"]["total"] == 80
        disk.free()
        monkeypatch.setattr(library.store, "put_images_doc", put)
        plan = library.image_plan(record["id"])  # the list follows the new reader view, not the old one
        assert plan["pending"][:40] == first and len(plan["pending"]) == 80  # the failed one tried again
        assert len(library.store.images_doc(record["id"])["items"]) == 80
    finally:
        library.close()
    store = Store(settings.data_dir)
    try:
        assert [a["url_key"] for a in store.all_articles()] == [url]
    finally:
        store.close()
