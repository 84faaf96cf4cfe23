"""The guard: security.py's request rules, in order, for every request, before anyone looks at a
credential - and what it keeps per app: the live token and the paired extensions.

Handlers read what it found through the request keys below (the token as of this request, what
kind of Origin sent it, the CORS headers to answer with).
"""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field

from aiohttp import web

from ..errors import Forbidden
from ..settings import Settings
from . import auth, pairing, security
from .context import CONTEXT, Context
from .http import is_api, origin as own_origin

log = logging.getLogger(__name__)
TOKEN = web.RequestKey("token", str)  # the API token as of this request (read once, by the guard)
ORIGIN_KIND = web.RequestKey("origin_kind", str)
CORS = web.RequestKey("cors", dict)
SESSION = web.RequestKey("session", str)  # the page session cookie's value, when it authenticated
PAIR_PATH = "/api/pair"


# ------------------------------------------------------------------------------ state
@dataclass
class Guard:
    """What the guard and authentication keep per app: the token as last seen, the paired
    extensions (of that token) and the pages' outstanding download tickets."""
    context: Context
    token_seen: str
    extensions: tuple[str, ...]
    downloads: auth.DownloadTickets = field(default_factory=auth.DownloadTickets)

    @property
    def settings(self) -> Settings:
        return self.context.settings

    def token(self) -> str:
        """The current token (re-read if `quietpage token --rotate` replaced it); a new token
        revokes every paired extension."""
        token = self.context.tokens.current()
        if token != self.token_seen:
            log.info("the API token was rotated: old token, sessions and paired extensions revoked")
            self.token_seen, self.extensions = token, ()
        return token

    def is_paired(self, origin: str) -> bool:
        """Whether `origin` is a paired extension (of the token the guard read for this request)."""
        return origin in self.extensions

    async def remember(self, origin: str) -> None:
        """Record an extension origin as paired (after a pairing code or the token proved it)."""
        if origin in self.extensions:
            return
        self.extensions = pairing.with_origin(self.extensions, origin)
        await self.context.db(pairing.save_extensions, self.settings.data_dir, self.token_seen, self.extensions)
        log.info("paired with the browser extension %s", origin)


GUARD = web.AppKey("guard", Guard)


async def guard_ctx(app: web.Application):
    """cleanup_ctx (after the store's): the Guard, from the token and extensions.json."""
    c = app[CONTEXT]
    token = c.tokens.current()
    extensions = await asyncio.get_running_loop().run_in_executor(
        None, pairing.load_extensions, c.settings.data_dir, token)
    app[GUARD] = Guard(context=c, token_seen=token, extensions=extensions)
    yield


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
    security.check_content_encoding(request.body_exists, request.headers.get("Content-Encoding"))
    return await handler(request)


def _allowed_hosts(request: web.Request, settings: Settings) -> frozenset[str]:
    """From the socket the request came in on (tests and `--port 0` bind random ports)."""
    sock = request.transport.get_extra_info("sockname") if request.transport else None
    if isinstance(sock, tuple) and len(sock) >= 2:
        return security.allowed_hosts(settings.host, str(sock[0]), int(sock[1]))
    return security.allowed_hosts(settings.host, None, settings.port)


async def remember_extension(request: web.Request, origin: str) -> None:
    """Pair the extension at `origin` (its token or a pairing code proved it) and let this
    answer cross to it."""
    await request.app[GUARD].remember(origin)
    request[CORS] = security.cors_headers(origin, preflight=False)


