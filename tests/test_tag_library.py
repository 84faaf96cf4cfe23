"""Suggest, never impose: what a save, an import, a fetch and a re-save do to an article's tags;
"apply my own tags automatically"; the site-wide keyword habits learnt from the library; the tag
manager's API (delete, merge, the one-time clean-up, Undo). Real TinyDB files, the real app."""
from __future__ import annotations

import random
from collections import Counter

import pytest

from quietpage.library import Library, read_page
from quietpage.library.record_fields import site_of
from quietpage.settings import CONFIG_FILE, Settings
from quietpage.store import Store
from quietpage.tags import SiteKeywords, normalize
from quietpage.transfer.items import ImportItem
from quietpage.web.context import CONTEXT

from conftest import LOREM, SEED_URL, page_html, save

SPAM = ("Poinbank", "Prime Money", "Exchange")


def names(tags) -> list[str]:
    return [t["name"] for t in tags]


def keyword_page(title: str, paragraphs: list[str], keywords: list[str]) -> str:
    head = f"<meta name='keywords' content='{', '.join(keywords)}'>"
    return page_html(title, paragraphs).replace("<title>", head + "<title>", 1)


HARBOUR = [*LOREM, "The harbour master said the mackerel season would be long. Mackerel prices fell again.",
           "Mackerel boats filled the harbour; the harbour had not been so busy in years."]


@pytest.fixture
def library(tmp_path):
    store = Store(tmp_path)
    yield Library(store, Settings(data_dir=tmp_path))
    store.close()


def lib_of(client) -> Library:
    return client.server.app[CONTEXT].library


# ------------------------------------------------------------------ suggest, never impose
async def test_saving_the_seed_page_applies_no_tag_and_suggests_iran_ukraine_russia(client, seed_html):
    body = await save(client, SEED_URL, seed_html)
    assert body["tags"] == [] and body["tags_edited"] is False
    suggested = names(body["suggested_tags"])
    assert {"Iran", "Ukraine", "Russia"} <= set(suggested)
    assert not [n for n in suggested if any(s in n for s in SPAM)]
    again = await save(client, SEED_URL, seed_html, expect=200)  # a re-save applies nothing either
    assert again["tags"] == [] and names(again["suggested_tags"]) == suggested
    stored = await (await client.get(f"/api/articles/{body['id']}")).json()
    assert stored["tags"] == []
    assert (await (await client.get("/api/tags")).json())["items"] == []


async def test_a_clicked_suggestion_is_the_users_and_a_resave_keeps_it(client, seed_html):
    body = await save(client, SEED_URL, seed_html)
    resp = await client.patch(f"/api/articles/{body['id']}", json={"tags": ["Iran"]})
    assert names((await resp.json())["tags"]) == ["Iran"]
    again = await save(client, SEED_URL, seed_html, expect=200)
    assert names(again["tags"]) == ["Iran"] and again["tags_edited"] is True


def test_an_import_and_a_fetch_apply_only_the_items_own_tags(library, seed_html):
    reading = read_page(seed_html, SEED_URL, max_depth=1000)
    assert {"Iran", "Russia", "Ukraine"} <= set(names(reading.suggested))
    library.import_item(ImportItem(where="line 1", url=SEED_URL, tags=()), reading)
    library.import_item(ImportItem(where="line 2", url="https://x.example/a", tags=("reading",)), reading)
    library.import_item(ImportItem(where="line 3", url="https://x.example/b", tags=()), None)  # to fetch
    by_url = {r["url"]: r for r in library.store.all_articles()}
    assert by_url[SEED_URL]["tags"] == [] and by_url[SEED_URL]["suggested_tags"] == reading.suggested
    assert names(by_url["https://x.example/a"]["tags"]) == ["reading"]
    waiting = by_url["https://x.example/b"]
    fetched = library.fill_content(waiting["id"], read_page(seed_html, "https://x.example/b", max_depth=1000))
    assert fetched["tags"] == [] and {"Iran", "Russia"} <= set(names(fetched["suggested_tags"]))


def test_articles_saved_before_keep_their_tags_on_a_resave(library, seed_html):
    """An article an old version tagged by itself (tags_edited false, the suggestions applied)
    keeps those tags until the user cleans them up: a re-save no longer replaces them."""
    reading = read_page(seed_html, SEED_URL, max_depth=1000)
    record, _, _ = library.save(SEED_URL, reading)
    old = [{"name": "lists", "source": "text", "score": 0.4}, {"name": "Iran", "source": "page", "score": 0.85}]
    library._update_article(record["id"], {"tags": old})
    again, created, _ = library.save(SEED_URL, reading)
    assert not created and again["tags"] == old


# ------------------------------------------------------------------ apply my own tags automatically
async def test_the_preference_applies_only_your_tags_with_strong_evidence(client, settings, seed_html):
    assert await (await client.get("/api/preferences")).json() == {"auto_apply_tags": False}
    other = await save(client, "https://example.com/harbour", page_html("A quiet harbour story", HARBOUR))
    # your vocabulary: Iran and Drones (all over the seed page), White House (two mentions), Mackerel (none)
    await client.patch(f"/api/articles/{other['id']}", json={"tags": ["Iran", "Drones", "Mackerel", "White House"]})
    resp = await client.patch("/api/preferences", json={"auto_apply_tags": True})
    assert resp.status == 200 and await resp.json() == {"auto_apply_tags": True}
    assert "auto_apply_tags = true" in (settings.data_dir / CONFIG_FILE).read_text()
    assert Settings.load(settings.data_dir).auto_apply_tags is True  # the next start keeps it
    body = await save(client, SEED_URL, seed_html)
    applied = {t["name"]: t for t in body["tags"]}
    assert "Iran" in applied and "Drones" in applied
    assert all(t["source"] == "yours" and t["score"] >= 0.9 for t in applied.values())
    assert not {"Mackerel", "Russia", "Ukraine"} & set(applied)  # not yours, or not strong
    assert ("White House", "yours") in [(x["name"], x["source"]) for x in body["suggested_tags"]]
    assert "White House" not in applied  # yours, but weak evidence: only offered
    assert body["auto_tags"] == names(body["tags"])
    # turned off again: the next save applies nothing
    await client.patch("/api/preferences", json={"auto_apply_tags": False})
    third = await save(client, "https://example.com/seed-copy", seed_html)
    assert third["tags"] == []


@pytest.mark.parametrize("body,code", [({}, "missing_field"), ({"auto_apply_tags": None}, "missing_field"),
                                       ({"auto_apply_tags": "yes"}, "invalid_field"),
                                       ({"auto_apply": True}, "unknown_field")])
async def test_bad_preferences_are_refused(client, settings, body, code):
    resp = await client.patch("/api/preferences", json=body)
    assert resp.status == 422 and (await resp.json())["error"]["code"] == code
    assert not (settings.data_dir / CONFIG_FILE).exists()


async def test_a_config_file_the_user_wrote_keeps_its_comments(client, settings):
    path = settings.data_dir / CONFIG_FILE
    path.write_text("# my settings\nmax_tags = 40  # plenty\nauto_apply_tags = false\n")
    await client.patch("/api/preferences", json={"auto_apply_tags": True})
    assert path.read_text() == "# my settings\nmax_tags = 40  # plenty\nauto_apply_tags = true\n"


# ------------------------------------------------------------------ site-wide keyword habits
SITE_PAGES = [("Tides of the north", "tides"), ("Gulls at dawn", "gulls"), ("The lighthouse keeper", "lighthouse"),
              ("Storm season", "storms")]


def site_paragraphs(topic: str) -> list[str]:
    return [f"This story is about {topic}, and {topic} again, as {topic} matters here.", *LOREM]


def test_a_keyword_the_site_declares_on_every_page_is_dropped(library):
    for i, (title, topic) in enumerate(SITE_PAGES[:3]):
        html = keyword_page(title, site_paragraphs(topic), ["Coastal Digest Network", topic.title()])
        library.save(f"https://www.coast.example/{i}", read_page(html, None, max_depth=1000))
    habits = library.reading_context("https://coast.example/new")[1]
    assert habits.pages == 3 and habits.is_boilerplate("Coastal Digest Network")
    assert not habits.is_boilerplate("Tides")  # one page of three
    title, topic = SITE_PAGES[3]
    html = keyword_page(title, site_paragraphs(topic), ["Coastal Digest Network", "Storms"])
    vocabulary, habits = library.reading_context("https://coast.example/3")
    suggested = names(read_page(html, "https://coast.example/3", max_depth=1000, vocabulary=vocabulary,
                                site_keywords=habits).suggested)
    assert "Storms" in suggested and "Coastal Digest Network" not in suggested
    alone = names(read_page(html, "https://coast.example/3", max_depth=1000).suggested)
    assert "Coastal Digest Network" in alone  # what the habit took away
    # counter-examples: another site, and a site with only two pages saved, keep it
    assert not library.reading_context("https://other.example/x")[1].is_boilerplate("Coastal Digest Network")
    record = library.store.get_article(library.store.article_id_for_url("https://www.coast.example/0"))
    library.delete(record["id"])
    assert not library.reading_context("https://coast.example/3")[1].is_boilerplate("Coastal Digest Network")


def test_a_page_saved_again_is_not_counted_as_its_own_site(library):
    for i, (title, topic) in enumerate(SITE_PAGES[:3]):
        html = keyword_page(title, site_paragraphs(topic), ["Coastal Digest Network"])
        library.save(f"https://coast.example/{i}", read_page(html, None, max_depth=1000))
    assert library.reading_context("https://coast.example/9")[1].pages == 3
    assert library.reading_context("https://coast.example/0")[1].pages == 2  # the other two


def test_the_site_counts_follow_every_change_as_a_scan_would(library):
    rng = random.Random(16)
    words = ["Alpha", "Beta", "Gamma", "Site Wide"]
    ids = []
    for i in range(40):
        host = rng.choice(["a.example", "www.a.example", "b.example"])
        keywords = rng.sample(words, rng.randint(0, 3))
        html = keyword_page(f"Page {i} of the sea", site_paragraphs("sea"), keywords)
        ids.append(library.save(f"https://{host}/{i}", read_page(html, None, max_depth=1000))[0]["id"])
    for article_id in rng.sample(ids, 10):
        library.delete(article_id)
    for article_id in rng.sample(ids, 4):
        library.restore(article_id) if library.store.get_article(article_id, include_deleted=True)["deleted_at"] \
            else library._purge_article(article_id)
    for site in ("a.example", "b.example"):
        live = [r for r in library.store.all_articles() if not r.get("deleted_at") and site_of(r["url"]) == site]
        scanned = SiteKeywords.from_pages(r["keywords"] for r in live)
        kept = library.index.site_keywords(f"https://{site}/new")
        assert kept.pages == scanned.pages
        assert {w: kept.is_boilerplate(w) for w in words} == {w: scanned.is_boilerplate(w) for w in words}


# ------------------------------------------------------------------ the tag manager's API
async def legacy(client, url: str, html: str, tags: list[dict]) -> dict:
    """An article as an older version saved it: its suggestions applied, tags never edited."""
    body = await save(client, url, html)
    return lib_of(client)._update_article(body["id"], {"tags": tags, "tags_edited": False})


def t(name: str, source: str = "text", score: float = 0.5) -> dict:
    return {"name": name, "source": source, "score": score}


async def test_the_clean_up_removes_only_tags_nobody_chose_and_undo_brings_them_back(client, seed_html):
    old = await legacy(client, SEED_URL, seed_html, [t("lists"), t("Iran", "page"), t("Drone warfare", "user")])
    kept = await legacy(client, "https://example.com/kept", page_html("Kept", LOREM), [t("economics")])
    await client.patch(f"/api/articles/{kept['id']}", json={"tags": ["economics", "harbours"]})  # reviewed
    auto = await legacy(client, "https://example.com/auto", page_html("Auto", LOREM), [t("Fishing", "yours", 0.95)])
    lib_of(client)._update_article(auto["id"], {"auto_tags": ["Fishing"]})  # applied by the preference
    listing = await (await client.get("/api/tags")).json()
    assert listing["cleanup"] == {"articles": 1}

    resp = await client.post("/api/tags/cleanup")
    assert resp.status == 200
    done = await resp.json()
    assert (done["articles"], done["removed"]) == (1, 2) and done["undo"]
    after = await (await client.get(f"/api/articles/{old['id']}")).json()
    assert names(after["tags"]) == ["Drone warfare"]  # what the user typed stays
    assert {"Iran"} <= set(names(after["suggested_tags"]))  # the removed ones are still offered
    assert names((await (await client.get(f"/api/articles/{kept['id']}")).json())["tags"]) == ["economics", "harbours"]
    assert names((await (await client.get(f"/api/articles/{auto['id']}")).json())["tags"]) == ["Fishing"]
    assert (await (await client.get("/api/tags")).json())["cleanup"] == {"articles": 0}  # one time

    undone = await (await client.post("/api/tags/undo", json={"undo": done["undo"]})).json()
    assert undone == {"restored": 1, "skipped": 0}
    assert names((await (await client.get(f"/api/articles/{old['id']}")).json())["tags"]) == \
        ["lists", "Iran", "Drone warfare"]
    again = await client.post("/api/tags/undo", json={"undo": done["undo"]})  # a token works once
    assert again.status == 404 and (await again.json())["error"]["code"] == "undo_expired"


async def test_delete_takes_a_tag_off_every_article_and_undo_puts_it_back(client, seed_html):
    a = await save(client, SEED_URL, seed_html)
    b = await save(client, "https://example.com/harbour", page_html("A quiet harbour story", LOREM))
    await client.patch(f"/api/articles/{a['id']}", json={"tags": ["Iran", "drones"]})
    await client.patch(f"/api/articles/{b['id']}", json={"tags": ["Drone", "fishing"]})
    await client.delete(f"/api/articles/{b['id']}")  # the trash too: restored, it has no ghost tag
    resp = await client.delete("/api/tags/drones")
    assert resp.status == 200
    body = await resp.json()
    assert (body["name"], body["removed"]) == ("drones", 2)
    await client.post(f"/api/articles/{b['id']}/restore")
    assert names((await (await client.get(f"/api/articles/{a['id']}")).json())["tags"]) == ["Iran"]
    assert names((await (await client.get(f"/api/articles/{b['id']}")).json())["tags"]) == ["fishing"]
    assert "drones" not in [normalize(n) for n in names(
        (await (await client.get(f"/api/articles/{a['id']}")).json())["suggested_tags"])]
    # the user changes one article again before undoing: theirs wins there
    await client.patch(f"/api/articles/{b['id']}", json={"tags": ["fishing", "boats"]})
    undone = await (await client.post("/api/tags/undo", json={"undo": body["undo"]})).json()
    assert undone == {"restored": 1, "skipped": 1}
    assert names((await (await client.get(f"/api/articles/{a['id']}")).json())["tags"]) == ["Iran", "drones"]
    assert names((await (await client.get(f"/api/articles/{b['id']}")).json())["tags"]) == ["fishing", "boats"]
    assert (await client.delete("/api/tags/never-used")).status == 404


async def test_merge_into_another_tag_with_undo(client, seed_html):
    a = await save(client, SEED_URL, seed_html)
    b = await save(client, "https://example.com/harbour", page_html("A quiet harbour story", LOREM))
    await client.patch(f"/api/articles/{a['id']}", json={"tags": ["UAV", "Iran"]})
    await client.patch(f"/api/articles/{b['id']}", json={"tags": ["Drones"]})
    merged = await (await client.post("/api/tags/UAV/rename", json={"to": "Drones"})).json()
    assert (merged["name"], merged["count"], merged["renamed"]) == ("Drones", 2, 1)
    items = {i["name"]: i["count"] for i in (await (await client.get("/api/tags")).json())["items"]}
    assert items == {"Drones": 2, "Iran": 1}
    await client.post("/api/tags/undo", json={"undo": merged["undo"]})
    items = {i["name"]: i["count"] for i in (await (await client.get("/api/tags")).json())["items"]}
    assert items == {"Drones": 1, "UAV": 1, "Iran": 1}


async def test_a_tag_renamed_on_untouched_articles_becomes_yours_and_survives_the_clean_up(client, seed_html):
    old = await legacy(client, SEED_URL, seed_html, [t("drones"), t("lists")])
    await client.post("/api/tags/drones/rename", json={"to": "Drone warfare"})
    assert "Drone warfare" in lib_of(client).tag_vocabulary() and "lists" not in lib_of(client).tag_vocabulary()
    await client.post("/api/tags/cleanup")
    assert names((await (await client.get(f"/api/articles/{old['id']}")).json())["tags"]) == ["Drone warfare"]


@pytest.mark.parametrize("body,code", [({}, "missing_field"), ({"undo": ""}, "empty_field"),
                                       ({"undo": 5}, "invalid_field"), ({"undo": "x" * 500}, "too_long")])
async def test_bad_undo_requests_are_refused(client, body, code):
    resp = await client.post("/api/tags/undo", json=body)
    assert resp.status == 422 and (await resp.json())["error"]["code"] == code


async def test_the_tag_routes_need_the_token(anon):
    for method, path in [("DELETE", "/api/tags/x"), ("POST", "/api/tags/cleanup"), ("POST", "/api/tags/undo"),
                         ("GET", "/api/preferences"), ("PATCH", "/api/preferences"), ("GET", "/tags")]:
        assert (await anon.request(method, path, json={})).status == 401, path


def test_the_untouched_set_and_chosen_names_follow_every_change_as_a_scan_would(library, seed_html):
    rng = random.Random(5)
    reading = read_page(seed_html, SEED_URL, max_depth=1000)
    pool = [t("lists"), t("Iran", "page"), t("Kelp", "user"), t("Fishing", "yours", 0.95)]
    ids = [library.save(f"https://x.example/{i}", reading)[0]["id"] for i in range(30)]
    for article_id in ids:
        tags = rng.sample(pool, rng.randint(0, 3))
        fields = {"tags": tags, "tags_edited": rng.random() < 0.3}
        if rng.random() < 0.3:
            fields["auto_tags"] = ["Fishing"]
        library._update_article(article_id, fields)
    for article_id in rng.sample(ids, 5):
        library.delete(article_id)
    library.rename_tag("lists", "Lists of things")

    def untouched(r):
        auto = {normalize(n) for n in r.get("auto_tags") or ()}
        return not r.get("tags_edited") and any(x["source"] != "user" and normalize(x["name"]) not in auto
                                                for x in r["tags"])
    live = [r for r in library.store.all_articles() if not r.get("deleted_at")]
    assert library.index.untouched() == {r["id"] for r in live if untouched(r)}
    chosen = Counter(normalize(x["name"]) for r in live for x in r["tags"]
                     if r.get("tags_edited") or x["source"] == "user")
    assert {normalize(n): c for n, c in library.index.tag_names(chosen_only=True)} == chosen
