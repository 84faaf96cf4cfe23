"""What every importer yields: plain data, checked, with where it came from for error messages."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

from ..clock import iso
from ..errors import Invalid
from ..settings import Settings
from ..urls import BadURL, check_url

MAX_TITLE_CHARS = 2000


@dataclass(frozen=True)
class ImportLimits:
    """What an import may hold and cost, from Settings: an import file comes from anywhere, so
    each of its records gets the API's limits, and reading it is bounded in memory and work."""

    max_url_chars: int = Settings.max_url_chars
    max_tags: int = Settings.max_tags
    max_tag_chars: int = Settings.max_tag_chars
    max_note_chars: int = Settings.max_note_chars
    max_quote_chars: int = Settings.max_quote_chars
    max_selectors: int = Settings.max_selectors
    max_highlights: int = Settings.max_highlights_per_article
    max_html_chars: int = Settings.max_html_chars
    max_html_depth: int = Settings.max_html_depth
    max_html_bytes: int = Settings.max_body_bytes  # one page's HTML file read from an import
    max_member_bytes: int = Settings.max_import_member_bytes
    max_entry_bytes: int = Settings.max_import_entry_bytes
    max_items: int = Settings.max_import_items
    max_expanded_bytes: int = Settings.max_import_expanded_bytes
    max_image_bytes: int = Settings.image_max_bytes  # one image of a backup
    max_image_pixels: int = Settings.image_max_pixels
    max_images: int = Settings.image_max_count  # image items of one article
    keep_local_urls: bool = Settings.fetch_allow_private  # links and images to private addresses

    @property
    def max_entry_values(self) -> int:
        """JSON values one entry may hold: its fields, tags, keywords and every highlight with
        its selectors (parsed, each costs 30-70 bytes of memory: see jsonstream)."""
        return 25_000 + self.max_tags * 8 + self.max_highlights * (12 + 6 * self.max_selectors)

    @classmethod
    def from_settings(cls, s: Settings) -> "ImportLimits":
        return cls(max_url_chars=s.max_url_chars, max_tags=s.max_tags, max_tag_chars=s.max_tag_chars,
                   max_note_chars=s.max_note_chars, max_quote_chars=s.max_quote_chars,
                   max_selectors=s.max_selectors, max_highlights=s.max_highlights_per_article,
                   max_html_chars=s.max_html_chars, max_html_depth=s.max_html_depth,
                   max_html_bytes=s.max_body_bytes, max_member_bytes=s.max_import_member_bytes,
                   max_entry_bytes=s.max_import_entry_bytes, max_items=s.max_import_items,
                   max_expanded_bytes=s.max_import_expanded_bytes, max_image_bytes=s.image_max_bytes,
                   max_image_pixels=s.image_max_pixels, max_images=s.image_max_count,
                   keep_local_urls=s.fetch_allow_private)


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


def checked_url(where: str, value, max_chars: int = Settings.max_url_chars) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ImportFormatError(where, "the URL is missing")
    if len(value) > max_chars:
        raise ImportFormatError(where, f"the URL is longer than {max_chars} characters (max_url_chars)")
    try:
        return check_url(value)
    except BadURL as exc:
        raise ImportFormatError(where, f"{value[:200]!r} is not usable ({exc})") from None


def clean_tags(names, limits: ImportLimits = ImportLimits()) -> tuple[str, ...]:
    """Tag names, whitespace collapsed, empty and repeated ones dropped, bounded."""
    out: dict[str, str] = {}
    for name in names:
        if isinstance(name, dict):
            name = name.get("name")
        if not isinstance(name, str):
            continue
        name = " ".join(name.split())[:limits.max_tag_chars]
        if name and any(ch.isalnum() for ch in name):
            out.setdefault(name.casefold(), name)
        if len(out) >= limits.max_tags:
            break
    return tuple(out.values())


def import_highlight(where: str, limits: ImportLimits, quote, note=None, color: str = "yellow",
                     created_at: str | None = None, prefix=None, suffix=None) -> ImportHighlight:
    """A highlight from another tool, with the API's limits on its quote, note and context."""
    values = {"quote": quote, "note": note or "", "prefix": prefix or "", "suffix": suffix or ""}
    caps = {"quote": limits.max_quote_chars, "note": limits.max_note_chars, "prefix": 1000, "suffix": 1000}
    for name, value in values.items():
        if not isinstance(value, str):
            raise ImportFormatError(where, f"its {name} must be text")
        if len(value) > caps[name]:
            raise ImportFormatError(where, f"its {name} is longer than {caps[name]} characters"
                                    + {"quote": " (max_quote_chars)", "note": " (max_note_chars)"}.get(name, ""))
    return ImportHighlight(quote=quote.strip(), note=values["note"], color=color, created_at=created_at,
                           prefix=values["prefix"], suffix=values["suffix"])


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

