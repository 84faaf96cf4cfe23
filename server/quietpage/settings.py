"""One frozen settings object: every knob of the server, its default and why.

Build it with `Settings(data_dir=...)` (tests pass `tmp_path`), or `Settings.load(data_dir,
**flags)`, which the CLI uses: the code's defaults, then `<data dir>/config.toml` (any field
below but data_dir, each value checked, a mistake named by its key), then the command's flags.
Nothing else in the package reads the environment or the config file.
"""
from __future__ import annotations

import difflib
import errno
import ipaddress
import json
import os
import re
import sys
import tempfile
import tomllib
import typing
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from .errors import DiskFull, QuietPageError, StorageError

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 27182
ENV_DATA_DIR = "QUIETPAGE_DATA_DIR"
ENV_RUNTIME_DIR = "QUIETPAGE_RUNTIME_DIR"
MiB = 1024 * 1024
CONFIG_FILE = "config.toml"
REMOTE_IMAGES = ("never", "until_archived")


class ConfigError(QuietPageError):
    """config.toml cannot be used: the message names the file and the key."""

    status, code = 400, "bad_config"


def env_data_dir() -> Path | None:
    """The data folder $QUIETPAGE_DATA_DIR names, if it names one."""
    env = os.environ.get(ENV_DATA_DIR)
    return Path(env).expanduser() if env else None


def default_data_dir() -> Path:
    """The platform's user data dir (e.g. ~/.local/share/quietpage), unless the env says otherwise."""
    env = env_data_dir()
    if env is not None:
        return env
    from platformdirs import user_data_dir

    return Path(user_data_dir("quietpage", appauthor=False))


def runtime_dir() -> Path:
    """A per-user folder for what lasts only while QuietPage runs (where its servers listen):
    $QUIETPAGE_RUNTIME_DIR, else $XDG_RUNTIME_DIR/quietpage, else /run/user/<uid>/quietpage, else
    quietpage-<uid> in the temp folder (macOS and Windows: the platform's own)."""
    env = os.environ.get(ENV_RUNTIME_DIR)
    if env:
        return Path(env).expanduser()
    if sys.platform in ("win32", "darwin"):
        from platformdirs import user_runtime_dir

        return Path(user_runtime_dir("quietpage", appauthor=False))
    xdg = os.environ.get("XDG_RUNTIME_DIR", "")
    if os.path.isabs(xdg) and os.path.isdir(xdg):
        return Path(xdg) / "quietpage"
    uid = os.getuid()
    if os.path.isdir(f"/run/user/{uid}"):
        return Path(f"/run/user/{uid}") / "quietpage"
    return Path(tempfile.gettempdir()) / f"quietpage-{uid}"


def _user_agent() -> str:
    from . import __version__

    return f"QuietPage/{__version__} (local read-it-later; fetching a page its user saved)"


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
    # The folder of the library (--data-dir or $QUIETPAGE_DATA_DIR; never set in config.toml).
    data_dir: Path = field(default_factory=default_data_dir)
    # The address `quietpage serve` listens on: loopback only, unless allow_remote.
    host: str = DEFAULT_HOST
    # Its port (0 picks a free one); the extension finds it in its Options.
    port: int = DEFAULT_PORT
    # Binding anything but loopback exposes the library to the network; it must be asked for.
    allow_remote: bool = False
    # What a slow client may hold (any program on this machine can connect; web/serving.py):
    # a new connection sends its whole request head within header_timeout_s, an idle
    # keep-alive connection is closed after keepalive_timeout_s, and a request body that stops
    # arriving for body_timeout_s ends with 408. Browsers, the extension and scripts on
    # loopback send at once; a slowloris holds connections for ever without these.
    header_timeout_s: float = 10.0
    keepalive_timeout_s: float = 30.0
    body_timeout_s: float = 30.0

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
    # How deeply a captured page's elements may nest (422 past it), measured on the parsed tree
    # (reader/limits.py: one policy, nothing flattened). Real pages stay far below (the deepest
    # of the 221 corpus pages nests 51 levels); the reader's work on a block grows with its
    # depth, so deeper pages are refused. 256 is libxml2's own default nesting limit.
    max_html_depth: int = 256
    # Highlights one article may hold (422 past it): a whole book highlighted line by line
    # stays below; an endless loop of a buggy or hostile client does not.
    max_highlights_per_article: int = 5000
    # Selectors one highlight may carry (W3C quote + position, and room for others): a request
    # cannot make the server anchor thousands of them.
    max_selectors: int = 8
    # Paging of lists: the items one page of a list (GET /api/articles, ...) holds unless the
    # request asks for fewer, and the most a request may ask for.
    default_page_size: int = 50
    max_page_size: int = 200

    # -- auth ---------------------------------------------------------------------------------
    # A login link works once and only for this long: it is shown in a terminal or opened by
    # the extension straight away, so minutes are plenty.
    login_link_ttl_s: int = 600
    # The pages' session cookie lives this long; the token itself never expires (rotate it).
    session_ttl_s: int = 30 * 24 * 3600
    # A pairing code (`quietpage pair`) is read off a terminal and typed into the extension
    # right away: it works once, for this long.
    pair_code_ttl_s: int = 300
    # Wrong codes one extension origin may try at the waiting code (then `quietpage pair`
    # again); counted per origin, so another program's guesses never use up the user's (web/
    # pairing.py also bounds the guesses of all origins together).
    max_pair_attempts: int = 5

    # -- work ---------------------------------------------------------------------------------
    # Processes that run extraction off the event loop (it is Python-bound: threads would hold
    # the GIL the event loop needs). One per core by default.
    extract_workers: int = field(default_factory=lambda: max(1, os.cpu_count() or 1))
    # Pages that may wait for a free worker; one more is answered 503 with Retry-After, so a
    # burst cannot queue minutes of work or hold many 15 MiB pages in memory.
    extract_queue_limit: int = 16
    # What that 503 tells the client to wait, in seconds (a page takes ~0.1-1 s to extract).
    extract_retry_after_s: int = 2
    # Workers run at this lower priority (nice), so the event loop always gets a core first.
    extract_worker_nice: int = 10
    # The most time one page may take to read, in seconds. Real pages take well under a second
    # (the corpus' median is ~14 ms); every stage of the reader is linear, yet a page built to
    # defeat it (a million elements in 15 MB) still takes minutes (benchmarks/time_limit.py).
    # Past this its worker process is killed and replaced, and the save answers 422 "took too
    # long to read", with the page kept to read again later.
    extract_time_limit_s: float = 20.0
    # Deleted articles stay restorable ("undo", trash) for this long before they are purged.
    trash_ttl_s: int = 30 * 24 * 3600

    # -- storage (see store/storage.py) --------------------------------------------------------
    # The journal is folded into a new snapshot, in the background, once it is this large. It
    # bounds the replay at start-up (~0.1 s per 32 MiB) while the snapshot (~100 MB at 100k
    # highlights) is rewritten rarely.
    journal_compact_bytes: int = 32 * MiB
    # Daily backups of the snapshot kept in <data dir>/backups; older ones are deleted.
    backup_count: int = 7
    # How often the running server takes one.
    backup_interval_s: int = 24 * 3600
    # How often an idle server checks whether a compaction or a backup is due.
    maintenance_interval_s: int = 600

    # -- export, import and fetching (see transfer/) --------------------------------------------
    # An uploaded import file (POST /api/import) is spooled to disk up to this size; a JSON
    # backup holds every page as captured, so it is far larger than a request body (413 past it).
    max_import_bytes: int = 2048 * MiB
    # One file inside an Omnivore zip/folder (a metadata list or an article's content): a
    # member past it is refused (422) instead of being inflated into memory (zip bombs).
    max_import_member_bytes: int = 64 * MiB
    # One article of a JSON backup (a line: record, reader view, text, captured page) or one
    # entry of an Omnivore list, as JSON: parsed one at a time, so this bounds an import's memory.
    max_import_entry_bytes: int = 40 * MiB
    # Articles one import may bring (a heavy Pocket user has tens of thousands).
    max_import_items: int = 200_000
    # Everything one import reads out of its zip or folder, decompressed (each pass): a zip of
    # many small bombs stays bounded in time, not only each member.
    max_import_expanded_bytes: int = 8192 * MiB
    # Fetching saved URLs (imported without content): total time per page and for the connect.
    fetch_timeout_s: float = 30.0
    fetch_connect_timeout_s: float = 10.0
    # A page larger than this is not read past it (same order as a captured page).
    fetch_max_bytes: int = 15 * MiB
    # Redirects followed per page; a loop or a longer chain is an error for that page.
    fetch_max_redirects: int = 5
    # Pages fetched at once: polite to sites, and bounds memory (concurrency x fetch_max_bytes).
    fetch_concurrency: int = 4
    # What the fetcher says it is.
    fetch_user_agent: str = field(default_factory=lambda: _user_agent())
    # Fetching a URL that resolves to this machine or a private network (127/8, ::1, 10/8,
    # 172.16/12, 192.168/16, 169.254/16, fc00::/7, ...) could reach services that trust the
    # local network (SSRF). Refused unless turned on; tests turn it on for their local site.
    fetch_allow_private: bool = False

    # -- images of saved articles (see transfer/images.py) -----------------------------------------
    # Until an image is archived (or when it cannot be), the reader may show it from the publisher's
    # server ("until_archived", which tells that server you are reading), or never ("never": a gap
    # until the copy is here). Once archived, the reader contacts no one either way.
    remote_images: str = "until_archived"
    # One image larger than this (as received, decompressed) is not kept: a photo is rarely above
    # 5 MiB; a hostile "image" of gigabytes is cut off here.
    image_max_bytes: int = 10 * MiB
    # All the images of one article together (a long photo essay stays below).
    image_article_max_bytes: int = 64 * MiB
    # Images archived per article at most (the rest are left to the original site).
    image_max_count: int = 300
    # Pixels (width x height) an image may declare: a few-KB PNG can claim 100,000 x 100,000 and
    # inflate to 40 GB when decoded (a decompression bomb). 50 MP covers any camera.
    image_max_pixels: int = 50_000_000
    # Total time to fetch one image (a slow server is cut off here; the save answered long ago).
    image_timeout_s: float = 20.0
    # Images fetched at once while archiving (from any sites).
    image_concurrency: int = 4

    # -- tags (see tags/ and library/articles.py) --------------------------------------------------
    # "Apply my own tags automatically": a save then applies the suggestions that are tags you
    # already use AND that the page plainly talks about (strong evidence: several mentions, in the
    # headline or across paragraphs). Off: nothing is applied unasked; every suggestion waits as
    # a one-click chip. The pages change it (PATCH /api/preferences writes it here).
    auto_apply_tags: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "data_dir", Path(self.data_dir).expanduser())
        if not 0 <= self.port < 65536:
            raise ValueError(f"port out of range: {self.port}")
        for f in fields(self):  # a negative size, count or time is never meant
            value = getattr(self, f.name)
            if isinstance(value, (int, float)) and not isinstance(value, bool) and value < 0:
                raise ValueError(f"'{f.name}' must not be negative (it is {value})")
        if self.extract_workers < 1:
            raise ValueError("'extract_workers' must be at least 1")
        if self.remote_images not in REMOTE_IMAGES:
            raise ValueError(f"'remote_images' must be one of {', '.join(REMOTE_IMAGES)} (it is {self.remote_images!r})")
        if self.extract_time_limit_s <= 0:
            raise ValueError("'extract_time_limit_s' must be more than 0")

    def with_(self, **changes) -> "Settings":
        return replace(self, **changes)

    @classmethod
    def load(cls, data_dir: Path | None = None, **overrides) -> "Settings":
        """The defaults, then `<data dir>/config.toml` if there is one, then `overrides` (the
        command line's flags; None means not given). ConfigError names what is wrong."""
        data_dir = Path(data_dir).expanduser() if data_dir else default_data_dir()
        try:
            configured = cls(data_dir=data_dir, **read_config(data_dir / CONFIG_FILE))
        except ValueError as exc:
            raise ConfigError(f"{data_dir / CONFIG_FILE}: {exc}") from None
        try:
            return replace(configured, **{k: v for k, v in overrides.items() if v is not None})
        except ValueError as exc:
            raise ConfigError(str(exc)) from None

    @property
    def origin(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"


# ---------------------------------------------------------------------------- config.toml
def _field_types() -> dict[str, type]:
    hints = typing.get_type_hints(Settings)
    return {f.name: hints[f.name] for f in fields(Settings) if f.name != "data_dir"}


def read_config(path: Path) -> dict:
    """The settings that `path` (TOML) sets, each checked against its field's type; {} when
    there is no such file. ConfigError, naming the file and the key, for anything else."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise ConfigError(f"QuietPage cannot read its settings file {path}: {exc.strerror or exc}.") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}. Fix it, or remove it to use the defaults.") from None
    types = _field_types()
    out = {}
    for key, value in data.items():
        if key == "data_dir":
            raise ConfigError(f"{path}: 'data_dir' cannot be set inside the data folder; use --data-dir or "
                              f"${ENV_DATA_DIR}.")
        if key not in types:
            near = difflib.get_close_matches(key, types, n=1)
            raise ConfigError(f"{path}: there is no setting '{key}'"
                              + (f" (did you mean '{near[0]}'?)." if near else ". `quietpage config` lists them."))
        out[key] = _checked(path, key, value, types[key])
    return out


def _checked(path: Path, key: str, value, kind: type):
    names = {bool: "true or false", int: "a whole number", float: "a number", str: "a string"}
    ok = (isinstance(value, bool) if kind is bool else
          isinstance(value, int) and not isinstance(value, bool) if kind is int else
          isinstance(value, (int, float)) and not isinstance(value, bool) if kind is float else
          isinstance(value, kind))
    if not ok:
        raise ConfigError(f"{path}: '{key}' must be {names.get(kind, kind.__name__)}, not {value!r}.")
    return float(value) if kind is float else value


def write_config_value(path: Path, key: str, value: bool | int | float | str) -> None:
    """Set one setting in config.toml (made if missing), the rest of the file kept as written
    (comments, order), replaced atomically: a crash leaves the old file or the new one."""
    kind = _field_types().get(key)
    if kind is None:
        raise ConfigError(f"There is no setting '{key}'.")
    _checked(path, key, value, kind)
    try:
        text = path.read_text("utf-8")
    except FileNotFoundError:
        text = ""
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"QuietPage cannot read its settings file {path}: {exc}.") from None
    line = f"{key} = {_toml_value(value)}"
    own = re.compile(rf"^[ \t]*{re.escape(key)}[ \t]*=.*$", re.M)
    if own.search(text):
        text = own.sub(lambda _: line, text, count=1)
    else:
        text += ("\n" if text and not text.endswith("\n") else "") + line + "\n"
    try:
        written = tomllib.loads(text).get(key)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML ({exc}): fix it, then change the setting again.") from None
    if written != value:
        raise ConfigError(f"{path}: '{key}' could not be set here; edit the file by hand.")
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        error = DiskFull if exc.errno == errno.ENOSPC else StorageError
        raise error(f"QuietPage cannot write its settings file {path}: {exc.strerror or exc}. "
                    "The setting is unchanged.") from None


def _toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value, ensure_ascii=False)  # numbers, and strings (TOML basic strings)
