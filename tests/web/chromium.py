"""Headless Debian Chromium driven by Playwright, as CI runs it (`make browser` installs it)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def require_chromium() -> None:
    if CHROMIUM.exists():
        return
    msg = f"Chromium is absent at {CHROMIUM}; `make browser` installs Debian's chromium"
    if os.environ.get("CI") == "true":
        pytest.fail(msg)
    pytest.skip(msg)


@contextmanager
def chromium(profile: Path, offline: bool = False) -> Iterator:
    """A browser context with a fresh user-data dir; `offline` blocks every request that is not a file:// read."""
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        ctx = p.chromium.launch_persistent_context(str(profile), executable_path=str(CHROMIUM), args=ARGS, headless=True, viewport={"width": 1366, "height": 900})
        ctx.set_default_timeout(60_000)
        ctx.blocked = []  # type: ignore[attr-defined]
        if offline:
            def block(route):
                if route.request.url.startswith("file:"):
                    route.continue_()
                else:
                    ctx.blocked.append(route.request.url)  # type: ignore[attr-defined]
                    route.abort()

            ctx.route("**/*", block)
            ctx.set_offline(True)
        try:
            yield ctx
        finally:
            ctx.close()
