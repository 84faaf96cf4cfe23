"""Middlewares, outermost first: errors -> guard -> authentication; and the security headers.

- errors: every failure under /api/ becomes `{"error": {"code", "message"}}` with its status;
  pages get a short HTML explanation. Nothing escapes as a bare 500 or kills the server. It also
  gives each request its CSP nonce (an error page needs one too).
- headers: `prepare_headers` (on_response_prepare, so errors, static files and streamed exports
  too) adds Content-Security-Policy with the nonce to pages, and nosniff, no referrer, no
  framing, Cross-Origin-Opener/Resource-Policy to every answer.
- guard: the request rules of security.py - Host, Origin, Sec-Fetch-Site, Content-Type, CORS -
  for every request, public or not, before anyone looks at a credential.
- auth: /api/* needs the bearer token (compared in constant time) or the page session cookie
  (state changes with it only from our own pages); public: health, the OpenAPI description,
  pairing, login links and static files. Pages need the cookie, else they explain how to log in.
"""
from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass

from aiohttp import web

from . import auth, pairing, security
from .context import CONTEXT, Context, ctx
from .errors import Forbidden, QuietPageError, TooLarge, Unauthorized
from .handlers.common import error_response, origin as own_origin
from .handlers.render import nonce_of, render_message
from .settings import Settings

log = logging.getLogger(__name__)
TOKEN = web.RequestKey("token", str)  # the API token as of this request (read once, by the guard)
ORIGIN_KIND = web.RequestKey("origin_kind", str)
CORS = web.RequestKey("cors", dict)
PAIR_PATH = "/api/pair"
OPENAPI_PATH = "/api/openapi.json"
PUBLIC_PATHS = frozenset({"/api/health", "/api/hello", OPENAPI_PATH, PAIR_PATH, auth.LOGIN_PATH, "/favicon.ico"})
_HTTP_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
               405: "method_not_allowed", 413: "payload_too_large", 415: "unsupported_media_type"}


def is_api(request: web.Request) -> bool:
    return request.path.startswith("/api/") or request.path == "/api"


# ------------------------------------------------------------------------------ state
@dataclass
class Guard:
    """What the guard and authentication keep per app: the live token and the paired extensions."""
    context: Context
    watch: auth.TokenWatch
    extensions: tuple[str, ...]
    extensions_token: str

    @property
    def settings(self) -> Settings:
        return self.context.settings

    def token(self) -> str:
        """The current token (re-read if `quietpage token --rotate` replaced it)."""
        token = self.watch.current()
        if token != self.context.token:
            log.info("the API token was rotated: old token, sessions and paired extensions revoked")
            self.context.token = token
        if token != self.extensions_token:  # a new token: no extension is paired with it yet
            self.extensions, self.extensions_token = (), token
        return token

    def is_paired(self, origin: str) -> bool:
        """Whether `origin` is a paired extension (of the token the guard read for this request)."""
        return origin in self.extensions

    async def remember(self, origin: str) -> None:
        """Record an extension origin as paired (after a pairing code or the token proved it)."""
        if origin in self.extensions:
            return
        self.extensions = pairing.with_origin(self.extensions, origin)
        await self.context.db(pairing.save_extensions, self.settings.data_dir, self.context.token, self.extensions)
        log.info("paired with the browser extension %s", origin)


GUARD = web.AppKey("guard", Guard)


async def guard_ctx(app: web.Application):
    """cleanup_ctx (after the store's): the Guard, from the token and extensions.json."""
    c = app[CONTEXT]
    extensions = await asyncio.get_running_loop().run_in_executor(
        None, pairing.load_extensions, c.settings.data_dir, c.token)
    app[GUARD] = Guard(context=c, watch=auth.TokenWatch(c.settings.data_dir, c.token),
                       extensions=extensions, extensions_token=c.token)
    yield


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


# ------------------------------------------------------------------------------ guard
@web.middleware
async def guard(request: web.Request, handler):
    """security.py's rules 1-5, in order, for every request."""
    g = request.app[GUARD]
    request[TOKEN] = g.token()  # first: a rotated token counts from this request on
    security.check_host(request.headers.get("Host"), _allowed_hosts(request, g.settings))
    origin = request.headers.get("Origin")
    kind = request[ORIGIN_KIND] = security.origin_kind(origin, own_origin(request))
    paired = kind == security.EXTENSION and g.is_paired(origin)
    if kind == security.EXTENSION:
        security.check_extension(origin, paired=paired, has_token="Authorization" in request.headers,
                                 pairing=request.path == PAIR_PATH)
        if paired:
            request[CORS] = security.cors_headers(origin, preflight=False)
    security.check_fetch_site(request.headers.get("Sec-Fetch-Site"), api=is_api(request))
    security.check_fetch_dest(request.headers.get("Sec-Fetch-Dest"),
                              page=not is_api(request) and not request.path.startswith("/static/"))
    if security.is_preflight(request.method, origin, request.headers.get("Access-Control-Request-Method")):
        if not paired:
            raise Forbidden("Cross-origin requests are answered for the paired extension only.", code="cors_refused")
        return web.Response(status=204, headers=security.cors_headers(origin, preflight=True))
    security.check_content_type(request.path, request.body_exists,
                                request.headers.get("Content-Type"))
    return await handler(request)


def _allowed_hosts(request: web.Request, settings: Settings) -> frozenset[str]:
    """From the socket the request came in on (tests and `--port 0` bind random ports)."""
    sock = request.transport.get_extra_info("sockname") if request.transport else None
    if isinstance(sock, tuple) and len(sock) >= 2:
        return security.allowed_hosts(settings.host, str(sock[0]), int(sock[1]))
    return security.allowed_hosts(settings.host, None, settings.port)


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
    if await has_session(request, token):
        if not security.cookie_change_allowed(request.method, request[ORIGIN_KIND],
                                              request.headers.get("Sec-Fetch-Site")):
            raise Forbidden("Changes with the page session must come from QuietPage's own pages.",
                            code="cross_site")
        return await handler(request)
    if is_api(request):
        raise Unauthorized("Log in first: send `Authorization: Bearer <token>` (`quietpage token` prints "
                           "it), or open a login link (`quietpage login-url`).")
    return render_message(request, 401, "Please log in",
                          "QuietPage keeps your library private. To open it in this browser, run "
                          "`quietpage login-url` in a terminal and open the link it prints - or use "
                          "\u201cOpen reading list\u201d in the QuietPage extension.")


async def remember_extension(request: web.Request, origin: str) -> None:
    """Pair the extension at `origin` (its token or a pairing code proved it) and let this
    answer cross to it."""
    await request.app[GUARD].remember(origin)
    request[CORS] = security.cors_headers(origin, preflight=False)


async def has_session(request: web.Request, token: str) -> bool:
    secret = request.cookies.get(auth.cookie_name(request.url.port))
    if not secret or len(secret) > 200:
        return False
    c = ctx(request)
    expiry = await c.db(c.library.store.session_expiry, auth.session_key(token, secret))
    return expiry is not None and expiry > time.time()
