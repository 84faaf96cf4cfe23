"""JSON read a value at a time, in bounded memory: an import file may be a list of a million
entries, or one small entry that parses into a billion objects.

- `Scanner` reads a binary stream in chunks and cuts out one JSON value at a time as bytes
  (strings, nesting and escapes followed, nothing parsed), never holding more than that value
  and one chunk;
- `loads` parses one value's bytes, after counting the values in it (outside strings): a
  line of `[1,1,1,...]` or `{}` costs 30-70 bytes of Python per 2-3 bytes of JSON, so bytes
  alone do not bound memory.
"""
from __future__ import annotations

import re

import orjson

from .items import ImportFormatError

CHUNK = 1 << 20
_WS = re.compile(rb"[ \t\r\n]*")
_OUTSIDE = re.compile(rb'["{}\[\]]')  # what matters outside a string
_INSIDE = re.compile(rb'["\\]')  # what matters inside one
_SCALAR_END = re.compile(rb"[,\]}: \t\r\n]")
_TOKEN = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"|[,\[{]', re.S)  # a whole string, or what starts a value


def count_values(raw, stop_at: int) -> int:
    """How many values `raw` (bytes or a memoryview: no copy is made) holds, at most: each one
    starts after '[', '{' or ',' outside a string. Counting stops past `stop_at`."""
    n = 1
    for m in _TOKEN.finditer(raw):
        if raw[m.start()] != 34:  # not a string: a '[', '{' or ','
            n += 1
            if n > stop_at:
                break
    return n


def loads(raw: bytes, where: str, max_values: int):
    if count_values(raw, max_values) > max_values:
        raise ImportFormatError(where, f"holds more than {max_values} values, more than an entry of an "
                                "export can")
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise ImportFormatError(where, f"is not valid JSON ({exc})") from None


class Scanner:
    """A JSON text read from `f` (anything with .read(n) -> bytes), one value at a time."""

    def __init__(self, f, where: str):
        self.f, self.where = f, where
        self.buf = bytearray()
        self.pos = 0
        self.eof = False

    def _more(self) -> bool:
        if self.eof:
            return False
        data = self.f.read(CHUNK)
        if not data:
            self.eof = True
            return False
        self.buf += data
        return True

    def _drop_read(self) -> None:
        """Forget what was read already (only between values: nothing points into it then)."""
        if self.pos:
            del self.buf[:self.pos]
            self.pos = 0

    def peek(self) -> int | None:
        """The next byte that is not white space (None at the end)."""
        while True:
            self.pos = _WS.match(self.buf, self.pos).end()
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            self._drop_read()
            if not self._more():
                return None

    def expect(self, char: bytes) -> None:
        if self.peek() != char[0]:
            raise self.error(f"expected '{char.decode()}'")
        self.pos += 1

    def at_end(self) -> bool:
        return self.peek() is None

    def error(self, problem: str) -> ImportFormatError:
        return ImportFormatError(self.where, f"is not valid JSON ({problem} near byte {self.pos})")

    def value(self, max_bytes: int, what: str) -> bytes:
        """The bytes of the next value; ImportFormatError past `max_bytes` (`what` names the limit)."""
        first = self.peek()
        if first is None:
            raise self.error("it ends early")
        self._drop_read()
        if first in b"{[\"":
            end = self._container_end(max_bytes, what)
        else:
            end = self._scalar_end(max_bytes, what)
        raw = bytes(memoryview(self.buf)[:end])  # one copy, not two
        self.pos = end
        return raw

    def _container_end(self, max_bytes: int, what: str) -> int:
        depth, in_string, i = 0, False, 0
        while True:
            m = (_INSIDE if in_string else _OUTSIDE).search(self.buf, i)
            if m is None or (in_string and m[0] == b"\\" and m.end() >= len(self.buf)):
                i = len(self.buf) if m is None else m.start()
                self._need_more(i, max_bytes, what)
                continue
            i = m.end()
            c = m[0]
            if in_string:
                if c == b"\\":
                    i += 1  # the escaped byte
                else:
                    in_string = False
                    if depth == 0:
                        return i
            elif c == b'"':
                in_string = True
            elif c in b"{[":
                depth += 1
            else:
                depth -= 1
                if depth == 0:
                    return i
            if i > max_bytes:
                raise self._too_large(max_bytes, what)

    def _scalar_end(self, max_bytes: int, what: str) -> int:
        while True:
            m = _SCALAR_END.search(self.buf, 1)
            if m is not None:
                return m.start()
            if self.eof or not self._more():
                return len(self.buf)
            if len(self.buf) > max_bytes:
                raise self._too_large(max_bytes, what)

    def _need_more(self, scanned: int, max_bytes: int, what: str) -> None:
        if scanned > max_bytes:
            raise self._too_large(max_bytes, what)
        if not self._more():
            raise self.error("it ends early")

    def _too_large(self, max_bytes: int, what: str) -> ImportFormatError:
        return ImportFormatError(self.where, f"holds an entry larger than {max_bytes // (1024 * 1024)} MiB "
                                 f"({what})")


def array_items(scanner: Scanner, max_bytes: int, what: str):
    """The raw bytes of each item of the array that comes next."""
    scanner.expect(b"[")
    if scanner.peek() == ord("]"):
        scanner.pos += 1
        return
    while True:
        yield scanner.value(max_bytes, what)
        nxt = scanner.peek()
        scanner.pos += 1
        if nxt == ord("]"):
            return
        if nxt != ord(","):
            raise scanner.error("expected ',' or ']' between the items of a list")
