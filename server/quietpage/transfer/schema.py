"""What an article or highlight record read from a backup may hold: each one is rebuilt field by
field from the allow-lists below, every value checked (type, range, ISO date, known state and
colour, tag and selector shapes, the API's limits), before anything is written. A backup is a
file from anywhere: one doctored value (`"reading_minutes": "5"`, `"deleted_at": 1`) would
otherwise sit in the library and break its indexes, its trash or every start.

Fields not listed are dropped. A new field of a record must be added here, or a backup restore
loses it (test_export's lossless round trip says so). Pure: raises ImportFormatError naming the
entry and the field.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from datetime import timezone

from ..clock import iso, parse_iso
from ..errors import type_name as _kind
from ..library import COLORS, STATES
from ..selectors import SelectorProblem, checked as checked_selectors
from .items import ImportFormatError, ImportLimits, checked_url

HIGHLIGHT_STATUSES = ("anchored", "orphan")
ID_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
MAX_ID_CHARS = 64
MAX_TEXT_CHARS = 100_000  # a title, byline, excerpt...: generous, but a record stays a record
MAX_LIST_ITEMS = 10_000  # keywords
MAX_COUNT = 10**9  # word counts, minutes, text positions
_ABSENT = object()


class _Bad(Exception):
    """A field's problem, before the entry is named."""


# ---------------------------------------------------------------------- value checks
def text(limit: int = MAX_TEXT_CHARS, *, empty: bool = True) -> Callable:
    def check(value):
        if not isinstance(value, str):
            raise _Bad(f"must be a string, not {_kind(value)}")
        if not empty and not value.strip():
            raise _Bad("must not be empty")
        if len(value) > limit:
            raise _Bad(f"is too long ({len(value)} characters; at most {limit})")
        return value
    return check


def optional(check: Callable) -> Callable:
    return lambda value: None if value is None else check(value)


def whole(lo: int = 0, hi: int = MAX_COUNT) -> Callable:
    def check(value):
        if isinstance(value, bool) or not isinstance(value, int):
            raise _Bad(f"must be a whole number, not {_kind(value)}")
        if not lo <= value <= hi:
            raise _Bad(f"must be between {lo} and {hi}")
        return value
    return check


def fraction(value):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise _Bad(f"must be a number, not {_kind(value)}")
    if not 0 <= value <= 1:
        raise _Bad("must be between 0 and 1")
    return float(value)


def score(value):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise _Bad(f"must be a number, not {_kind(value)}")
    return value


def flag(value):
    if not isinstance(value, bool):
        raise _Bad(f"must be true or false, not {_kind(value)}")
    return value


def one_of(options: tuple[str, ...]) -> Callable:
    def check(value):
        if value not in options:
            raise _Bad(f"must be one of {', '.join(options)}")
        return value
    return check


def moment(value):
    """An ISO 8601 date-time -> our stored form (UTC, milliseconds: sortable as text)."""
    parsed = _parsed_date(value)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return iso(parsed)


def date_text(value):
    """An ISO 8601 date or date-time, kept as written (a page's published date)."""
    _parsed_date(value)
    return value


def _parsed_date(value):
    if not isinstance(value, str) or len(value) > 64:
        raise _Bad(f"must be an ISO 8601 date string, not {_kind(value)}")
    try:
        return parse_iso(value.strip())
    except ValueError:
        raise _Bad(f"must be an ISO 8601 date, not {value[:40]!r}") from None


def record_id(value):
    if not isinstance(value, str) or not 0 < len(value) <= MAX_ID_CHARS or not set(value) <= ID_CHARS:
        raise _Bad(f"must be an id of at most {MAX_ID_CHARS} letters, digits, '-' or '_'")
    return value


def read_error(value):
    """Why an article's page is not read (library/recovery.py): {code, message, at}."""
    if not isinstance(value, dict):
        raise _Bad(f"must be an object, not {_kind(value)}")
    return {"code": one_of(("too_slow", "body_missing", "body_damaged"))(value.get("code")),
            "message": text(2000)(value.get("message", "")), "at": moment(value.get("at"))}


def strings(value):
    if not isinstance(value, list) or len(value) > MAX_LIST_ITEMS:
        raise _Bad(f"must be a list of at most {MAX_LIST_ITEMS} strings")
    return [text(1000)(v) for v in value]


def tag_list(limits: ImportLimits) -> Callable:
    name = text(limits.max_tag_chars, empty=False)

    def check(value):
        if not isinstance(value, list) or len(value) > limits.max_tags:
            raise _Bad(f"must be a list of at most {limits.max_tags} tags")
        out = []
        for t in value:
            if not isinstance(t, dict):
                raise _Bad("must hold {name, source, score} objects")
            out.append({"name": name(t.get("name")), "source": text(40)(t.get("source", "yours")),
                        "score": score(t.get("score", 1.0))})
        return out
    return check


def selectors(limits: ImportLimits) -> Callable:
    """The API's selector rules (../selectors.py), plus: a quote is kept."""
    def check(value):
        try:
            return checked_selectors(value, max_quote=limits.max_quote_chars, max_selectors=limits.max_selectors,
                                     need_quote=True)
        except SelectorProblem as exc:
            raise _Bad(exc.problem) from None
    return check


# ---------------------------------------------------------------------- records
def article_fields(limits: ImportLimits) -> dict[str, tuple[Callable, object]]:
    """field -> (check, default when absent; _ABSENT: left out)."""
    url = optional(text(limits.max_url_chars))
    tags = tag_list(limits)
    return {
        "id": (record_id, _ABSENT), "url": (lambda v: v, _ABSENT),  # url: checked_url, below
        "title": (optional(text()), None), "byline": (optional(text()), None),
        "site_name": (optional(text()), None), "published": (optional(date_text), None),
        "lang": (optional(text(100)), None), "direction": (optional(one_of(("rtl", "ltr"))), None),
        "excerpt": (optional(text()), None), "lead_image": (url, None),
        "word_count": (whole(), 0), "reading_minutes": (whole(), 0), "keywords": (strings, []),
        "state": (one_of(STATES), "unread"), "favorite": (flag, False), "progress": (fraction, 0.0),
        "tags": (tags, []), "suggested_tags": (tags, []), "tags_edited": (flag, False),
        "auto_tags": (strings, _ABSENT),  # the tags "apply my own tags automatically" applied (library)
        "created_at": (moment, _ABSENT), "updated_at": (moment, _ABSENT), "deleted_at": (optional(moment), None),
        "added_at": (optional(moment), _ABSENT), "readerable": (optional(flag), _ABSENT),
        "imported_from": (optional(text(40)), _ABSENT), "needs_fetch": (flag, _ABSENT),
        "fetch_error": (optional(text(2000)), _ABSENT), "fetch_attempted_at": (optional(moment), _ABSENT),
        "read_error": (optional(read_error), _ABSENT),
    }


def highlight_fields(limits: ImportLimits) -> dict[str, tuple[Callable, object]]:
    return {
        "id": (record_id, _ABSENT), "selectors": (selectors(limits), _ABSENT),
        "color": (one_of(COLORS), "yellow"), "note": (text(limits.max_note_chars), ""),
        "status": (one_of(HIGHLIGHT_STATUSES), "anchored"),
        "created_at": (moment, _ABSENT), "updated_at": (moment, _ABSENT),
    }


def article(where: str, value, limits: ImportLimits) -> dict:
    if not isinstance(value, dict):
        raise ImportFormatError(where, "an article entry must be an object with an 'article' record")
    record = _rebuild(where, "the article's", value, article_fields(limits))
    record["url"] = checked_url(where, value.get("url"), max_chars=limits.max_url_chars)
    if "created_at" not in record:
        raise ImportFormatError(where, "the article's 'created_at' must be a date string")
    record.setdefault("updated_at", record["created_at"])
    return record


def highlight(where: str, value, limits: ImportLimits) -> dict:
    if not isinstance(value, dict):
        raise ImportFormatError(where, "must be an object")
    record = _rebuild(where, "its", value, highlight_fields(limits))
    for name in ("selectors", "created_at"):
        if name not in record:
            raise ImportFormatError(where, f"its '{name}' is missing")
    record.setdefault("updated_at", record["created_at"])
    return record


def _rebuild(where: str, whose: str, value: dict, fields: dict[str, tuple[Callable, object]]) -> dict:
    out = {}
    for name, (check, default) in fields.items():
        raw = value.get(name, _ABSENT)
        if raw is _ABSENT:
            if default is not _ABSENT:
                out[name] = list(default) if isinstance(default, list) else default
            continue
        try:
            out[name] = check(raw)
        except _Bad as exc:
            raise ImportFormatError(where, f"{whose} '{name}' {exc}") from None
    return out


