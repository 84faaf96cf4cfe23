"""The seed page: our first acceptance test of the reader pipeline (pure, no server)."""
from quietpage.reader import Article, extract

from conftest import SEED_URL


def test_seed_page_text_holds_every_paragraph_and_no_clutter(seed_html, seed_expected):
    article = extract(seed_html, SEED_URL)
    lines = article.text.split("\n")
    missing = [p for p in seed_expected["paragraphs"] if p not in lines]
    assert not missing, missing
    leaked = [s for s in seed_expected["must_not_contain"] if s in article.text or s in article.content_html]
    assert not leaked, leaked


def test_seed_page_injected_spam_is_cut_out_of_the_sentence(seed_html, seed_expected):
    article = extract(seed_html, SEED_URL)
    assert seed_expected["injected_spam"]["phrase"] not in article.text
    assert "will be used to build" in article.text


def test_seed_page_title_is_exactly_the_headline(seed_html, seed_expected):
    article = extract(seed_html, SEED_URL)
    assert article.title == seed_expected["title"]


def test_seed_page_metadata(seed_html, seed_expected):
    article = extract(seed_html, SEED_URL)
    assert isinstance(article, Article)
    assert article.published.startswith(seed_expected["published"])
    assert article.lang == "en"
    assert article.url == SEED_URL
    assert article.word_count > 350
    assert article.reading_minutes == 2
    assert article.excerpt.startswith("Iran has been sending material to Russia")
    assert "<script" not in article.content_html
