"""cli/ owns the `quietpage` command: `serve | token [--rotate] | pair | login-url | extract |
backup | restore | export | import | fetch | archive-images`, each taking --data-dir.
commands.py has the server, secrets, reader and backup commands; transfer.py import, fetch
and archive-images; exporting.py export; folder.py which library a command uses and whether
its folder can be; running.py which servers run and where. The top layer: it may import everything else, and
nothing imports it.
"""
from __future__ import annotations

import argparse
import importlib
import os
import sys
from pathlib import Path

from .. import __version__
from ..errors import QuietPageError, StorageError
from ..settings import DEFAULT_HOST, DEFAULT_PORT, ConfigError, Settings, default_data_dir, env_data_dir
from . import folder
from .folder import Needs


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", type=Path, default=None,
                        help="folder for the library (default: $QUIETPAGE_DATA_DIR, else the running server's, "
                             f"else the platform's user data dir, here {default_data_dir()})")
    p = argparse.ArgumentParser(prog="quietpage", description="QuietPage: a local, private read-it-later server.")
    p.add_argument("--version", action="version", version=f"quietpage {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    s = sub.add_parser("serve", parents=[common], help="run the server")
    s.add_argument("--host", default=None, help=f"address to listen on (default {DEFAULT_HOST}, or config.toml's host)")
    s.add_argument("--port", type=int, default=None,
                   help=f"port (default {DEFAULT_PORT}, or config.toml's port; 0 picks a free one)")
    s.add_argument("--allow-remote", action="store_true",
                   help="allow a non-loopback --host (exposes your library to the network)")

    t = sub.add_parser("token", parents=[common], help="print the API token (the extension needs it)")
    t.add_argument("--rotate", action="store_true",
                   help="replace the token: the old one, page sessions, login links and paired extensions stop working")
    sub.add_parser("pair", parents=[common],
                   help="show a short one-time code to pair the browser extension (instead of pasting the token)")

    lu = sub.add_parser("login-url", parents=[common], help="print a fresh one-time login link for the pages")
    lu.add_argument("--next", default="/", help="page to open after logging in (default /)")

    b = sub.add_parser("backup", parents=[common],
                       help="write a backup of the library's records (works while the server runs)")
    b.add_argument("--to", type=Path, default=None,
                   help="the file to write (default: DATA_DIR/backups/quietpage-<UTC time>.json)")
    r = sub.add_parser("restore", parents=[common],
                       help="replace the library's records with a backup (stop the server first)")
    r.add_argument("backup", type=Path, nargs="?", default=None,
                   help="the backup file to restore; without it, the backups there are listed")

    e = sub.add_parser("extract", parents=[common], help="run the reader on an HTML file, no server")
    e.add_argument("file", type=Path, help="the HTML file ('-' for standard input)")
    e.add_argument("--url", default=None, help="the page's URL (resolves relative links)")
    e.add_argument("--format", choices=("json", "html", "text"), default="json")

    x = sub.add_parser("export", parents=[common], help="export the library: a JSON backup or Markdown files")
    x.add_argument("--format", choices=("json", "markdown", "epub"), default="json",
                   help="json: one complete backup file; markdown: one .md file per article (a folder, or a .zip); "
                        "epub: an e-book, one chapter per article (--tag, --state, --id choose which)")
    x.add_argument("dest", help="the file (json, epub; '-' for standard output) or folder (markdown) to write")
    x.add_argument("--tag", default=None, help="epub: only articles with this tag")
    x.add_argument("--state", choices=("unread", "archived", "all"), default="all", help="epub: only these")
    x.add_argument("--id", action="append", default=None, dest="ids", metavar="ID",
                   help="epub: only this article (repeat for more, in the book's order)")
    ai = sub.add_parser("archive-images", parents=[common],
                        help="archive the images of articles saved before (or whose images are still missing)")
    ai.add_argument("--retry-failed", action="store_true", help="also try again the images refused before")
    i = sub.add_parser("import", parents=[common],
                       help="import a QuietPage backup, Pocket CSV, Omnivore export or bookmarks HTML file")
    i.add_argument("file", help="the file (or Omnivore's unpacked export folder)")
    sub.add_parser("fetch", parents=[common], help="fetch the pages of articles imported without their text")
    sub.add_parser("reindex", parents=[common],
                   help="build the search index again from the library (the server keeps it up to date itself)")

    c = sub.add_parser("config", parents=[common],
                       help="show every setting: its value, where it comes from (default, config.toml, flag), what it does")
    c.add_argument("--host", default=None, help="as `serve --host` would (to see what serve would use)")
    c.add_argument("--port", type=int, default=None, help="as `serve --port` would")
    c.add_argument("--allow-remote", action="store_true", help="as `serve --allow-remote` would")
    c.add_argument("--json", action="store_true", help="as JSON: [{name, value, source, group, help}]")

    sv = sub.add_parser("service", parents=[common],
                        help="start the server now and at every login (Linux: systemd user unit; macOS: launchd "
                             "agent; Windows: prints the Task Scheduler command)")
    sv.add_argument("action", choices=("install", "uninstall", "status"))
    sv.add_argument("--port", type=int, default=None,
                    help=f"the service's port (default: config.toml's port, else {DEFAULT_PORT})")
    sv.add_argument("--dry-run", action="store_true", help="print what would be written and run, change nothing")
    sv.add_argument("--restart", action="store_true", help="restart it even if its unit did not change (after an update)")
    sv.add_argument("--platform", choices=("linux", "macos", "windows"), default=None, help=argparse.SUPPRESS)
    return p


# Where each command lives (cli/<module>.py, as cmd_<name>) and what it needs of its data folder
# (folder.Needs). A new command: its parser above, one line in each table, its cmd_ function.
MODULES = {"export": "exporting", "import": "transfer", "fetch": "transfer", "archive-images": "transfer",
           "service": "service", "config": "config"}
NEEDS = {"serve": Needs.FOLDER, "token": Needs.FOLDER, "pair": Needs.SERVER, "login-url": Needs.SERVER,
         "extract": Needs.NOTHING, "backup": Needs.LIBRARY, "restore": Needs.FOLDER, "export": Needs.LIBRARY,
         "import": Needs.FOLDER, "fetch": Needs.LIBRARY, "archive-images": Needs.LIBRARY, "service": Needs.NOTHING,
         "config": Needs.NOTHING}


def settings_from(args) -> Settings:
    """The defaults, then the data folder's config.toml, then the flags given."""
    flags = {name: getattr(args, name) for name in ("host", "port") if hasattr(args, name)}
    if getattr(args, "allow_remote", False):
        flags["allow_remote"] = True
    return Settings.load(args.data_dir, **flags)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    needs = NEEDS.get(args.command, Needs.FOLDER)
    named = args.data_dir is not None or env_data_dir() is not None
    args.data_dir_named = named
    try:
        args.data_dir, note = folder.choose(args.data_dir, args.command)
        folder.check(args.data_dir, needs, args.command, named=named)
        if note and args.command != "extract":
            print(f"quietpage: {note}", file=sys.stderr)
        settings = settings_from(args)
    except ConfigError as exc:
        print(f"quietpage: {exc.message}", file=sys.stderr)
        return 2
    except QuietPageError as exc:  # the data folder cannot be used: a sentence, not a traceback
        print(f"quietpage: {exc.message}", file=sys.stderr)
        return 1
    try:
        module = importlib.import_module(f".{MODULES.get(args.command, 'commands')}", __name__)
        return getattr(module, f"cmd_{args.command.replace('-', '_')}")(settings, args)
    except StorageError as exc:  # a full or read-only disk (the token, say): a sentence, not a traceback
        print(f"quietpage: {exc.message}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # `quietpage config | head`: the reader left; stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
