"""The reader never crashes: whatever arrives gives an article (perhaps flagged not readerable)
or an ExtractionError with a message - never a traceback."""
import json

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from quietpage.errors import ExtractionError, NoContent, QuietPageError
from quietpage.reader import ExtractionError as ExportedExtractionError, extract

from conftest import LOREM

PARAGRAPH = "<p>" + " ".join(LOREM) + "</p>"


def test_extraction_error_is_the_reader_error_and_no_content_is_one():
    assert ExportedExtractionError is ExtractionError
    assert issubclass(ExtractionError, QuietPageError) and issubclass(NoContent, ExtractionError)
    assert (ExtractionError.status, NoContent.status, NoContent.code) == (422, 422, "no_content")


@pytest.mark.parametrize("html, says", [
    ("", "empty"),
    ("\n \t ", "empty"),
    (bytes(range(256)).decode("latin-1") * 40, "binary"),
    ("\x89PNG\r\n\x1a\n" + "\x00\x01\x02\x03" * 500, "binary"),
    ("<html><frameset><frame src='a.html'></frameset></html>", "No readable text"),
])
def test_pages_with_nothing_to_read_raise_an_extraction_error_with_a_message(html, says):
    with pytest.raises(ExtractionError) as err:
        extract(html, "https://example.com/")
    assert says in err.value.message


def _nested(depth: int) -> str:
    return "<html><body>" + "<div>" * depth + PARAGRAPH * 3 + "</div>" * depth + "</body></html>"


@pytest.mark.parametrize("depth", [100, 254])
def test_pages_nested_within_the_limit_are_read_as_they_are(depth):
    article = extract(_nested(depth), "https://example.com/deep")  # (body, the divs, the <p>: depth + 2 levels)
    assert LOREM[0] in article.text and LOREM[-1] in article.text


@pytest.mark.parametrize("depth, limit", [(255, 256), (3000, 256), (50_000, 256), (60, 50), (3000, 5000)])
def test_pages_nested_deeper_than_the_limit_are_refused_with_a_message(depth, limit):
    """One policy (reader/limits.py): the parsed tree's depth, refused past the limit, also past
    what the parser itself can nest (2048 levels) whatever the limit says."""
    with pytest.raises(ExtractionError) as err:
        extract(_nested(depth), "https://example.com/deep", max_depth=limit)
    assert err.value.code == "too_deep" and "max_html_depth" in err.value.message


def test_depth_is_the_parsed_tree_s():
    from quietpage.reader.limits import html_depth

    assert html_depth("<div><div><p>a<p>b</div></div>") == 3  # div > div > p (p closes p)
    assert html_depth("<ul><li>a<li>b<li>c</ul>") == 2  # li closes li
    assert html_depth("<div><span>unclosed</div><div>x</div>") == 2  # </div> closes the span too
    assert html_depth("<!-- " + "<div>" * 5000 + " -->") == 0
    assert html_depth("<br><img src=x><hr>" * 100) == 1
    assert html_depth("<div>" * 100, stop_at=10) == 11  # stops counting early
    assert html_depth("<div>" * 3000) > 2048  # deeper than the parser goes


def test_a_huge_page_is_read_whole():  # (how fast: benchmarks/extraction.py; a hang: pytest-timeout)
    html = "<html><body><article>" + PARAGRAPH * 4000 + "</article></body></html>"  # ~2.5 MB
    article = extract(html, "https://example.com/huge")
    assert article.word_count > 4000 * 80


def test_text_decoded_with_the_wrong_encoding_is_repaired():
    body = "<p>Le café crème coûte deux euros, et l’été dure encore à Nîmes cette année-là.</p>" * 6
    html = f"<html><body><article>{body}</article></body></html>"
    mojibake = html.encode("utf-8").decode("cp1252", errors="replace")
    assert "cafÃ©" in mojibake
    article = extract(mojibake, "https://example.com/fr")
    assert "café crème" in article.text and "l’été" in article.text


def test_a_list_of_links_is_a_best_effort_article_flagged_not_readerable():
    links = "".join(f"<li><a href='/story/{i}'>Another story number {i}</a></li>" for i in range(40))
    article = extract(f"<html><body><ul>{links}</ul></body></html>", "https://example.com/")
    assert article.readerable is False
    assert "Another story number 7" in article.text


def test_an_article_is_readerable_and_serialises_to_json():
    html = f"<html><head><title>Harbour</title></head><body><article>{PARAGRAPH * 4}</article></body></html>"
    article = extract(html, "https://example.com/a")
    assert article.readerable is True
    assert json.loads(json.dumps(article.to_dict()))["readerable"] is True


def test_an_xml_declaration_and_control_characters_are_tolerated():
    html = "<?xml version='1.0' encoding='iso-8859-1'?>\x0b<html><body>" + PARAGRAPH * 3 + "\x01</body></html>"
    assert LOREM[1] in extract(html, None).text


TAGS = st.sampled_from(["div", "p", "span", "article", "table", "tr", "td", "ul", "li", "a", "img",
                        "script", "h1", "h2", "figure", "noscript", "math", "svg", "form", "b"])


@st.composite
def html_soup(draw):
    """Tag soup: unbalanced tags, attributes, entities, control characters and real text."""
    parts = draw(st.lists(st.one_of(
        TAGS.map(lambda t: f"<{t}>"), TAGS.map(lambda t: f"</{t}>"),
        TAGS.map(lambda t: f"<{t} class='share content' style='display:none' data-src='x.jpg'>"),
        st.sampled_from(["&amp;", "&#0;", "&bogus;", "<!--", "-->", "<![CDATA[", "<?xml ?>", "\x00"]),
        st.text(min_size=0, max_size=80)), max_size=60))
    return "".join(parts)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(html_soup(), st.sampled_from([None, "https://example.com/a/b", "not a url", "http://[::1"]))
def test_any_input_gives_an_article_or_an_extraction_error(html, url):
    try:
        article = extract(html, url)
    except ExtractionError as err:
        assert err.message
        return
    assert article.text and "<script" not in article.content_html.lower()
