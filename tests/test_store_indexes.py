"""Listing through the library's indexes finds exactly what a plain scan of every record finds:
newest first, paged by cursor, filtered by state and tag, searched - before and after a reopen."""
import random
import re
import unicodedata
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quietpage.library import Library, ListQuery
from quietpage.library.index import ArticleIndex, ArticleQuery
from quietpage.library.record_fields import chosen_tag_names, site_of, tag_names_of, untouched_tags
from quietpage.library.query import parse
from quietpage.settings import Settings
from quietpage.store import Store, pack_bodies
from quietpage.store.lock import DataDirLocked
from quietpage.tags import keyword_keys, normalize

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


def test_the_highlighted_count_and_filter_follow_trash_restore_purge_and_every_change(tmp_path):
    """The index keeps the set of highlighted articles to those it files (so counting it is a
    set size, not a pass over the library): an article gone from the index leaves it, and comes
    back into it when filed again."""
    store = Store(tmp_path)
    ids = fill(store, random.Random(11), n=30)
    library = Library(store, Settings(data_dir=tmp_path))
    orphan = "no-such-article"
    library.index.set_highlighted(orphan, True)  # highlights of a record that is not there

    def expected():
        live = [a for a in store.all_articles() if not a.get("deleted_at")]
        return sum(store.highlight_count(a["id"]) > 0 for a in live)

    def listed():
        return {a["id"] for a in library.page(ListQuery(state="all", highlighted=True, limit=200))["items"]}

    plain = next(a for a in ids if not store.highlight_count(a) and not store.get_article(a, include_deleted=True)
                 .get("deleted_at"))
    library.add_highlight(plain, [{"type": "TextQuoteSelector", "exact": store.read_body(plain)["text"][:10]}],
                          "yellow", "")
    assert library.index.counts()["highlighted"] == expected() and plain in listed() and orphan not in listed()
    library.delete(plain)  # to the trash: not counted, not listed
    assert library.index.counts()["highlighted"] == expected() and plain not in listed()
    library.restore(plain)  # filed again: back, with its highlight
    assert library.index.counts()["highlighted"] == expected() and plain in listed()
    library.patch(plain, {"state": "archived"})  # filed again by a change
    assert plain in listed()
    library.delete(plain)
    library.empty_trash()  # purged: gone for good
    assert library.index.counts()["highlighted"] == expected() and plain not in listed()
    library.close()
    library = Library(Store(tmp_path), Settings(data_dir=tmp_path))  # and the same after a reopen
    assert library.index.counts()["highlighted"] == expected()
    library.close()


def test_the_url_map_is_built_by_the_first_whole_scan_or_on_first_use(tmp_path):
    store = Store(tmp_path)
    ids = fill(store, random.Random(2), n=20)
    urls = {a["url_key"]: a["id"] for a in store.all_articles()}
    store.close()
    store = Store(tmp_path)
    scan = store.scan_articles()
    next(scan)  # a scan that stops half way builds nothing...
    scan.close()
    assert store._urls is None
    rec = store.insert_article({"url_key": "https://new.example/", "title": "N", "created_at": "x"},
                               pack_bodies({"content_html": "", "text": "x"}, "<p></p>"))  # ...a write builds it
    assert {k: store.article_id_for_url(k) for k in urls} == urls
    assert store.article_id_for_url("https://new.example/") == rec["id"] and store.article_count() == len(ids) + 1
    store.close()
    store = Store(tmp_path)
    for _ in store.scan_articles():  # a whole scan (the library's, at start) builds it
        pass
    assert store._urls is not None and store.article_id_for_url("https://new.example/") == rec["id"]
    store.close()


def _site_by_urlsplit(url) -> str:
    from urllib.parse import urlsplit
    try:
        return (urlsplit(url if isinstance(url, str) else "").hostname or "").removeprefix("www.")
    except ValueError:
        return ""


@pytest.mark.parametrize("url, site", [
    ("https://www.Example.com/a?b#c", "example.com"), ("http://news.example.co.uk:8080/x", "news.example.co.uk"),
    ("HTTPS://WWW.EXAMPLE.ORG", "example.org"),
    # counter-examples the quick way must leave to urlsplit: userinfo, IPv6, other letters, no host
    ("https://user:pw@real.example/a", "real.example"), ("http://a.example?x=me@b.example", "a.example"),
    ("https://[2001:db8::1]:443/", "2001:db8::1"), ("https://bücher.example/", "bücher.example"),
    ("/relative/path", ""), ("mailto:me@example.com", ""), (None, ""), (42, ""),
])
def test_the_site_of_a_page_is_its_host_without_www(url, site):
    assert site_of(url) == site == _site_by_urlsplit(url)


_HOSTS = st.lists(st.sampled_from(["www", "WWW", "news", "Example", "co", "uk", "a-b", "x1", "bücher", "xn--bcher-kva"]),
                  min_size=1, max_size=4).map(".".join)


@settings(max_examples=400, deadline=None)
@given(scheme=st.sampled_from(["http", "https", "HTTPS", "ftp", "x+y.z", "1bad"]), user=st.sampled_from(["", "u@", "u:p@", "@"]),
       host=_HOSTS | st.sampled_from(["[::1]", "[2001:db8::2]", "", "a b", "h%41"]),
       port=st.sampled_from(["", ":80", ":", ":99999", ":x"]),
       rest=st.sampled_from(["", "/", "/p@q", "?q=a@b", "#f", "/a?b#c", "\\x"]))
def test_the_quick_way_to_a_site_agrees_with_urlsplit(scheme, user, host, port, rest):
    url = f"{scheme}://{user}{host}{port}{rest}"
    assert site_of(url) == _site_by_urlsplit(url)


# ------------------------------------------------------------------ filing, as the plain definitions say
NAMES = ["Fishing", "fishing", "Sea-Life", "sea life", "Tides", "Tide", "Ports", "AI", "ai"]
tag_item = st.one_of(
    st.fixed_dictionaries({"name": st.sampled_from(NAMES), "source": st.sampled_from(["user", "yours", "page", None])}),
    st.sampled_from([None, "Fishing", {"name": 7}, {"source": "user"}]))  # what a damaged record may hold
record_of = st.fixed_dictionaries({
    "tags": st.one_of(st.lists(tag_item, max_size=5), st.sampled_from([None, "Fishing", {}])),
    "tags_edited": st.booleans(),
    "auto_tags": st.one_of(st.none(), st.lists(st.sampled_from(NAMES + [3]), max_size=3)),
    "deleted_at": st.sampled_from([None, "", "2026-01-02T00:00:00.000Z"]),
    "state": st.sampled_from(["unread", "archived", None, 5]),
    "favorite": st.booleans(),
    "url": st.sampled_from(["https://a.example/1", "https://www.a.example/2", "https://b.example/x", None, 12]),
    "keywords": st.one_of(st.none(), st.lists(st.sampled_from(["Fishing", "ap", "Sea life", 4, "", "Tides"]),
                                              max_size=4), st.just([["unhashable"]]))})


def plain_filing(records: dict) -> tuple:
    """What the index must say, from the definitions in index.py applied record by record."""
    names, chosen, untouched, sites = Counter(), Counter(), set(), {}
    for aid, r in records.items():
        if r.get("deleted_at"):
            continue
        for counter, listed in ((names, tag_names_of(r)), (chosen, chosen_tag_names(r))):
            first = {}
            for n in listed:
                first.setdefault(normalize(n), n)
            counter.update(first.items())
        if untouched_tags(r, normalize):
            untouched.add(aid)
        if site := site_of(r.get("url")):
            pages, counts = sites.setdefault(site, [0, Counter()])
            sites[site][0] += 1
            counts.update(keyword_keys([k for k in r.get("keywords") or () if isinstance(k, str)]))
    return names, chosen, untouched, sites


@settings(max_examples=150, deadline=None)
@given(st.lists(record_of, min_size=1, max_size=12), st.data())
def test_filing_counts_tags_chosen_tags_untouched_and_site_keywords_as_defined(records, data):
    records = {f"a{i}": r for i, r in enumerate(records)}
    index = ArticleIndex(normalize)
    index.load(iter(records.items()))
    gone = data.draw(st.sets(st.sampled_from(sorted(records))))
    for aid in gone:  # removed, then some of them filed again one by one
        index.remove(aid)
    back = data.draw(st.sets(st.sampled_from(sorted(gone)))) if gone else set()
    for aid in back:
        index.add(aid, records[aid])
    kept = {a: r for a, r in records.items() if a not in gone or a in back}
    names, chosen, untouched, sites = plain_filing(kept)
    assert +index._names == +names and +index._chosen_names == +chosen
    assert index.untouched() == untouched
    assert {s: (n, +c) for s, (n, c) in index._sites.items()} == {s: (n, +c) for s, (n, c) in sites.items()}
    assert index.counts()["all"] == sum(not r.get("deleted_at") for r in kept.values())
    for key in {normalize(n) for n in NAMES}:
        assert index.tagged(key) == {a for a, r in kept.items() if key in map(normalize, tag_names_of(r))}
