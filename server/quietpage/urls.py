"""Page URLs: validation and the key under which "the same page" is recognised. Pure."""
from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Query parameters that only track the click, never select content.
TRACKING_PARAMS = frozenset(
    "fbclid gclid dclid gbraid wbraid msclkid mc_cid mc_eid igshid yclid _ga _gl _hsenc _hsmi "
    "mkt_tok oly_anon_id oly_enc_id rb_clickid s_cid vero_id wickedid ref_src ref_url "
    "cmpid ncid sr_share".split()
)
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "at_", "itm_")
DEFAULT_PORTS = {"http": 80, "https": 443}


class BadURL(ValueError):
    pass


def check_url(url: str) -> str:
    """The URL, stripped, if it is an absolute http(s) URL with a host; else BadURL."""
    url = url.strip()
    try:
        parts = urlsplit(url)
        parts.port  # raises ValueError on a bad port
    except ValueError as exc:
        raise BadURL(f"not a valid URL: {exc}") from exc
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise BadURL("the URL must be an absolute http:// or https:// address")
    return url


def url_key(url: str) -> str:
    """Normalised form for "is this the same page?": lower-case scheme and host, no default
    port, no fragment, no tracking parameters, remaining parameters sorted, no trailing slash."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().rstrip(".")
    port = parts.port
    netloc = host if port in (None, DEFAULT_PORTS.get(scheme)) else f"{host}:{port}"
    if ":" in host and not host.startswith("["):
        netloc = f"[{host}]" if port in (None, DEFAULT_PORTS.get(scheme)) else f"[{host}]:{port}"
    query = sorted(
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if k.lower() not in TRACKING_PARAMS and not k.lower().startswith(TRACKING_PREFIXES)
    )
    path = parts.path or "/"
    if len(path) > 1:
        path = path.rstrip("/") or "/"
    return urlunsplit((scheme, netloc, path, urlencode(query), ""))
