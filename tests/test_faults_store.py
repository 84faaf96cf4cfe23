"""Faults of the store, each as a user meets it: a damaged snapshot, a full disk, a journal that
cannot be started or is deleted, a deleted lock file, leftovers of killed work, a clock that
jumps. Full disks are a real small tmpfs as root, else simulated at the file layer
(tests/disk_faults.py)."""
import shutil
import zlib

import orjson
import pytest

from quietpage.errors import CorruptData
from quietpage.store.recovery import journal_files
from quietpage.store.tiny import Database


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
