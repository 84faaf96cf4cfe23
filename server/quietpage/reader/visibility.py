"""What a sighted reader could not see on the page, and so does not read in ours.

Two sources, never mixed on one page:
- the rendered page's own marks: the extension, which sees the page as the browser laid it
  out, marks every element a sighted reader could not see with data-qp-hidden="1"
  (display:none, visibility:hidden, text clipped to a pixel - "visually hidden", sr-only -
  and text placed off the page). Content the reader can open (a closed <details>, a collapsed
  accordion's panel) is real text and is never marked. When a page carries marks they are the
  truth: marked elements go, and the guesses below are not made (an accordion's hidden panel
  stays);
- otherwise (imports, fetched pages, API clients) guesses from the markup: the `hidden`
  attribute, aria-hidden, display:none / visibility:hidden / off-screen / clipped styles, the
  display:none classes of common frameworks and the screen-reader-only classes of common
  themes ("sr-only", "visually-hidden", "screen-reader-text": a label "Image" before a
  picture, "Credit" before a photographer's name). A panel that a control expands
  (aria-controls, aria-expanded) is openable and stays.
aria-hidden="true" counts in both cases (decorations, duplicated labels).

Formulas: a <math> hidden beside its rendering - a fallback picture (Wikipedia), MathJax's or
KaTeX's glyph markup - is the formula as text (selectable, scalable): it is shown, and the
rendering goes (`prefer_formulas`, before anything is judged hidden).
"""
from __future__ import annotations

import re

HIDDEN_MARK = "data-qp-hidden"
# hidden, or pushed off-screen (SEO link farms: "position:absolute; left:-9999px"), or clipped
# to nothing ("visually hidden": clip: rect(0 0 0 0), clip-path: inset(50%))
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden|"
                           r"(?:left|top|text-indent)\s*:\s*-\d{4,}(?:\.\d+)?px|"
                           r"clip\s*:\s*rect\(\s*(?:0|1px)[\s,]+(?:0|1px)|clip-path\s*:\s*inset\(\s*(?:50|100)%", re.I)
# class names that hide an element outright: frameworks' display:none classes...
HIDDEN_CLASSES = frozenset({"hidden", "hide", "is-hidden", "d-none", "u-hidden", "js-hidden",
                            "vjs-hidden", "element-hidden"})
# ...and themes' screen-reader-only classes (text clipped to a pixel)
SCREEN_READER_CLASSES = frozenset({
    "sr-only", "sr-only-focusable", "visually-hidden", "visually-hidden-focusable", "visuallyhidden",
    "screen-reader-text", "screen-reader-only", "screenreader-only", "sr-text", "a11y-hidden", "a11y-only",
    "u-visually-hidden", "is-visually-hidden", "hidden-visually", "u-hiddenvisually", "element-invisible",
    "show-for-sr", "assistive-text", "offscreen", "off-screen", "visually-hidden-text", "srOnly", "sr_only",
    "elementor-screen-only"})
# ...and the same names under a theme's or component's prefix ("sharing-screen-reader-text",
# "sdc-article-image__visually-hidden", "vjs-offscreen"): a whole class whose last part is one
# of them. Only the last part: "offscreen-nav-toggle" is a visible button.
_SCREEN_READER_ENDS = tuple(sep + name for sep in "-_" for name in (
    "screen-reader-text", "screen-reader-only", "visually-hidden", "visuallyhidden", "sr-only", "offscreen",
    "off-screen"))
# what renders a formula beside its MathML: a picture, MathJax's or KaTeX's markup
_RENDERING = re.compile(r"fallback|mathjax|mjx|katex-html|math-image|tex-image", re.I)
MAX_FORMULA_WRAPPERS = 3  # <span class="katex"><span class="katex-mathml"><math>: a few levels up


def carries_marks(doc) -> bool:
    return bool(doc.xpath(f"boolean(//*[@{HIDDEN_MARK}])"))


def drop_marked(doc) -> int:
    """Remove what the rendered page marked as unseen; return how many elements went."""
    marked = doc.xpath(f"//*[@{HIDDEN_MARK}][not(ancestor::*[@{HIDDEN_MARK}])]")
    for el in marked:
        el.drop_tree()
    return len(marked)


def openable(doc) -> set:
    """Panels a control on the page opens (aria-controls of an aria-expanded control), and
    hidden="until-found" content: real text, never taken for hidden."""
    ids = {i for c in doc.xpath("//*[@aria-expanded][@aria-controls]") for i in (c.get("aria-controls") or "").split()}
    found = {el for el in doc.xpath("//*[@id]") if el.get("id") in ids} if ids else set()
    found.update(doc.xpath("//*[@hidden='until-found']"))
    return found


def is_hidden(el, marks: bool = False, opens: set = frozenset()) -> bool:
    """Whether a sighted reader could not see `el`: the rendered page's mark when the page
    carries marks (`marks`), else the guesses of the module docstring; `opens`: openable()."""
    if (el.get("aria-hidden") or "").lower() == "true" and "fallback-image" not in (el.get("class") or ""):
        return True
    if marks:
        return el.get(HIDDEN_MARK) is not None
    if el in opens:
        return False
    if el.get("hidden") is not None:
        return True
    names = el.get("class")
    if names:
        classes = names.split()
        if not HIDDEN_CLASSES.isdisjoint(classes) or not SCREEN_READER_CLASSES.isdisjoint(classes):
            return True
        if ("screen" in names or "hidden" in names or "sr-only" in names) and \
                any(c.endswith(_SCREEN_READER_ENDS) for c in classes):
            return True
    style = el.get("style")
    return bool(style and _HIDDEN_STYLE.search(style))


def prefer_formulas(doc) -> None:
    """Show each <math> hidden beside its rendering, and remove the rendering (see above): from
    the formula up, the first element with a sibling that renders it is the formula's own."""
    for math in list(doc.iter("math")):
        node = math
        for _ in range(MAX_FORMULA_WRAPPERS):
            parent = node.getparent()
            if parent is None:
                break
            renderings = [c for c in parent if c is not node and isinstance(c.tag, str) and _is_rendering(c)]
            if renderings:
                for rendering in renderings:
                    rendering.drop_tree()
                for el in (math, *math.iterancestors()):
                    for attr in (HIDDEN_MARK, "hidden", "aria-hidden", "style"):
                        el.attrib.pop(attr, None)
                    if el is node:
                        break
                break
            node = parent


def _is_rendering(el) -> bool:
    if el.find(".//math") is not None:
        return False
    if el.tag == "img":
        alt = el.get("alt") or ""
        return bool(_RENDERING.search(el.get("class") or "")) or "\\" in alt or "{" in alt
    return el.tag.startswith("mjx-") or bool(_RENDERING.search(el.get("class") or ""))
