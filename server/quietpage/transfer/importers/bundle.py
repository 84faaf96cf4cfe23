"""An import source that holds several files: a zip (Omnivore's or Pocket's export) or a folder
(the same, unpacked). Members are read with a size cap, so a zip bomb is refused, not inflated."""
from __future__ import annotations

import zipfile
from pathlib import Path, PurePosixPath

from ..items import ImportFormatError


class Bundle:
    def __init__(self, path: Path, max_member_bytes: int):
        self.path = Path(path)
        self.max = max_member_bytes
        self._zip: zipfile.ZipFile | None = None
        if self.path.is_dir():
            self._names = sorted(p.relative_to(self.path).as_posix() for p in self.path.rglob("*") if p.is_file())
        else:
            try:
                self._zip = zipfile.ZipFile(self.path)
            except (zipfile.BadZipFile, OSError) as exc:
                raise ImportFormatError(self.path.name, f"not a readable zip file ({exc})") from None
            self._names = sorted(i.filename for i in self._zip.infolist() if not i.is_dir())

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
        by_tail = {}
        for name in self._names:
            parts = PurePosixPath(name).parts
            by_tail.setdefault(name, name)
            if len(parts) > 1:
                by_tail.setdefault("/".join(parts[1:]), name)
        return next((by_tail[c] for c in candidates if c in by_tail), None)

    def read(self, name: str) -> bytes:
        if self._zip is None:
            path = self.path / name
            if path.stat().st_size > self.max:
                raise self._too_large(name)
            return path.read_bytes()
        try:
            with self._zip.open(name) as f:
                data = f.read(self.max + 1)
        except (zipfile.BadZipFile, OSError, RuntimeError) as exc:
            raise ImportFormatError(name, f"cannot be read from the zip ({exc})") from None
        if len(data) > self.max:
            raise self._too_large(name)
        return data

    def text(self, name: str) -> str:
        try:
            return self.read(name).decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ImportFormatError(name, f"is not UTF-8 text (byte {exc.start})") from None

    def _too_large(self, name: str) -> ImportFormatError:
        return ImportFormatError(name, f"is larger than {self.max // (1024 * 1024)} MiB, the limit for one "
                                       "file inside an import (max_import_member_bytes)")
