"""Highlights: saved by quote, checked against the article, kept across restarts."""
import pytest

from quietpage.web.app import create_app

from conftest import SEED_URL, save

SENTENCE = "The drone manufacturing plant could be operational as soon as next year, the White House said Friday."


@pytest.fixture
async def article(client, seed_html):
    return await save(client, SEED_URL, seed_html)


async def add(client, article_id, body, expect=201):
    resp = await client.post(f"/api/articles/{article_id}/highlights", json=body)
    data = await resp.json()
    assert resp.status == expect, data
    return data


async def test_a_quote_alone_is_enough_and_the_server_fills_in_the_rest(client, article):
    h = await add(client, article["id"], {"selectors": [{"type": "TextQuoteSelector", "exact": SENTENCE}]})
    assert set(h) == {"id", "article_id", "selectors", "color", "note", "note_html", "status", "created_at", "updated_at"}
    assert h["status"] == "anchored" and h["color"] == "yellow" and h["note"] == ""
    quote = next(s for s in h["selectors"] if s["type"] == "TextQuoteSelector")
    position = next(s for s in h["selectors"] if s["type"] == "TextPositionSelector")
    text = article["text"]
    assert text[position["start"]:position["end"]] == SENTENCE == quote["exact"]
    assert text[:position["start"]].endswith(quote["prefix"]) and len(quote["prefix"]) == 32
    assert text[position["end"]:].startswith(quote["suffix"]) and len(quote["suffix"]) == 32


async def test_a_position_alone_is_enough(client, article):
    start = article["text"].index(SENTENCE)
    h = await add(client, article["id"], {"selectors": [
        {"type": "TextPositionSelector", "start": start, "end": start + len(SENTENCE)}]})
    assert h["selectors"][0]["exact"] == SENTENCE


async def test_color_and_note_are_kept_and_editable(client, article):
    h = await add(client, article["id"], {"selectors": [{"type": "TextQuoteSelector", "exact": "Alabuga Special Economic Zone"}],
                                          "color": "green", "note": "Where is **this**?"})
    assert (h["color"], h["note"]) == ("green", "Where is **this**?")
    resp = await client.patch(f"/api/highlights/{h['id']}", json={"note": "Tatarstan", "color": "blue"})
    assert resp.status == 200
    changed = await resp.json()
    assert (changed["color"], changed["note"]) == ("blue", "Tatarstan")
    assert changed["updated_at"] >= h["updated_at"]
    listing = await (await client.get(f"/api/articles/{article['id']}/highlights")).json()
    assert [x["note"] for x in listing["items"]] == ["Tatarstan"]
    assert (await (await client.get(f"/api/articles/{article['id']}")).json())["highlight_count"] == 1


async def test_delete_highlight(client, article):
    h = await add(client, article["id"], {"selectors": [{"type": "TextQuoteSelector", "exact": "Kashan Airfield"}]})
    resp = await client.delete(f"/api/highlights/{h['id']}")
    assert resp.status == 200
    assert (await (await client.get(f"/api/articles/{article['id']}/highlights")).json())["items"] == []
    assert (await client.delete(f"/api/highlights/{h['id']}")).status == 404


async def test_a_quote_that_is_not_in_the_article_is_422(client, article):
    body = await add(client, article["id"], {"selectors": [
        {"type": "TextQuoteSelector", "exact": "Trade now on Poinbank Exchange"}]}, expect=422)
    assert body["error"]["code"] == "quote_not_found"
    assert (await (await client.get(f"/api/articles/{article['id']}/highlights")).json())["items"] == []


@pytest.mark.parametrize("body,code", [
    ({}, "missing_field"),
    ({"selectors": []}, "invalid_field"),
    ({"selectors": "Iran"}, "invalid_field"),
    ({"selectors": [{"type": "TextQuoteSelector"}]}, "empty_field"),
    ({"selectors": [{"type": "TextQuoteSelector", "exact": 5}]}, "invalid_field"),
    ({"selectors": [{"type": "CssSelector", "value": "p"}]}, "invalid_field"),
    ({"selectors": [{"type": "TextPositionSelector", "start": 5, "end": 2}]}, "invalid_field"),
    ({"selectors": [{"type": "TextPositionSelector", "start": 0, "end": 10 ** 9}]}, "quote_not_found"),
    ({"selectors": [{"type": "TextQuoteSelector", "exact": "Iran"}], "color": "octarine"}, "invalid_field"),
    ({"selectors": [{"type": "TextQuoteSelector", "exact": "Iran"}], "note": 7}, "invalid_field"),
    ({"selectors": [{"type": "TextQuoteSelector", "exact": "Iran"}], "note": "n" * 50_000}, "too_long"),
    ({"selectors": [{"type": "TextQuoteSelector", "exact": "Iran"}], "id": "mine"}, "unknown_field"),
])
async def test_bad_highlights_are_refused(client, article, body, code):
    data = await add(client, article["id"], body, expect=422)
    assert data["error"]["code"] == code


async def test_highlights_survive_a_restart(aiohttp_client, settings, token, seed_html):
    headers = {"Authorization": f"Bearer {token}"}
    first = await aiohttp_client(create_app(settings), headers=headers)
    article = await save(first, SEED_URL, seed_html)
    h = await add(first, article["id"], {"selectors": [{"type": "TextQuoteSelector", "exact": SENTENCE}],
                                         "note": "soon"})
    await first.close()  # runs the app's cleanup: store closed, threads stopped

    second = await aiohttp_client(create_app(settings), headers=headers)
    listing = await (await second.get(f"/api/articles/{article['id']}/highlights")).json()
    assert listing["items"] == [h]


async def test_resaving_a_changed_page_reanchors_highlights(client, article, seed_html):
    h = await add(client, article["id"], {"selectors": [{"type": "TextQuoteSelector", "exact": SENTENCE}]})
    gone = await add(client, article["id"], {"selectors": [{"type": "TextQuoteSelector", "exact": "Kashan Airfield"}]})
    changed = seed_html.replace("<p>The drone manufacturing", "<p>An editor's note was added at the top of "
                                "this story after publication, for clarity.</p><p>The drone manufacturing")
    changed = changed.replace("Iran&#x27;s Kashan Airfield", "an airfield")
    resaved = await save(client, SEED_URL, changed, expect=200)
    assert resaved["highlights"] == {"anchored": 1, "orphaned": 1}
    items = {x["id"]: x for x in (await (await client.get(f"/api/articles/{article['id']}/highlights")).json())["items"]}
    moved = next(s for s in items[h["id"]]["selectors"] if s["type"] == "TextPositionSelector")
    assert resaved["text"][moved["start"]:moved["end"]] == SENTENCE
    assert items[h["id"]]["status"] == "anchored"
    assert items[gone["id"]]["status"] == "orphan"


async def test_a_changed_page_keeps_two_highlights_in_place_and_one_orphan(client, article, seed_html):
    """The issue's acceptance test: three sentences highlighted; then the page is saved again with
    a paragraph inserted at the top, a spelling fixed inside one highlighted sentence and the
    paragraph of another removed."""
    kept = SENTENCE
    fixed_before = ("Soon after their visit, Russian President Vladimir Putin traveled to Tehran in his first "
                    "international trip since launching the Ukraine invasion, to meet with Iranian and Turkish leaders.")
    fixed_after = fixed_before.replace("traveled", "travelled")
    removed = ("The U.S. and the European Union have previously sanctioned the Iranian drone industry and alleged "
               "procurement networks working to supply it with equipment.")
    ids = [(await add(client, article["id"], {"selectors": [{"type": "TextQuoteSelector", "exact": s}]}))["id"]
           for s in (kept, fixed_before, removed)]

    changed = seed_html.replace("<p>Iran has been sending material", "<p>Editor's note: this story was updated on "
                                "Saturday with new details from the White House briefing.</p><p>Iran has been sending material")
    changed = changed.replace("Vladimir Putin traveled to Tehran", "Vladimir Putin travelled to Tehran")
    changed = changed.replace(f"<p>{removed}</p>", "")
    assert changed.count("Editor's note") == 1 and "travelled" in changed and removed not in changed
    resaved = await save(client, SEED_URL, changed, expect=200)
    assert resaved["id"] == article["id"]
    assert resaved["highlights"] == {"anchored": 2, "orphaned": 1}

    text = resaved["text"]
    items = {x["id"]: x for x in (await (await client.get(f"/api/articles/{article['id']}/highlights")).json())["items"]}
    for highlight_id, sentence in zip(ids[:2], (kept, fixed_after)):
        h = items[highlight_id]
        quote = next(s for s in h["selectors"] if s["type"] == "TextQuoteSelector")
        position = next(s for s in h["selectors"] if s["type"] == "TextPositionSelector")
        assert h["status"] == "anchored"
        assert (position["start"], position["end"]) == (text.index(sentence), text.index(sentence) + len(sentence))
        assert position["start"] > article["text"].index(kept if sentence == kept else fixed_before)  # it moved
        assert quote["exact"] == sentence and text[:position["start"]].endswith(quote["prefix"])
    orphan = items[ids[2]]
    assert orphan["status"] == "orphan"
    assert next(s for s in orphan["selectors"] if s["type"] == "TextQuoteSelector")["exact"] == removed  # kept, quote and all
    assert (await (await client.get(f"/api/articles/{article['id']}")).json())["highlight_count"] == 3

    # the orphan is kept, not deleted: when its paragraph comes back, so does the highlight
    again = await save(client, SEED_URL, seed_html, expect=200)
    assert again["highlights"] == {"anchored": 3, "orphaned": 0}
    items = {x["id"]: x for x in (await (await client.get(f"/api/articles/{article['id']}/highlights")).json())["items"]}
    position = next(s for s in items[ids[2]]["selectors"] if s["type"] == "TextPositionSelector")
    assert items[ids[2]]["status"] == "anchored" and again["text"][position["start"]:position["end"]] == removed
