"""The one error type. Cores raise it (or a subclass); the HTTP edge renders it as
`{"error": {"code": ..., "message": ...}}` with its status. Codes are stable strings clients may
switch on; messages are for people and say what to do."""
from __future__ import annotations


class QuietPageError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, code: str | None = None, status: int | None = None,
                 headers: dict[str, str] | None = None):
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status
        self.headers = dict(headers or {})  # e.g. Retry-After on a 503

    def __reduce__(self):  # keeps code, status and headers across a worker process boundary
        return _rebuild, (type(self), self.message, self.code, self.status, self.headers)

    def to_json(self) -> dict:
        return {"error": {"code": self.code, "message": self.message}}


def _rebuild(cls, message, code, status, headers):
    error = cls.__new__(cls)
    QuietPageError.__init__(error, message, code=code, status=status, headers=headers)
    return error


class InvalidJSON(QuietPageError):
    status, code = 400, "invalid_json"


class Unauthorized(QuietPageError):
    status, code = 401, "unauthorized"


class Forbidden(QuietPageError):
    status, code = 403, "forbidden"


class NotFound(QuietPageError):
    status, code = 404, "not_found"


class TooLarge(QuietPageError):
    status, code = 413, "payload_too_large"


class UnsupportedMediaType(QuietPageError):
    status, code = 415, "unsupported_media_type"


class Invalid(QuietPageError):
    """The request was well-formed JSON but a field is missing or wrong (422)."""

    status, code = 422, "invalid_field"


class ExtractionError(QuietPageError):
    """The reader could not turn the page into an article (empty, binary, unparseable...)."""

    status, code = 422, "extraction_failed"


class TooSlow(ExtractionError):
    """Reading the page took longer than extract_time_limit_s: its worker was stopped."""

    status, code = 422, "too_slow"


class NoContent(ExtractionError):
    """The page had no readable article in it."""

    status, code = 422, "no_content"


class BodyMissing(QuietPageError):
    """An article's saved page (a file under articles/<id>/) is gone ("body_missing") or cannot
    be read back whole ("body_damaged"). Its record is kept and says so: the article's state,
    not the request, is the trouble (409)."""

    status, code = 409, "body_missing"


class TooManyAttempts(QuietPageError):
    """Too many wrong guesses at a secret (a pairing code): it is thrown away."""

    status, code = 429, "too_many_attempts"


class Unavailable(QuietPageError):
    status, code = 503, "unavailable"


class CorruptData(QuietPageError):
    """Stored data cannot be read; never overwrite it, tell the user what to do."""

    status, code = 500, "corrupt_data"


class StorageError(QuietPageError):
    """The data folder could not be written (or read): the disk's trouble, not the request's.
    store/files.py `storage_error` turns an OSError into the right one, with a sentence."""

    status, code = 500, "storage_error"


class DiskFull(StorageError):
    """No space (or no room for a new file) left on the disk of the data folder."""

    status, code = 507, "disk_full"


def type_name(value) -> str:
    """What a JSON value is, in the words an error message uses ("an object", "a string")."""
    return {dict: "an object", list: "an array", str: "a string", bool: "a boolean",
            int: "a number", float: "a number", type(None): "null"}.get(type(value), type(value).__name__)
