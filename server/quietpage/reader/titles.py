"""The headline, without the site name and SEO segments glued around it.

Titles arrive as "Spam Phrase|The Headline -Site Name" or "The Headline | Section | Site". We split
on separators, drop segments that name the site (og:site_name, the domain), and keep the segment
that the page's own headings agree with, else the most substantial one. The dropped segments are
returned too: a phrase that a site glues around its titles is the first suspect when the same
phrase turns up glued into the body text (see spam.py).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

# " | ", "|", " - ", " – ", " — ", " · ", " :: ", " » ", " / ": a separator between title segments.
# A bare hyphen only separates when a space stands on at least one side ("Iran-Russia" stays).
_SEPARATOR = re.compile(r"\s*[|·•»«]\s*|\s+[-–—]\s*|\s*[–—]\s+|(?<=\S)-\s+|\s+::\s+|\s+/\s+")
_NON_ALNUM = re.compile(r"[\W_]+")
MIN_HEADLINE_WORDS = 3  # a segment shorter than this is a section or site name, not a headline


@dataclass(frozen=True)
class TitleResult:
    title: str
    junk: tuple[str, ...]  # dropped segments other than the site name


def _key(text: str) -> str:
    return _NON_ALNUM.sub("", text.lower())


def _domain_keys(url: str | None) -> set[str]:
    if not url:
        return set()
    host = (urlsplit(url).hostname or "").lower()
    labels = [p for p in host.split(".") if p not in ("www", "m", "amp")]
    keys = {_key(label) for label in labels[:-1]} if len(labels) > 1 else set()
    keys.add(_key(host))
    return {k for k in keys if len(k) >= 3}


def _is_site_name(segment: str, site_keys: set[str]) -> bool:
    k = _key(segment)
    return bool(k) and any(k == s or (len(s) >= 5 and (k.startswith(s) or s.startswith(k))) for s in site_keys)


def split_segments(title: str) -> list[str]:
    return [s.strip() for s in _SEPARATOR.split(title) if s and s.strip()]


def clean_title(candidates: list[str], site_name: str | None, url: str | None,
                headings: list[str]) -> TitleResult:
    """Pick and clean the title. `candidates` are most-trusted first; `headings` are the page's
    <h1>s (then <h2>s), used to confirm which segment is the headline."""
    if not candidates:
        return TitleResult("", ())
    site_keys = _domain_keys(url)
    if site_name:
        site_keys.add(_key(site_name))
    heading_keys = [_key(part) for h in headings if h for part in [h, *split_segments(h)]]

    best_title, best_junk, best_rank = None, (), None
    for order, raw in enumerate(candidates):
        segments = split_segments(raw)
        if len(segments) <= 1:
            title, junk = raw.strip(), ()
        else:
            keep = [s for s in segments if not _is_site_name(s, site_keys)] or segments
            confirmed = [s for s in keep if _key(s) and any(_key(s) == h for h in heading_keys)]
            pool = confirmed or keep
            title = max(pool, key=lambda s: (len(s.split()) >= MIN_HEADLINE_WORDS, len(s)))
            if len(title.split()) < MIN_HEADLINE_WORDS and len(keep) > 1:
                title = " - ".join(keep)  # nothing headline-like: better the whole than a stub
            junk = tuple(s for s in keep if s != title and s not in title)
        # Prefer a candidate a heading confirms; then trust order.
        confirmed_by_heading = any(_key(title) == h for h in heading_keys)
        rank = (not confirmed_by_heading, order)
        if best_rank is None or rank < best_rank:
            best_title, best_junk, best_rank = title, junk, rank
        if confirmed_by_heading:
            break
    # Junk seen in any candidate (e.g. the <title>'s SEO prefix) is still junk.
    junk = set(best_junk)
    for raw in candidates:
        for s in split_segments(raw):
            if s != best_title and s not in best_title and not _is_site_name(s, site_keys) \
                    and best_title not in s:
                junk.add(s)
    return TitleResult(best_title or candidates[0], tuple(sorted(junk)))
