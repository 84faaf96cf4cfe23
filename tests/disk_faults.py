"""A small disk that a test can fill and empty again, for the full-disk faults.

As root (CI runs as root) it is a real tmpfs mounted in the test's tmp dir: `fill()` leaves no
byte, `fill_files(leave=n)` leaves room for n more files (inodes) and plenty of bytes. Otherwise
(or with QP_SIMULATE_DISK=1) the same faults are simulated at the file layer, for paths under the
folder only: os.write and creating files (os.open with O_CREAT, hence mkstemp; os.mkdir) raise
ENOSPC, and os.statvfs reports what is left. Either way `free()` gives the room back.
`read_only()` makes the folder read-only (a remount; simulated: EROFS on opening for writing).

tmpfs allocates whole pages: a write that fits in the slack of a file's last page succeeds even
on a full disk (ext4 blocks behave alike). Tests that expect a refusal write more than a page.
"""
from __future__ import annotations

import errno
import os
import subprocess
from pathlib import Path

PAGE = 4096
REAL = os.geteuid() == 0 and os.environ.get("QP_SIMULATE_DISK") != "1" if hasattr(os, "geteuid") else False


def _enospc(what) -> OSError:
    return OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(what))


class SmallDisk:
    def __init__(self, where: Path, monkeypatch, size: str = "8m", files: int = 2000):
        self.path = Path(where)
        self.path.mkdir(parents=True, exist_ok=True)
        self.real = REAL
        self._fillers: list[Path] = []
        self._files_left: int | None = None  # simulated: new files allowed (None: no limit)
        self._no_bytes = False                # simulated: every write refused
        self._read_only = False               # simulated: EROFS
        if self.real:
            subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},nr_inodes={files},mode=0700", "tmpfs", str(self.path)], check=True)
        else:
            self._simulate(monkeypatch)

    # ------------------------------------------------------------------ what tests call
    def fill(self) -> None:
        """No byte left: appends beyond a page's slack and new files fail."""
        if not self.real:
            self._no_bytes = True
            return
        filler = self._filler()
        with open(filler, "wb", buffering=0) as f:
            for chunk in (1 << 20, PAGE, 1):
                try:
                    while True:
                        f.write(b"\0" * chunk)
                except OSError as exc:
                    if exc.errno != errno.ENOSPC:
                        raise

    def fill_files(self, leave: int = 0) -> None:
        """Room for `leave` more new files (and directories), bytes aside."""
        if not self.real:
            self._files_left = leave
            return
        try:
            while True:
                self._filler().touch()
        except OSError as exc:
            if exc.errno != errno.ENOSPC:
                raise
            self._fillers.pop()
        for _ in range(leave):
            self._fillers.pop().unlink()

    def read_only(self) -> None:
        if self.real:
            subprocess.run(["mount", "-o", "remount,ro", str(self.path)], check=True)
        self._read_only = True

    def free(self) -> None:
        if self.real and self._read_only:
            subprocess.run(["mount", "-o", "remount,rw", str(self.path)], check=True)
        self._no_bytes, self._files_left, self._read_only = False, None, False
        for path in self._fillers:
            path.unlink(missing_ok=True)
        self._fillers.clear()

    def close(self) -> None:
        if self.real:
            done = subprocess.run(["umount", str(self.path)], capture_output=True)
            if done.returncode:  # still open somewhere (a test that failed midway): detach it
                subprocess.run(["umount", "-l", str(self.path)], check=True)

    def _filler(self) -> Path:
        path = self.path / f".filler-{len(self._fillers)}"
        self._fillers.append(path)
        return path

    # ------------------------------------------------------------------ the simulation
    def _mine(self, path) -> bool:
        try:
            return os.path.abspath(os.fsdecode(path)).startswith(str(self.path) + os.sep)
        except TypeError:
            return False

    def _fd_mine(self, fd: int) -> bool:
        try:
            return self._mine(os.readlink(f"/proc/self/fd/{fd}"))
        except OSError:
            return False

    def _new_file(self, path) -> None:
        if self._mine(path) and (self._no_bytes or self._files_left is not None):
            if self._no_bytes or self._files_left <= 0:
                raise _enospc(path)
            self._files_left -= 1

    def _simulate(self, monkeypatch) -> None:
        real_write, real_open, real_mkdir, real_statvfs = os.write, os.open, os.mkdir, os.statvfs

        def write(fd, data):
            if self._no_bytes and self._fd_mine(fd):
                raise _enospc(fd)
            return real_write(fd, data)

        def open_(path, flags, mode=0o777, *, dir_fd=None):
            if self._read_only and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT) and self._mine(path):
                raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))
            if flags & os.O_CREAT and not os.path.exists(path):
                self._new_file(path)
            return real_open(path, flags, mode, dir_fd=dir_fd)

        def mkdir(path, mode=0o777, *, dir_fd=None):
            if self._read_only and self._mine(path):
                raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))
            if not os.path.exists(path):
                self._new_file(path)
            return real_mkdir(path, mode, dir_fd=dir_fd)

        def statvfs(path):
            st = real_statvfs(path)
            if not self._mine(Path(path) / "x"):
                return st
            values = list(st)
            if self._no_bytes:
                values[4] = values[3] = 0  # f_bavail, f_bfree
            if self._files_left is not None:
                values[7] = values[6] = self._files_left  # f_favail, f_ffree
            if self._read_only:
                values[8] |= os.ST_RDONLY  # f_flag
            return os.statvfs_result(values)

        monkeypatch.setattr(os, "write", write)
        monkeypatch.setattr(os, "open", open_)
        monkeypatch.setattr(os, "mkdir", mkdir)
        monkeypatch.setattr(os, "statvfs", statvfs)
