#!/usr/bin/env python3
"""Storage at scale: QuietPage's store beside TinyDB's JSONStorage and CachingMiddleware.

    python benchmarks/storage.py [--sizes 1000,10000,100000] [--budget 15] [--json OUT]

For each size (highlights; articles = highlights / 5, so 20k at 100k) the same realistic records
(benchmarks/_storage_data.py) are loaded into each design, in one run, and each operation is
timed (p50 / p99 in ms; n = samples, time-boxed to --budget seconds per cell for the slow ones):

  insert highlight   ours: Store.insert_highlight (journal append + fsync, durable on return)
                     stock: table.insert (JSONStorage rewrites the file; the cache writes nothing)
  highlights of one  ours: the by-article index; stock: table.search(article_id == x)
  list page          50 newest of all: ours Library.page (the index); stock: scan, sort, slice
  search page        50 best matches of a word: ours Library.page(q=), full-text index; stock: scan + metadata
  insert, compacting ours only: inserts while a background compaction rewrites the snapshot

Then start-up (open until ready to serve) and RSS at the largest size, each design in a fresh
process. Ratios are stock p50 / ours p50.
"""
from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _storage_data import BASE, dataset, highlight, iso, write_ours, write_stock

from quietpage.library import Library, ListQuery
from quietpage.settings import Settings
from quietpage.store import Store
from quietpage.store.table import new_id

DESIGNS = ("ours", "JSONStorage", "CachingMiddleware")
SAMPLES = {"ours": 1000, "JSONStorage": 200, "CachingMiddleware": 1000}


def percentiles(times: list[float]) -> dict:
    ms = sorted(t * 1000 for t in times)
    return {"p50": statistics.median(ms), "p99": ms[min(len(ms) - 1, round(0.99 * (len(ms) - 1)))], "n": len(ms)}


def timed(fn, samples: int, budget: float) -> dict:
    times, start = [], time.perf_counter()
    while len(times) < samples and (len(times) < 3 or time.perf_counter() - start < budget):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return percentiles(times)


# ------------------------------------------------------------------------ stock TinyDB
def open_stock(path: Path, design: str):
    from tinydb import TinyDB
    from tinydb.middlewares import CachingMiddleware
    from tinydb.storages import JSONStorage
    from tinydb.table import Table

    class StrTable(Table):  # TinyDB's documented way to string ids
        document_id_class = str

        def _get_next_id(self):
            return new_id()

    storage = CachingMiddleware(JSONStorage) if design == "CachingMiddleware" else JSONStorage
    db = TinyDB(path, storage=storage)
    db.table_class = StrTable
    return db


def stock_list(db, q: str | None, limit: int = 50) -> list:
    """The listing as it was: every article, filtered, sorted, sliced (metadata search only)."""
    items = [{**d, "id": d.doc_id} for d in db.table("articles").all() if not d.get("deleted_at")]
    items.sort(key=lambda a: (a["created_at"], a["id"]), reverse=True)
    if q:
        items = [a for a in items if q in " ".join(str(a.get(k) or "") for k in ("title", "excerpt")).casefold()]
    return items[:limit + 1]


def measure_stock(path: Path, design: str, ids: list[str], make, budget: float) -> dict:
    from tinydb import Query

    db = open_stock(path, design)
    rng, n = random.Random(1), SAMPLES[design]
    highlights, out = db.table("highlights"), {}
    out["insert highlight"] = timed(lambda: highlights.insert(make(rng)), n, budget)
    out["highlights of one"] = timed(lambda: highlights.search(Query().article_id == rng.choice(ids)), n, budget)
    out["list page"] = timed(lambda: stock_list(db, None), n // 4, budget)
    out["search page"] = timed(lambda: stock_list(db, "market"), n // 4, budget)
    if design == "CachingMiddleware":  # what its flush every 1000 writes costs (a kill loses them)
        highlights.insert(make(rng))
        t = time.perf_counter()
        db.storage.flush()
        out["cache flush"] = percentiles([time.perf_counter() - t])
    db.close()
    return out


# ------------------------------------------------------------------------ ours
def measure_ours(data_dir: Path, ids: list[str], make, budget: float) -> dict:
    store = Store(data_dir)
    library = Library(store, Settings(data_dir=data_dir))
    library.wait_for_index()  # built from the records the first time (benchmarks/search.py times it)
    rng, n, out = random.Random(1), SAMPLES["ours"], {}

    def insert_highlight():  # what Library.add_highlight writes: the record, then hands it to the index
        record = store.insert_highlight(make(rng))
        library._highlights_changed(record["article_id"])

    out["insert highlight"] = timed(insert_highlight, n, budget)
    out["highlights of one"] = timed(lambda: store.highlights_of(rng.choice(ids)), n, budget)
    page = dict(tag=None, state="all", limit=50, cursor=None)
    out["list page"] = timed(lambda: library.page(ListQuery(q=None, **page)), n, budget)
    out["search page"] = timed(lambda: library.page(ListQuery(q="market", **page)), n // 4, budget)
    store.storage.compact()  # in the background, as the journal's size would start one
    times = []
    while store.storage.compacting or len(times) < 3:
        t = time.perf_counter()
        insert_highlight()
        times.append(time.perf_counter() - t)
    out["insert, compacting"] = percentiles(times)
    library.close()
    return out


# ------------------------------------------------------------------------ start-up and memory
def startup_child(design: str, where: str) -> None:
    """In a fresh process: open, read what serving needs, report seconds and RSS (MB)."""
    started = time.perf_counter()
    if design == "ours":
        store = Store(Path(where))
        ready = time.perf_counter() - started
        rss_open = rss_mb()
        store.all_articles()  # what the server's start (purge_trash) and tag suggestions read
        report = {"seconds": ready, "rss_mb": rss_open, "rss_mb_all_articles_read": rss_mb()}
    else:
        db = open_stock(Path(where), design)
        len(db.table("articles")), len(db.table("highlights"))
        report = {"seconds": time.perf_counter() - started, "rss_mb": rss_mb()}
    print(json.dumps(report))


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def startup(design: str, where: Path) -> dict:
    out = subprocess.run([sys.executable, __file__, "--startup", design, str(where)],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


# ------------------------------------------------------------------------ the run
def run_size(n: int, budget: float, tmp: Path) -> tuple[dict, dict]:
    articles, highlights, bodies, corpus = dataset(n, n // 5)
    ids = list(articles)

    def make(rng):
        aid = rng.choice(ids)
        return highlight(aid, corpus[0], corpus[0].split(), rng, iso(BASE))

    write_ours(tmp / f"ours-{n}", articles, highlights, bodies)
    for design in DESIGNS[1:]:
        write_stock(tmp / f"{design}-{n}.json", articles, highlights)
    del highlights, bodies
    results = {"ours": measure_ours(tmp / f"ours-{n}", ids, make, budget)}
    for design in DESIGNS[1:]:
        results[design] = measure_stock(tmp / f"{design}-{n}.json", design, ids, make, budget)
    return results, {"ours": tmp / f"ours-{n}", **{d: tmp / f"{d}-{n}.json" for d in DESIGNS[1:]}}


def table(n: int, results: dict) -> str:
    rows = [f"\n### {n:,} highlights, {n // 5:,} articles (ms; p50 / p99; n samples)\n",
            "| operation | ours | TinyDB JSONStorage | TinyDB CachingMiddleware | p50 ratio (JSON / Caching vs ours) |",
            "|---|---|---|---|---|"]
    ops = dict.fromkeys(op for r in results.values() for op in r)
    for op in ops:
        cells = []
        for design in DESIGNS:
            r = results[design].get(op)
            cells.append(f"{r['p50']:.2f} / {r['p99']:.2f} (n={r['n']})" if r else "-")
        mine = results["ours"].get(op)
        ratio = " / ".join(f"{results[d][op]['p50'] / mine['p50']:.0f}x" if mine and op in results[d] else "-"
                           for d in DESIGNS[1:])
        rows.append(f"| {op} | " + " | ".join(cells) + f" | {ratio} |")
    return "\n".join(rows)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    p.add_argument("--sizes", default="1000,10000,100000")
    p.add_argument("--budget", type=float, default=15.0, help="seconds per slow cell (default 15)")
    p.add_argument("--json", type=Path, default=None)
    p.add_argument("--startup", nargs=2, metavar=("DESIGN", "PATH"), help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.startup:
        return startup_child(*args.startup)
    report = {}
    with tempfile.TemporaryDirectory() as tmp:
        for n in map(int, args.sizes.split(",")):
            results, paths = run_size(n, args.budget, Path(tmp))
            report[n] = results
            print(table(n, results), flush=True)
        starts = {d: startup(d, paths[d]) for d in DESIGNS}
    n = max(report)
    print(f"\n### Start-up and memory at {n:,} highlights, {n // 5:,} articles (fresh process each)\n")
    print("| design | ready to serve (s) | RSS (MB) |\n|---|---|---|")
    for d, s in starts.items():
        extra = f" ({s['rss_mb_all_articles_read']:.0f} once every article was read)" if "rss_mb_all_articles_read" in s else ""
        print(f"| {d} | {s['seconds']:.2f} | {s['rss_mb']:.0f}{extra} |")
    if args.json:
        args.json.write_text(json.dumps({"sizes": report, "startup": starts}, indent=2))


if __name__ == "__main__":
    main()
