"""Re-anchoring speed: 200 highlights on a 200 KB article after it changed, Python and JS.

    .venv/bin/python benchmarks/anchoring.py [--runs 7] [--no-js]

The article is real text: the Zyte corpus's article bodies (../shared/corpus/zyte), in id order,
as one text by the reader's rules (one paragraph per line), cut at 200,000 characters. 200
highlights of 20-250 characters are taken at random (fixed seed), then the article changes:
a paragraph is inserted at the top, 30 highlights get a small correction inside (1-3 characters),
the paragraphs of 20 others are removed, two paragraphs move, and 100 small edits land between
highlights. Every highlight is then re-anchored (anchor + describe) against the new text; the
median of the runs is printed, with how many landed where they should. The JS twin runs the same
scenario under node (benchmarks/anchoring.mjs) and must agree with Python on every match.
Target: under 100 ms for the Python core.
"""
from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _corpus import ROOT, zyte_bodies  # noqa: E402

from quietpage.anchoring import _distances, anchor, describe  # noqa: E402

TARGET_MS = 100.0
TEXT_CHARS = 200_000
HIGHLIGHTS, CORRECTED, REMOVED, MOVED, STRAY_EDITS = 200, 30, 20, 2, 100


def article_text() -> str:
    lines = []
    for body in zyte_bodies():
        for line in body.split("\n"):
            line = " ".join(line.split())
            if line:
                lines.append(line)
    text = "\n".join(lines)
    return text[:text.rindex("\n", 0, TEXT_CHARS)]


class Doc:
    """A text being edited, and where each highlight's quote went (None once it is gone)."""

    def __init__(self, text: str, spans: list[tuple[int, int]]):
        self.text, self.spans = text, list(spans)

    def replace(self, a: int, b: int, new: str) -> None:
        self.text = self.text[:a] + new + self.text[b:]
        delta = len(new) - (b - a)
        for i, span in enumerate(self.spans):
            if span is None or span[1] <= a:
                continue
            s, e = span
            if s >= b:
                self.spans[i] = (s + delta, e + delta)
            elif s < a and b < e:
                self.spans[i] = (s, e + delta)  # an edit inside the quote
            else:
                self.spans[i] = None  # the quote's edge was cut, or all of it

    def move(self, a: int, b: int, to: int) -> None:
        """Moves text[a:b] to offset `to` of the text without it; quotes inside go along."""
        moved = self.text[a:b]
        inside = {i: (sp[0] - a, sp[1] - a) for i, sp in enumerate(self.spans) if sp and a <= sp[0] and sp[1] <= b}
        self.replace(a, b, "")
        self.replace(to, to, moved)
        for i, (s, e) in inside.items():
            self.spans[i] = (to + s, to + e)

    def paragraph(self, at: int) -> tuple[int, int]:
        """The line around offset `at`, with its newline."""
        start = self.text.rfind("\n", 0, at) + 1
        end = self.text.find("\n", at)
        return start, (end + 1 if end != -1 else len(self.text))


def scenario(seed: int = 5) -> dict:
    rng = random.Random(seed)
    text = article_text()
    spans = _pick_spans(rng, text)
    doc = Doc(text, spans)
    order = list(range(HIGHLIGHTS))
    rng.shuffle(order)
    # 1. one to three corrections inside 30 quotes
    for i in order[:CORRECTED]:
        for _ in range(rng.randint(1, 3)):
            s, e = doc.spans[i]
            at, kind = rng.randint(s + 1, e - 2), rng.choice("sid")
            doc.replace(at, at + (kind != "i"), "" if kind == "d" else rng.choice("aeiourst"))
    # 2. the paragraphs of 20 other quotes removed
    for i in order[CORRECTED:CORRECTED + REMOVED]:
        if doc.spans[i] is not None:
            doc.replace(*doc.paragraph(doc.spans[i][0]), "")
    # 3. two paragraphs moved elsewhere (to the start of another line)
    for _ in range(MOVED):
        a, b = doc.paragraph(rng.randrange(len(doc.text)))
        rest = doc.text[:a] + doc.text[b:]
        lines = [0] + [m.end() for m in re.finditer("\n", rest)]
        doc.move(a, b, rng.choice(lines))
    # 4. stray edits between the highlights, then a paragraph at the top
    for _ in range(STRAY_EDITS):
        at = rng.randrange(len(doc.text) - 3)
        if not any(sp and sp[0] - 3 <= at <= sp[1] for sp in doc.spans):
            doc.replace(at, at + rng.randint(0, 3), rng.choice(["", "x", " new words ", "\u00e9"]))
    doc.replace(0, 0, "A note from the editors, added after publication: this article was updated.\n")
    return {"text": doc.text, "selectors": [describe(text, s, e) for s, e in spans],
            "expected": [list(sp) if sp else None for sp in doc.spans]}


def _pick_spans(rng: random.Random, text: str) -> list[tuple[int, int]]:
    lines = [(m.start(), m.end()) for m in re.finditer("[^\n]+", text) if m.end() - m.start() >= 60]
    spans: set[tuple[int, int]] = set()
    while len(spans) < HIGHLIGHTS:
        ps, pe = rng.choice(lines)
        length = rng.randint(20, min(250, pe - ps))
        s = rng.randint(ps, pe - length)
        if not any(s < e2 + 3 and s2 < s + length + 3 for s2, e2 in spans):
            spans.add((s, s + length))
    return sorted(spans)


def reanchor_python(case: dict) -> list:
    out = []
    for selectors in case["selectors"]:
        m = anchor(case["text"], selectors)
        if m is not None:
            describe(case["text"], m.start, m.end)
        out.append(None if m is None else [m.start, m.end, m.score])
    return out


def check(case: dict, results: list) -> dict:
    """Where the highlights landed: `right` where their quote went, `copy` on another passage at
    least as close to the quote (repeated text: a fair choice), `wrong` elsewhere; `orphans`
    are right when the quote's paragraph was removed."""
    tally = {"right": 0, "copy": 0, "wrong": 0, "orphans": 0, "orphans expected": 0}
    for selectors, got, want in zip(case["selectors"], results, case["expected"]):
        quote, text = selectors[0]["exact"], case["text"]
        tally["orphans"] += got is None
        tally["orphans expected"] += want is None
        if got is None:
            tally["wrong"] += want is not None
        elif want and abs(got[0] - want[0]) <= 3 and abs(got[1] - want[1]) <= 3:
            tally["right"] += 1  # a corrected quote's edges may move by a character or two
        else:
            here = _errors(quote, text[got[0]:got[1]])
            there = _errors(quote, text[want[0]:want[1]]) if want else len(quote) // 4
            tally["copy" if here <= there else "wrong"] += 1
    return tally


def _errors(a: str, b: str) -> int:
    return _distances(a, b, free_start=False)[-1] if b else len(a)


def time_python(case: dict, runs: int) -> tuple[float, float, list]:
    """Median wall-clock and CPU milliseconds of a run, and the matches."""
    wall, cpu, results = [], [], None
    for _ in range(runs):
        t0, c0 = time.perf_counter(), time.process_time()
        results = reanchor_python(case)
        wall.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    return statistics.median(wall), statistics.median(cpu), results


def time_js(case: dict, runs: int) -> tuple[float, float, list]:
    with tempfile.NamedTemporaryFile("w", suffix=".json", encoding="utf-8") as f:
        json.dump(case, f)
        f.flush()
        out = subprocess.run(["node", str(ROOT / "benchmarks" / "anchoring.mjs"), f.name, str(runs)],
                             capture_output=True, text=True, check=True)
    report = json.loads(out.stdout)
    return report["median_ms"], report["median_cpu_ms"], report["results"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--no-js", action="store_true", help="skip the JavaScript twin")
    args = parser.parse_args()
    case = scenario()
    print(f"article: {len(case['text']):,} characters; {HIGHLIGHTS} highlights; {args.runs} runs")
    py_ms, py_cpu, py_results = time_python(case, args.runs)
    print(f"python  median {py_ms:6.1f} ms (cpu {py_cpu:6.1f} ms)  {check(case, py_results)}"
          f"  target < {TARGET_MS:.0f} ms: {'met' if py_ms < TARGET_MS else 'MISSED'}")
    ok = py_ms < TARGET_MS
    if not args.no_js:
        js_ms, js_cpu, js_results = time_js(case, args.runs)
        assert len(js_results) == len(py_results), (len(js_results), len(py_results))
        same = all((a is None and b is None) or (a and b and a[:2] == b[:2] and abs(a[2] - b[2]) < 1e-9)
                   for a, b in zip(py_results, js_results, strict=True))
        print(f"js      median {js_ms:6.1f} ms (cpu {js_cpu:6.1f} ms)  {check(case, js_results)}"
              f"  same matches as Python: {same}")
        ok = ok and same
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
