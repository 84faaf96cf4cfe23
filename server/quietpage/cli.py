"""`quietpage serve | token [--rotate] | pair | login-url | extract | backup | restore | export |
import | fetch` - every subcommand takes --data-dir."""
from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from pathlib import Path

import orjson

from . import __version__, auth
from .running import announce, running_origin
from .settings import DEFAULT_HOST, DEFAULT_PORT, Settings, default_data_dir, is_loopback



def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", type=Path, default=None,
                        help="folder for the library (default: $QUIETPAGE_DATA_DIR or the platform's "
                             f"user data dir, here {default_data_dir()})")
    p = argparse.ArgumentParser(prog="quietpage", description="QuietPage: a local, private read-it-later server.")
    p.add_argument("--version", action="version", version=f"quietpage {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    s = sub.add_parser("serve", parents=[common], help="run the server")
    s.add_argument("--host", default=DEFAULT_HOST, help=f"address to listen on (default {DEFAULT_HOST})")
    s.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT}; 0 picks a free one)")
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
    x.add_argument("--format", choices=("json", "markdown"), default="json",
                   help="json: one complete backup file; markdown: one .md file per article (a folder, or a .zip)")
    x.add_argument("dest", help="the file (json; '-' for standard output) or folder (markdown) to write")
    i = sub.add_parser("import", parents=[common],
                       help="import a QuietPage backup, Pocket CSV, Omnivore export or bookmarks HTML file")
    i.add_argument("file", help="the file (or Omnivore's unpacked export folder)")
    sub.add_parser("fetch", parents=[common], help="fetch the pages of articles imported without their text")
    return p


def settings_from(args) -> Settings:
    kwargs = {"data_dir": args.data_dir} if args.data_dir else {}
    for name in ("host", "port", "allow_remote"):
        if hasattr(args, name):
            kwargs[name] = getattr(args, name)
    return Settings(**kwargs)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = settings_from(args)
    except ValueError as exc:
        print(f"quietpage: {exc}", file=sys.stderr)
        return 2
    if args.command in ("export", "import", "fetch"):
        from .transfer import commands

        return getattr(commands, f"cmd_{args.command}")(settings, args)
    return {"serve": cmd_serve, "token": cmd_token, "pair": cmd_pair, "login-url": cmd_login_url, "extract": cmd_extract,
            "backup": cmd_backup, "restore": cmd_restore}[args.command](settings, args)


# --------------------------------------------------------------------------- commands
def cmd_token(settings: Settings, args) -> int:
    if not args.rotate:
        print(auth.load_or_create_token(settings.data_dir))
        return 0
    from . import pairing

    token = auth.rotate_token(settings.data_dir)
    pairing.cancel_code(settings.data_dir)
    print(token)
    print("The old token no longer works (a running server notices at once): page sessions, unused login "
          "links and paired extensions are revoked too. Pair the extension again: `quietpage pair`.",
          file=sys.stderr)
    return 0


def cmd_pair(settings: Settings, args) -> int:
    from . import pairing

    auth.load_or_create_token(settings.data_dir)
    code = pairing.issue_code(settings.data_dir, settings.pair_code_ttl_s)
    minutes = max(1, settings.pair_code_ttl_s // 60)
    print(f"Pairing code: {code}")
    print(f"In the QuietPage extension's Options, choose \u201cPair with a code\u201d and type it (server: "
          f"{running_origin(settings)}). It works once, for the next {minutes} minutes.", file=sys.stderr)
    return 0


def cmd_login_url(settings: Settings, args) -> int:
    token = auth.load_or_create_token(settings.data_dir)
    print(auth.login_url(running_origin(settings), token, settings.login_link_ttl_s, args.next))
    return 0


def cmd_extract(settings: Settings, args) -> int:
    from .errors import QuietPageError
    from .reader import extract
    from .reader.parse import decode_page
    from .tags import suggest

    try:
        raw = sys.stdin.buffer.read() if str(args.file) == "-" else args.file.read_bytes()
    except OSError as exc:
        print(f"quietpage: cannot read {args.file}: {exc.strerror}", file=sys.stderr)
        return 1
    try:
        article = extract(decode_page(raw), args.url)
    except QuietPageError as exc:
        print(f"quietpage: {exc.message}", file=sys.stderr)
        return 1
    if args.format == "text":
        print(article.text)
    elif args.format == "html":
        print(article.content_html)
    else:
        out = {**article.to_dict(), "tags": [t.to_dict() for t in suggest(article)]}
        sys.stdout.write(orjson.dumps(out, option=orjson.OPT_INDENT_2).decode() + "\n")
    return 0


def cmd_backup(settings: Settings, args) -> int:
    from .errors import QuietPageError
    from .store.backups import backup_now
    from .store.recovery import journal_files
    from .store.store import DB_FILE

    snapshot = settings.data_dir / DB_FILE
    if not snapshot.exists() and not journal_files(snapshot):
        print(f"quietpage: there is no library in {settings.data_dir} yet: nothing to back up.", file=sys.stderr)
        return 1
    try:
        path, counts = backup_now(snapshot, args.to)
    except QuietPageError as exc:
        print(f"quietpage: {exc.message}", file=sys.stderr)
        return 1
    print(f"Backed up {counts.get('articles', 0)} articles and {counts.get('highlights', 0)} highlights to {path}")
    print(f"(The saved pages in {settings.data_dir / 'articles'} are files that never change: copy that "
          "folder as it is to keep them too.)")
    return 0


def cmd_restore(settings: Settings, args) -> int:
    from .errors import QuietPageError
    from .store import Store
    from .store.backups import BACKUP_DIR, repair_bodies, restore_file
    from .store.lock import DataDirLock
    from .store.store import DB_FILE, ensure_private_dir

    if args.backup is None:
        found = sorted((settings.data_dir / BACKUP_DIR).glob("*.json"))
        print("\n".join(str(p) for p in found) or f"There are no backups in {settings.data_dir / BACKUP_DIR}.")
        print("Name the one to restore: quietpage restore FILE", file=sys.stderr)
        return 2
    aside = None
    try:
        with DataDirLock(ensure_private_dir(settings.data_dir)):  # no server may be running
            aside, counts = restore_file(args.backup, settings.data_dir / DB_FILE)
        store = Store(settings.data_dir)  # opens it as the server will (and migrates an old one)
        try:
            repaired, missing = repair_bodies(store)
        finally:
            store.close()
    except QuietPageError as exc:
        print(f"quietpage: {exc.message}", file=sys.stderr)
        if aside is not None:
            print(f"The backup is in place; the database it replaced is in {aside} (move its files back into "
                  f"{settings.data_dir} to undo).", file=sys.stderr)
        return 1
    print(f"Restored {counts.get('articles', 0)} articles and {counts.get('highlights', 0)} highlights "
          f"from {args.backup}. The database it replaced was kept in {aside}.")
    if repaired or missing:
        print(f"{repaired} article(s) now show a newer saved version than the backup had; "
              f"{missing} have no saved page left on disk.")
    return 0


def cmd_serve(settings: Settings, args) -> int:
    if not is_loopback(settings.host) and not settings.allow_remote:
        print(f"quietpage: refusing to listen on {settings.host}: it is not a loopback address, so other "
              "machines could reach your library. Use --host 127.0.0.1, or add --allow-remote if you "
              "really mean it.", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
    try:
        return asyncio.run(_serve(settings))
    except KeyboardInterrupt:
        return 0


async def _serve(settings: Settings) -> int:
    from aiohttp import web

    from .app import create_app
    from .errors import QuietPageError

    runner = web.AppRunner(create_app(settings), handle_signals=False)
    try:
        await runner.setup()
    except QuietPageError as exc:  # e.g. an unreadable database: say so, touch nothing
        print(f"quietpage: {exc.message}", file=sys.stderr)
        return 1
    site = web.TCPSite(runner, settings.host, settings.port)
    try:
        await site.start()
    except OSError as exc:
        await runner.cleanup()
        print(f"quietpage: cannot listen on {settings.host}:{settings.port}: {exc.strerror}. Is another "
              "QuietPage (or another program) using it? Pick another with --port.", file=sys.stderr)
        return 1
    port = runner.addresses[0][1]
    live = settings.with_(port=port)
    try:
        server_file = announce(settings, live.origin)
    except OSError as exc:  # e.g. a full disk: serve anyway (reading works), and say what is missing
        server_file = None
        print(f"quietpage: could not note this server's address in {settings.data_dir} ({exc.strerror}): "
              "`quietpage login-url` and `pair` will not find it by themselves.", file=sys.stderr)
    token = auth.load_or_create_token(settings.data_dir)
    print(f"QuietPage {__version__} is listening on {live.origin}  (data: {settings.data_dir})", flush=True)
    print(f"Open your reading list (one-time link): {auth.login_url(live.origin, token, settings.login_link_ttl_s)}",
          flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop.set)
        except (NotImplementedError, RuntimeError):
            pass
    try:
        await stop.wait()
    finally:
        print("QuietPage is shutting down.", flush=True)
        if server_file is not None:
            server_file.unlink(missing_ok=True)
        await runner.cleanup()
    return 0
