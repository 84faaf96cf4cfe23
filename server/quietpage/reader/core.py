"""readability-lxml, driven on a tree we have already parsed and pruned.

readability-lxml's `Document.summary()` re-parses the page on every attempt, runs lxml's Cleaner
(a deep copy plus a dozen passes), rewrites every link in the page, serialises the result, strips
attributes with a regex loop, and leaves us to parse that string again. We keep its judgement -
unlikely-candidate removal, paragraph scoring, candidate selection, sibling merging and
conditional cleaning are its methods - and skip the work we have done already:

- the input is our parsed, pruned tree (scripts, styles and hidden nodes are gone already);
  each attempt scores a plain deep copy of it, so the tree stays whole for the other candidates;
- the result stays an lxml element (no serialise / re-parse, no attribute regexes: the
  sanitiser owns attributes); links are made absolute once, on the final article;
- text is measured without regular expressions, and memoised while paragraphs are scored;
- "divs used as paragraphs" are found with one bottom-up pass instead of serialising every
  div's children (same rule: a div with no block-ish descendant is a paragraph).

Where readability-lxml misjudges, we correct it with Readability.js's rules (each override says
which): links, quotations and footnotes are never unlikely candidates; same-page links weigh
less, headings are not judged by their links nor by an id made of their own words; a div holding
one paragraph is that paragraph; a sibling paragraph is judged on its whole text; segments of a
post that share the best one's classes join it; close competitors widen the pick to their shared
ancestor, whose sibling blocks of prose join it too; and conditional cleaning keeps lists, data
tables, footnotes, section headings, pictures and short lines of plain text.
"""
from __future__ import annotations

import copy
import re

from readability import Document
from readability.readability import REGEXES

from .assembly import builder_segments, fill_sandwiched, headline_leads
from .cleaning import conditional_clean
from .blocks import (has_block_descendant_map, holds_prose, is_data_table, is_embed, is_footnotes, is_gallery,
                     is_heading_block, is_picture_block, is_plain_line, is_prose_list, is_teaser_list,
                     paragraph_chars, prose_list_holders)
from .dom import slug, text_length
from .parse import element
from .verbatim import protected

_INLINE_TAGS = frozenset("a b cite code em font i small span strong sub sup u".split())
# A summary shorter than this (characters of text) on the ruthless pass is retried without
# removing unlikely candidates (readability-lxml's retry_length, measured on text, not markup).
RETRY_TEXT_CHARS = 250
# Widening (Readability.js): among the top TOP_CANDIDATES, MIN_CLOSE_CANDIDATES others scoring at
# least CLOSE_SCORE of the best, with a common ancestor, make that ancestor the article.
TOP_CANDIDATES = 5
CLOSE_SCORE = 0.75
MIN_CLOSE_CANDIDATES = 3
SIBLING_PARAGRAPH_CHARS = 80  # a sibling <p> this long, with few links, belongs to the article
MAX_SIBLING_LINK_DENSITY = 0.25  # ...few: under this share of its text in links
FOOTNOTE_BLOCKS = ("div", "section", "ol", "ul", "aside")
HASH_LINK_WEIGHT = 0.3  # Readability.js: a link to "#somewhere" on the page counts this much
HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
HOLDS_ARTICLE = 0.5  # of the page's paragraph text: never an unlikely candidate


class ReaderDocument(Document):
    """readability-lxml's Document over an lxml tree we own. Use `main_content()`."""

    def __init__(self, doc, url: str | None = None, title: str = ""):
        super().__init__(doc, url=url)
        self._lengths: dict | None = None  # element -> text length, only while scoring
        self._title = title  # the article's title: where its headline is (assembly.py)
        self._segments: set = set()  # a page builder's segments of the article (assembly.py)

    # -- readability-lxml hooks ----------------------------------------------------------
    def _parse(self, input):
        return copy.deepcopy(input)

    def get_clean_html(self):
        return self.html  # an element: the pipeline serialises once, after sanitising

    def sanitize(self, node, candidates, keep_all_images=False):
        """readability-lxml's conditional cleaning, in linear time (cleaning.py)."""
        self.html = conditional_clean(self, node, candidates)
        return self.html

    def score_paragraphs(self):
        self._lengths = {}
        try:
            return super().score_paragraphs()
        finally:
            self._lengths = None

    def get_link_density(self, elem):
        """readability-lxml's link density, except that a link to a place on the same page
        ("#section-2", a footnote) weighs HASH_LINK_WEIGHT (Readability.js's rule): headings
        with self-anchors and footnoted paragraphs are not lists of links away. And a heading
        is not judged by its links at all (Readability.js keeps "<h3><a>Film title</a></h3>")."""
        if elem.tag in HEADINGS:
            return 0.0
        lengths = self._lengths

        def length(el):
            if lengths is None:
                return text_length(el)
            if el not in lengths:
                lengths[el] = text_length(el)
            return lengths[el]

        links = sum(length(a) * (HASH_LINK_WEIGHT if (a.get("href") or "").startswith("#") else 1)
                    for a in elem.iterdescendants("a"))
        return links / max(length(elem), 1)

    def class_weight(self, e):
        """readability-lxml's, except that a heading's id made from its own words (a self-anchor:
        id="1-ai-shines-a-light-on-toolchains") names the heading, not chrome ("tool", "meta")."""
        ident = e.get("id")
        if e.tag not in HEADINGS or not ident or slug(ident) not in slug(e.text_content()):
            return super().class_weight(e)
        del e.attrib["id"]
        try:
            return super().class_weight(e)
        finally:
            e.set("id", ident)

    def remove_unlikely_candidates(self):
        """readability-lxml's (an element whose class/id says chrome - "sidebar", "comment",
        "menu"... - and not content goes, unless inside pre/code or holding main, article or
        math), in one walk, except that these are never unlikely candidates:
        - links (class="popup" on a glossary link names its behaviour; Readability.js exempts
          <a>) and headings (a heading's class "recipe-header" names its style);
        - quoted posts: blockquotes and embeds' wrappers ("social-embed embed-twitter");
        - the article's own notes (<div class="footnotes">: readability reads "foot");
        - code, keys, formulas and tables of data (verbatim.py);
        - a block holding most of the page's paragraph text: a theme's wrapper ("header-sticky
          menu-push", "entry comments-open") is the page."""
        unlikely, maybe = REGEXES["unlikelyCandidatesRe"], REGEXES["okMaybeItsACandidateRe"]
        keep = protected(self.html)
        prose = None
        for elem in self.html.xpath("//*[@class or @id]"):
            names = f"{elem.get('class', '')} {elem.get('id', '')}"
            if len(names) < 2 or not unlikely.search(names) or maybe.search(names) or elem.tag in ("html", "body") \
                    or elem.tag == "a" or elem.tag in HEADINGS or elem in keep or is_embed(elem) or is_footnotes(elem):
                continue
            if elem.getparent() is None or elem.xpath("descendant-or-self::main | descendant-or-self::article | "
                                                      "descendant-or-self::math"):
                continue
            if prose is None:
                prose = paragraph_chars(self.html)
            if prose and paragraph_chars(elem) >= HOLDS_ARTICLE * prose:
                continue
            elem.drop_tree()

    def get_preserved_elements(self, node):
        """readability-lxml keeps table-of-contents lists through conditional cleaning. We also
        keep, as Readability.js does, lists whose class does not speak against them, whatever
        their links (it drops any list above 20% link text: sources, steps, a list of apps...),
        except galleries and lists of other articles' headlines; lists of prose (steps, notes,
        bullet points of sentences) and the blocks that consist of one, with their sub-lists;
        tables of data; footnotes; and blocks that hold a section heading, a picture or a short
        line of plain text (dialogue, "Con: money."), which it drops as too short or empty."""
        allowed = super().get_preserved_elements(node)
        for segment in self._segments:  # a builder's segment, and its blocks of prose, stay
            allowed.update((block, True) for block in segment.iter("div", "section")
                           if block is segment or (holds_prose(block, SIBLING_PARAGRAPH_CHARS)
                                                   and self.get_link_density(block) < MAX_SIBLING_LINK_DENSITY))
        allowed.update((table, True) for table in self.tags(node, "table") if is_data_table(table))
        allowed.update((block, True) for block in self.tags(node, *FOOTNOTE_BLOCKS) if is_footnotes(block))
        galleries: dict = {}
        lengths: dict = {}
        for block in self.tags(node, "div", "section"):
            if self.class_weight(block) >= 0 and (
                    is_heading_block(block) or is_picture_block(block) or is_plain_line(block, galleries)):
                allowed[block] = True
        for lst in self.tags(node, "ul", "ol"):
            if is_gallery(lst, galleries) or is_teaser_list(lst):
                continue
            if self.class_weight(lst) >= 0:
                allowed[lst] = True
            if is_prose_list(lst):
                allowed[lst] = True
                allowed.update((holder, True) for holder in prose_list_holders(lst, node, lengths))
        for lst in self.tags(node, "ul", "ol"):  # sub-lists belong to the item they detail
            if any(a.tag in ("ul", "ol") and a in allowed for a in lst.iterancestors()):
                allowed[lst] = True
        return allowed

    def transform_misused_divs_into_paragraphs(self):
        """readability-lxml's, faster (see the module docstring), and never inside code: a
        highlighter's line <div>s stay as they are."""
        keep = protected(self.html)
        self.unwrap_paragraph_divs(keep)
        blocky = has_block_descendant_map(self.html)
        for elem in list(self.html.iter("div")):
            if elem not in blocky and elem not in keep:
                elem.tag = "p"
        for elem in list(self.html.iter("div")):
            if elem not in keep:
                self._wrap_inline_runs(elem, blocky)

    def unwrap_paragraph_divs(self, keep: set) -> None:
        """Readability.js's rule: a <div> that holds a single <p> and nothing else is that
        paragraph (some sites wrap every paragraph, with classes that would sink its score) -
        unless its class names it as article text ("article-text"): segment merging looks for
        the article's pieces by that class, and a one-paragraph piece (the lead) would vanish."""
        for div in list(self.html.iter("div")):
            if div in keep:
                continue
            children = [c for c in div if isinstance(c.tag, str)]
            if len(children) == 1 and children[0].tag == "p" and not (div.text or "").strip() \
                    and not (children[0].tail or "").strip() and self.class_weight(div) <= 0 \
                    and self.get_link_density(div) < 0.25:
                div.drop_tag()

    def _wrap_inline_runs(self, elem, blocky) -> None:
        """Text and runs of inline children of a block div become <p>s; <br>s go."""
        children = list(elem)
        paragraph = None
        if elem.text and elem.text.strip():
            paragraph = element("p")
            paragraph.text, elem.text = elem.text, None
            elem.insert(0, paragraph)
        for child in children:
            if child.tag == "br" or child.tag not in _INLINE_TAGS or child in blocky:
                paragraph = None
                continue
            if paragraph is None:
                paragraph = element("p")
                child.addprevious(paragraph)
            paragraph.append(child)
        for child in list(elem):
            if child.tail and child.tail.strip():
                p = element("p")
                p.text, child.tail = child.tail, None
                child.addnext(p)  # (not elem.insert(pos + 1): finding a position walks the children)
            if child.tag == "br":
                child.drop_tree()

    def get_article(self, candidates, best_candidate, html_partial=False):
        """readability-lxml's, with these fixes:
        - whether a sibling paragraph belongs to the article is judged on its whole text
          (readability-lxml reads only the text before its first child, so "As <a>Mashable</a>
          reports, ..." looked empty and was left out);
        - segments of a post carrying the best one's classes (Medium's <section>s) join it with
          readability's floor score, not 5% of the best: Readability.js takes every sibling of
          the same class, a short section of a long post included;
        - when the pick was widened to a shared ancestor (a post split into blocks), a sibling
          block that holds a paragraph of prose belongs too (the lead, the verdict box);
        - the lead between the headline and the body, and siblings sandwiched between parts of
          the article, belong (assembly.py)."""
        threshold = max([10, best_candidate["content_score"] * 0.2])
        output = element("div")
        best_elem = best_candidate["elem"]
        self.add_heading_preamble(candidates, best_elem, threshold)
        floor = {**best_candidate, "content_score": 0}  # merge's own threshold becomes its floor, 10
        self.merge_article_segments(candidates, floor, threshold)
        parent = best_elem.getparent()
        siblings = parent.getchildren() if parent is not None else [best_elem]
        widened = best_candidate.get("widened", False)
        leads = self.get_editorial_leads(best_elem)
        leads += [el for el in headline_leads(self, best_elem, self._title)
                  if el not in leads and not any(a in leads for a in el.iterancestors())]
        for lead in reversed(leads):
            best_elem.insert(0, lead)
        siblings = [s for s in siblings if s not in leads]
        belongs = [sibling is best_elem or self._belongs(sibling, candidates, threshold)
                   or (widened and self._is_prose_block(sibling)) for sibling in siblings]
        chosen = [s for s, taken in zip(siblings, fill_sandwiched(self, siblings, belongs)) if taken]
        if len(chosen) == 1:  # one block of a page builder's article: all of them
            segments = builder_segments(self, best_elem)
            self._segments = set(segments)  # (kept whole by cleaning, as the pick itself)
            chosen = segments or chosen
        for el in chosen:
            output.append(el)
        return output

    def _belongs(self, sibling, candidates, threshold) -> bool:
        if sibling in candidates and candidates[sibling]["content_score"] >= threshold:
            return True
        if sibling.tag != "p":
            return False
        link_density = self.get_link_density(sibling)
        content = " ".join(sibling.text_content().split())
        if len(content) > SIBLING_PARAGRAPH_CHARS:
            return link_density < MAX_SIBLING_LINK_DENSITY
        return link_density == 0 and bool(re.search(r"\.( |$)", content))

    def _is_prose_block(self, block) -> bool:
        return block.tag in ("div", "section") and holds_prose(block, SIBLING_PARAGRAPH_CHARS) \
            and self.get_link_density(block) < MAX_SIBLING_LINK_DENSITY

    def widen_to_shared_ancestor(self, candidates, best):
        """Readability.js's rule: when at least three of the other top candidates score nearly
        as well as the best and share an ancestor with it, the article is that ancestor (a post
        split into steps, list items or captioned sections). The result is marked "widened"."""
        ranked = sorted(candidates.values(), key=lambda c: c["content_score"], reverse=True)
        top = best["content_score"]
        if top <= 0:
            return best
        close = [set(c["elem"].iterancestors()) for c in ranked[1:TOP_CANDIDATES]
                 if c["elem"] is not best["elem"] and c["content_score"] >= CLOSE_SCORE * top]
        if len(close) < MIN_CLOSE_CANDIDATES:
            return best
        for ancestor in best["elem"].iterancestors():
            if ancestor.tag in ("body", "html"):
                break
            if sum(ancestor in ancestors for ancestors in close) >= MIN_CLOSE_CANDIDATES:
                if ancestor not in candidates:
                    candidates[ancestor] = self.score_node(ancestor)
                candidates[ancestor]["content_score"] = max(candidates[ancestor]["content_score"], top)
                return {**candidates[ancestor], "widened": True}
        return best

    def clean_container(self, container):
        """A container of the source tree (an <article>, <main>...), cleaned the way readability
        cleans its own pick: unlikely candidates out, paragraphs scored, conditional cleaning."""
        path = self.input.getroottree().getpath(container)
        self.html = self._parse(self.input)
        found = self.html.getroottree().xpath(path)
        if not found:
            return None
        self.remove_unlikely_candidates()
        self.transform_misused_divs_into_paragraphs()
        candidates = self.score_paragraphs()
        if found[0].getroottree().getroot() is not self.html:  # removed as unlikely
            return None
        wrapper = element("div")
        wrapper.append(found[0])
        return self.sanitize(wrapper, candidates)

    # -- the driver ------------------------------------------------------------------------
    def main_content(self):
        """readability's article as an lxml <div>, or None when nothing scored at all.

        Two attempts, as readability-lxml makes them: ruthless (unlikely candidates removed),
        then lenient when the first is too short. The longer result wins if neither is long
        enough (readability-lxml keeps the last; Readability.js keeps the longest)."""
        attempts = []
        for ruthless in (True, False):
            self.html = self._parse(self.input)
            for body in self.html.iter("body"):
                body.set("id", "readabilityBody")  # readability-lxml's own marker: a positive id
            if ruthless:
                self.remove_unlikely_candidates()
            self.transform_misused_divs_into_paragraphs()
            candidates = self.score_paragraphs()
            best = self.select_best_candidate(candidates)
            if best:
                best = self.get_semantic_article_candidate(candidates, best)
                best = self.get_semantic_main_candidate(candidates, best)
                best = self.widen_to_shared_ancestor(candidates, best)
            if not best:
                continue
            article = self.sanitize(self.get_article(candidates, best, html_partial=True), candidates)
            length = len(article.text_content())
            attempts.append((length, article))
            if length >= RETRY_TEXT_CHARS:
                break
        if not attempts:
            return None
        return max(attempts, key=lambda a: a[0])[1]
