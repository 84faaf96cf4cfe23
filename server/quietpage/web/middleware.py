"""Middlewares, outermost first: errors -> guard -> authentication; and the security headers.

- errors: every failure under /api/ becomes `{"error": {"code", "message"}}` with its status;
  pages get a short HTML explanation. Nothing escapes as a bare 500 or kills the server. It also
  gives each request its CSP nonce (an error page needs one too).
- headers: `prepare_headers` (on_response_prepare, so errors, static files and streamed exports
  too) adds Content-Security-Policy with the nonce to pages, and nosniff, no referrer, no
  framing, Cross-Origin-Opener/Resource-Policy to every answer.
- guard (guard.py): the request rules of security.py - Host, Origin, Sec-Fetch-Site,
  Content-Type, CORS - for every request, public or not, before anyone looks at a credential.
- auth: /api/* needs the bearer token (compared in constant time) or the page session cookie
  with its page key (auth.py; state changes with them only from our own pages); public: health,
  the OpenAPI description, pairing, login links and static files. Pages need the cookie, else
  they explain how to log in.
"""
from __future__ import annotations

import logging
import time

from aiohttp import web

from ..errors import Forbidden, QuietPageError, TooLarge, Unauthorized
from . import auth, security, serving
from .context import ctx
from .guard import CORS, GUARD, ORIGIN_KIND, PAIR_PATH, SESSION, TOKEN, remember_extension
from .http import error_response, is_api
from .render import nonce_of, render_message

log = logging.getLogger(__name__)
OPENAPI_PATH = "/api/openapi.json"
PUBLIC_PATHS = frozenset({"/api/health", "/api/hello", OPENAPI_PATH, PAIR_PATH, auth.LOGIN_PATH, "/favicon.ico"})
_HTTP_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
               405: "method_not_allowed", 413: "payload_too_large", 415: "unsupported_media_type"}


# ----------------------------------------------------------------------------- errors
@web.middleware
async def errors(request: web.Request, handler):
    nonce_of(request)  # an error page needs it too
    try:
        return await handler(request)
    except QuietPageError as exc:
        return _render_error(request, exc, exc.headers)
    except web.HTTPRequestEntityTooLarge as exc:
        limit = ctx(request).settings.max_body_bytes
        size = f"{limit // (1024 * 1024)} MiB" if limit >= 1024 * 1024 else f"{limit} bytes"
        return _render_error(request, TooLarge(
            f"The request body is too large (at most {size}; the max_body_bytes setting)."), exc.headers)
    except (ConnectionError, web.RequestPayloadError) as exc:  # the client went away, or a broken body: one line
        lost = isinstance(exc, ConnectionError)
        serving.bad_request(request, f"{'the connection was lost' if lost else 'a malformed body'} "
                                     f"({type(exc).__name__}: {exc})")
        return _render_error(request, QuietPageError(
            "The connection was lost." if lost else "The request body is malformed.", code="bad_request", status=400))
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        code = _HTTP_CODES.get(exc.status, "http_error")
        message = exc.reason if exc.status != 404 else f"Nothing here: {request.method} {request.path}"
        return _render_error(request, QuietPageError(message, code=code, status=exc.status), exc.headers)
    except Exception:  # a bug: log it, answer cleanly, keep serving
        log.exception("unhandled error in %s %s", request.method, request.path)
        return _render_error(request, QuietPageError(unexpected(request.method), code="internal_error", status=500))


def unexpected(method: str) -> str:
    """What an unexpected error can honestly say: it may have struck after a change was made."""
    said = "Something went wrong inside QuietPage (the server log has the details)."
    if method in ("GET", "HEAD", "OPTIONS"):
        return said
    return f"{said} Whether your change was made is not known: reload to see, then try again if need be."


def _render_error(request: web.Request, exc: QuietPageError, headers=None) -> web.StreamResponse:
    if is_api(request):
        response = error_response(exc)
    else:
        response = render_message(request, exc.status, "Something is not right", exc.message)
    for name in ("Allow", "Retry-After"):
        if headers and name in headers:
            response.headers[name] = headers[name]
    return response


# ---------------------------------------------------------------------------- headers
async def prepare_headers(request: web.Request, response: web.StreamResponse) -> None:
    """on_response_prepare: the security headers, on every answer just before it is sent."""
    h = response.headers
    h.setdefault("X-Content-Type-Options", "nosniff")
    h.setdefault("Referrer-Policy", "no-referrer")
    h.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    h.setdefault("Cross-Origin-Resource-Policy", "same-origin")
    h.setdefault("X-Frame-Options", "DENY")
    for name, value in request.get(CORS, {}).items():
        h.setdefault(name, value)
    if (response.content_type or "").startswith("text/html"):
        h.setdefault("Content-Security-Policy", page_csp(nonce_of(request)))
        h.setdefault("Cache-Control", "no-store")
    elif is_api(request):
        h.setdefault("Cache-Control", "no-store")


def page_csp(nonce: str, *, remote_images: bool = False) -> str:
    """Images from our origin and data: only, so reading contacts no one; `remote_images=True`
    only for a reader whose images are not all archived yet (remote_images = "until_archived")."""
    remote = " https: http:" if remote_images else ""
    return "; ".join([
        "default-src 'none'",
        f"script-src 'nonce-{nonce}' 'strict-dynamic'",
        "style-src 'self'",
        f"img-src 'self'{remote} data:",
        f"media-src 'self'{remote}",
        "font-src 'self'",
        "connect-src 'self'",
        "manifest-src 'self'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "object-src 'none'",
    ])


# ----------------------------------------------------------------------- authenticate
@web.middleware
async def authenticate(request: web.Request, handler):
    path = request.path
    if path in PUBLIC_PATHS or path.startswith("/static/"):
        return await handler(request)
    token = request[TOKEN]
    header = request.headers.get("Authorization")
    if header is not None:
        scheme, _, given = header.partition(" ")
        if scheme.lower() != "bearer" or not auth.same_secret(given.strip(), token):
            raise Unauthorized("The API token is missing or wrong. Send `Authorization: Bearer <token>`; "
                               "`quietpage token` prints it.", code="bad_token")
        if request[ORIGIN_KIND] == security.EXTENSION:  # the token proves it is ours: remember it
            await remember_extension(request, request.headers["Origin"])
        return await handler(request)
    secret = await session_secret(request, token)
    if secret is not None:
        if is_api(request) and not _page_key_ok(request, token, secret):
            raise Unauthorized("The page session cookie alone never opens the API (other programs on this "
                               "computer can receive it): QuietPage's pages send their page key with it. Open "
                               "a new login link (`quietpage login-url`); scripts use the token.",
                               code="page_key_required")
        if not security.cookie_change_allowed(request.method, request[ORIGIN_KIND],
                                              request.headers.get("Sec-Fetch-Site")):
            raise Forbidden("Changes with the page session must come from QuietPage's own pages.",
                            code="cross_site")
        request[SESSION] = secret
        return await handler(request)
    if is_api(request):
        raise Unauthorized("Log in first: send `Authorization: Bearer <token>` (`quietpage token` prints "
                           "it), or open a login link (`quietpage login-url`).")
    return render_message(request, 401, "Please log in",
                          "QuietPage keeps your library private. To open it in this browser, run "
                          "`quietpage login-url` in a terminal and open the link it prints - or use "
                          "\u201cOpen reading list\u201d in the QuietPage extension.")


async def session_secret(request: web.Request, token: str) -> str | None:
    """The value of this request's page session cookie, if that session is live."""
    secret = request.cookies.get(auth.cookie_name(request.url.port))
    if not secret or len(secret) > 200:
        return None
    c = ctx(request)
    expiry = await c.db(c.sessions.session_expiry, auth.session_key(token, secret))
    return secret if expiry is not None and expiry > time.time() else None


def _page_key_ok(request: web.Request, token: str, secret: str) -> bool:
    """The cookie's second factor on the API: the page key in its header, or (a download the
    browser navigates to) a one-time ticket for exactly this GET."""
    if auth.same_secret(request.headers.get(auth.PAGE_KEY_HEADER), auth.page_key(token, secret)):
        return True
    ticket = request.query.get(auth.TICKET_PARAM)
    if ticket is None or request.method != "GET":
        return False
    target = auth.download_target(request.path, list(request.query.items()))
    return request.app[GUARD].downloads.use(ticket, auth.session_key(token, secret), target)
