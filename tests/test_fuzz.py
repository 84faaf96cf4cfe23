"""Fuzzing every route from the OpenAPI description the server serves (/api/openapi.json), with
schemathesis: valid and invalid parameters and bodies, with the bearer token. No answer may be a
5xx, every JSON error has the one error shape, and the server logs no unhandled error.

Bounded and deterministic: MAX_EXAMPLES per operation, derandomized, no example database. The
server runs in-process on its own thread and event loop (schemathesis calls are blocking).
"""
from __future__ import annotations

import asyncio
import logging
import threading

import pytest
import requests
import schemathesis
from aiohttp import web
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from quietpage.web.app import create_app
from quietpage.web.auth import load_or_create_token
from quietpage.web.openapi import describe
from quietpage.settings import Settings

from conftest import LOREM, page_html
from helpers import CHROME_EXT

MAX_EXAMPLES = 40
SEED_URL = "https://harbour.example/a"
# POST /api/fetch-jobs fetches saved pages from the internet: tests never touch the network.
SKIPPED = {("POST", "/api/fetch-jobs")}
SCHEMA = schemathesis.openapi.from_dict(describe(Settings()))
OPERATIONS = [r.ok() for r in SCHEMA.get_all_operations()
              if (r.ok().method.upper(), r.ok().path) not in SKIPPED]


class Errors(logging.Handler):
    """Records ERROR logs of the server (an unhandled exception is logged before its 500)."""

    def __init__(self):
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


class ServerThread:
    def __init__(self, settings: Settings):
        self.settings = settings
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        self.thread = threading.Thread(target=self._run, name="fuzzed-server", daemon=True)

    def _run(self):
        asyncio.set_event_loop(self.loop)
        self.runner = web.AppRunner(create_app(self.settings))
        self.loop.run_until_complete(self.runner.setup())
        self.loop.run_until_complete(web.TCPSite(self.runner, "127.0.0.1", 0).start())
        self.url = f"http://127.0.0.1:{self.runner.addresses[0][1]}"
        self.ready.set()
        self.loop.run_forever()

    def __enter__(self):
        self.thread.start()
        assert self.ready.wait(60), "the server did not start"
        return self

    def __exit__(self, *exc):
        asyncio.run_coroutine_threadsafe(self.runner.cleanup(), self.loop).result(60)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(60)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    settings = Settings(data_dir=tmp_path_factory.mktemp("fuzz") / "data", port=0, extract_workers=1)
    token = load_or_create_token(settings.data_dir)
    errors = Errors()
    logging.getLogger("quietpage").addHandler(errors)
    try:
        with ServerThread(settings) as srv:
            srv.headers = {"Authorization": f"Bearer {token}"}
            srv.errors = errors
            served = requests.get(f"{srv.url}/api/openapi.json", timeout=10).json()
            assert served == describe(settings)  # what is fuzzed below is exactly what the server serves
            seed = requests.post(f"{srv.url}/api/articles", headers=srv.headers, timeout=60,
                                 json={"url": SEED_URL, "html": page_html("Harbour", LOREM)})
            assert seed.status_code == 201, seed.text  # something for the routes to find
            article = seed.json()
            highlight = requests.post(f"{srv.url}/api/articles/{article['id']}/highlights", headers=srv.headers,
                                      json={"selectors": [{"type": "TextQuoteSelector", "exact": LOREM[1][:30]}]},
                                      timeout=60).json()
            srv.known = {"article": article["id"], "highlight": highlight["id"],
                         "tag": article["tags"][0]["name"] if article["tags"] else "harbour"}
            yield srv
            assert requests.get(f"{srv.url}/api/health", timeout=10).status_code == 200  # still serving
    finally:
        logging.getLogger("quietpage").removeHandler(errors)


def cases(operation, known: dict):
    """Valid and invalid requests; half the valid ones aimed at things that exist."""
    strategies = [operation.as_strategy(generation_mode=GenerationMode.POSITIVE)]
    path = operation.path
    aim = {}
    if "{id}" in path:
        aim["path_parameters"] = {"id": known["highlight" if path.startswith("/api/highlights") else "article"]}
    if "{name}" in path:
        aim["path_parameters"] = {"name": known["tag"]}
    if path == "/api/highlights":
        aim["query"] = {"url": SEED_URL}
    if aim:
        strategies.append(operation.as_strategy(generation_mode=GenerationMode.POSITIVE, **aim))
    strategies.append(operation.as_strategy(generation_mode=GenerationMode.NEGATIVE))
    return st.one_of(strategies)


def check(response, case) -> None:
    where = f"{case.method} {case.formatted_path[:200]} query={str(case.query)[:300]} body={str(case.body)[:300]!r}"
    assert response.status_code < 500, f"{where} -> {response.status_code} {response.text[:500]}"
    headers = {k.lower(): v[0] if isinstance(v, list) else v for k, v in response.headers.items()}
    ctype = headers.get("content-type", "")
    if response.status_code >= 400 and ctype.startswith("application/json"):
        body = response.json()
        assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}, (where, body)
    if ctype.startswith(("application/json", "text/html")):  # (not aiohttp's own 400 for a bad request line)
        assert headers.get("x-content-type-options") == "nosniff", where


@pytest.mark.parametrize("operation", OPERATIONS, ids=[op.label for op in OPERATIONS])
def test_no_route_answers_5xx_or_crashes(server, operation):
    headers = dict(server.headers)
    if operation.path == "/api/pair":
        headers["Origin"] = CHROME_EXT  # the pairing route answers extensions only
    logged = len(server.errors.records)

    @settings(max_examples=MAX_EXAMPLES, derandomize=True, database=None, deadline=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=cases(operation, server.known))
    def fuzz(case):
        response = case.call(base_url=server.url, headers=headers, timeout=60, allow_redirects=False)
        check(response, case)

    fuzz()
    assert server.errors.records[logged:] == [], [r.getMessage() for r in server.errors.records[logged:]]
