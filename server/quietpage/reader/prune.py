"""Pre-pruning: remove obvious page chrome before readability scores the page.

Readability scores text density; menus, share bars and "related" lists are dense with short links
and sometimes win. Before scoring we remove what no article ever is:
  1. elements that never hold article text (scripts, forms' controls and their labels,
     navigation, embeds);
  2. what the reader cannot see (hidden, aria-hidden, display:none, class="hidden", pushed
     off-screen), and modal dialogs;
  3. landmarks that are chrome by role (navigation, banner, search...) and page-level
     <header>/<footer>/<aside> (a <header> holding the headline is the article's own);
  4. blocks whose class/id names them as chrome (share bars, cookie and consent banners,
     newsletters, ads, "related" / "recommended" / "most read" lists, comments), and cards
     that pop up over the text (tooltips, hover cards) - not the link in the text that opens one;
  5. small forms (search boxes, sign-ups): some sites wrap the whole page in one <form>;
  6. link lists under a heading that names them as more-to-read ("Related", "Most read"...).
A block that holds a large share of the page's text is never removed on its name alone
(wrappers like <div class="page has-sidebar">).
"""
from __future__ import annotations

import re

import lxml.etree

from .dom import class_and_id, link_density

NEVER_CONTENT_TAGS = frozenset(
    "script style noscript template link meta button input select textarea option dialog canvas "
    "nav object embed applet frame frameset iframe".split()
)
FORM_CONTROLS = frozenset({"input", "select", "textarea", "button"})
CHROME_TAGS = frozenset({"header", "footer", "aside"})
CHROME_ROLES = frozenset({"navigation", "banner", "contentinfo", "complementary", "dialog",
                          "alertdialog", "search", "menu", "menubar", "toolbar"})
# class/id words that name chrome, matched against whole words of the class/id (split on
# -, _, spaces and camelCase): "ad" matches "ad-slot" but not "header" or "read".
CHROME_WORDS = frozenset(
    """share sharing sharebar social socials cookie cookies consent gdpr newsletter newsletters
    subscribe subscription signup related recommend recommended recommendation recommendations
    ranking trending breadcrumb breadcrumbs advert advertisement advertising ad ads adslot adunit
    sponsored sponsor outbrain taboola disqus comments promo toolbar
    """.split()
)
# class/id words of cards that pop up over the text on hover (a person's card with links to
# other stories). The link that opens one is often wrapped with it: that wrapper stays.
POPUP_WORDS = frozenset("tooltip popover hovercard rollover".split())
# Words that only mean chrome together: "most read", "you may also like", "more stories"...
CHROME_PHRASES = ("most-read", "mostread", "most_read", "also-like", "more-stories", "up-next",
                  "more-from", "popular-posts", "post-navigation")
# Headings that introduce a list of other articles, not part of this one.
MORE_TO_READ = re.compile(
    r"^\W*(related|recommended|most (read|popular|viewed|shared)|more (from|on|in|stories|news)|"
    r"more\b.{0,25}\b(stories|news|articles|reads|coverage)|"
    r"(you|we think you) (may|might) (also )?(like|enjoy)|also read|read (more|next)|"
    r"popular|trending|top stories|latest( news)?|editor'?s picks|don'?t miss|"
    r"lea tambi[eé]n|leia (tamb[eé]m|mais)|lesen sie auch|mehr zum thema|[àa] lire aussi|"
    r"leggi anche|weitere artikel)\b", re.I)
KEEP_SHARE = 0.2  # a named-chrome block holding more than this share of the page text stays
MAX_FORM_SHARE = 0.2  # a form holding more than this share of the text wraps the page: keep it
LINK_LIST_DENSITY = 0.5  # a "more to read" block is mostly links
CONTENT_TAGS = frozenset({"article", "main", "body", "html"})
# hidden, or pushed off-screen (SEO link farms: "position:absolute; left:-9999px")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden|"
                           r"(?:left|top|text-indent)\s*:\s*-\d{4,}(?:\.\d+)?px", re.I)
# class names that hide an element outright (not "visually-hidden": text for screen readers)
HIDDEN_CLASSES = frozenset({"hidden", "hide", "is-hidden", "d-none", "u-hidden", "js-hidden",
                            "vjs-hidden", "element-hidden"})  # frameworks' display:none classes
_SPLIT = re.compile(r"[\s_\-]+|(?<=[a-z])(?=[A-Z])")


def _name_kind(raw: str) -> str | None:
    """What a class/id string names: "chrome" (CHROME_WORDS, CHROME_PHRASES), "popup"
    (POPUP_WORDS) or None."""
    if len(raw) < 3:
        return None
    words = {w.lower() for w in _SPLIT.split(raw)}
    if not CHROME_WORDS.isdisjoint(words) or any(p in raw.lower() for p in CHROME_PHRASES):
        return "chrome"
    return "popup" if not POPUP_WORDS.isdisjoint(words) else None


def _wraps_its_trigger(el) -> bool:
    """<span class="rollover-people"><a class="rollover-people-link">Ilhan Omar</a><span
    class="rollover-block">...</span>: the name in the sentence (kept), then its card."""
    children = [c for c in el if isinstance(c.tag, str)]
    return bool(children) and children[0].tag == "a" and not (el.text or "").strip() and any(
        _name_kind(class_and_id(c)) == "popup" for c in children[1:])


def is_hidden(el) -> bool:
    if el.get("hidden") is not None:
        return True
    if (el.get("aria-hidden") or "").lower() == "true" and "fallback-image" not in (el.get("class") or ""):
        return True
    if not HIDDEN_CLASSES.isdisjoint((el.get("class") or "").split()):
        return True
    style = el.get("style")
    return bool(style and _HIDDEN_STYLE.search(style))


def _is_page_chrome_landmark(el) -> bool:
    if el.tag == "header":
        return el.find(".//h1") is None and not any(a.tag in ("article", "main") for a in el.iterancestors())
    return True  # footer, aside


def _is_more_to_read(heading, densities: dict) -> bool:
    """A heading like "Related stories" over a list of links: the block is a list of others.
    (`densities`: each block's link density, measured once however many headings it holds.)"""
    if not MORE_TO_READ.match(heading.text_content().strip()[:60]):
        return False
    block = heading.getparent()
    if block is None or block.tag in CONTENT_TAGS:
        return False
    if block not in densities:
        densities[block] = link_density(block)
    return densities[block] > LINK_LIST_DENSITY


def _labels_a_control(label, beside: dict) -> bool:
    """A form control's label ("Font Size" beside its <select>): chrome once the control is gone.
    (`beside`: whether a block holds a control among its children, looked at once per block.)"""
    if label.get("for") or any(el.tag in FORM_CONTROLS for el in label.iter()):
        return True
    parent = label.getparent()
    if parent is None:
        return False
    if parent not in beside:
        beside[parent] = any(el.tag in FORM_CONTROLS for el in parent)
    return beside[parent]


def _doomed(el, total: int, named: dict, beside: dict) -> bool:
    tag, attrib = el.tag, el.attrib
    if tag in NEVER_CONTENT_TAGS or (tag == "label" and _labels_a_control(el, beside)):
        return True
    if attrib and (is_hidden(el) or (attrib.get("role") or "").lower() in CHROME_ROLES
                   or (attrib.get("aria-modal") == "true" and attrib.get("role") == "dialog")):
        return True
    if tag in CHROME_TAGS:
        return _is_page_chrome_landmark(el)
    if tag == "form":
        return len(el.text_content()) < MAX_FORM_SHARE * total
    if tag in CONTENT_TAGS or ("class" not in attrib and "id" not in attrib):
        return False
    raw = class_and_id(el)
    if raw not in named:  # pages repeat the same classes: judge each string once
        named[raw] = _name_kind(raw)
    kind = named[raw]
    if kind is None or (kind == "popup" and (tag == "a" or _wraps_its_trigger(el))):
        return False
    return len(el.text_content()) < KEEP_SHARE * total


def prune(doc) -> int:
    """Remove chrome from the lxml document in place; return how many blocks were removed (a
    doomed block goes whole: nothing inside it is judged)."""
    body = doc.find(".//body")
    root = body if body is not None else doc
    total = max(len(root.text_content()), 1)
    named: dict[str, str | None] = {}
    beside: dict = {}
    doomed = []
    walk = lxml.etree.iterwalk(root, events=("start",))
    for _, el in walk:
        if el is not root and isinstance(el.tag, str) and _doomed(el, total, named, beside):
            doomed.append(el)
            walk.skip_subtree()  # it goes whole: what is inside needs no verdict
    for el in doomed:
        el.drop_tree()
    densities: dict = {}
    more = [h.getparent() for h in root.iter("h2", "h3", "h4", "h5", "h6") if _is_more_to_read(h, densities)]
    for block in more:
        if block.getparent() is not None:
            block.drop_tree()
    return len(doomed) + len(more)
