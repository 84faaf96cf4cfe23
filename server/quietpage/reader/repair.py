"""Repairs to the chosen article: what readability keeps that belongs to the page, not the story.

Each rule recognises one kind of leftover and removes only that (none looks inside code or
tables of data: verbatim.py):
  0. residue of the page's furniture: permalinks, edit links, code gutters, picture labels
     (residue.py); first-rank headings in the body become second-rank;
  1. the headline repeated at the top (the reader shows the title itself);
  2. the byline and date lines (they are metadata, shown apart);
  3. captions that repeat an earlier block word for word (galleries print each caption twice);
  4. boilerplate addressed to the reader: "Read more", teaser links, calls to action, tag lines,
     comment residue, share bars, page controls (boilerplate.py);
  5. headings left over an emptied section (residue.py), and containers left empty by the above.
"""
from __future__ import annotations

import re

from .boilerplate import strip_boilerplate
from .byline import BYLINE_HINT
from .dom import class_and_id, drop as _drop, ink, squash, text_of as _text
from .residue import demote_h1s, drop_orphan_headings, strip_residue
from .titles import SIMILAR, similarity
from .verbatim import protected

BLOCKS = ("p", "div", "section", "figcaption", "li", "h1", "h2", "h3", "h4", "h5", "h6",
          "blockquote", "span", "time", "address", "header", "dd", "dt")
BYLINE_CLASS = re.compile(BYLINE_HINT.pattern + r"|timestamp|publish|posted|signature|"
                          r"(?:^|[\s_-])(?:date|time)(?:$|[\s_-])", re.I)
REPLY_PREFIX = re.compile(r"^(?:re|aw|antw|sv|réf|rif)\s*:\s*", re.I)
_BY = re.compile(r"^(?:by|von|par|por|di|door|av|af)\b[:\s]*", re.I)
MAX_META_LINE_WORDS = 14  # a byline / date line is short; longer is prose that mentions a date
MAX_MARKED_LINE_WORDS = 20  # ...unless its class says byline: "By X | date - Updated date"
MAX_META_LINE_CHARS = 300
_PUNCTUATION = " |·•,;:-–—/"
MAX_RESIDUE_CHARS = 12  # "By |", "Par :"
# Words that say a date is when the piece was published or changed, in the languages we meet
_STAMP_WORDS = (r"published|updated|posted|modified|mis [àa] jour|publi[ée]|actualizado|publicado|"
                r"aktualisiert|ver[öo]ffentlicht|aggiornato|pubblicato")
DATE_WORDS = re.compile(rf"\b({_STAMP_WORDS}|am|pm|a\.m\.|p\.m\.|gmt|utc|[ecmp][sd]t)(?!\w)", re.I)
DATE_SHAPE = re.compile(r"\b\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}\b|\b\d{1,2}:\d{2}\b|"
                        r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}\b|"
                        r"\b\d{1,2}\s+(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b", re.I)
# A line that is only a time stamp says so first: "Updated at 1:23 p.m.", "Mis à jour le 05/05/2015"
STAMP = re.compile(rf"^(?:first |last )?(?:{_STAMP_WORDS})(?!\w)", re.I)
# "Reviewed by Hansa D. Bhargava, MD": who else signs the piece, a line of metadata too
SIGNED = re.compile(r"^(?:(?:medically )?reviewed|written|edited|fact[- ]checked|reported|illustrated|"
                    r"photographed|produced|escrito|publicado|revisado|r[ée]dig[ée]|[ée]crit) (?:by|por|par)\b", re.I)
MAX_SIGNED_LINE_WORDS = 10
LEAF_BLOCKS = ("p", "figcaption", "li", "blockquote", "h2", "h3", "h4", "div", "span")
CAPTION_CLASS = re.compile(r"caption|credit|gallery|slide|carousel", re.I)
MIN_DUPLICATE_CHARS = 30  # shorter repeats ("Photo", "Advertisement") are handled elsewhere
MAX_SAME_START = 64  # earlier blocks compared with a caption, of those that start like it
CREDIT_MARK = re.compile(r"credit|copyright|photographer|courtesy", re.I)
CREDIT_TEXT = re.compile(r"\b(getty|istock|shutterstock|reuters|associated press|afp|epa|dpa|ap photo|"
                         r"photo|foto|credit|courtesy|images?)\b|©", re.I)
MAX_CREDIT_WORDS = 8
_TOGGLE_TAIL = re.compile(r"\s*(?:\.\.\.|…)?\s*(?:more|less|read more)?\s*$")
TOGGLE_TAIL_CHARS = 16  # the longest toggle, " ... read more", fits (the text is squashed)


def live(root, tags, keep: set):
    """The elements with `tags` under `root`, in document order, that no earlier drop took away
    and that no rule may judge (`keep`: verbatim.protected)."""
    for el in list(root.iter(*tags)):
        if el is not root and el.getparent() is not None and el not in keep:
            yield el


def drop_repeated_headline(root, title: str, keep: set) -> None:
    """1. The first h1/h2 when it repeats the title (Readability.js: 75% of its words are in the
    title), and any other block whose whole text is the title (gallery overlays, sticky headers),
    or the title as a reply's subject ("Re: ..." over each post of a thread)."""
    if not title:
        return
    for el in root.iter("h1", "h2"):
        text = _text(el)
        if text and el not in keep and similarity(title, text) > SIMILAR:
            _drop(el)
        break
    key, limit = title.lower(), 2 * len(title) + 20
    for el in live(root, BLOCKS, keep):
        if ink(el.text_content()) <= limit and REPLY_PREFIX.sub("", _text(el).lower()) == key:
            _drop(el)


def _is_date_line(text: str) -> bool:
    return bool(DATE_SHAPE.search(text)) and (bool(DATE_WORDS.search(text)) or len(text.split()) <= 6)


def drop_byline_lines(root, byline: str | None, keep: set) -> None:
    """2. Short blocks that are the byline or a date line: marked so by class/id, whose text is
    the known byline (with or without "By"), a time stamp that says what it is ("Updated at
    1:23 p.m."), or another signature ("Reviewed by ..."); then what is left of one ("By |")."""
    byline_key = _BY.sub("", squash(byline).lower())
    byline_words = len(byline_key.split())  # a marked line may hold the byline and a date line
    for el, text in _short_blocks(root, MAX_MARKED_LINE_WORDS + byline_words, keep):
        marked = BYLINE_CLASS.search(class_and_id(el))
        lowered = text.lower()
        words = len(text.split()) - (byline_words if byline_key and byline_key in lowered else 0)
        if words > (MAX_MARKED_LINE_WORDS if marked else MAX_META_LINE_WORDS):
            continue
        if (byline_key and _BY.sub("", lowered) == byline_key) or \
                (marked and (byline_key and byline_key in lowered or _is_date_line(text))) or \
                (STAMP.match(text) and DATE_SHAPE.search(text)) or \
                (SIGNED.match(text) and len(text.split()) <= MAX_SIGNED_LINE_WORDS):
            _drop(el)
    for el in reversed(list(root.iter(*BLOCKS))):  # inner blocks first: "By <a></a> |"
        if el.getparent() is not None and el not in keep and ink(el.text_content()) < MAX_RESIDUE_CHARS \
                and el.text_content().strip() and not _BY.sub("", _text(el).lower()).strip(_PUNCTUATION):
            _drop(el)


def _short_blocks(root, max_words: int, keep: set):
    for el in live(root, BLOCKS, keep):
        if ink(el.text_content()) > MAX_META_LINE_CHARS:
            continue
        text = _text(el)
        if text and len(text.split()) <= max_words:
            yield el, text


def _is_caption(el) -> bool:
    if el.tag == "figcaption":
        return True
    for node in (el, *el.iterancestors()):
        if node.tag == "figure" or CAPTION_CLASS.search(class_and_id(node)):
            return True
    return False


def _is_credit(el, text: str) -> bool:
    """A photo credit: marked so (class, id or itemprop, on it or its wrapper), or a short line
    that names a picture agency or says "Photo:" / "©"."""
    if len(text.split()) <= MAX_CREDIT_WORDS and CREDIT_TEXT.search(text):
        return True
    for node in (el, el.getparent()):
        if node is not None and CREDIT_MARK.search(f"{class_and_id(node)} {node.get('itemprop', '')}"):
            return True
    return False


def _caption_key(text: str) -> str:
    """A caption's text without the "... more" / "less" toggles galleries add to a short copy.
    Only the end is searched: every part of the pattern is optional, so on the whole text the
    search would start again at each character."""
    lowered = text.lower()
    cut = max(0, len(lowered) - TOGGLE_TAIL_CHARS)
    return lowered[:cut] + _TOGGLE_TAIL.sub("", lowered[cut:])


def drop_duplicate_captions(root, keep: set) -> None:
    """3. A caption (or gallery slide) whose text already appeared as a block earlier, whole or
    cut short ("... more"): galleries print each caption two or three times. A photo credit
    goes with its caption: one photographer under a new picture stays, the credit of a
    repeated caption goes with it. (Earlier blocks are looked up by their first characters;
    among many sharing them, the latest MAX_SAME_START are compared: linear however many.)"""
    seen: dict[str, list[str]] = {}  # the first MIN_DUPLICATE_CHARS characters -> texts
    caption_repeated = False
    holders = _holders_of(root, LEAF_BLOCKS)
    for el in live(root, LEAF_BLOCKS, keep):
        if el in holders:
            continue
        key = _caption_key(_text(el))
        if len(key) < MIN_DUPLICATE_CHARS:
            continue
        same_start = seen.setdefault(key[:MIN_DUPLICATE_CHARS], [])
        repeated = _is_caption(el) and any(earlier.startswith(key) for earlier in same_start)
        if _is_credit(el, key):
            repeated = repeated and caption_repeated
        else:
            caption_repeated = repeated
        if repeated:
            _drop(el)
        same_start.append(key)
        del same_start[:-MAX_SAME_START]


def _holders_of(root, tags) -> set:
    """The elements under `root` that have a descendant with one of `tags`, in one bottom-up pass
    (ancestors come first in document order, so drops made while walking do not change it)."""
    holders: set = set()
    for el in reversed(list(root.iter())):
        if el in holders or el.tag in tags:
            parent = el.getparent()
            if parent is not None:
                holders.add(parent)
    return holders


def drop_empty_containers(root, keep: set) -> None:
    """5. Containers left with no text, no image, no formula (a span of spaces in code is code)."""
    for el in reversed(list(root.iter("div", "section", "p", "span", "li", "ul", "ol", "figure",
                                      "blockquote", "header"))):
        if el is root or el.getparent() is None or el in keep:
            continue
        if not el.text_content().strip() and el.find(".//img") is None and el.find(".//math") is None:
            _drop(el)


def repair(root, title: str, byline: str | None) -> None:
    keep = protected(root)  # code, keys, sample output, formulas, tables of data: hands off
    strip_residue(root, keep)
    drop_repeated_headline(root, title, keep)
    demote_h1s(root, keep)
    drop_byline_lines(root, byline, keep)
    drop_duplicate_captions(root, keep)
    strip_boilerplate(root, keep)
    drop_orphan_headings(root, keep)
    drop_empty_containers(root, keep)
