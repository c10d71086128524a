"""`flashcards serve`: the study app in a browser, its password, and what it says on start."""

from __future__ import annotations

import http.cookiejar
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from browser import browser_missing, chromium, press, served, server_env, wait_for_app

from flashcards.errors import FlashcardsError
from flashcards.serving import check_binding, is_loopback, start_message

DECK = """---
name: Served
---

# Cards

Q: Served question one?
A: one

Q: Served question two?
A: two

## Derivative of x squared

What is the derivative of $x^2$?

```answer
expected: 2*x
```
"""


def test_only_loopback_addresses_serve_without_a_password():
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.20")
    check_binding("127.0.0.1", None)
    check_binding("0.0.0.0", "secret")
    with pytest.raises(FlashcardsError, match="needs a password.*FLASHCARDS_SERVE_PASSWORD"):
        check_binding("0.0.0.0", None)


def test_the_start_message_says_where_and_that_it_is_not_encrypted():
    text = start_message("0.0.0.0", 8000, password=True)
    assert "http://0.0.0.0:8000/" in text
    assert "not encrypted" in text and "TLS proxy" in text
    assert "Only this machine" in start_message("127.0.0.1", 8000, password=False)


def test_a_public_address_without_a_password_is_refused_before_serving(tmp_path):
    from flashcards.cli import main

    assert main(["serve", "--host", "0.0.0.0", "--data-dir", str(tmp_path)]) == 1


def test_the_password_cannot_be_given_on_the_command_line(capsys):
    from flashcards.cli import main

    with pytest.raises(SystemExit):
        main(["serve", "--password", "x"])
    assert "unrecognized arguments" in capsys.readouterr().err


def _needs_serve() -> None:
    try:
        import textual_serve  # noqa: F401
    except ImportError:
        pytest.skip("textual-serve is not installed (pip install -e '.[test]')")


def test_a_wrong_password_gets_nothing_and_the_right_one_a_session(tmp_path):
    _needs_serve()
    with served([], server_env(tmp_path, password="s3cret pass")) as (base, _):
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
        # nothing without signing in: not the page, not the websocket, not a static file
        for path in ("/ws", "/static/js/textual.js"):
            with pytest.raises(urllib.error.HTTPError) as refused:
                opener.open(base + path)
            assert refused.value.code == 401
            refused.value.close()
        with opener.open(base + "/") as page:
            assert page.url.endswith("/login") and b"password" in page.read()
        began = time.monotonic()
        with pytest.raises(urllib.error.HTTPError) as wrong:
            opener.open(base + "/login", urllib.parse.urlencode({"password": "guess"}).encode())
        assert wrong.value.code == 403 and time.monotonic() - began >= 0.9
        wrong.value.close()
        with pytest.raises(urllib.error.HTTPError) as still:
            opener.open(base + "/static/js/textual.js")
        still.value.close()
        jar = http.cookiejar.CookieJar()
        signed = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        with signed.open(
            base + "/login", urllib.parse.urlencode({"password": "s3cret pass"}).encode()
        ) as page:
            assert page.status == 200 and b"textual.js" in page.read()
        with signed.open(base + "/static/js/textual.js") as script:
            assert script.status == 200
        assert [c.name for c in jar] == ["flashcards_session"]


def test_the_page_points_its_websocket_at_the_address_the_browser_used(tmp_path):
    _needs_serve()
    with served([], server_env(tmp_path)) as (base, _):
        request = urllib.request.Request(base + "/", headers={"Host": "192.168.1.20:8000"})
        with urllib.request.urlopen(request) as response:
            page = response.read().decode()
        assert "ws://192.168.1.20:8000/ws" in page
        assert "0.0.0.0" not in page and "127.0.0.1" not in page


@pytest.mark.browser
def test_three_cards_studied_in_chromium_reach_the_store(tmp_path):
    """A math card among them: the answer is typed and checked in the browser."""
    missing = browser_missing()
    if missing:
        pytest.skip(missing)
    from selenium.webdriver.common.keys import Keys

    from flashcards.config import load_settings
    from flashcards.store import Store

    deck = tmp_path / "decks" / "served.md"
    deck.parent.mkdir()
    deck.write_text(DECK)
    env = server_env(tmp_path)
    with served([str(deck.parent)], env) as (base, _), chromium(1000, 700) as driver:
        driver.get(base + "/")
        wait_for_app(driver)
        time.sleep(3)  # the deck list
        press(driver, Keys.ENTER, pause=1.5)  # study all decks
        press(driver, Keys.SPACE, "5", Keys.SPACE, "5", pause=1.0)
        press(driver, "2", "*", "x", pause=0.2)
        press(driver, Keys.ENTER, pause=4.0)  # check the typed answer (sympy)
        press(driver, Keys.ENTER, pause=1.0)  # accept the offered grade (4)
        settings = load_settings(data_dir=tmp_path / "data")
        deadline = time.monotonic() + 30
        while True:
            with Store.open(settings) as store:
                log = store.review_log(include_undone=False)
            if len(log) >= 3 or time.monotonic() > deadline:
                break
            time.sleep(0.5)
    assert [e.grade for e in log] == [5, 5, 4]
    assert log[2].typed == "2*x" and log[2].verdict is not None


def test_serve_docs_name_the_screenshots():
    study = (Path(__file__).parents[1] / "docs" / "study.md").read_text()
    for name in ("serve-decks.png", "serve-card.png"):
        assert name in study
        assert (Path(__file__).parents[1] / "docs" / "images" / name).exists()
