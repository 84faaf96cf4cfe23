"""store/ owns the library's records and bytes: TinyDB documents on a journal + snapshot storage,
the body files of each article version, the data folder's lock, backups and schema migrations.

It knows record ids, URL keys and which highlights belong to which article - nothing of quotes,
tags, search or reading pages. It may import only the package's base modules (settings,
errors, clock); library/ is the only caller that writes through it, on one thread (aio.py).
"""
from .aio import SHARED, OneThread
from .backups import BACKUP_DIR
from .files import Bodies, pack_bodies
from .store import DB_FILE, Store, restore_library

__all__ = ["BACKUP_DIR", "Bodies", "DB_FILE", "OneThread", "SHARED", "Store", "pack_bodies", "restore_library"]
