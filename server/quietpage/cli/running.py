"""Where the server running on a data dir listens: it writes server.json there while it serves,
so `quietpage login-url` and `quietpage export` reach it (whatever --port it was given)."""
from __future__ import annotations

import os

import orjson

from ..settings import DEFAULT_HOST, DEFAULT_PORT, Settings
from ..store.files import atomic_write

SERVER_FILE = "server.json"


def announce(settings: Settings, origin: str):
    """Record this process as the server of settings.data_dir; returns the file to remove on exit."""
    path = settings.data_dir / SERVER_FILE
    atomic_write(path, orjson.dumps({"origin": origin, "pid": os.getpid()}))
    return path


def running_origin(settings: Settings) -> str:
    """The origin of the server running on this data dir, else the configured default."""
    try:
        info = orjson.loads((settings.data_dir / SERVER_FILE).read_bytes())
        os.kill(int(info["pid"]), 0)  # still alive?
        return str(info["origin"])
    except (OSError, ValueError, KeyError, TypeError, orjson.JSONDecodeError):
        return Settings(data_dir=settings.data_dir, host=DEFAULT_HOST, port=DEFAULT_PORT).origin
