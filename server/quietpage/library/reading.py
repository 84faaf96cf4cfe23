"""Reading a captured page into what the library stores: the reader's Article, the suggested
tags, and the compressed files. Runs where the CPU work belongs - an extraction worker process
for the server, a thread for the CLI - so the store's single thread only writes bytes.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from ..reader import Article, extract
from ..store.files import Bodies, pack_bodies
from ..tags import SiteKeywords, suggest


@dataclass(frozen=True)
class Reading:
    article: Article
    suggested: list[dict]  # Tag dicts, best first
    bodies: Bodies | None  # the reader view and the page as captured, compressed (None: not asked for)

    @property
    def body(self) -> dict:
        """What GET /api/articles/{id}?body=1 adds: the reader view's HTML and text."""
        return {"content_html": self.article.content_html, "text": self.article.text}


def read_page(html: str, url: str | None, *, max_depth: int, vocabulary: tuple[str, ...] = (),
              site_keywords: SiteKeywords | None = None, title: str | None = None, pack: bool = True,
              keep_local_urls: bool = False) -> Reading:
    """The depth check, the reader, tag suggestions (in the user's vocabulary, without what
    the page's site declares on every page: Library.reading_context) and, with `pack`, the
    compressed files of one page. `title` (a tab's or an import's) stands in when the page has
    none. Links and images to private addresses stay only with `keep_local_urls`."""
    article = extract(html, url, max_depth=max_depth, keep_local_urls=keep_local_urls)
    if title and title.strip() and not article.title:
        article = replace(article, title=title.strip())
    suggested = [t.to_dict() for t in suggest(article, list(vocabulary), site_keywords=site_keywords)]
    bodies = pack_bodies({"content_html": article.content_html, "text": article.text}, html) if pack else None
    return Reading(article, suggested, bodies)
