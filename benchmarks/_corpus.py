"""The shared corpora (../shared/corpus), for the benchmarks: the one place they are read.

Pages come from the shared eval script's own loader (../shared/eval/score.py `load`), so the
benchmarks read exactly what the scorer reads. Never copied here.
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


def pages(corpus: str = "all") -> list[dict]:
    """[{corpus, id, url, html, text, meta}] for the zyte and/or mozilla pages (score.load)."""
    return score.load(corpus)


def zyte_bodies() -> list[str]:
    """The Zyte ground truth's article bodies, in id order (no HTML is read)."""
    truth = json.loads((score.CORPUS / "zyte" / "ground-truth.json").read_text("utf-8"))
    return [item.get("articleBody") or "" for _, item in sorted(truth.items())]
