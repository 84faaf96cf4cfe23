"""Reader pipeline rules that every page relies on: text shape, sanitising, absolute URLs."""
import pytest

from quietpage.errors import NoContent
from quietpage.reader import extract
from quietpage.reader.text import block_text
from quietpage.reader.parse import parse_fragment

from conftest import LOREM, page_html


def test_text_has_one_paragraph_per_line():
    article = extract(page_html("A quiet harbour story", LOREM), "https://example.com/harbour")
    assert article.text.split("\n") == LOREM
    assert article.title == "A quiet harbour story"


def test_block_text_rules():
    root = parse_fragment("<div><p>One  <b>bold</b>\n word</p><ul><li>a</li><li>b<br>c</li></ul>"
                          "<p>  </p><p>x\u00a0y</p></div>")
    assert block_text(root) == "One bold word\na\nb\nc\nx y"


def test_content_is_sanitised_and_urls_are_absolute():
    paragraphs = LOREM + [
        '<a href="/next" onclick="steal()">relative link</a> and <img src="pic.jpg" onerror="steal()"> '
        '<a href="javascript:alert(1)">bad link</a> in a paragraph that is long enough to keep around.',
    ]
    html = page_html("Links and images", paragraphs).replace("</article>", "<script>steal()</script></article>")
    article = extract(html, "https://example.com/story/one")
    assert 'href="https://example.com/next"' in article.content_html
    assert 'src="https://example.com/story/pic.jpg"' in article.content_html
    for bad in ("onclick", "onerror", "javascript:", "<script", "steal()"):
        assert bad not in article.content_html


@pytest.mark.parametrize("html", ["", "   ", "\x00\x01\x02", "<html><body></body></html>"])
def test_pages_without_text_raise_no_content(html):
    with pytest.raises(NoContent):
        extract(html, "https://example.com/")

