"""Making extracted HTML safe to show: page HTML is hostile, our pages run none of its script.

nh3 (ammonia) does the sanitising with an allow-list; we only add the policy: which tags and
attributes a reader needs, and which URLs may stay (no `javascript:`, `data:` only for images).
"""
from __future__ import annotations

import re

import nh3

ALLOWED_TAGS = frozenset(
    "a abbr b bdi bdo blockquote br caption cite code col colgroup dd del details dfn div dl dt "
    "em figcaption figure h1 h2 h3 h4 h5 h6 hr i img ins kbd li mark ol p pre q rp rt ruby s samp "
    "small span strong sub summary sup table tbody td tfoot th thead time tr u ul var wbr".split()
)
# MathML a browser renders natively (formulas are text a reader needs); <maction> is unwrapped
# (it links); annotations are dropped with their content (never shown; annotation-xml can
# carry HTML).
MATHML_TAGS = frozenset(
    "math mrow mi mo mn ms mtext mspace msup msub msubsup mfrac msqrt mroot munder mover "
    "munderover mtable mtr mtd mstyle mpadded mphantom menclose semantics".split()
)
# Elements whose *content* is dropped with them (everything else unknown keeps its text).
DROP_WITH_CONTENT = frozenset(
    "script style template noscript iframe object embed applet frame frameset svg "
    "select textarea button input head title meta link base annotation annotation-xml".split()
)
ALLOWED_ATTRIBUTES = {
    "*": {"title", "lang", "dir"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan", "headers"},
    "th": {"colspan", "rowspan", "headers", "scope"},
    "col": {"span"},
    "colgroup": {"span"},
    "time": {"datetime"},
    "ol": {"start", "reversed", "type"},
    "li": {"value"},
    "blockquote": {"cite"},
    "q": {"cite"},
    "del": {"cite", "datetime"},
    "ins": {"cite", "datetime"},
    "abbr": {"title"},
    "bdo": {"dir"},
    "math": {"display"},
    "mo": {"stretchy", "fence", "separator"},
    "mfrac": {"linethickness"},
    "mtd": {"columnspan", "rowspan"},
    "mstyle": {"displaystyle", "scriptlevel"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto", "data"})
URL_ATTRIBUTES = frozenset({"href", "src", "cite"})
# Raster images only: an SVG data URL is a document of its own.
_DATA_IMAGE = re.compile(r"^data:image/(?:png|jpe?g|gif|webp|avif);base64,[a-z0-9+/=\s]*$", re.I)
_SAFE_URL = re.compile(r"^(?:https?:|mailto:)", re.I)
_DIMENSION = re.compile(r"^\d{1,5}%?$")


def _filter_attribute(tag: str, attr: str, value: str) -> str | None:
    if attr in URL_ATTRIBUTES:
        value = value.strip()
        if tag == "img" and attr == "src" and _DATA_IMAGE.match(value):
            return value
        return value if _SAFE_URL.match(value) else None
    if attr in ("width", "height") and not _DIMENSION.match(value.strip()):
        return None
    return value


def sanitize(html: str) -> str:
    """Sanitised HTML: allow-listed tags and attributes, safe absolute URLs only."""
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS | MATHML_TAGS),
        clean_content_tags=set(DROP_WITH_CONTENT),
        attributes={k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()},
        attribute_filter=_filter_attribute,
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
