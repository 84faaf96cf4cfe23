#!/usr/bin/env python3
"""Search at scale and search quality.

    python benchmarks/search.py [--articles 20000] [--highlights 100000] [--samples 300]
                                [--quality-only | --speed-only] [--fts5] [--json OUT]

Speed: the storage benchmark's realistic library (benchmarks/_storage_data.py: real article
texts of the Zyte corpus, every field a save writes, highlights with notes), with its reader
files, then
  build         the full-text index built from the records (what a first start, a damaged
                index or `quietpage reindex` does), and its size on disk per article
  start-up      Library.open with the index present, in a fresh process
  search page   Library.page(q=...) as the reading list asks it (50 items, unread or all):
                total, the filters' counts, the ranked page and each item's snippet - over a mix
                of queries (rare and common words, 2-3 words, phrases, a word being typed,
                words of notes, operators), p50 / p99 in ms; and the same with each query new
                (words typed letter by letter: nothing asked before, nothing cached)
  save, highlight   Library.save of a page already read (as the server's store thread does it)
                and add_highlight, index update handed over included: saves back to back (many
                tabs, an import), then each save waited for until searchable (a search for it)
                before the next - which puts each save where the index commits the last one and
                merges its segments - and how long until searchable; highlights back to back
With --fts5, the same search pages on SQLite FTS5 (bm25 with the same weights, snippet()), the
design the issue proposed, for comparison.

Quality: every corpus page (../shared/corpus: Zyte and Mozilla) saved into a fresh library;
  titles        a query of 2-3 of a title's rarest words (in this library) ranks it first
  phrases       a 3-word phrase of a text finds exactly the articles whose text has it
  accents       a word written with its accents and without finds the same articles
  CJK           a 2-4 character run from the middle of a Chinese/Japanese/Korean text finds it
"""
from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _storage_data import BASE, dataset, highlight, iso, texts, write_ours  # noqa: E402
from _corpus import pages as corpus_pages  # noqa: E402

from quietpage.library import Library, ListQuery, read_page  # noqa: E402
from quietpage.settings import Settings  # noqa: E402
from quietpage.store import Store  # noqa: E402

# (label, query, state): what people type, as the reading list sends it
QUERIES = [
    ("rare word", "impeachment", "unread"), ("rare word", "cryptocurrency", "all"),
    ("common word", "market", "all"), ("common word", "people", "unread"),
    ("two words", "trade war", "unread"), ("three words", "oil prices rose", "all"),
    ("phrase", '"prime minister"', "all"), ("phrase", '"last year"', "unread"),
    ("typing", "econ", "unread"), ("typing", "presid", "all"), ("typing", "ma", "all"),
    ("accents", "café", "all"), ("note words", "market price", "all"),
    ("operators", "tag:\"topic 7\" market", "all"), ("operators", "is:favorite -market", "all"),
    ("exclusion", "china -trade", "all"), ("site", "site:news3.example growth", "all"),
]


def percentiles(ms: list[float], cpu: list[float] | None = None) -> dict:
    """p50 / p99 of wall-clock ms (and of the calling thread's CPU ms: what the call costs without
    the other processes of a busy machine - the two differ by how long it waited for a core)."""
    def p(xs, q):
        xs = sorted(xs)
        return round(statistics.median(xs) if q == 50 else xs[min(len(xs) - 1, round(0.99 * (len(xs) - 1)))], 2)
    out = {"p50": p(ms, 50), "p99": p(ms, 99), "n": len(ms)}
    if cpu:
        out.update({"cpu p50": p(cpu, 50), "cpu p99": p(cpu, 99)})
    return out


class Clock:
    """Wall and CPU time of each timed call: the calling thread's (writes: the index's own thread
    commits meanwhile, later), or the process's (searches: a page counts its filters on a
    second thread while it ranks)."""

    def __init__(self, cpu=time.thread_time):
        self.wall: dict[str, list[float]] = {}
        self.cpu: dict[str, list[float]] = {}
        self.cpu_clock = cpu

    def time(self, label: str, fn):
        w, c = time.perf_counter(), self.cpu_clock()
        out = fn()
        self.cpu.setdefault(label, []).append((self.cpu_clock() - c) * 1000)
        self.wall.setdefault(label, []).append((time.perf_counter() - w) * 1000)
        return out

    def report(self, total: str | None = None) -> dict:
        out = {k: percentiles(self.wall[k], self.cpu[k]) for k in self.wall}
        if total:
            out[total] = percentiles([x for v in self.wall.values() for x in v], [x for v in self.cpu.values() for x in v])
        return out


# ------------------------------------------------------------------------ speed
def build_library(where: Path, n_articles: int, n_highlights: int) -> tuple[list[str], list[str]]:
    articles, highlights, bodies, corpus = dataset(n_highlights, n_articles)
    write_ours(where, articles, highlights, bodies)
    return list(articles), corpus


def measure_search(library: Library, samples: int) -> dict:
    rng, clock = random.Random(3), Clock(time.process_time)
    for _ in range(samples):
        label, q, state = rng.choice(QUERIES)
        clock.time(label, lambda: library.page(ListQuery(q=q, state=state, limit=50)))
    return clock.report("all queries")


def measure_typing(library: Library, corpus: list[str], samples: int) -> dict:
    """Each search new, as when words are typed letter by letter: from the third letter of a
    word of the texts (one, or after another word), every prefix a search page of its own.
    The mix above asks the same queries again and again; this one never does."""
    rng, clock, asked = random.Random(11), Clock(time.process_time), set()
    words = sorted({w.lower() for t in corpus for w in re.findall(r"[A-Za-z]{5,12}", t)})
    while sum(map(len, clock.wall.values())) < samples:
        word = rng.choice(words)
        before = rng.choice(words) + " " if rng.random() < 0.4 else ""
        for end in range(3, len(word) + 1):
            q = before + word[:end]
            if q not in asked:
                asked.add(q)
                clock.time("new query", lambda: library.page(ListQuery(q=q, state="unread", limit=50)))
    return clock.report()


def measure_writes(library: Library, ids: list[str], corpus: list[str], samples: int) -> dict:
    rng = random.Random(5)
    readings = []
    for i in range(min(samples, 200)):  # pages read off the store thread, as the server does
        text = corpus[i % len(corpus)]
        html = f"<html><head><title>Bench {i}</title></head><body><article><h1>Bench {i}</h1>" + "".join(
            f"<p>{p}</p>" for p in text.split("\n") if p.strip()) + "</article></body></html>"
        readings.append((f"https://bench.example/{i}", read_page(html, f"https://bench.example/{i}", max_depth=1000)))
    clock, searchable = Clock(), []
    for url, reading in readings:  # many pages saved at once (tabs, an import): back to back
        clock.time("save", lambda: library.save(url, reading))
    library.wait_for_index()
    for url, reading in readings:  # each save searched for before the next: it meets the last one's commit
        t = time.perf_counter()
        clock.time("save, each searched for", lambda: library.save(url, reading))
        library.wait_for_index()
        searchable.append((time.perf_counter() - t) * 1000)
    for _ in range(samples):
        aid = rng.choice(ids)
        text = library.store.read_body(aid)["text"]
        h = highlight(aid, text, text.split(), rng, iso(BASE))
        clock.time("highlight insert", lambda: library.add_highlight(aid, h["selectors"], "yellow", h["note"]))
    library.wait_for_index()
    return {**clock.report(), "save, until searchable": percentiles(searchable)}


def startup_child(where: str) -> None:
    t, c = time.perf_counter(), time.process_time()
    library = Library.open(Path(where), Settings(data_dir=Path(where)))
    ready, cpu = time.perf_counter() - t, time.process_time() - c
    pending = library.index_status()["pending"]
    library.close()
    print(json.dumps({"seconds": round(ready, 2), "cpu seconds": round(cpu, 2), "pending": pending}))


def startup(where: Path) -> dict:
    out = subprocess.run([sys.executable, __file__, "--startup", str(where)], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def fts5_compare(library: Library, samples: int, where: Path) -> dict:
    """The same search pages on SQLite FTS5 (unicode61 remove_diacritics 2, bm25 weights as ours)."""
    import sqlite3

    db = sqlite3.connect(where / "fts5.sqlite3")
    db.execute("CREATE VIRTUAL TABLE fts USING fts5(title, tags, meta, body, quotes, notes, "
               "tokenize='unicode61 remove_diacritics 2', prefix='2 3')")
    store = library.store
    with db:
        for n, record in enumerate(store.all_articles(), 1):
            hs = store.highlights_of(record["id"])
            db.execute("INSERT INTO fts(rowid, title, tags, meta, body, quotes, notes) VALUES (?,?,?,?,?,?,?)",
                       (n, record.get("title"), " ".join(t["name"] for t in record.get("tags", [])),
                        f"{record.get('byline')} {record.get('site_name')} {record.get('url')}",
                        store.read_body(record["id"])["text"],
                        " ".join(h["selectors"][0]["exact"] for h in hs), " ".join(h["note"] for h in hs)))
    rng, clock = random.Random(3), Clock()
    words = re.compile(r"[^\W_]+")
    for _ in range(samples):
        _, q, _ = rng.choice([x for x in QUERIES if ":" not in x[1]])
        parts = [f'"{w}"' for w in words.findall(q.replace('"', " "))]
        expr = " ".join(parts[:-1] + [parts[-1] + " *"]) if not q.startswith('"') else f'"{" ".join(words.findall(q))}"'
        expr = expr.replace('" "-', '" NOT "') if "-" in q else expr
        def page():
            total = db.execute("SELECT count(*) FROM fts WHERE fts MATCH ?", (expr,)).fetchone()[0]
            rows = db.execute("SELECT rowid, snippet(fts, 3, '[', ']', '…', 24) FROM fts WHERE fts MATCH ? "
                              "ORDER BY bm25(fts, 8, 5, 2, 1, 1.5, 1.5) LIMIT 50", (expr,)).fetchall()
            return total, rows

        clock.time("search page (count, bm25 page, snippets)", page)
    db.close()
    return clock.report()


def speed(args, tmp: Path) -> dict:
    where = args.reuse or tmp / "library"
    t = time.perf_counter()
    if (where / "quietpage.json").exists():  # --reuse: a library this benchmark wrote before
        store = Store(where)
        ids, corpus = [a for a, _ in store.scan_articles()], texts()
        store.close()
    else:
        ids, corpus = build_library(where, args.articles, args.highlights)
    print(f"library ready in {time.perf_counter() - t:.1f} s", file=sys.stderr, flush=True)
    t = time.perf_counter()
    library = Library.open(where, Settings(data_dir=where))
    opened = time.perf_counter() - t
    library.wait_for_index()
    built = time.perf_counter() - t
    size = library.fulltext.size_bytes()
    library.close()
    report = {"build": {"seconds": round(built, 1), "open before it (s)": round(opened, 2),
                        "index MB": round(size / 1e6, 1), "KB per article": round(size / args.articles / 1e3, 2)},
              "start-up": startup(where)}
    print(json.dumps(report), file=sys.stderr, flush=True)
    library = Library.open(where, Settings(data_dir=where))
    report["search"] = measure_search(library, args.samples)
    print(json.dumps(report["search"]["all queries"]), file=sys.stderr, flush=True)
    report["search, each query new"] = measure_typing(library, corpus, args.samples)
    print(json.dumps(report["search, each query new"]), file=sys.stderr, flush=True)
    if args.fts5:
        report["fts5"] = fts5_compare(library, args.samples, tmp)
    report["writes"] = measure_writes(library, ids, corpus, args.samples)
    library.close()
    return report


# ------------------------------------------------------------------------ quality
def fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))


def tokens(text: str) -> list[str]:
    return re.findall(r"[^\W_]+", fold(text))


def contains(words: list[str], wanted: list[str]) -> bool:
    n = len(wanted)
    return any(words[i:i + n] == wanted for i in range(len(words) - n + 1))


CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]{6,}")


def quality(tmp: Path) -> dict:
    where = tmp / "corpus"
    library = Library.open(where, Settings(data_dir=where))
    saved = {}
    for n, p in enumerate(corpus_pages()):
        url = p["url"] if p["corpus"] == "zyte" else f"https://mozilla.example/{p['id']}/"
        try:
            record = library.save(url, read_page(p["html"], url, max_depth=1000))[0]
        except Exception:  # noqa: BLE001 - a page with nothing to read
            continue
        saved[record["id"]] = record
    library.wait_for_index()
    texts = {a: library.store.read_body(a)["text"] for a in saved}
    found = lambda q: [x["id"] for x in library.page(ListQuery(q=q, limit=200))["items"]]  # noqa: E731
    words_in = {a: set(re.findall(r"[^\W_]+", fold(saved[a]["title"] + " " + texts[a]))) for a in saved}
    df: dict[str, int] = {}
    for ws in words_in.values():
        for w in ws:
            df[w] = df.get(w, 0) + 1
    firsts, titles = 0, 0
    for a, record in saved.items():
        ws = [w for w in dict.fromkeys(re.findall(r"[^\W_]+", fold(record["title"] or ""))) if len(w) > 3 and not w.isdigit()]
        if len(ws) < 2:
            continue
        q = " ".join(sorted(ws, key=lambda w: (df.get(w, 0), w))[:3])
        titles += 1
        firsts += found(q)[:1] == [a]
    rng = random.Random(11)
    fields = {a: [tokens(f) for f in (r.get("title") or "", texts[a], r.get("url") or "", r.get("byline") or "",
                                      r.get("site_name") or "", *(t["name"] for t in r.get("tags", [])))]
              for a, r in saved.items()}
    phrase_ok = phrases = 0
    for a in rng.sample(sorted(saved), 60):
        candidates = re.findall(r"\b[A-Za-z]{5,}\s+[A-Za-z]{3,}\s+[A-Za-z]{5,}\b", texts[a])
        if not candidates:
            continue
        phrase = rng.choice(candidates)
        wanted = tokens(phrase)
        want = {b for b in saved if any(contains(f, wanted) for f in fields[b])}
        got = set(found(f'"{phrase}"'))
        phrases += 1
        phrase_ok += want == got
    accent_ok = accents = 0
    accented = sorted({w for t in texts.values() for w in re.findall(r"\b\w*[éèàçüöäñ]\w*\b", t) if len(w) > 4})
    for w in rng.sample(accented, min(40, len(accented))):
        accents += 1
        accent_ok += set(found(w)) == set(found(fold(w)))
    cjk_ok = cjk = 0
    for a in saved:
        runs = CJK.findall(texts[a])
        if runs:
            run = max(runs, key=len)
            size = rng.randint(2, 4)
            start = rng.randrange(0, len(run) - size)
            cjk += 1
            cjk_ok += a in found(run[start:start + size])
    library.close()
    return {"articles": len(saved), "title words rank it first": f"{firsts}/{titles} ({100 * firsts / max(1, titles):.1f} %)",
            "phrase finds exactly its articles": f"{phrase_ok}/{phrases}",
            "accented = unaccented": f"{accent_ok}/{accents}", "CJK substring finds it": f"{cjk_ok}/{cjk}"}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    p.add_argument("--articles", type=int, default=20_000)
    p.add_argument("--highlights", type=int, default=100_000)
    p.add_argument("--samples", type=int, default=300)
    p.add_argument("--quality-only", action="store_true")
    p.add_argument("--speed-only", action="store_true")
    p.add_argument("--fts5", action="store_true", help="also time the same searches on SQLite FTS5")
    p.add_argument("--json", type=Path)
    p.add_argument("--reuse", type=Path, help="a library folder to write once and use again (the build is timed "
                                              "only when its index is missing)")
    p.add_argument("--startup", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.startup:
        return startup_child(args.startup)
    report = {}
    with tempfile.TemporaryDirectory() as tmp:
        if not args.speed_only:
            report["quality"] = quality(Path(tmp))
            print(json.dumps(report["quality"], indent=1), flush=True)
        if not args.quality_only:
            report["speed"] = speed(args, Path(tmp))
            print(json.dumps(report["speed"], indent=1), flush=True)
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
