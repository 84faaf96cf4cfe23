"""What the library keeps tidy by itself: what search finds after re-anchoring, the trash after
its time, expired page sessions. Real Store files in a temp dir."""
from __future__ import annotations

import time

import pytest

from quietpage.library import Library, ListQuery, read_page
from quietpage.settings import Settings
from quietpage.store import Store

from conftest import LOREM

URL = "https://example.com/voyage"


def page(first: str) -> str:
    body = "".join(f"<p>{p}</p>" for p in [first, *LOREM])
    return f"<html><head><title>The voyage</title></head><body><article><h1>The voyage</h1>{body}</article></body></html>"


@pytest.fixture
def library(tmp_path):
    library = Library(Store(tmp_path), Settings(data_dir=tmp_path, trash_ttl_s=3600))
    yield library
    library.close()


def save(library: Library, html: str) -> dict:
    return library.save(URL, read_page(html, URL, max_depth=1000))[0]


def found(library: Library, article_id: str, *terms: str) -> bool:
    query = " ".join(f'"{t}"' for t in terms)  # whole words
    return article_id in [a["id"] for a in library.page(ListQuery(q=query))["items"]]


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
