"""Every error the archive raises on purpose, typed, in one place.

Code anywhere raises these; the web layer turns each into one response shape
(`app/web/handlers.py`), so that no route or query function builds an HTTP
answer for a failure itself.
"""

from sqlalchemy.exc import InterfaceError, OperationalError


class ParseError(ValueError):
    """The input is not an article; the message says why, in words a person can act on."""


class Refused(Exception):
    """A request the archive will not serve: `status` is the HTTP status, `detail` the reason
    for a program (the JSON's), `for_reader` the same for a person on a page (what is wrong
    and what to do, in a reader's words; the detail when there are none)."""

    status = 400

    def __init__(
        self, detail: object, headers: dict[str, str] | None = None, *, for_reader: str = ""
    ) -> None:
        super().__init__(str(detail))
        self.detail = detail
        self.headers = headers or {}
        self.for_reader = for_reader or str(detail)


class QueryError(Refused):
    """A parameter a client sent cannot be served; says which and why: `detail` to a
    program (it names the parameter), `for_reader` to a person on a page."""

    def __init__(self, parameter: str, reason: str, *, for_reader: str = "") -> None:
        reader = for_reader or f"This search cannot be run: {reason}."
        super().__init__(f"{parameter}: {reason}", for_reader=reader)
        self.parameter = parameter


class NotFound(Refused):
    """The thing asked for is not in the archive."""

    status = 404


class Moved(LookupError):
    """The id asked for (`alias`) is a duplicate's: the article is stored under `article_id`."""

    def __init__(self, alias: str, article_id: str) -> None:
        super().__init__(f"{alias} is stored as {article_id}")
        self.alias = alias
        self.article_id = article_id


class InvalidQuery(ValueError):
    """The query text cannot be searched (the engine's words); the message says why."""


class SearchTimeout(Exception):
    """A search ran out of its time."""


class Unauthorized(Refused):
    """The request needs a valid bearer token."""

    status = 401

    def __init__(self, detail: object) -> None:
        super().__init__(detail, {"WWW-Authenticate": "Bearer"})


class Forbidden(Refused):
    """Nobody may do this on this server."""

    status = 403


class Unprocessable(Refused):
    """Nothing in the request could be used; `detail` lists each reason."""

    status = 422


class SchemaBehind(RuntimeError):
    """The store was made for an older release: `newsarchive migrate` brings it up to date."""

    def __init__(self, revision: str, head: str) -> None:
        super().__init__(
            f"the store's schema is at revision {revision}, and this release needs {head}: "
            "run `newsarchive migrate` (back up the database first)"
        )


def said_by_driver(error: BaseException) -> str:
    """The first line of what a database driver said ("connection refused"), without the
    statement or anything after it."""
    said = str(getattr(error, "orig", None) or error).strip().splitlines()
    return said[0][:300] if said else type(error).__name__


# What a database that does not answer raises: a lost or refused connection, a timeout,
# SQLite's lock held too long. Any other database error is a fault of ours.
STORE_AWAY = (OperationalError, InterfaceError)
STORE_LOGGER = "newsarchive.store"  # where the store's outages are said, once each way
