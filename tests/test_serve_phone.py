"""`flashcards serve` on a phone: the page is laid out at the phone's width, so the study app
gets about 45 columns of readable text instead of a desktop page shrunk to fit."""

from __future__ import annotations

import urllib.request

import pytest
from browser import browser_missing, chromium, served, server_env, wait_for_app

VIEWPORT = '<meta name="viewport" content="width=device-width, initial-scale=1">'


def _needs_serve() -> None:
    try:
        import textual_serve  # noqa: F401
    except ImportError:
        pytest.skip("textual-serve is not installed (pip install -e '.[test]')")


def test_the_app_page_asks_for_the_devices_width(tmp_path):
    _needs_serve()
    with served([], server_env(tmp_path)) as (base, _), urllib.request.urlopen(base + "/") as page:
        head = page.read().decode().split("</head>")[0]
    assert VIEWPORT in head


@pytest.mark.browser
def test_on_a_phone_the_page_is_as_wide_as_the_phone(tmp_path):
    _needs_serve()
    missing = browser_missing()
    if missing:
        pytest.skip(missing)
    with served([], server_env(tmp_path)) as (base, _), chromium(390, 844) as driver:
        # a phone's viewport, as DevTools' device mode gives it
        driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": 390, "height": 844, "deviceScaleFactor": 3, "mobile": True},
        )
        driver.get(base + "/?fontsize=14")
        wait_for_app(driver)
        # without the viewport tag a phone lays the page out 980 pixels wide and shrinks it
        assert driver.execute_script("return window.innerWidth") == 390
