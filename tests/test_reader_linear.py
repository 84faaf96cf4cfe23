"""Every stage of extraction takes time linear in the page (issue 22): a linear-time fuzz.

For each family of pathological pages in hostile_pages.py (one or more per stage of the reader),
the page is read at size n and at size 8n, as a worker reads it (depth limit, then the reader),
and the time of the stage the family aims at is taken. Linear work takes about 8 times as long
at 8n, quadratic work 64 times: the test asserts the ratio stays under 24 - far from both, so a
loaded machine does not make it flaky: each time is the best of up to three rounds that read
the two pages in turns (it stops as soon as the ratio is clearly fine) - and that the whole big
page is read within a generous ceiling. (How long each
stage takes: benchmarks/pathological.py.)
"""
import time

import pytest

from quietpage.reader.limits import MAX_HTML_DEPTH, extract_checked

from hostile_pages import PAGES, growth, stage_clock

SCALE = 8
MAX_RATIO = 24  # linear: ~8 (less, with the fixed cost of a page); quadratic: ~64
CEILING_SECONDS = 8.0  # the page at 8n takes well under a second on an idle machine
RUNS = 3


@pytest.mark.parametrize("hostile", PAGES, ids=[p.name for p in PAGES])
def test_each_stage_takes_time_linear_in_the_page(hostile):
    small, big = hostile.make(hostile.n), hostile.make(hostile.n * SCALE)
    fastest = {}  # page -> its fastest whole read

    with stage_clock() as spent:
        def measure(html: str) -> float:
            spent.clear()
            start = time.perf_counter()
            extract_checked(html, "https://example.com/hostile", MAX_HTML_DEPTH)  # (none is refused)
            fastest[html] = min(fastest.get(html, CEILING_SECONDS), time.perf_counter() - start)
            return spent[hostile.stage]

        t_small, t_big = growth(measure, small, big, RUNS, enough=MAX_RATIO / 2)
    assert fastest[big] < CEILING_SECONDS, f"{hostile.what}: over {CEILING_SECONDS} s for {len(big) // 1024} KB"
    assert t_big / t_small < MAX_RATIO, (
        f"{hostile.what}: the {hostile.stage} stage took {t_small * 1000:.1f} ms at {len(small) // 1024} KB, "
        f"{t_big * 1000:.1f} ms at {len(big) // 1024} KB")
