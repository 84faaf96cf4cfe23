"""The reader: page HTML in, a clean Article out. Pure: never imports aiohttp."""
from .article import Article
from .pipeline import extract

__all__ = ["Article", "extract"]
