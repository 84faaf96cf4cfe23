"""The upgrade gate: our TinyDB tables (in-place, journalled) behave exactly like stock TinyDB.

JournalTable overrides TinyDB internals (`_read_table`, `_update_table`). TinyDB is pinned
(tinydb==4.9.*); before changing the pin, this must pass: random sequences of insert,
insert_multiple, update (fields, callable, query, ids), update_multiple, upsert, remove,
truncate and failing updates run on stock TinyDB (its JSONStorage) and on ours (journal and
snapshot), and every read agrees - also after closing ours and opening it again from disk, and
when stock TinyDB opens the snapshot file we leave behind.
"""
import itertools
import json
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tinydb import Query, TinyDB
from tinydb.storages import JSONStorage
from tinydb.table import Document, Table

from quietpage.store.tiny import Database
from quietpage.store.table import JournalTable

Q = Query()
KEYS = ("a", "b", "c")
values = st.one_of(st.integers(-5, 5), st.text(max_size=5), st.booleans(), st.none(),
                   st.lists(st.integers(0, 3), max_size=3), st.dictionaries(st.sampled_from(KEYS), st.integers(0, 3), max_size=2))
docs = st.dictionaries(st.sampled_from(KEYS), values, max_size=3)
conds = st.sampled_from([Q.a == 1, Q.b.exists(), Q.a.test(lambda v: isinstance(v, int) and v > 0),
                         ~Q.c.exists(), (Q.a == 2) | (Q.b == "x")])
ids = st.sampled_from([f"id{n:03d}" for n in [*range(6), *range(100, 106)]])  # 100+: generated ones


class Boom(Exception):
    pass


def failing_update(doc):
    doc["a"] = "half done"
    raise Boom()


ops = st.one_of(
    st.tuples(st.just("insert"), docs),
    st.tuples(st.just("insert_doc"), docs, ids),
    st.tuples(st.just("insert_multiple"), st.lists(docs, max_size=4)),
    st.tuples(st.just("insert_multiple_ids"), st.lists(docs, max_size=3), docs, ids),
    st.tuples(st.just("update_cond"), docs, conds),
    st.tuples(st.just("update_ids"), docs, st.lists(ids, max_size=3)),
    st.tuples(st.just("update_callable"), conds),
    st.tuples(st.just("update_multiple"), st.lists(st.tuples(docs, conds), max_size=3)),
    st.tuples(st.just("upsert_cond"), docs, conds),
    st.tuples(st.just("upsert_doc"), docs, ids),
    st.tuples(st.just("remove_cond"), conds),
    st.tuples(st.just("remove_ids"), st.lists(ids, max_size=3)),
    st.tuples(st.just("truncate")),
    st.tuples(st.just("fail"), conds),
    st.tuples(st.just("reopen")),
    st.tuples(st.just("recover")),
)


def counter_ids(table_cls):
    """A table class whose generated ids are id100, id101, ... (the same in both databases)."""
    counter = itertools.count(100)
    return type("Counted" + table_cls.__name__, (table_cls,), {
        "document_id_class": str, "_get_next_id": lambda self: f"id{next(counter):03d}"})


def apply(table: Table, op):
    kind, *args = op
    if kind == "insert":
        return table.insert(args[0])
    if kind == "insert_doc":
        return table.insert(Document(args[0], doc_id=args[1]))
    if kind == "insert_multiple":
        return table.insert_multiple(args[0])
    if kind == "insert_multiple_ids":  # fails half-way if the id is taken: nothing may remain
        return table.insert_multiple([*args[0], Document(args[1], doc_id=args[2])])
    if kind == "update_cond":
        return table.update(args[0], args[1])
    if kind == "update_ids":
        return table.update(args[0], doc_ids=args[1])
    if kind == "update_callable":
        return table.update(lambda d: d.update(b="called"), args[0])
    if kind == "update_multiple":
        return table.update_multiple(args[0])
    if kind == "upsert_cond":
        return table.upsert(args[0], args[1])
    if kind == "upsert_doc":
        return table.upsert(Document(args[0], doc_id=args[1]))
    if kind == "remove_cond":
        return table.remove(args[0])
    if kind == "remove_ids":
        return table.remove(doc_ids=args[0])
    if kind == "truncate":
        return table.truncate()
    if kind == "fail":
        return table.update(failing_update, args[0])
    raise AssertionError(kind)


def outcome(table: Table, op):
    try:
        return "ok", apply(table, op)
    except (ValueError, KeyError, Boom) as exc:  # e.g. remove(doc_ids=[x, x]) raises in both
        return "raised", type(exc).__name__


def state(table: Table) -> list:
    return [(d.doc_id, dict(d)) for d in table.all()]


def recovered(db, path: Path, db_cls) -> list:
    """What a crash right now would leave: copy the files of the open database (no close, no
    final snapshot) and open the copy, which replays the journal."""
    db.storage.wait_for_compaction()  # not to copy files while they are renamed
    crash = path.parent / "crash"
    shutil.rmtree(crash, ignore_errors=True)
    crash.mkdir()
    for f in path.parent.glob(path.stem + "*"):
        if f.is_file():
            shutil.copy2(f, crash / f.name)
    db = db_cls(crash / path.name)
    try:
        return state(db.table("t"))
    finally:
        db.close()


def assert_same(stock: Table, ours: Table) -> None:
    assert state(ours) == state(stock)
    assert len(ours) == len(stock)
    for doc_id in [f"id{n:03d}" for n in [*range(6), *range(100, 108)]]:
        assert ours.get(doc_id=doc_id) == stock.get(doc_id=doc_id)
        assert ours.contains(doc_id=doc_id) == stock.contains(doc_id=doc_id)
    for cond in (Q.a == 1, Q.b.exists(), ~Q.c.exists()):
        assert [d.doc_id for d in ours.search(cond)] == [d.doc_id for d in stock.search(cond)]
        assert ours.count(cond) == stock.count(cond)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(ops, max_size=25), st.sampled_from([300, 2000, 1 << 20]))
def test_our_tables_behave_like_stock_tinydb(sequence, compact_bytes):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "db.json"
        stock_db = TinyDB(Path(tmp) / "stock.json")
        stock_db.table_class = counter_ids(Table)
        ours_cls = type("CountedDatabase", (Database,), {"table_class": counter_ids(JournalTable)})
        ours_db = ours_cls(path, compact_bytes=compact_bytes)  # small: compactions along the way
        stock, ours = stock_db.table("t"), ours_db.table("t")
        for op in sequence:
            if op[0] == "reopen":
                ours_db.close()
                ours_db = ours_cls(path, compact_bytes=compact_bytes)
                ours = ours_db.table("t")
            elif op[0] == "recover":
                assert recovered(ours_db, path, ours_cls) == state(stock)
            else:
                assert outcome(ours, op) == outcome(stock, op), op
            assert_same(stock, ours)
        assert ours_db.tables() == stock_db.tables()
        assert recovered(ours_db, path, ours_cls) == state(stock)
        ours_db.close()
        if not path.exists():  # nothing was ever written: there is no snapshot to compare
            assert not state(stock) and not stock_db.tables()
            return
        # Stock TinyDB reads the snapshot we leave behind, and finds the same documents.
        reread = TinyDB(path, storage=JSONStorage, access_mode="r")
        reread.table_class = counter_ids(Table)
        assert state(reread.table("t")) == state(stock)
        reread.close()
        stock_db.close()
        raw = json.loads(path.read_text())
        assert {k: v for k, v in raw.items() if k != "__quietpage__"} == json.loads((Path(tmp) / "stock.json").read_text() or "{}")


def test_drop_table_and_drop_tables_are_kept(tmp_path):
    db = Database(tmp_path / "db.json")
    db.table("a").insert({"x": 1})
    db.table("b").insert({"y": 2})
    db.drop_table("a")
    assert db.tables() == {"b"}
    db.close()
    db = Database(tmp_path / "db.json")
    assert db.tables() == {"b"} and [dict(d) for d in db.table("b").all()] == [{"y": 2}]
    db.drop_tables()
    db.close()
    db = Database(tmp_path / "db.json")
    assert db.tables() == set()
    db.close()
