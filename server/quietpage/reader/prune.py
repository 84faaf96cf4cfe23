"""Pre-pruning: remove obvious page chrome before readability scores the page.

Readability scores text density; menus, share bars and "related" lists are dense with short links
and sometimes win. Before scoring we remove what no article ever is:
  1. elements that never hold article text (scripts, forms' controls and their labels,
     navigation, embeds);
  2. what the reader cannot see (visibility.py: the rendered page's marks, else hidden,
     aria-hidden, display:none, class="hidden", screen-reader-only, pushed off-screen), and
     modal dialogs;
  3. landmarks that are chrome by role (navigation, banner, search...) and page-level
     <header>/<footer>/<aside> (a <header> holding the headline is the article's own);
  4. blocks whose class/id names them as chrome (share bars, cookie and consent banners,
     newsletters, ads, "related" / "recommended" / "most read" lists, comments, what the site
     leaves out of print - "noprint", a wiki's maintenance and navigation boxes), and cards
     that pop up over the text (tooltips, hover cards) - not the link in the text that opens one;
  5. small forms (search boxes, sign-ups): some sites wrap the whole page in one <form>;
  6. link lists under a heading that names them as more-to-read ("Related", "Most read"...).
A block that holds a large share of the page's text is never removed on its name alone
(wrappers like <div class="page has-sidebar">).
"""
from __future__ import annotations

import re

import lxml.etree

from .blocks import is_embed, paragraph_chars
from .dom import class_and_id, link_density
from .verbatim import protected
from .visibility import is_hidden, openable

NEVER_CONTENT_TAGS = frozenset(
    "script style noscript template link meta button input select textarea option dialog canvas "
    "nav object embed applet frame frameset iframe".split()
)
RAW_TEXT_TAGS = ("script", "style", "template")  # their text is not the page's
# Tags that are chrome unless they hold the article (then they are only unwrapped).
WRAPPING_TAGS = frozenset({"noscript", "nav"})
HOLDS_ARTICLE = 0.5  # of the page's paragraph text...
MIN_ARTICLE_CHARS = 200  # ...when it has some: a footer line is not an article
MIN_PANEL_CHARS = 40  # an accordion's panel says something (a menu toggle's target is links)

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
    sponsored sponsor outbrain taboola promo toolbar noprint ambox navbox navframe catlinks
    printfooter sistersitebox postprofile signature
    """.split()
)
# Comment sections: chrome too, but prose-heavy - a thread can hold most of a page's text, so
# neither its size nor its paragraphs save one; only holding the headline does (a wrapper).
COMMENT_WORDS = frozenset({"comments", "disqus"})
# class/id words of cards that pop up over the text on hover (a person's card with links to
# other stories). The link that opens one is often wrapped with it: that wrapper stays.
POPUP_WORDS = frozenset("tooltip popover hovercard rollover".split())
# Words that only mean chrome together: "most read", "you may also like", "more stories"...
CHROME_PHRASES = ("most-read", "mostread", "most_read", "also-like", "more-stories", "up-next",
                  "more-from", "popular-posts", "post-navigation", "no-print", "print-none", "hidden-print",
                  "print-hidden")
# Headings that introduce a list of other articles, not part of this one.
MORE_TO_READ = re.compile(
    r"^\W*(related|recommended|most (read|popular|viewed|shared)|more (from|on|in|stories|news)|"
    r"more\b.{0,25}\b(stories|news|articles|reads|coverage)|"
    r"(you|we think you) (may|might) (also )?(like|enjoy)|also read|read (more|next)|see more|"
    r"popular|trending|top stories|latest( news)?|editor'?s picks|don'?t miss|"
    r"lea tambi[eé]n|leia (tamb[eé]m|mais)|lesen sie auch|mehr zum thema|[àa] lire aussi|"
    r"leggi anche|weitere artikel)\b", re.I)
KEEP_SHARE = 0.2  # a named-chrome block holding more than this share of the page text stays
MAX_FORM_SHARE = 0.2  # a form holding more than this share of the text wraps the page: keep it
LINK_LIST_DENSITY = 0.5  # a "more to read" block is mostly links
CONTENT_TAGS = frozenset({"article", "main", "body", "html"})
# Classes that say what a post allows, not what a block is ("comments-open" on a WordPress
# post, "has-sidebar", "social-share-enabled"): not names of chrome.
_STATE_FLAGS = re.compile(r"\b(?:has|no|with|allow|show|hide)[-_](?:comments?|share|sharing|social|sidebar|ads?)\b|"
                          r"\b(?:comments?|share|sharing|social|ads?)[-_](?:open|closed|enabled|disabled|active|"
                          r"on|off|allowed)\b", re.I)
_SPLIT = re.compile(r"[\s_\-]+|(?<=[a-z])(?=[A-Z])")


def _name_kind(raw: str) -> str | None:
    """What a class/id string names: "comments" (COMMENT_WORDS), "chrome" (CHROME_WORDS,
    CHROME_PHRASES), "popup" (POPUP_WORDS) or None."""
    if len(raw) < 3:
        return None
    words = {w.lower() for w in _SPLIT.split(_STATE_FLAGS.sub(" ", raw))}
    if not COMMENT_WORDS.isdisjoint(words):
        return "comments"
    if not CHROME_WORDS.isdisjoint(words) or any(p in raw.lower() for p in CHROME_PHRASES):
        return "chrome"
    return "popup" if not POPUP_WORDS.isdisjoint(words) else None


def _wraps_its_trigger(el) -> bool:
    """<span class="rollover-people"><a class="rollover-people-link">Ilhan Omar</a><span
    class="rollover-block">...</span>: the name in the sentence (kept), then its card."""
    children = [c for c in el if isinstance(c.tag, str)]
    return bool(children) and children[0].tag == "a" and not (el.text or "").strip() and any(
        _name_kind(class_and_id(c)) == "popup" for c in children[1:])


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


class _Page:
    """What prune knows of the page while it walks it, each fact found once."""

    def __init__(self, root, marks: bool):
        self.text = max(len(root.text_content()) - sum(len(s.text_content()) for s in root.iter(*RAW_TEXT_TAGS)), 1)
        self.prose = max(paragraph_chars(root), 1)
        self.named: dict[str, str | None] = {}  # class/id string -> what it names
        self.beside: dict = {}  # block -> does it hold a form control
        self.keep = protected(root)
        self.marks, self.opens = marks, (set() if marks else openable(root))
        self.root, self.ids = root, None  # (element by id, looked up when a toggle asks)

    def toggles_a_panel(self, button) -> bool:
        """A control that opens a panel of text on the page (aria-expanded, aria-controls)."""
        if button.get("aria-expanded") is None or not button.text_content().strip():
            return False
        for ident in (button.get("aria-controls") or "").split():
            panel = self.by_id(ident)
            if panel is not None and len(panel.text_content().strip()) >= MIN_PANEL_CHARS:
                return True
        return False

    def by_id(self, ident: str):
        if self.ids is None:
            self.ids = {el.get("id"): el for el in self.root.iter() if isinstance(el.tag, str) and el.get("id")}
        return self.ids.get(ident)

    def holds_the_article(self, el) -> bool:
        """Most of the page's paragraph text is in `el`: never removed for its name or its
        tag (a share plugin's class on the post's wrapper, a theme's <aside> or <noscript>)."""
        return self.prose >= MIN_ARTICLE_CHARS and paragraph_chars(el) >= HOLDS_ARTICLE * self.prose

    def verdict(self, el) -> str | None:
        """"drop", "unwrap" (a wrapper that holds the article) or None (keep, look inside)."""
        tag, attrib = el.tag, el.attrib
        hidden = bool(attrib) and is_hidden(el, self.marks, self.opens)
        if el in self.keep:  # inside code or a table of data: only what is never shown goes
            return "drop" if tag in NEVER_CONTENT_TAGS or hidden else None
        if hidden or (attrib and ((attrib.get("role") or "").lower() in CHROME_ROLES
                                  or (attrib.get("aria-modal") == "true" and attrib.get("role") == "dialog"))):
            return "drop"
        if tag in WRAPPING_TAGS or (tag in CHROME_TAGS and _is_page_chrome_landmark(el)):
            return "unwrap" if self.holds_the_article(el) else "drop"
        if tag == "button" and self.toggles_a_panel(el):
            el.tag = "p"  # an accordion's toggle is its panel's heading: "Engine", then the panel
            return None
        if tag in NEVER_CONTENT_TAGS or (tag == "label" and _labels_a_control(el, self.beside)):
            return "drop"
        if tag in CHROME_TAGS:
            return None
        if tag == "form":
            return "drop" if len(el.text_content()) < MAX_FORM_SHARE * self.text else None
        if tag in CONTENT_TAGS or ("class" not in attrib and "id" not in attrib) or is_embed(el):
            return None
        raw = class_and_id(el)
        if raw not in self.named:  # pages repeat the same classes: judge each string once
            self.named[raw] = _name_kind(raw)
        kind = self.named[raw]
        if kind is None or (kind == "popup" and (tag == "a" or _wraps_its_trigger(el))):
            return None
        if kind == "comments":  # however long the thread; unless the block wraps the post itself
            return None if el.find(".//h1") is not None else "drop"
        if len(el.text_content()) >= KEEP_SHARE * self.text or self.holds_the_article(el):
            return None
        return "drop"


def prune(doc, marks: bool = False) -> int:
    """Remove chrome from the lxml document in place; return how many blocks were removed (a
    doomed block goes whole: nothing inside it is judged). `marks`: the page carries the
    rendered page's marks of what is hidden (visibility.py), which then alone say so."""
    body = doc.find(".//body")
    root = body if body is not None else doc
    page = _Page(root, marks)
    doomed, unwrapped = [], []
    walk = lxml.etree.iterwalk(root, events=("start",))
    for _, el in walk:
        if el is root or not isinstance(el.tag, str):
            continue
        verdict = page.verdict(el)
        if verdict == "drop":
            doomed.append(el)
            walk.skip_subtree()  # it goes whole: what is inside needs no verdict
        elif verdict == "unwrap":
            unwrapped.append(el)
    for el in doomed:
        el.drop_tree()
    for el in unwrapped:
        if el.getparent() is not None:
            el.drop_tag()
    densities: dict = {}
    more = [h.getparent() for h in root.iter("h2", "h3", "h4", "h5", "h6")
            if h not in page.keep and _is_more_to_read(h, densities)]
    for block in more:
        if block.getparent() is not None:
            block.drop_tree()
    return len(doomed) + len(more)
