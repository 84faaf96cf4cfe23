"""Realistic records for the storage benchmark, and writers for each design's file format.

Articles carry every field Library.save writes (tags, suggested tags, keywords, excerpt, ...);
their text is a real article body from the shared Zyte corpus, so search words, quotes and
sizes are those of real pages. Highlights are made by the real anchoring.describe.
"""
from __future__ import annotations

import json
import random
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _corpus import ROOT, zyte_bodies  # noqa: E402

sys.path.insert(0, str(ROOT / "server"))

from quietpage.anchoring import describe  # noqa: E402
from quietpage.store.files import body_path, pack_bodies, write_body  # noqa: E402
from quietpage.store.table import new_id  # noqa: E402

TAGS = [f"topic {n}" for n in range(300)]
COLORS = ("yellow", "green", "blue", "pink", "purple")
BASE = datetime(2024, 1, 1, tzinfo=timezone.utc)


def iso(t: datetime) -> str:
    return t.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def texts() -> list[str]:
    return [body for body in zyte_bodies() if len(body) > 400]


def article(i: int, text: str, rng: random.Random) -> dict:
    words = text.split()
    when = iso(BASE + timedelta(minutes=7 * i, milliseconds=rng.randrange(1000)))
    tag = lambda: {"name": rng.choice(TAGS), "source": rng.choice(("page", "text", "yours")),  # noqa: E731
                   "score": round(rng.random(), 3)}
    url = f"https://news{i % 97}.example/{i // 97}/{'-'.join(words[:6]).lower()[:60]}"
    return {
        "url": url, "url_key": url, "title": " ".join(words[:12]), "byline": f"Writer {i % 500}",
        "site_name": f"News {i % 97}", "published": when[:10], "lang": "en", "direction": "ltr",
        "excerpt": text[:200], "lead_image": f"https://img.example/{i}.jpg", "word_count": len(words),
        "reading_minutes": max(1, len(words) // 230), "keywords": [rng.choice(TAGS) for _ in range(4)],
        "suggested_tags": [tag() for _ in range(5)], "tags": [tag() for _ in range(3)],
        "tags_edited": rng.random() < 0.2, "state": "archived" if rng.random() < 0.3 else "unread",
        "favorite": rng.random() < 0.05, "progress": round(rng.random(), 2), "created_at": when,
        "updated_at": when, "deleted_at": None, "rev": new_id(),
    }


def highlight(article_id: str, text: str, words: list[str], rng: random.Random, when: str) -> dict:
    start = rng.randrange(0, max(1, len(text) - 260))
    end = min(len(text), start + rng.randint(60, 250))
    note = " ".join(rng.choice(words) for _ in range(rng.randint(0, 12)))
    return {"article_id": article_id, "selectors": describe(text, start, end), "color": rng.choice(COLORS),
            "note": note, "status": "anchored", "created_at": when, "updated_at": when}


def dataset(n_highlights: int, n_articles: int, seed: int = 7) -> tuple[dict, dict, dict, list[str]]:
    """(articles, highlights, {article id: its text}, the corpus texts)."""
    rng = random.Random(seed)
    corpus = texts()
    articles, bodies, ids = {}, {}, []
    for i in range(n_articles):
        text = corpus[i % len(corpus)]
        aid = new_id()
        articles[aid] = article(i, text, rng)
        bodies[aid] = text
        ids.append(aid)
    highlights = {}
    words = [t.split() for t in corpus]
    for j in range(n_highlights):
        k = rng.randrange(n_articles)
        when = iso(BASE + timedelta(seconds=j))
        c = k % len(corpus)
        highlights[new_id()] = highlight(ids[k], corpus[c], words[c], rng, when)
    return articles, highlights, bodies, corpus


def write_ours(data_dir: Path, articles: dict, highlights: dict, bodies: dict) -> None:
    """The snapshot, and each article's reader file (its text: what the search index reads)."""
    from quietpage.store.migrations import SCHEMA_VERSION
    from quietpage.store.snapshot import write_snapshot

    data_dir.mkdir(parents=True, exist_ok=True)
    packed: dict[str, bytes] = {}
    for aid, record in articles.items():
        text = bodies[aid]
        if text not in packed:  # the corpus repeats: pack each text once
            packed[text] = pack_bodies({"content_html": "", "text": text}, "").reader_gz
        write_body(body_path(data_dir, aid, record["rev"], "reader.json"), packed[text])
    write_snapshot(data_dir / "quietpage.json",
                   {"articles": articles, "highlights": highlights, "sessions": {}, "used_logins": {}},
                   schema=SCHEMA_VERSION, generation=0)


def write_stock(path: Path, articles: dict, highlights: dict) -> None:
    """What TinyDB's JSONStorage writes (json.dumps of the whole database)."""
    path.write_text(json.dumps({"articles": articles, "highlights": highlights}))
