"""`flashcards serve`: the study app in a browser, through textual-serve.

Each browser that connects gets its own study app process (textual-serve runs the command
once per connection), on the same collection: the store's transactions keep concurrent
windows apart as they do for two terminals.

On any address but the machine's own (loopback), a password is required. It comes from the
settings file or the environment, never from the command line (where other users of the
machine could read it). A browser proves it once on a login page and gets a random session
cookie; without one, no page, no websocket and no static file is served. The traffic is
plain HTTP: anyone on the network path can read it, which the start message says.
"""

from __future__ import annotations

import asyncio
import hmac
import ipaddress
import secrets
import shlex
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from flashcards.errors import FlashcardsError

if TYPE_CHECKING:  # pragma: no cover
    from aiohttp import web

#: The environment variable that may hold the password.
PASSWORD_ENV = "FLASHCARDS_SERVE_PASSWORD"
COOKIE = "flashcards_session"
#: Seconds a wrong password waits before its answer, to slow guessing down.
WRONG_PASSWORD_DELAY = 1.0

#: Lays the app's page out at the device's width (a phone's, not a desktop page's).
VIEWPORT_TAG = '<meta name="viewport" content="width=device-width, initial-scale=1">'

LOGIN_PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>flashcards</title>
<style>
body {{ background: #0c181f; color: #eee; font-family: monospace; display: flex;
  justify-content: center; align-items: center; height: 100vh; margin: 0; }}
form {{ background: #12232d; padding: 2em; border-radius: 6px; }}
input {{ font: inherit; padding: .4em; margin: .5em 0; width: 100%; box-sizing: border-box; }}
.error {{ color: #ff8080; }}
</style></head>
<body><form method="post" action="/login">
<h1>flashcards</h1>
<p>{message}</p>
<label>Password<br><input type="password" name="password" autofocus></label><br>
<input type="submit" value="Study">
</form></body></html>
"""


def is_loopback(host: str) -> bool:
    """True for an address only this machine reaches (127.0.0.0/8, ::1, localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_binding(host: str, password: str | None) -> None:
    """Refuse to serve a non-loopback address without a password."""
    if not is_loopback(host) and not password:
        raise FlashcardsError(
            f"serving on {host} needs a password: set {PASSWORD_ENV} or `serve_password` "
            "in the settings file (never on the command line); without one, serve on "
            "127.0.0.1 only"
        )


def start_message(host: str, port: int, password: bool) -> str:
    """What `flashcards serve` says when it starts."""
    shown = f"[{host}]" if ":" in host else host
    lines = [f"Serving the study app on http://{shown}:{port}/"]
    if is_loopback(host):
        lines.append("Only this machine can reach it (a loopback address).")
    else:
        lines.append(
            "Other machines on the network can reach it"
            + (" with the password." if password else ".")
        )
    lines.append(
        "The traffic is not encrypted (plain HTTP): to study over a network you do not "
        "trust, put a TLS proxy in front of it."
    )
    lines.append("Press Ctrl+C to stop.")
    return "\n".join(lines)


def study_command(argv: Sequence[str]) -> str:
    """The shell command textual-serve runs for each browser: this Python's study app."""
    import sys

    return shlex.join([sys.executable, "-m", "flashcards", "study", *argv])


def make_server(command: str, host: str, port: int, password: str | None) -> Any:
    """A textual-serve `Server` for `command`, behind the password when there is one."""
    try:
        import aiohttp_jinja2
        from aiohttp import web
        from textual_serve.server import Server
    except ImportError:
        raise FlashcardsError(
            "serving needs textual-serve: pip install 'flashcards[serve]'"
        ) from None

    sessions: set[str] = set()

    class StudyServer(Server):
        async def _make_app(self) -> web.Application:
            app = await super()._make_app()
            if password:
                app.middlewares.append(guard)
                app.router.add_get("/login", login_page)
                app.router.add_post("/login", login)
            return app

        async def handle_index(self, request: web.Request) -> web.Response:
            # The page's own address, as the browser reached it (a phone uses the machine's
            # network address, not the one bound), so its websocket goes back to the same.
            forwarded = request.headers.get("X-Forwarded-Proto", request.scheme)
            secure = forwarded == "https"
            base = f"{'https' if secure else 'http'}://{request.host}"
            font_size = _int(request.query.get("fontsize", "16"), 16)
            context = {
                "font_size": font_size,
                "app_websocket_url": f"{'wss' if secure else 'ws'}://{request.host}/ws",
                "config": {"static": {"url": f"{base}/static/"}},
                "application": {"name": self.title},
            }
            page = aiohttp_jinja2.render_template("app_index.html", request, context)
            # textual-serve's page has no viewport tag, so a phone would lay it out as a
            # desktop page (980 pixels) and shrink it: with the tag the app gets the
            # phone's own width, about 45 columns of readable text.
            page.text = page.text.replace("<head>", "<head>\n    " + VIEWPORT_TAG, 1)
            return page

        async def on_startup(self, app: web.Application) -> None:
            self.console.print(start_message(host, port, bool(password)), highlight=False)

    def signed_in(request: web.Request) -> bool:
        token = request.cookies.get(COOKIE, "")
        return any(hmac.compare_digest(token, known) for known in sessions)

    @web.middleware
    async def guard(request: web.Request, handler: Any) -> web.StreamResponse:
        if request.path == "/login" or signed_in(request):
            return await handler(request)
        if request.path == "/" and request.method == "GET":
            raise web.HTTPFound("/login")
        raise web.HTTPUnauthorized(text="sign in first\n")

    async def login_page(request: web.Request) -> web.Response:
        return _page("Type the password to study.")

    async def login(request: web.Request) -> web.Response:
        form = await request.post()
        typed = str(form.get("password", ""))
        assert password is not None
        if not hmac.compare_digest(typed.encode(), password.encode()):
            await asyncio.sleep(WRONG_PASSWORD_DELAY)
            return _page('<span class="error">Wrong password.</span>', status=403)
        token = secrets.token_urlsafe(32)
        sessions.add(token)
        response = web.HTTPFound("/")
        response.set_cookie(COOKIE, token, httponly=True, samesite="Strict")
        raise response

    def _page(message: str, status: int = 200) -> web.Response:
        return web.Response(
            text=LOGIN_PAGE.format(message=message), content_type="text/html", status=status
        )

    return StudyServer(command, host=host, port=port, title="flashcards")


def _int(value: str, default: int) -> int:
    try:
        return int(value)
    except ValueError:
        return default
