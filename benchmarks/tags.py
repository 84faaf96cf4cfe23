#!/usr/bin/env python3
"""Tag suggestions against what publishers declared, beside YAKE, on the shared corpora.

For every corpus page that declares tags (meta keywords / news_keywords / article:tag /
parsely-tags, JSON-LD keywords, rel=tag links), the declarations are removed from the HTML, the
page is extracted and our suggester runs on it. Recall@8 is measured against the declared tags
that occur in the article text (normalised match), beside YAKE's top 8 (n-grams up to 3) on the
same text, in the same run. Also: median suggestion time vs median extraction time.

    .venv/bin/pip install yake      # only for this benchmark
    .venv/bin/python benchmarks/tags.py [--worst N]
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import lxml.html

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _corpus import pages  # noqa: E402

from quietpage.errors import QuietPageError  # noqa: E402
from quietpage.reader import extract  # noqa: E402
from quietpage.tags import normalize, suggest  # noqa: E402

DECLARING_META = {"keywords", "news_keywords", "article:tag", "parsely-tags", "sailthru.tags"}


def strip_declarations(html: str) -> str:
    doc = lxml.html.document_fromstring(html.encode("utf-8"), parser=lxml.html.HTMLParser(encoding="utf-8"))
    for meta in doc.iter("meta"):
        keys = {(meta.get(a) or "").lower() for a in ("name", "property", "itemprop")}
        if keys & DECLARING_META:
            meta.drop_tree()
    for a in doc.xpath('//a[contains(concat(" ", normalize-space(@rel), " "), " tag ")]'):  # rel="tag ..."
        a.drop_tree()
    for script in doc.xpath('//script[contains(@type, "ld+json")]'):
        try:
            data = json.loads(script.text or "")
        except ValueError:
            continue
        script.text = json.dumps(_without_keywords(data))
    return lxml.html.tostring(doc, encoding="unicode")


def _without_keywords(node):
    if isinstance(node, dict):
        return {k: _without_keywords(v) for k, v in node.items() if k != "keywords"}
    if isinstance(node, list):
        return [_without_keywords(v) for v in node]
    return node


def hits(suggested: list[str], wanted: dict[str, str]) -> int:
    keys = {normalize(s) for s in suggested}
    return sum(1 for k in wanted if k in keys)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--worst", type=int, default=0)
    args = ap.parse_args()
    try:
        import yake
    except ImportError:
        sys.exit("This benchmark compares with YAKE: pip install yake")
    rows = []
    for page in pages():
        try:
            declared = extract(page["html"], page["url"])
        except QuietPageError:
            continue
        if not declared.keywords:
            continue
        t0 = time.perf_counter()
        try:
            article = extract(strip_declarations(page["html"]), page["url"])
        except QuietPageError:
            continue
        t_extract = time.perf_counter() - t0
        text_key = f" {normalize(article.title + ' ' + article.text.replace(chr(10), ' '))} "
        wanted = {normalize(k): k for k in declared.keywords if normalize(k) and f" {normalize(k)} " in text_key}
        if not wanted:
            continue
        t0 = time.perf_counter()
        ours = [t.name for t in suggest(article)]
        t_suggest = time.perf_counter() - t0
        lang = (article.lang or "en")[:2].lower()
        try:
            extractor = yake.KeywordExtractor(lan=lang, n=3, top=8)
        except Exception:
            extractor = yake.KeywordExtractor(lan="en", n=3, top=8)
        t0 = time.perf_counter()
        theirs = [k for k, _ in extractor.extract_keywords(f"{article.title}\n{article.text}")][:8]
        t_yake = time.perf_counter() - t0
        rows.append({"page": f"{page['corpus']}/{page['id'][:12]}", "wanted": sorted(wanted.values()),
                     "ours": ours, "yake": theirs, "r_ours": hits(ours, wanted) / len(wanted),
                     "r_yake": hits(theirs, wanted) / len(wanted), "t_extract": t_extract,
                     "t_suggest": t_suggest, "t_yake": t_yake})
    med = lambda key: statistics.median(r[key] for r in rows) * 1000  # noqa: E731
    print(f"pages that declare tags found in their text: {len(rows)}")
    print(f"{'':14} {'recall@8':>9} {'median ms':>10} {'vs extraction':>14}")
    print(f"{'QuietPage':14} {statistics.mean(r['r_ours'] for r in rows):9.3f} {med('t_suggest'):10.2f} "
          f"{med('t_suggest') / med('t_extract'):13.1%}")
    print(f"{'YAKE (n<=3)':14} {statistics.mean(r['r_yake'] for r in rows):9.3f} {med('t_yake'):10.2f} "
          f"{med('t_yake') / med('t_extract'):13.1%}")
    print(f"{'(extraction)':14} {'':9} {med('t_extract'):10.2f}")
    for r in sorted(rows, key=lambda r: r["r_ours"] - r["r_yake"])[:args.worst]:
        print(f"\n{r['page']} ours {r['r_ours']:.2f} yake {r['r_yake']:.2f}\n  wanted {r['wanted']}\n"
              f"  ours   {r['ours']}\n  yake   {r['yake']}")


if __name__ == "__main__":
    main()
