"""What every importer yields: plain data, checked, with where it came from for error messages."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

from ..errors import Invalid
from ..settings import Settings
from ..urls import BadURL, check_url

MAX_TITLE_CHARS = 2000
MAX_TAGS = Settings.max_tags  # an import brings at most what a save may hold (the defaults)
MAX_TAG_CHARS = Settings.max_tag_chars


class ImportFormatError(Invalid):
    """The file is not what it claims to be, or one entry in it is wrong. Nothing was imported."""

    code = "invalid_import"

    def __init__(self, where: str, problem: str):
        super().__init__(f"{where}: {problem}. Nothing was imported.")
        self.where = where


@dataclass(frozen=True)
class ImportHighlight:
    quote: str
    note: str = ""
    color: str = "yellow"
    created_at: str | None = None
    prefix: str = ""
    suffix: str = ""


@dataclass(frozen=True)
class ImportItem:
    """One saved page from another tool. `html` is its content when the source had it (run
    through the reader); without it the article is stored as `needs_fetch`."""

    where: str  # "line 12", "metadata_0_to_20.json, entry 3": for messages
    url: str
    title: str = ""
    tags: tuple[str, ...] = ()
    state: str = "unread"
    favorite: bool = False
    progress: float = 0.0
    saved_at: str | None = None
    published: str | None = None
    byline: str | None = None
    excerpt: str | None = None
    lead_image: str | None = None
    html: str | None = None
    highlights: tuple[ImportHighlight, ...] = field(default_factory=tuple)
    source: str = ""


def checked_url(where: str, value) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ImportFormatError(where, "the URL is missing")
    try:
        return check_url(value)
    except BadURL as exc:
        raise ImportFormatError(where, f"{value[:200]!r} is not usable ({exc})") from None


def clean_tags(names) -> tuple[str, ...]:
    """Tag names, whitespace collapsed, empty and repeated ones dropped, bounded."""
    out: dict[str, str] = {}
    for name in names:
        if isinstance(name, dict):
            name = name.get("name")
        if not isinstance(name, str):
            continue
        name = " ".join(name.split())[:MAX_TAG_CHARS]
        if name and any(ch.isalnum() for ch in name):
            out.setdefault(name.casefold(), name)
    return tuple(out.values())[:MAX_TAGS]


def clean_title(value) -> str:
    return " ".join(value.split())[:MAX_TITLE_CHARS] if isinstance(value, str) else ""


def iso_from_epoch(where: str, value) -> str | None:
    """Unix seconds (as text or a number) -> our ISO form; '' or 0 -> None."""
    if value in (None, "", 0, "0"):
        return None
    try:
        seconds = float(value)
        moment = datetime.fromtimestamp(seconds, tz=timezone.utc)
    except (TypeError, ValueError, OverflowError, OSError):
        raise ImportFormatError(where, f"the time {str(value)[:40]!r} is not a Unix timestamp") from None
    return iso(moment)


def iso_from_text(where: str, value) -> str | None:
    """An ISO 8601 date/time (any offset) -> our ISO form (UTC, milliseconds); None if absent."""
    if value in (None, ""):
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):  # epoch, in ms or s
        return iso_from_epoch(where, value / 1000 if value > 1e11 else value)
    if not isinstance(value, str):
        raise ImportFormatError(where, f"the date {value!r} is not text")
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ImportFormatError(where, f"the date {value[:40]!r} is not an ISO 8601 date") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return iso(moment)


def iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
