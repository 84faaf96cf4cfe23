"""tags/ owns what an article is about, as tags: suggestions (suggester.py: the user's own tags,
the publisher's, the text's), the identity of a tag (key.py: `normalize`), whether a page talks
about one of the user's tags (match.py), what a publisher declared (declared.py), and what it
needs to read a page's words (textdoc.py, lexicon.py, kinds.py, candidates.py, keyphrases.py,
topics.py). A pure core: no I/O beyond its word data, never aiohttp, the store, the library or
the web layer; it imports only its own parts.

The public face: `suggest`, `Tag`, `normalize`, `clean`, `SiteKeywords` (and the constants
below); the modules are its own business.
"""
from .declared import SiteKeywords, clean, declared_tags, keyword_keys
from .key import normalize
from .match import STRONG_SCORE
from .suggester import MAX_SUGGESTIONS, Tag, suggest

__all__ = ["MAX_SUGGESTIONS", "STRONG_SCORE", "SiteKeywords", "Tag", "clean", "declared_tags", "keyword_keys",
           "normalize", "suggest"]
