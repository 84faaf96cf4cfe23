"""Conditional cleaning of the picked article: readability-lxml's `Document.sanitize`, ported so
that its time stays linear in the article.

The rules are readability-lxml 0.9's, in its order (headings with a negative class or mostly
links, calls to action, forms, iframes that are not videos, then every table / list / block
judged on its score, its class, its counts of paragraphs, images, items, links and inputs),
with three changes, none of which changes a verdict on a real page:
- a textless block's "nearest sibling with text" is looked for among MAX_SIBLINGS_LOOKED_AT
  siblings on each side, not all of them (readability-lxml walked every sibling of every such
  block: quadratic on a page of thousands of picture-only tables);
- each block's counts come from one walk of it instead of seven searches, and its text is
  measured as the rest of the reader measures it (whitespace runs once), not with
  readability-lxml's three regular expressions (the same verdicts on every corpus page);
- no debug log lines, which readability-lxml formats (with each kept block's text) even when
  logging is off.
`doc` is the core.ReaderDocument doing the cleaning: its class weights, link densities and
preserved elements (get_preserved_elements) are the ones used.
"""
from __future__ import annotations

from readability.readability import REGEXES, is_video_url

from .dom import text_length
from .verbatim import is_code_block, protected

CLEANED_TAGS = ("table", "ul", "div", "aside", "header", "footer", "section")
COUNTED = ("p", "img", "li", "a", "embed", "input")
MAX_SIBLINGS_LOOKED_AT = 32  # readability-lxml: all of them
NEARBY_TEXT_CHARS = 1000  # a textless block between this much text stays (a picture in a story)


def _counts(el) -> dict:
    counts = dict.fromkeys(COUNTED, 0)
    hidden_inputs = 0
    for node in el.iterdescendants(*COUNTED):
        counts[node.tag] += 1
        if node.tag == "input" and node.get("type") == "hidden":
            hidden_inputs += 1
    counts["li"] -= 100
    counts["input"] -= hidden_inputs
    return counts


def _text_nearby(el) -> int:
    """Characters of text in the nearest sibling with text after `el`, and before it."""
    found = []
    for preceding in (False, True):
        for i, sib in enumerate(el.itersiblings(preceding=preceding)):
            if i >= MAX_SIBLINGS_LOOKED_AT:
                break
            if length := text_length(sib):
                found.append(length)
                break
    return sum(found)


def _removable(doc, el, weight: int, candidates, allowed) -> bool:
    """readability-lxml's judgement of a block that did not score below zero."""
    counts = _counts(el)
    content_length = text_length(el)
    link_density = doc.get_link_density(el)
    tag = el.tag
    if counts["p"] and counts["img"] > 1 + counts["p"] * 1.3:
        return True  # too many images
    if counts["li"] > counts["p"] and tag not in ("ol", "ul"):
        return True  # more <li>s than <p>s
    if counts["input"] > counts["p"] / 3:
        return True
    if content_length < doc.min_text_length and (counts["img"] == 0 or counts["img"] > 2):
        return True  # too short: without an image, or with too many
    in_body = tag in ("ul", "section") and el.xpath("ancestor::main | ancestor::article")
    if weight < 25 and link_density > (0.25 if in_body else 0.2):
        return True
    if weight >= 25 and link_density > 0.5:
        return True
    if (counts["embed"] == 1 and content_length < 75) or counts["embed"] > 1:
        return True
    if not content_length:  # a picture with no text: kept between long texts
        if _text_nearby(el) > NEARBY_TEXT_CHARS:
            for node in el.iterdescendants("table", "ul", "div", "section"):
                allowed[node] = True
            return False
        return True
    return False


def conditional_clean(doc, node, candidates):
    """Clean the article `node` in place (see the module docstring) and return it. Nothing
    inside code or a table of data is judged (verbatim.py), and a code block stays whole."""
    keep = protected(node)
    for header in list(node.iterdescendants("h1", "h2", "h3", "h4", "h5", "h6")):
        if header not in keep and (doc.class_weight(header) < 0 or doc.get_link_density(header) > 0.33):
            header.drop_tree()
    for elem in list(node.iterdescendants("p")):
        if elem not in keep and REGEXES["callToActionRe"].search(elem.text_content()) \
                and doc.get_link_density(elem) > 0.2:
            elem.drop_tree()
    for elem in list(node.iterdescendants("form", "textarea")):
        elem.drop_tree()
    for elem in list(node.iterdescendants("iframe")):
        if "src" in elem.attrib and is_video_url(elem.attrib["src"]):
            elem.attrib.pop("srcdoc", None)
            elem.text = "VIDEO"
        else:
            elem.drop_tree()
    allowed = doc.get_preserved_elements(node)
    for tag in CLEANED_TAGS:  # (readability-lxml's order: each kind, last first)
        for el in reversed(node.findall(f".//{tag}")):
            if el in allowed or el in keep or is_code_block(el):
                continue
            weight = doc.class_weight(el)
            score = candidates[el]["content_score"] if el in candidates else 0
            if weight + score < 0:
                el.drop_tree()
            elif el.text_content().count(",") < 10 and _removable(doc, el, weight, candidates, allowed):
                el.drop_tree()
    return node

