"""An import source that holds several files: a zip (Omnivore's or Pocket's export) or a folder
(the same, unpacked). Members are read as capped streams: past its own cap a member is refused,
and past `max_expanded_bytes` in all the whole import is, so a zip bomb - one member or
thousands - is refused, not inflated. Names are looked up in a dict built once."""
from __future__ import annotations

import io
import zipfile
import zlib
from pathlib import Path, PurePosixPath

from ..items import ImportFormatError, ImportLimits


class Budget:
    """Bytes one pass over an import may read, decompressed, in all its files together."""

    def __init__(self, limit: int):
        self.limit, self.used = limit, 0

    def spend(self, n: int, name: str) -> None:
        self.used += n
        if self.used > self.limit:
            raise ImportFormatError(name, f"the import holds more than {self.limit // (1024 * 1024)} MiB of "
                                    "files in all, decompressed (max_import_expanded_bytes)")


class TooLong(ImportFormatError):
    """One file of an import is past its cap (the import's total budget is an ImportFormatError)."""


class Capped(io.RawIOBase):
    """A member as a binary stream that refuses to give more than `cap` bytes, and spends the
    import's budget as it goes."""

    def __init__(self, raw, name: str, cap: int, budget: Budget, limit_name: str):
        super().__init__()
        self.raw, self.name, self.cap, self.budget, self.limit_name = raw, name, cap, budget, limit_name
        self.read_so_far = 0

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        try:
            data = self.raw.read(max(1, min(len(b), self.cap + 1 - self.read_so_far)))
        except (zipfile.BadZipFile, OSError, RuntimeError, EOFError, zlib.error) as exc:
            raise ImportFormatError(self.name, f"cannot be read ({exc})") from None
        self.read_so_far += len(data)
        if self.read_so_far > self.cap:
            raise TooLong(self.name, f"is larger than {_size(self.cap)}, the limit for one file "
                                    f"inside an import ({self.limit_name})")
        self.budget.spend(len(data), self.name)
        b[:len(data)] = data
        return len(data)

    def close(self) -> None:
        if not self.closed:
            self.raw.close()
        super().close()


class Bundle:
    def __init__(self, path: Path, limits: ImportLimits):
        self.path = Path(path)
        self.limits = limits
        self.budget = Budget(limits.max_expanded_bytes)
        self._zip: zipfile.ZipFile | None = None
        if self.path.is_dir():
            self._names = sorted(p.relative_to(self.path).as_posix() for p in self.path.rglob("*") if p.is_file())
        else:
            try:
                self._zip = zipfile.ZipFile(self.path)
            except (zipfile.BadZipFile, OSError) as exc:
                raise ImportFormatError(self.path.name, f"not a readable zip file ({exc})") from None
            self._names = sorted(i.filename for i in self._zip.infolist() if not i.is_dir())
        self._by_tail: dict[str, str] | None = None

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()

    def __enter__(self) -> "Bundle":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def names(self) -> list[str]:
        return list(self._names)

    def find(self, *candidates: str) -> str | None:
        """The first of these member names that exists (compared without a top folder too)."""
        if self._by_tail is None:
            self._by_tail = {}
            for name in self._names:
                self._by_tail.setdefault(name, name)
                parts = PurePosixPath(name).parts
                if len(parts) > 1:
                    self._by_tail.setdefault("/".join(parts[1:]), name)
        return next((self._by_tail[c] for c in candidates if c in self._by_tail), None)

    def open(self, name: str, cap: int | None = None, limit_name: str = "max_import_member_bytes") -> Capped:
        """A member as a capped stream (`cap`: this kind of file's own limit, else the member limit)."""
        cap = self.limits.max_member_bytes if cap is None else cap
        try:
            raw = open(self.path / name, "rb") if self._zip is None else self._zip.open(name)
        except (zipfile.BadZipFile, OSError, RuntimeError, KeyError) as exc:
            raise ImportFormatError(name, f"cannot be read from the import ({exc})") from None
        return Capped(raw, name, cap, self.budget, limit_name)

    def text(self, name: str, cap: int | None = None, limit_name: str = "max_import_member_bytes") -> str:
        with self.open(name, cap, limit_name) as f:
            data = f.read()
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ImportFormatError(name, f"is not UTF-8 text (byte {exc.start})") from None


def _size(n: int) -> str:
    return f"{n // (1024 * 1024)} MiB" if n >= 1024 * 1024 else f"{n} bytes"
