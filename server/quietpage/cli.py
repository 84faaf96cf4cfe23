"""`quietpage serve | token | login-url | extract` - every subcommand takes --data-dir."""
from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys
from pathlib import Path

import orjson

from . import __version__, auth
from .settings import DEFAULT_HOST, DEFAULT_PORT, Settings, default_data_dir, is_loopback
from .store.files import atomic_write

SERVER_FILE = "server.json"  # where a running server listens, for `login-url`


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

    sub.add_parser("token", parents=[common], help="print the API token (the extension needs it)")

    lu = sub.add_parser("login-url", parents=[common], help="print a fresh one-time login link for the pages")
    lu.add_argument("--next", default="/", help="page to open after logging in (default /)")

    e = sub.add_parser("extract", parents=[common], help="run the reader on an HTML file, no server")
    e.add_argument("file", type=Path, help="the HTML file ('-' for standard input)")
    e.add_argument("--url", default=None, help="the page's URL (resolves relative links)")
    e.add_argument("--format", choices=("json", "html", "text"), default="json")
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
    return {"serve": cmd_serve, "token": cmd_token, "login-url": cmd_login_url,
            "extract": cmd_extract}[args.command](settings, args)


# --------------------------------------------------------------------------- commands
def cmd_token(settings: Settings, args) -> int:
    print(auth.load_or_create_token(settings.data_dir))
    return 0


def cmd_login_url(settings: Settings, args) -> int:
    token = auth.load_or_create_token(settings.data_dir)
    print(auth.login_url(running_origin(settings), token, settings.login_link_ttl_s, args.next))
    return 0


def cmd_extract(settings: Settings, args) -> int:
    from .errors import QuietPageError
    from .reader import extract
    from .tags import suggest

    try:
        raw = sys.stdin.buffer.read() if str(args.file) == "-" else args.file.read_bytes()
    except OSError as exc:
        print(f"quietpage: cannot read {args.file}: {exc.strerror}", file=sys.stderr)
        return 1
    try:
        article = extract(decode_html(raw), args.url)
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


def decode_html(raw: bytes) -> str:
    """Bytes of a saved page -> str, honouring a BOM or a declared charset."""
    from readability.encoding import get_encoding

    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", "replace")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode(get_encoding(raw) or "cp1252", "replace")


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
    server_file = settings.data_dir / SERVER_FILE
    atomic_write(server_file, orjson.dumps({"origin": live.origin, "pid": os.getpid()}))
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
        server_file.unlink(missing_ok=True)
        await runner.cleanup()
    return 0


def running_origin(settings: Settings) -> str:
    """The origin of the server running on this data dir, else the configured default."""
    try:
        info = orjson.loads((settings.data_dir / SERVER_FILE).read_bytes())
        pid = int(info["pid"])
        os.kill(pid, 0)  # still alive?
        return str(info["origin"])
    except (OSError, ValueError, KeyError, TypeError, orjson.JSONDecodeError):
        return Settings(data_dir=settings.data_dir, host=DEFAULT_HOST, port=DEFAULT_PORT).origin
