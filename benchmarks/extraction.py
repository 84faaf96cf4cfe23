#!/usr/bin/env python3
"""Extraction quality and speed: QuietPage's reader beside plain readability-lxml and trafilatura.

    python benchmarks/extraction.py [--only NAME ...] [--corpus zyte|mozilla|varied|all] [--json OUT]

Runs every extractor over the shared corpora (../shared/corpus) and our varied set (the pages of
tests/pages: WordPress themes, page builders, forums, recipes, tickers, wikis, docs with
highlighted code; English and German; each with the text a careful reader wants, in
tests/golden) in one process, page by page and interleaved, so the medians compare like with
like. Scoring is the shared eval script's own (../shared/eval/score.py: 4-token shingle F1,
exact title/byline on the Mozilla pages and on ours); this file only adds the peers, our set and
the side-by-side table. trafilatura is a benchmark-only dependency
(`pip install -e '.[bench]'`); without it, its rows are skipped.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _corpus import ROOT, pages as load_pages, score  # noqa: E402

sys.path.insert(0, str(ROOT / "server"))


# ------------------------------------------------------------------ the extractors
def quietpage_extract(html, url):
    from quietpage.reader import extract
    return extract(html, url)


def readability_extract(html, url):
    """Plain readability-lxml, as its README uses it: summary, block text, short_title()."""
    from readability import Document
    doc = Document(html)
    title = doc.short_title()
    return {"text": score.block_text(doc.summary(html_partial=True)), "title": title, "byline": None}


def trafilatura_extract(html, url):
    import trafilatura
    result = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False)
    if result is None:
        return {}
    get = (lambda k: result.get(k)) if isinstance(result, dict) else (lambda k: getattr(result, k, None))
    return {"text": get("text"), "title": get("title"), "byline": get("author")}


EXTRACTORS = {
    "quietpage": quietpage_extract,
    "readability-lxml": readability_extract,
    "trafilatura": trafilatura_extract,
}


def available(names):
    out = {}
    for name in names:
        if name == "trafilatura" and importlib.util.find_spec("trafilatura") is None:
            print("(trafilatura is not installed: pip install -e '.[bench]'; skipping it)", file=sys.stderr)
            continue
        out[name] = EXTRACTORS[name]
    return out


# ------------------------------------------------------------------ running
def timed(fn, page):
    start = time.perf_counter()
    try:
        result, error = fn(page["html"], page["url"]), None
    except Exception as exc:  # a crash scores as an empty page, and is counted
        result, error = {}, f"{type(exc).__name__}: {exc}"
    return result, error, (time.perf_counter() - start) * 1000


def run(extractors, pages):
    """rows[name] -> one row per page; every page runs every extractor back to back."""
    rows = {name: [] for name in extractors}
    for page in pages:
        parse_ms = score.bare_parse_ms(page["html"])
        for name, fn in extractors.items():
            result, error, ms = timed(fn, page)
            rows[name].append({
                "corpus": page["corpus"], "id": page["id"], "truth": page["text"], "meta": page["meta"],
                "pred": score.field(result, "text") if not error else "", "error": error, "ms": ms,
                "parse_ms": parse_ms, "title": score.field(result, "title"),
                "byline": score.field(result, "byline"),
            })
    return rows


def exact_hits(sub, key):
    want = [(r, " ".join((r["meta"].get(key) or "").split())) for r in sub]
    want = [(r, w) for r, w in want if w]
    return sum(1 for r, w in want if r[key] == w), len(want)


def summarise(rows):
    table = []
    for name, name_rows in rows.items():
        for corpus in sorted({r["corpus"] for r in name_rows}):
            sub = [r for r in name_rows if r["corpus"] == corpus]
            m = score.aggregate([score.page_counts(r["truth"], r["pred"]) for r in sub])
            ms = statistics.median(r["ms"] for r in sub)
            parse = statistics.median(r["parse_ms"] for r in sub)
            line = {"extractor": name, "corpus": corpus, "pages": len(sub), **m, "median_ms": ms,
                    "parse_ms": parse, "ratio": ms / parse, "errors": sum(1 for r in sub if r["error"])}
            if corpus in ("mozilla", "varied"):
                line["title"], line["title_of"] = exact_hits(sub, "title")
                line["byline"], line["byline_of"] = exact_hits(sub, "byline")
            table.append(line)
    return table


def markdown(table):
    out = ["| extractor | corpus | F1 | precision | recall | title exact | byline exact | median ms/page | × bare lxml parse |",
           "|---|---|---|---|---|---|---|---|---|"]
    for t in table:
        title = f"{t['title']}/{t['title_of']}" if "title" in t else "—"
        byline = f"{t['byline']}/{t['byline_of']}" if "byline" in t else "—"
        out.append(f"| {t['extractor']} | {t['corpus']} ({t['pages']}) | {t['f1']:.3f} | {t['precision']:.3f} | "
                   f"{t['recall']:.3f} | {title} | {byline} | {t['median_ms']:.1f} | {t['ratio']:.1f}× |")
    return "\n".join(out)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--only", nargs="+", choices=list(EXTRACTORS), default=list(EXTRACTORS))
    ap.add_argument("--corpus", default="all", choices=["zyte", "mozilla", "varied", "all"])
    ap.add_argument("--json", help="write per-page results here")
    args = ap.parse_args(argv)
    pages = load_pages(args.corpus)
    rows = run(available(args.only), pages)
    table = summarise(rows)
    print(markdown(table))
    errors = [(n, r["id"], r["error"]) for n, rs in rows.items() for r in rs if r["error"]]
    for name, page, error in errors:
        print(f"  error: {name} {page}: {error}")
    if args.json:
        Path(args.json).write_text(json.dumps(
            {n: [{k: r[k] for k in ("corpus", "id", "pred", "error", "ms", "title", "byline")} for r in rs]
             for n, rs in rows.items()}, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
