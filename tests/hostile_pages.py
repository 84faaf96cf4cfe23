"""Pathological pages, one family per stage of extraction: what a hostile or broken page can
throw at each stage (unclosed comments, titles made of separators, deep nesting, thousands of
siblings, huge attributes, long unbroken runs...). Each generator takes a size `n` and returns
a whole page whose size grows linearly with `n`; the reader must take time linear in it.

Used by tests/test_reader_linear.py (time at n and 8n) and benchmarks/pathological.py (per-stage
timings). Every page also carries a few paragraphs of ordinary article text, so the whole
pipeline runs on it.
"""
from __future__ import annotations

import time
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Callable

DEEP = 240  # levels of nesting of the deep families: with <body> and <article>, within the limit (256)
SENTENCE = "The harbour was quiet in the morning and the boats came back one by one with their catch. "
PARAGRAPH = f"<p>{SENTENCE * 3}</p>"


def page(body: str = "", head: str = "", title: str = "A quiet morning at the harbour") -> str:
    return (f"<!DOCTYPE html><html lang='en'><head><title>{title}</title>{head}</head><body>"
            f"<article><h1>{title}</h1>{PARAGRAPH * 4}{body}</article></body></html>")


@dataclass(frozen=True)
class Hostile:
    name: str
    stage: str  # the stage of reader/pipeline.py it aims at
    n: int  # a size at which the page takes a few tens of milliseconds to read
    make: Callable[[int], str]
    what: str


def _jsonld(obj: str) -> str:
    return f'<script type="application/ld+json">{obj}</script>'


PAGES = [
    # -- parsing and the depth limit -------------------------------------------------------
    Hostile("unclosed-comments", "parse", 40_000, lambda n: page("<p>x</p>" + "<!--" * n),
            "an unclosed <!-- repeated (80 KB took 43 s)"),
    Hostile("unclosed-tags", "parse", 10_000, lambda n: page("<p>x</p>" + "<a " * n), "<a  repeated, never closed"),
    Hostile("lone-brackets", "render", 2_500, lambda n: page("<p>" + "< a" * n + "</p>"), "a < that opens no tag"),
    Hostile("deep-nesting", "choose", 10,
            lambda n: page("<div>" * DEEP + PARAGRAPH * n + "</div>" * DEEP), "a growing text under the deepest nesting allowed"),
    Hostile("deep-blocks", "choose", 4,
            lambda n: page(f"<div><p>{SENTENCE}</p>" * (DEEP // 2) + PARAGRAPH * n + "</div>" * (DEEP // 2)),
            "blocks of the article nested 120 deep, around a growing text (their text is measured at each level:"
            " bounded by the depth limit, not linear in it)"),
    Hostile("huge-attribute", "metadata", 25_000, lambda n: page(f"<div class='{'sidebar ' * (n // 8)}'>{PARAGRAPH}</div>"),
            "one element with a megabyte-long class"),
    Hostile("long-run", "choose", 25_000, lambda n: page("<p>" + "a" * n + "</p>"), "one unbroken word"),
    Hostile("many-attributes", "parse", 5_000,
            lambda n: page("<div " + " ".join(f"data-a{i}='{i}'" for i in range(n)) + f">{PARAGRAPH}</div>"),
            "thousands of attributes on one element"),
    # -- metadata: JSON-LD, meta tags, byline and date scans -------------------------------
    Hostile("jsonld-nesting", "metadata", 10_000, lambda n: page(head=_jsonld('{"a":' * n + "1" + "}" * n)),
            "JSON-LD nested thousands deep"),
    Hostile("jsonld-many", "metadata", 125,
            lambda n: page(head=_jsonld('{"@type":"Thing","name":"x"}') * n), "a thousand ld+json scripts"),
    Hostile("jsonld-commas", "metadata", 40_000,
            lambda n: page(head=_jsonld('{"@type":"NewsArticle","headline":"x",' + ", " * n + "}")),
            "JSON-LD that only the trailing-comma repair could read"),
    Hostile("meta-tags", "metadata", 250,
            lambda n: page(head="".join(f"<meta name='k{i}' content='value {i}'>" for i in range(n))),
            "thousands of meta tags"),
    Hostile("byline-hints", "metadata", 10,
            lambda n: page("<div class='author-box'>" * DEEP + PARAGRAPH * n + "</div>" * DEEP),
            "nested blocks named author holding the text, none of them a byline"),
    Hostile("date-hints", "metadata", 80,
            lambda n: page(f"<div class='date'>{SENTENCE * 3}</div>" * n), "many blocks named date holding no date"),
    # -- title and injected spam ----------------------------------------------------------
    Hostile("title-separators", "title", 100, lambda n: page(title="a | " * n),
            '<title> of "a | " repeated (3.2 KB took 28 s)'),
    Hostile("title-segments", "title", 50,
            lambda n: page(title=" | ".join(f"Segment {i}" for i in range(n))), "a <title> of many different segments"),
    Hostile("many-headings", "title", 60,
            lambda n: page("".join(f"<h2>Part {i} | Harbour - Notes</h2><p>{SENTENCE}</p>" for i in range(n))),
            "hundreds of headings cut by separators"),
    Hostile("glued-phrase", "title", 6_000,
            lambda n: page(f"<p>{'harbourx' * (n // 8)}Quiet Morning</p>",
                           title="Quiet Morning | A quiet morning at the harbour"),
            "a title segment glued to the end of an endless word"),
    # -- images ----------------------------------------------------------------------------
    Hostile("picture-sources", "images", 240,
            lambda n: page("<picture>" + "<source srcset='a.jpg 1x, b.jpg 2x'>" * 100
                           + "<img src='data:,'>" * n + "</picture>"), "one <picture> with many sources and images"),
    Hostile("noscript-images", "images", 240,
            lambda n: page("<div>" + "<img src='blank.gif'><noscript><img src='a.jpg'></noscript>" * n + "</div>"),
            "hundreds of lazy images with <noscript> fallbacks in one block"),
    Hostile("long-srcset", "images", 10_000,
            lambda n: page("<img srcset='" + "a " * n + "'>"), "a srcset of endless space-separated words"),
    # -- pruning ---------------------------------------------------------------------------
    Hostile("related-headings", "prune", 200,
            lambda n: page("<div>" + f"<h2>Related</h2><p>{SENTENCE}</p>" * n + "</div>"),
            "many 'Related' headings in one block"),
    Hostile("labels", "prune", 100,
            lambda n: page("<div>" + "<label>Name</label><span>x</span>" * n + "</div>"), "many labels in one block"),
    Hostile("named-chrome-nesting", "prune", 10,
            lambda n: page("<div class='share'>" * DEEP + PARAGRAPH * n + "</div>" * DEEP),
            "nested share blocks holding the text"),
    # -- choosing the main text --------------------------------------------------------------
    Hostile("many-siblings", "choose", 150, lambda n: page("<div>" + "<span>x</span>" * n + "</div>"),
            "thousands of siblings in one block"),
    Hostile("many-br", "choose", 250, lambda n: page("<div>" + "a line of text<br>" * n + "</div>"),
            "a block of thousands of lines cut by <br>"),
    Hostile("picture-tables", "choose", 40,
            lambda n: page("<table><tr><td><img src='a.jpg'></td></tr></table>" * n), "many tables holding only a picture"),
    Hostile("big-table", "choose", 120,
            lambda n: page("<table>" + "<tr><td>cell</td><td>another cell</td></tr>" * n + "</table>"), "a big table"),
    Hostile("standfirsts", "choose", 40,
            lambda n: page("<p class='subtitle'>A lead</p>" * n + "<div>" + PARAGRAPH * 3 + "</div>"),
            "hundreds of blocks named as the standfirst"),
    Hostile("candidate-blocks", "choose", 40,
            lambda n: page("".join(f"<div class='post'><p>{SENTENCE}</p></div>" for _ in range(n))),
            "hundreds of candidate blocks of the same class"),
    Hostile("nested-lists", "choose", 10,
            lambda n: page("<ul><li>" + f"{SENTENCE}<ul><li>" * (DEEP // 2) + PARAGRAPH * n
                           + "</li></ul>" * (DEEP // 2) + "</li></ul>"), "lists nested in list items around a growing text"),
    # -- repairs -------------------------------------------------------------------------------
    Hostile("captions", "repair", 60,
            lambda n: page("".join(f"<figure><img src='{i}.jpg'><figcaption>Caption number {i} of the gallery "
                                   "and long enough</figcaption></figure>" for i in range(n))), "hundreds of captions"),
    Hostile("short-blocks", "repair", 120, lambda n: page("<div><p>By Ann</p></div>" * n), "thousands of short blocks"),
    Hostile("empty-containers", "repair", 120, lambda n: page("<div><span></span></div>" * n), "thousands of empty blocks"),
    # -- output -------------------------------------------------------------------------------
    Hostile("many-links", "render", 150,
            lambda n: page("<p>" + "".join(f"<a href='/p/{i}'>link {i}</a> and " for i in range(n)) + "</p>"),
            "a paragraph of thousands of links"),
    Hostile("entities", "render", 2_500, lambda n: page("<p>" + "&amp;&lt;&#x41;" * n + "</p>"), "runs of entities"),
]


# The functions reader/pipeline.py calls, by the stage they make up (an older reader's pre-parse
# depth check, limits.check_html_depth, counts as parsing; a name a version lacks is skipped).
STAGES = {"check_html_depth": "parse", "parse_document": "parse", "read_metadata": "metadata",
          "choose_title": "title", "resolve_images": "images", "prune": "prune", "choose": "choose",
          "strip_injected": "repair", "repair": "repair", "_render": "render"}


@contextmanager
def stage_clock(clock: Callable[[], float] = time.perf_counter):
    """While inside, every call of a stage function adds its seconds to the dict yielded.
    `clock`: wall time by default; time.thread_time counts only the CPU this thread spent
    (what the work costs, not how long the shared machine made it wait)."""
    from quietpage.reader import limits, pipeline

    spent: dict = defaultdict(float)
    saved = []
    for module in (pipeline, limits):
        for name, stage in STAGES.items():
            if (fn := getattr(module, name, None)) is not None:
                saved.append((module, name, fn))
                setattr(module, name, _timed(fn, stage, spent, clock))
    try:
        yield spent
    finally:
        for module, name, fn in saved:
            setattr(module, name, fn)


def _timed(fn, stage: str, spent: dict, clock: Callable[[], float]):
    def timed(*args, **kwargs):
        start = clock()
        try:
            return fn(*args, **kwargs)
        finally:
            spent[stage] += clock() - start
    return timed


def growth(measure: Callable[[str], float], small: str, big: str, runs: int = 3,
           enough: float | None = None) -> tuple[float, float]:
    """`measure`'s seconds on `small` and on `big`, each the best of up to `runs` rounds that
    measure both in turns (a burst of load on a shared machine slows both alike); stops early
    once big/small is under `enough`."""
    t_small = t_big = float("inf")
    for _ in range(runs):
        t_small = min(t_small, measure(small))
        t_big = min(t_big, measure(big))
        if enough is not None and t_big < enough * t_small:
            break
    return t_small, t_big
