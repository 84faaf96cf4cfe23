"""Pre-pruning: remove obvious page chrome before readability scores the page.

Readability scores text density; menus, share bars and "related" lists are dense with short links
and sometimes win. We remove, before scoring, what no article ever is: hidden nodes, navigation,
forms, and blocks whose class/id names them as chrome. A block that holds most of the page's text
is never removed on its name alone (wrappers like <div class="page has-sidebar">).
"""
from __future__ import annotations

import re

# Elements that are never article text.
# (Not <form>: some sites wrap the whole page in one.)
DROP_TAGS = frozenset(
    "script style noscript template link meta button input select textarea dialog canvas "
    "nav object embed applet".split()
)
# Elements that are page chrome when they are not inside the article itself.
CHROME_TAGS = frozenset({"header", "footer", "aside"})
CHROME_ROLES = frozenset({"navigation", "banner", "contentinfo", "complementary", "dialog",
                          "alertdialog", "search", "menu", "menubar", "toolbar"})
# class/id words that name chrome. Matched against whole words of the class/id (split on
# -, _, spaces and camelCase), so "ad" matches "ad-slot" but not "header" or "read".
CHROME_WORDS = frozenset(
    """share sharing social cookie cookies consent gdpr newsletter related recommend recommended
    recommendation recommendations ranking trending breadcrumb breadcrumbs advert advertisement
    advertising ad ads adslot adunit sponsored outbrain taboola disqus
    """.split()
)
# Phrases that only make sense together: "most read", "read more", "you may also like"...
CHROME_PHRASES = ("most-read", "mostread", "also-like", "more-stories", "up-next")
KEEP_SHARE = 0.2  # a named-chrome block holding more than this share of the page text stays
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_SPLIT = re.compile(r"[\s_\-]+|(?<=[a-z])(?=[A-Z])")
CONTENT_TAGS = frozenset({"article", "main", "body", "html"})


def _words(el) -> tuple[set[str], str]:
    raw = f"{el.get('class', '')} {el.get('id', '')}"
    return {w.lower() for w in _SPLIT.split(raw) if w}, raw.lower()


def is_named_chrome(el) -> bool:
    words, raw = _words(el)
    return bool(words & CHROME_WORDS) or any(p in raw for p in CHROME_PHRASES)


def is_hidden(el) -> bool:
    if el.get("hidden") is not None or (el.get("aria-hidden") or "").lower() == "true":
        return True
    style = el.get("style")
    return bool(style and _HIDDEN_STYLE.search(style))


def _inside_article(el) -> bool:
    return any(a.tag in ("article", "main") for a in el.iterancestors())


def _drop(el) -> None:
    if el.getparent() is not None:
        el.drop_tree()


def prune(doc) -> int:
    """Remove chrome from the lxml document in place; return how many nodes were removed."""
    body = doc.find(".//body")
    root = body if body is not None else doc
    total_text = max(len(root.text_content()), 1)
    doomed = []
    for el in root.iter():
        if not isinstance(el.tag, str) or el is root:
            continue
        tag = el.tag
        if tag in DROP_TAGS or is_hidden(el) or (el.get("role") or "").lower() in CHROME_ROLES:
            doomed.append(el)
        elif tag in CHROME_TAGS and not (tag == "header" and (_inside_article(el) or el.find(".//h1") is not None)):
            doomed.append(el)
        elif tag not in CONTENT_TAGS and is_named_chrome(el):
            if len(el.text_content()) < KEEP_SHARE * total_text:
                doomed.append(el)
    for el in doomed:  # an ancestor may be gone already; dropping inside a detached tree is harmless
        _drop(el)
    return len(doomed)
