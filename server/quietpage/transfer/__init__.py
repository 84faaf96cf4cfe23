"""Your library is yours: export (JSON backup, Markdown), import (our backup, Pocket, Omnivore,
browser bookmarks) and fetching what was imported without its text.

Pure cores: `markdown` (HTML -> Markdown), `export_markdown`, `backup` (the JSON format, both
ways), `schema` (what a backup's records may hold), `jsonstream` (JSON a value at a time),
`importers/` (one streaming parser per format, all yielding `items.ImportItem`, within
`items.ImportLimits`), `apply` (what an item does to the library; runs on the store thread).
`fetcher` is the one aiohttp client, for pages and any other caller (its address guard: ../hosts);
`jobs` runs fetches in the background; `runner` ties them together for the handlers and the CLI.
"""
