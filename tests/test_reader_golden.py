"""Golden pages and the whole of what the reader must make of them (as Readability.js's test
suite does): every metadata field, and the article's text line for line.

Two kinds of case in tests/golden/:
- "source": a real page read from ../shared (never copied here); its expected text is what the
  reader gave when the case was made and a person reviewed it (scripts/make-golden-case);
- "page": a page we wrote (tests/pages/), modeled on a common theme or builder, with the text a
  careful reader wants, written by hand. These are also benchmarks/extraction.py's varied set.
Each says `why` (the rule it pins down) and, for our pages, its `counter` example (what looks
alike and must stay). Optional `html_contains` / `html_not_contains` check the reader HTML.
"""
import gzip
import json
import re
from pathlib import Path

import lxml.html
import pytest

from quietpage.reader import extract
from quietpage.transfer.markdown import to_markdown

from conftest import SHARED

TESTS = Path(__file__).resolve().parent
GOLDEN = TESTS / "golden"
CASES = sorted(GOLDEN.glob("*.json"))
EXACT_FIELDS = ("title", "byline", "site_name", "published", "lang", "direction", "lead_image", "readerable",
                "excerpt")
VERBATIM_TAGS = ("pre", "code", "kbd", "samp")
GUTTER = re.compile(r"^\s*1(\s+\d+)+\s*$")


def page_of(spec: dict) -> str:
    if "page" in spec:
        return (TESTS / spec["page"]).read_text("utf-8")
    data = (SHARED / spec["source"]).read_bytes()
    return (gzip.decompress(data) if spec["source"].endswith(".gz") else data).decode("utf-8", "replace")


@pytest.fixture(scope="module", params=CASES, ids=[c.stem for c in CASES])
def case(request):
    spec = json.loads(request.param.read_text("utf-8"))
    return spec, extract(page_of(spec), spec["url"])


def test_there_are_golden_cases_from_both_corpora_the_seed_and_our_varied_pages():
    specs = [json.loads(c.read_text("utf-8")) for c in CASES]
    sources = {s["source"].split("/")[1] for s in specs if "source" in s}
    assert {"zyte", "mozilla", "seed-page"} <= sources
    ours = [s for s in specs if "page" in s]
    assert len(ours) >= 24 and all(s.get("counter") for s in ours)
    assert {s["expected"]["lang"][:2] for s in ours} >= {"en", "de"}


def test_metadata_fields(case):
    spec, article = case
    want = spec["expected"]
    got = {field: getattr(article, field) for field in EXACT_FIELDS}
    assert got == {field: want[field] for field in EXACT_FIELDS}


def test_the_whole_text(case):
    spec, article = case
    assert article.text.split("\n") == spec["expected"]["text"]


def test_reader_html(case):
    spec, article = case
    want = spec["expected"]
    html = article.content_html
    assert [c for c in want.get("html_contains", []) if c not in html] == []
    assert [c for c in want.get("html_not_contains", []) if c in html] == []
    lowered = html.lower()
    for bad in ("<script", "<style", "javascript:", " onerror=", " onclick=", " style=", "<iframe", "data-qp-hidden"):
        assert bad not in lowered
    assert 'src="/' not in html and 'href="/' not in html  # links are absolute


def _verbatim(root, hidden_marks: bool) -> list[str]:
    """The text of every pre/code/kbd/samp not inside another (what the browser shows: marked
    hidden elements left out when the page carries marks)."""
    if hidden_marks:
        for el in root.xpath("//*[@data-qp-hidden]"):
            el.drop_tree()
    found = root.xpath(" | ".join(f"//{t}[not(ancestor::pre or ancestor::code or ancestor::kbd or ancestor::samp)]"
                                  for t in VERBATIM_TAGS))
    texts = [el.text_content() for el in found]
    return [t for t in texts if not GUTTER.match(t)]  # (a code block's line numbers are not code)


def test_code_comes_out_byte_for_byte(case):
    """Every code block, inline code, key and sample output of the article is shown exactly as
    the page showed it: same characters, same whitespace (no rule ever runs inside them)."""
    spec, article = case
    if "page" not in spec or not spec["expected"].get("code"):
        return
    page = page_of(spec)
    source = _verbatim(lxml.html.document_fromstring(page), "data-qp-hidden" in page)
    shown = _verbatim(lxml.html.fragment_fromstring(article.content_html, create_parent="div"), False)
    assert [s.lstrip("\n") for s in source] == [s.lstrip("\n") for s in shown]


def test_the_markdown_export_shows_code_as_written(case):
    """The Markdown export carries code as the reader shows it: each code block fenced, every
    line of it exactly (the export used to carry the reader's lost commas and `BY`s)."""
    spec, article = case
    if "page" not in spec or not spec["expected"].get("code"):
        return
    markdown = to_markdown(article.content_html)
    root = lxml.html.fragment_fromstring(article.content_html, create_parent="div")
    blocks = [pre.text_content().rstrip("\n") for pre in root.xpath("//pre[not(ancestor::pre)]")]
    assert blocks
    missing = [code for code in blocks if not re.search(
        r"(?m)^(`{3,})\n" + re.escape(code) + r"\n\1$", markdown)]
    assert missing == []
