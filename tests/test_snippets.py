"""The quick way of finding plain words for snippets (plainwords.py) finds what the patterns that
follow the index's folding find (snippets.term_pattern), on texts made to catch a wrong quick way:
letters that lower to ASCII from elsewhere, accented capitals, letters of scripts written
without spaces beside a word, characters the copy turns into "?", prefixes running on into
accented letters. And the facts about Unicode that the quick way rests on."""
from __future__ import annotations

import sys

import pytest

from quietpage.library.fulltext import make_analyzer
from quietpage.library.plainwords import DOTTED_I, lowered_from
from quietpage.library.scripts import CJK, is_word
from quietpage.library.snippets import FOLDED_RANGES, MOST, Marker, _folds

ANALYZE = make_analyzer().analyze

TEXTS = [
    "MARKET market, Market's supermarket markets; the market-place; market_price and market?price.",
    "Le marché du MARCHÉ: marchés, Marchand, marche, MARCHE, march, Märchen.",
    "The \u212aelvin scale (\u212a) and \u212bngstr\u00f6m units: kelvin, Kelvin, angstrom, \u00c5ngstr\u00f6m.",
    "東京market市 and 東京 market 市, marketの話, ｍａｒｋｅｔ in full width, 𠀀market𠀀.",
    "İstanbul and istanbul; price İndex and the price index.",
    "Café CAFÉ cafe cafés Cafeteria; ÉCOLE école ecole; Œuvre oeuvre; naïve NAIVE.",
    "prime minister, Prime  Minister, prime\tminister, prime_minister, prime-minister, prime ministers, primeminister.",
    "price¿market ¡market! «market» „market“ market… 1market market2 market²; ΟΔΟΣ market Σ.",
    "econ economy economics ECONOMIST econ. Éçonomie ec0n economía econ_omy",
    "oil prices rose; Oil Prices Rose; oil, prices, rose; oil prices rosé; OIL PRICES ROSEWOOD.",
]
QUERIES = [[(["market"], False)], [(["market"], True)], [(["march"], True)], [(["marche"], False)],
           [(["kelvin"], False)], [(["angstrom"], False)], [(["k"], True)], [(["istanbul"], False)],
           [(["price"], False), (["index"], True)], [(["cafe"], True)], [(["ecole"], False), (["cafe"], False)],
           [(["naive"], False)], [(["prime", "minister"], False)], [(["prime", "minister"], True)],
           [(["econ"], True)], [(["econ"], False)], [(["oil"], False), (["prices"], False), (["rose"], True)],
           [(["market"], False), (["price"], True)], [(["market2"], False)], [(["1market"], False)]]


class ByPatterns(Marker):
    """The plain definition: every word found by the patterns."""

    def _found(self, text, folds, limit=None, most=MOST):
        return super()._found(text, None, limit, most)


def letters(text: str) -> set[str]:
    """What the index stores as an article's "letters" (fulltext.Entry.document)."""
    return set(text.lower()) - set(map(chr, range(128)))


@pytest.mark.parametrize("terms", QUERIES, ids=lambda t: " ".join("_".join(w) + "*" * p for w, p in t))
def test_plain_words_are_found_where_the_patterns_find_them(terms):
    marker = Marker(terms, ANALYZE)
    assert marker.words is not None  # plain words: the quick way is taken where it can be
    for text in TEXTS:
        held = letters(text)
        if held & marker.one_to_many:
            continue  # a letter folded to several: the patterns look (explain)
        folds = [marker.one_to_one[v] for v in held if v in marker.one_to_one]
        assert marker._found(text, folds) == marker._found(text, None), text
        # where one match is enough: which one may differ (the quick way looks word by word)
        assert bool(marker._found(text, folds, None, 1)) == bool(marker._found(text, None, None, 1)), text
        for limit in (20, 60):
            assert marker._found(text, folds, limit) == marker._found(text, None, limit), (text, limit)
        # as explain asks: the snippet and matched_in of an article of these fields
        fields = {"body": [text], "quotes": text.split(";"), "title": [text[:40]], "letters": ["".join(held)]}
        assert marker.explain(fields) == ByPatterns(terms, ANALYZE).explain(fields), text

def test_what_the_quick_way_assumes_of_unicode():
    """Its copy keeps each character's place: only U+0130 lowers to two characters, only it and the
    Kelvin sign lower to ASCII from elsewhere, nothing above U+FFFF lowers below it; and lowering
    never changes whether a character is a letter of a spaced script or of an unspaced one."""
    two, to_ascii, down = [], [], []
    for cp in range(sys.maxunicode + 1):
        c = chr(cp)
        low = c.lower()
        if len(low) != 1:
            two.append(c)
            continue
        if cp >= 128 and low.isascii():
            to_ascii.append(c)
        if cp > 0xFFFF and ord(low) <= 0xFFFF:
            down.append(c)
        assert is_word(c) == is_word(low) and bool(CJK.match(c)) == bool(CJK.match(low)), hex(cp)
    assert two == [DOTTED_I] and to_ascii == ["\u212a"] and down == []


def test_the_characters_made_plain_are_all_that_lower_to_an_accented_letter():
    """lowered_from looks only near the Latin letters; every code point agrees."""
    single, _ = _folds(ANALYZE)
    accented = {v.lower() for vs in single.values() for v in vs if len(v.lower()) == 1}
    everywhere: dict[str, list[str]] = {}
    for cp in range(sys.maxunicode + 1):
        if (low := chr(cp).lower()) in accented:
            everywhere.setdefault(low, []).append(chr(cp))
    assert lowered_from(accented, FOLDED_RANGES) == {low: tuple(cs) for low, cs in everywhere.items()}
    assert lowered_from(accented, FOLDED_RANGES)["\u00e5"] == ("\u00c5", "\u00e5", "\u212b")  # Å, å, the angstrom sign
