"""Screenshots of `flashcards serve` at a phone's size, for docs/study.md.

    .venv/bin/python benchmarks/serve_screenshots.py [--width 390] [--height 844]

Serves the built-in decks from a fresh, temporary collection on 127.0.0.1, opens the page in
headless Chromium (Debian's `chromium` and `chromium-driver`) with a phone's viewport of the
given CSS size (a mobile page, as DevTools' device mode gives it), and
writes `docs/images/serve-decks.png` (the deck list) and `docs/images/serve-card.png` (the
first card with its answer shown). Prints the seconds from opening the page to the first
bytes of the app.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from browser import browser_missing, chromium, press, served, server_env, wait_for_app  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--width", type=int, default=390)
    parser.add_argument("--height", type=int, default=844)
    args = parser.parse_args()
    missing = browser_missing()
    if missing:
        sys.exit(f"cannot take the screenshots: {missing}")
    from selenium.webdriver.common.keys import Keys

    images = ROOT / "docs" / "images"
    images.mkdir(parents=True, exist_ok=True)
    with (
        tempfile.TemporaryDirectory() as tmp,
        served([], server_env(Path(tmp))) as (base, _),
        chromium(args.width, args.height) as driver,
    ):
        # A phone's viewport (the window size would include the window's own edges and
        # a desktop scroll bar): the page gets exactly width × height CSS pixels.
        driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": args.width, "height": args.height, "deviceScaleFactor": 1, "mobile": True},
        )
        began = time.perf_counter()
        driver.get(base + "/?fontsize=14")
        wait_for_app(driver)
        first_bytes = time.perf_counter() - began
        time.sleep(4)
        # the terminal's area in the page (xterm.js draws it on canvases)
        area = driver.execute_script(
            "const r = document.querySelector('.xterm-screen').getBoundingClientRect();"
            "return [Math.round(r.width), Math.round(r.height)];"
        )
        driver.save_screenshot(str(images / "serve-decks.png"))
        press(driver, Keys.ENTER, pause=2.5)
        press(driver, Keys.SPACE, pause=2.0)
        driver.save_screenshot(str(images / "serve-card.png"))
    print(f"first bytes of the app in the browser: {first_bytes:.2f} s")
    print(f"the app's terminal in the page: {area[0]}×{area[1]} CSS pixels")
    print(f"wrote {images / 'serve-decks.png'} and {images / 'serve-card.png'}")


if __name__ == "__main__":
    main()
