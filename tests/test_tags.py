"""Tag suggestion rules: normalising, cleaning declared tags, the three sources, the seed page."""
import dataclasses

import pytest

from quietpage.reader import extract
from quietpage.tags import MAX_SUGGESTIONS, clean, normalize, suggest

from conftest import SEED_URL


@pytest.mark.parametrize("a,b", [
    ("White House", "white-house"), ("White House", "WHITE  HOUSE"), ("white_house", "White House"),
    ("Drones", "drone"), ("Stories", "story"), ("Churches", "church"), ("Iran's", "Iran"),
    ("news", "News"), ("Café", "CAFÉ"), ("AT&T", "at&t"),
])
def test_normalize_makes_spellings_of_one_tag_equal(a, b):
    assert normalize(a) == normalize(b)


@pytest.mark.parametrize("a,b", [("US", "USA"), ("bus", "bu"), ("analysis", "analysi"), ("Iran", "Iraq"),
                                 ("glass", "glas")])
def test_normalize_keeps_different_tags_apart(a, b):
    assert normalize(a) != normalize(b)


@pytest.mark.parametrize("raw,shown", [
    ("Iran", "Iran"), ("  White   House ", "White House"), ("Arts &amp; Culture", "Arts & Culture"),
    ("#Ukraine", "Ukraine"), ("Category: Jupiter", "Jupiter"), ("star-wars", "star wars"),
    ("Xi Jinping", "Xi Jinping"), ("COVID-19", "COVID-19"),
])
def test_clean_keeps_real_tags_as_written(raw, shown):
    assert clean(raw) == shown


@pytest.mark.parametrize("junk", [
    "@post-id:12345", "ctp_video", "type_news", "channel_other", "https://example.com/tag/x", "12345",
    "Uncategorized", "Featured", "News", "null", "", "a", "x" * 41, "one two three four five words",
    "tag=42", "<b>bold</b>", None, 7,
])
def test_clean_drops_junk(junk):
    assert clean(junk) is None


def test_seed_page_gives_its_four_tags_and_never_the_spam(seed_html):
    article = extract(seed_html, SEED_URL)
    tags = suggest(article)
    names = [t.name for t in tags]
    assert {"Iran", "Russia", "Ukraine", "White House"} <= set(names[:4])
    assert all(t.source == "page" for t in tags[:4])
    assert len(tags) <= MAX_SUGGESTIONS
    assert not [n for n in names if "Poinbank" in n or "Prime Money" in n or "Exchange" in n]


def test_seed_page_text_alone_finds_the_same_four(seed_html):
    article = dataclasses.replace(extract(seed_html, SEED_URL), keywords=())
    tags = suggest(article)
    assert {"Iran", "Russia", "Ukraine", "White House"} <= {t.name for t in tags[:5]}
    assert all(t.source == "text" for t in tags)
    assert not [t for t in tags if "Poinbank" in t.name]


def test_your_tags_come_first_in_your_spelling(seed_html):
    article = extract(seed_html, SEED_URL)
    tags = suggest(article, user_tags=["DRONES", "moscow", "geopolitics", "cooking"])
    assert [(t.name, t.source) for t in tags[:2]] == [("DRONES", "yours"), ("moscow", "yours")]
    names = {normalize(t.name) for t in tags}
    assert "geopolitic" not in names and "cooking" not in names  # not what the article is about


def test_a_suggestion_that_matches_your_tag_is_shown_as_yours(seed_html):
    article = extract(seed_html, SEED_URL)
    tags = suggest(article, user_tags=["white-house"])
    assert ("white-house", "yours") in [(t.name, t.source) for t in tags]
    assert "White House" not in [t.name for t in tags]


def test_a_tag_of_yours_is_not_found_across_a_paragraph_break():
    make = dataclasses.make_dataclass("A", ["title", "text", "keywords", "site_name", "lang"])
    split = make(title="A trip", text="We flew to New\nYork was cold.\nNew\nYork again.", keywords=(),
                 site_name=None, lang="en")
    assert "new york" not in [normalize(t.name) for t in suggest(split, user_tags=["New York"])]
    joined = make(title="A trip", text="We flew to New York.\nNew York was cold.", keywords=(),
                  site_name=None, lang="en")
    assert ("New York", "yours") in [(t.name, t.source) for t in suggest(joined, user_tags=["New York"])]


def test_declared_duplicates_and_site_names_are_dropped():
    article = dataclasses.make_dataclass("A", ["title", "text", "keywords", "site_name", "lang"])(
        title="Cats and their owners", text="Cats. Cats. Cats are great pets for owners.",
        keywords=("Cats", "cat", "CATS", "Pet Care", "pet-care", "The Daily Paw", "@id:99"),
        site_name="The Daily Paw", lang="en")
    tags = suggest(article)
    assert [t.name for t in tags if t.source == "page"] == ["Cats", "Pet Care"]


def test_scores_are_between_zero_and_one(seed_html):
    for t in suggest(extract(seed_html, SEED_URL), user_tags=["drone"]):
        assert 0 < t.score <= 1


def test_cjk_text_gives_no_junk_text_tags():
    text = "宇航员在太空中喝酒会怎么样？后果很严重。" * 40
    article = dataclasses.make_dataclass("A", ["title", "text", "keywords", "site_name", "lang"])(
        title="宇航员在太空中喝酒", text=text, keywords=("太空",), site_name=None, lang="zh")
    assert [(t.name, t.source) for t in suggest(article)] == [("太空", "page")]
