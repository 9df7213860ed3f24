"""A PNG of the report, taken by a real headless browser (Chromium), when one is installed."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from ..errors import GraderError

BROWSERS = ("chromium", "chromium-browser", "google-chrome")


def find_browser() -> str | None:
    return next((path for path in map(shutil.which, BROWSERS) if path), None)


def headless(browser: str, *arguments: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run the browser headless, with Chromium's own sandbox unless running as root (where Chromium refuses it).

    The pages it opens are ours; what students wrote is in them as escaped text and
    images, and their Content-Security-Policy forbids requests and foreign scripts.
    """
    sandbox = ["--no-sandbox"] if os.geteuid() == 0 else []
    command = [browser, "--headless", *sandbox, "--disable-gpu", "--hide-scrollbars", *arguments]
    try:
        return subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise GraderError(f"the browser ({browser}) did not finish within {timeout:g} s") from None


def screenshot(html_path: Path, png_path: Path, width: int = 1200, height: int = 2400) -> Path:
    browser = find_browser()
    if browser is None:
        raise GraderError("no headless browser found for the screenshot (apt-get install chromium)")
    process = headless(browser, f"--window-size={width},{height}", f"--screenshot={png_path}", html_path.resolve().as_uri())
    if process.returncode != 0 or not png_path.is_file():
        raise GraderError(f"the browser could not take the screenshot: {process.stderr.strip().splitlines()[-1:]}")
    return png_path
