"""What a slow or broken client may cost the server: its connections and its log.

Any program on this machine can open connections to our port. So:

- A connection must send a whole request head within `header_timeout_s` of opening (a
  slowloris sends a byte now and then and would hold it forever): `Deadlines` closes the ones
  that have not, whatever aiohttp's version does about it.
- Between requests, an idle keep-alive connection is closed after `keepalive_timeout_s`
  (aiohttp's own timer, which also bounds the head of every later request on it).
- A request body that stops arriving for `body_timeout_s` while a handler waits for it ends
  with 408 and the connection is closed (`bounded`, the outermost middleware).
- A malformed request is one line in the log (who sent it, what was wrong), never a
  traceback, and at most LOG_LINES_PER_MINUTE such lines a minute; the rest are counted, and
  the count is said with the next one logged.
"""
from __future__ import annotations

import asyncio
import logging
import time
import weakref

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError

from ..errors import QuietPageError
from ..settings import Settings

log = logging.getLogger(__name__)
MALFORMED_LOG = "quietpage.web.malformed"
LOG_LINES_PER_MINUTE = 20
SERVED = web.AppKey("served", weakref.WeakSet)  # transports of connections that sent a request head
_BODY_TIMEOUT = web.AppKey("body_timeout_s", float)


class RequestTimeout(QuietPageError):
    status, code = 408, "request_timeout"


# --------------------------------------------------------------------------- the runner
def setup(app: web.Application, settings: Settings) -> None:
    """What `bounded` needs, on the app (create_app calls it)."""
    app[SERVED] = weakref.WeakSet()
    app[_BODY_TIMEOUT] = settings.body_timeout_s


def make_runner(app: web.Application, settings: Settings) -> web.AppRunner:
    """The app's runner with our connection bounds and the one-line log of malformed requests."""
    return web.AppRunner(app, handle_signals=False, **runner_options(settings))


def runner_options(settings: Settings) -> dict:
    """How each connection is handled (the tests' servers take the same)."""
    malformed = logging.getLogger(MALFORMED_LOG)
    if not any(isinstance(f, OneLine) for f in malformed.filters):
        malformed.addFilter(OneLine())
    return {"keepalive_timeout": settings.keepalive_timeout_s, "logger": malformed,
            "auto_decompress": False}  # a body is never inflated (and refused: guard rule 4)


class Deadlines:
    """Closes connections that have sent no whole request head `timeout_s` after they opened
    (checked every `timeout_s / 4`)."""

    def __init__(self, runner: web.AppRunner, timeout_s: float):
        self.runner, self.timeout_s = runner, timeout_s
        self._opened: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        self._task: asyncio.Task | None = None

    def start(self) -> None:
        if self.timeout_s > 0:  # 0: no deadline
            self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.timeout_s / 4)
            self.sweep(time.monotonic())

    def sweep(self, now: float) -> int:
        served = self.runner.app[SERVED]
        closed = 0
        for handler in self.runner.server.connections if self.runner.server else ():
            transport = handler.transport
            if transport is None or transport in served:
                continue
            opened = self._opened.setdefault(transport, now)
            if now - opened >= self.timeout_s:
                handler.force_close()
                closed += 1
        return closed


# ------------------------------------------------------------------------ the middleware
@web.middleware
async def bounded(request: web.Request, handler):
    """Marks the connection as having sent a request head; watches the body while a handler
    reads it (408 and close when it stops arriving)."""
    if request.transport is not None:
        request.app[SERVED].add(request.transport)
    if not request.body_exists or request.app[_BODY_TIMEOUT] <= 0:
        return await handler(request)
    timed_out = asyncio.Event()
    watch = asyncio.get_running_loop().create_task(
        _watch_body(request, request.app[_BODY_TIMEOUT], timed_out))
    try:
        response = await handler(request)
    finally:
        watch.cancel()
    if timed_out.is_set():
        response.force_close()
    return response


async def _watch_body(request: web.Request, idle_s: float, timed_out: asyncio.Event) -> None:
    content = request.content
    seen, since = content.total_bytes, time.monotonic()
    while not content.is_eof():
        await asyncio.sleep(idle_s / 4)
        now = time.monotonic()
        if content.total_bytes != seen:
            seen, since = content.total_bytes, now
        elif getattr(content, "_waiter", None) is not None and now - since >= idle_s:
            timed_out.set()
            content.set_exception(RequestTimeout(
                f"The request body stopped arriving (nothing for {idle_s:g} s, the body_timeout_s setting)."))
            return


# ------------------------------------------------------------------------------- the log
class OneLine(logging.Filter):
    """aiohttp logs a malformed request with its traceback: one line instead; and, with the
    lines `bad_request` writes, at most LOG_LINES_PER_MINUTE a minute (then one line saying how
    many more there were)."""

    def __init__(self) -> None:
        super().__init__()
        self._minute, self._lines, self._dropped = 0, 0, 0

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if isinstance(exc, HttpProcessingError):
            who = record.args[0] if isinstance(record.args, tuple) and record.args else "?"
            record.msg, record.args = "malformed request from %s: %s", (who, _reason(exc))
            record.exc_info = record.exc_text = None
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        elif not getattr(record, "bad_request", False):
            return True  # anything else (a bug) keeps its traceback
        return self._within_budget()

    def _within_budget(self) -> bool:
        minute = int(time.monotonic() // 60)
        if minute != self._minute:
            if self._dropped:
                log.warning("%d more malformed requests were not logged", self._dropped)
            self._minute, self._lines, self._dropped = minute, 0, 0
        self._lines += 1
        if self._lines > LOG_LINES_PER_MINUTE:
            self._dropped += 1
            return False
        return True


def bad_request(request: web.Request, reason: str) -> None:
    """One line (within the budget) for a request whose body was broken, or whose client left."""
    logging.getLogger(MALFORMED_LOG).warning("broken request from %s: %s %s: %s", request.remote,
                                             request.method, request.path[:100], reason[:200],
                                             extra={"bad_request": True})


def _reason(exc: HttpProcessingError) -> str:
    text = " ".join(str(getattr(exc, "message", "") or exc).split())
    return (text[:200] + "…") if len(text) > 200 else text
