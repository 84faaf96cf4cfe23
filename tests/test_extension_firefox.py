"""The extension in real Firefox: the journeys of tests/firefox/journeys.test.mjs (pair, save from
the popup with no tab and a ✓ badge, the setting that opens the reader, the shortcut and the menu,
a highlight on the live page, a 7 MB page with the popup closed, the optional permission on a
revisited page, hidden text marked, an impostor and a server that is down), run once with one
Firefox (Debian's firefox-esr, driven by puppeteer-core over WebDriver BiDi).

This test serves what the journeys need on loopback - the real app, the test pages (also as
news.test, a site the extension has no host access to), a recorder and an impostor on the
extension's port - and runs node's test runner on the journeys, which reports each by name.
QP_NODE_ARGS="--test-name-pattern=7.MB" runs only some (the first, pairing, is always needed)."""
from __future__ import annotations

import asyncio
import json
import os
import shutil
import socket
import subprocess
import sys
import zipfile

import pytest

from conftest import EXTENSION, LOREM, ROOT
from extension_pages import HIDDEN_TEXTS, site_app, stand_in

FIREFOX = "/usr/bin/firefox-esr"
JOURNEYS = ROOT / "tests" / "firefox" / "journeys.test.mjs"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def firefox_build(out) -> str:
    """The extension as addons.mozilla.org gets it (scripts/package-extension), unpacked: Firefox
    loads no file through a symlink, and extension/lib/anchoring/ links to static/js/anchoring/."""
    subprocess.run([sys.executable, str(ROOT / "scripts" / "package-extension"), "--out", str(out)], check=True,
                   capture_output=True, timeout=60)
    version = json.loads((EXTENSION / "manifest.json").read_text())["version"]
    with zipfile.ZipFile(out / f"quietpage-{version}-firefox.zip") as zf:
        zf.extractall(out / "firefox")
    return str(out / "firefox")


async def test_the_extension_works_in_firefox(live, settings, aiohttp_server, tmp_path):
    if not shutil.which(FIREFOX):
        pytest.fail("Firefox ESR is not installed: run the README's test command (scripts/test), which installs it.")
    pairing = subprocess.run([sys.executable, "-m", "quietpage", "pair", "--data-dir", str(settings.data_dir)],
                             capture_output=True, text=True, timeout=60, check=True)
    code = pairing.stdout.split("Pairing code:", 1)[1].split()[0]
    app, _ = site_app()
    site = await aiohttp_server(app, host="127.0.0.1")
    recorder = await aiohttp_server(stand_in("recorder-token")[0], host="127.0.0.1")
    impostor = await aiohttp_server(stand_in(None)[0], host="127.0.0.1")
    env = {**os.environ, "QP_SERVER": f"http://127.0.0.1:{live.port}", "QP_TOKEN": live.token, "QP_PAIR_CODE": code,
           "QP_SITE": f"http://127.0.0.1:{site.port}", "QP_NEWS": f"http://news.test:{site.port}",
           "QP_RECORDER": f"http://127.0.0.1:{recorder.port}", "QP_IMPOSTOR": f"http://127.0.0.1:{impostor.port}",
           "QP_DOWN": f"http://127.0.0.1:{free_port()}", "QP_EXTENSION": firefox_build(tmp_path), "QP_FIREFOX": FIREFOX,
           "QP_HIDDEN_IDS": ",".join(HIDDEN_TEXTS), "QP_PARAGRAPH": LOREM[2]}
    node = await asyncio.create_subprocess_exec("node", "--test", "--test-reporter=spec", *os.environ.get("QP_NODE_ARGS", "").split(), str(JOURNEYS), cwd=ROOT, env=env,
                                                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    try:
        output, _ = await asyncio.wait_for(node.communicate(), timeout=600)
    except asyncio.TimeoutError:
        node.kill()
        output, _ = await node.communicate()
        pytest.fail("the Firefox journeys did not finish within 10 minutes:\n" + output.decode(errors="replace"))
    report = output.decode(errors="replace")
    print(report)
    assert node.returncode == 0, report
    assert "\u2139 fail 0" in report and "\u2139 pass 0" not in report, report
