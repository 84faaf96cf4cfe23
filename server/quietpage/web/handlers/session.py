"""Health, pairing the extension, login links and the page session they start."""
from __future__ import annotations

import time

from aiohttp import web

from ... import __version__
from ...errors import Forbidden, Invalid, Unauthorized
from .. import auth, openapi, pairing, schema, security
from ..context import ctx
from ..guard import GUARD, ORIGIN_KIND, SESSION, TOKEN, remember_extension
from ..http import json_response, origin, read_json
from ..middleware import session_secret
from ..render import message_html, page


async def health(request: web.Request) -> web.Response:
    """GET /api/health -> {status: ok|degraded, version, storage, extraction}: the storage's and
    the page readers' state (busy, stuck, waiting). Never touches the store's thread, so it
    answers whatever the store is doing. Why something is degraded (a sentence naming the data
    folder) only with the token."""
    c = ctx(request)
    storage = c.library.storage.health().to_json()
    extraction = c.extract_pool.health()
    ok = storage["status"] == "ok" and extraction["status"] == "ok"
    out = {"status": "ok" if ok else "degraded", "version": __version__, "storage": storage, "extraction": extraction}
    if not _has_token(request):
        for part in (storage, extraction):
            part.pop("reason", None)
    return json_response(out)


def _has_token(request: web.Request) -> bool:
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    return scheme.lower() == "bearer" and auth.same_secret(given.strip(), request[TOKEN])


async def hello(request: web.Request) -> web.Response:
    """GET /api/hello?nonce=N -> {proof, version}: the server proves it holds the token (an HMAC of
    the caller's fresh nonce), so the extension never sends secrets to an impostor on its port."""
    nonce = request.query.get("nonce", "")
    if not auth.HELLO_NONCE.match(nonce):
        raise Invalid("The parameter 'nonce' must be 16 to 128 characters of A-Z, a-z, 0-9, '-' or '_'.",
                      code="invalid_nonce")
    return json_response({"proof": auth.server_proof(request[TOKEN], nonce), "version": __version__})


async def openapi_description(request: web.Request) -> web.Response:
    """GET /api/openapi.json: every route, its parameters and bodies (no token needed)."""
    return json_response(openapi.describe(ctx(request).settings))


async def pair(request: web.Request) -> web.Response:
    """POST /api/pair {code} -> {token}: the extension's options page trades the code that
    `quietpage pair` shows for the token. Only a browser extension may ask (its Origin is
    chrome-extension://<id> or moz-extension://<uuid>); that origin is remembered as paired."""
    c = ctx(request)
    origin = request.headers.get("Origin")
    if request[ORIGIN_KIND] != security.EXTENSION:  # as the guard judged the Origin
        raise Forbidden("Pairing codes are for the QuietPage browser extension. Scripts can read the token "
                        "with `quietpage token`.", code="not_an_extension")
    code = schema.PAIR.check(await read_json(request), c.settings)["code"]
    await c.db(pairing.redeem_code, c.settings.data_dir, code, c.settings.max_pair_attempts, origin=origin)
    await remember_extension(request, origin)
    return json_response({"token": request[TOKEN], "origin": origin})


async def create_login_link(request: web.Request) -> web.Response:
    """POST /api/login-links {next?} -> {url}: a fresh one-time login link."""
    c = ctx(request)
    body = schema.LOGIN_LINK.check(await read_json(request) if request.can_read_body else {}, c.settings)
    url = auth.login_url(origin(request), request[TOKEN], c.settings.login_link_ttl_s, body.get("next"))
    return json_response({"url": url, "expires_in": c.settings.login_link_ttl_s}, status=201)


async def create_download_link(request: web.Request) -> web.Response:
    """POST /api/download-links {path} -> {url}: a one-time link the pages navigate to, to save a
    file (an export) with the session: a navigation cannot send the page key. Scripts with the
    token GET the address itself."""
    c = ctx(request)
    path = schema.DOWNLOAD_LINK.check(await read_json(request), c.settings)["path"]
    target = auth.download_target_of(path)
    if SESSION not in request:
        raise Invalid("Download links are for the pages' session; with the token, GET the address itself.",
                      code="no_session")
    ticket = request.app[GUARD].downloads.issue(auth.session_key(request[TOKEN], request[SESSION]), target)
    joiner = "&" if "?" in path else "?"
    return json_response({"url": f"{path}{joiner}{auth.TICKET_PARAM}={ticket}",
                          "expires_in": auth.DOWNLOAD_TTL_S}, status=201)


async def login(request: web.Request) -> web.Response:
    """GET /login?code=...&next=/read/x: use the one-time code, start a session, go on.

    Answers a small page that moves on by itself instead of a redirect: a SameSite=Strict
    cookie set while arriving from another site (a terminal, the extension) is only sent on a
    navigation that starts from our own page. That page also hands the pages their page key
    (auth.page_key), which they keep in this origin's storage: the one time it is sent.

    A link used already (or expired) still goes on to its page when this browser has a session:
    at once when the cookie came with the request, else from the explaining page, whose script
    asks the API with the cookie and the page key this browser keeps. The page key is never
    sent again."""
    c = ctx(request)
    now = time.time()
    token = request[TOKEN]
    nxt = auth.safe_next(request.query.get("next"))
    try:
        nonce, expiry = auth.check_login_code(token, request.query.get("code"), now)
    except Unauthorized as exc:
        if exc.code != "expired_login_link":
            raise
        return await _stale_link(request, token, nxt, exc)
    if not await c.db(c.sessions.use_login_nonce, nonce, float(expiry), now):
        return await _stale_link(request, token, nxt, Unauthorized(
            "This login link was used already; each works once. Ask for a new one: run `quietpage login-url`.",
            code="used_login_link"))
    secret = auth.new_session_secret()
    ttl = c.settings.session_ttl_s
    await c.db(c.sessions.add_session, auth.session_key(token, secret), now + ttl)
    response = page(request, "login.html", next=nxt, page_key=auth.page_key(token, secret))
    response.set_cookie(auth.cookie_name(request.url.port), secret, max_age=ttl, path="/",
                        httponly=True, samesite="Strict")
    return response


async def _stale_link(request: web.Request, token: str, nxt: str, error: Unauthorized) -> web.Response:
    """A genuine link that cannot log in again: on to its page with the session this browser
    has (the page key it keeps from its login goes with the pages' calls); else (401) what
    happened, while the page's script looks for a session the cookie did not bring here."""
    if await session_secret(request, token):
        raise web.HTTPSeeOther(nxt)
    return page(request, "login-again.html", 401, next=nxt, raw={"message": message_html(error.message)})


async def logout(request: web.Request) -> web.Response:
    c = ctx(request)
    name = auth.cookie_name(request.url.port)
    secret = request.cookies.get(name)
    if secret:
        await c.db(c.sessions.remove_session, auth.session_key(request[TOKEN], secret))
    response = web.Response(status=303, headers={"Location": "/"})
    response.del_cookie(name, path="/")
    return response
