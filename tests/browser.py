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


async def launch(playwright, extra_args=(), **kwargs):
    """Headless Chromium with our quiet flags, plus `extra_args`; other keywords go to Playwright."""
    return await playwright.chromium.launch(executable_path=chromium_path(), headless=True,
                                            args=[*CHROMIUM_ARGS, *extra_args], **kwargs)


async def launch_with_extension(playwright, profile, extension, extra_args=(), **kwargs):
    """Chromium with an unpacked extension loaded (recipe: ../shared/BROWSER.md):
    (context, its service worker). Other keywords (viewport, ...) go to the persistent context."""
    context = await playwright.chromium.launch_persistent_context(
        str(profile), executable_path=chromium_path(), headless=True,
        args=[f"--disable-extensions-except={extension}", f"--load-extension={extension}", *CHROMIUM_ARGS,
              *extra_args], **kwargs)
    workers = [w for w in context.service_workers if w.url.startswith("chrome-extension://")]
    worker = workers[0] if workers else await context.wait_for_event(
        "serviceworker", predicate=lambda w: w.url.startswith("chrome-extension://"))
    return context, worker
