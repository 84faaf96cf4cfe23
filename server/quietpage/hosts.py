"""Which hosts are this machine or a private network, from the host as a URL writes it. Pure:
no DNS, no aiohttp (the fetcher checks the address it actually connects to as well; the
sanitiser can use this to drop links to local services).

A URL library does not connect to the host as written: yarl (under aiohttp) and browsers map it
through IDNA/UTS #46 first, so `①②⑦.0.0.1`, `１２７.０.０.１` and `127。0。0。1` all become
127.0.0.1, and the C library reads `127.1`, `0x7f.1`, `0177.0.0.1` and `2130706433` as
127.0.0.1 too. `normal_host` applies the same mappings, so `ip_literal` sees the address that
will be dialled.
"""
from __future__ import annotations

import ipaddress
import re
import socket
import unicodedata
from urllib.parse import unquote

IP = ipaddress.IPv4Address | ipaddress.IPv6Address
# Full stops that IDNA treats as label separators: ideographic, fullwidth, halfwidth ideographic.
_DOTS = str.maketrans({"\u3002": ".", "\uff0e": ".", "\uff61": "."})
# What inet_aton (and so getaddrinfo) reads as an IPv4 address: 1 to 4 parts, decimal, octal or hex.
_INET_ATON = re.compile(r"(?:0x[0-9a-f]*|[0-9]+)(?:\.(?:0x[0-9a-f]*|[0-9]+)){0,3}")
# Names that are this machine without asking DNS (RFC 6761 §6.3: *.localhost too).
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_LOCAL_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"})


def normal_host(host: str) -> str:
    """The host as it is connected to: NFKC (circled, fullwidth and other compatibility digits
    and letters become ASCII), the other full stops as dots, lower case, without IPv6 brackets,
    a zone id or a trailing dot."""
    h = unicodedata.normalize("NFKC", host.strip()).translate(_DOTS).lower()
    if h.startswith("[") and h.endswith("]"):
        h = h[1:-1]
    return h.split("%", 1)[0].rstrip(".")


def ip_literal(host: str) -> IP | None:
    """The IP address this host is written as (in any form a resolver accepts), or None for a name."""
    h = normal_host(host)
    try:
        return ipaddress.ip_address(h)
    except ValueError:
        pass
    if _INET_ATON.fullmatch(h):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(h))
        except OSError:
            return None
    return None


def is_public(ip: IP) -> bool:
    """A globally routable unicast address: not loopback, private, link-local, shared (CGNAT),
    reserved, site-local or multicast. An IPv6 address that carries an IPv4 one (mapped, 6to4,
    NAT64, Teredo) must be public on both counts."""
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if embedded is None and ip in _NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if (embedded is not None and not is_public(embedded)) or ip.is_site_local:
            return False
    return ip.is_global and not ip.is_multicast and not ip.is_reserved


def is_local_name(host: str) -> bool:
    h = normal_host(host)
    return h in _LOCAL_NAMES or h.endswith(".localhost")


def refusal(host: str) -> str | None:
    """Why this host is not to be contacted (this machine or a private network), decided from
    the host alone; None when only DNS can tell (the connection is checked then)."""
    if is_local_name(host):
        return f"{host[:100]} is this machine"
    ip = ip_literal(host)
    if ip is not None and not is_public(ip):
        shown = host[:100] if host.strip("[]") == str(ip) else f"{host[:100]} ({ip})"
        return f"{shown} is on this machine or a private network"
    return None


def address_refusal(address: str) -> str | None:
    """The same rule for an address a socket connects to (as getaddrinfo/getpeername give it)."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return f"{address[:100]} is not an IP address"
    return None if is_public(ip) else f"{ip} is on this machine or a private network"


# What the URL Standard drops from any URL before parsing it, and strips from its ends.
_URL_TABS = str.maketrans("", "", "\t\n\r")
_URL_ENDS = "".join(map(chr, range(0x21)))
_HTTP = re.compile(r"^https?:", re.I)


def browser_host(url: str) -> str | None:
    """The host a browser connects to for an http(s) URL, read as the URL Standard reads it
    (not as urllib does: `http://127.0.0.1\\@example.com/` goes to 127.0.0.1): tabs and newlines
    dropped, backslashes are slashes, any slashes after the scheme, the host after the last `@`
    of the authority, before its port, percent-decoded. None for any other scheme."""
    u = url.translate(_URL_TABS).strip(_URL_ENDS)
    if not _HTTP.match(u):
        return None
    authority = re.split(r"[/?#]", u.split(":", 1)[1].replace("\\", "/").lstrip("/"), maxsplit=1)[0]
    host = authority.rpartition("@")[2]
    host = host[:host.find("]") + 1] if host.startswith("[") and "]" in host else host.split(":", 1)[0]
    return unquote(host)


def url_refusal(url: str) -> str | None:
    """Why a browser following this http(s) URL would reach this machine or a private network
    (from the URL alone: a public name that resolves here is not caught without DNS)."""
    host = browser_host(url)
    return refusal(host) if host else None
