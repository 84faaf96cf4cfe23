"""What the library keeps tidy by itself: search words after re-anchoring, the trash after its
time, expired page sessions. Real Store files in a temp dir."""
from __future__ import annotations

import time

import pytest

from quietpage.library import Library, read_page
from quietpage.library.search import matches
from quietpage.settings import Settings
from quietpage.store import Store, pack_bodies

from conftest import LOREM

URL = "https://example.com/voyage"


def page(first: str) -> str:
    body = "".join(f"<p>{p}</p>" for p in [first, *LOREM])
    return f"<html><head><title>The voyage</title></head><body><article><h1>The voyage</h1>{body}</article></body></html>"


@pytest.fixture
def library(tmp_path):
    store = Store(tmp_path)
    yield Library(store, Settings(data_dir=tmp_path, trash_ttl_s=3600))
    store.close()


def save(library: Library, html: str) -> dict:
    return library.save(URL, read_page(html, URL, max_depth=1000))[0]


def found(library: Library, article_id: str, *terms: str) -> bool:
    return matches(library.store, library.index, article_id, list(terms))


def test_a_reanchored_quote_is_searched_as_it_now_reads(library):
    first = "The old ship traveled north along the coast, slowly, for three long days at sea."
    record = save(library, page(first))
    library.add_highlight(record["id"], [{"type": "TextQuoteSelector", "exact": first}], "yellow", "")
    assert found(library, record["id"], "traveled")
    save(library, page(first.replace("traveled", "travelled")))  # the site fixed its spelling
    (h,) = library.highlights(record["id"])
    assert h["status"] == "anchored"
    assert found(library, record["id"], "travelled")
    assert not found(library, record["id"], "traveled")  # nothing says it any more


def test_the_trash_is_emptied_of_what_outlived_its_time_only(library):
    old = save(library, page("An old story about the harbour and its boats, told again and again."))
    library.delete(old["id"])
    assert library.purge_trash(now=time.time()) == 0  # an hour has not passed
    assert library.purge_trash(now=time.time() + 3601) == 1
    assert library.index.counts()["all"] == 0
    with pytest.raises(Exception):
        library.store.get_article(old["id"], include_deleted=True)


def test_maintenance_forgets_expired_sessions(library):
    store = library.store
    store.add_session("expired", time.time() - 1)
    store.add_session("live", time.time() + 3600)
    store.maintenance()
    assert store.session_expiry("expired") is None
    assert store.session_expiry("live") is not None
    assert len(store.sessions) == 1


def test_a_search_looks_at_the_words_never_at_how_they_are_stored(tmp_path):
    """The search words are {"w": text's words, "n": highlights' words}: "w" and "n" are keys, not words."""
    store = Store(tmp_path)
    record = store.insert_article({"url_key": "k", "title": "T", "created_at": "2026-01-01T00:00:00.000Z"},
                                  pack_bodies({"content_html": "", "text": "a quiet harbour"}, "<p></p>"))
    store.insert_highlight({"article_id": record["id"], "selectors": [{"type": "TextQuoteSelector", "exact": "quiet"}],
                            "note": "boats", "color": "yellow", "status": "anchored",
                            "created_at": "2026-01-01T00:00:00.000Z", "updated_at": "2026-01-01T00:00:00.000Z"})
    library = Library(store, Settings(data_dir=tmp_path))  # derives the words the store lacks
    assert store.derived_bytes(record["id"]) is not None
    assert found(library, record["id"], "harbour") and found(library, record["id"], "boats")
    assert not found(library, record["id"], "w") and not found(library, record["id"], "n")
    store.close()
