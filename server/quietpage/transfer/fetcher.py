"""Fetching a URL for the library: the one aiohttp client, and the one place that enforces every
rule on what it reaches and what it reads. A saved page (`fetch`) and any other caller (`get`
with its own `Want`: images, ...) go through the same rules:

- http(s) only; redirects followed by hand, at most `fetch_max_redirects`, a loop is an error,
  and every hop is checked like the first;
- never this machine or a private network (SSRF), unless `fetch_allow_private` (the tests'
  local sites): a host that is written as one, in any form a URL library or resolver accepts
  (`①②⑦.0.0.1`, `127。0。0。1`, `127.1`, `localhost`: hosts.refusal), is refused before any
  connection; and every connection is checked on the addresses it is about to try and on the
  address it reached (the socket's peer), whatever DNS answered - so no name, redirect or
  rebinding gets past, and nothing is sent to a refused address;
- timeouts (total and connect); the body is read as a stream and cut off past the caller's
  `max_bytes` (whatever Content-Length said), and decompressed here with that same cap, so a
  gzip bomb never inflates past it; the caller's media types only, by Content-Type and, when it
  asks, by the bytes themselves (`Want.sniff`).
"""
from __future__ import annotations

import asyncio
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import aiohttp
import yarl
from aiohttp.abc import AbstractResolver

from .. import hosts
from ..errors import QuietPageError
from ..reader.parse import decode_page
from ..settings import Settings
from ..urls import url_key

HTML_TYPES = ("text/html", "application/xhtml+xml")
REDIRECTS = (301, 302, 303, 307, 308)
CHUNK = 64 * 1024


class FetchError(QuietPageError):
    status, code = 422, "fetch_failed"


class PrivateAddress(OSError):
    """A connection the guard refused; aiohttp hands it back inside a ClientConnectorError."""


@dataclass(frozen=True)
class Want:
    """What a caller takes from a URL (the rules above apply whatever it says)."""

    types: tuple[str, ...]  # media types: exact ("text/html") or a family ("image/")
    max_bytes: int  # of the body as decompressed; past it the read stops (fetch_too_large)
    what: str = "file"  # for messages: "web page", "image"
    limit_name: str = ""  # the setting behind max_bytes, named in the message
    accept: str = "*/*"  # the Accept header sent
    # (body, declared type) -> the media type to trust, or None to refuse the body
    sniff: Callable[[bytes, str], str | None] | None = None
    timeout_s: float | None = None  # total time, instead of fetch_timeout_s
    type_code: str = "fetch_wrong_type"

    def takes(self, ctype: str) -> bool:
        return any(ctype == t or (t.endswith("/") and ctype.startswith(t)) for t in self.types)


@dataclass(frozen=True)
class Fetched:
    url: str  # after redirects
    content_type: str  # as declared, or as `Want.sniff` said
    charset: str | None
    body: bytes


@dataclass(frozen=True)
class Page:
    url: str  # after redirects
    html: str


def page_want(settings: Settings) -> Want:
    return Want(HTML_TYPES, settings.fetch_max_bytes, what="web page", limit_name="fetch_max_bytes",
                accept="text/html,application/xhtml+xml;q=0.9,*/*;q=0.1", type_code="fetch_not_html")


class GuardedConnector(aiohttp.TCPConnector):
    """A TCPConnector that connects to public addresses only: it checks the addresses it is
    about to try (what DNS answered, or the IP literal, after yarl's IDNA mapping) and the
    socket's peer once connected, for every connection of every hop."""

    def __init__(self, *, allow_private: bool, **kwargs):
        super().__init__(**kwargs)
        self.allow_private = allow_private

    async def _wrap_create_connection(self, *args, **kwargs):
        req = kwargs.get("req")
        if not self.allow_private:
            for info in kwargs.get("addr_infos") or ():  # aiohttp >= 3.10 hands them over first
                self._check(req, str(info[4][0]))
        transport, proto = await super()._wrap_create_connection(*args, **kwargs)
        if not self.allow_private:
            peer = transport.get_extra_info("peername")
            try:
                self._check(req, str(peer[0]) if peer else "")
            except BaseException:
                transport.close()
                raise
        return transport, proto

    @staticmethod
    def _check(req, address: str) -> None:
        why = hosts.address_refusal(address)
        if why is None:
            return
        if req is None:  # not how aiohttp calls it; refused all the same
            raise PrivateAddress(why)
        raise aiohttp.ClientConnectorError(req.connection_key, PrivateAddress(f"{req.url.host} connects to {why}"))


class Fetcher:
    """`async with Fetcher(settings) as f: page = await f.fetch(url)` (or `await f.get(url, want)`);
    one session, its connections reused, for many URLs. `resolver` replaces the system's DNS
    (tests); the address guard does not depend on it."""

    def __init__(self, settings: Settings, *, resolver: AbstractResolver | None = None):
        self.s = settings
        self._resolver = resolver
        self._session: aiohttp.ClientSession | None = None
        self._page = page_want(settings)

    async def __aenter__(self) -> "Fetcher":
        connector = GuardedConnector(allow_private=self.s.fetch_allow_private, resolver=self._resolver,
                                     limit=max(1, self.s.fetch_concurrency), use_dns_cache=False)
        self._session = aiohttp.ClientSession(
            connector=connector, trust_env=False, auto_decompress=False,
            timeout=aiohttp.ClientTimeout(total=self.s.fetch_timeout_s, connect=self.s.fetch_connect_timeout_s),
            headers={"User-Agent": self.s.fetch_user_agent, "Accept-Encoding": "gzip, deflate"})
        return self

    async def __aexit__(self, *exc) -> None:
        await self._session.close()

    async def fetch(self, url: str) -> Page:
        """A web page, decoded (charset from the header, the page's own declaration, or a guess)."""
        got = await self.get(url, self._page)
        return Page(got.url, decode_page(got.body, got.charset))

    async def get(self, url: str, want: Want) -> Fetched:
        """The body at `url` as `want` allows it; FetchError (422, a `fetch_*` code) otherwise."""
        try:
            return await self._follow(url, want)
        except FetchError:
            raise
        except asyncio.TimeoutError:
            seconds = want.timeout_s or self.s.fetch_timeout_s
            raise FetchError(f"The site did not answer within {seconds:g} s.", code="fetch_timeout") from None
        except PrivateAddress as exc:
            raise _private(str(exc)) from None
        except aiohttp.ClientConnectorError as exc:
            if isinstance(exc.os_error, PrivateAddress):
                raise _private(str(exc.os_error)) from None
            raise FetchError(f"Could not connect to {exc.host}: {exc.os_error.strerror or exc.os_error}.",
                             code="fetch_unreachable") from None
        except (aiohttp.ClientError, ValueError, zlib.error) as exc:
            raise FetchError(f"The {want.what} could not be fetched: {exc or type(exc).__name__}.",
                             code="fetch_network") from None

    async def _follow(self, url: str, want: Want) -> Fetched:
        seen = {url_key(url)}
        timeout = aiohttp.ClientTimeout(total=want.timeout_s, connect=self.s.fetch_connect_timeout_s) \
            if want.timeout_s else None
        for _ in range(self.s.fetch_max_redirects + 1):
            target = self._check_target(url)
            async with self._session.get(target, allow_redirects=False, timeout=timeout,
                                         headers={"Accept": want.accept}) as resp:
                if resp.status in REDIRECTS:
                    url = self._next(url, resp, seen)
                    continue
                if resp.status >= 400:
                    raise FetchError(f"The site answered {resp.status} {resp.reason or ''}".rstrip() + ".",
                                     code="fetch_http_error")
                ctype = resp.content_type
                if not want.takes(ctype):
                    raise FetchError(f"It is not a {want.what} (the site sent {ctype or 'no type'}).",
                                     code=want.type_code)
                body = await _read(resp, want)
                if want.sniff is not None:
                    ctype = want.sniff(body, ctype)
                    if ctype is None:
                        raise FetchError(f"It is not a {want.what} (its bytes are something else).",
                                         code=want.type_code)
                return Fetched(str(resp.url), ctype, resp.charset, body)
        raise FetchError(f"Too many redirects (more than {self.s.fetch_max_redirects}).", code="fetch_redirects")

    def _next(self, url: str, resp: aiohttp.ClientResponse, seen: set[str]) -> str:
        location = resp.headers.get("Location")
        if not location:
            raise FetchError(f"The site answered {resp.status} without saying where to.", code="fetch_redirects")
        target = urljoin(url, location)
        key = url_key(target)
        if key in seen:
            raise FetchError("The site redirects in a loop.", code="fetch_redirect_loop")
        seen.add(key)
        return target

    def _check_target(self, url: str) -> yarl.URL:
        """The URL as aiohttp will request it, once its scheme and host pass (both as written
        and as yarl maps them)."""
        parts = urlsplit(url)
        if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
            raise FetchError(f"Only http:// and https:// addresses are fetched, not {url[:100]!r}.",
                             code="fetch_bad_url")
        target = yarl.URL(url)
        if not self.s.fetch_allow_private:
            for host in (parts.hostname, target.raw_host or ""):
                if (why := hosts.refusal(host)) is not None:
                    raise _private(why)
        return target


async def _read(resp: aiohttp.ClientResponse, want: Want) -> bytes:
    """The body, decompressed, never more than want.max_bytes of it in memory."""
    limit = want.max_bytes
    if resp.content_length is not None and resp.content_length > limit:
        raise _too_large(want)
    inflate = _Inflater(resp.headers.get("Content-Encoding", ""), limit + 1)
    body = bytearray()
    async for chunk in resp.content.iter_chunked(CHUNK):
        body += inflate.feed(chunk, limit + 1 - len(body))
        if len(body) > limit:
            raise _too_large(want)
    body += inflate.flush(limit + 1 - len(body))
    if len(body) > limit:
        raise _too_large(want)
    return bytes(body)


class _Inflater:
    """Content-Encoding undone by hand (aiohttp's own decoder is off): each step yields at most
    what the caller still has room for, so compressed input never expands past the cap."""

    def __init__(self, encoding: str, cap: int):
        encoding = encoding.strip().lower()
        if encoding in ("", "identity"):
            self._z = None
        elif encoding in ("gzip", "x-gzip", "deflate"):
            self._z = zlib.decompressobj(zlib.MAX_WBITS | 32)  # gzip or zlib header, detected
        else:
            raise FetchError(f"The site sent the body encoded as {encoding[:40]!r}, which is not supported.",
                             code="fetch_network")

    def feed(self, data: bytes, room: int) -> bytes:
        if self._z is None:
            return data
        # Output stops at `room`: input left over then means the body is too large anyway.
        return self._z.decompress(data, max(room, 1))

    def flush(self, room: int) -> bytes:
        """What is left (zlib's own flush() has no size cap, so it is never called)."""
        if self._z is None or not self._z.unconsumed_tail:
            return b""
        return self._z.decompress(self._z.unconsumed_tail, max(room, 1))


def _too_large(want: Want) -> FetchError:
    size = f"{want.max_bytes // (1024 * 1024)} MiB" if want.max_bytes >= 1024 * 1024 else f"{want.max_bytes} bytes"
    return FetchError(f"The {want.what} is larger than {size}" + (f" ({want.limit_name})." if want.limit_name else "."),
                      code="fetch_too_large")


def _private(detail: str) -> FetchError:
    return FetchError(f"Not fetched: {detail}. QuietPage only fetches public sites "
                      "(fetch_allow_private is off).", code="fetch_not_allowed")
