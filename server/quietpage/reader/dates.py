"""Dates as pages write them -> ISO 8601 ("2025-04-09" or "2025-04-09T19:10:08+00:00")."""
from __future__ import annotations

import re
from datetime import date, datetime
from email.utils import parsedate_to_datetime

MONTHS = {
    name: i + 1
    for i, names in enumerate(
        [
            "january jan", "february feb", "march mar", "april apr", "may", "june jun",
            "july jul", "august aug", "september sep sept", "october oct", "november nov",
            "december dec",
        ]
    )
    for name in names.split()
}
_ISO_DATE = re.compile(r"(?<!\d)(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T\s]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?")
_MONTH_FIRST = re.compile(r"\b([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b")
_DAY_FIRST = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\.?\s+([A-Za-z]{3,9})\.?,?\s+(\d{4})\b")
# Years a published article can plausibly carry.
MIN_YEAR, MAX_YEAR = 1990, 2100
DATE_HINT = re.compile(r"date|time|publish|posted|byline|meta|dateline", re.I)


def _valid(y: int, mo: int, d: int) -> bool:
    try:
        date(y, mo, d)
    except ValueError:
        return False
    return MIN_YEAR <= y <= MAX_YEAR


def parse_date(value: str | None) -> str | None:
    if not value or not isinstance(value, str):
        return None
    value = value.strip()
    if not value or len(value) > 200:
        return None
    try:  # full ISO 8601, including "Z" (Python 3.11)
        dt = datetime.fromisoformat(value)
        if _valid(dt.year, dt.month, dt.day):
            return _iso(dt, has_time=("T" in value or " " in value.strip()))
    except ValueError:
        pass
    try:  # RFC 2822: "Tue, 09 Apr 2025 19:10:08 GMT"
        dt = parsedate_to_datetime(value)
        if dt and _valid(dt.year, dt.month, dt.day):
            return _iso(dt, has_time=True)
    except (TypeError, ValueError, IndexError):
        pass
    return _search_date(value)


def _search_date(text: str) -> str | None:
    m = _ISO_DATE.search(text)
    if m:
        y, mo, d = int(m[1]), int(m[2]), int(m[3])
        if _valid(y, mo, d):
            if m[4]:
                h, mi, s = int(m[4]), int(m[5]), int(m[6] or 0)
                if h < 24 and mi < 60 and s < 60:
                    return datetime(y, mo, d, h, mi, s).isoformat()
            return date(y, mo, d).isoformat()
    for rx, order in ((_MONTH_FIRST, "mdy"), (_DAY_FIRST, "dmy")):
        for m in rx.finditer(text):
            parts = dict(zip(order, m.groups()))
            month = MONTHS.get(parts["m"].lower())
            if month and _valid(int(parts["y"]), month, int(parts["d"])):
                return date(int(parts["y"]), month, int(parts["d"])).isoformat()
    return None


def _iso(dt: datetime, has_time: bool) -> str:
    if not has_time and dt.hour == dt.minute == dt.second == 0 and dt.tzinfo is None:
        return dt.date().isoformat()
    return dt.replace(microsecond=0).isoformat()


def find_visible_date(doc) -> str | None:
    """A date printed near the top of the article, in an element whose class/id says date."""
    for el in doc.iter():
        if not isinstance(el.tag, str) or el.tag in ("script", "style", "head", "title"):
            continue
        hint = f"{el.get('class', '')} {el.get('id', '')} {el.get('itemprop', '')}"
        if not DATE_HINT.search(hint):
            continue
        text = el.text_content()
        if len(text) > 200:
            continue
        if iso := _search_date(text):
            return iso
    return None
