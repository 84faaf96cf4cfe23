"""Boilerplate inside the article: short blocks that address the reader about something other
than the story. Each rule names one kind and removes only blocks short enough to be it:
  1. "Read more: <link>" / "Related: <link>" lines that point to other articles;
  2. teaser links: a paragraph that is nothing but one link to another article's headline;
  3. calls to action: "Sign up for our newsletter", "Click here to get the app";
  4. tag lines: "Tags: ...", "Filed under ...";
  5. comment-section residue: "Comments", "Leave a reply", "Like this:";
  6. share bars that survived pruning: blocks made only of share-service words;
  7. page controls: a link to "#" that only says "close", "more", "top"; "View image" links;
  8. placeholders an ad slot or a player leaves ("Advertisement", "Video");
  9. cross-references to other pages: "Main article: X", "See also: X", "For X, see Y" (the
     hatnotes of wikis).
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from .dom import drop as _drop, has_rel, ink, link_density as _link_share, text_of as _text
from .prune import MORE_TO_READ

MAX_LINE_WORDS = 30  # "more to read" and tag lines are short; longer is prose
MAX_TEASER_WORDS = 25
MAX_TAG_LIST_WORDS = 120
MIN_TAG_LINKS = 2
TAG_LIST_SHARE = 0.7  # of its text in rel="tag" links (the rest: "Tags", commas)
SLUG_WORDS, MIN_SLUG_WORD_CHARS = 2, 3  # a teaser's address holds 2+ of its words ("the", "of" aside)
MAX_CALL_WORDS = 45
MAX_LABEL_WORDS = 5  # a label on its own ("Related stories", "DON'T MISS")
CALL_TO_ACTION = re.compile(
    r"\b(sign up|subscribe|click here|download (the|our)|get (the|our) .{0,30}\bapp\b|follow us|"
    r"get access|newsletter|join (us|our)|register now|on the go)\b", re.I)
TAG_LINE = re.compile(r"^(tags|tagged|filed under|topics|related topics|categories|category|"
                      r"schlagw[öo]rter|etiquetas|mots-cl[ée]s)\b\s*:?", re.I)
PLACEHOLDER = re.compile(
    r"^(advert|advertisement|ad|anzeige|werbung|publicit[ée]|publicidad|video|audio|play video|"
    r"loading\W*|media playback is unsupported on your device)\W*$", re.I)
COMMENT_RESIDUE = re.compile(
    r"^(\d+\s+)?(comments?|like this:?|like loading\.*|tell us what you think\.*|leave a (comment|reply)|"
    r"post a comment|add a comment|show comments|view comments|join the (conversation|discussion))\W*$", re.I)
SOCIAL_NETWORKS = frozenset("facebook twitter whatsapp pinterest pint linkedin reddit tumblr telegram "
                            "messenger flipboard google+ vk weibo wechat".split())
SHARE_WORDS = SOCIAL_NETWORKS | frozenset(
    "share shares sharing tweet email e-mail mail print copy link save comment comments x more this on via "
    "baixar compartir compartilhe partager teilen condividi".split())
CROSS_REFERENCE = re.compile(
    r"^(main articles?|see also|further information|art[íi]culo principal|hauptartikel|"
    r"articles? d[ée]taill[ée]s?|voir aussi)\b", re.I)
NOTE_MARK = re.compile(r"\b(hatnote|dablink|rellink)\b", re.I)  # a wiki's "For X, see Y" notes
MAX_CROSS_REFERENCE_WORDS = 25
MAX_SHARE_BAR_WORDS = 10
MAX_RESIDUE_WORDS = 8
MAX_CONTROL_WORDS = 2
MAX_IMAGE_LINK_WORDS = 4  # "View this image ›"
IMAGE_FILE = re.compile(r"\.(jpe?g|png|gif|webp)(\?|#|$)", re.I)
MAX_CHARS_PER_WORD = 12  # a block longer than max_words * this is not checked word by word
_SENTENCE_END = (".", "!", "?", '"', "”", "»", "。")


def _words(text: str) -> int:
    return len(text.split())


def _blocks(root, tags, max_words: int, keep: set):
    """(element, text) for the blocks still in the tree, in document order, that are short enough
    to be boilerplate (earlier drops take their children). Long blocks are skipped before their
    text is normalised (on a long article that is nearly every container); the indentation of a
    pretty-printed page does not make a short block long. What `keep` holds (code, cells of data
    tables: a cell that says "Comment" or holds one link to an app is a datum) is not judged."""
    max_chars = max_words * MAX_CHARS_PER_WORD
    for el in list(root.iter(*tags)):
        if el is root or el.getparent() is None or el in keep:
            continue
        raw = el.text_content()
        if ink(raw) <= max_chars:
            yield el, " ".join(raw.split())


def _spaced_text(el) -> str:
    """The block's text, a line break counting as a space: "DON'T MISS<br><a>Plague ...</a>"
    reads "DON'T MISS Plague", not "DON'T MISSPlague"."""
    return " ".join("".join(t if isinstance(t, str) else " " for t in el.xpath(".//text()|.//br")).split())


# the label glued to what follows it ("DON'T MISSPlague ..."): a <br> may stand between them
_LABEL_GLUED = re.compile(MORE_TO_READ.pattern.removesuffix(r"\b"), re.I)


def drop_more_to_read(root, keep: set) -> None:
    """1. "READ MORE: <headline>" - a label that points away, then a link (or a few, one per
    line); or the label alone ("DON'T MISS", "More Great Stories") with the list of links that
    follows it."""
    for el, text in _blocks(root, ("p", "li", "div", "h2", "h3", "h4", "strong"), MAX_LINE_WORDS, keep):
        if not text:
            continue
        if not MORE_TO_READ.match(text):  # (most blocks: one match each)
            if not (_LABEL_GLUED.match(text) and el.find(".//br") is not None):
                continue
            text = _spaced_text(el)
            if not MORE_TO_READ.match(text):
                continue
        if _link_share(el) >= 0.5 or text.endswith(":"):
            _drop(el)
        elif _words(text) <= MAX_LABEL_WORDS and not text.endswith(_SENTENCE_END):
            following = el.getnext()
            if following is not None and following.tag in ("ul", "ol", "p", "div") \
                    and _link_share(following) > 0.5 and _words(_text(following)) <= 80:
                _drop(following)
            _drop(el)


def drop_teaser_links(root, keep: set) -> None:
    """2. A paragraph that is one link and nothing else, headline-shaped (no sentence end), to
    another article: the link's address spells the headline ("/sean-spicer-eliminated-from-...")
    or the headline shouts in capitals. "Try it now", "See what it can do for you" - a link to a
    product or a help page - and "Five things we learned" (an address of digits) are the
    article's own invitations and stay."""
    for el, text in _blocks(root, ("p",), MAX_TEASER_WORDS, keep):
        links = list(el.iter("a"))
        if len(links) == 1 and 3 <= _words(text) <= MAX_TEASER_WORDS and \
                len(_text(links[0])) >= 0.9 * len(text) and not text.endswith(_SENTENCE_END) \
                and (text.isupper() or _names_its_target(text, links[0].get("href") or "")):
            _drop(el)


def _names_its_target(text: str, href: str) -> bool:
    """Whether the link's path repeats the link's words (a headline slug): at least SLUG_WORDS
    of its words of MIN_SLUG_WORD_CHARS or more. The host does not count: "Artist: Fireborn
    Form" linking to firebornform.example.com is a credit, not a headline."""
    words = [w for w in re.findall(r"\w+", text.lower()) if len(w) >= MIN_SLUG_WORD_CHARS]
    try:
        parts = urlsplit(href.strip())
        target = f"{parts.path}?{parts.query}".lower()
    except ValueError:
        return False
    return sum(w in target for w in words) >= min(SLUG_WORDS, len(words))


def drop_calls_to_action(root, keep: set) -> None:
    """3. A short block asking the reader to sign up, subscribe, click, download, follow."""
    for el, text in _blocks(root, ("p", "div", "h3", "h4", "strong", "li"), MAX_CALL_WORDS, keep):
        if text and _words(text) <= MAX_CALL_WORDS and CALL_TO_ACTION.search(text) and (
                _link_share(el) > 0.2 or text.isupper()):
            _drop(el)


def drop_tag_lines(root, keep: set) -> None:
    """4. "Tags: a, b, c" / "Filed under: ..." lines, and lists of links the page marks as tags
    (rel="tag", the microformat every blog engine writes), however many tags they hold."""
    for el, text in _blocks(root, ("p", "div", "ul", "li", "span", "section", "strong"), MAX_TAG_LIST_WORDS, keep):
        if not text:
            continue
        if TAG_LINE.match(text) and _words(text) <= MAX_LINE_WORDS + 10:
            _drop(el)
        elif _is_tag_list(el):
            _drop(el)


def _is_tag_list(el) -> bool:
    tags = [a for a in el.iter("a") if has_rel(a, "tag")]
    if len(tags) < MIN_TAG_LINKS:
        return False
    return sum(len(_text(a)) for a in tags) >= TAG_LIST_SHARE * len(_text(el))


def drop_comment_residue(root, keep: set) -> None:
    """5. What is left of a comment section: its heading, its buttons."""
    for el, text in _blocks(root, ("p", "div", "section", "h2", "h3", "h4", "span", "li", "a"),
                             MAX_RESIDUE_WORDS, keep):
        if text and COMMENT_RESIDUE.match(text):
            _drop(el)


def drop_share_bars(root, keep: set) -> None:
    """6. A short block made only of share-service words ("Facebook Twitter Email Print")."""
    for el, text in _blocks(root, ("p", "div", "ul", "span"), MAX_SHARE_BAR_WORDS, keep):
        words = [w.strip(".,:|·•") for w in text.lower().split()]
        if words and len(words) <= MAX_SHARE_BAR_WORDS and all(w in SHARE_WORDS for w in words) \
                and any(w in SOCIAL_NETWORKS for w in words):
            _drop(el)


def drop_page_controls(root, keep: set) -> None:
    """7. A link to "#" that says one or two words: a button of the page ("close", "top") - but
    a picture that is all such a link shows (a lightbox's opener) stays, without the link; a
    short link to the picture file itself ("View this image ›", "Enlarge"); a short block made
    only of links within the page ("Jump to Recipe  Print Recipe"; a list of them is a table
    of contents, and stays)."""
    for el, text in _blocks(root, ("a",), MAX_IMAGE_LINK_WORDS, keep):
        href = (el.get("href") or "").strip()
        if href == "#" and not text and el.find(".//img") is not None:
            el.drop_tag()  # a picture that opens the page's lightbox: the picture stays
        elif (href == "#" and _words(text) <= MAX_CONTROL_WORDS) or \
                (text and IMAGE_FILE.search(href) and el.find(".//img") is None):
            _drop(el)
    for el, text in _blocks(root, ("p", "div", "span"), MAX_IMAGE_LINK_WORDS, keep):
        links = list(el.iter("a"))
        if text and links and all((a.get("href") or "").strip().startswith("#") for a in links) \
                and len(" ".join(_text(a) for a in links)) >= len(text) - len(links):
            _drop(el)


def drop_placeholders(root, keep: set) -> None:
    """8. What an ad slot or a video player leaves behind: "Advertisement", "Video"."""
    for el, text in _blocks(root, ("p", "div", "span", "figcaption", "h3", "h4", "li"), 4, keep):
        if text and PLACEHOLDER.match(text):
            _drop(el)


def drop_cross_references(root, keep: set) -> None:
    """9. A short note pointing the reader to another page, ending on the link it points to: it
    says so ("Main article: Rayleigh quotient"), or is marked as a note (role="note", a wiki's
    "hatnote": "For matrices with symmetry over the real numbers, see symmetric matrix.").
    "For full details, see this page." in the flow of the text is the article's own."""
    for el, text in _blocks(root, ("p", "div", "dd"), MAX_CROSS_REFERENCE_WORDS, keep):
        if text and _words(text) <= MAX_CROSS_REFERENCE_WORDS and _ends_on_a_link(el, text) and (
                CROSS_REFERENCE.match(text) or el.get("role") == "note" or NOTE_MARK.search(el.get("class") or "")):
            _drop(el)


def _ends_on_a_link(el, text: str) -> bool:
    links = [_text(a) for a in el.iter("a")]
    return bool(links and links[-1]) and text.rstrip(" .;)").endswith(links[-1].rstrip(" .;)"))


RULES = (drop_more_to_read, drop_teaser_links, drop_calls_to_action, drop_tag_lines,
         drop_comment_residue, drop_share_bars, drop_page_controls, drop_placeholders,
         drop_cross_references)


def strip_boilerplate(root, keep: set) -> None:
    for rule in RULES:
        rule(root, keep)
