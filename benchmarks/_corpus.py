"""The shared corpora (../shared/corpus), for the benchmarks: the one place they are read; and
our own varied set (tests/pages, with the text a careful reader wants in tests/golden).

Shared pages come from the shared eval script's own loader (../shared/eval/score.py `load`), so
the benchmarks read exactly what the scorer reads. Never copied here.
"""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"


def _load_score():
    spec = importlib.util.spec_from_file_location("qp_score", SHARED / "eval" / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


score = _load_score()
MOZILLA_URL = score.MOZILLA_URL


TESTS = ROOT / "tests"


def pages(corpus: str = "all") -> list[dict]:
    """[{corpus, id, url, html, text, meta}] for the zyte and/or mozilla pages (score.load), and
    the varied set ("varied", part of "all")."""
    shared = score.load(corpus) if corpus in ("zyte", "mozilla", "all") else []
    return shared + (varied_pages() if corpus in ("varied", "all") else [])


def varied_pages() -> list[dict]:
    """Our varied set: the pages we wrote, modeled on common themes and builders (tests/pages),
    each with its expected text, title and byline (tests/golden/NAME.json, "page" cases)."""
    out = []
    for case in sorted((TESTS / "golden").glob("*.json")):
        spec = json.loads(case.read_text("utf-8"))
        if "page" not in spec:
            continue
        want = spec["expected"]
        out.append({"corpus": "varied", "id": case.stem, "url": spec["url"],
                    "html": (TESTS / spec["page"]).read_text("utf-8"), "text": "\n".join(want["text"]),
                    "meta": {"title": want["title"], "byline": want["byline"] or ""}})
    return out


def zyte_bodies() -> list[str]:
    """The Zyte ground truth's article bodies, in id order (no HTML is read)."""
    truth = json.loads((score.CORPUS / "zyte" / "ground-truth.json").read_text("utf-8"))
    return [item.get("articleBody") or "" for _, item in sorted(truth.items())]
