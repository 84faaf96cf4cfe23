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


async def launch_with_extension(playwright, profile, extension):
    """Chromium with an unpacked extension loaded (recipe: ../shared/BROWSER.md):
    (context, its service worker)."""
    context = await playwright.chromium.launch_persistent_context(
        str(profile), executable_path=chromium_path(), headless=True,
        args=[f"--disable-extensions-except={extension}", f"--load-extension={extension}", *CHROMIUM_ARGS])
    workers = [w for w in context.service_workers if w.url.startswith("chrome-extension://")]
    worker = workers[0] if workers else await context.wait_for_event(
        "serviceworker", predicate=lambda w: w.url.startswith("chrome-extension://"))
    return context, worker
