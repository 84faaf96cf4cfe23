"""One writer per data dir: an exclusive `flock` on the data folder itself and on
`quietpage.lock`, held while the store is open.

The folder is what counts: its lock holds even if someone deletes `quietpage.lock` (a lock on a
file that is gone no longer stops a second server, which would write the same journal). The
lock file is locked too (what QuietPage versions before this one look at) and holds the holder's
pid, only to name it in the message. The kernel drops both locks when the process ends, however
it ends, so a crash leaves nothing stale to clean up.
"""
from __future__ import annotations

import os
from pathlib import Path

from ..errors import QuietPageError
from .files import storage_error

try:
    import fcntl
except ImportError:  # Windows: no flock; one server per data dir is then up to the user
    fcntl = None

LOCK_FILE = "quietpage.lock"
CLOEXEC = getattr(os, "O_CLOEXEC", 0)


class DataDirLocked(QuietPageError):
    status, code = 409, "data_dir_in_use"


class DataDirLock:
    def __init__(self, data_dir: Path):
        self.folder = Path(data_dir)
        self.path = self.folder / LOCK_FILE
        self._fds: list[int] = []

    def acquire(self) -> "DataDirLock":
        try:
            if fcntl is not None:
                self._lock(os.open(self.folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | CLOEXEC), folder=True)
            self._lock(os.open(self.path, os.O_RDWR | os.O_CREAT | CLOEXEC, 0o600))
        except BaseException as exc:
            self.release()
            if isinstance(exc, OSError):
                raise storage_error(exc, self.folder, doing=f"open the library in {self.folder}") from exc
            raise
        fd = self._fds[-1]
        try:  # only to name us in another's message: a full disk must not stop us here
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        except OSError:
            pass
        return self

    def _lock(self, fd: int, *, folder: bool = False) -> None:
        self._fds.append(fd)
        if fcntl is None:
            return
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._refuse()
        except OSError:
            if not folder:
                raise
            os.close(self._fds.pop())  # a folder that cannot be locked (NFS): the lock file alone

    def _refuse(self) -> None:
        holder = _read_pid(self.path)
        who = f"QuietPage (pid {holder})" if holder else "QuietPage"
        raise DataDirLocked(
            f"Another {who} is already using the library in {self.folder}. Only one "
            "may run on a data folder at a time: stop the other one first, or give this one "
            "a different --data-dir.") from None

    def release(self) -> None:
        while self._fds:
            os.close(self._fds.pop())  # closing a descriptor releases its flock

    def __enter__(self) -> "DataDirLock":
        return self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()


def lock_held(data_dir: Path) -> bool | None:
    """Whether some process holds this data folder's lock now (a server, an import): None where
    that cannot be told (no flock: Windows). Looks only; takes nothing for longer than the look."""
    if fcntl is None:
        return None
    folder = Path(data_dir)
    for path, flags in ((folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0)), (folder / LOCK_FILE, os.O_RDONLY)):
        try:
            fd = os.open(path, flags | CLOEXEC)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        except OSError:
            continue
        finally:
            os.close(fd)  # closing the descriptor drops the shared lock we may have taken
    return False


def _read_pid(path: Path) -> int | None:
    try:
        return int(path.read_bytes()[:32].split()[0])
    except (OSError, ValueError, IndexError):
        return None
