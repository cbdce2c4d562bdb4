"""Download one feed or page for ingest, with hard limits on what the server may do.

The URLs come from feeds and from users, so the server at the other end may be
slow, broken or hostile. Every way it could hang or flood ingest is bounded: only
http(s), a timeout on connecting and on every read, a deadline for the whole
fetch, a bounded number of redirects (each hop checked again), and a size limit
enforced while the body streams in, not after. No retries: a failure is reported
at once, as a `FetchError` whose message is the human reason.
"""

import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx

WEB_SCHEMES = ("http", "https")
USER_AGENT = "newsarchive/0.1 (news archive ingest)"


class FetchError(Exception):
    """The URL could not be fetched within the limits; the message says why."""


def fetch(
    url: str,
    *,
    max_bytes: int,
    timeout: float = 10.0,
    max_redirects: int = 5,
    deadline: float | None = None,
) -> bytes:
    """The body of `url` (redirects followed), or `FetchError`.

    `timeout` bounds connecting and each read; `deadline` (default 3 × timeout)
    bounds the whole fetch, so a server that trickles bytes cannot hold it open
    (it ends within deadline + timeout at worst).
    """
    ends_at = time.monotonic() + (3 * timeout if deadline is None else deadline)
    target = _web_url(url)
    seen = {target}
    with _client() as client:
        for _ in range(max_redirects + 1):
            with _get(client, target, timeout=timeout, ends_at=ends_at) as response:
                if not response.is_redirect:
                    _check_status(response)
                    return _read_body(response, max_bytes=max_bytes, ends_at=ends_at)
                target = _next_hop(response)
            if target in seen:
                raise FetchError(f"redirect loop: {target} was already visited")
            seen.add(target)
    raise FetchError(f"more than {max_redirects} redirects, starting from {url}")


def _client() -> httpx.Client:
    # httpx parses a redirect's Location as it receives it, even when not following it,
    # and fails on some (javascript:alert(1)); the hook refuses them first, by scheme.
    return httpx.Client(
        headers={"User-Agent": USER_AGENT},
        follow_redirects=False,
        event_hooks={"response": [_check_redirect]},
    )


def _check_redirect(response: httpx.Response) -> None:
    if response.is_redirect:
        _next_hop(response)


def _web_url(url: str | httpx.URL) -> httpx.URL:
    """The URL parsed, refused unless it is http(s) with a host (no javascript:, file:, ftp:)."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError) as error:
        raise FetchError(f"not a valid URL: {str(url)[:200]!r} ({error})") from error
    if parsed.scheme not in WEB_SCHEMES:
        scheme = f"{parsed.scheme}:" if parsed.scheme else "no scheme"
        raise FetchError(f"refusing {scheme} URL {str(url)[:200]!r}: only http and https")
    if not parsed.host:
        raise FetchError(f"URL {str(url)[:200]!r} has no host")
    return parsed


@contextmanager
def _get(
    client: httpx.Client, url: httpx.URL, *, timeout: float, ends_at: float
) -> Iterator[httpx.Response]:
    """A streamed GET, each connect and read capped by what is left of the deadline."""
    limit = min(timeout, _time_left(ends_at, url))
    with _reasons(url), client.stream("GET", url, timeout=limit) as response:
        yield response


@contextmanager
def _reasons(url: httpx.URL) -> Iterator[None]:
    """httpx's exceptions, here or while the body streams, as `FetchError` with a reason."""
    try:
        yield
    except httpx.TimeoutException as error:
        raise FetchError(f"timed out fetching {url}") from error
    except (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError) as error:
        raise FetchError(f"could not fetch {url}: {error or type(error).__name__}") from error


def _next_hop(response: httpx.Response) -> httpx.URL:
    location = response.headers.get("location")
    if not location:
        raise FetchError(f"HTTP {response.status_code} redirect without a Location header")
    try:
        target = response.url.join(location)
    except (httpx.InvalidURL, ValueError) as error:
        raise FetchError(f"redirect to an invalid URL: {location[:200]!r}") from error
    return _web_url(target)


def _check_status(response: httpx.Response) -> None:
    if not response.is_success:
        phrase = f" {response.reason_phrase}" if response.reason_phrase else ""
        raise FetchError(f"HTTP {response.status_code}{phrase} from {response.url}")


def _read_body(response: httpx.Response, *, max_bytes: int, ends_at: float) -> bytes:
    """The body, refused as soon as it is over `max_bytes` (after decompression)."""
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise FetchError(_too_big(f"Content-Length says {int(declared):,} bytes", max_bytes))
    body = bytearray()
    for chunk in response.iter_bytes():
        body += chunk
        if len(body) > max_bytes:
            raise FetchError(_too_big(f"body passed {len(body):,} bytes", max_bytes))
        _time_left(ends_at, response.url)
    return bytes(body)


def _too_big(what: str, max_bytes: int) -> str:
    return f"response too large: {what}, over the limit of {max_bytes:,} bytes"


def _time_left(ends_at: float, url: httpx.URL) -> float:
    left = ends_at - time.monotonic()
    if left <= 0:
        raise FetchError(f"took too long: deadline passed while fetching {url}")
    return left
