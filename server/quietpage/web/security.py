"""The request rules that keep hostile pages out, as pure functions of header values.

The server listens on loopback while its user browses hostile sites in the same browser.
A site cannot read our responses (CORS, CORP), but it can *send* requests: simple form posts,
`<img>` and `<script>` loads, and - after pointing its own DNS name at 127.0.0.1 (DNS
rebinding) - even same-origin reads. Each rule below closes one of those doors; middleware.py
applies them in this order to every request, before authentication:

1. Host: our loopback name and actual port only (a rebound name like attacker.example is refused).
2. Origin: absent, our own, or a browser extension's; any web origin is refused, token or not.
3. Sec-Fetch-Site: the API never answers another site (cross-site / same-site) at all; and
   (Sec-Fetch-Dest) no page of ours is loaded into a frame or an embed, whoever asks.
4. Content-Type: a request body on the API is JSON (`application/json`), except raw uploads;
   and no body anywhere comes with a Content-Encoding (a few KB of gzip inflate to gigabytes).
5. CORS: answered for the paired extension's origin only; never `*`, never
   Access-Control-Allow-Private-Network (so Chrome's private-network preflights fail).

No aiohttp here: the middleware passes plain strings in.
"""
from __future__ import annotations

import re

from ..errors import Forbidden, UnsupportedMediaType
from ..settings import is_loopback

EXTENSION_ORIGIN = re.compile(r"^(?:chrome-extension://[a-p]{32}|moz-extension://[0-9a-f-]{36})$")
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "[::1]")
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
OTHER_SITES = frozenset({"cross-site", "same-site"})
FRAME_DESTS = frozenset({"iframe", "frame", "fencedframe", "embed", "object"})
# Routes whose body is a raw file, not JSON (the reading list's import dialog uploads one).
RAW_UPLOAD_PATHS = frozenset({"/api/import"})
JSON_TYPE = "application/json"
CORS_METHODS = "GET, POST, PATCH, DELETE"
CORS_HEADERS = "Authorization, Content-Type"
CORS_MAX_AGE_S = 600

OWN, EXTENSION, NO_ORIGIN = "own", "extension", "none"


def _bracket(host: str) -> str:
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


def allowed_hosts(configured_host: str, local_addr: str | None, port: int) -> frozenset[str]:
    """The Host values that name this server: the configured host and the address the
    connection arrived on, and - when that is loopback - localhost, 127.0.0.1 and [::1]; each
    with the port we actually listen on (also bare, on port 80)."""
    names = {_bracket(configured_host.lower())}
    if local_addr:
        names.add(_bracket(local_addr.lower()))
    if any(is_loopback(n) for n in names):
        names.update(LOOPBACK_NAMES)
    hosts = {f"{n}:{port}" for n in names}
    if port == 80:
        hosts |= names
    return frozenset(hosts)


def check_host(host: str | None, allowed: frozenset[str]) -> None:
    """Rule 1 (DNS rebinding): the Host header must name this server."""
    if host is None or host.lower() not in allowed:
        raise Forbidden(f"This server answers only to its own address (e.g. {min(allowed)}), not to "
                        f"{host!r}. If you typed a name that points here, use http://127.0.0.1 instead.",
                        code="wrong_host")


def is_extension_origin(origin: str | None) -> bool:
    return isinstance(origin, str) and EXTENSION_ORIGIN.match(origin) is not None


def origin_kind(origin: str | None, own_origin: str) -> str:
    """Rule 2: NO_ORIGIN, OWN or EXTENSION; Forbidden for any other origin (web pages, "null")."""
    if origin is None:
        return NO_ORIGIN
    if origin == own_origin:
        return OWN
    if is_extension_origin(origin):
        return EXTENSION
    raise Forbidden("Requests from other sites are not allowed: QuietPage answers only its own pages "
                    "and its browser extension.", code="cross_site")


def check_extension(origin: str, *, paired: bool, has_token: bool, pairing: bool) -> None:
    """Rule 2, for extensions: the paired one; another only while pairing or with the token."""
    if not (paired or has_token or pairing):
        raise Forbidden(f"This browser extension ({origin}) is not paired with this server. Pair it: "
                        "run `quietpage pair` and type the code in the extension's options.",
                        code="extension_not_paired")


def check_fetch_site(site: str | None, *, api: bool) -> None:
    """Rule 3: the API never answers a request the browser marks as coming from another site
    (an `<img>`, `<script>` or link on a hostile page carries no Origin, but this)."""
    if api and site in OTHER_SITES:
        raise Forbidden("Requests from other sites are not allowed.", code="cross_site")


def check_fetch_dest(dest: str | None, *, page: bool) -> None:
    """Rule 3, for pages: never rendered inside another page (frame-ancestors 'none' stops the
    browser from showing it; this stops us from even sending it)."""
    if page and dest in FRAME_DESTS:
        raise Forbidden("QuietPage's pages cannot be shown inside another page.", code="framed")


def check_content_type(path: str, has_body: bool, content_type: str | None) -> None:
    """Rule 4: a body sent to the API is JSON. A hostile form can only send text/plain,
    urlencoded or multipart bodies without a preflight; none of them gets past this."""
    if not has_body or path in RAW_UPLOAD_PATHS or not path.startswith("/api/"):
        return
    if (content_type or "").split(";", 1)[0].strip().lower() != JSON_TYPE:
        raise UnsupportedMediaType(f"Send JSON with `Content-Type: {JSON_TYPE}` (got {content_type or 'none'!r}).")


def check_content_encoding(has_body: bool, encoding: str | None) -> None:
    """Rule 4, for every body: sent as it is. aiohttp would inflate gzip or deflate before any
    handler could bound it (the server also turns its decoding off, serving.make_runner)."""
    value = (encoding or "").strip().lower()
    if has_body and value not in ("", "identity"):
        raise UnsupportedMediaType(f"Send the body as it is, without Content-Encoding (got {value[:40]!r}).",
                                   code="encoded_body")


def cookie_change_allowed(method: str, origin_kind_: str, site: str | None) -> bool:
    """A state-changing request authenticated by the page cookie must come from our own page:
    Sec-Fetch-Site: same-origin (every browser we support sends it), Origin ours or absent."""
    if method in SAFE_METHODS:
        return True
    return site == "same-origin" and origin_kind_ in (OWN, NO_ORIGIN)


def is_preflight(method: str, origin: str | None, requested_method: str | None) -> bool:
    return method == "OPTIONS" and origin is not None and requested_method is not None


def cors_headers(origin: str, *, preflight: bool) -> dict[str, str]:
    """Rule 5: CORS for one (paired extension) origin; never '*', never private-network access."""
    headers = {"Access-Control-Allow-Origin": origin, "Vary": "Origin"}
    if preflight:
        headers.update({"Access-Control-Allow-Methods": CORS_METHODS,
                        "Access-Control-Allow-Headers": CORS_HEADERS,
                        "Access-Control-Max-Age": str(CORS_MAX_AGE_S)})
    return headers
