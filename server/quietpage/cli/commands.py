"""`quietpage serve | token | pair | login-url | extract | backup | restore | reindex`."""
from __future__ import annotations

import asyncio
import logging
import signal
import sys

import orjson

from .. import __version__
from ..settings import Settings, is_loopback
from ..web import auth
from .running import announce, running_origin, server_on


def cmd_token(settings: Settings, args) -> int:
    if not args.rotate:
        print(auth.load_or_create_token(settings.data_dir))
        return 0
    from ..web import pairing

    token = auth.rotate_token(settings.data_dir)
    pairing.cancel_code(settings.data_dir)
    print(token)
    print("The old token no longer works (a running server notices at once): page sessions, unused login "
          "links and paired extensions are revoked too. Pair the extension again: `quietpage pair`.",
          file=sys.stderr)
    return 0


def cmd_pair(settings: Settings, args) -> int:
    from ..web import pairing

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
    from ..errors import QuietPageError
    from ..reader import extract
    from ..reader.parse import decode_page
    from ..tags import suggest

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
    from ..errors import QuietPageError
    from ..store import DB_FILE
    from ..store.backups import backup_now

    snapshot = settings.data_dir / DB_FILE
    try:
        path, counts = backup_now(snapshot, args.to)
    except QuietPageError as exc:
        print(f"quietpage: {exc.message}", file=sys.stderr)
        return 1
    print(f"Backed up {counts.get('articles', 0)} articles and {counts.get('highlights', 0)} highlights to {path}")
    print(f"(The saved pages in {settings.data_dir / 'articles'} and the images in {settings.data_dir / 'images'} "
          "are files that never change: copy those folders as they are to keep them too, or use `quietpage export`, "
          "whose JSON backup holds everything.)")
    return 0


def cmd_restore(settings: Settings, args) -> int:
    from ..errors import QuietPageError
    from ..store import BACKUP_DIR, restore_library

    if args.backup is None:
        found = sorted((settings.data_dir / BACKUP_DIR).glob("*.json"))
        print("\n".join(str(p) for p in found) or f"There are no backups in {settings.data_dir / BACKUP_DIR}.")
        print("Name the one to restore: quietpage restore FILE", file=sys.stderr)
        return 2
    try:
        aside, counts, repaired, missing = restore_library(settings.data_dir, args.backup)
    except QuietPageError as exc:
        print(f"quietpage: {exc.message}", file=sys.stderr)
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
    if (other := server_on(settings.data_dir)) is not None:
        print(f"quietpage: QuietPage is already running on {settings.data_dir}, at {other.origin} (pid {other.pid}). "
              "`quietpage login-url` gives a link to it; to run another, give it another --data-dir.", file=sys.stderr)
        return 1
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
    try:
        return asyncio.run(_serve(settings))
    except KeyboardInterrupt:
        return 0


async def _serve(settings: Settings) -> int:
    from aiohttp import web

    from ..errors import QuietPageError
    from ..web.app import create_app
    from ..web.serving import Deadlines, make_runner

    runner = make_runner(create_app(settings), settings)  # slow clients bounded, malformed requests one line
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
    deadlines = Deadlines(runner, settings.header_timeout_s)
    deadlines.start()
    port = runner.addresses[0][1]
    live = settings.with_(port=port)
    records, problems = announce(settings, live.origin)
    for problem in problems:  # e.g. a full disk: serve anyway (reading works), and say what is missing
        print(f"quietpage: {problem}", file=sys.stderr)
    token = auth.load_or_create_token(settings.data_dir)
    stop = asyncio.Event()  # listened for before we say we are ready: a Ctrl-C right after is never lost
    loop = asyncio.get_running_loop()  # (started in the background, Ctrl-C is ignored until then)
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop.set)
        except (NotImplementedError, RuntimeError):
            pass
    print(f"QuietPage {__version__} is listening on {live.origin}  (data: {settings.data_dir})", flush=True)
    print(f"Open your reading list (one-time link): {auth.login_url(live.origin, token, settings.login_link_ttl_s)}",
          flush=True)
    try:
        await stop.wait()
    finally:
        print("QuietPage is shutting down.", flush=True)
        records.remove()
        await deadlines.stop()
        await runner.cleanup()
    return 0


def cmd_reindex(settings: Settings, args) -> int:
    """Build the full-text index from the records, with a progress bar (the server stopped: it
    keeps the index up to date itself, and rebuilds it when it is missing or damaged)."""
    from ..errors import QuietPageError
    from ..library import Library
    from ..store.lock import DataDirLocked
    from .transfer import ProgressBar

    try:
        library = Library.open(settings.data_dir, settings, reindex=True)
    except DataDirLocked:
        print("quietpage: the server is running on this data dir: it keeps the search index up to date itself "
              "(and rebuilds it if it is damaged). To rebuild it anyway, stop the server and run this again.",
              file=sys.stderr)
        return 1
    except QuietPageError as exc:
        print(f"quietpage: {exc.message}", file=sys.stderr)
        return 1
    try:
        total = library.index_status()["pending"]
        bar = ProgressBar("Indexing")
        done = library.wait_for_index(progress=lambda left: bar(max(0, total - left), total))
        bar(total, total)
        articles = library.index_status()["articles"]
    finally:
        library.close()
    if not done:
        print("quietpage: the search index could not be written; see the messages above.", file=sys.stderr)
        return 1
    print(f"Indexed {articles} article(s) for search.")
    return 0
