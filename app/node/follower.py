"""A node's follower: its index kept up with the changes every process and node makes to
the store, by looking every `follow_seconds` (`Archive.catch_up`).

Looking costs one query when nothing changed. A change made on this node was applied
by its writer already; the follower applies the others'. A failure is logged and tried
again at the next look: a store that cannot be reached, or an index that cannot be
read, which is opened again (an unreadable one anew, empty) and then filled from the
store while the node's workers go on answering from what they have open.
"""

import logging
import threading
import traceback
import warnings

from sqlalchemy.exc import SQLAlchemyError

from app.archive import Archive

logger = logging.getLogger(__name__)


def follow(archive: Archive, seconds: float, stop: threading.Event) -> None:
    """Catch up now and then every `seconds`, until `stop` is set."""
    while True:
        if not _caught_up(archive):
            archive.reopen_index()
        if stop.wait(seconds):
            return


def _caught_up(archive: Archive) -> bool:
    """One catch-up; False if the index failed (the store failing is only waited out)."""
    with warnings.catch_warnings():  # Whoosh leaves a damaged file open when it fails on it
        warnings.simplefilter("ignore", ResourceWarning)
        try:
            applied = archive.catch_up()
        except SQLAlchemyError as error:
            logger.warning("the store cannot be read (%s); trying again", error)
        except Exception:  # noqa: BLE001 - whatever broke in the index, reopening mends it
            # as text: a record holding the traceback would hold the broken index's files
            failure = traceback.format_exc()
            logger.error("applying changes to the index failed; opening it again\n%s", failure)
            return False
        else:
            if applied:
                logger.info("applied %d changes", applied)
    return True
