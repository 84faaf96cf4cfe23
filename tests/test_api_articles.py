"""Saving, reading, listing, changing and deleting articles through the real app."""
import pytest

from conftest import LOREM, SEED_URL, page_html, save

ARTICLE_FIELDS = ("title", "byline", "site_name", "published", "lang", "excerpt", "lead_image",
                  "content_html", "text", "word_count", "reading_minutes")


async def test_health_needs_no_token(anon):
    resp = await anon.get("/api/health")
    assert resp.status == 200
    body = await resp.json()
    assert body["status"] == "ok" and body["version"]


async def test_save_seed_page_returns_the_reader_view(client, seed_html, seed_expected):
    body = await save(client, SEED_URL, seed_html)
    for field in ARTICLE_FIELDS + ("id", "tags", "reader_url", "created_at", "updated_at"):
        assert field in body, field
    lines = body["text"].split("\n")
    assert all(p in lines for p in seed_expected["paragraphs"])
    assert not [s for s in seed_expected["must_not_contain"] if s in body["text"]]
    assert body["title"] == seed_expected["title"]
    assert body["reader_url"].endswith(f"/read/{body['id']}")
    assert body["tags"] == []  # suggested, never applied (tests/test_tag_library.py)
    names = {t["name"] for t in body["suggested_tags"]}
    assert {"Iran", "Russia", "Ukraine", "White House"} <= names
    assert all(set(t) == {"name", "source", "score"} for t in body["suggested_tags"])
    assert body["highlights"] == {"anchored": 0, "orphaned": 0}
    assert "url_key" not in body and "rev" not in body


async def test_saving_the_same_url_again_updates_and_keeps_the_id(client, seed_html):
    first = await save(client, SEED_URL, seed_html)
    again = await save(client, SEED_URL + "?utm_source=feed#comments", seed_html, expect=200)
    assert again["id"] == first["id"]
    assert again["created_at"] == first["created_at"]
    assert again["updated_at"] >= first["updated_at"]
    listing = await (await client.get("/api/articles")).json()
    assert [a["id"] for a in listing["items"]] == [first["id"]]


async def test_extract_stores_nothing(client, seed_html, seed_expected):
    resp = await client.post("/api/extract", json={"url": SEED_URL, "html": seed_html})
    assert resp.status == 200
    body = await resp.json()
    assert body["title"] == seed_expected["title"]
    assert {t["name"] for t in body["tags"]} >= {"Iran", "Russia"}
    listing = await (await client.get("/api/articles")).json()
    assert (listing["items"], listing["next_cursor"], listing["total"]) == ([], None, 0)
    assert listing["counts"] == {"all": 0, "unread": 0, "archived": 0, "favorites": 0, "highlighted": 0, "trash": 0}


async def test_get_article_has_the_body_when_asked(client, seed_html):
    """The reader's HTML and text are large: GET answers them only with ?body=true."""
    saved = await save(client, SEED_URL, seed_html)
    resp = await client.get(f"/api/articles/{saved['id']}", params={"body": "true"})
    assert resp.status == 200
    body = await resp.json()
    assert body["text"] == saved["text"] and body["content_html"] == saved["content_html"]
    lean = await (await client.get(f"/api/articles/{saved['id']}")).json()
    assert "text" not in lean and "content_html" not in lean
    assert {k: v for k, v in body.items() if k not in ("text", "content_html")} == lean
    assert body["highlight_count"] == 0


async def test_list_is_newest_first_and_pages_with_a_cursor(client):
    ids = []
    for i in range(5):
        saved = await save(client, f"https://example.com/story/{i}", page_html(f"Story number {i} of five", LOREM))
        ids.append(saved["id"])
    seen, cursor = [], None
    while True:
        url = "/api/articles?limit=2" + (f"&cursor={cursor}" if cursor else "")
        page = await (await client.get(url)).json()
        assert len(page["items"]) <= 2
        seen += [a["id"] for a in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == ids[::-1]
    first = (await (await client.get("/api/articles?limit=1")).json())["items"][0]
    assert "content_html" not in first and "text" not in first  # lists stay light


async def test_list_filters_by_search_tag_and_state(client):
    a = await save(client, "https://example.com/harbour", page_html("A quiet harbour story", LOREM))
    b = await save(client, "https://example.com/mountain", page_html("Mountain railways of Europe", [
        "The railway climbs through seven tunnels before reaching the glacier station at the summit.",
        "Engineers spent eleven winters blasting the rock, and the line opened in the summer of 1912.",
        "Today the trains carry skiers, hikers and the occasional lost cow back down to the valley.",
    ]))
    await client.patch(f"/api/articles/{b['id']}", json={"tags": ["Trains", "Alps"]})
    await client.patch(f"/api/articles/{a['id']}", json={"state": "archived"})

    async def ids(query):
        resp = await client.get(f"/api/articles?{query}")
        assert resp.status == 200
        return [x["id"] for x in (await resp.json())["items"]]

    assert await ids("q=mackerel") == [a["id"]]  # body text
    assert await ids("q=RAILWAYS") == [b["id"]]  # title, any case
    assert await ids("q=nowhere+to+be+found") == []
    assert await ids("tag=trains") == [b["id"]]  # tags match however written
    assert await ids("state=archived") == [a["id"]]
    assert await ids("state=unread") == [b["id"]]
    assert sorted(await ids("state=all")) == sorted([a["id"], b["id"]])


async def test_patch_changes_tags_state_favorite_progress(client, seed_html):
    saved = await save(client, SEED_URL, seed_html)
    resp = await client.patch(f"/api/articles/{saved['id']}", json={
        "tags": ["Iran", "geopolitics", "GEOPOLITICS", "  Middle   East "], "state": "archived",
        "favorite": True, "progress": 0.5})
    assert resp.status == 200
    body = await resp.json()
    assert [t["name"] for t in body["tags"]] == ["Iran", "geopolitics", "Middle East"]
    assert body["tags"][0]["source"] == "page" and body["tags"][1]["source"] == "user"
    assert (body["state"], body["favorite"], body["progress"]) == ("archived", True, 0.5)
    again = await (await client.get(f"/api/articles/{saved['id']}")).json()
    assert again["tags"] == body["tags"] and again["state"] == "archived"
    # a re-save keeps the user's tags and state
    resaved = await save(client, SEED_URL, seed_html, expect=200)
    assert resaved["tags"] == body["tags"] and resaved["state"] == "archived"


async def test_delete_moves_to_trash_and_restore_brings_it_back(client, seed_html):
    saved = await save(client, SEED_URL, seed_html)
    resp = await client.delete(f"/api/articles/{saved['id']}")
    assert resp.status == 200 and (await resp.json())["deleted"] is True
    assert (await client.get(f"/api/articles/{saved['id']}")).status == 404
    assert (await (await client.get("/api/articles")).json())["items"] == []
    resp = await client.post(f"/api/articles/{saved['id']}/restore")
    assert resp.status == 200
    assert (await (await client.get(f"/api/articles/{saved['id']}")).json())["title"] == saved["title"]


async def test_saving_a_deleted_url_again_brings_it_back(client, seed_html):
    saved = await save(client, SEED_URL, seed_html)
    await client.delete(f"/api/articles/{saved['id']}")
    again = await save(client, SEED_URL, seed_html, expect=200)
    assert again["id"] == saved["id"]
    assert (await client.get(f"/api/articles/{saved['id']}")).status == 200


async def test_list_filters_favourites_and_highlights_sorts_and_counts(client):
    quick = await save(client, "https://example.com/quick", page_html("A quick note on tides", LOREM[:1]))
    long = await save(client, "https://example.com/long", page_html("A long read about harbours",
                                                                      LOREM * 60))
    mid = await save(client, "https://example.com/mid", page_html("Mountain railways of Europe", LOREM * 8))
    await client.patch(f"/api/articles/{long['id']}", json={"favorite": True})
    await client.patch(f"/api/articles/{mid['id']}", json={"state": "archived"})
    resp = await client.post(f"/api/articles/{quick['id']}/highlights", json={
        "selectors": [{"type": "TextQuoteSelector", "exact": LOREM[0][:30]}], "note": "walrus sighting"})
    assert resp.status == 201

    async def ids(query):
        resp = await client.get(f"/api/articles?{query}")
        assert resp.status == 200, await resp.text()
        return [x["id"] for x in (await resp.json())["items"]]

    assert await ids("favorite=true") == [long["id"]]
    assert await ids("highlighted=true") == [quick["id"]]
    assert await ids("sort=reading_time") == [quick["id"], mid["id"], long["id"]]  # shortest first
    assert await ids("sort=reading_time&order=desc") == [long["id"], mid["id"], quick["id"]]
    assert await ids("sort=saved&order=asc") == [quick["id"], long["id"], mid["id"]]
    assert await ids("q=walrus") == [quick["id"]]  # highlight notes are searched
    assert (await ids("q=harbour&sort=relevance"))[:1] == [long["id"]]  # the title match first
    page = await (await client.get("/api/articles?state=unread&limit=1")).json()
    assert page["total"] == 2 and len(page["items"]) == 1 and page["next_cursor"]
    assert page["counts"] == {"all": 3, "unread": 2, "archived": 1, "favorites": 1, "highlighted": 1, "trash": 0}
    second = await (await client.get(f"/api/articles?state=unread&limit=1&cursor={page['next_cursor']}")).json()
    assert second["items"][0]["id"] != page["items"][0]["id"] and second["next_cursor"] is None
    # a cursor belongs to its sort
    resp = await client.get(f"/api/articles?state=unread&limit=1&sort=reading_time&cursor={page['next_cursor']}")
    assert resp.status == 422 and (await resp.json())["error"]["code"] == "invalid_cursor"


@pytest.mark.parametrize("query", ["sort=random", "order=sideways", "favorite=maybe", "highlighted=2"])
async def test_bad_list_parameters_are_422(client, query):
    resp = await client.get(f"/api/articles?{query}")
    assert resp.status == 422
    assert (await resp.json())["error"]["code"] == "invalid_field"


async def test_a_save_takes_url_html_and_title_only(client, seed_html):
    """`selection` was accepted and read by nobody; it is refused now like any unknown field."""
    resp = await client.post("/api/articles", json={"url": SEED_URL, "html": seed_html, "selection": "Iran"})
    assert resp.status == 422
    error = (await resp.json())["error"]
    assert error["code"] == "unknown_field" and "selection" in error["message"]
