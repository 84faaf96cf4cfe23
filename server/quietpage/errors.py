"""The one error type. Cores raise it (or a subclass); the HTTP edge renders it as
`{"error": {"code": ..., "message": ...}}` with its status. Codes are stable strings clients may
switch on; messages are for people and say what to do."""
from __future__ import annotations


class QuietPageError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, code: str | None = None, status: int | None = None):
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status

    def to_json(self) -> dict:
        return {"error": {"code": self.code, "message": self.message}}


class BadRequest(QuietPageError):
    status, code = 400, "bad_request"


class InvalidJSON(QuietPageError):
    status, code = 400, "invalid_json"


class Unauthorized(QuietPageError):
    status, code = 401, "unauthorized"


class Forbidden(QuietPageError):
    status, code = 403, "forbidden"


class NotFound(QuietPageError):
    status, code = 404, "not_found"


class Conflict(QuietPageError):
    status, code = 409, "conflict"


class TooLarge(QuietPageError):
    status, code = 413, "payload_too_large"


class UnsupportedMediaType(QuietPageError):
    status, code = 415, "unsupported_media_type"


class Invalid(QuietPageError):
    """The request was well-formed JSON but a field is missing or wrong (422)."""

    status, code = 422, "invalid_field"


class NoContent(QuietPageError):
    """The page had no readable article in it."""

    status, code = 422, "no_content"


class Unavailable(QuietPageError):
    status, code = 503, "unavailable"


class CorruptData(QuietPageError):
    """Stored data cannot be read; never overwrite it, tell the user what to do."""

    status, code = 500, "corrupt_data"
