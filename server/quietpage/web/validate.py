"""Checking request fields. Every failure is an `Invalid` (422) naming the field and what to send."""
from __future__ import annotations

import math

from ..errors import Invalid, type_name
from ..tags import normalize
from ..urls import BadURL, check_url

_MISSING = object()


def obj(value, what: str = "the request body") -> dict:
    if not isinstance(value, dict):
        raise Invalid(f"{what} must be a JSON object.", code="invalid_body")
    return value


def only(body: dict, allowed: set[str]) -> None:
    unknown = sorted(set(body) - allowed)
    if unknown:
        raise Invalid(f"Unknown field(s): {', '.join(unknown)}. Allowed: {', '.join(sorted(allowed))}.",
                      code="unknown_field")


def required(body: dict, name: str):
    value = body.get(name, _MISSING)
    if value is _MISSING or value is None:
        raise Invalid(f"The field '{name}' is required.", code="missing_field")
    return value


def string(body: dict, name: str, *, max_chars: int, required_: bool = True, allow_empty: bool = False,
           default: str | None = None) -> str | None:
    value = body.get(name, _MISSING)
    if value is _MISSING or value is None:
        if required_:
            raise Invalid(f"The field '{name}' is required.", code="missing_field")
        return default
    if not isinstance(value, str):
        raise Invalid(f"The field '{name}' must be a string, not {type_name(value)}.")
    if not allow_empty and not value.strip():
        raise Invalid(f"The field '{name}' must not be empty.", code="empty_field")
    if len(value) > max_chars:
        raise Invalid(f"The field '{name}' is too long ({len(value)} characters; at most {max_chars}).",
                      code="too_long")
    return value


def boolean(body: dict, name: str) -> bool:
    value = body[name]
    if not isinstance(value, bool):
        raise Invalid(f"The field '{name}' must be true or false, not {type_name(value)}.")
    return value


def number(body: dict, name: str, *, lo: float, hi: float) -> float:
    value = body[name]
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise Invalid(f"The field '{name}' must be a number, not {type_name(value)}.")
    if not lo <= value <= hi:
        raise Invalid(f"The field '{name}' must be between {lo} and {hi}.", code="out_of_range")
    return float(value)


def choice(body: dict, name: str, options: tuple[str, ...]) -> str:
    value = body[name]
    if value not in options:
        raise Invalid(f"The field '{name}' must be one of: {', '.join(options)}.")
    return value


def choice_param(raw: str | None, name: str, options, *, default: str | None) -> str | None:
    """A query parameter that takes one of `options` (`default` when absent)."""
    if raw is None:
        return default
    if raw not in options:
        raise Invalid(f"The parameter '{name}' must be one of: {', '.join(options)}.")
    return raw


def page_url(value: str, what: str, *, max_chars: int) -> str:
    """A web page's address (`what`: "The field 'url'", "The parameter 'url'"), normalised."""
    if len(value) > max_chars:
        raise Invalid(f"{what} is too long (at most {max_chars} characters).", code="too_long")
    try:
        return check_url(value)
    except BadURL as exc:
        raise Invalid(f"{what} is not usable: {exc}.", code="invalid_url") from None


def tag_name(value, what: str, *, max_chars: int) -> str:
    """A tag name as clients send it (`what`: "The field 'to'", "A tag"): whitespace collapsed."""
    if not isinstance(value, str):
        raise Invalid(f"{what} must be a string, not {type_name(value)}.")
    name = " ".join(value.split())
    if not name:
        raise Invalid(f"{what} must not be empty.", code="empty_field")
    if len(name) > max_chars:
        raise Invalid(f"{what} is too long ({len(name)} characters; at most {max_chars}).", code="too_long")
    if not normalize(name):
        raise Invalid(f"The tag {name!r} has no letters or digits in it.", code="invalid_tag")
    return name


def int_param(raw: str | None, name: str, *, default: int, lo: int, hi: int) -> int:
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise Invalid(f"The parameter '{name}' must be a whole number.") from None
    if not lo <= value <= hi:
        raise Invalid(f"The parameter '{name}' must be between {lo} and {hi}.", code="out_of_range")
    return value
