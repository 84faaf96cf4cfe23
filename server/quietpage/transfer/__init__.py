"""Your library is yours: export (JSON backup, Markdown), import (our backup, Pocket, Omnivore,
browser bookmarks) and fetching what was imported without its text.

Pure cores: `markdown` (HTML -> Markdown), `export_markdown`, `backup` (the JSON format, both
ways), `importers/` (one parser per format, all yielding `items.ImportItem`), `apply` (what an
item does to the library; runs on the store thread). `fetcher` is the one aiohttp client;
`jobs` runs fetches in the background; `runner` ties them together for the handlers and the CLI.
"""
