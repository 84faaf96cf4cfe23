"""One frozen settings object: every knob of the server, its default and why.

Build it with `Settings(data_dir=...)` (tests pass `tmp_path`) or `Settings.from_env()`; the CLI
fills it from its flags. Nothing else in the package reads the environment.
"""
from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass, field, replace
from pathlib import Path

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 27182
ENV_DATA_DIR = "QUIETPAGE_DATA_DIR"
MiB = 1024 * 1024


def default_data_dir() -> Path:
    """The platform's user data dir (e.g. ~/.local/share/quietpage), unless the env says otherwise."""
    env = os.environ.get(ENV_DATA_DIR)
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("quietpage", appauthor=False))


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and 'localhost' - the only hosts we bind without --allow-remote."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class Settings:
    data_dir: Path = field(default_factory=default_data_dir)
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    # Binding anything but loopback exposes the library to the network; it must be asked for.
    allow_remote: bool = False

    # -- limits (each answered with a clear 413/422, never a crash) --------------------------
    # Whole request body. A captured page with inline images can be large; 16 MiB covers
    # real pages while keeping a hostile upload from filling memory.
    max_body_bytes: int = 16 * MiB
    # Characters of `html` we accept for extraction (the body limit applies first).
    max_html_chars: int = 15 * MiB
    # Longest URL we store; longer ones are almost always tracking junk or an attack.
    max_url_chars: int = 8192
    # A highlight's note is Markdown written by the user; generous but bounded.
    max_note_chars: int = 20_000
    # A highlight's quote: a long passage is fine, a whole book is not.
    max_quote_chars: int = 20_000
    # Search query length.
    max_query_chars: int = 500
    # Tags: how many per article and how long each name may be.
    max_tags: int = 50
    max_tag_chars: int = 100
    # Paging of lists.
    default_page_size: int = 50
    max_page_size: int = 200

    # -- auth ---------------------------------------------------------------------------------
    # A login link works once and only for this long: it is shown in a terminal or opened by
    # the extension straight away, so minutes are plenty.
    login_link_ttl_s: int = 600
    # The pages' session cookie lives this long; the token itself never expires (rotate it).
    session_ttl_s: int = 30 * 24 * 3600

    # -- work ---------------------------------------------------------------------------------
    # Threads that run extraction off the event loop.
    extract_workers: int = 2
    # Deleted articles stay restorable ("undo", trash) for this long before they are purged.
    trash_ttl_s: int = 30 * 24 * 3600

    def __post_init__(self) -> None:
        object.__setattr__(self, "data_dir", Path(self.data_dir).expanduser())
        if not 0 < self.port < 65536 and self.port != 0:
            raise ValueError(f"port out of range: {self.port}")

    def with_(self, **changes) -> "Settings":
        return replace(self, **changes)

    @property
    def origin(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"
