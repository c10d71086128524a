"""`flashcards serve` in a real browser, for tests and the screenshot script.

The server runs as its own process (`python -m flashcards serve`) on a free 127.0.0.1
port; Chromium (Debian's `chromium` and `chromium-driver`) is driven headless by Selenium.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Any

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


def browser_missing() -> str | None:
    """Why no browser test can run here, or None."""
    try:
        import selenium  # noqa: F401
        import textual_serve  # noqa: F401
    except ImportError as error:
        return f"{error.name} is not installed (pip install -e '.[test]')"
    for path, package in ((CHROMIUM, "chromium"), (CHROMEDRIVER, "chromium-driver")):
        if not Path(path).exists():
            return f"{path} is missing (Debian package {package}; .ci/run installs it)"
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def served(args: list[str], env: dict[str, str], port: int | None = None):
    """`flashcards serve ARGS` on 127.0.0.1; yields (base URL, process); stops it after."""
    port = port or free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "flashcards", "serve", "--port", str(port), *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"serve exited: {process.stdout.read()}")  # type: ignore[union-attr]
            try:
                with urllib.request.urlopen(base + "/login", timeout=1):
                    break
            except urllib.error.HTTPError as answer:
                answer.close()
                break  # it answers
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        yield base, process
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()


@contextmanager
def chromium(width: int = 1000, height: int = 700):
    """A headless Chromium window of that size (CSS pixels)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--window-size={width},{height}",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        driver.set_window_size(width, height)
        yield driver
    finally:
        driver.quit()


def wait_for_app(driver: Any, timeout: float = 60) -> None:
    """Wait until the app's first bytes reached the page (textual-serve marks the body)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if driver.execute_script("return document.body.classList.contains('-first-byte')"):
            return
        time.sleep(0.2)
    raise AssertionError("the study app never drew in the browser")


def press(driver: Any, *keys: str, pause: float = 0.4) -> None:
    """Type keys into the page's terminal, one at a time."""
    from selenium.webdriver.common.action_chains import ActionChains

    # keys go to the focused element, which must be xterm.js's hidden text area
    driver.execute_script("document.querySelector('.xterm-helper-textarea').focus()")
    for key in keys:
        ActionChains(driver).send_keys(key).perform()
        time.sleep(pause)


def server_env(tmp: Path, password: str | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        FLASHCARDS_DATA_DIR=str(tmp / "data"),
        XDG_CONFIG_HOME=str(tmp / "config"),
        XDG_DATA_HOME=str(tmp / "xdg"),
    )
    env.pop("FLASHCARDS_SERVE_PASSWORD", None)
    if password:
        env["FLASHCARDS_SERVE_PASSWORD"] = password
    return env
