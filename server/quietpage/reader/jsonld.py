"""JSON-LD (schema.org) in <script type="application/ld+json">: the publisher's own description
of the article, the most trusted metadata a page carries."""
from __future__ import annotations

import json
import re

# schema.org types that describe an article (Readability.js's list, as a whole-name match).
ARTICLE_TYPES = frozenset(
    "Article AdvertiserContentArticle NewsArticle AnalysisNewsArticle AskPublicNewsArticle "
    "BackgroundNewsArticle OpinionNewsArticle ReportageNewsArticle ReviewNewsArticle Report "
    "SatiricalArticle ScholarlyArticle MedicalScholarlyArticle SocialMediaPosting BlogPosting "
    "LiveBlogPosting DiscussionForumPosting TechArticle APIReference".split()
)
SITE_TYPES = frozenset({"WebSite", "Organization", "NewsMediaOrganization"})
MAX_DEPTH = 6  # @graph inside lists inside @graph...: deeper than this is not metadata
_CDATA = re.compile(r"^\s*<!\[CDATA\[|\]\]>\s*$")
_TRAILING_COMMA = re.compile(r",\s*([}\]])")
URLISH = re.compile(r"^(?:https?:)?//|^www\.|\.(?:com|org|net)/", re.I)
def _squash(value) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""


def _loads(raw: str):
    raw = _CDATA.sub("", raw).strip()
    if not raw:
        return None
    try:
        return json.loads(raw)
    except (ValueError, RecursionError):
        pass
    try:  # common publisher bugs: raw newlines inside strings, trailing commas
        return json.loads(_TRAILING_COMMA.sub(r"\1", raw.replace("\n", " ")))
    except (ValueError, RecursionError):
        return None


def jsonld_objects(doc) -> list[dict]:
    """Every JSON object in the page's ld+json scripts, in document order, @graph flattened."""
    found: list[dict] = []

    def visit(node, depth: int) -> None:
        if depth > MAX_DEPTH:
            return
        if isinstance(node, list):
            for item in node:
                visit(item, depth + 1)
        elif isinstance(node, dict):
            found.append(node)
            if "@graph" in node:
                visit(node["@graph"], depth + 1)

    for script in doc.iter("script"):
        if "ld+json" in (script.get("type") or "").lower():
            visit(_loads(script.text or ""), 0)
    return found


def types(obj: dict) -> set[str]:
    t = obj.get("@type")
    items = t if isinstance(t, list) else [t]
    return {str(x).rsplit("/", 1)[-1] for x in items if isinstance(x, str)}


def article_object(objects: list[dict]) -> dict:
    """The first object that describes an article (the page's own, before related ones)."""
    return next((o for o in objects if types(o) & ARTICLE_TYPES), {})


def names(value) -> list[str]:
    """Person / Organization names from a JSON-LD value: a string, an object, or a list."""
    items = value if isinstance(value, list) else [value]
    out = []
    for item in items:
        name = item.get("name") if isinstance(item, dict) else item
        if isinstance(name, list):
            name = name[0] if name else None
        name = _squash(name)
        if name and not URLISH.search(name):
            out.append(name)
    return out


def site_name(objects: list[dict]) -> str | None:
    for o in objects:
        if types(o) & SITE_TYPES and (found := names(o)):
            return found[0]
    return None


def image_url(value) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("url") or value.get("contentUrl")
    return _squash(value) or None


def text(obj: dict, key: str) -> str | None:
    return _squash(obj.get(key)) or None
