"""One writer per data dir: an exclusive `flock` on `quietpage.lock`, held while the store is open.

The kernel drops the lock when the process ends, however it ends, so a crash leaves nothing
stale to clean up. The file holds the holder's pid, only to name it in the message.
"""
from __future__ import annotations

import os
from pathlib import Path

from ..errors import QuietPageError

try:
    import fcntl
except ImportError:  # Windows: no flock; one server per data dir is then up to the user
    fcntl = None

LOCK_FILE = "quietpage.lock"


class DataDirLocked(QuietPageError):
    status, code = 409, "data_dir_in_use"


class DataDirLock:
    def __init__(self, data_dir: Path):
        self.path = Path(data_dir) / LOCK_FILE
        self._fd = -1

    def acquire(self) -> "DataDirLock":
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o600)
        if fcntl is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = _read_pid(fd)
                os.close(fd)
                who = f"QuietPage (pid {holder})" if holder else "QuietPage"
                raise DataDirLocked(
                    f"Another {who} is already using the library in {self.path.parent}. Only one "
                    "may run on a data folder at a time: stop the other one first, or give this one "
                    "a different --data-dir.") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)  # closing the descriptor releases the flock
            self._fd = -1

    def __enter__(self) -> "DataDirLock":
        return self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()


def _read_pid(fd: int) -> int | None:
    try:
        return int(os.pread(fd, 32, 0).split()[0])
    except (OSError, ValueError, IndexError):
        return None
