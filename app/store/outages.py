"""The store away and back, said once each in the log: "the store is not answering: …" when
a connection first fails, "the store answers again after 5.8 s" when one is made again;
never a traceback a request, never a statement's parameters (`hide_parameters`).

A web answer to the failure is the web's (a 503); this is the operator's side of it.
"""

import logging
import threading
import time

from sqlalchemy import event
from sqlalchemy.engine import Engine, ExceptionContext

from app.errors import STORE_LOGGER, said_by_driver

logger = logging.getLogger(STORE_LOGGER)


class Outages:
    """Whether the store is away, for one engine (a process's)."""

    def __init__(self) -> None:
        self._since: float | None = None
        self._lock = threading.Lock()

    @property
    def away(self) -> bool:
        return self._since is not None

    def failed(self, context: ExceptionContext) -> None:
        """A statement or a connection failed; a lost or refused connection begins an
        outage (other errors are the caller's)."""
        if not (context.is_disconnect or context.connection is None):
            return
        with self._lock:
            if self._since is None:
                self._since = time.monotonic()
                said = said_by_driver(context.original_exception)
                logger.warning("the store is not answering: %s", said)

    def connected(self, *_args: object) -> None:
        with self._lock:
            if self._since is not None:
                lasted = time.monotonic() - self._since
                self._since = None
                logger.warning("the store answers again after %.1f s", lasted)


def watch(engine: Engine) -> Outages:
    """Log `engine`'s outages, once as each begins and once as it ends."""
    outages = Outages()
    event.listen(engine, "handle_error", outages.failed)
    event.listen(engine, "connect", outages.connected)
    return outages
