"""Faults of the store, each as a user meets it: a damaged snapshot, a full disk, a journal that
cannot be started or is deleted, a deleted lock file, leftovers of killed work, a clock that
jumps. Full disks are a real small tmpfs as root, else simulated at the file layer
(tests/disk_faults.py)."""
import asyncio
import logging
import shutil
import zlib

import orjson
import pytest

from quietpage.errors import CorruptData, DiskFull
from quietpage.settings import Settings
from quietpage.store import OneThread, Store
from quietpage.store.journal import JournalFile, scan
from quietpage.store.recovery import journal_files
from quietpage.store.snapshot import read_snapshot
from quietpage.store.tiny import Database

from disk_faults import PAGE, SmallDisk

BIG = "x" * (3 * PAGE)  # more than a page: a full disk refuses it (see disk_faults)


@pytest.fixture
def disk(tmp_path, monkeypatch):
    small = SmallDisk(tmp_path / "disk", monkeypatch)
    yield small
    small.close()


def files_of(folder) -> dict:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def numbers(db) -> list:
    return sorted(d["n"] for d in db.table("t").all())


def flip(path, at: int, bit: int = 1) -> None:
    data = bytearray(path.read_bytes())
    data[at] ^= bit
    path.write_bytes(bytes(data))


# ---------------------------------------------------------------------------- the snapshot
def crashed_copy(tmp_path):
    """A library as a crash leaves it: snapshot generation 1, then ten changes in journal 1."""
    live = tmp_path / "live"
    live.mkdir()
    db = Database(live / "db.json")
    for n in range(3):
        db.table("t").insert({"n": n})
    db.close()  # compacts: the snapshot is generation 1
    db = Database(live / "db.json")
    for n in range(3, 13):
        db.table("t").insert({"n": n})
    copy = tmp_path / "copy"
    shutil.copytree(live, copy)  # the files as they are while it runs
    db.close()
    assert [g for g, _ in journal_files(copy / "db.json")] == [1]
    return copy


def test_a_flipped_bit_in_the_snapshot_generation_is_refused_and_every_file_kept(tmp_path):
    copy = crashed_copy(tmp_path)
    assert numbers(Database(shutil.copytree(copy, tmp_path / "sane") / "db.json")) == list(range(13))
    snapshot = copy / "db.json"
    at = snapshot.read_bytes().index(b'"generation":1') + len(b'"generation":')
    flip(snapshot, at, 0x02)  # "1" -> "3": journal 1 would look folded in already
    before = files_of(copy)
    with pytest.raises(CorruptData) as err:
        Database(snapshot)
    message = err.value.message
    assert str(snapshot) in message and "checksum" in message and "quietpage restore" in message
    assert files_of(copy) == before  # nothing written over, no journal deleted


def test_a_flipped_bit_in_a_snapshot_document_is_refused(tmp_path):
    copy = crashed_copy(tmp_path)
    snapshot = copy / "db.json"
    flip(snapshot, snapshot.read_bytes().index(b'{"n":2}') + 5)  # 2 -> 3
    before = files_of(copy)
    with pytest.raises(CorruptData) as err:
        Database(snapshot)
    assert "checksum" in err.value.message and str(snapshot) in err.value.message
    assert files_of(copy) == before


def test_a_snapshot_from_before_the_header_was_covered_still_opens(tmp_path):
    db = Database(tmp_path / "db.json")
    db.table("t").insert({"n": 7})
    db.close()
    path = tmp_path / "db.json"
    head, body = path.read_bytes().split(b"\n", 1)
    meta = orjson.loads(head[len(b'{"__quietpage__":'):].rstrip(b","))
    meta.update(format=1, crc32=f"{zlib.crc32(body):08x}")  # format 1 checked the body only
    path.write_bytes(b'{"__quietpage__":' + orjson.dumps(meta) + b",\n" + body)
    assert numbers(Database(path)) == [7]
    flip(path, path.read_bytes().index(b'{"n":7}') + 5)
    with pytest.raises(CorruptData):
        Database(path)


def test_a_journal_no_snapshot_proves_folded_in_is_never_deleted(tmp_path, caplog):
    path = tmp_path / "db.json"
    db = Database(path)
    db.table("t").insert({"n": 1})
    db.storage.compact(background=False)  # generation 1; journal 0 is folded in and deleted
    db.storage.compact(background=False)  # generation 2
    stranger = path.with_name("db.journal.000001")
    assert not stranger.exists()
    JournalFile.create(stranger, 1, 2).close()  # not ours: no snapshot we wrote holds it
    db.table("t").insert({"n": 2})
    db.storage.compact(background=False)
    assert stranger.exists()
    assert f"left {stranger} in place" in caplog.text
    db.close()
    assert stranger.exists()
    assert numbers(Database(path)) == [1, 2]


# ---------------------------------------------------------------------------- a full disk
def test_a_refused_record_is_cut_off_and_writing_resumes_when_there_is_room(disk):
    path = disk.path / "db.json"
    db = Database(path)
    db.table("t").insert({"n": 1})
    journal = journal_files(path)[-1][1]
    size = journal.stat().st_size
    disk.fill()
    with pytest.raises(DiskFull) as err:
        db.table("t").insert({"n": 2, "pad": BIG})
    assert err.value.status == 507 and err.value.code == "disk_full"
    assert err.value.message.startswith("The disk is full")
    assert journal.stat().st_size == size  # no half record for the next append to follow
    assert numbers(db) == [1]  # memory is as the disk: nothing poisoned
    assert db.storage.health().status == "degraded"
    disk.free()
    db.table("t").insert({"n": 3, "pad": BIG})
    assert db.storage.health().status == "ok"
    records, _, dropped = scan(journal.read_bytes())
    assert dropped is None and len(records) == 3  # the header, n=1, n=3
    shutil.copytree(disk.path, disk.path.parent / "crash", ignore=shutil.ignore_patterns(".filler*"))
    assert numbers(Database(disk.path.parent / "crash" / "db.json")) == [1, 3]
    db.close()


async def test_a_full_disk_refuses_saves_with_507_while_reading_goes_on(aiohttp_client, disk):
    from quietpage.app import create_app
    from quietpage.auth import load_or_create_token
    from quietpage.context import CONTEXT

    from conftest import LOREM, page_html

    settings = Settings(data_dir=disk.path / "data", port=0)
    token = load_or_create_token(settings.data_dir)
    client = await aiohttp_client(create_app(settings), headers={"Authorization": f"Bearer {token}"})
    storage = client.app[CONTEXT].library.store.storage

    async def save(n: int) -> tuple[int, dict]:
        resp = await client.post("/api/articles", json={"url": f"https://a.example/{n}",
                                                        "html": page_html(f"Harbour {n}", LOREM)})
        return resp.status, await resp.json()

    async def highlight(article_id: str) -> tuple[int, dict]:
        quote = {"type": "TextQuoteSelector", "exact": LOREM[0][:40]}
        resp = await client.post(f"/api/articles/{article_id}/highlights", json={"selectors": [quote], "note": BIG})
        return resp.status, await resp.json()

    status, first = await save(1)
    assert status == 201
    assert (await highlight(first["id"]))[0] == 201
    disk.fill()
    for status, body in (await save(2), await highlight(first["id"])):
        assert status == 507, body
        assert body["error"]["code"] == "disk_full" and body["error"]["message"].startswith("The disk is full")
    listed = await (await client.get("/api/articles")).json()
    assert [a["id"] for a in listed["items"]] == [first["id"]]
    resp = await client.get(f"/api/articles/{first['id']}/highlights")
    assert resp.status == 200 and len((await resp.json())["items"]) == 1
    assert storage.health().status == "degraded" and "full" in storage.health().reason
    disk.free()
    assert (await save(2))[0] == 201
    assert (await highlight(first["id"]))[0] == 201
    assert storage.health().status == "ok"
    await client.close()
    store = Store(settings.data_dir)
    try:
        assert sorted(a["title"] for a in store.all_articles()) == ["Harbour 1", "Harbour 2"]
        assert store.highlight_count(first["id"]) == 2
    finally:
        store.close()


async def test_a_failed_fsync_is_reported_as_unconfirmed_and_healed(tmp_path, monkeypatch):
    store = Store(tmp_path, group_commit=True)
    thread = OneThread(durability=store.storage)
    article = await thread.run(store.insert_article, {"url_key": "k", "title": "A", "created_at": "1"},
                               {"content_html": "", "text": "a"}, "")
    real_fsync = JournalFile.fsync

    def refuse_once(self):
        monkeypatch.setattr(JournalFile, "fsync", real_fsync)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(JournalFile, "fsync", refuse_once)
    with pytest.raises(DiskFull) as err:
        await thread.run(store.insert_highlight, {"article_id": article["id"], "note": "n", "created_at": "2"})
    assert "could not be confirmed" in err.value.message and "nothing was changed" not in err.value.message
    # The next call writes everything as a snapshot first, then answers: the change is there, once.
    assert [h["note"] for h in await thread.run(store.highlights_of, article["id"])] == ["n"]
    assert store.storage.health().status == "ok"
    thread.shutdown()
    store.close()
    again = Store(tmp_path)
    assert [h["note"] for h in again.highlights_of(article["id"])] == ["n"]
    again.close()


async def test_an_unconfirmed_journal_refuses_every_call_until_the_disk_takes_it(disk, monkeypatch):
    store = Store(disk.path / "data", group_commit=True)
    thread = OneThread(durability=store.storage)
    real_fsync = JournalFile.fsync

    def refuse(self):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(JournalFile, "fsync", refuse)
    with pytest.raises(Exception) as err:
        await thread.run(store.insert_highlight, {"article_id": "a", "note": "n", "created_at": "2"})
    assert err.value.code == "not_confirmed"
    monkeypatch.setattr(JournalFile, "fsync", real_fsync)
    disk.fill()
    with pytest.raises(DiskFull) as err:  # a read too: it would show what a crash could undo
        await thread.run(store.highlights_of, "a")
    assert "could not be confirmed" in err.value.message
    assert store.storage.health().status == "degraded"
    disk.free()
    assert [h["note"] for h in await thread.run(store.highlights_of, "a")] == ["n"]
    thread.shutdown()
    store.close()


def test_a_failed_journal_rollover_keeps_the_change_and_its_indexes(disk):
    data = disk.path / "data"
    settings = Settings(data_dir=data, journal_compact_bytes=1)  # every change starts a new journal
    store = Store(data, settings)
    store.insert_article({"url_key": "first", "title": "first", "created_at": "1"}, {"content_html": "", "text": "1"}, "")
    store.storage.wait_for_compaction()
    disk.fill_files(leave=3)  # the article's folder and two files; no inode for a new journal
    record = {"url_key": "https://a.example/x", "title": "x", "created_at": "2"}
    saved = store.insert_article(record, {"content_html": "", "text": "x"}, "<p>x</p>")
    assert store.article_id_for_url(record["url_key"]) == saved["id"]  # a retry finds it: no duplicate
    health = store.storage.health()
    assert health.status == "degraded" and "compacted" in health.reason
    disk.free()
    store.update_article(saved["id"], {"title": "y"})  # the next change compacts again
    store.storage.wait_for_compaction()
    assert store.storage.health().status == "ok"
    store.close()
    again = Store(data)
    assert sorted(a["url_key"] for a in again.all_articles()) == ["first", record["url_key"]]
    again.close()
