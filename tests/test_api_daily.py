"""The API the pages of the daily loop use: every sort both ways (added: when it entered
QuietPage), the trash (listing, when each goes for good, emptying), the notebook (every
highlight, filtered, searched, paged), notes as Markdown (note_html), an upload named as the
user's."""
from __future__ import annotations

from datetime import timedelta

import pytest

from conftest import LOREM, SEED_URL, SENTENCE, page_html, save
from helpers import assert_error_shape
from quietpage.clock import parse_iso
from quietpage.notes import note_html


def dated_page(title: str, published: str, paragraphs: list[str]) -> str:
    return page_html(title, paragraphs).replace(
        "<head>", f'<head><meta property="article:published_time" content="{published}">', 1)


WORDS = "The harbour master counted the boats again, slowly, one by one, before the tide turned."


@pytest.fixture
async def three(client):
    """short (published 2020, saved first), long (2010, saved second), and one imported last with
    an old date of its own and no text (no published date, no reading time)."""
    short = await save(client, "https://example.com/short", dated_page("Short piece", "2020-05-01", LOREM[:3]))
    long = await save(client, "https://example.com/long", dated_page("Long piece", "2010-05-01", [WORDS] * 60 + LOREM))
    csv = "title,url,time_added,tags,status\nImported piece,https://example.com/imported,1500000000,,unread\n"
    assert (await client.post("/api/import", data=csv.encode())).status == 200
    listing = await (await client.get("/api/articles?state=all")).json()
    imported = next(a for a in listing["items"] if a["url"].endswith("/imported"))
    assert short["reading_minutes"] < long["reading_minutes"]
    return {"short": short["id"], "long": long["id"], "imported": imported["id"]}


@pytest.mark.parametrize("sort,order,expected", [
    ("saved", "desc", ["long", "short", "imported"]), ("saved", "asc", ["imported", "short", "long"]),
    ("added", "desc", ["imported", "long", "short"]), ("added", "asc", ["short", "long", "imported"]),
    ("published", "desc", ["short", "long", "imported"]), ("published", "asc", ["imported", "long", "short"]),
    ("reading_time", "desc", ["long", "short", "imported"]), ("reading_time", "asc", ["imported", "short", "long"]),
])
async def test_every_sort_both_ways(client, three, sort, order, expected):
    names = {v: k for k, v in three.items()}
    page = await (await client.get(f"/api/articles?state=all&sort={sort}&order={order}")).json()
    assert [names[a["id"]] for a in page["items"]] == expected
    # paging one at a time walks the same order
    walked, cursor = [], None
    while True:
        url = f"/api/articles?state=all&sort={sort}&order={order}&limit=1" + (f"&cursor={cursor}" if cursor else "")
        page = await (await client.get(url)).json()
        walked += [names[a["id"]] for a in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert walked == expected


@pytest.mark.parametrize("order,expected", [("desc", ["imported", "long", "short"]),
                                            ("asc", ["short", "long", "imported"])])
async def test_a_search_sorts_by_added_both_ways_too(client, three, order, expected):
    """The full-text index keeps no "added" order: every hit is put in the list's order."""
    names = {v: k for k, v in three.items()}
    page = await (await client.get(f"/api/articles?state=all&q=piece&sort=added&order={order}")).json()
    assert [names[a["id"]] for a in page["items"]] == expected and page["total"] == 3
    assert page["counts"]["trash"] == 0  # the trash's size, beside what the search counts


async def test_the_trash_is_listed_not_searched(client, three):
    resp = await client.get("/api/articles?state=trash&q=piece")
    assert resp.status == 422
    assert_error_shape(await resp.json(), "invalid_query")


async def test_added_is_when_it_entered_quietpage(client, three):
    a = await (await client.get(f"/api/articles/{three['imported']}")).json()
    assert a["created_at"].startswith("2017-07-14")  # the date Pocket had
    assert parse_iso(a["added_at"]) - parse_iso(a["created_at"]) > timedelta(days=365)
    saved = await (await client.get(f"/api/articles/{three['short']}")).json()
    assert saved["added_at"] == saved["created_at"]


async def test_the_trash_lists_what_was_deleted_and_when_it_goes(client, settings, three):
    for name in ("short", "long"):
        resp = await client.delete(f"/api/articles/{three[name]}")
        assert resp.status == 200
    page = await (await client.get("/api/articles?state=trash&sort=deleted&order=desc")).json()
    assert [a["id"] for a in page["items"]] == [three["long"], three["short"]]  # the last deleted first
    assert page["total"] == 2 and page["counts"]["trash"] == 2 and page["counts"]["all"] == 1
    for a in page["items"]:
        ttl = parse_iso(a["purge_at"]) - parse_iso(a["deleted_at"])
        assert ttl == timedelta(seconds=settings.trash_ttl_s)
    oldest_first = await (await client.get("/api/articles?state=trash&sort=deleted&order=asc")).json()
    assert [a["id"] for a in oldest_first["items"]] == [three["short"], three["long"]]
    live = await (await client.get("/api/articles?state=all")).json()
    assert [a["id"] for a in live["items"]] == [three["imported"]] and "deleted_at" not in live["items"][0]
    assert (await client.post(f"/api/articles/{three['short']}/restore")).status == 200
    page = await (await client.get("/api/articles?state=trash")).json()
    assert [a["id"] for a in page["items"]] == [three["long"]]


async def test_emptying_the_trash_deletes_it_for_good_and_nothing_else(client, seed_html):
    kept = await save(client, SEED_URL, seed_html)
    doomed = await save(client, "https://example.com/harbour", page_html("Harbour", LOREM))
    hl = await (await client.post(f"/api/articles/{doomed['id']}/highlights",
                                  json={"selectors": [{"type": "TextQuoteSelector", "exact": LOREM[1]}]})).json()
    await client.delete(f"/api/articles/{doomed['id']}")
    resp = await client.delete("/api/trash")
    assert resp.status == 200 and await resp.json() == {"purged": 1}
    assert (await client.post(f"/api/articles/{doomed['id']}/restore")).status == 404
    assert (await client.patch(f"/api/highlights/{hl['id']}", json={"note": "x"})).status == 404
    assert (await client.get(f"/api/articles/{kept['id']}")).status == 200
    assert await (await client.delete("/api/trash")).json() == {"purged": 0}
    counts = (await (await client.get("/api/articles")).json())["counts"]
    assert (counts["trash"], counts["all"]) == (0, 1)


# --------------------------------------------------------------------------- the notebook
@pytest.fixture
async def notebook(client, seed_html):
    seed = await save(client, SEED_URL, seed_html)
    harbour = await save(client, "https://example.com/harbour", page_html("A quiet harbour story", LOREM))
    await client.patch(f"/api/articles/{harbour['id']}", json={"tags": ["Sea"]})

    async def add(article, quote, color="yellow", note=""):
        resp = await client.post(f"/api/articles/{article['id']}/highlights", json={
            "selectors": [{"type": "TextQuoteSelector", "exact": quote}], "color": color, "note": note})
        assert resp.status == 201
        return (await resp.json())["id"]

    ids = {
        "seed": await add(seed, SENTENCE, "blue", "Satellite **imagery** of the café"),
        "catch": await add(harbour, "the catch had doubled", "green"),
        "traders": await add(harbour, "the first traders had arrived", "yellow", "Early `market`"),
        "quotas": await add(harbour, "a decade of careful quotas", "green", "Policy works"),
    }
    return seed, harbour, ids


async def listing(client, query=""):
    resp = await client.get(f"/api/highlights?{query}")
    assert resp.status == 200, await resp.text()
    return await resp.json()


async def test_the_notebook_lists_every_highlight_newest_first_with_its_article(client, notebook):
    seed, harbour, ids = notebook
    page = await listing(client)
    assert [x["id"] for x in page["items"]] == [ids["quotas"], ids["traders"], ids["catch"], ids["seed"]]
    assert page["total"] == 4 and page["colors"] == {"blue": 1, "green": 2, "yellow": 1}
    first = page["items"][0]
    assert first["article"] == {"id": harbour["id"], "title": "A quiet harbour story", "url": "https://example.com/harbour",
                                "site_name": harbour["site_name"], "state": "unread"}
    assert first["note_html"] == "<p>Policy works</p>"
    oldest = await listing(client, "sort=oldest")
    assert [x["id"] for x in oldest["items"]] == [ids["seed"], ids["catch"], ids["traders"], ids["quotas"]]
    # by article: the newest saved article first, its highlights in reading order
    by_article = await listing(client, "sort=article")
    assert [x["id"] for x in by_article["items"]] == [ids["traders"], ids["catch"], ids["quotas"], ids["seed"]]


async def test_the_notebook_filters_by_colour_tag_and_words(client, notebook):
    seed, harbour, ids = notebook
    green = await listing(client, "color=green")
    assert [x["id"] for x in green["items"]] == [ids["quotas"], ids["catch"]]
    assert green["colors"] == {"blue": 1, "green": 2, "yellow": 1}  # before the colour filter
    assert {x["id"] for x in (await listing(client, "tag=sea"))["items"]} == {ids["catch"], ids["traders"], ids["quotas"]}
    assert [x["id"] for x in (await listing(client, "q=MARKET"))["items"]] == [ids["traders"]]  # the note
    assert [x["id"] for x in (await listing(client, "q=cafe imag"))["items"]] == [ids["seed"]]  # accents, parts
    assert [x["id"] for x in (await listing(client, "q=doubled"))["items"]] == [ids["catch"]]  # the quote
    harbour_words = await listing(client, "q=quiet harbour&color=green")  # the article's title counts
    assert [x["id"] for x in harbour_words["items"]] == [ids["quotas"], ids["catch"]]
    assert (await listing(client, "q=nowhere-at-all"))["total"] == 0
    await client.delete(f"/api/articles/{harbour['id']}")  # the trash is not in the notebook
    assert [x["id"] for x in (await listing(client))["items"]] == [ids["seed"]]


async def test_the_notebook_pages_with_a_cursor(client, notebook):
    _, _, ids = notebook
    seen, cursor = [], None
    while True:
        page = await listing(client, "limit=3" + (f"&cursor={cursor}" if cursor else ""))
        seen += [x["id"] for x in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == [ids["quotas"], ids["traders"], ids["catch"], ids["seed"]]
    resp = await client.get("/api/highlights?cursor=bm90LWEtY3Vyc29y")
    assert resp.status == 422
    assert_error_shape(await resp.json(), "invalid_cursor")
    for bad in ("color=black", "sort=random", "limit=0"):
        resp = await client.get(f"/api/highlights?{bad}")
        assert resp.status == 422, bad


async def test_the_notebook_follows_every_change_once_it_is_open(client, notebook):
    """Its index is built on the first page, then kept in step by every write."""
    seed, harbour, ids = notebook
    assert (await listing(client))["total"] == 4  # built now
    await client.patch(f"/api/highlights/{ids['catch']}", json={"color": "pink"})
    page = await listing(client)
    assert page["colors"] == {"blue": 1, "green": 1, "yellow": 1, "pink": 1}
    assert [x["id"] for x in (await listing(client, "color=pink"))["items"]] == [ids["catch"]]
    await client.patch(f"/api/highlights/{ids['seed']}", json={"note": "now about drones"})
    assert [x["id"] for x in (await listing(client, "q=drones"))["items"]] == [ids["seed"]]
    # a search finds highlights by their article's tags and title, as they are now
    assert (await listing(client, "q=fisheries"))["total"] == 0
    await client.patch(f"/api/articles/{harbour['id']}", json={"tags": ["Fisheries"]})
    found = (await listing(client, "q=fisheries"))["items"]
    assert found and {x["article"]["id"] for x in found} == {harbour["id"]}
    await client.delete(f"/api/highlights/{ids['traders']}")
    assert ids["traders"] not in [x["id"] for x in (await listing(client))["items"]]
    fresh = await (await client.post(f"/api/articles/{harbour['id']}/highlights", json={
        "selectors": [{"type": "TextQuoteSelector", "exact": "prices had halved"}]})).json()
    assert (await listing(client))["items"][0]["id"] == fresh["id"]
    await client.delete(f"/api/articles/{harbour['id']}")
    page = await listing(client)
    assert [x["id"] for x in page["items"]] == [ids["seed"]] and page["colors"] == {"blue": 1}
    await client.post(f"/api/articles/{harbour['id']}/restore")
    assert (await listing(client))["total"] == 4
    await client.delete(f"/api/articles/{harbour['id']}")
    await client.delete("/api/trash")
    page = await listing(client, "sort=article")
    assert [x["id"] for x in page["items"]] == [ids["seed"]] and page["total"] == 1


async def test_note_html_is_beside_the_note_everywhere(client, notebook):
    seed, _, ids = notebook
    expected = "<p>Satellite <strong>imagery</strong> of the café</p>"
    of_article = (await (await client.get(f"/api/articles/{seed['id']}/highlights")).json())["items"]
    assert [x["note_html"] for x in of_article] == [expected]
    by_url = (await (await client.get("/api/highlights", params={"url": SEED_URL})).json())["items"]
    assert [x["note_html"] for x in by_url] == [expected]
    patched = await (await client.patch(f"/api/highlights/{ids['seed']}", json={"note": "1. *one*"})).json()
    assert patched["note_html"] == "<ol>\n<li><em>one</em></li>\n</ol>"
    cleared = await (await client.patch(f"/api/highlights/{ids['seed']}", json={"note": ""})).json()
    assert cleared["note_html"] == ""


HOSTILE_NOTES = [
    ('<img src=x onerror="alert(1)">', '&lt;img src=x onerror="alert(1)"&gt;'),
    ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
    ("[click](javascript:alert(1))", "[click](javascript:alert(1))"),
    ("![pixel](https://tracker.example/p.png)", '<a href="https://tracker.example/p.png"'),
    ('[x](https://a.example/" onmouseover="alert(1))', "onmouseover"),
    ("<a href='https://a.example/' style='x'>raw</a>", "&lt;a href="),
    ("<https://a.example/>", '<a href="https://a.example/"'),
]


@pytest.mark.parametrize("note,shown", HOSTILE_NOTES)
def test_a_hostile_note_renders_as_harmless_text(note, shown):
    """Whatever a note holds comes out as text or as plain, safe elements: no script, no image
    (nothing fetched), no handler or style, links to http(s) only."""
    from lxml import html as lxml_html

    out = note_html(note)
    assert shown in out, out
    for el in lxml_html.fragment_fromstring(out, create_parent="div").iter():
        assert el.tag in {"div", "p", "a", "strong", "em", "code"}, out
        assert not [k for k in el.attrib if k.startswith("on") or k == "style"], out
        if el.tag == "a":
            assert el.get("href").startswith("https://"), out


async def test_an_upload_error_names_the_users_file(client, data_dir):
    resp = await client.post("/api/import?name=C:%5CUsers%5Cme%5Cmy%20export.json", data=b'{"not": "a backup"}')
    assert resp.status == 422
    message = (await resp.json())["error"]["message"]
    assert message.startswith("my export.json: is JSON but not a QuietPage backup"), message
    assert "import-" not in message and ".upload" not in message
    resp = await client.post("/api/import", data=b"neither,this\n")
    assert (await resp.json())["error"]["message"].startswith("the file: ")
