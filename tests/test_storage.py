"""The journal + snapshot storage on real files: torn writes, damage, old files, schemas,
compaction, group commit and backups."""
import os
import re
import shutil
import time

import orjson
import pytest

from quietpage.library import Library, ListQuery
from quietpage.settings import Settings
from quietpage.store import pack_bodies
from quietpage.errors import CorruptData
from quietpage.store.backups import BackupPolicy, taken_at
from quietpage.store.journal import HEAD
from quietpage.store.migrations import SCHEMA_VERSION
from quietpage.store.recovery import journal_files
from quietpage.store.store import Store
from quietpage.store.tiny import Database


def journal_of(path):
    files = journal_files(path)
    assert files, "no journal"
    return files[-1][1]


def docs(db) -> dict:
    return {d.doc_id: dict(d) for d in db.table("t").all()}


def test_a_torn_last_record_is_dropped_whatever_the_cut(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    db = Database(src / "db.json")
    db.table("t").insert({"n": 1})
    db.table("t").insert({"n": 2, "text": "the last record, cut anywhere"})
    journal = journal_of(src / "db.json")
    full = journal.read_bytes()
    last = full.rindex(b"QJ")  # where the last record starts
    for cut in range(last + 1, len(full)):  # every torn length of the last record
        work = tmp_path / f"cut{cut}"
        shutil.copytree(src, work)
        journal_of(work / "db.json").write_bytes(full[:cut])
        again = Database(work / "db.json")
        assert sorted(d["n"] for d in docs(again).values()) == [1]
        assert journal_of(work / "db.json").stat().st_size == last  # cut back to whole records
        again.table("t").insert({"n": 3})  # and appending goes on cleanly
        again.close()
        assert sorted(d["n"] for d in docs(Database(work / "db.json")).values()) == [1, 3]
        shutil.rmtree(work)
    db.close()


def test_a_zero_filled_tail_is_dropped(tmp_path):
    db = Database(tmp_path / "db.json")
    db.table("t").insert({"n": 1})
    journal = journal_of(tmp_path / "db.json")
    size = journal.stat().st_size
    with open(journal, "ab") as f:
        f.write(b"\0" * 300)  # what a power cut can leave after the last fsync
    db2_dir = tmp_path / "copy"
    shutil.copytree(tmp_path, db2_dir, ignore=shutil.ignore_patterns("copy"))
    again = Database(db2_dir / "db.json")
    assert [d["n"] for d in docs(again).values()] == [1]
    assert journal_of(db2_dir / "db.json").stat().st_size == size
    again.close()
    db.close()


def test_damage_inside_the_journal_is_refused_and_left_untouched(tmp_path):
    db = Database(tmp_path / "db.json")
    for n in range(3):
        db.table("t").insert({"n": n})
    journal = journal_of(tmp_path / "db.json")
    data = bytearray(journal.read_bytes())
    first = data.index(b"QJ", 2)  # the first change record, after the header
    data[first + HEAD.size + 3] ^= 0xFF  # flip a byte of its payload; two records follow
    shutil.copytree(tmp_path, tmp_path / "copy")
    damaged = journal_of(tmp_path / "copy" / "db.json")
    damaged.write_bytes(bytes(data))
    with pytest.raises(CorruptData) as err:
        Database(tmp_path / "copy" / "db.json")
    assert str(damaged) in err.value.message and "restore" in err.value.message
    assert damaged.read_bytes() == bytes(data)
    db.close()


def test_a_snapshot_edited_by_hand_is_refused_unless_its_checksum_is_removed(tmp_path):
    db = Database(tmp_path / "db.json")
    db.table("t").insert({"n": 1, "s": "before"})
    db.close()
    path = tmp_path / "db.json"
    path.write_bytes(path.read_bytes().replace(b'"before"', b'"edited"'))  # edited by hand
    with pytest.raises(CorruptData) as err:
        Database(path)
    assert "checksum" in err.value.message and '"crc32"' in err.value.message
    head, rest = path.read_bytes().split(b"\n", 1)
    path.write_bytes(re.sub(rb',"crc32":"[0-9a-f]{8}"', b"", head) + b"\n" + rest)  # as the message says
    again = Database(path)
    assert [d["s"] for d in docs(again).values()] == ["edited"]
    again.close()


def test_an_unreadable_snapshot_is_refused_and_never_overwritten(tmp_path):
    path = tmp_path / "db.json"
    Database(path).close()
    path.write_bytes(b'{"__quietpage__":{"format":1,"schema":2,"generation":0,"crc32":"00000000"},\n"t":{\n"x":{"n"')
    before = path.read_bytes()
    with pytest.raises(CorruptData) as err:
        Database(path)
    assert str(path) in err.value.message
    assert path.read_bytes() == before


def test_a_newer_schema_is_refused(tmp_path):
    path = tmp_path / "quietpage.json"
    path.write_bytes(orjson.dumps({"__quietpage__": {"schema": SCHEMA_VERSION + 1, "generation": 0}, "articles": {}}))
    with pytest.raises(CorruptData) as err:
        Store(tmp_path)
    assert "newer QuietPage" in err.value.message


def test_a_database_from_before_the_journal_is_backed_up_and_migrated(tmp_path):
    """The old storage wrote one plain JSON file (schema 1): it opens, is backed up first, and the
    library opened on it indexes each article's saved body for search."""
    store = Store(tmp_path / "build")
    rec = store.insert_article({"url_key": "k", "title": "Harbour", "created_at": "2026-01-01T00:00:00.000Z"},
                               pack_bodies({"content_html": "", "text": "Mackerel and crab"}, "<p>raw</p>"))
    tables = {"articles": {rec["id"]: store.get_article(rec["id"]) | {"id": rec["id"]}}, "highlights": {}}
    store.close()
    old_dir = tmp_path / "old"
    shutil.copytree(tmp_path / "build" / "articles", old_dir / "articles")
    old_file = old_dir / "quietpage.json"
    old_file.write_bytes(orjson.dumps(tables))  # exactly what AtomicJSONStorage wrote
    original = old_file.read_bytes()

    migrated = Store(old_dir)
    assert migrated.get_article(rec["id"])["title"] == "Harbour"
    library = Library(migrated, Settings(data_dir=old_dir))
    assert [a["id"] for a in library.page(ListQuery(q="mackerel"))["items"]] == [rec["id"]]
    assert "search_text" not in migrated.storage.read()
    library.close()
    saved = list((old_dir / "backups").glob(f"before-schema-{SCHEMA_VERSION}-*/quietpage.json"))
    assert len(saved) == 1 and saved[0].read_bytes() == original
    head = orjson.loads(old_file.read_bytes().split(b"\n", 1)[0].rstrip(b",") + b"}")
    assert head["__quietpage__"]["schema"] == SCHEMA_VERSION


def test_compaction_folds_the_journal_into_the_snapshot(tmp_path):
    path = tmp_path / "db.json"
    db = Database(path, compact_bytes=2000)
    table = db.table("t")
    for n in range(200):
        table.insert({"n": n, "pad": "x" * 50})
        if n % 3 == 0:
            table.update({"pad": "y"}, doc_ids=[next(iter(table._read_table()))])
    table.remove(doc_ids=[d.doc_id for d in table.all() if d["n"] % 2])
    expected = docs(db)
    assert len(journal_files(path)) <= 2  # the replaced journals are gone
    assert path.exists() and db.storage.generation > 3
    db.storage.wait_for_compaction()  # not to copy files while it renames them
    crashed = tmp_path / "crashed"  # the files as a kill -9 would leave them: no final snapshot
    shutil.copytree(tmp_path, crashed)
    assert docs(Database(crashed / "db.json")) == expected
    db.close()
    assert docs(Database(path)) == expected


def test_group_commit_acknowledges_only_what_is_fsynced(tmp_path):
    db = Database(tmp_path / "db.json", group_commit=True)
    storage = db.storage
    db.table("t").insert({"n": 1})
    first = storage.mark()
    db.table("t").insert({"n": 2})
    second = storage.mark()
    assert second == first + 1 and not storage.is_durable(first)
    storage.sync_to(first)  # one fsync covers both records
    assert storage.is_durable(second)
    db.close()


def test_daily_backups_keep_the_newest_seven(tmp_path):
    snapshot = tmp_path / "quietpage.json"
    policy = BackupPolicy(tmp_path / "backups", keep=7, interval_s=3600)
    taken = []
    for n in range(9):
        snapshot.write_bytes(f"snapshot {n}".encode())
        os.utime(snapshot, ns=(time.time_ns() + n * 10**9,) * 2)
        taken.append(policy.take(snapshot))
        snapshot.unlink()  # the next snapshot is a new file, as a compaction makes it
    kept = policy.daily()
    assert kept == taken[2:]
    assert [p.read_bytes() for p in kept] == [f"snapshot {n}".encode() for n in range(2, 9)]
    assert policy.next_due() == taken_at(kept[-1]) + 3600  # from the time in its name


def test_the_store_takes_its_first_backup_at_shutdown(tmp_path):
    store = Store(tmp_path)
    store.add_session("hash", 1.0)
    store.close()
    [backup] = (tmp_path / "backups").glob("quietpage-daily-*.json")
    assert backup.read_bytes() == (tmp_path / "quietpage.json").read_bytes()
