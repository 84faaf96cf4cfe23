"""Middlewares, outermost first: errors -> security headers -> authentication.

- errors: every failure under /api/ becomes `{"error": {"code", "message"}}` with its status;
  pages get a short HTML explanation. Nothing escapes as a bare 500 or kills the server.
- headers: Content-Security-Policy (with a per-request nonce), nosniff, no referrer, no framing.
- auth: /api/* needs the bearer token or the page session cookie (except GET /api/health);
  pages need the cookie, else they explain how to log in.
"""
from __future__ import annotations

import logging
import secrets
import time

from aiohttp import web

from . import auth
from .context import ctx
from .errors import Forbidden, QuietPageError, TooLarge, Unauthorized
from .handlers.common import error_response
from .handlers.render import render_message

log = logging.getLogger(__name__)
NONCE = web.RequestKey("nonce", str)
PUBLIC_PATHS = frozenset({"/api/health", auth.LOGIN_PATH, "/favicon.ico"})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_HTTP_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
               405: "method_not_allowed", 413: "payload_too_large", 415: "unsupported_media_type"}


def is_api(request: web.Request) -> bool:
    return request.path.startswith("/api/") or request.path == "/api"


@web.middleware
async def errors(request: web.Request, handler):
    try:
        return await handler(request)
    except QuietPageError as exc:
        return _render_error(request, exc)
    except web.HTTPRequestEntityTooLarge as exc:
        limit = ctx(request).settings.max_body_bytes
        return _render_error(request, TooLarge(
            f"The request body is too large (at most {limit // (1024 * 1024)} MiB)."), exc.headers)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        code = _HTTP_CODES.get(exc.status, "http_error")
        message = exc.reason if exc.status != 404 else f"Nothing here: {request.method} {request.path}"
        return _render_error(request, QuietPageError(message, code=code, status=exc.status), exc.headers)
    except Exception:  # a bug: log it, answer cleanly, keep serving
        log.exception("unhandled error in %s %s", request.method, request.path)
        return _render_error(request, QuietPageError(
            "Something went wrong inside QuietPage; nothing was changed. The server log has details.",
            code="internal_error", status=500))


def _render_error(request: web.Request, exc: QuietPageError, headers=None) -> web.StreamResponse:
    if is_api(request):
        response = error_response(exc)
    else:
        response = render_message(request, exc.status, "Something is not right", exc.message)
    for name in ("Allow", "Retry-After"):
        if headers and name in headers:
            response.headers[name] = headers[name]
    return response


@web.middleware
async def security_headers(request: web.Request, handler):
    nonce = secrets.token_urlsafe(16)
    request[NONCE] = nonce
    response = await handler(request)
    h = response.headers
    h.setdefault("X-Content-Type-Options", "nosniff")
    h.setdefault("Referrer-Policy", "no-referrer")
    h.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    h.setdefault("Cross-Origin-Resource-Policy", "same-origin")
    h.setdefault("X-Frame-Options", "DENY")
    if (response.content_type or "").startswith("text/html"):
        h.setdefault("Content-Security-Policy", page_csp(nonce))
        h.setdefault("Cache-Control", "no-store")
    elif is_api(request):
        h.setdefault("Cache-Control", "no-store")
    return response


def page_csp(nonce: str) -> str:
    return "; ".join([
        "default-src 'none'",
        f"script-src 'nonce-{nonce}' 'strict-dynamic'",
        "style-src 'self'",
        "img-src 'self' https: http: data:",
        "media-src 'self' https: http:",
        "font-src 'self'",
        "connect-src 'self'",
        "manifest-src 'self'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "object-src 'none'",
    ])


@web.middleware
async def authenticate(request: web.Request, handler):
    path = request.path
    if path in PUBLIC_PATHS or path.startswith("/static/"):
        return await handler(request)
    c = ctx(request)
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _, given = header.partition(" ")
        if scheme.lower() != "bearer" or not auth.same_secret(given.strip(), c.token):
            raise Unauthorized("The API token is missing or wrong. Send `Authorization: Bearer <token>`; "
                               "`quietpage token` prints it.", code="bad_token")
        return await handler(request)
    if await has_session(request):
        if request.method not in SAFE_METHODS and not _same_origin(request):
            raise Forbidden("Cross-site requests are not allowed.", code="cross_site")
        return await handler(request)
    if is_api(request):
        raise Unauthorized("Log in first: send `Authorization: Bearer <token>` (`quietpage token` prints "
                           "it), or open a login link (`quietpage login-url`).")
    return render_message(request, 401, "Please log in",
                          "QuietPage keeps your library private. To open it in this browser, run "
                          "`quietpage login-url` in a terminal and open the link it prints - or use "
                          "\u201cOpen reading list\u201d in the QuietPage extension.")


async def has_session(request: web.Request) -> bool:
    secret = request.cookies.get(auth.cookie_name(request.url.port))
    if not secret or len(secret) > 200:
        return False
    c = ctx(request)
    expiry = await c.db(c.library.store.session_expiry, auth.hash_secret(secret))
    return expiry is not None and expiry > time.time()


def _same_origin(request: web.Request) -> bool:
    """A state-changing request made with the cookie must come from our own pages."""
    origin = request.headers.get("Origin")
    site = request.headers.get("Sec-Fetch-Site")
    if origin is not None and origin != f"{request.scheme}://{request.host}":
        return False
    return site in (None, "same-origin")
