"""A record of the wrong shape already on disk (a backup imported before the importer checked
every field, a file edited by hand) never keeps the server from starting (issue 23): the
indexes sort a value of the wrong type as missing, the trash keeps what it cannot date, and the
list, search and trash go on answering - with the real app on real store files."""
from __future__ import annotations

import pytest

from quietpage.library import Library
from quietpage.settings import Settings
from quietpage.store import Store, pack_bodies
from quietpage.web.app import create_app

NOW = "2026-01-02T00:00:00.000Z"
# What issue 23's doctored backup wrote, and a few more of the same kind.
DOCTORED = [{"reading_minutes": "5"}, {"published": 20240101}, {"deleted_at": 1},
            {"created_at": 5}, {"reading_minutes": None, "published": ["2024"]},
            {"deleted_at": "yesterday"}, {"reading_minutes": float("nan")}, {"reading_minutes": True}]


def record(i: int, **fields) -> dict:
    return {"url": f"https://harbour.example/{i}", "url_key": f"https://harbour.example/{i}",
            "title": f"Harbour note {i}", "byline": None, "excerpt": "", "tags": [], "state": "unread",
            "deleted_at": None, "favorite": False, "published": "2025-01-01", "reading_minutes": 3,
            "created_at": NOW, **fields}


def write_store(data_dir) -> list[str]:
    """Two sound records and the doctored ones, straight into the store (no library checks)."""
    store = Store(data_dir)
    try:
        return [store.insert_article(record(i, **fields), pack_bodies({"content_html": "<p>tide</p>",
                                                                        "text": "tide"}, "<p>tide</p>"))["id"]
                for i, fields in enumerate([{}, {}, *DOCTORED])]
    finally:
        store.close()


@pytest.mark.parametrize("sort", ["saved", "published", "reading_time", "relevance"])
async def test_the_server_starts_and_lists_over_records_of_the_wrong_type(aiohttp_client, settings, token, sort):
    ids = write_store(settings.data_dir)
    client = await aiohttp_client(create_app(settings), headers={"Authorization": f"Bearer {token}"})
    params = {"state": "all", "sort": sort, "limit": 3, **({"q": "tide"} if sort == "relevance" else {})}
    seen, cursor = [], None
    for _ in range(len(ids) + 1):  # paged by cursor, through the wrong-typed keys too
        resp = await client.get("/api/articles", params={**params, **({"cursor": cursor} if cursor else {})})
        assert resp.status == 200, await resp.text()
        page = await resp.json()
        seen += [a["id"] for a in page["items"]]
        cursor = page.get("next_cursor")
        if not cursor:
            break
    in_trash = {ids[2 + i] for i, fields in enumerate(DOCTORED) if fields.get("deleted_at")}  # (any deletion time)
    assert sorted(seen) == sorted(set(ids) - in_trash) and len(seen) == len(set(seen))
    assert (await client.get("/api/health")).status == 200


def test_the_trash_keeps_what_it_cannot_date(data_dir):
    ids = write_store(data_dir)
    store = Store(data_dir)
    try:
        library = Library(store, Settings(data_dir=data_dir, trash_ttl_s=1))
        assert library.purge_trash(now=4_000_000_000) == 0  # deleted_at 1 and "yesterday": kept, not a crash
        assert {a["id"] for a in store.all_articles()} == set(ids)
    finally:
        store.close()
