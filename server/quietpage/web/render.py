"""Server-rendered pages from the templates in static/: every value is escaped here, except
article HTML, which the reader pipeline has already sanitised (and we sanitise again)."""
from __future__ import annotations

import functools
import re
import secrets
from html import escape
from string import Template

from aiohttp import web

from ..paths import static_dir


# What every page's <head> starts with (templates say $common_head).
COMMON_HEAD = """<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<link rel="stylesheet" href="/static/css/quietpage.css">
<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">"""


@functools.lru_cache(maxsize=None)
def template(name: str) -> Template:
    return Template((static_dir() / name).read_text("utf-8"))


@functools.lru_cache(maxsize=1)
def icons() -> str:
    """static/icons.svg, the sprite a page embeds once (templates say $icons)."""
    return (static_dir() / "icons.svg").read_text("utf-8")


_CODE = re.compile(r"`([^`\n]+)`")


def message_html(text: str) -> str:
    """A message for people, escaped, its `commands` shown as code (never as raw backticks)."""
    return _CODE.sub(r"<code>\1</code>", escape(text))


NONCE = web.RequestKey("nonce", str)


def nonce_of(request: web.Request) -> str:
    """This request's CSP nonce (made on first use: by the error middleware, for every request)."""
    if NONCE not in request:
        request[NONCE] = secrets.token_urlsafe(16)
    return request[NONCE]


def page(request: web.Request, name: str, status: int = 200, *, raw: dict | None = None, **values) -> web.Response:
    """Render static/<name>: keyword values are escaped; `raw` values are trusted HTML."""
    fields = {k: escape("" if v is None else str(v)) for k, v in values.items()}
    fields.update(raw or {})
    fields["nonce"] = nonce_of(request)
    fields["common_head"] = COMMON_HEAD
    fields["icons"] = icons()
    body = template(name).substitute(fields)
    return web.Response(text=body, status=status, content_type="text/html", charset="utf-8")


def render_message(request: web.Request, status: int, heading: str, message: str) -> web.Response:
    return page(request, "message.html", status, heading=heading, raw={"message": message_html(message)})
