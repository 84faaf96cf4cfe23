"""Which QuietPage servers run, where they listen and on which library.

While it serves, `quietpage serve` records its address and data folder twice: in a per-user
runtime file (`<runtime dir>/servers/<pid>.json`), which lets every other command find the
running server's library without --data-dir, and in the data folder (server.json), which lets a
command given --data-dir find where that folder's server listens. Both go when it stops; a crash
leaves them behind, so a record counts only while its process lives.

The runtime folder is private (ours, mode 0700, not a symlink): a command sends the API token to
the address it reads there, so a folder another user could write is never used.
"""
from __future__ import annotations

import os
import stat
import sys
from dataclasses import dataclass
from pathlib import Path

import orjson

from ..settings import DEFAULT_HOST, DEFAULT_PORT, Settings, runtime_dir
from ..store.files import atomic_write
from ..store.lock import lock_held

SERVER_FILE = "server.json"
SERVERS = "servers"


@dataclass(frozen=True)
class Running:
    """A live `quietpage serve`: its origin (http://127.0.0.1:PORT), its data folder and pid."""

    origin: str
    data_dir: Path
    pid: int


class Announcement:
    """The two records of a serving process; remove() takes them back (at shutdown)."""

    def __init__(self, files: list[Path]):
        self.files = files

    def remove(self) -> None:
        for path in self.files:
            try:
                path.unlink(missing_ok=True)
            except OSError:
                pass


def announce(settings: Settings, origin: str) -> tuple[Announcement, list[str]]:
    """Record this process as the server of settings.data_dir. Returns the records and, for each
    one that could not be written, a sentence saying what that costs (the server serves anyway)."""
    record = orjson.dumps({"origin": origin, "data_dir": str(settings.data_dir.resolve()), "pid": os.getpid()})
    written, problems = [], []
    local = settings.data_dir / SERVER_FILE
    try:
        atomic_write(local, record)
        written.append(local)
    except OSError as exc:
        problems.append(f"could not note this server's address in {settings.data_dir} ({exc.strerror or exc}): "
                        "commands given --data-dir will not find where it listens.")
    folder = _private_dir(create=True)
    try:
        if folder is None:
            raise OSError(0, "no private runtime folder")
        (folder / SERVERS).mkdir(mode=0o700, exist_ok=True)
        mine = folder / SERVERS / f"{os.getpid()}.json"
        atomic_write(mine, record)
        written.append(mine)
    except OSError as exc:
        problems.append(f"could not note this server in {folder or runtime_dir()} ({exc.strerror or exc}): other "
                        "commands will only find its library when given --data-dir.")
    return Announcement(written), problems


def servers() -> list[Running]:
    """Every live server of this user, as the runtime folder records them (stale records go)."""
    folder = _private_dir(create=False)
    if folder is None:
        return []
    found = []
    for path in sorted((folder / SERVERS).glob("*.json")):
        info = _read(path)
        if info is None:
            continue
        if not _alive(info.pid):
            try:
                path.unlink(missing_ok=True)
            except OSError:
                pass
            continue
        found.append(info)
    return found


def server_on(data_dir: Path) -> Running | None:
    """The live server of this data folder: the runtime records, then the folder's own server.json."""
    here = _resolved(data_dir)
    for info in servers():
        if _resolved(info.data_dir) == here:
            return info
    info = _read(Path(data_dir) / SERVER_FILE)
    if info is not None and _alive(info.pid):
        return Running(info.origin, Path(data_dir), info.pid)
    return None


def is_served(data_dir: Path) -> bool:
    """A server runs on this folder: recorded, or holding the folder's lock (one that did not
    announce itself, e.g. a test's in-process app)."""
    return server_on(data_dir) is not None or bool(lock_held(Path(data_dir)))


def running_origin(settings: Settings) -> str:
    """The origin of the server running on this data dir, else the configured default."""
    info = server_on(settings.data_dir)
    if info is not None:
        return info.origin
    return Settings(data_dir=settings.data_dir, host=DEFAULT_HOST, port=DEFAULT_PORT).origin


# ---------------------------------------------------------------------------- helpers
def _read(path: Path) -> Running | None:
    try:
        info = orjson.loads(path.read_bytes())
        data_dir = info.get("data_dir")
        return Running(str(info["origin"]), Path(data_dir) if data_dir else path.parent, int(info["pid"]))
    except (OSError, ValueError, KeyError, TypeError, AttributeError, orjson.JSONDecodeError):
        return None


def _resolved(path: Path) -> Path:
    try:
        return Path(path).expanduser().resolve()
    except (OSError, RuntimeError):
        return Path(path).expanduser().absolute()


def _private_dir(*, create: bool) -> Path | None:
    """The runtime folder if it is ours alone (made so when `create`), else None."""
    folder = runtime_dir()
    if create:
        try:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError:
            return None
    try:
        st = folder.lstat()
    except OSError:
        return None
    if not stat.S_ISDIR(st.st_mode):
        return None
    if hasattr(os, "geteuid") and (st.st_uid != os.geteuid() or st.st_mode & 0o077):
        return None
    return folder


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    if sys.platform == "win32":  # os.kill(pid, 0) would end the process there
        return _alive_windows(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, another user's
        return True
    except OSError:
        return False
    return True


def _alive_windows(pid: int) -> bool:  # pragma: no cover - Windows only
    import ctypes

    kernel32 = ctypes.windll.kernel32
    handle = kernel32.OpenProcess(0x1000 | 0x100000, False, pid)  # QUERY_LIMITED_INFORMATION | SYNCHRONIZE
    if not handle:
        return False
    try:
        return kernel32.WaitForSingleObject(handle, 0) == 0x102  # WAIT_TIMEOUT: still running
    finally:
        kernel32.CloseHandle(handle)
