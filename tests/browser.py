"""Headless Chromium for the browser tests, driven by Playwright (Debian's Chromium, which
.ci/run installs; tests skip where it is absent)."""

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

#: Without the background-networking flags, Chromium keeps dialling out of a closed network.
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip

#: Window sizes of the screenshot tests: a desktop and a phone (iPhone 12-15 CSS pixels).
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}

needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="Debian's chromium is not installed (.ci/run installs it)"
)


@contextmanager
def browser() -> Iterator[Any]:
    """A Playwright browser on the machine's Chromium."""
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield launched
        finally:
            launched.close()


def page_fits(page: Any) -> bool:
    """Whether the page is laid out within the window (no sideways scrolling)."""
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def screenshot_is_drawn(path: Any, size: dict[str, int]) -> bool:
    """Whether the PNG at ``path`` has the window's size and more than one colour."""
    from matplotlib import image

    pixels = image.imread(str(path))
    height, width = pixels.shape[:2]
    return (width, height) == (size["width"], size["height"]) and float(pixels.std()) > 0.01
