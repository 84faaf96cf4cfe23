"""When the full-text index commits (library/fulltext.py): the changes of a burst together, a lone
change by itself a moment later, and at once when a search (or anyone) waits for them. Each commit
syncs a new segment and may start a merge; one per change kept the disk busy through a burst and
every record write waited behind it. Real index files in a temp dir."""
from __future__ import annotations

import time

import pytest

from quietpage.library import Library, ListQuery, fulltext
from quietpage.library.fulltext import BURST, LATEST_S, QUIET_S, _Queue
from quietpage.settings import Settings
from quietpage.store import Store, pack_bodies


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(fulltext.time, "monotonic", clock)
    return clock


def test_changes_wait_for_a_quiet_moment_but_never_longer_than_latest(clock):
    q = _Queue()
    q.add(1, None)
    assert q._due() == pytest.approx(QUIET_S)
    clock.now += QUIET_S / 2
    q.add(1, None)  # another came (to the same article, replacing the first): the quiet starts again
    assert q._due() == pytest.approx(QUIET_S)
    for _ in range(40):  # changes keep coming, each sooner than QUIET_S after the one before
        clock.now += QUIET_S / 2
        q.add(1, None)
    assert q._due() <= 0  # the oldest has waited LATEST_S: now
    assert clock.now - 1000.0 >= LATEST_S


def test_a_waiter_a_burst_or_closing_has_them_committed_at_once(clock):
    q = _Queue()
    q.add(1, None)
    assert q._due() > 0
    q.wanted = q.seq  # FullText.wait: someone waits for change 1
    assert q._due() == 0
    assert [rid for rid, _, _ in q.take(0)] == [1]
    q.applied = q.seq  # done: the next change waits for its quiet moment again
    q.add(2, None)
    assert q._due() > 0
    for rid in range(3, BURST + 2):
        q.add(rid, None)
    assert len(q.ops) == BURST and q._due() == 0
    q = _Queue()
    q.add(1, None)
    q.closing = True
    assert q._due() == 0


def add(library: Library, n: int) -> dict:
    text = f"Mackerel note number {n} about the harbour."
    record = {"url": f"https://pace{n}.example/", "url_key": f"https://pace{n}.example/", "title": f"Pace {n}",
              "state": "unread", "created_at": "2026-01-01T00:00:00.000Z", "deleted_at": None, "tags": []}
    return library._insert_article(record, pack_bodies({"content_html": "", "text": text}, ""), text)


@pytest.fixture
def library(tmp_path):
    library = Library(Store(tmp_path), Settings(data_dir=tmp_path))
    yield library
    library.close()


def counting_commits(library: Library) -> list[int]:
    """The size of each batch the committer applies (one commit each)."""
    sizes, apply = [], library.fulltext._apply
    library.fulltext._apply = lambda batch: (sizes.append(len(batch)), apply(batch))[1]
    return sizes


def test_a_burst_of_saves_is_committed_in_a_few_commits_and_all_of_it_is_found(library):
    sizes = counting_commits(library)
    ids = [add(library, n)["id"] for n in range(150)]  # as fast as the store writes them (ms apart)
    assert library.wait_for_index(30)
    assert sum(sizes) == 150
    assert len(sizes) <= 10, sizes  # one per change (or per few changes) was 23 here
    found = library.page(ListQuery(q="mackerel", limit=200))
    assert found["total"] == 150 and sorted(a["id"] for a in found["items"]) == sorted(ids)


def test_a_lone_change_is_committed_by_itself_soon_after(library):
    add(library, 1)
    deadline = time.monotonic() + 10
    while library.fulltext.pending and time.monotonic() < deadline:  # nobody waits for it
        time.sleep(0.02)
    assert library.fulltext.pending == 0


def test_a_search_right_after_a_change_finds_it_without_waiting_for_quiet(library, monkeypatch):
    monkeypatch.setattr(fulltext, "QUIET_S", 30.0)  # nothing would commit by itself for a long while
    monkeypatch.setattr(fulltext, "LATEST_S", 60.0)
    add(library, 1)
    started = time.monotonic()
    assert [a["title"] for a in library.page(ListQuery(q="harbour"))["items"]] == ["Pace 1"]
    assert time.monotonic() - started < 10  # the search had it committed, not waited out
