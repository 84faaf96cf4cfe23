"""Pairing the extension without copy-paste, and remembering which extension paired.

Pure but for two small files in the data dir (mode 0600, written atomically):

- `pairing.json`: the one code waiting to be typed in. `quietpage pair` writes it (the CLI and
  the server share the data dir, so nothing travels over HTTP but the code itself); it holds
  the code's hash, its expiry and the wrong guesses so far. The server deletes it when the code
  is used, expires, or was guessed wrong `max_attempts` times - so a code works once.
- `extensions.json`: the origins (chrome-extension://<id>, moz-extension://<uuid>) of the
  extensions that paired or used the token, bound to the token they saw: rotating the token
  forgets them all.

A code is 8 characters of Crockford's base32 (40 bits, no I/L/O/U to misread), shown as
`ABCD-EFGH`; typing it in lower case, with spaces, or with O for 0 and I/L for 1 is fine.
"""
from __future__ import annotations

import hashlib
import secrets
import time
from pathlib import Path

import orjson

from .auth import same_secret, token_id
from ..errors import TooManyAttempts, Unauthorized
from ..store.files import atomic_write

PAIRING_FILE = "pairing.json"
EXTENSIONS_FILE = "extensions.json"
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base32
CODE_CHARS = 8
MAX_EXTENSIONS = 4  # origins remembered (an id changes when an unpacked extension moves)
_TYPOS = str.maketrans({"O": "0", "I": "1", "L": "1"})
RUN_PAIR = "Run `quietpage pair` for a new code."


def new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_CHARS))
    return f"{raw[:4]}-{raw[4:]}"


def normalize_code(code: str) -> str:
    return "".join(code.split()).replace("-", "").upper().translate(_TYPOS)


def _code_hash(code: str) -> str:
    return hashlib.sha256(normalize_code(code).encode()).hexdigest()


def _read_json(path: Path) -> dict | None:
    try:
        data = orjson.loads(path.read_bytes())
    except (FileNotFoundError, orjson.JSONDecodeError):
        return None
    return data if isinstance(data, dict) else None


def _write_json(path: Path, data: dict) -> None:
    atomic_write(path, orjson.dumps(data), mode=0o600)


# ----------------------------------------------------------------------------- codes
def issue_code(data_dir: Path, ttl_s: int, now: float | None = None) -> str:
    """A new pairing code, replacing any code still waiting. (The CLI's side.)"""
    code = new_code()
    _write_json(Path(data_dir) / PAIRING_FILE,
                {"hash": _code_hash(code), "expires_at": (now or time.time()) + ttl_s, "failures": 0})
    return code


def redeem_code(data_dir: Path, code: str, max_attempts: int, now: float | None = None) -> None:
    """Use the waiting code; Unauthorized if it is wrong, expired or missing, TooManyAttempts
    when this wrong guess was the last allowed. Call it from one thread at a time (the server
    runs it on the store's thread): it reads, then rewrites or deletes, the pairing file."""
    path = Path(data_dir) / PAIRING_FILE
    state = _read_json(path)
    now = now or time.time()
    if not state or not isinstance(state.get("hash"), str):
        raise Unauthorized(f"No pairing code is waiting (each works once). {RUN_PAIR}", code="no_pairing_code")
    if not isinstance(state.get("expires_at"), (int, float)) or state["expires_at"] < now:
        path.unlink(missing_ok=True)
        raise Unauthorized(f"That pairing code has expired. {RUN_PAIR}", code="expired_pairing_code")
    if same_secret(_code_hash(code), state["hash"]):
        path.unlink(missing_ok=True)
        return
    failures = int(state.get("failures", 0)) + 1
    if failures >= max_attempts:
        path.unlink(missing_ok=True)
        raise TooManyAttempts(f"Too many wrong pairing codes: the code was thrown away. {RUN_PAIR}")
    _write_json(path, {**state, "failures": failures})
    left = max_attempts - failures
    raise Unauthorized(f"That is not the pairing code `quietpage pair` shows ({left} more "
                       f"{'try' if left == 1 else 'tries'} before it is thrown away).", code="wrong_pairing_code")


def cancel_code(data_dir: Path) -> None:
    (Path(data_dir) / PAIRING_FILE).unlink(missing_ok=True)


# ------------------------------------------------------------------- paired extensions
def load_extensions(data_dir: Path, token: str) -> tuple[str, ...]:
    """The extension origins paired with this token (none after the token was rotated)."""
    data = _read_json(Path(data_dir) / EXTENSIONS_FILE) or {}
    origins = data.get("origins") if data.get("token_id") == token_id(token) else None
    return tuple(o for o in origins if isinstance(o, str)) if isinstance(origins, list) else ()


def save_extensions(data_dir: Path, token: str, origins: tuple[str, ...]) -> None:
    _write_json(Path(data_dir) / EXTENSIONS_FILE,
                {"token_id": token_id(token), "origins": list(origins[-MAX_EXTENSIONS:])})


def with_origin(origins: tuple[str, ...], origin: str) -> tuple[str, ...]:
    """`origin` added as the most recent, the oldest dropped past MAX_EXTENSIONS."""
    return (*(o for o in origins if o != origin), origin)[-MAX_EXTENSIONS:]
