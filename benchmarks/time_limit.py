#!/usr/bin/env python3
"""How close the largest pages allowed come to the extraction time limit.

    python benchmarks/time_limit.py [--mb 15] [--only NAME ...] [--runs 1] [--cap 120] [--corpus-only]

For every page of tests/hostile_pages.py, grown to about --mb megabytes (the most a save may
send is max_html_chars, 15 Mi characters), reads it in a real extraction worker the way a save
does (web/extract_pool.py: depth check, reader, tags, gzip of the files) with the time limit
set to --cap seconds, and prints the seconds it took, the slowest first, beside
extract_time_limit_s (a page stopped at the cap shows "> cap").
First, the real pages of ../shared/corpus (221) read the same way: their median, slowest and
largest, which the limit must leave far behind. A real page near the limit would say the default
is too tight; hostile pages far past it are what the limit is for.
"""
from __future__ import annotations

import argparse
import asyncio
import functools
import gzip
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "server"))
from hostile_pages import PAGES  # noqa: E402

URL = "https://example.com/hostile"
CORPUS = ROOT.parent / "shared" / "corpus"


def corpus_pages():
    """(url, html) of the shared corpus' real pages."""
    for path in sorted((CORPUS / "mozilla").glob("*/source.html")):
        yield "http://fakehost/test/page.html", path.read_text("utf-8")
    for path in sorted((CORPUS / "zyte" / "html").glob("*.html.gz")):
        yield "https://example.com/article", gzip.decompress(path.read_bytes()).decode("utf-8")


async def measure_corpus(cap: float) -> None:
    from quietpage.library import read_page
    from quietpage.web.extract_pool import ExtractPool

    pool = ExtractPool(1, 0, 1, 0, time_limit_s=cap)
    job = functools.partial(read_page, max_depth=256)
    times, biggest = [], 0
    try:
        await pool.run(job, "<p>warm up</p>", URL)
        for url, html in corpus_pages():
            start = time.perf_counter()
            try:
                await pool.run(job, html, url)
            except Exception:
                pass
            times.append(time.perf_counter() - start)
            biggest = max(biggest, len(html))
    finally:
        pool.shutdown()
    times.sort()
    print("| corpus pages | median s | p99 s | slowest s | largest page |")
    print("|---|---|---|---|---|")
    print(f"| {len(times)} | {statistics.median(times):.3f} | {times[int(len(times) * 0.99) - 1]:.3f} | {times[-1]:.3f} | "
          f"{biggest / 1e6:.1f} MB |\n")


async def measure(names, mb: float, runs: int, cap: float) -> list[tuple[str, int, float, str]]:
    from quietpage.library import read_page
    from quietpage.settings import Settings
    from quietpage.web.extract_pool import ExtractPool

    settings = Settings(data_dir=Path("/nonexistent"))
    pool = ExtractPool(1, 0, 1, 0, time_limit_s=cap)
    job = functools.partial(read_page, max_depth=settings.max_html_depth)
    rows = []
    try:
        await pool.run(job, "<p>warm up</p>", URL)
        for hostile in PAGES:
            if names and hostile.name not in names:
                continue
            unit = len(hostile.make(2 * hostile.n)) - len(hostile.make(hostile.n))
            n = hostile.n + max(0, int((mb * 1e6 - len(hostile.make(hostile.n))) / max(1, unit) * hostile.n))
            html = hostile.make(n)[: settings.max_html_chars]
            times, outcome = [], "read"
            for _ in range(runs):
                start = time.perf_counter()
                try:
                    await pool.run(job, html, URL)
                except Exception as exc:  # refused (too deep, no content): how long saying so took
                    outcome = getattr(exc, "code", type(exc).__name__)
                times.append(time.perf_counter() - start)
            rows.append((hostile.name, len(html), statistics.median(times), outcome))
            print(f"  {hostile.name}: {len(html) / 1e6:.1f} MB, {statistics.median(times):.2f} s ({outcome})",
                  file=sys.stderr, flush=True)
    finally:
        pool.shutdown()
    return rows


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mb", type=float, default=15.0)
    ap.add_argument("--only", nargs="+")
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--cap", type=float, default=120.0, help="the time limit of this run, in seconds")
    ap.add_argument("--corpus-only", action="store_true", help="only the real pages")
    args = ap.parse_args(argv)
    if CORPUS.is_dir():
        asyncio.run(measure_corpus(args.cap))
    if args.corpus_only:
        return 0
    from quietpage.settings import Settings

    limit = Settings(data_dir=Path("/nonexistent")).extract_time_limit_s
    rows = asyncio.run(measure(args.only, args.mb, args.runs, args.cap))
    print(f"| page | MB | s (median of {args.runs}) | outcome | share of the {limit:g} s limit |")
    print("|---|---|---|---|---|")
    for name, size, seconds, outcome in sorted(rows, key=lambda r: -r[2]):
        shown = f"> {args.cap:g}" if outcome == "too_slow" else f"{seconds:.2f}"
        print(f"| {name} | {size / 1e6:.1f} | {shown} | {outcome} | {seconds / limit:.0%} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
