"""The store: real TinyDB files, atomic writes, unreadable files never overwritten."""
import pytest

from quietpage.store import pack_bodies
from quietpage.errors import CorruptData
from quietpage.store import Store
from quietpage.store.files import atomic_write

from server_process import run_cli


def test_records_and_bodies_round_trip(tmp_path):
    store = Store(tmp_path)
    rec = store.insert_article({"url": "https://a.example/", "url_key": "https://a.example/", "title": "A",
                                "created_at": "2026-01-01T00:00:00.000Z"},
                               pack_bodies({"content_html": "<p>x</p>", "text": "x"}, "<html>raw é</html>"))
    store.close()
    again = Store(tmp_path)
    assert again.get_article(rec["id"])["title"] == "A"
    assert again.read_body(rec["id"]) == {"content_html": "<p>x</p>", "text": "x"}
    assert again.read_raw(rec["id"]) == "<html>raw é</html>"
    assert again.article_id_for_url("https://a.example/") == rec["id"]


def test_a_new_revision_replaces_the_old_files(tmp_path):
    store = Store(tmp_path)
    rec = store.insert_article({"url_key": "k", "title": "A"}, pack_bodies({"content_html": "", "text": "one"}, "<p>one</p>"))
    store.replace_article(rec["id"], {"url_key": "k", "title": "B"}, pack_bodies({"content_html": "", "text": "two"}, "<p>two</p>"))
    files = sorted(p.name for p in (tmp_path / "articles" / rec["id"]).iterdir())
    assert len(files) == 2 and all(f.startswith(store.get_article(rec["id"])["rev"]) for f in files)
    assert store.read_body(rec["id"])["text"] == "two"


def test_atomic_write_keeps_the_old_file_when_writing_fails(tmp_path):
    target = tmp_path / "file.json"
    atomic_write(target, b"old")

    with pytest.raises(TypeError):
        atomic_write(target, object())  # fails half-way, after the temp file exists
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["file.json"]


def test_a_corrupt_database_is_refused_and_left_untouched(tmp_path):
    db = tmp_path / "quietpage.json"
    db.write_bytes(b'{"articles": {"x": {"title": "half a wri')
    with pytest.raises(CorruptData) as err:
        Store(tmp_path)
    assert str(db) in err.value.message
    assert db.read_bytes() == b'{"articles": {"x": {"title": "half a wri'


def test_the_server_refuses_to_start_on_a_corrupt_database(tmp_path):
    db = tmp_path / "quietpage.json"
    db.write_bytes(b"\x00\x01 not json")
    result = run_cli("serve", "--port", "0", data_dir=tmp_path)
    assert result.returncode == 1
    assert str(db).encode() in result.stderr
    assert db.read_bytes() == b"\x00\x01 not json"
