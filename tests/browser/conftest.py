"""Playwright on Debian's Chromium (never a downloaded browser). Skips, with the reason, when it is missing."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path(os.environ.get("HONGSHU_CHROMIUM", "/usr/bin/chromium"))  # the runner's setting too
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture
def chromium() -> Iterator[Any]:
    """A headless Chromium for one test. Started after the test's data is written: Playwright's sync API
    runs an event loop in this thread, and Django refuses database calls while one is running."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium fonts-noto-cjk)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def wait_until(page: Any, expression: str, timeout: float = 20.0) -> None:
    """Poll `expression` in the page. (Playwright's wait_for_function compiles its predicate with eval, which
    our Content-Security-Policy rightly forbids; page.evaluate goes through the DevTools protocol.)"""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"timed out waiting for {expression}"
        page.wait_for_timeout(50)


class Watched:
    """A page whose console errors, uncaught exceptions and failed requests are collected."""

    def __init__(self, context: Any) -> None:
        self.page = context.new_page()
        self.problems: list[str] = []
        self.page.on("console", lambda m: m.type == "error" and self.problems.append(f"console: {m.text}"))
        self.page.on("pageerror", lambda e: self.problems.append(f"exception: {e}"))
        # A request cancelled because the page navigated away (net::ERR_ABORTED) is not a failure.
        self.page.on(
            "requestfailed",
            lambda r: (
                "ERR_ABORTED" not in (r.failure or "")
                and self.problems.append(f"failed: {r.url} {r.failure}")
            ),
        )
        self.page.on("response", lambda r: r.status >= 400 and self.problems.append(f"{r.status}: {r.url}"))

    def load_every_image(self) -> None:
        """Scroll through the page so lazy images load, then wait until every one has decoded."""
        height = self.page.evaluate("document.documentElement.scrollHeight")
        for y in range(0, height, 500):
            self.page.evaluate(f"window.scrollTo(0, {y})")
            self.page.wait_for_timeout(60)
        # Cards appended by infinite scroll may sit below the last scroll position; ask every lazy image to
        # load now, so the check is "every image loads", not "we scrolled past every image in time".
        self.page.evaluate(
            "document.querySelectorAll('img[loading=lazy]').forEach(i => { i.loading = 'eager'; })"
        )
        broken = "[...document.images].filter(img => !img.complete || !img.naturalWidth).map(img => img.src)"
        try:
            wait_until(self.page, f"{broken}.length === 0")
        except AssertionError as timeout:
            raise AssertionError(f"images not loaded: {self.page.evaluate(broken)}") from timeout
        self.page.evaluate("window.scrollTo(0, 0)")


@pytest.fixture(name="wait_until")
def wait_until_fixture() -> Callable[..., None]:
    """`wait_until(page, js_expression, timeout=20.0)`: poll without eval (see wait_until above)."""
    return wait_until


@pytest.fixture
def watch() -> Callable[[Any], Watched]:
    """`watch(context)` opens a page in the context whose problems are collected in `.problems`."""
    return Watched
