"""GET /api/highlights?url=: the highlights of a saved page, found by its (normalised) URL -
what the extension paints on the live page."""
from quietpage.web.app import create_app

from conftest import SEED_URL, save

QUOTE = "Alabuga Special Economic Zone"


async def by_url(client, url, expect=200):
    resp = await client.get("/api/highlights", params={"url": url})
    data = await resp.json()
    assert resp.status == expect, data
    return data


async def test_a_page_never_saved_has_no_article_and_no_highlights(client):
    assert await by_url(client, "https://example.org/never-saved") == {"article_id": None, "items": []}


async def test_the_highlights_of_a_saved_page_are_found_by_its_normalised_url(client, seed_html):
    article = await save(client, SEED_URL, seed_html)
    resp = await client.post(f"/api/articles/{article['id']}/highlights",
                             json={"selectors": [{"type": "TextQuoteSelector", "exact": QUOTE}], "note": "where?"})
    assert resp.status == 201
    highlight = await resp.json()
    # the same page as the browser may show it: a fragment, a tracking parameter, upper-case host
    variant = SEED_URL.replace("primemoneypath", "PrimeMoneyPath") + "?utm_source=feed#top"
    data = await by_url(client, variant)
    assert data == {"article_id": article["id"], "items": [highlight]}
    assert data["items"][0]["note"] == "where?"


async def test_a_saved_page_without_highlights_has_its_article_id(client, seed_html):
    article = await save(client, SEED_URL, seed_html)
    assert await by_url(client, SEED_URL) == {"article_id": article["id"], "items": []}


async def test_a_page_in_the_trash_counts_as_not_saved(client, seed_html):
    article = await save(client, SEED_URL, seed_html)
    assert (await client.delete(f"/api/articles/{article['id']}")).status == 200
    assert await by_url(client, SEED_URL) == {"article_id": None, "items": []}


async def test_a_missing_or_bad_url_is_a_clear_422(client):
    # (without `url` at all, GET /api/highlights is the notebook: every highlight, test_api_daily.py)
    for params in ({"url": ""}, {"url": "javascript:alert(1)"}, {"url": "/relative/path"}):
        resp = await client.get("/api/highlights", params=params)
        body = await resp.json()
        assert resp.status == 422, body
        assert body["error"]["code"] == "invalid_url" and "url" in body["error"]["message"]


async def test_an_overlong_url_is_refused(aiohttp_client, settings, auth_headers):
    client = await aiohttp_client(create_app(settings.with_(max_url_chars=100)), headers=auth_headers)
    resp = await client.get("/api/highlights", params={"url": "https://example.org/" + "a" * 100})
    assert resp.status == 422 and (await resp.json())["error"]["code"] == "too_long"


async def test_it_needs_the_token(anon):
    resp = await anon.get("/api/highlights", params={"url": SEED_URL})
    assert resp.status == 401
    assert (await resp.json())["error"]["code"]
