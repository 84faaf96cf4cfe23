"""Pairing the extension without copy-paste, and remembering which extension paired.

Pure but for two small files in the data dir (mode 0600, written atomically):

- `pairing.json`: the one code waiting to be typed in. `quietpage pair` writes it (the CLI and
  the server share the data dir, so nothing travels over HTTP but the code itself); it holds
  the code's hash, its expiry and the wrong guesses so far, counted per origin: any program on
  this machine can send guesses, so one that guesses wrong uses up its own tries, not the
  user's extension's. Past MAX_GUESSERS origins' worth of wrong guesses the code is thrown away
  (a bound on guessing, whatever origins a program claims) and the file keeps a note of it, so
  the right code typed afterwards is told exactly that. A code works once.
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
# Wrong guesses at one code in all: max_attempts per origin, for at most this many origins
# (100 guesses at a 40-bit code: a 1-in-10-billion chance).
MAX_GUESSERS = 20
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
                {"hash": _code_hash(code), "expires_at": (now or time.time()) + ttl_s, "failures": {}})
    return code


def redeem_code(data_dir: Path, code: str, max_attempts: int, now: float | None = None,
                origin: str = "") -> None:
    """Use the waiting code; Unauthorized if it is wrong, expired or missing; TooManyAttempts
    once `origin` has guessed wrong `max_attempts` times (its own tries: others' wrong guesses do
    not use them up) or the code was thrown away (saying so, even to the right code). Call it from one thread at a time (the server runs it on
    the store's thread): it reads, then rewrites or deletes, the pairing file."""
    path = Path(data_dir) / PAIRING_FILE
    state = _read_json(path)
    now = now or time.time()
    if not state or not isinstance(state.get("hash"), str):
        raise Unauthorized(f"No pairing code is waiting (each works once). {RUN_PAIR}", code="no_pairing_code")
    if not isinstance(state.get("expires_at"), (int, float)) or state["expires_at"] < now:
        path.unlink(missing_ok=True)
        raise Unauthorized(f"That pairing code has expired. {RUN_PAIR}", code="expired_pairing_code")
    found = state.get("failures") if isinstance(state.get("failures"), dict) else {}
    failures = {k: v for k, v in found.items() if isinstance(v, int)}
    right = same_secret(_code_hash(code), state["hash"])
    if state.get("thrown_away"):
        raise TooManyAttempts(f"{'That was the right code, but it' if right else 'The waiting code'} was thrown "
                              f"away after {sum(failures.values())} wrong guesses from other programs or extensions "
                              f"on this computer. {RUN_PAIR} It replaces this one at once.")
    mine = int(failures.get(origin, 0))
    if mine >= max_attempts:
        raise TooManyAttempts(f"This extension typed {mine} wrong pairing codes: this code takes no "
                              f"more from it. {RUN_PAIR}")
    if right:
        path.unlink(missing_ok=True)
        return
    failures = {**failures, origin: mine + 1}
    thrown_away = sum(failures.values()) >= max_attempts * MAX_GUESSERS
    _write_json(path, {**state, "failures": failures, **({"thrown_away": True} if thrown_away else {})})
    left = max_attempts - mine - 1
    if thrown_away:
        raise TooManyAttempts(f"Too many wrong pairing codes came from this computer: the code was thrown away. "
                              f"{RUN_PAIR}")
    if left == 0:
        raise TooManyAttempts(f"This extension typed {max_attempts} wrong pairing codes: this code takes no "
                              f"more from it. {RUN_PAIR}")
    raise Unauthorized(f"That is not the pairing code `quietpage pair` shows ({left} more "
                       f"{'try' if left == 1 else 'tries'} from this extension).", code="wrong_pairing_code")


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
