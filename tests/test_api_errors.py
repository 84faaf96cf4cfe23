"""Bad input gets a clear 4xx JSON error, and stored data stays exactly as it was."""
import pytest

from conftest import SEED_URL, save
from helpers import assert_error_shape, snapshot


@pytest.fixture
async def saved(client, seed_html):
    return await save(client, SEED_URL, seed_html)


BAD_SAVES = [
    ("malformed json", b'{"url": "https://example.com/", "html": ', "application/json", 400, "invalid_json"),
    ("empty body", b"", "application/json", 400, "invalid_json"),
    ("json array", b'["https://example.com/"]', "application/json", 422, "invalid_body"),
    ("missing html", b'{"url": "https://example.com/"}', "application/json", 422, "missing_field"),
    ("missing url", b'{"html": "<p>hi</p>"}', "application/json", 422, "missing_field"),
    ("html not a string", b'{"url": "https://example.com/", "html": 42}', "application/json", 422, "invalid_field"),
    ("html an object", b'{"url": "https://example.com/", "html": {"a": 1}}', "application/json", 422, "invalid_field"),
    ("html null", b'{"url": "https://example.com/", "html": null}', "application/json", 422, "missing_field"),
    ("empty html", b'{"url": "https://example.com/", "html": ""}', "application/json", 422, "empty_field"),
    ("blank html", b'{"url": "https://example.com/", "html": "  \\n "}', "application/json", 422, "empty_field"),
    ("html with no text", b'{"url": "https://example.com/", "html": "<html><body><div></div></body></html>"}',
     "application/json", 422, "no_content"),
    ("garbage html", b'{"url": "https://example.com/", "html": "\\u0000\\u0001\\u0002\\u0003"}',
     "application/json", 422, "no_content"),
    ("binary garbage body", bytes(range(256)) * 4, "application/json", 400, "invalid_json"),
    ("not json content type", b'{"url": "https://example.com/", "html": "<p>x</p>"}', "text/plain", 415,
     "unsupported_media_type"),
    ("bad url", b'{"url": "javascript:alert(1)", "html": "<p>x</p>"}', "application/json", 422, "invalid_url"),
    ("relative url", b'{"url": "/page", "html": "<p>x</p>"}', "application/json", 422, "invalid_url"),
    ("unknown field", b'{"url": "https://example.com/", "html": "<p>x</p>", "evil": 1}', "application/json",
     422, "unknown_field"),
]


@pytest.mark.parametrize("name,payload,ctype,status,code", BAD_SAVES, ids=[b[0] for b in BAD_SAVES])
async def test_bad_saves_are_refused_and_change_nothing(client, saved, data_dir, name, payload, ctype, status, code):
    before = snapshot(data_dir)
    for path in ("/api/articles", "/api/extract"):
        resp = await client.post(path, data=payload, headers={"Content-Type": ctype})
        assert resp.status == status, (path, await resp.text())
        assert resp.content_type == "application/json"
        assert_error_shape(await resp.json(), code)
    assert snapshot(data_dir) == before
    listing = await (await client.get("/api/articles")).json()
    assert [a["id"] for a in listing["items"]] == [saved["id"]]


async def test_a_30_mb_body_gets_413(client, saved, data_dir):
    before = snapshot(data_dir)
    html = "<p>" + "x" * (30 * 1024 * 1024) + "</p>"
    payload = b'{"url": "https://example.com/huge", "html": "' + html.encode() + b'"}'
    resp = await client.post("/api/articles", data=payload, headers={"Content-Type": "application/json"})
    assert resp.status == 413
    assert_error_shape(await resp.json(), "payload_too_large")
    assert snapshot(data_dir) == before


async def test_a_body_over_the_limit_without_content_length_gets_413(client, saved, data_dir):
    before = snapshot(data_dir)

    async def chunks():
        for _ in range(20):
            yield b"x" * (1024 * 1024)

    resp = await client.post("/api/articles", data=chunks(), headers={"Content-Type": "application/json"})
    assert resp.status == 413
    assert_error_shape(await resp.json(), "payload_too_large")
    assert snapshot(data_dir) == before


@pytest.mark.parametrize("method,path", [
    ("GET", "/api/articles/nope"), ("PATCH", "/api/articles/nope"), ("DELETE", "/api/articles/nope"),
    ("POST", "/api/articles/nope/highlights"), ("GET", "/api/articles/nope/highlights"),
    ("PATCH", "/api/highlights/nope"), ("DELETE", "/api/highlights/nope"), ("GET", "/api/no-such-route"),
])
async def test_unknown_ids_and_routes_are_404_json(client, saved, data_dir, method, path):
    before = snapshot(data_dir)
    body = {"state": "archived"}
    if path.endswith("/highlights"):
        body = {"selectors": [{"type": "TextQuoteSelector", "exact": "Iran"}]}
    elif path.startswith("/api/highlights/"):
        body = {"note": "a note"}
    resp = await client.request(method, path, json=body if method in ("POST", "PATCH") else None)
    assert resp.status == 404
    assert_error_shape(await resp.json(), "not_found")
    assert snapshot(data_dir) == before


async def test_wrong_method_is_405_json(client):
    resp = await client.put("/api/articles", json={})
    assert resp.status == 405
    assert_error_shape(await resp.json(), "method_not_allowed")


@pytest.mark.parametrize("headers", [
    {}, {"Authorization": "Bearer wrong-token"}, {"Authorization": "Basic dXNlcjpwYXNz"},
    {"Authorization": "Bearer"}, {"Authorization": "Bearer " + "x" * 5000},
])
async def test_missing_or_wrong_token_is_401(anon, saved, data_dir, headers, seed_html):
    before = snapshot(data_dir)
    for method, path, body in [("GET", "/api/articles", None), ("GET", f"/api/articles/{saved['id']}", None),
                               ("POST", "/api/articles", {"url": SEED_URL, "html": seed_html}),
                               ("DELETE", f"/api/articles/{saved['id']}", None),
                               ("POST", "/api/login-links", {})]:
        resp = await anon.request(method, path, json=body, headers=headers)
        assert resp.status == 401, (method, path)
        assert_error_shape(await resp.json())
    assert snapshot(data_dir) == before


BAD_PATCHES = [
    ({}, "empty_patch"), ({"state": "read"}, "invalid_field"), ({"favorite": "yes"}, "invalid_field"),
    ({"progress": 2}, "out_of_range"), ({"progress": "half"}, "invalid_field"), ({"tags": "news"}, "invalid_field"),
    ({"tags": [1, 2]}, "invalid_field"), ({"tags": [""]}, "empty_field"), ({"tags": ["x" * 1000]}, "too_long"),
    ({"tags": ["t"] * 500}, "too_many"), ({"tags": ["---"]}, "invalid_tag"), ({"title": "new"}, "unknown_field"),
]


@pytest.mark.parametrize("patch,code", BAD_PATCHES, ids=[c for _, c in BAD_PATCHES])
async def test_bad_patches_are_refused(client, saved, data_dir, patch, code):
    before = snapshot(data_dir)
    resp = await client.patch(f"/api/articles/{saved['id']}", json=patch)
    assert resp.status == 422
    assert_error_shape(await resp.json(), code)
    assert snapshot(data_dir) == before


@pytest.mark.parametrize("query,code", [("limit=0", "out_of_range"), ("limit=abc", "invalid_field"),
                                        ("limit=100000", "out_of_range"), ("state=gone", "invalid_field"),
                                        ("cursor=%%%", "invalid_cursor"), ("cursor=bm90IGpzb24", "invalid_cursor"),
                                        ("q=" + "a" * 1000, "too_long")])
async def test_bad_list_queries_are_422(client, query, code):
    resp = await client.get(f"/api/articles?{query}")
    assert resp.status == 422
    assert_error_shape(await resp.json(), code)
