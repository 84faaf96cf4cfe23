"""Secrets: the API token, one-time login links, page sessions. Pure but for the token file.

- The API token is created on first start (secrets.token_urlsafe), kept in `<data dir>/token`
  with mode 0600. The extension and scripts send it as `Authorization: Bearer <token>`; it is
  compared in constant time. `quietpage token --rotate` replaces the file; a running server
  notices on its next request (`TokenWatch`), so the old token stops working at once.
- A login link carries a one-time code `<nonce>.<expiry>.<mac>`, an HMAC made with the token, so
  the CLI can mint one without talking to the server; the server accepts each nonce once.
- Opening a login link starts a page session: a random cookie value, stored only as an HMAC
  keyed with the token - so rotating the token ends every session too.
- The cookie alone opens pages, never the API: cookies are not isolated by port (RFC 6265
  §8.5), so any other program on 127.0.0.1 can receive ours. The login page hands the pages a
  second secret, the *page key* (an HMAC of the cookie's value keyed with the token), which they
  keep in their origin's own storage (isolated by port) and send as `X-QuietPage-Page` on every
  API call. A download link, a navigation that cannot carry that header, gets a one-time ticket.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
import time
from pathlib import Path
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit

from ..errors import Invalid, Unauthorized
from ..store.files import atomic_write, storage_error

TOKEN_FILE = "token"
TOKEN_BYTES = 32
NONCE_BYTES = 12
COOKIE_PREFIX = "qp_session_"
LOGIN_PATH = "/login"
PAGE_KEY_HEADER = "X-QuietPage-Page"


def token_path(data_dir: Path) -> Path:
    return Path(data_dir) / TOKEN_FILE


def read_token(data_dir: Path) -> str | None:
    try:
        token = token_path(data_dir).read_text("ascii").strip()
    except FileNotFoundError:
        return None
    return token or None


def load_or_create_token(data_dir: Path) -> str:
    """The API token, created (mode 0600) if this data dir has none yet (StorageError, a
    sentence, if the disk refuses it)."""
    token = read_token(data_dir)
    if token:
        return token
    try:
        Path(data_dir).mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise storage_error(exc, Path(data_dir).parent, doing=f"make its data folder {data_dir}") from exc
    try:
        os.chmod(data_dir, 0o700)
    except OSError:
        pass
    return _write_token(data_dir, "create")


def rotate_token(data_dir: Path) -> str:
    return _write_token(data_dir, "replace")


def _write_token(data_dir: Path, doing: str) -> str:
    token = secrets.token_urlsafe(TOKEN_BYTES)
    path = token_path(data_dir)
    try:
        atomic_write(path, token.encode("ascii"), mode=0o600)
    except OSError as exc:
        raise storage_error(exc, Path(data_dir), doing=f"{doing} its API token in {path}",
                            note="The token is unchanged." if doing == "replace" else "") from exc
    return token


def same_secret(given: str | None, expected: str) -> bool:
    """Constant-time comparison."""
    if not isinstance(given, str):
        return False
    return hmac.compare_digest(given.encode("utf-8", "replace"), expected.encode("utf-8"))


def session_key(token: str, secret: str) -> str:
    """How a session cookie is stored: keyed with the token, so a new token ends all sessions."""
    return hmac.new(token.encode(), b"session|" + secret.encode("utf-8", "replace"), hashlib.sha256).hexdigest()


def page_key(token: str, secret: str) -> str:
    """The page key of the session whose cookie holds `secret`: what the pages send beside the
    cookie. Derived (nothing more is stored), keyed with the token (so a program holding only the
    cookie cannot compute it) and ended with the session or a new token."""
    return hmac.new(token.encode(), b"page|" + secret.encode("utf-8", "replace"), hashlib.sha256).hexdigest()


HELLO_NONCE = re.compile(r"^[A-Za-z0-9_-]{16,128}$")


def server_proof(token: str, nonce: str) -> str:
    """What the server answers to GET /api/hello?nonce=N: proof that it knows the token, without
    revealing it (HMAC-SHA256 keyed with the token, hex). The extension checks it before it sends
    the token or a page to whatever listens on its configured port."""
    return hmac.new(token.encode(), b"quietpage-hello|" + nonce.encode("ascii"), hashlib.sha256).hexdigest()


def token_id(token: str) -> str:
    """A short fingerprint of the token, to bind records to it without storing it."""
    return hashlib.sha256(b"token-id|" + token.encode()).hexdigest()[:16]


class TokenWatch:
    """The current token of a running server: re-read when the token file is replaced (one
    `stat` per request, by the guard: a few microseconds). A missing or empty file keeps the
    token we have."""

    def __init__(self, data_dir: Path, token: str):
        self.path = token_path(data_dir)
        self.token = token
        self._stamp = self._stat()

    def _stat(self) -> tuple | None:
        try:
            st = os.stat(self.path)
        except OSError:
            return None
        return st.st_ino, st.st_mtime_ns, st.st_size

    def current(self) -> str:
        stamp = self._stat()
        if stamp is not None and stamp != self._stamp:
            self._stamp = stamp
            try:
                self.token = read_token(self.path.parent) or self.token
            except OSError:  # unreadable for a moment: keep the token we have
                pass
        return self.token


# ------------------------------------------------------------------------- login links
def _mac(token: str, nonce: str, expiry: int) -> str:
    msg = f"login|{nonce}|{expiry}".encode()
    return hmac.new(token.encode(), msg, hashlib.sha256).hexdigest()[:32]


def make_login_code(token: str, ttl_s: int, now: float | None = None) -> str:
    nonce = secrets.token_urlsafe(NONCE_BYTES)
    expiry = int((now or time.time()) + ttl_s)
    return f"{nonce}.{expiry}.{_mac(token, nonce, expiry)}"


def check_login_code(token: str, code: str | None, now: float | None = None) -> tuple[str, int]:
    """(nonce, expiry) of a valid, unexpired code; Unauthorized otherwise. The caller must
    still record the nonce as used."""
    parts = code.split(".") if isinstance(code, str) and len(code) < 200 else []
    if len(parts) != 3 or not parts[1].isdigit():
        raise Unauthorized("This login link is malformed. Ask for a new one: run `quietpage login-url`.",
                           code="bad_login_link")
    nonce, expiry_s, mac = parts
    expiry = int(expiry_s)
    if not same_secret(mac, _mac(token, nonce, expiry)):
        raise Unauthorized("This login link is not valid for this server (or the token was rotated). "
                           "Ask for a new one: run `quietpage login-url`.", code="bad_login_link")
    if expiry < (now or time.time()):
        raise Unauthorized("This login link has expired. Ask for a new one: run `quietpage login-url`.",
                           code="expired_login_link")
    return nonce, expiry


def safe_next(path: str | None) -> str:
    """Where to go after logging in: a path on this server only (never another site)."""
    if not isinstance(path, str) or not path.startswith("/") or path.startswith(("//", "/\\")) \
            or any(c in path for c in "\\\r\n\t") or len(path) > 2000:
        return "/"
    return path


def login_url(origin: str, token: str, ttl_s: int, next_path: str | None = None) -> str:
    url = f"{origin}{LOGIN_PATH}?code={make_login_code(token, ttl_s)}"
    nxt = safe_next(next_path)
    return url if nxt == "/" else f"{url}&next={quote(nxt, safe='/')}"


def new_session_secret() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def cookie_name(port: int | None) -> str:
    """Cookies ignore ports: name ours by port so two servers on one host never collide."""
    return f"{COOKIE_PREFIX}{port or 0}"


# ---------------------------------------------------------------------- download links
DOWNLOAD_TTL_S = 60
MAX_DOWNLOAD_TICKETS = 64  # outstanding at once; the oldest goes first
TICKET_PARAM = "ticket"


def download_target_of(link: str) -> str:
    """The target of a download link the pages ask for: a path under /api/ on this server."""
    parts = urlsplit(link) if isinstance(link, str) else None
    if parts is None or parts.scheme or parts.netloc or parts.fragment or not parts.path.startswith("/api/") \
            or any(c in link for c in "\\\r\n\t") or "//" in parts.path:
        raise Invalid("The field 'path' must be a path under /api/ on this server, e.g. /api/export?format=json.",
                      code="invalid_download_path")
    return download_target(unquote(parts.path), parse_qsl(parts.query, keep_blank_values=True))


def download_target(path: str, query: list[tuple[str, str]]) -> str:
    """What a download ticket is bound to: the path and its query (any order, without the ticket)."""
    pairs = sorted((k, v) for k, v in query if k != TICKET_PARAM)
    return f"{path}?{urlencode(pairs)}" if pairs else path


class DownloadTickets:
    """One-time download links for the pages. A link the browser follows to save a file (an
    export) is a navigation and cannot carry the page key, so the page asks for a ticket first
    (with the key); the ticket then allows one GET of that one address, with that session's
    cookie, within DOWNLOAD_TTL_S. In memory only: a restart voids them."""

    def __init__(self) -> None:
        self._tickets: dict[str, tuple[str, str, float]] = {}  # ticket -> (session key, target, expiry)

    def issue(self, session: str, target: str, now: float | None = None) -> str:
        now = time.time() if now is None else now
        self._tickets = {t: e for t, e in self._tickets.items() if e[2] > now}
        while len(self._tickets) >= MAX_DOWNLOAD_TICKETS:
            self._tickets.pop(next(iter(self._tickets)))
        ticket = secrets.token_urlsafe(24)
        self._tickets[ticket] = (session, target, now + DOWNLOAD_TTL_S)
        return ticket

    def use(self, ticket: str | None, session: str, target: str, now: float | None = None) -> bool:
        """Whether `ticket` allows this session this target now; a ticket works once."""
        entry = self._tickets.pop(ticket, None) if isinstance(ticket, str) else None
        now = time.time() if now is None else now
        return entry is not None and same_secret(session, entry[0]) and entry[1] == target and entry[2] > now
