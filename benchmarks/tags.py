#!/usr/bin/env python3
"""Tag suggestions on the shared corpora, beside YAKE, per language group. Prints:

1. recall@8 of declared tags: for every page that declares tags (meta keywords, news_keywords,
   article:tag, parsely-tags, JSON-LD keywords, rel=tag links) the declarations are removed from
   the HTML, the page is extracted and the suggester runs on what is left; a hit is a suggestion
   equal (tags.normalize) to a declared tag that occurs in the title or text. YAKE's top 8
   (n-grams up to 3) on the same text, in the same run.
2. junk share (_tag_junk.py): the share of page/text suggestions no reader would keep, on every
   page as saved (declarations kept) and on the stripped pages; YAKE's on the stripped pages.
3. vocabulary test (_tag_vocabulary.py): a user with 16 tags (IT, News, US, ...) over every page;
   each `yours` suggestion is checked against what the text must say for the tag to be meant:
   precision, and the share of pages plainly about a tag that get it.
4. time: median suggestion time beside median extraction time (and YAKE's), and the cost of the
   word data in a fresh process (import, first page, per extra language, memory).

Language groups: en-news (English pages of the Zyte news corpus), en-other (English pages of the
Mozilla corpus), other (every page not in English). The language is lexicon.guess's.

    .venv/bin/pip install yake      # only for this benchmark
    .venv/bin/python benchmarks/tags.py [--worst N] [--cache FILE] [--show]
"""
from __future__ import annotations

import argparse
import json
import pickle
import statistics
import subprocess
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

import lxml.html

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _tag_vocabulary as vocab  # noqa: E402
from _corpus import pages  # noqa: E402
from _tag_junk import junk_kind  # noqa: E402

from quietpage.tags import lexicon, textdoc  # noqa: E402
from quietpage.errors import QuietPageError  # noqa: E402
from quietpage.reader import extract  # noqa: E402
from quietpage.tags import normalize, suggest  # noqa: E402

DECLARING_META = {"keywords", "news_keywords", "article:tag", "parsely-tags", "sailthru.tags"}
GROUPS = ("en-news", "en-other", "other")


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


def load(cache: Path | None) -> list[dict]:
    """Every corpus page extracted as saved and with its declarations stripped (timed)."""
    if cache and cache.exists():
        return pickle.loads(cache.read_bytes())
    rows = []
    for page in pages():
        try:
            saved = extract(page["html"], page["url"])
            t0 = time.process_time()
            stripped = extract(strip_declarations(page["html"]), page["url"])
            t_extract = time.process_time() - t0
        except QuietPageError:
            continue
        rows.append({"page": f"{page['corpus']}/{page['id'][:12]}", "corpus": page["corpus"],
                     "saved": saved, "stripped": stripped, "t_extract": t_extract})
    if cache:
        cache.write_bytes(pickle.dumps(rows))
    return rows


def group_of(row: dict) -> str:
    a = row["saved"]
    doc = textdoc.read(a.title, a.text)
    lang = lexicon.guess([w for w in doc.low[doc.body_start:] if w][:400], a.lang)
    row["lang"] = lang.code if lang else None
    if row["lang"] != "en":
        return "other"
    return "en-news" if row["corpus"] == "zyte" else "en-other"


# ------------------------------------------------------------------------------ 1. recall
def recall_rows(rows: list[dict], yake) -> list[dict]:
    out = []
    for row in rows:
        saved, article = row["saved"], row["stripped"]
        if not saved.keywords:
            continue
        text_key = f" {' '.join(normalize(w) for w in (article.title + ' ' + article.text).split())} "
        wanted = {normalize(k): k for k in saved.keywords if normalize(k) and _in_text(k, text_key)}
        if not wanted:
            continue
        t0 = time.process_time()
        ours = [t.name for t in suggest(article)]
        t_suggest = time.process_time() - t0
        t0 = time.process_time()
        theirs = _yake(yake, article, row["lang"])
        t_yake = time.process_time() - t0
        out.append({**row, "wanted": sorted(wanted.values()), "ours": ours, "yake": theirs,
                    "r_ours": _hits(ours, wanted) / len(wanted), "r_yake": _hits(theirs, wanted) / len(wanted),
                    "t_suggest": t_suggest, "t_yake": t_yake})
    return out


def _in_text(keyword: str, text_key: str) -> bool:
    words = " ".join(normalize(w) for w in keyword.split())
    return bool(words) and f" {words} " in text_key


def _hits(suggested: list[str], wanted: dict[str, str]) -> int:
    keys = {normalize(s) for s in suggested}
    return sum(1 for k in wanted if k in keys)


def _yake(yake, article, lang: str | None) -> list[str]:
    try:
        extractor = yake.KeywordExtractor(lan=lang or "en", n=3, top=8)
    except Exception:
        extractor = yake.KeywordExtractor(lan="en", n=3, top=8)
    return [k for k, _ in extractor.extract_keywords(f"{article.title}\n{article.text}")][:8]


# ------------------------------------------------------------------------------ 2. junk
def junk_share(rows: list[dict], key: str, names_of) -> tuple[dict, Counter, list]:
    """{group: (junk, total)}, junk kinds, and examples, over the suggestions names_of(row)."""
    by_group: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    kinds: Counter = Counter()
    examples = []
    for row in rows:
        article = row[key]
        doc = textdoc.read(article.title, article.text)
        lang = lexicon.language(row["lang"]) if row["lang"] else None
        for name, source in names_of(row, article):
            kind = junk_kind(name, source, doc, lang)
            by_group[row["group"]][1] += source != "yours"
            if kind:
                by_group[row["group"]][0] += 1
                kinds[kind] += 1
                examples.append((row["page"], kind, name))
    return by_group, kinds, examples


# ------------------------------------------------------------------------------ 3. vocabulary
def vocabulary_test(rows: list[dict]) -> dict:
    right, wrong, about, got = Counter(), Counter(), Counter(), Counter()
    mistakes, missed = [], []
    for row in rows:
        article = row["saved"]
        yours = {t.name for t in suggest(article, vocab.VOCABULARY) if t.source == "yours"}
        for tag in vocab.VOCABULARY:
            is_meant = vocab.meant(tag, article.title, article.text, row["lang"])
            if tag in yours:
                (right if is_meant else wrong)[tag] += 1
                if not is_meant:
                    mistakes.append((row["page"], tag))
            if vocab.plainly_about(tag, article.title, article.text, row["lang"]):
                about[tag] += 1
                got[tag] += tag in yours
                if tag not in yours:
                    missed.append((row["page"], tag))
    return {"right": right, "wrong": wrong, "about": about, "got": got, "mistakes": mistakes, "missed": missed}


# ------------------------------------------------------------------------------ 4. footprint
FOOTPRINT = r"""
import time
def rss():  # resident memory now, in MB
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096 / 2**20
from quietpage.reader import Article
base = rss(); t0 = time.process_time()
from quietpage import tags
t1 = time.process_time()
art = lambda lang, text: Article(url=None, title="t", byline=None, site_name=None, published=None, lang=lang,
                                 excerpt=None, lead_image=None, content_html="", text=text, word_count=9, reading_minutes=1)
tags.suggest(art("en", "The cat sat on the mat. " * 20))
t2 = time.process_time(); after_en = rss()
for lang, text in (("de", "Die Katze sitzt auf der Matte. " * 20), ("fr", "Le chat est sur le tapis. " * 20)):
    tags.suggest(art(lang, text))
t3 = time.process_time()
print(f"{(t1-t0)*1000:.0f} {(t2-t1)*1000:.0f} {(t3-t2)*500:.0f} {base:.1f} {after_en:.1f} {(rss()-after_en)/2:.1f}")
"""


def footprint() -> list[str]:
    out = subprocess.run([sys.executable, "-c", FOOTPRINT], capture_output=True, text=True, check=True).stdout.split()
    imp, first, per_lang, base, after, mem_lang = map(float, out)
    return [f"import quietpage.tags: {imp:.0f} ms; first English page (loads its word data): {first:.0f} ms; "
            f"each further language: {per_lang:.0f} ms",
            f"memory: {base:.1f} MB after importing the reader, {after:.1f} MB after the first English page "
            f"(+{after - base:.1f} MB), +{mem_lang:.1f} MB per further language"]


# ------------------------------------------------------------------------------ report
def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--worst", type=int, default=0, help="show the N pages where we trail YAKE most")
    ap.add_argument("--show", action="store_true", help="show every junk suggestion and vocabulary mistake")
    ap.add_argument("--cache", type=Path, help="keep the extracted pages in this file between runs")
    args = ap.parse_args()
    try:
        import yake
    except ImportError:
        sys.exit("This benchmark compares with YAKE: pip install yake")
    rows = load(args.cache)
    for row in rows:
        row["group"] = group_of(row)
    sizes = Counter(r["group"] for r in rows)
    print(f"{len(rows)} corpus pages: " + ", ".join(f"{g} {sizes[g]}" for g in GROUPS))

    rec = recall_rows(rows, yake)
    print("\n1. recall@8 of declared tags, declarations stripped")
    print(f"{'group':10} {'pages':>6} {'QuietPage':>10} {'YAKE':>8}")
    for g in (*GROUPS, "all"):
        sel = [r for r in rec if g in ("all", r["group"])]
        if sel:
            print(f"{g:10} {len(sel):6} {statistics.mean(r['r_ours'] for r in sel):10.3f} "
                  f"{statistics.mean(r['r_yake'] for r in sel):8.3f}")

    print("\n2. junk share of page/text suggestions")
    saved, kinds_saved, ex_saved = junk_share(rows, "saved", lambda r, a: [(t.name, t.source) for t in suggest(a)])
    strip, kinds_strip, ex_strip = junk_share(rows, "stripped", lambda r, a: [(t.name, t.source) for t in suggest(a)])
    theirs, kinds_yake, _ = junk_share(rec, "stripped", lambda r, a: [(n, "text") for n in r["yake"]])
    print(f"{'group':10} {'as saved':>16} {'stripped':>16} {'YAKE stripped':>16}")
    for g in (*GROUPS, "all"):
        cells = []
        for table in (saved, strip, theirs):
            junk = sum(v[0] for k, v in table.items() if g in ("all", k))
            total = sum(v[1] for k, v in table.items() if g in ("all", k))
            cells.append(f"{junk / total:6.1%} of {total:4}" if total else "-")
        print(f"{g:10} {cells[0]:>16} {cells[1]:>16} {cells[2]:>16}")
    print(f"kinds (as saved / stripped / YAKE): {dict(kinds_saved)} / {dict(kinds_strip)} / {dict(kinds_yake)}")
    if args.show:
        for page, kind, name in ex_saved + ex_strip:
            print(f"  junk {kind:8} {name!r:40} {page}")

    print("\n3. vocabulary test: " + ", ".join(vocab.VOCABULARY))
    v = vocabulary_test(rows)
    print(f"{'tag':9} {'yours':>6} {'right':>6} {'wrong':>6} {'about':>6} {'got':>6}")
    for tag in vocab.VOCABULARY:
        n = v["right"][tag] + v["wrong"][tag]
        if n or v["about"][tag]:
            print(f"{tag:9} {n:6} {v['right'][tag]:6} {v['wrong'][tag]:6} {v['about'][tag]:6} {v['got'][tag]:6}")
    right, wrong = sum(v["right"].values()), sum(v["wrong"].values())
    about, got = sum(v["about"].values()), sum(v["got"].values())
    print(f"precision {right / max(right + wrong, 1):.3f} ({right}/{right + wrong}); "
          f"pages plainly about a tag that get it {got / max(about, 1):.3f} ({got}/{about})")
    if args.show:
        for page, tag in v["mistakes"]:
            print(f"  wrong  {tag:9} {page}")
        for page, tag in v["missed"]:
            print(f"  missed {tag:9} {page}")

    print("\n4. time per page (medians) and footprint")
    med = lambda key: statistics.median(r[key] for r in rec) * 1000  # noqa: E731
    ratio = statistics.median(r["t_suggest"] / r["t_extract"] for r in rec)
    ratio_yake = statistics.median(r["t_yake"] / r["t_extract"] for r in rec)
    print(f"extraction {med('t_extract'):.1f} ms; QuietPage {med('t_suggest'):.2f} ms ({ratio:.1%} of its page's "
          f"extraction); YAKE {med('t_yake'):.1f} ms ({ratio_yake:.0%})")
    for line in footprint():
        print(line)

    for r in sorted(rec, key=lambda r: r["r_ours"] - r["r_yake"])[:args.worst]:
        print(f"\n{r['page']} ({r['group']}) ours {r['r_ours']:.2f} yake {r['r_yake']:.2f}\n  wanted {r['wanted']}\n"
              f"  ours   {r['ours']}\n  yake   {r['yake']}")


if __name__ == "__main__":
    main()
