"""reader/ owns turning a page's HTML into a clean Article: parsing, metadata, choosing the
content (readability-lxml at its core), repairs, sanitising, and the depth check for untrusted
pages (limits.py). A pure core: it may import only the base modules (errors, settings, urls)
and its own parts - never aiohttp, the store, the library or the web layer."""
from ..errors import ExtractionError
from .article import Article
from .pipeline import extract

__all__ = ["Article", "ExtractionError", "extract"]
