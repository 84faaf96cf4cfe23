"""Which library a command works on, and whether its folder can be used - as sentences.

Without --data-dir (or $QUIETPAGE_DATA_DIR) a command uses the library of the running server
(the one on the default folder when several run) and says which; with none running, the default
folder. Before any command touches it, the folder is checked: a file in its place, a parent that
cannot be written, a home folder that does not exist are said in words, never a traceback.
"""
from __future__ import annotations

from enum import Enum
from pathlib import Path

from ..errors import QuietPageError, StorageError
from ..settings import default_data_dir, env_data_dir
from ..store import DB_FILE
from ..store.files import ensure_private_dir
from ..store.recovery import journal_files
from .running import is_served, servers


class Needs(Enum):
    """What a command needs of its data folder."""

    NOTHING = "nothing"  # only its config.toml, when there is one (extract, config)
    FOLDER = "folder"    # the folder, made if missing (serve, token, import, restore)
    LIBRARY = "library"  # a library already there (export, fetch, archive-images, backup)
    SERVER = "server"    # a server running on it (pair, login-url)


VERBS = {"backup": "back up", "archive-images": "archive"}  # "there is no library in X: nothing to <verb>"


class FolderProblem(QuietPageError):
    status, code = 400, "data_dir"


def choose(data_dir: Path | None, command: str) -> tuple[Path, str | None]:
    """The data folder for `command`, and a note saying which and why when the user did not
    name one (None when they did). FolderProblem when several servers run and none on the default."""
    if data_dir is not None:
        return Path(data_dir).expanduser(), None
    if (env := env_data_dir()) is not None:
        return env, None
    default = default_data_dir()
    if command == "serve":
        return default, None
    live = servers()
    if not live:
        return default, f"using the library in {default} (the default folder; no QuietPage server is running)."
    pick = next((s for s in live if same_folder(s.data_dir, default)), live[0] if len(live) == 1 else None)
    if pick is None:
        where = "; ".join(f"{s.data_dir} ({s.origin})" for s in live)
        raise FolderProblem(f"{len(live)} QuietPage servers are running, none on the default folder: say which "
                            f"library with --data-dir ({where}).")
    return pick.data_dir, f"using the library in {pick.data_dir} (the server running at {pick.origin})."


def check(path: Path, needs: Needs, command: str, *, named: bool) -> None:
    """FolderProblem (or StorageError), a sentence, if `command` cannot use the folder `path`.
    `named`: the user gave it (--data-dir, $QUIETPAGE_DATA_DIR); else it is the default one."""
    how = "" if named else " Choose another folder with --data-dir (or $QUIETPAGE_DATA_DIR)."
    kind = _kind(path)
    if kind == "file":
        raise FolderProblem(f"{path} is a file, not a folder: QuietPage keeps its library in a folder. "
                            f"Give it another with --data-dir, or move the file away.")
    if needs is Needs.NOTHING:
        return
    if needs is Needs.SERVER:
        if kind != "folder" or not is_served(path):
            flag = f" --data-dir {_quoted(path)}" if named else ""
            raise FolderProblem(f"no QuietPage server is running on {path}. Start it with `quietpage serve{flag}` "
                                f"(or `quietpage service install{flag}`, which also starts it at every login), "
                                f"then run `quietpage {command}` again.")
        return
    if needs is Needs.LIBRARY:
        if kind != "folder" or not has_library(path):
            raise FolderProblem(f"there is no library in {path}: nothing to {VERBS.get(command, command)}.{how}")
        return
    try:
        ensure_private_dir(path)
    except StorageError as exc:
        home = _home()
        why = f" Your home folder {home} does not exist." if not named and home and _kind(home) is None else ""
        raise StorageError(f"{exc.message}{why}{how}", code=exc.code) from None


def has_library(path: Path) -> bool:
    snapshot = Path(path) / DB_FILE
    return snapshot.exists() or bool(journal_files(snapshot))


def same_folder(a: Path, b: Path) -> bool:
    try:
        return Path(a).resolve() == Path(b).resolve()
    except (OSError, RuntimeError):
        return Path(a).absolute() == Path(b).absolute()


def _kind(path: Path) -> str | None:
    """'folder', 'file', or None (missing, or not reachable)."""
    try:
        return "folder" if Path(path).is_dir() else "file" if Path(path).exists() else None
    except OSError:
        return None


def _home() -> Path | None:
    try:
        return Path.home()
    except (RuntimeError, KeyError, OSError):
        return None


def _quoted(path: Path) -> str:
    import shlex

    return shlex.quote(str(path))
