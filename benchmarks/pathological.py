#!/usr/bin/env python3
"""How long the reader takes on pathological pages, stage by stage, and how that grows.

    python benchmarks/pathological.py [--only NAME ...] [--scale 8] [--limit 60] [--code DIR]

For every page of tests/hostile_pages.py (one family per stage of extraction), reads the page
at size n and at size n x scale the way a worker does (`extract_checked`: depth limit, then the
reader), best of three rounds that read both in turns, and prints the milliseconds of each,
their ratio (linear: about the scale; quadratic: its square), the milliseconds of the stage the
family aims at, and where the time of the big page went, stage by stage.
A run that passes --limit seconds is stopped and printed as "> LIMIT s".

--code DIR reads another copy of the server package (e.g. `git archive` of an older commit
into /tmp/old, then --code /tmp/old/server): how the README's "before" figures were taken.
"""
from __future__ import annotations

import argparse
import signal
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from hostile_pages import PAGES, STAGES, growth, stage_clock  # noqa: E402

URL = "https://example.com/hostile"
MAX_DEPTH = 256  # the max_html_depth setting's default (an older reader took 1000)


class TooLong(BaseException):  # not an Exception: the reader turns those into ExtractionError
    pass


def _alarm(signum, frame):
    raise TooLong()


def reader(limit: float, spent: dict, reads: dict):
    """measure(html): seconds to read the page as a worker does, stopped (TooLong) past `limit`;
    `reads[html]` keeps its fastest read: (seconds, seconds by stage)."""
    from quietpage.errors import ExtractionError
    from quietpage.reader.limits import extract_checked

    def measure(html: str) -> float:
        spent.clear()
        signal.setitimer(signal.ITIMER_REAL, limit)
        start = time.perf_counter()
        try:
            extract_checked(html, URL, MAX_DEPTH)
        except ExtractionError:
            pass
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        elapsed = time.perf_counter() - start
        if elapsed < reads.get(html, (float("inf"),))[0]:
            reads[html] = (elapsed, dict(spent))
        return elapsed

    return measure


def fmt(seconds: float) -> str:
    return f"{seconds * 1000:.0f}"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--only", nargs="+", help="page names (default: all)")
    ap.add_argument("--scale", type=int, default=8)
    ap.add_argument("--size", type=float, default=1.0, help="multiply every page's n by this")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--limit", type=float, default=60.0, help="seconds before a run is stopped")
    ap.add_argument("--code", type=Path, default=ROOT / "server", help="the server package's parent folder")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(args.code.resolve()))
    signal.signal(signal.SIGALRM, _alarm)
    stages = list(dict.fromkeys(STAGES.values()))
    print(f"| page | stage | n KB | ms at n | ms at {args.scale}n | ratio | its stage at n → {args.scale}n (ms) "
          f"| where the time of {args.scale}n went |")
    print("|---|---|---|---|---|---|---|---|")
    with stage_clock() as spent:
        for hostile in PAGES:
            if args.only and hostile.name not in args.only:
                continue
            n = max(1, round(hostile.n * args.size))
            small, big = hostile.make(n), hostile.make(n * args.scale)
            reads: dict = {}
            try:
                t_small, t_big = growth(reader(args.limit, spent, reads), small, big, args.runs)
                small_ms, big_ms, ratio = fmt(t_small), fmt(t_big), f"{t_big / t_small:.1f}"
            except TooLong:
                small_ms = fmt(reads[small][0]) if small in reads else f"> {args.limit:.0f} s"
                big_ms, ratio = (f"> {args.limit:.0f} s" if small in reads else "—"), "—"
            stage = [fmt(reads[page][1].get(hostile.stage, 0)) if page in reads else "—" for page in (small, big)]
            split = reads.get(big, (0, {}))[1]
            total = sum(split.values()) or 1
            where = ", ".join(f"{s} {split[s] / total:.0%}" for s in stages if split.get(s, 0) / total >= 0.05)
            print(f"| {hostile.name} | {hostile.stage} | {len(small) // 1024} | {small_ms} | {big_ms} | {ratio} | "
                  f"{stage[0]} → {stage[1]} | {where} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
