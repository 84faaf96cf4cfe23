"""What the library's indexes read of an article record: its tags (all, those the user chose,
those an old save applied unasked) and its site - each value of the wrong type skipped, as a
damaged or doctored record may hold."""
from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import urlsplit


def tag_names_of(record: dict) -> list[str]:
    """The names of a record's tags (what is not a {name: str} tag is skipped)."""
    tags = record.get("tags")
    return [t["name"] for t in tags if isinstance(t, dict) and isinstance(t.get("name"), str)] \
        if isinstance(tags, list) else []


def chosen_tag_names(record: dict) -> list[str]:
    """The tags of a record that the user chose: all of them once the user has set its tags
    (`tags_edited`), else those the user typed or named ("user")."""
    if record.get("tags_edited"):
        return tag_names_of(record)
    tags = record.get("tags")
    return [t["name"] for t in tags if isinstance(t, dict) and isinstance(t.get("name"), str)
            and t.get("source") == "user"] if isinstance(tags, list) else []


def untouched_tags(record: dict, key: Callable[[str], str]) -> list[str]:
    """The tags an old save applied by itself that the user never touched: on an article whose
    tags the user never set, every tag but those the user typed or named and those that
    "apply my own tags automatically" applied (`auto_tags`)."""
    if record.get("tags_edited"):
        return []
    auto = {key(n) for n in record.get("auto_tags") or () if isinstance(n, str)}
    tags = record.get("tags")
    return [t["name"] for t in tags if isinstance(t, dict) and isinstance(t.get("name"), str)
            and t.get("source") != "user" and key(t["name"]) not in auto] if isinstance(tags, list) else []


# "scheme://host[:port]" and then a path, query, fragment or nothing: an address without user
# names, brackets or other letters, whose host is plain (anything else: urlsplit)
_PLAIN_HOST = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*://([a-zA-Z0-9.-]+)(?::[0-9]*)?(?=[/?#]|\Z)")


def site_of(url) -> str:
    """The site a page belongs to, for its keyword habits: its host without "www."."""
    plain = _PLAIN_HOST.match(url) if isinstance(url, str) else None
    if plain:
        return plain.group(1).lower().removeprefix("www.")
    try:
        host = urlsplit(url if isinstance(url, str) else "").hostname or ""
    except ValueError:
        return ""
    return host.removeprefix("www.")
