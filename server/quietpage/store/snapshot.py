"""The snapshot: the whole database in one TinyDB-compatible JSON file, written atomically.

It stays plain JSON (stock TinyDB, jq or a text editor can open it), laid out one document per
line so that it loads without decoding every document:

    {"__quietpage__":{"format":2,"schema":2,"generation":7,"crc32":"0123abcd"},
    "articles":{
    "id1":{...},
    "id2":{...}
    },
    "highlights":{
    }
    }

`crc32` covers every byte of the file, the first line included (with its own eight digits read
as zeros): a changed byte anywhere - the generation, the schema, a document - makes the file
damaged, and it is refused (SnapshotError), never served or written over. (Format 1, written
before the header was covered, checked the bytes after the first line only; it is still read.)
A file without that first line (written by QuietPage before the journal, by stock TinyDB), or
whose header has no `crc32` (edited by hand on purpose), is parsed as ordinary JSON.

Documents of our own layout are not even copied into memory: a table holds a `ref`, an int
(offset << 24 | length) into the file, read with pread when the document is needed (`Refs`).
Other documents are held as JSON bytes; the tables decode either when they are read.
"""
from __future__ import annotations

import mmap
import os
import tempfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from .files import fsync_dir

META_KEY = "__quietpage__"
FORMAT = 2
BODY_ONLY_FORMAT = 1  # its checksum covers the bytes after the first line only
LEGACY_SCHEMA = 1  # the version of a file that carries no header: the first one
_HEAD_START = b'{"' + META_KEY.encode() + b'":'
_CRC_FIELD = b'"crc32":"'
_ZERO_CRC = b"0" * 8
_BATCH = 4096  # documents per write


REF_BITS = 24
REF_MASK = (1 << REF_BITS) - 1  # documents up to 16 MiB are left in the file


class Refs:
    """The open snapshot file that int refs point into."""

    def __init__(self, fd: int):
        self.fd = fd

    def read(self, ref: int) -> bytes:
        return os.pread(self.fd, ref & REF_MASK, ref >> REF_BITS)

    def mapped(self):
        """The whole file, mapped, for reading many documents in a row (close it after)."""
        return mmap.mmap(self.fd, 0, access=mmap.ACCESS_READ)

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1


def ref_bytes(view, ref: int) -> bytes:
    start = ref >> REF_BITS
    return view[start:start + (ref & REF_MASK)]


class SnapshotError(ValueError):
    """The snapshot cannot be read; the message says why."""


@dataclass
class Snapshot:
    tables: dict[str, dict[str, int | bytes | dict]] = field(default_factory=dict)
    schema: int | None = None  # None: no file at all
    generation: int = 0
    refs: Refs | None = None   # the file, if tables hold refs into it


def encode_doc(doc) -> bytes:
    return doc if isinstance(doc, bytes) else orjson.dumps(doc)


def _meta_line(schema: int, generation: int, crc: int, more: bool) -> bytes:
    meta = orjson.dumps({"format": FORMAT, "schema": schema, "generation": generation,
                         "crc32": f"{crc:08x}"})
    return _HEAD_START + meta + (b",\n" if more else b"\n")


def _body_chunks(tables: dict[str, dict], to_bytes, positions: dict, pos: int):
    """The file after its first line, in chunks; the ref of each document into `positions`."""
    names = list(tables)
    for i, name in enumerate(names):
        head = orjson.dumps(name) + b":{\n"
        yield head
        pos += len(head)
        where = positions[name] = {}
        docs = list(tables[name].items())
        for start in range(0, len(docs), _BATCH):
            lines, offset = [], pos
            for key, value in docs[start:start + _BATCH]:
                key_json, data = orjson.dumps(key), to_bytes(value)
                at = offset + len(key_json) + 1
                where[key] = (at << REF_BITS) | len(data) if len(data) <= REF_MASK else None
                lines.append(key_json + b":" + data)
                offset = at + len(data) + 2  # the ",\n" after it
            chunk = b",\n".join(lines) + (b"\n" if start + _BATCH >= len(docs) else b",\n")
            yield chunk
            pos += len(chunk)
        tail = b"},\n" if i + 1 < len(names) else b"}\n"
        yield tail
        pos += len(tail)
    yield b"}\n"


def write_snapshot(path: Path, tables: dict[str, dict], *, schema: int, generation: int,
                   source: Refs | None = None, keep_open: bool = False):
    """Write every table to `path` atomically (temp file, fsync, rename, fsync dir). Documents
    may be refs into `source`. Returns the size, or with keep_open (Refs to the new file, the
    ref of every document written: {table: {id: ref}})."""
    def to_bytes(value) -> bytes:
        return source.read(value) if isinstance(value, int) else encode_doc(value)

    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    positions: dict[str, dict] = {}
    try:
        os.fchmod(fd, 0o600)
        more = bool(tables)
        head = _meta_line(schema, generation, 0, more)  # its digits as zeros: as the check reads it
        head_len = len(head)
        size, crc = head_len, zlib.crc32(head)
        os.lseek(fd, head_len, os.SEEK_SET)
        for chunk in _body_chunks(tables, to_bytes, positions, head_len):
            os.write(fd, chunk)
            crc = zlib.crc32(chunk, crc)
            size += len(chunk)
        os.pwrite(fd, _meta_line(schema, generation, crc, more), 0)
        os.fsync(fd)
        os.replace(tmp, path)
    except BaseException:
        os.close(fd)
        Path(tmp).unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)
    if keep_open:
        return Refs(fd), positions
    os.close(fd)
    return size


def read_snapshot(path: Path, *, refs: bool = False) -> Snapshot:
    """The tables in `path`: an empty Snapshot (schema None) if there is no file or it is empty.
    With `refs`, documents stay in the file (see Refs), which is kept open. Raises
    SnapshotError if it is not a JSON object of tables of documents."""
    try:
        with open(path, "rb") as f:
            if os.fstat(f.fileno()).st_size == 0:
                return Snapshot()
            with mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as data:
                snap = _read(data, refs)
            if snap.refs is not None:
                snap.refs = Refs(os.dup(f.fileno()))
            return snap
    except FileNotFoundError:
        return Snapshot()
    except OSError as exc:
        raise SnapshotError(f"it cannot be read ({exc.strerror or exc})") from exc


def read_generation(path: Path) -> int:
    """The generation in a snapshot's first line, or 0 (no file, an old layout, damage): read
    without loading the rest."""
    try:
        with open(path, "rb") as f:
            head = f.readline(4096)
        if not head.startswith(_HEAD_START):
            return 0
        return int(orjson.loads(head[len(_HEAD_START):].rstrip(b",\n"))["generation"])
    except (OSError, ValueError, KeyError, TypeError):
        return 0


def _read(data, refs: bool) -> Snapshot:
    if data[:len(_HEAD_START)] == _HEAD_START:
        end = data.find(b"\n")
        head = data[:end + 1] if end >= 0 else data[:]
        try:
            meta = orjson.loads(head[len(_HEAD_START):].rstrip(b",\n"))
        except orjson.JSONDecodeError:
            meta = None  # not our layout after all (edited by hand?): read it as plain JSON below
        if isinstance(meta, dict) and "crc32" in meta:
            return _read_checked(data, head, meta, refs)
    if not data[:].strip():
        return Snapshot()
    return _read_plain(data)


def _read_checked(data, head: bytes, meta: dict, refs: bool) -> Snapshot:
    """Our own layout: trusted only if its checksum matches, else damaged (SnapshotError)."""
    try:
        fmt, schema, generation = meta["format"], int(meta["schema"]), int(meta["generation"])
        stored = int(meta["crc32"], 16)
    except (KeyError, TypeError, ValueError) as exc:
        raise SnapshotError("its QuietPage header is damaged") from exc
    if fmt not in (FORMAT, BODY_ONLY_FORMAT):
        raise SnapshotError(f"its header names format {fmt!r}, which this QuietPage does not know "
                            "(a damaged file, or one from a newer QuietPage)")
    if fmt == FORMAT:
        at = head.find(_CRC_FIELD) + len(_CRC_FIELD)
        crc = zlib.crc32(head[:at] + _ZERO_CRC + head[at + 8:])
    else:
        crc = 0
    with memoryview(data) as view, view[len(head):] as body:
        crc = zlib.crc32(body, crc)
    if crc != stored:
        raise SnapshotError("its checksum does not match its contents: some of its bytes changed after "
                            "QuietPage wrote it (a damaged disk; or an edit by hand: to keep one, delete "
                            'the "crc32" field from its first line)')
    tables = _parse_lines(data, len(head), refs)
    return Snapshot(tables, schema, generation, Refs(-1) if refs else None)


def _parse_lines(data, pos: int, refs: bool) -> dict[str, dict]:
    """Our own layout, trusted because its checksum matched: split it, decode nothing."""
    tables: dict[str, dict] = {}
    current: dict | None = None
    n = len(data)
    while pos < n:
        end = data.find(b"\n", pos)
        end = n if end < 0 else end
        if current is None:
            line = data[pos:end]
            if line.endswith(b":{"):
                current = tables.setdefault(orjson.loads(line[:-2]), {})
        elif end - pos <= 2 and data[pos] == 125:  # "}" or "},": the table ends
            current = None
        else:
            stop = end - 1 if data[end - 1] == 44 else end  # without the "," after it
            split = data.find(b'":', pos, stop)
            if data.find(b"\\", pos, split) >= 0:  # an escaped id: let the JSON parser handle it
                ((key, doc),) = orjson.loads(b"{" + data[pos:stop] + b"}").items()
                current[key] = orjson.dumps(doc)
            elif refs and stop - split - 2 <= REF_MASK:
                current[data[pos + 1:split].decode()] = ((split + 2) << REF_BITS) | (stop - split - 2)
            else:
                current[data[pos + 1:split].decode()] = data[split + 2:stop]
        pos = end + 1
    return tables


def _read_plain(data) -> Snapshot:
    try:
        raw = orjson.loads(data[:])
    except orjson.JSONDecodeError as exc:
        raise SnapshotError(f"it is not valid JSON ({exc})") from exc
    if not isinstance(raw, dict):
        raise SnapshotError("it does not hold a JSON object")
    meta = raw.pop(META_KEY, None)
    meta = meta if isinstance(meta, dict) else {}
    tables: dict[str, dict[str, bytes]] = {}
    for name, table in raw.items():
        if not isinstance(table, dict) or not all(isinstance(d, dict) for d in table.values()):
            raise SnapshotError(f"its table {name!r} is not an object of documents")
        tables[name] = {str(k): orjson.dumps(v) for k, v in table.items()}
    try:
        schema, generation = int(meta.get("schema", LEGACY_SCHEMA)), int(meta.get("generation", 0))
    except (TypeError, ValueError) as exc:
        raise SnapshotError("its QuietPage header is damaged") from exc
    return Snapshot(tables, schema, generation)
