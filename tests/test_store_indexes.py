"""Listing through the library's indexes finds exactly what a plain scan of every record finds:
newest first, paged by cursor, filtered by state and tag, searched - before and after a reopen."""
import random
import re
import unicodedata

import pytest

from quietpage.library import Library, ListQuery
from quietpage.library.index import ArticleQuery
from quietpage.library.query import parse
from quietpage.settings import Settings
from quietpage.store import Store, pack_bodies
from quietpage.store.lock import DataDirLocked
from quietpage.tags import normalize

WORDS = "harbour mackerel crab quota economist season catch current tide market storm pier".split()
TAGS = ["Fishing", "fishing", "Economy", "Sea-Life", "sea life", "Tides", "Ports"]


SORT_KEYS = {"saved": lambda a: a["created_at"], "published": lambda a: a.get("published") or "",
             "reading_time": lambda a: a.get("reading_minutes") or 0}


def words_of(text: str) -> list[str]:
    """Words as the index folds them: no case, no accents (what this test's words need)."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))
    return re.findall(r"[^\W_]+", plain)


def has(words: list[str], wanted: list[str], prefix: bool) -> bool:
    """Whether `wanted` are in `words`, one after the other (the last one may be a word's start)."""
    n = len(wanted)
    for i in range(len(words) - n + 1):
        if words[i:i + n - 1] == wanted[:-1] and (words[i + n - 1].startswith(wanted[-1]) if prefix
                                                   else words[i + n - 1] == wanted[-1]):
            return True
    return False


def reference_list(store, *, q, tag, state, favorite=False, highlighted=False, sort="saved", descending=None):
    """The listing as it was before the indexes: scan, filter, sort, search."""
    items = [a for a in store.all_articles() if not a.get("deleted_at")]
    if state != "all":
        items = [a for a in items if a.get("state") == state]
    if tag:
        items = [a for a in items if any(normalize(t["name"]) == normalize(tag) for t in a.get("tags", []))]
    if favorite:
        items = [a for a in items if a.get("favorite")]
    if highlighted:
        items = [a for a in items if store.highlight_count(a["id"])]
    natural = sort != "reading_time"
    items.sort(key=lambda a: (SORT_KEYS[sort](a), a["id"]), reverse=natural if descending is None else descending)
    if q:
        search = parse(q)
        found = []
        for a in items:
            fields = [a.get("title"), a.get("byline"), a.get("site_name"), a.get("url"), *(t["name"] for t in a.get("tags", [])),
                      store.read_body(a["id"])["text"],
                      *(f"{h['selectors'][0]['exact']} \n {h['note']}" for h in store.highlights_of(a["id"]))]
            words = [words_of(f or "") for f in fields]
            if all(any(has(w, words_of(t.text), t.prefix) for w in words) for t in search.terms):
                found.append(a)
        items = found
    return [a["id"] for a in items]


def fill(store, rng, n=70):
    ids = []
    for i in range(n):
        title = " ".join(rng.choice(WORDS).title() for _ in range(3))
        record = {"url": f"https://x.example/{i}", "url_key": f"https://x.example/{i}", "title": title,
                  "byline": rng.choice(["Ann", "Bo", None]), "excerpt": "",
                  "tags": [{"name": t, "source": "user", "score": 1.0} for t in rng.sample(TAGS, rng.randint(0, 3))],
                  "state": rng.choice(["unread", "archived"]), "deleted_at": None, "favorite": rng.random() < 0.3,
                  "published": rng.choice([None, f"2025-0{rng.randint(1, 9)}-01"]),
                  "reading_minutes": rng.randint(1, 9),
                  # a few share a timestamp: the id breaks the tie
                  "created_at": f"2026-01-{1 + i // 3:02d}T00:00:00.000Z"}
        text = " ".join(rng.choice(WORDS + ["Zebra", "naïve", "STRAẞE"]) for _ in range(40))
        ids.append(store.insert_article(record, pack_bodies({"content_html": "", "text": text}, "<p></p>"))["id"])
        if rng.random() < 0.3:
            store.insert_highlight({"article_id": ids[-1], "color": "yellow", "status": "anchored",
                                    "note": rng.choice(["", "remember the walrus", "Kelp forest"]),
                                    "selectors": [{"type": "TextQuoteSelector", "exact": text[:12]}],
                                    "created_at": "2026-01-01T00:00:00.000Z", "updated_at": "2026-01-01T00:00:00.000Z"})
    for article_id in rng.sample(ids, 15):  # later changes: state, tags, trash
        change = rng.choice([{"state": "archived"}, {"deleted_at": "2026-02-01T00:00:00.000Z"},
                             {"tags": [{"name": rng.choice(TAGS), "source": "user", "score": 1.0}]},
                             {"deleted_at": None}])
        store.update_article(article_id, change)
    return ids


SAVED = "saved"  # searches keep the saved order here (relevance has its own tests: test_search.py)
QUERIES = [dict(q=None, tag=None, state="all"), dict(q=None, tag=None, state="unread"),
           dict(q=None, tag="fishing", state="all"), dict(q=None, tag="Sea Life", state="archived"),
           dict(q="crab", tag=None, state="all", sort=SAVED), dict(q="ZEBRA harb", tag=None, state="all", sort=SAVED),
           dict(q="strasse", tag=None, state="all", sort=SAVED), dict(q="NAIVE", tag=None, state="all", sort=SAVED),
           dict(q="ann mack", tag="economy", state="all", sort=SAVED),
           dict(q="nothing-matches", tag=None, state="all", sort=SAVED), dict(q=None, tag="no such tag", state="all"),
           dict(q=None, tag=None, state="all", favorite=True), dict(q=None, tag=None, state="unread", highlighted=True),
           dict(q="walrus", tag=None, state="all", sort=SAVED),
           dict(q="kelp crab", tag=None, state="all", highlighted=True, sort=SAVED),
           dict(q=None, tag=None, state="all", sort="published"), dict(q=None, tag=None, state="all", sort="reading_time"),
           dict(q=None, tag="fishing", state="all", sort="reading_time", descending=True),
           dict(q=None, tag=None, state="all", sort="saved", descending=False),
           dict(q="harb", tag=None, state="all", sort="published", favorite=True),
           dict(q="mackerel", tag=None, state="unread", sort="reading_time", descending=True),
           dict(q="season tide", tag=None, state="all", sort="saved", descending=False)]


def pages(library, limit, **query) -> list[str]:
    seen, cursor = [], None
    while True:
        page = library.page(ListQuery(limit=limit, cursor=cursor, **query))
        seen += [a["id"] for a in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            return seen


@pytest.mark.parametrize("limit", [1, 4, 50])
def test_indexed_listing_equals_a_plain_scan(tmp_path, limit):
    store = Store(tmp_path)
    fill(store, random.Random(limit))
    for reopened in (False, True):
        if reopened:  # the indexes are rebuilt from the files
            library.close()
            store = Store(tmp_path)
        library = Library(store, Settings(data_dir=tmp_path))
        for query in QUERIES:
            expected = reference_list(store, **query)
            assert pages(library, limit, **query) == expected, query
            assert library.page(ListQuery(limit=limit, **query))["total"] == len(expected), query
    library.close()


def test_counts_come_from_the_index(tmp_path):
    store = Store(tmp_path)
    fill(store, random.Random(5), n=30)
    live = [a for a in store.all_articles() if not a.get("deleted_at")]
    library = Library(store, Settings(data_dir=tmp_path))
    counts = library.index.counts()
    assert counts["all"] == len(live)
    assert counts["unread"] == sum(a["state"] == "unread" for a in live)
    assert counts["archived"] == sum(a["state"] == "archived" for a in live)
    assert counts["favorites"] == sum(bool(a.get("favorite")) for a in live)
    assert counts["highlighted"] == sum(store.highlight_count(a["id"]) > 0 for a in live)
    library.close()


def test_other_sort_orders_are_one_query_away(tmp_path):
    store = Store(tmp_path)
    fill(store, random.Random(3), n=20)
    library = Library(store, Settings(data_dir=tmp_path))
    index = library.index
    by_minutes = list(index.ids(ArticleQuery(sort="reading", descending=False)))
    live = [a for a in store.all_articles() if not a.get("deleted_at")]
    assert by_minutes == [a["id"] for a in sorted(live, key=lambda a: (a.get("reading_minutes") or 0, a["id"]))]
    library.close()


def test_highlights_by_article_and_articles_by_url_survive_a_reopen(tmp_path):
    store = Store(tmp_path)
    rec = store.insert_article({"url_key": "https://a.example/", "title": "A", "created_at": "x"},
                               pack_bodies({"content_html": "", "text": "x"}, "<p></p>"))
    h = store.insert_highlight({"article_id": rec["id"], "note": "n", "created_at": "1"})
    store.update_highlight(h["id"], {"note": "changed"})
    store.close()
    again = Store(tmp_path)
    assert again.article_id_for_url("https://a.example/") == rec["id"]
    assert [x["note"] for x in again.highlights_of(rec["id"])] == ["changed"]
    again.purge_article(rec["id"])
    assert again.highlights_of(rec["id"]) == [] and again.article_id_for_url("https://a.example/") is None
    again.close()


def test_a_second_store_on_the_same_dir_is_refused(tmp_path):
    store = Store(tmp_path)
    with pytest.raises(DataDirLocked) as err:
        Store(tmp_path)
    assert str(tmp_path) in err.value.message and "pid" in err.value.message
    store.close()
    Store(tmp_path).close()  # released on close


def test_tag_names_come_from_the_index_and_follow_every_change(tmp_path):
    store = Store(tmp_path)
    ids = fill(store, random.Random(9), n=40)
    library = Library(store, Settings(data_dir=tmp_path))  # later changes go through the library
    for article_id in ids[:10]:  # the user sets some tags; the vocabulary only counts those
        library._update_article(article_id, {"tags_edited": True})
    library._update_article(ids[0], {"tags": [{"name": "Kelp", "source": "user", "score": 1.0}]})
    library._purge_article(ids[1])

    library._update_article(ids[2], {"tags": [{"name": "Krill", "source": "text", "score": 0.5}]})

    def scan(chosen_only):  # chosen: all tags of an article whose tags the user set, else those typed
        counts = {}
        for a in store.all_articles():
            if a.get("deleted_at"):
                continue
            tags = [t for t in a.get("tags", []) if not chosen_only or a.get("tags_edited") or t["source"] == "user"]
            for key in {normalize(t["name"]) for t in tags}:
                counts[key] = counts.get(key, 0) + 1
        return counts

    for chosen_only in (False, True):
        indexed = {normalize(name): n for name, n in library.index.tag_names(chosen_only=chosen_only)}
        assert indexed == scan(chosen_only)
    library.close()
