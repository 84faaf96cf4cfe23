"""Fetching a saved URL's page: the one place that enforces every limit on it.

- http(s) only; redirects followed by hand, at most `fetch_max_redirects`, a loop is an error;
- timeouts (total and connect), a body cap read as a stream (aborted past `fetch_max_bytes`,
  whatever Content-Length said), HTML only (by Content-Type), charset from the header, the
  page's own declaration or a guess;
- no address on this machine or a private network (SSRF), checked on the addresses DNS
  returns, which are the ones connected to (no re-resolving in between), and on literal IPs;
  `fetch_allow_private` turns that off (the tests' local site).
"""
from __future__ import annotations

import asyncio
import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import aiohttp
from aiohttp.abc import AbstractResolver
from aiohttp.resolver import DefaultResolver

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
    """Raised by the resolver; aiohttp hands it back inside a ClientConnectorError."""


@dataclass(frozen=True)
class Page:
    url: str  # after redirects
    html: str


def is_public(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


class GuardedResolver(AbstractResolver):
    """The default resolver, refusing hosts that resolve to a non-public address."""

    def __init__(self, allow_private: bool):
        self._inner = DefaultResolver()
        self._allow_private = allow_private

    async def resolve(self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET):
        infos = await self._inner.resolve(host, port, family)
        if not self._allow_private:
            for info in infos:
                ip = ipaddress.ip_address(info["host"].split("%", 1)[0])
                if not is_public(ip):
                    raise PrivateAddress(f"{host} is on this machine or a private network ({ip})")
        return infos

    async def close(self) -> None:
        await self._inner.close()


class Fetcher:
    """`async with Fetcher(settings) as f: page = await f.fetch(url)`; one session for many pages."""

    def __init__(self, settings: Settings):
        self.s = settings
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> "Fetcher":
        connector = aiohttp.TCPConnector(resolver=GuardedResolver(self.s.fetch_allow_private),
                                         limit=max(1, self.s.fetch_concurrency), use_dns_cache=False)
        self._session = aiohttp.ClientSession(
            connector=connector, trust_env=False,
            timeout=aiohttp.ClientTimeout(total=self.s.fetch_timeout_s, connect=self.s.fetch_connect_timeout_s),
            headers={"User-Agent": self.s.fetch_user_agent,
                     "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1"})
        return self

    async def __aexit__(self, *exc) -> None:
        await self._session.close()

    async def fetch(self, url: str) -> Page:
        try:
            return await self._follow(url)
        except FetchError:
            raise
        except asyncio.TimeoutError:
            raise FetchError(f"The site did not answer within {self.s.fetch_timeout_s:g} s.",
                             code="fetch_timeout") from None
        except aiohttp.ClientConnectorError as exc:
            if isinstance(exc.os_error, PrivateAddress) or isinstance(exc.__cause__, PrivateAddress):
                raise self._private(str(exc.os_error)) from None
            raise FetchError(f"Could not connect to {exc.host}: {exc.os_error.strerror or exc.os_error}.",
                             code="fetch_unreachable") from None
        except PrivateAddress as exc:
            raise self._private(str(exc)) from None
        except (aiohttp.ClientError, ValueError) as exc:
            raise FetchError(f"The page could not be fetched: {exc or type(exc).__name__}.",
                             code="fetch_network") from None

    async def _follow(self, url: str) -> Page:
        seen = {url_key(url)}
        for _ in range(self.s.fetch_max_redirects + 1):
            self._check_target(url)
            async with self._session.get(url, allow_redirects=False) as resp:
                if resp.status in REDIRECTS:
                    url = self._next(url, resp, seen)
                    continue
                if resp.status >= 400:
                    raise FetchError(f"The site answered {resp.status} {resp.reason or ''}".rstrip() + ".",
                                     code="fetch_http_error")
                ctype = resp.content_type
                if ctype not in HTML_TYPES:
                    raise FetchError(f"It is not a web page (the site sent {ctype or 'no type'}, not HTML).",
                                     code="fetch_not_html")
                raw = await self._read(resp)
                return Page(str(resp.url), decode_page(raw, resp.charset))
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

    def _check_target(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
            raise FetchError(f"Only http:// and https:// pages are fetched, not {url[:100]!r}.",
                             code="fetch_bad_url")
        try:
            ip = ipaddress.ip_address(parts.hostname.strip("[]"))
        except ValueError:
            return  # a name: checked by the resolver
        if not self.s.fetch_allow_private and not is_public(ip):
            raise self._private(f"{ip} is on this machine or a private network")

    async def _read(self, resp: aiohttp.ClientResponse) -> bytes:
        limit = self.s.fetch_max_bytes
        if resp.content_length is not None and resp.content_length > limit:
            raise self._too_large()
        body = bytearray()
        async for chunk in resp.content.iter_chunked(CHUNK):
            body += chunk
            if len(body) > limit:
                raise self._too_large()
        return bytes(body)

    def _too_large(self) -> FetchError:
        return FetchError(f"The page is larger than {self.s.fetch_max_bytes // (1024 * 1024)} MiB "
                          "(fetch_max_bytes).", code="fetch_too_large")

    @staticmethod
    def _private(detail: str) -> FetchError:
        return FetchError(f"Not fetched: {detail}. QuietPage only fetches public sites "
                          "(fetch_allow_private is off).", code="fetch_not_allowed")
