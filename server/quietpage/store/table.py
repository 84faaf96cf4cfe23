"""TinyDB's Table, updated in place and journalled document by document.

Stock `Table._update_table` copies the whole table twice and hands the storage the whole
database on every write: O(n) per insert. `JournalTable` lets TinyDB's own updaters run on the
live table through a `ChangeSet`, which remembers what each touched document was, so the
storage journals only the documents that changed (and can undo them if the updater fails).

Documents are held as their JSON bytes and decoded when read (`LazyView`); tables that are
read often may keep the decoded dict instead (memoised). Either way, a stored document object
is never mutated in place - an update replaces it - so a shallow copy of a table is a
consistent snapshot for the background compaction.

This overrides TinyDB internals (`_read_table`, `_update_table`, `_get_next_id`): TinyDB is
pinned, and tests/test_storage_equivalence.py compares us with stock TinyDB before an upgrade.
"""
from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator, Mapping, MutableMapping

import orjson
from tinydb.table import Table

ID_BYTES = 9  # 12 url-safe characters: short enough for URLs, 72 random bits
MISSING = object()


def new_id() -> str:
    return secrets.token_urlsafe(ID_BYTES)


class LazyView(Mapping):
    """A live table as TinyDB reads it: documents decoded on access. `load(value)` turns a
    stored value (a ref into the snapshot, JSON bytes, or a memoised dict) into a document."""

    def __init__(self, raw: dict, load: Callable, memoize: bool):
        self._raw = raw
        self._load = load
        self._memoize = memoize

    def __getitem__(self, key):
        value = self._raw[key]
        if not isinstance(value, dict):
            value = self._load(value)
            if self._memoize:
                self._raw[key] = value
        return value

    def get(self, key, default=None):
        return self[key] if key in self._raw else default

    def __contains__(self, key) -> bool:
        return key in self._raw

    def __iter__(self) -> Iterator:
        return iter(self._raw)

    def __len__(self) -> int:
        return len(self._raw)

    def items(self):
        for key in self._raw:
            yield key, self[key]

    def values(self):
        for key in self._raw:
            yield self[key]


class ChangeSet(MutableMapping):
    """The live table as one updater sees it. Changes go straight in; what each touched
    document was before (as JSON bytes, or MISSING) is kept to journal the difference or undo.
    Deletions wait until the change succeeds (`gone`), so an undo keeps the table's order.
    `as_bytes(value)` turns a stored value into its JSON bytes."""

    def __init__(self, raw: dict, as_bytes: Callable):
        self._raw = raw
        self._as_bytes = as_bytes
        self._before: dict = {}
        self._own: set = set()   # keys whose live value is this change's private object
        self._gone: set = set()  # keys deleted by this change, still in raw until diff()
        self._cleared: dict | None = None

    def _remember(self, key) -> None:
        if key not in self._before:
            value = self._raw.get(key, MISSING)
            self._before[key] = value if value is MISSING else self._as_bytes(value)

    def __getitem__(self, key):
        if key in self._gone:
            raise KeyError(key)
        if key in self._own:
            return self._raw[key]
        self._raw[key]  # KeyError if absent
        self._remember(key)
        # A private copy: the stored object may be shared with readers or a compaction.
        doc = orjson.loads(self._before[key])
        self._raw[key] = doc
        self._own.add(key)
        return doc

    def __setitem__(self, key, value) -> None:
        self._remember(key)
        if key in self._gone:  # deleted, then added again: it goes to the end, as in a dict
            self._gone.discard(key)
            del self._raw[key]
        self._raw[key] = value
        self._own.add(key)

    def __delitem__(self, key) -> None:
        if key not in self:
            raise KeyError(key)
        self._remember(key)
        self._gone.add(key)
        self._own.discard(key)

    def pop(self, key, *default):
        if key not in self:
            if default:
                return default[0]
            raise KeyError(key)
        value = self[key]
        del self[key]
        return value

    def clear(self) -> None:
        if self._cleared is None:
            self._cleared = dict(self._raw)
        self._raw.clear()
        self._own.clear()
        self._gone.clear()

    def __contains__(self, key) -> bool:
        return key in self._raw and key not in self._gone

    def __iter__(self) -> Iterator:
        return iter(self.keys())

    def __len__(self) -> int:
        return len(self._raw) - len(self._gone)

    def keys(self):
        return [k for k in self._raw if k not in self._gone] if self._gone else self._raw.keys()

    def diff(self) -> tuple[list, list[bytes]]:
        """The journal ops ([["s", id]], [["d", id]], [["t"]]) and the encoded documents of the
        "s" ops, in order. Raises if a document cannot be encoded (then call undo)."""
        for key in self._gone:
            del self._raw[key]
        self._gone.clear()
        ops: list = []
        docs: list[bytes] = []
        if self._cleared is not None:
            ops.append(["t"])
            keys = list(self._raw)
        else:
            keys = list(self._before)
        for key in keys:
            now = self._raw.get(key, MISSING)
            if now is MISSING:
                if self._before.get(key, MISSING) is not MISSING:
                    ops.append(["d", key])
                continue
            encoded = now if isinstance(now, bytes) else self._as_bytes(now)
            self._raw[key] = encoded  # the stored form: immutable, and compact
            if self._cleared is not None or encoded != self._before[key]:
                ops.append(["s", key])
                docs.append(encoded)
        return ops, docs

    def undo(self) -> None:
        """Put the table back as it was before this change."""
        self._gone.clear()
        if self._cleared is not None:
            self._raw.clear()
            self._raw.update(self._cleared)
        for key, before in self._before.items():
            if before is MISSING:
                self._raw.pop(key, None)
            else:
                self._raw[key] = before


def encode_change(table: str, ops: list, docs: list[bytes]) -> bytes:
    """A journal payload: a JSON line [table, ops], then one line per written document."""
    return b"\n".join([orjson.dumps([table, ops]), *docs])


def apply_change(tables: dict[str, dict], payload: bytes) -> None:
    head, *docs = payload.split(b"\n")
    name, ops = orjson.loads(head)
    table = tables.setdefault(name, {})
    pending = iter(docs)
    for op in ops:
        kind = op[0]
        if kind == "s":
            table[op[1]] = next(pending)
        elif kind == "d":
            table.pop(op[1], None)
        elif kind == "t":
            table.clear()
        else:
            raise ValueError(f"unknown journal operation {kind!r}")


class JournalTable(Table):
    """A TinyDB table on JournalStorage: string ids of our own, in-place journalled updates."""

    document_id_class = str

    def _get_next_id(self) -> str:
        return new_id()

    def _read_table(self) -> Mapping:
        return self._storage.view(self.name)

    def _update_table(self, updater: Callable[[dict], None]) -> None:
        self._storage.update_table(self.name, updater)
        self.clear_cache()
