"""transfer/ owns the formats of a library going out and coming in: export (JSON backup,
Markdown), import (our backup, Pocket, Omnivore, browser bookmarks) and fetching what was
imported without its text.

Pure cores: `markdown` (HTML -> Markdown), `export_markdown`, `backup` (the JSON format, both
ways), `schema` (what a backup's records may hold), `jsonstream` (JSON a value at a time),
`importers/` (one streaming parser per format, all yielding `items.ImportItem`, within
`items.ImportLimits`). `fetcher` is the one outgoing HTTP client, for pages and any other caller
(its address guard: ../hosts); `jobs` runs fetches in the background; `runner` ties them
together for the web handlers and the CLI. What an item does to the records is the library's
(library/imports.py): transfer calls library and never writes a record itself. It may import
library/, the pure cores, store/'s file helpers and the base modules - never web/ or cli/.
"""
