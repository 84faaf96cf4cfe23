"""Shared fixtures: real TinyDB files in tmp dirs, the real app through aiohttp's test client."""
from __future__ import annotations

import atexit
import inspect
import json
import os
import re
import shutil
import tempfile
from pathlib import Path

import pytest

from quietpage.web.app import create_app
from quietpage.web.auth import load_or_create_token
from quietpage.settings import Settings

# The servers the tests start record where they listen here (every subprocess inherits it), never
# among the user's own running servers, which the CLI would otherwise find and use.
os.environ["QUIETPAGE_RUNTIME_DIR"] = _RUNTIME = tempfile.mkdtemp(prefix="quietpage-test-runtime-")
atexit.register(shutil.rmtree, _RUNTIME, ignore_errors=True)

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
EXTENSION = ROOT / "extension"
SEED_DIR = SHARED / "fixtures" / "seed-page"
SEED_URL = "https://primemoneypath.example/finance/iran-russia-drones.html"
# A sentence of the seed page's article, whole.
SENTENCE = ("It released satellite imagery showing the suspected facilities being constructed in the Alabuga "
            "Special Economic Zone, about 600 miles east of Moscow.")


@pytest.fixture
def data_dir(tmp_path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def settings(data_dir) -> Settings:
    return Settings(data_dir=data_dir, port=0)


@pytest.fixture
def token(settings) -> str:
    return load_or_create_token(settings.data_dir)


@pytest.fixture
def auth_headers(token) -> dict:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
async def client(aiohttp_client, settings, token):
    """The real app; every request carries the bearer token unless a test overrides it."""
    return await aiohttp_client(create_app(settings), headers={"Authorization": f"Bearer {token}"})


@pytest.fixture
async def anon(aiohttp_client, settings, token):
    """The real app with no credentials at all."""
    return await aiohttp_client(create_app(settings))


@pytest.fixture(scope="session")
def seed_html() -> str:
    return (SEED_DIR / "page.html").read_text("utf-8")


@pytest.fixture(scope="session")
def seed_expected() -> dict:
    return json.loads((SEED_DIR / "expected.json").read_text("utf-8"))


async def save(client, url: str, html: str, expect: int | None = 201) -> dict:
    resp = await client.post("/api/articles", json={"url": url, "html": html})
    body = await resp.json()
    if expect is not None:
        assert resp.status == expect, body
    return body


def page_html(title: str, paragraphs: list[str]) -> str:
    """A small but realistic article page."""
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return (f"<!DOCTYPE html><html lang='en'><head><title>{title}</title></head><body>"
            f"<nav><a href='/'>Home</a><a href='/about'>About</a></nav>"
            f"<article><h1>{title}</h1>{body}</article>"
            f"<footer>Copyright</footer></body></html>")


LOREM = [
    "The harbour was quiet in the early morning, and the fishing boats rocked gently against the old stone quay.",
    "By seven the first traders had arrived, setting out crates of mackerel and crab along the wet cobbles.",
    "Nobody in the town could remember a season like it: the catch had doubled, and prices had halved.",
    "Economists from the university came to study the phenomenon, bringing notebooks and very little else.",
    "Their report, published in the spring, blamed warmer currents and a decade of careful quotas.",
]


@pytest.fixture
async def live(aiohttp_server, settings, token):
    """The real app on a real loopback port (for the browser)."""
    server = await aiohttp_server(create_app(settings), host="127.0.0.1")
    server.token = token
    return server


@pytest.fixture
async def browser():
    from playwright.async_api import async_playwright

    from browser import launch

    async with async_playwright() as pw:
        b = await launch(pw)
        yield b
        await b.close()


# ---------------------------------------------------------------------------- the browser tests
BROWSER_USE = re.compile(r"async_playwright|launch_with_extension|\blaunch\(|puppeteer|firefox_build|chromium")


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: drives a real browser (Chromium or Firefox)")


def pytest_collection_modifyitems(config, items):
    """Mark every test that drives a real browser `browser`, so `-m "not browser"` runs the rest
    (the lowest-versions job in scripts/test does): a test using a browser fixture, or one whose
    own code (or a fixture of its module) launches one."""
    for item in items:
        if _drives_a_browser(item):
            item.add_marker(pytest.mark.browser)


def _drives_a_browser(item) -> bool:
    fixtures = getattr(item, "fixturenames", ())
    if "browser" in fixtures:
        return True
    sources = [getattr(item, "function", None)]
    defs = getattr(getattr(item, "_fixtureinfo", None), "name2fixturedefs", {})
    sources += [d.func for name in fixtures for d in defs.get(name, ()) if d.baseid and "conftest" not in d.baseid]
    for fn in sources:
        try:
            if fn is not None and BROWSER_USE.search(inspect.getsource(fn)):
                return True
        except (OSError, TypeError):
            continue
    return False
