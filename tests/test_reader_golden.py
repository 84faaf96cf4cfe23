"""Golden pages: real pages (read from ../shared, never copied here) and what the reader must
make of them, field by field. Make a new case with scripts/make-golden-case."""
import gzip
import json
from pathlib import Path

import pytest

from quietpage.reader import extract

from conftest import SHARED

GOLDEN = Path(__file__).resolve().parent / "golden"
CASES = sorted(GOLDEN.glob("*.json"))
EXACT_FIELDS = ("title", "byline", "site_name", "published", "lang", "direction", "lead_image", "readerable")


def _page(source: str) -> str:
    data = (SHARED / source).read_bytes()
    return (gzip.decompress(data) if source.endswith(".gz") else data).decode("utf-8", "replace")


@pytest.fixture(scope="module", params=CASES, ids=[c.stem for c in CASES])
def case(request):
    spec = json.loads(request.param.read_text("utf-8"))
    return spec, extract(_page(spec["source"]), spec["url"])


def test_there_are_golden_cases_from_both_corpora_and_the_seed():
    sources = {json.loads(c.read_text("utf-8"))["source"].split("/")[1] for c in CASES}
    assert {"zyte", "mozilla", "seed-page"} <= sources


def test_metadata_fields(case):
    spec, article = case
    want = spec["expected"]
    got = {field: getattr(article, field) for field in EXACT_FIELDS}
    assert got == {field: want[field] for field in EXACT_FIELDS}
    if want["excerpt_starts"]:
        assert article.excerpt.startswith(want["excerpt_starts"])


def test_text(case):
    spec, article = case
    want = spec["expected"]
    lines = article.text.split("\n")
    assert (lines[0], lines[-1]) == (want["first_line"], want["last_line"])
    assert article.word_count >= want["word_count_at_least"]
    assert [c for c in want["contains"] if c not in article.text] == []
    assert [c for c in want["not_contains"] if c in article.text or c in article.content_html] == []
    assert [c for c in want.get("once", []) if article.text.count(c) != 1] == []


def test_html_is_safe_and_portable(case):
    _, article = case
    html = article.content_html.lower()
    for bad in ("<script", "<style", "javascript:", " onerror=", " onclick=", " style=", "<iframe"):
        assert bad not in html
    assert 'src="/' not in html and 'href="/' not in html  # links are absolute
