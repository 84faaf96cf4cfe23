"""Persistence: TinyDB for records, gzip files for bodies, all writes through Store."""
from .aio import OneThread
from .store import Store

__all__ = ["OneThread", "Store"]
