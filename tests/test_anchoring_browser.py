"""static/js/anchoring/ in real Chromium: the text it derives from a DOM is the text Python
derives from the same HTML, it anchors the shared cases as Python does, and its marks wrap the
right characters and come off without a trace. The module is served by a route of the page
itself (no network, no server)."""
import json
from pathlib import Path

import pytest

from quietpage.anchoring import describe
from quietpage.reader import extract
from quietpage.reader.parse import parse_fragment
from quietpage.reader.sanitize import sanitize
from quietpage.reader.text import block_text

from conftest import SEED_URL

ROOT = Path(__file__).resolve().parent.parent
MODULES = ROOT / "static" / "js" / "anchoring"
CASES = json.loads((Path(__file__).parent / "anchoring_cases.json").read_text("utf-8"))
ORIGIN = "http://quietpage.test"
PAGE = '<!DOCTYPE html><html><head><meta charset="utf-8"></head><body><div id="content"></div></body></html>'


@pytest.fixture
async def page(browser):
    page = await browser.new_page()

    async def serve(route):
        name = route.request.url.rsplit("/", 1)[-1]
        if route.request.url.startswith(f"{ORIGIN}/anchoring/") and (MODULES / name).is_file():
            kind = "application/json" if name.endswith(".json") else "text/javascript"
            await route.fulfill(body=(MODULES / name).read_text("utf-8"), content_type=kind)
        else:
            await route.fulfill(body=PAGE, content_type="text/html")

    await page.route(f"{ORIGIN}/**", serve)
    await page.goto(f"{ORIGIN}/")
    await page.evaluate("""async () => {
        const parts = await Promise.all(["match", "text", "marks"].map((m) => import(`/anchoring/${m}.js`)));
        window.A = Object.assign({}, ...parts);
    }""")
    yield page
    await page.close()


TEXT_OF = """(html) => {
  const content = document.getElementById("content");
  content.innerHTML = html;
  return A.textPositions(content).text;
}"""


async def test_chromium_derives_the_text_python_derives_and_anchors_as_python_does(page, seed_html):
    # (one test, one browser: Chromium takes seconds to start)
    for case in CASES["text"]:
        for html in (case["html"], sanitize(case["html"])):
            assert await page.evaluate(TEXT_OF, html) == block_text(parse_fragment(html)), (case["name"], html)
    # the reader page shows the stored content_html, sanitised once more
    article = extract(seed_html, SEED_URL)
    assert await page.evaluate(TEXT_OF, sanitize(article.content_html)) == article.text
    got = await page.evaluate("(cases) => cases.map((c) => A.anchor(c.text, c.selectors))", CASES["anchor"])
    assert got == [c["expect"] for c in CASES["anchor"]]


PAINT = """({html, highlights}) => {
  const content = document.getElementById("content");
  content.innerHTML = html;
  const before = content.innerHTML, text = A.textPositions(content).text;
  const result = A.paint(content, highlights);
  const marks = result.painted.map((p) => p.marks.map((m) => m.textContent));
  const parents = [...content.querySelectorAll("mark")].map((m) => m.parentElement.localName);
  const painted = { textAfter: A.textPositions(content).text, orphans: result.orphans, marks, parents };
  A.clearHighlights(content);
  return { ...painted, text, restored: content.innerHTML === before };
}"""


async def test_marks_wrap_the_highlights_and_come_off_without_a_trace(page, seed_html):
    article = extract(seed_html, SEED_URL)
    text = article.text
    quotes = ["The drone manufacturing plant could be operational",
              "east of Moscow.\nThe administration also released",  # across two paragraphs
              "Alabuga Special Economic Zone"]
    highlights = [_highlight(text, q) for q in quotes]
    highlights.append({"id": "gone", "color": "pink", "selectors": [{"type": "TextQuoteSelector", "exact": "Poinbank"}]})
    result = await page.evaluate(PAINT, {"html": sanitize(article.content_html), "highlights": highlights})
    assert result["text"] == text and result["textAfter"] == text  # marks change no text
    assert result["orphans"] == ["gone"]
    assert ["".join(marks) for marks in result["marks"]] == [q.replace("\n", "") for q in quotes]
    assert result["restored"]

    # tables, lists, <pre>: no <mark> where the markup allows no text
    html = ("<table><tbody><tr><td>alpha</td> <td>beta</td></tr>\n<tr><td>gamma</td></tr></tbody></table>"
            "<ul> <li>one</li> <li>two <b>bold</b></li> </ul><pre>line one\n  line two</pre>")
    text = block_text(parse_fragment(html))
    highlights = [_highlight(text, "alpha\nbeta\ngamma"), _highlight(text, "one\ntwo bold"),
                  _highlight(text, "one\nline two")]
    result = await page.evaluate(PAINT, {"html": html, "highlights": highlights})
    assert result["orphans"] == [] and result["textAfter"] == result["text"] == text
    assert set(result["parents"]) <= {"td", "li", "b", "pre"}
    assert ["".join(m) for m in result["marks"]] == ["alphabetagamma", "onetwo bold", "one\n  line two"]
    assert result["restored"]


def _highlight(text: str, quote: str) -> dict:
    start = text.index(quote)
    return {"id": quote[:10], "color": "green", "selectors": describe(text, start, start + len(quote))}
