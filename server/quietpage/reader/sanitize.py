"""Making extracted HTML safe to show: page HTML is hostile, our pages run none of its script.

nh3 (ammonia) does the sanitising with an allow-list; we only add the policy: which tags and
attributes a reader needs, and which URLs may stay (no `javascript:`, `data:` only for images,
nothing on this machine or a private network: an image or a link there would send our page
session cookie - cookies ignore ports - or a request to a local service; hosts.py's rules).
"""
from __future__ import annotations

import functools
import re

import nh3

from ..hosts import url_refusal

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


def _filter_attribute(keep_local: bool, archived: frozenset[str], tag: str, attr: str, value: str) -> str | None:
    if attr in URL_ATTRIBUTES:
        value = value.strip()
        if tag == "img" and attr == "src" and (_DATA_IMAGE.match(value) or value in archived):
            return value
        if not _SAFE_URL.match(value):
            return None
        return value if keep_local or url_refusal(value) is None else None
    if attr in ("width", "height") and not _DIMENSION.match(value.strip()):
        return None
    return value


def sanitize(html: str, *, keep_local_urls: bool = False, archived: frozenset[str] = frozenset()) -> str:
    """Sanitised HTML: allow-listed tags and attributes, safe absolute URLs only, none to this
    machine or a private network unless `keep_local_urls` (the fetch_allow_private setting:
    this install trusts its network; the tests' local sites). `archived`: image addresses kept
    whatever their host, because the reader shows our own copy instead (a backup's images)."""
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS | MATHML_TAGS),
        clean_content_tags=set(DROP_WITH_CONTENT),
        attributes={k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()},
        attribute_filter=functools.partial(_filter_attribute, keep_local_urls, archived),
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
