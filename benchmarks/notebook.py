#!/usr/bin/env python3
"""The highlights notebook at scale: GET /api/highlights' library call on the storage
benchmark's realistic records (benchmarks/_storage_data.py: articles = highlights / 5).

    python benchmarks/notebook.py [--sizes 1000,10000,100000] [--budget 10]

Times (ms, p50 / p99) a page of 50 for each sort, a colour filter, a tag filter, a search, and
the list's page of 50 newest articles beside them for scale.
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _storage_data import TAGS, dataset, write_ours  # noqa: E402

from quietpage.library import Library, ListQuery, NotebookQuery  # noqa: E402
from quietpage.settings import Settings  # noqa: E402
from quietpage.store import Store  # noqa: E402


def timed(fn, budget: float, most: int = 200) -> str:
    times, start = [], time.perf_counter()
    while len(times) < most and (len(times) < 5 or time.perf_counter() - start < budget):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return f"{statistics.median(times):.1f} / {times[min(len(times) - 1, round(0.99 * (len(times) - 1)))]:.1f} (n={len(times)})"


def run(n: int, budget: float, tmp: Path) -> None:
    articles, highlights, search, _ = dataset(n, n // 5)
    write_ours(tmp / f"ours-{n}", articles, highlights, search)
    del articles, highlights, search
    store = Store(tmp / f"ours-{n}")
    library = Library(store, Settings(data_dir=tmp / f"ours-{n}"))
    rng = random.Random(1)
    cases = {
        "notebook, newest first": NotebookQuery(),
        "notebook, by article": NotebookQuery(sort="article"),
        "notebook, one colour": NotebookQuery(color="green"),
        "notebook, one tag": None,  # a random tag each time
        "notebook, a search": NotebookQuery(q="market"),
    }
    print(f"\n{n:,} highlights, {n // 5:,} articles (ms; p50 / p99)")
    for name, query in cases.items():
        fn = (lambda q=query: library.notebook(q)) if query else (lambda: library.notebook(NotebookQuery(tag=rng.choice(TAGS))))
        print(f"  {name:<26} {timed(fn, budget)}")
    print(f"  {'list page (for scale)':<26} {timed(lambda: library.page(ListQuery(state='all')), budget)}")
    store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--budget", type=float, default=10.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for n in (int(x) for x in args.sizes.split(",")):
            run(n, args.budget, Path(tmp))


if __name__ == "__main__":
    main()
