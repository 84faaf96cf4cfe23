"""Persistence: TinyDB (journal + snapshot) for records, gzip files for bodies, all writes
through Store, on one thread."""
from .aio import SHARED, OneThread
from .store import Store

__all__ = ["OneThread", "SHARED", "Store"]
