"""Real Chromium (Debian's, never a downloaded build) for end-to-end tests."""
from __future__ import annotations

import shutil

import pytest

CHROMIUM_PATHS = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
# Quiet, offline, reproducible: no background calls to Google (refused here anyway).
CHROMIUM_ARGS = ["--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--no-first-run", "--disable-quic", "--disable-gpu"]


def chromium_path() -> str:
    for path in CHROMIUM_PATHS:
        if shutil.which(path):
            return path
    pytest.fail("Chromium is not installed: run the README's test command (scripts/test), which installs it.")


async def launch(playwright, **kwargs):
    return await playwright.chromium.launch(executable_path=chromium_path(), headless=True,
                                            args=CHROMIUM_ARGS, **kwargs)
