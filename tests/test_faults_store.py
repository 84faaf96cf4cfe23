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
from quietpage.store import OneThread, Store, pack_bodies
from quietpage.store.health import disk_health
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
    """The files in `folder` and their bytes (the lock file aside: it holds the pid of its user)."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file() and p.name != "quietpage.lock"}


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
    from quietpage.web.app import create_app
    from quietpage.web.auth import load_or_create_token
    from quietpage.web.context import CONTEXT

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
                               pack_bodies({"content_html": "", "text": "a"}, ""))
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
    store.insert_article({"url_key": "first", "title": "first", "created_at": "1"}, pack_bodies({"content_html": "", "text": "1"}, ""))
    store.storage.wait_for_compaction()
    disk.fill_files(leave=3)  # the article's folder and two files; no inode for a new journal
    record = {"url_key": "https://a.example/x", "title": "x", "created_at": "2"}
    saved = store.insert_article(record, pack_bodies({"content_html": "", "text": "x"}, "<p>x</p>"))
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


def test_a_revision_the_disk_refuses_halfway_leaves_no_file_and_the_article_as_it_was(disk):
    data = disk.path / "data"
    store = Store(data)
    saved = store.insert_article({"url_key": "a", "title": "A", "created_at": "1"},
                                 pack_bodies({"content_html": "", "text": "old"}, "<p>old</p>"))
    folder = data / "articles" / saved["id"]
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    disk.fill_files(leave=1)  # room for the new revision's first file, not for its second
    with pytest.raises(DiskFull):
        store.replace_article(saved["id"], {**saved, "title": "B"}, pack_bodies({"content_html": "", "text": "new"}, BIG))
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before  # the first file went too
    assert store.get_article(saved["id"])["title"] == "A" and store.read_body(saved["id"])["text"] == "old"
    disk.free()
    new = store.replace_article(saved["id"], {**saved, "title": "B"}, pack_bodies({"content_html": "", "text": "new"}, BIG))
    assert sorted(p.name for p in folder.iterdir()) == [f"{new['rev']}.raw.html.gz", f"{new['rev']}.reader.json.gz"]
    assert store.read_body(saved["id"])["text"] == "new" and store.read_raw(saved["id"]) == BIG
    store.close()


def test_a_revision_cut_short_by_a_kill_is_never_read_and_goes_with_the_next(tmp_path):
    """A new revision's files are written under their own names (no record names them yet): what a
    kill leaves of one is read by nothing, and the next revision of the article removes it."""
    store = Store(tmp_path)
    saved = store.insert_article({"url_key": "a", "title": "A", "created_at": "1"},
                                 pack_bodies({"content_html": "", "text": "old"}, ""))
    folder = tmp_path / "articles" / saved["id"]
    whole = pack_bodies({"content_html": "", "text": "never saved"}, "")
    (folder / "KilledRev001.reader.json.gz").write_bytes(whole.reader_gz[:12])  # the kill came mid-write
    store.close()
    store = Store(tmp_path)
    assert store.read_body(saved["id"])["text"] == "old"
    new = store.replace_article(saved["id"], {**saved, "title": "B"}, pack_bodies({"content_html": "", "text": "new"}, ""))
    assert sorted(p.name for p in folder.iterdir()) == [f"{new['rev']}.raw.html.gz", f"{new['rev']}.reader.json.gz"]
    store.close()


# ---------------------------------------------------------------------------- start-up and commands
def test_a_full_disk_or_a_read_only_folder_at_start_is_a_sentence(disk, capsys):
    from quietpage.cli import main

    disk.fill()
    assert main(["serve", "--port", "0", "--data-dir", str(disk.path / "new")]) == 1
    err = capsys.readouterr().err
    assert "the disk is full" in err and "Traceback" not in err
    disk.free()
    store = Store(disk.path / "lib")
    store.insert_article({"url_key": "k", "title": "T", "created_at": "1"}, pack_bodies({"content_html": "", "text": "t"}, ""))
    store.close()
    disk.fill()
    again = Store(disk.path / "lib")  # an existing library opens on a full disk: reading needs no room
    assert [a["title"] for a in again.all_articles()] == ["T"]
    again.close()
    assert main(["backup", "--data-dir", str(disk.path / "lib")]) == 1
    err = capsys.readouterr().err
    assert "could not write a backup" in err and "the disk is full" in err and "untouched" in err
    disk.free()
    disk.read_only()
    assert main(["serve", "--port", "0", "--data-dir", str(disk.path / "lib")]) == 1
    err = capsys.readouterr().err
    assert "cannot write to" in err and "read-only" in err and "Traceback" not in err
    health = disk_health(disk.path / "lib")
    assert health.status == "degraded" and "read-only" in health.reason


def test_restoring_a_backup_from_a_newer_schema_changes_nothing(tmp_path):
    from quietpage.store.migrations import SCHEMA_VERSION
    from quietpage.store.snapshot import write_snapshot

    from server_process import run_cli

    store = Store(tmp_path)
    store.insert_article({"url_key": "k", "title": "Mine", "created_at": "1"}, pack_bodies({"content_html": "", "text": "t"}, ""))
    store.close()
    newer = tmp_path / "newer.json"
    write_snapshot(newer, {"articles": {}}, schema=SCHEMA_VERSION + 1, generation=3)
    before = files_of(tmp_path)
    done = run_cli("restore", str(newer), data_dir=tmp_path)
    assert done.returncode == 1
    message = done.stderr.decode()
    assert "newer QuietPage" in message and "Nothing was changed" in message and "Traceback" not in message
    assert files_of(tmp_path) == before
    assert not list((tmp_path / "backups").glob("replaced-*"))
    again = Store(tmp_path)
    assert [a["title"] for a in again.all_articles()] == ["Mine"]
    again.close()


# ---------------------------------------------------------------------------- files taken away
def test_a_journal_deleted_while_running_is_noticed_and_its_changes_kept(tmp_path, caplog):
    path = tmp_path / "db.json"
    db = Database(path)
    db.table("t").insert({"n": 1})
    journal_files(path)[-1][1].unlink()
    health = db.storage.health()
    assert health.status == "degraded" and "could not be confirmed" in health.reason
    db.table("t").insert({"n": 2})  # notices, writes everything as a snapshot, goes on in a new journal
    assert "was deleted while QuietPage ran" in caplog.text
    assert db.storage.health().status == "ok"
    shutil.copytree(tmp_path, tmp_path.parent / "crash")  # as a crash would leave it
    assert numbers(Database(tmp_path.parent / "crash" / "db.json")) == [1, 2]
    db.close()


def test_the_data_dir_stays_locked_when_its_lock_file_is_deleted(tmp_path):
    from quietpage.store.lock import LOCK_FILE, DataDirLock, DataDirLocked

    first = Store(tmp_path)
    (tmp_path / LOCK_FILE).unlink()
    with pytest.raises(DataDirLocked):
        DataDirLock(tmp_path).acquire()
    first.close()
    DataDirLock(tmp_path).acquire().release()  # and it is free once the store is closed


# ---------------------------------------------------------------------------- leftovers
def test_leftovers_of_killed_or_failed_work_are_swept_at_start(tmp_path):
    from quietpage.store.backups import backup_now

    store = Store(tmp_path)
    kept = store.insert_article({"url_key": "a", "title": "A", "created_at": "1"}, pack_bodies({"content_html": "", "text": "a"}, ""))
    in_backup = store.insert_article({"url_key": "b", "title": "B", "created_at": "2"},
                                     pack_bodies({"content_html": "", "text": "b"}, ""))
    store.close()
    backup_now(tmp_path / "quietpage.json")  # names both articles
    store = Store(tmp_path)
    store.purge_article(in_backup["id"])  # gone from the records, its files too...
    store.close()
    (tmp_path / "articles" / in_backup["id"]).mkdir()  # ...but say they came back: a backup names it
    (tmp_path / "articles" / in_backup["id"] / "r.reader.json.gz").write_bytes(b"x")
    orphan = tmp_path / "articles" / "FailedSave01"  # a save whose record never made it
    orphan.mkdir()
    (orphan / "r.raw.html.gz").write_bytes(b"x" * 1000)
    (tmp_path / "tmp").mkdir()
    spool = tmp_path / "tmp" / "import-x1y2z3ab.upload"
    spool.write_bytes(b"{" * 5000)  # a killed import's upload
    snapshot_temp = tmp_path / ".quietpage.json.k2j4h5g6.tmp"  # a killed compaction's
    snapshot_temp.write_bytes(b"{")
    Store(tmp_path).close()
    assert not orphan.exists() and not spool.exists() and not snapshot_temp.exists()
    assert (tmp_path / "articles" / kept["id"]).is_dir()
    assert (tmp_path / "articles" / in_backup["id"]).is_dir()  # a backup may need it


def test_with_no_records_at_all_no_article_folder_is_touched(tmp_path):
    store = Store(tmp_path)
    store.insert_article({"url_key": "a", "title": "A", "created_at": "1"}, pack_bodies({"content_html": "", "text": "a"}, ""))
    store.close()
    shutil.rmtree(tmp_path / "backups")
    for path in tmp_path.glob("quietpage.j*"):  # the database moved away, as the restore message allows
        path.rename(tmp_path.parent / path.name)
    Store(tmp_path).close()
    assert len(list((tmp_path / "articles").iterdir())) == 1


# ---------------------------------------------------------------------------- honest logs, a wrong clock
def test_a_torn_last_record_is_logged_as_what_the_file_can_tell(tmp_path, caplog):
    db = Database(tmp_path / "db.json")
    db.table("t").insert({"n": 1})
    db.table("t").insert({"n": 2})
    journal = journal_files(tmp_path / "db.json")[-1][1]
    shutil.copytree(tmp_path, tmp_path.parent / "cut")
    db.close()
    cut = journal_files(tmp_path.parent / "cut" / "db.json")[-1][1]
    cut.write_bytes(cut.read_bytes()[:-3])
    with caplog.at_level(logging.WARNING):
        assert numbers(Database(tmp_path.parent / "cut" / "db.json")) == [1]
    assert "cut short" in caplog.text and "never acknowledged" not in caplog.text
    assert str(cut) in caplog.text and journal.name == cut.name


def test_daily_backups_are_scheduled_from_stored_times_and_ignore_the_future(tmp_path):
    import os
    import time

    from quietpage.store.backups import DAILY, BackupPolicy

    policy = BackupPolicy(tmp_path / "backups", keep=2, interval_s=24 * 3600)
    policy.folder.mkdir()
    ahead = time.time() + 30 * 24 * 3600  # taken once while the clock was a month ahead
    future = policy.folder / f"{DAILY}{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime(ahead))}.json"
    future.write_bytes(b"{}")
    os.utime(future, (ahead, ahead))
    assert policy.next_due() <= time.time() + 1  # due now, not in a month and a day
    yesterday = time.time() - 25 * 3600
    older = policy.folder / f"{DAILY}{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime(yesterday))}.json"
    older.write_bytes(b"{}")
    os.utime(older, (ahead, ahead))  # an mtime in the future changes nothing either
    assert policy.next_due() == pytest.approx(yesterday + 24 * 3600, abs=1)
    snapshot = tmp_path / "quietpage.json"
    snapshot.write_bytes(b"{}")
    policy.take(snapshot)
    assert not future.exists() and older.exists()  # the future-dated one goes first


def test_a_clock_that_went_back_does_not_put_off_the_daily_backup(tmp_path):
    import time

    store = Store(tmp_path)
    store.insert_article({"url_key": "a", "title": "A", "created_at": "1"}, pack_bodies({"content_html": "", "text": "a"}, ""))
    store.storage.wait_for_compaction()
    daily = len(store.storage._backups.daily())
    store.storage._next_backup = time.time() + 10 * 24 * 3600  # scheduled while the clock was ahead
    store.update_article(store.article_id_for_url("a"), {"title": "B"})
    store.storage.wait_for_compaction()
    assert len(store.storage._backups.daily()) == daily + 1
    store.close()
