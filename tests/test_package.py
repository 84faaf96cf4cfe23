"""The package as a user installs it.

scripts/test-package (run once by scripts/test) builds the sdist and the wheel, installs the
wheel into a fresh venv with the lowest versions pyproject.toml allows, and runs the tests without
a browser there with QUIETPAGE_DIST naming the built files: the tests below that need them run
only then. Serving a page from another folder runs in both runs (the checkout, then the wheel).
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import tarfile
import tomllib
import urllib.request
import zipfile
from importlib.metadata import version
from pathlib import Path

import pytest

import quietpage
from conftest import LOREM, ROOT, page_html
from server_process import ServerProcess

DIST = Path(os.environ["QUIETPAGE_DIST"]) if os.environ.get("QUIETPAGE_DIST") else None
built = pytest.mark.skipif(DIST is None, reason="run by scripts/test-package, against the built wheel")
NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def tracked(folder: str) -> list[str]:
    """The files of the checkout under `folder` (git's list; the folder's files without git)."""
    try:
        out = subprocess.run(["git", "ls-files", folder], cwd=ROOT, capture_output=True, text=True, check=True).stdout
        return [line for line in out.splitlines() if line]
    except (OSError, subprocess.CalledProcessError):
        return [str(p.relative_to(ROOT)) for p in (ROOT / folder).rglob("*") if p.is_file() and "__pycache__" not in p.parts]


def requirements() -> list[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return [*project["dependencies"], *project["optional-dependencies"]["test"]]


def test_every_dependency_has_a_floor():
    for requirement in requirements():
        assert re.search(r">=|==", requirement), f"{requirement}: no lowest version (the lowest-versions job needs one)"


def test_the_installed_package_serves_a_page_from_another_folder(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    with ServerProcess(tmp_path / "library", cwd=elsewhere) as server:
        token = (tmp_path / "library" / "token").read_text()
        body = json.dumps({"url": "https://a.example/harbour", "html": page_html("Harbour", LOREM)}).encode()
        saved = NO_PROXY.open(urllib.request.Request(f"{server.origin}/api/articles", data=body, headers={
            "Authorization": f"Bearer {token}", "Content-Type": "application/json"}), timeout=60)
        article = json.loads(saved.read())
        assert saved.status == 201 and LOREM[0] in article["text"]
        session = urllib.request.build_opener(urllib.request.ProxyHandler({}), urllib.request.HTTPCookieProcessor())
        session.open(server.login_url, timeout=30)
        page = session.open(f"{server.origin}/read/{article['id']}", timeout=30).read().decode()
        assert "Harbour" in page and LOREM[1] in page
        for asset in re.findall(r'(?:src|href)="(/static/[^"?]+)', page):
            with session.open(f"{server.origin}{asset}", timeout=30) as r:
                assert r.status == 200 and r.read(), asset


# ---------------------------------------------------------------------------- the built files
@built
def test_the_tests_run_against_the_wheel_with_the_lowest_versions_allowed():
    assert not Path(quietpage.__file__).resolve().is_relative_to(ROOT), quietpage.__file__
    from packaging.version import Version

    above = []  # a floor the others cannot go down to: raise it to what is installed
    for requirement in requirements():
        name, floor = re.match(r"([A-Za-z0-9_.\-]+)[^>=]*(?:>=|==)([0-9]+(?:\.[0-9]+)*)", requirement).groups()
        if Version(version(name)) != Version(floor):
            above.append(f"{requirement}: {version(name)} installed")
    assert above == []


@built
def test_the_wheel_holds_the_whole_package_and_its_pages():
    wheel = zipfile.ZipFile(next(DIST.glob("quietpage-*.whl")))
    names = set(wheel.namelist())
    package = [p.removeprefix("server/") for p in tracked("server/quietpage")]
    pages = ["quietpage/" + p for p in tracked("static")]
    assert package and pages
    assert [p for p in package + pages if p not in names] == []
    assert not [n for n in names if n.startswith(("tests/", "extension/", "benchmarks/"))]
    metadata = wheel.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    assert "License-Expression: MIT" in metadata
    assert "Requires-Dist: aiohttp<4,>=3.14" in metadata or "Requires-Dist: aiohttp>=3.14,<4" in metadata


@built
def test_the_sdist_ships_the_extension_and_leaves_the_tests_out():
    sdist = tarfile.open(next(DIST.glob("quietpage-*.tar.gz")))
    names = {n.split("/", 1)[1] for n in sdist.getnames() if "/" in n}
    assert [p for p in tracked("extension") if p not in names] == []
    assert [p for p in tracked("static") + tracked("server/quietpage") if p not in names] == []
    assert {"README.md", "LICENSE", "SECURITY.md", "pyproject.toml", "setup.py", "MANIFEST.in"} <= names
    assert not [n for n in names if n.startswith(("tests/", "benchmarks/", "node_modules/", ".venv/"))]
