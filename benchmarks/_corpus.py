"""The shared corpora (../shared/corpus), loaded once for the benchmarks. Never copied here."""
from __future__ import annotations

import gzip
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"
MOZILLA_URL = "http://fakehost/test/page.html"


def pages(corpus: str = "all") -> list[dict]:
    """[{corpus, id, url, html}] for the zyte and/or mozilla pages."""
    out = []
    if corpus in ("zyte", "all"):
        truth = json.loads((CORPUS / "zyte" / "ground-truth.json").read_text("utf-8"))
        for key, item in sorted(truth.items()):
            with gzip.open(CORPUS / "zyte" / "html" / f"{key}.html.gz", "rt", encoding="utf-8") as f:
                out.append({"corpus": "zyte", "id": key, "url": item.get("url") or "", "html": f.read()})
    if corpus in ("mozilla", "all"):
        for d in sorted(p for p in (CORPUS / "mozilla").iterdir() if p.is_dir()):
            out.append({"corpus": "mozilla", "id": d.name, "url": MOZILLA_URL,
                        "html": (d / "source.html").read_text("utf-8")})
    return out
