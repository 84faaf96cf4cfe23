"""The anchoring core: the cases shared with the JavaScript twin, Myers' edit distance against
the textbook table, and the text of HTML that both languages must derive alike."""
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quietpage.anchoring import POSITION, QUOTE, Match, _distances, anchor, describe, selector
from quietpage.reader.parse import parse_fragment
from quietpage.reader.text import block_text

CASES = json.loads((Path(__file__).parent / "anchoring_cases.json").read_text("utf-8"))


@pytest.mark.parametrize("case", CASES["anchor"], ids=[c["name"] for c in CASES["anchor"]])
def test_shared_anchor_cases(case):
    got = anchor(case["text"], case["selectors"])
    want = case["expect"]
    assert got == (None if want is None else Match(want["start"], want["end"], want["score"]))


@pytest.mark.parametrize("case", CASES["describe"])
def test_shared_describe_cases(case):
    assert describe(case["text"], case["start"], case["end"]) == case["expect"]


@pytest.mark.parametrize("case", CASES["text"], ids=[c["name"] for c in CASES["text"]])
def test_shared_text_cases(case):
    # what the JS twin's textPositions() must derive from the DOM of the same HTML
    assert block_text(parse_fragment(case["html"])) == case["text"]


def test_describe_gives_the_quote_its_context_and_its_position():
    text = "x" * 40 + "the quote" + "y" * 40
    quote, position = describe(text, 40, 49)
    assert quote == {"type": QUOTE, "exact": "the quote", "prefix": "x" * 32, "suffix": "y" * 32}
    assert position == {"type": POSITION, "start": 40, "end": 49}
    assert selector([position, quote], QUOTE) is quote and selector([quote], POSITION) is None
    with pytest.raises(ValueError):
        describe(text, 49, 49)
    with pytest.raises(ValueError):
        describe(text, 80, 90)


def test_a_highlight_without_a_quote_or_a_position_is_an_orphan():
    assert anchor("some text", []) is None
    assert anchor("some text", [{"type": QUOTE, "exact": ""}]) is None
    assert anchor("some text", [{"type": POSITION, "start": True, "end": 3}]) is None


def test_an_exact_match_passes_whatever_its_context():
    text = "a completely different article that mentions the harbour once"
    m = anchor(text, [{"type": QUOTE, "exact": "the harbour", "prefix": "nothing like this ", "suffix": " at all"},
                      {"type": POSITION, "start": 5000, "end": 5011}])
    assert (m.start, m.end) == (text.index("the harbour"), text.index("the harbour") + 11)


def _table(pattern: str, text: str, free_start: bool) -> list[int]:
    row = [0 if free_start else j for j in range(len(text) + 1)]
    for i, p in enumerate(pattern, 1):
        new = [i]
        for j, t in enumerate(text, 1):
            new.append(min(row[j] + 1, new[j - 1] + 1, row[j - 1] + (p != t)))
        row = new
    return row[1:]


@settings(max_examples=300, derandomize=True, deadline=None)
@given(st.text("abc", min_size=1, max_size=90), st.text("abcd", max_size=120), st.booleans())
def test_myers_equals_the_dynamic_programming_table(pattern, text, free_start):
    assert _distances(pattern, text, free_start) == _table(pattern, text, free_start)


def test_python_reads_its_constants_and_text_rules_from_the_file_the_javascript_twin_reads():
    from quietpage import anchoring
    from quietpage.paths import ANCHORING_RULES, static_dir
    from quietpage.reader import text as text_rules

    rules = json.loads((static_dir() / ANCHORING_RULES).read_text("utf-8"))
    for name in ("CONTEXT_CHARS", "QUOTE", "POSITION", "MAX_ERROR_RATE", "SURE_ERROR_RATE", "MAX_PIECES",
                 "MAX_PIECE_HITS", "MAX_WINDOWS", "MAX_SCORED", "LOCAL_CHARS", "SURE_SCORE", "QUOTE_WEIGHT",
                 "CONTEXT_WEIGHT", "POSITION_WEIGHT", "MIN_SCORE"):
        assert getattr(anchoring, name) == rules[name], name
    assert (text_rules.BLOCK_TAGS, text_rules.SKIP_TAGS) == (set(rules["BLOCK_TAGS"]), set(rules["SKIP_TAGS"]))
    assert text_rules.WHITESPACE == rules["WHITESPACE"]
    for module in ("match", "text"):  # the JavaScript side imports the same file
        assert 'from "./rules.json" with { type: "json" }' in (static_dir() / "js" / "anchoring" / f"{module}.js").read_text()
