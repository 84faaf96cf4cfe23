#!/usr/bin/env python3
"""What marking hidden text costs the extension's page snapshot, in real headless Chromium.

    .venv/bin/python benchmarks/extension_snapshot.py [RUNS]

For each page it runs the extension's own pageSnapshot() (extension/lib/capture.js: it marks what
a sighted reader cannot see with data-qp-hidden="1", copies the page, unmarks) against the copy
alone (document.documentElement.outerHTML, all the snapshot did before), RUNS times, and prints
the medians side by side: the corpus pages of ../shared (their scripts do not run: served as
files, their requests elsewhere refused), and two 7 MB pages - a long comment thread of ~12,000 elements, and one of ~200,000 small
elements, where marking stops at its time budget.
"""
from __future__ import annotations

import asyncio
import statistics
import sys
from pathlib import Path

from aiohttp import web

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from browser import launch  # noqa: E402
from extension_pages import LOREM, big_page  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"
SOURCE = (ROOT / "extension" / "lib" / "capture.js").read_text("utf-8")
START = SOURCE.index("export function pageSnapshot")
SNAPSHOT = SOURCE[START + len("export "):SOURCE.index("\n}\n", START) + 2]
MEASURE = f"""() => {{
  const snapshot = {SNAPSHOT};
  let t = performance.now();
  const result = snapshot();
  const marked = performance.now() - t;
  t = performance.now();
  const copy = document.documentElement.outerHTML;
  const plain = performance.now() - t;
  return {{ marked, plain, hidden: result.hidden, complete: result.hiddenComplete,
           elements: document.getElementsByTagName("*").length, chars: copy.length }};
}}"""


def many_elements_page(megabytes: float = 7) -> str:
    row = ('<div class="c"><div class="m"><a href="/u/{i}">reader{i}</a> <time>2024</time></div>'
           '<div class="b"><p>{text}</p></div><div class="x"><button>Reply</button></div></div>')
    parts, size, i = [], 0, 0
    while size < megabytes * 1024 * 1024:
        parts.append(row.format(i=i, text=LOREM[i % len(LOREM)]))
        size += len(parts[-1])
        i += 1
    return f"<!DOCTYPE html><html><head><title>Many</title></head><body><article><p>{LOREM[0]}</p></article>{''.join(parts)}</body></html>"


async def main(runs: int) -> None:
    from playwright.async_api import async_playwright

    pages = {"7 MB, ~12k elements": big_page(), "7 MB, ~200k elements": many_elements_page()}
    corpus = sorted(CORPUS.glob("*/*/source.html"))[::6]
    for path in corpus:
        pages[f"{path.parent.parent.name}/{path.parent.name}"] = path.read_text("utf-8", errors="replace")
    app = web.Application()
    names = list(pages)
    for i, name in enumerate(names):
        async def handler(request, text=pages[name]):
            return web.Response(text=text, content_type="text/html")
        app.router.add_get(f"/{i}", handler)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    origin = f"http://127.0.0.1:{runner.addresses[0][1]}"
    rows = []
    async with async_playwright() as pw:
        browser = await launch(pw)
        context = await browser.new_context(viewport={"width": 1280, "height": 800})
        # the pages' own requests elsewhere go nowhere (no network here); their inline scripts run
        await context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(origin)
                            else route.abort())
        for i, name in enumerate(names):
            page = await context.new_page()
            await page.goto(f"{origin}/{i}", wait_until="load", timeout=120000)
            rows.append((name, [await page.evaluate(MEASURE) for _ in range(runs)]))
            await page.close()
        await browser.close()
    await runner.cleanup()
    print(f"pageSnapshot with hidden-text marking vs the copy alone, median of {runs} runs (ms)")
    print(f"{'page':34} {'elements':>9} {'marked':>7} {'snapshot':>9} {'copy':>7} {'ratio':>6}")
    corpus_marked, corpus_plain = [], []
    for name, results in rows:
        marked = statistics.median(r["marked"] for r in results)
        plain = statistics.median(r["plain"] for r in results)
        r0 = results[0]
        if not name.startswith("7 MB"):
            corpus_marked.append(marked)
            corpus_plain.append(plain)
            continue
        budget = "" if r0["complete"] else "  (stopped at its budget)"
        print(f"{name:34} {r0['elements']:>9} {r0['hidden']:>7} {marked:>9.1f} {plain:>7.1f} {marked / plain:>6.1f}{budget}")
    m, p = statistics.median(corpus_marked), statistics.median(corpus_plain)
    print(f"{f'corpus pages ({len(corpus_marked)}), median of medians':34} {'':>9} {'':>7} {m:>9.1f} {p:>7.1f} {m / p:>6.1f}")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 5))
