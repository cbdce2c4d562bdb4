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
# FastAPI's /docs and /redoc pages load Swagger UI and ReDoc from a CDN and start them with
# an inline script, which the policy above forbids; they keep only the framing rules.
DOCS_POLICY = "frame-ancestors 'none'; base-uri 'none'"
DOCS_PATHS = frozenset({"/docs", "/docs/oauth2-redirect", "/redoc"})
HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}
_URL_IGNORED = re.compile(r"[\t\n\r]")  # browsers drop these from a URL before reading it
_LEADING_SLASHES = re.compile(r"^[/\\]+")


def security_headers(path: str) -> dict[str, str]:
    """The headers a response to `path` carries."""
    policy = DOCS_POLICY if path in DOCS_PATHS else CONTENT_SECURITY_POLICY
    return {"Content-Security-Policy": policy, **HEADERS}


def site_relative(location: str) -> str:
    """`location` as a path on this site: its host dropped, its path starting with one `/`."""
    parts = urlsplit(_URL_IGNORED.sub("", location))
    path = _LEADING_SLASHES.sub("/", parts.path) or "/"
    return urlunsplit(("", "", path, parts.query, parts.fragment))


class SecureResponses:
    """Adds `security_headers` to every HTTP response and makes its Location site-relative."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        path = scope.get("path", "")

        async def secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in security_headers(path).items():
                    headers[name] = value
                if "location" in headers:
                    headers["Location"] = site_relative(headers["location"])
            await send(message)

        await self.app(scope, receive, secured)
