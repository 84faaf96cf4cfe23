"""What a language's words are like, from maintained per-language data. Pure; loaded once per
process (each extraction worker), one language at a time, on first use.

  - word frequencies: `wordfreq` (Apache-2.0 code, CC BY-SA 4.0 data; its "small" lists, the
    ~30,000 most frequent words of 40+ languages). A word's Zipf value is log10 of its
    frequency per billion words: 7 is "the", 4 is once per 100,000 words.
  - function words: `stopwords` (ISC; Snowball-style lists of 42 languages: articles, pronouns,
    prepositions, conjunctions, auxiliaries), with the language's FREQUENT_RANK most frequent
    words where a rule needs "any very frequent word" ("said", "new", Spanish "un").
    (stopwords-iso was tried first: its English list holds content words - world, home, state,
    system, research, fire - that broke names and phrases such as "immune system".)

Only the frequency file of a language is read (gzip + msgpack, wordfreq's documented "cBpack"
format), not `import wordfreq`, whose import costs ~0.3 s and ~15 MB in every worker for
tokenisers we do not use; `_frequencies_by_api` reads the same list through wordfreq's API and a
test checks that both agree.
"""
from __future__ import annotations

import functools
import gzip
import importlib.util
import math
import unicodedata
from dataclasses import dataclass
from pathlib import Path

COMMON_RANK = 5000  # a word among a language's 5,000 most frequent is "common" (not specific)
GLUE_RANK = 30  # its 30 most frequent ("the", "of", "a", "la", "der"): never the edge of a name
FREQUENT_RANK = 150  # its 150 most frequent ("said", "new", "people"): never a phrase's edge
UNKNOWN_ZIPF = 1.0  # a word not in the list: rarer than anything listed (the lists stop near 3)
NOUN_CAPITALISING = frozenset({"de", "lb"})  # every noun has a capital: a capital is no name
# Codes that the two sources spell differently (wordfreq's Norwegian is "nb", stopwords' "no").
_STOP_CODE = {"nb": "no"}
_SPACELESS = frozenset({"ja", "zh", "ko", "th"})  # words are not separated by spaces
MIN_COVER = 0.2  # a language's function words make a fifth of any real text of it


@dataclass(frozen=True)
class Language:
    code: str
    zipf: dict  # word (lower-case, NFC) -> Zipf frequency
    rank: dict  # word -> rank (0 = most frequent)
    function_words: frozenset

    def zipf_of(self, word: str) -> float:
        return self.zipf.get(word, UNKNOWN_ZIPF)

    def is_common(self, word: str) -> bool:
        """Among the language's COMMON_RANK most frequent words."""
        return self.rank.get(word, COMMON_RANK) < COMMON_RANK

    def is_function_word(self, word: str) -> bool:
        return word in self.function_words

    def is_glue(self, word: str) -> bool:
        """Among the language's GLUE_RANK most frequent words: articles, "of", "and"."""
        return self.rank.get(word, GLUE_RANK) < GLUE_RANK

    def is_frequent(self, word: str) -> bool:
        """A function word, or among the language's FREQUENT_RANK most frequent words."""
        return word in self.function_words or self.rank.get(word, FREQUENT_RANK) < FREQUENT_RANK

    @property
    def capitalises_nouns(self) -> bool:
        return self.code in NOUN_CAPITALISING


def code_of(lang: str | None) -> str:
    """'pt-BR' -> 'pt'; '' when none."""
    return (lang or "").strip().lower().replace("_", "-").split("-")[0]


@functools.lru_cache(maxsize=None)
def language(code: str) -> Language | None:
    """The language's data, or None when either source lacks it (or its words have no spaces)."""
    if code in _SPACELESS or code not in _available():
        return None
    freq = _frequencies(code)
    stop = _stopwords(code)
    if not freq or not stop:
        return None
    zipf, rank = {}, {}
    for i, (word, z) in enumerate(freq):
        zipf.setdefault(word, z)
        rank.setdefault(word, i)
    if code != "en":  # English function words are in every page (quotes, names, menus)
        stop = stop | _stopwords("en")
    return Language(code, zipf, rank, stop)


@functools.lru_cache(maxsize=1)
def available() -> tuple[str, ...]:
    """The codes of the languages that both sources have (and that put spaces between words)."""
    return tuple(sorted(c for c in _available() if c not in _SPACELESS and _stopwords(c)))


def guess(words: list[str], declared: str | None = None) -> Language | None:
    """The language of `words` (lower-case tokens): the declared one unless another language's
    function words cover clearly more of them; None when none covers MIN_COVER of them."""
    code = code_of(declared)
    if not words:
        return language(code) if code else None
    hits: dict[str, int] = dict.fromkeys(available(), 0)
    owners = _owners()
    for w in words:
        for c in owners.get(w, ()):
            hits[c] += 1
    best = max(hits, key=hits.get, default="")
    if code in hits and hits[code] >= max(MIN_COVER * len(words), 0.6 * hits[best]):
        return language(code)
    return language(best) if best and hits[best] >= MIN_COVER * len(words) else None


@functools.lru_cache(maxsize=1)
def _owners() -> dict[str, tuple[str, ...]]:
    """function word -> the languages that have it."""
    out: dict[str, list[str]] = {}
    for code in available():
        for w in _stopwords(code):
            out.setdefault(w, []).append(code)
    return {w: tuple(codes) for w, codes in out.items()}


# ------------------------------------------------------------------------------ the sources
def _package_dir(name: str) -> Path | None:
    """Where an installed package lives, without importing (running) it."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0])


@functools.lru_cache(maxsize=1)
def _available() -> frozenset[str]:
    folder = _package_dir("wordfreq")
    if folder is None:
        return frozenset()
    return frozenset(p.name[len("small_"):-len(".msgpack.gz")] for p in (folder / "data").glob("small_*.msgpack.gz"))


def _frequencies(code: str) -> list[tuple[str, float]]:
    """[(word, zipf)], most frequent first, from wordfreq's small list of the language."""
    import msgpack  # a dependency of wordfreq

    path = _package_dir("wordfreq") / "data" / f"small_{code}.msgpack.gz"
    try:
        with gzip.open(path, "rb") as f:
            data = msgpack.load(f, raw=False)
    except (OSError, ValueError):
        return _frequencies_by_api(code)
    if not data or data[0] != {"format": "cB", "version": 1}:
        return _frequencies_by_api(code)  # a future wordfreq changed its files: ask it
    # bucket i holds the words whose frequency is 10 ** (-i / 100): Zipf = 9 - i / 100
    return [(w, round(9 - i / 100, 2)) for i, bucket in enumerate(data[1:]) for w in bucket]


def _frequencies_by_api(code: str) -> list[tuple[str, float]]:
    import wordfreq

    freqs = wordfreq.get_frequency_dict(code, wordlist="small")
    return [(w, round(9 + math.log10(f), 2)) for w, f in sorted(freqs.items(), key=lambda wf: -wf[1])]


@functools.lru_cache(maxsize=None)
def _stopwords(code: str) -> frozenset[str]:
    import stopwords

    words = stopwords.safe_get_stopwords(_STOP_CODE.get(code, code))
    return frozenset(unicodedata.normalize("NFC", w.strip().lower()) for w in words if w.strip())
