"""library/ owns the user's articles and highlights: it is the only writer of their records
(saves, re-anchoring, highlights, tags, imports and restores, fetched pages, the trash), and
keeps what it derives from them - the index that lists and filters, the full-text index that
searches - in step.

It may import the pure cores (reader, tags, anchoring), store/ and the base modules (settings,
errors, clock, urls) - never web/, transfer/ or cli/. It runs on the store's single thread.
"""
from .articles import META_FIELDS, STATES
from .highlights import COLORS
from .library import Library
from .listing import LIBRARY_STATES, LIST_STATES, SORTS, ListQuery
from .notebook import NOTEBOOK_SORTS, NotebookQuery
from .reading import Reading, read_page

__all__ = ["COLORS", "LIBRARY_STATES", "LIST_STATES", "META_FIELDS", "NOTEBOOK_SORTS", "SORTS", "STATES", "Library", "ListQuery",
           "NotebookQuery", "Reading", "read_page"]
