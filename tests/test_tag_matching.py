"""The user's tags match as meant (tags/match.py): every rule with its golden case and its
counter-example, on small pages written for the purpose."""
import dataclasses

import pytest

from quietpage.tags import lexicon, textdoc
from quietpage.tags.match import STRONG_SCORE, evidence
from quietpage.tags import suggest

FILLER = {
    "en": "The weather was mild and people went about their day as usual in the town. ",
    "fr": "Le temps était doux et les gens allaient à leurs affaires comme d'habitude en ville. ",
    "de": "Das Wetter war mild und die Leute gingen wie gewohnt ihren Geschäften in der Stadt nach. ",
    "pt": "O tempo estava ameno e as pessoas seguiam com o seu dia como de costume na cidade. ",
    "it": "Il tempo era mite e la gente andava per la sua strada come al solito in città. ",
}


def found(tag: str, text: str, lang: str = "en", title: str = "A day in town") -> bool:
    doc = textdoc.read(title, text + " " + FILLER[lang] * 20)
    return evidence(tag, doc, lexicon.language(lang)).found


# ------------------------------------------------------------------------------ 1. capitals
@pytest.mark.parametrize("tag,text", [
    ("IT", "The IT department hired staff. Our IT team grew. IT security matters to us."),
    ("US", "The U.S. economy grew. U.S. officials said so. The US Senate voted."),
    ("US", "The U.S economy grew. U.S officials agreed."),
    ("UN", "The U.N. met. The UN envoy spoke."),
    ("AI", "AI models are large. The AI lab published a paper."),
    ("NASA", "Nasa launched a probe. The Nasa team cheered."),
])
def test_a_tag_in_capitals_matches_its_capitals_or_dotted_form(tag, text):
    assert found(tag, text)


@pytest.mark.parametrize("tag,text", [
    ("IT", "It was said that it is what it is. It works. Is it? It rains."),
    ("US", "Let us go. They told us that. Give us a break. Join us."),
    ("AI", "Ai Weiwei spoke. Ai said that art is free."),
    ("US", "THE US IS SHOUTING HERE NOW. THE US IS LOUD."),
])
def test_a_tag_in_capitals_never_matches_a_lower_case_word_or_shouting(tag, text):
    assert not found(tag, text)


def test_an_acronym_counts_its_long_form_only_where_the_page_uses_the_acronym():
    assert found("US", "The United States and China met. The United States said U.S. farmers gain.")
    assert not found("AI", "Amnesty International said so. Amnesty International was right.")


# ------------------------------------------------------------------------------ 2. function words
@pytest.mark.parametrize("tag,text,lang", [
    ("UN", "Il a un chat et un chien. C'est un jour de fête, un vrai.", "fr"),
    ("Car", "Il reste, car il pleut. Il part, car il doit. Il rit, car c'est drôle.", "fr"),
    ("EU", "Eu acho que sim. Eu fui ao mercado e eu comprei pão.", "pt"),
    ("AI", "Siamo andati ai giardini e ai musei, poi ai negozi.", "it"),
    ("Go", "I go there. We go home. Let's go now. They go too.", "en"),
    ("Go", "The streaming service HBO Go shows films. HBO Go and HBO Now carry it.", "en"),
])
def test_a_short_tag_never_matches_a_function_word_of_the_pages_language(tag, text, lang):
    assert not found(tag, text, lang)


def test_a_short_frequent_word_matches_where_the_page_writes_it_as_a_name():
    assert found("Go", "Programs written in Go are fast. The compiler for Go is quick. We like Go.")


def test_german_art_is_not_the_topic_art():
    text = "Diese Art von Kunst ist neu. Die Art und Weise überrascht. Eine Art Wunder. Art Basel."
    assert not found("Art", text, "de")
    assert found("Art", "The art fair opened. Modern art sold well. Art lovers came. Art is back.")


# ------------------------------------------------------------------------------ 3. folding
@pytest.mark.parametrize("tag,text", [
    ("Montreal", "In Montréal, people skate. Montréal is cold."),
    ("Montréal", "In Montreal, people skate. Montreal is cold."),
    ("E-mail", "Send an email. Your email is read."),
    ("Email", "Send an e-mail. Your e-mail is read."),
    ("e mail", "Send an e-mail. Your email is read."),
    ("White House", "The White-House said no. The White House agreed."),
    ("Climate change", "Climate change is here. We fight climate change."),
])
def test_accents_hyphens_and_spacing_fold(tag, text):
    assert found(tag, text)


def test_a_tag_never_matches_across_a_paragraph_break():
    assert not found("New York", "We flew to New\nYork was cold.\nNew\nYork again.")
    assert found("New York", "We flew to New York.\nNew York was cold.")


# ------------------------------------------------------------------------------ 4. plurals
def test_singular_and_plural_fold_for_a_plain_noun():
    assert found("Drone", "Drones flew over. The drones were loud.")
    assert found("Cars", "The cars were red. Cars broke down. Her car stalled.")


@pytest.mark.parametrize("tag,text", [
    ("News", "New York is new. A new car. New rules. New ideas."),
    ("Mars", "Nothing will mar the day. It could mar it."),
    ("Windows", "Open the window. A window broke. The window is shut."),
    ("Windows", "Open the window. A window broke. Three windows opened."),
    ("Cars", "The car was red. Her car broke."),
])
def test_plurals_do_not_fold_into_another_word(tag, text):
    assert not found(tag, text)


# ------------------------------------------------------------------------------ 5. evidence
def test_one_passing_mention_is_not_evidence():
    assert not found("Python", "She once wrote some Python.")
    assert found("Python", "Python is a language. We wrote the tool in Python.")
    assert found("Python", "We wrote the tool in Python.", title="Why Python")


def test_a_keyword_the_page_only_declares_is_not_evidence_for_yours():
    make = dataclasses.make_dataclass("A", ["title", "text", "keywords", "site_name", "lang", "url"])
    article = make("A day in town", FILLER["en"] * 10, ("Privacy",), None, "en", None)
    tags = suggest(article, ["Privacy"])
    assert ("Privacy", "yours") not in [(t.name, t.source) for t in tags]
    assert ("Privacy", "page") in [(t.name, t.source) for t in tags]


def test_strong_evidence_is_flagged_and_weak_evidence_is_not():
    doc = textdoc.read("Python 3.13 is out", "Python got faster. The Python team said so.\n"
                       "Python users can upgrade. " + FILLER["en"] * 5)
    strong = evidence("Python", doc, lexicon.language("en"))
    assert strong.found and strong.strong and strong.score >= STRONG_SCORE
    doc = textdoc.read("A day in town", "We used Python. Python helped. " + FILLER["en"] * 5)
    weak = evidence("Python", doc, lexicon.language("en"))
    assert weak.found and not weak.strong and weak.score < STRONG_SCORE


def test_a_strong_tag_of_yours_says_so_on_the_tag():
    make = dataclasses.make_dataclass("A", ["title", "text", "keywords", "site_name", "lang", "url"])
    article = make("Python 3.13 is out", "Python got faster. The Python team said so.\nPython users can "
                   "upgrade. " + FILLER["en"] * 5, (), None, "en", None)
    python = next(t for t in suggest(article, ["Python"]) if t.name == "Python")
    assert python.source == "yours" and python.strong
    assert "strong" not in python.to_dict()  # stored and served as before: {name, source, score}
