"""The highlights' records, kept by the Store (it mixes this in; the table and the in-memory map
of each article's highlights are set up in Store.__init__ and Store._build_maps)."""
from __future__ import annotations

import re
import zlib

import orjson

from ..errors import NotFound
from .tiny import document

HIGHLIGHTS = "highlights"
# A highlight's article id, read without decoding the document: it comes first, as
# insert_highlight writes it (any other layout is decoded)
_ARTICLE_ID = re.compile(rb'\{"article_id":"([^"\\]*)"')


def article_id_of(raw: bytes) -> str:
    """A highlight's article id (see _ARTICLE_ID)."""
    found = _ARTICLE_ID.match(raw)
    return found[1].decode() if found else orjson.loads(raw)["article_id"]


class HighlightRecords:
    def highlight_ids(self, article_id: str) -> set[str]:
        return set(self._highlights_of.get(article_id, ()))

    def highlight_count(self, article_id: str) -> int:
        return len(self._highlights_of.get(article_id, ()))

    def highlights_of(self, article_id: str) -> list[dict]:
        ids = self._highlights_of.get(article_id, ())
        docs = [self.highlights.get(doc_id=h) for h in ids]
        return sorted(({**d, "id": d.doc_id} for d in docs if d is not None),
                      key=lambda h: (h["created_at"], h["id"]))

    def get_highlight(self, highlight_id: str) -> dict:
        doc = self.highlights.get(doc_id=highlight_id) if isinstance(highlight_id, str) else None
        if doc is None:
            raise NotFound(f"No highlight with id {highlight_id!r}.")
        return {**doc, "id": doc.doc_id}

    def insert_highlight(self, record: dict, *, highlight_id: str | None = None) -> dict:
        """A new highlight (`highlight_id` keeps a given id, from a restored backup, when free)."""
        highlight_id = self._free_id(self.highlights, highlight_id)
        self.highlights.insert(document(highlight_id, record))
        self._highlights_of.setdefault(record["article_id"], set()).add(highlight_id)
        return {**record, "id": highlight_id}

    def update_highlight(self, highlight_id: str, fields: dict) -> dict:
        self.get_highlight(highlight_id)
        self.highlights.update(fields, doc_ids=[highlight_id])
        return self.get_highlight(highlight_id)

    def update_highlights(self, changes: dict[str, dict]) -> set[str]:
        """Several highlight updates in one write; returns the articles they belong to."""
        articles: set[str] = set()
        if not changes:
            return articles

        def apply(table):
            for hid, fields in changes.items():
                if hid in table:
                    table[hid] = {**table[hid], **fields}
                    articles.add(table[hid]["article_id"])

        self.highlights._update_table(apply)
        return articles

    def delete_highlight(self, highlight_id: str) -> dict:
        doc = self.get_highlight(highlight_id)
        self.highlights.remove(doc_ids=[highlight_id])
        self._highlights_of.get(doc["article_id"], set()).discard(highlight_id)
        return doc

    # ---------------------------------------------------------------- raw bytes, for derived indexes
    def highlight_checksums(self) -> dict[str, list[int]]:
        """{article id: the CRC-32 of each of its highlights' JSON bytes}: what an index built
        beside the records can tell a change of its highlights by (one pass over them)."""
        sums: dict[str, list[int]] = {}
        crc32 = zlib.crc32
        for doc_id, raw in self.storage.scan_bytes(HIGHLIGHTS):
            sums.setdefault(article_id_of(raw), []).append(crc32(raw))
        return sums

    def _scan_highlights(self) -> dict[str, set[str]]:
        """{article id: its highlights' ids}, in one pass (the owners decoded once each, after)."""
        ids: dict = {}
        match = _ARTICLE_ID.match
        for doc_id, raw in self.storage.scan_bytes(HIGHLIGHTS):
            found = match(raw)
            owner = found[1] if found else orjson.loads(raw)["article_id"]
            got = ids.get(owner)
            if got is None:
                ids[owner] = {doc_id}
            else:
                got.add(doc_id)
        for owner in [owner for owner in ids if isinstance(owner, bytes)]:
            got, article_id = ids.pop(owner), owner.decode()
            ids[article_id] = ids[article_id] | got if article_id in ids else got  # (also in another layout)
        return ids

    def highlight_bytes(self):
        """(highlight id, JSON bytes) of every highlight, none decoded: what an index built beside
        the records can tell changes by (the bytes of a document change when it does)."""
        return self.storage.scan_bytes(HIGHLIGHTS)

    def highlight_bytes_of(self, article_id: str) -> list[bytes]:
        """The JSON bytes of an article's highlights, in no particular order."""
        found = (self.storage.raw_bytes(HIGHLIGHTS, h) for h in self._highlights_of.get(article_id, ()))
        return [raw for raw in found if raw is not None]

