"""The reader: page HTML in, a clean Article out. Pure: never imports aiohttp."""
from ..errors import ExtractionError
from .article import Article
from .pipeline import extract

__all__ = ["Article", "ExtractionError", "extract"]
