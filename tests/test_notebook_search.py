"""The notebook's search against its definition, on a random library: a highlight is found when
every word of the query (case and accents aside, parts of words too) is in its quote or note, or
in its article's title, byline, site, address or tags; the trash is left out; the page follows
its sort, tag and colour, and the colours count what was found before the colour filter. The
definition is written here plainly (every highlight tested), the notebook looks each word up in
all highlights at once - they must agree, before and after changes."""
from __future__ import annotations

import random

import pytest

from quietpage.library import Library, NotebookQuery
from quietpage.library import notebook as notebook_module
from quietpage.library.notebook import fold
from quietpage.settings import Settings
from quietpage.store import Store, pack_bodies
from quietpage.tags import normalize

WORDS = ["harbour", "Mackerel", "crab", "économie", "STRAẞE", "naïve", "tide", "quay", "Ölpreis", "東京", "storm",
         "catch", "pier", "café", "x"]
COLORS = ["yellow", "green", "blue", "pink", "purple"]
TAGS = ["Fishing", "Sea life", "Économie"]


def build(tmp_path, rng):
    library = Library(Store(tmp_path), Settings(data_dir=tmp_path))
    ids = []
    for n in range(25):
        text = " ".join(rng.choice(WORDS) for _ in range(60))
        record = {"url": f"https://site{n % 4}.example/{n}", "url_key": f"https://site{n % 4}.example/{n}",
                  "title": " ".join(rng.choice(WORDS) for _ in range(3)), "byline": rng.choice([None, "Ann Crab"]),
                  "site_name": rng.choice([None, "Harbour News"]), "state": "unread", "deleted_at": None,
                  "created_at": f"2026-01-{1 + n:02d}T00:00:00.000Z",
                  "tags": [{"name": t, "source": "user", "score": 1.0} for t in rng.sample(TAGS, rng.randint(0, 2))]}
        article = library._insert_article(record, pack_bodies({"content_html": "", "text": text}, ""), text)
        ids.append(article["id"])
        for _ in range(rng.randint(0, 6)):
            start = rng.randrange(0, len(text) - 30)
            library.add_highlight(article["id"], [{"type": "TextQuoteSelector", "exact": text[start:start + rng.randint(5, 30)]}],
                                  rng.choice(COLORS), rng.choice(["", "see the harbour", "Naïve note", "ölpreis up"]))
    for article_id in rng.sample(ids, 4):
        library.delete(article_id)
    return library, ids


def expected(library, q, *, sort="newest", tag=None, color=None):
    """Every highlight tested against the definition, in the page's order."""
    store, terms = library.store, fold(q).split()
    rows = []
    for article in store.all_articles():
        if article.get("deleted_at") or (tag and normalize(tag) not in {normalize(t["name"]) for t in article["tags"]}):
            continue
        about = fold(" ".join([*(str(article.get(k) or "") for k in ("title", "byline", "site_name", "url")),
                               *(t["name"] for t in article["tags"])]))
        for h in store.highlights_of(article["id"]):
            own = fold(f"{h['selectors'][0]['exact']} {h.get('note') or ''}")
            if all(t in about or t in own for t in terms):
                rows.append((article, h))
    if sort == "article":
        newest = sorted({a["id"]: a for a, _ in rows}.values(), key=lambda a: (a["created_at"], a["id"]), reverse=True)
        order = {a["id"]: i for i, a in enumerate(newest)}
        rows.sort(key=lambda r: (order[r[0]["id"]], r[1]["selectors"][1]["start"], r[1]["created_at"], r[1]["id"]))
    else:
        rows.sort(key=lambda r: (r[1]["created_at"], r[1]["id"]), reverse=sort == "newest")
    colors = {}
    for _, h in rows:
        colors[h["color"]] = colors.get(h["color"], 0) + 1
    return [h["id"] for _, h in rows if color is None or h["color"] == color], colors


def notebook(library, q, **kw):
    page = library.notebook(NotebookQuery(q=q, limit=1000, **kw))
    return [h["id"] for h in page["items"]], page["colors"], page["total"]


QUERIES = ["harbour", "HARB", "economie", "strasse", "naive note", "olpreis", "東京", "crab ann", "site2", "news mack",
           "fishing", "sea", "x", "zzz", "café tide", "harbour -", "ÖL", "https"]


@pytest.mark.parametrize("seed, walk", [(1, 16), (2, 16), (3, 1), (4, 10 ** 9)])
def test_the_notebook_finds_what_its_definition_finds(tmp_path, seed, walk, monkeypatch):
    """(walk: how few of the highlights a search must find to be sorted rather than walked in
    time order - both ways, the same page.)"""
    monkeypatch.setattr(notebook_module, "SORT_OR_WALK", walk)
    rng = random.Random(seed)
    library, ids = build(tmp_path, rng)

    def check():
        for q in QUERIES:
            for kw in ({}, {"sort": "oldest"}, {"sort": "article"}, {"tag": "fishing"}, {"color": "green"},
                       {"tag": "Économie", "sort": "article", "color": "blue"}):
                want, colors = expected(library, q, **kw)
                got, got_colors, total = notebook(library, q, **kw)
                assert (got, got_colors, total) == (want, colors, len(want)), (q, kw)

    check()
    live = [a for a in ids if not library.store.get_article(a, include_deleted=True).get("deleted_at")]
    # changes after the notebook was built: a new highlight with a note, a retitled article, a
    # restored one, a deleted highlight
    target = live[0]
    text = library.store.read_body(target)["text"]
    library.add_highlight(target, [{"type": "TextQuoteSelector", "exact": text[:12]}], "pink", "a fresh Crab note")
    library.patch(live[1], {"title": "Pier of the storm", "tags": ["Fishing"]})
    trashed = next(a for a in ids if a not in live)
    library.restore(trashed)
    some = next((h for a in live[2:] for h in library.store.highlights_of(a)), None)
    if some:
        library.delete_highlight(some["id"])
    check()
    library.close()
