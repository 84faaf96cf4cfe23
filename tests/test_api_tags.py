"""/api/tags: listing, renaming, merging, bad input."""
import pytest

from conftest import LOREM, SEED_URL, page_html, save


@pytest.fixture
async def library(client, seed_html):
    a = await save(client, SEED_URL, seed_html)
    b = await save(client, "https://example.com/harbour", page_html("A quiet harbour story", LOREM))
    await client.patch(f"/api/articles/{a['id']}", json={"tags": ["Iran", "drones", "Middle East"]})
    await client.patch(f"/api/articles/{b['id']}", json={"tags": ["fishing", "Drone", "economics"]})
    return a, b


async def tags(client):
    resp = await client.get("/api/tags")
    assert resp.status == 200
    return (await resp.json())["items"]


async def test_list_counts_each_tag_once_however_spelled(client, library):
    items = await tags(client)
    assert items[0] == {"name": "drones", "count": 2} or items[0] == {"name": "Drone", "count": 2}
    assert {t["name"]: t["count"] for t in items[1:]} == {"economics": 1, "fishing": 1, "Iran": 1,
                                                        "Middle East": 1}


async def test_rename_changes_every_article(client, library):
    a, b = library
    resp = await client.post("/api/tags/drones/rename", json={"to": "UAVs"})
    assert resp.status == 200
    body = await resp.json()
    assert {k: body[k] for k in ("name", "count", "renamed")} == {"name": "UAVs", "count": 2, "renamed": 2}
    assert isinstance(body["undo"], str) and body["undo"]
    for art in (a, b):
        names = [t["name"] for t in (await (await client.get(f"/api/articles/{art['id']}")).json())["tags"]]
        assert "UAVs" in names and not [n for n in names if n.lower().startswith("drone")]
    filtered = await (await client.get("/api/articles?tag=uav")).json()
    assert len(filtered["items"]) == 2


async def test_rename_onto_an_existing_tag_merges(client, library):
    a, _ = library
    resp = await client.post("/api/tags/Middle%20East/rename", json={"to": "iran"})
    assert resp.status == 200
    body = await resp.json()
    assert body["count"] == 1 and body["renamed"] == 1
    names = [t["name"] for t in (await (await client.get(f"/api/articles/{a['id']}")).json())["tags"]]
    assert names == ["iran", "drones"]
    assert "Middle East" not in [t["name"] for t in await tags(client)]


async def test_renamed_tags_become_your_vocabulary(client, library, seed_html):
    await client.post("/api/tags/drones/rename", json={"to": "Drone warfare"})
    await client.post("/api/tags/Iran/rename", json={"to": "Tehran"})
    again = await (await client.post("/api/extract", json={"url": SEED_URL, "html": seed_html})).json()
    assert ("Tehran", "yours") in [(t["name"], t["source"]) for t in again["tags"]]


async def test_rename_of_an_unknown_tag_is_404(client, library):
    resp = await client.post("/api/tags/nothing-like-this/rename", json={"to": "x y"})
    assert resp.status == 404
    assert (await resp.json())["error"]["code"] == "not_found"


@pytest.mark.parametrize("body,code", [
    ({}, "missing_field"), ({"to": ""}, "empty_field"), ({"to": "   "}, "empty_field"),
    ({"to": "x" * 1000}, "too_long"), ({"to": 5}, "invalid_field"), ({"to": ["a"]}, "invalid_field"),
    ({"to": None}, "missing_field"), ({"to": "!!!"}, "invalid_tag"), ({"to": "ok", "extra": 1}, "unknown_field"),
])
async def test_bad_renames_are_refused_and_change_nothing(client, library, body, code):
    before = await tags(client)
    resp = await client.post("/api/tags/drones/rename", json=body)
    assert resp.status == 422
    assert (await resp.json())["error"]["code"] == code
    assert await tags(client) == before


async def test_a_1000_char_tag_name_in_the_path_is_refused(client, library):
    resp = await client.post(f"/api/tags/{'x' * 1000}/rename", json={"to": "ok"})
    assert resp.status == 422
    assert (await resp.json())["error"]["code"] == "too_long"


@pytest.mark.parametrize("tags_value,code", [
    ([""], "empty_field"), (["x" * 1000], "too_long"), ([3], "invalid_field"), ([None], "invalid_field"),
    ("Iran", "invalid_field"), ([{"name": 5}], "invalid_field"),
])
async def test_setting_bad_tags_on_an_article_is_refused(client, library, tags_value, code):
    a, _ = library
    resp = await client.patch(f"/api/articles/{a['id']}", json={"tags": tags_value})
    assert resp.status == 422
    assert (await resp.json())["error"]["code"] == code


async def test_tags_need_the_token(anon, library):
    assert (await anon.get("/api/tags")).status == 401
    assert (await anon.post("/api/tags/drones/rename", json={"to": "x"})).status == 401
