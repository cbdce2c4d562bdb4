"""What every response gets on its way out: security headers, and redirects that stay here.

The pages need no inline script or style (the timeline is SVG with presentation
attributes, the CSS is /static/style.css), so a strict Content-Security-Policy costs
them nothing and turns any escaping slip into a blocked script instead of an attack.

Redirects are made site-relative: Starlette builds its trailing-slash redirects from
the request's Host header, which a client controls, so `Host: evil.example` would
otherwise send a reader off-site. A Location that starts `//` or `/\\` is off-site to a
browser too, and is collapsed to one slash.
"""

import re
from urllib.parse import urlsplit, urlunsplit

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
SECURITY_HEADERS = {  # every response's, /docs included (see docs.py)
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}
_URL_IGNORED = re.compile(r"[\t\n\r]")  # browsers drop these from a URL before reading it
_LEADING_SLASHES = re.compile(r"^[/\\]+")


def site_relative(location: str) -> str:
    """`location` as a path on this site: its host dropped, its path starting with one `/`."""
    parts = urlsplit(_URL_IGNORED.sub("", location))
    path = _LEADING_SLASHES.sub("/", parts.path) or "/"
    return urlunsplit(("", "", path, parts.query, parts.fragment))


class SecureResponses:
    """Adds `SECURITY_HEADERS` to every HTTP response and makes its Location site-relative."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers[name] = value
                if "location" in headers:
                    headers["Location"] = site_relative(headers["location"])
            await send(message)

        await self.app(scope, receive, secured)
