"""Which of the store's numbered changes an index reflects: the last one's number, in a file
beside the index, and the lock under which an index applies changes.

The number is written after the commit that applied the change, never before, so that
a crash between the two leaves it behind the index (the change is applied again, which
changes nothing), never ahead. A new index has no number: it must be filled first.
"""

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

NUMBER_FILE = "APPLIED"
LOCK_FILE = "APPLYING.lock"
POLL_SECONDS = 0.01


class ApplyingTimeout(TimeoutError):
    """Another process has been applying changes to the index for longer than allowed."""


def read(path: Path) -> int | None:
    """The number of the last change the index in `path` applied; None if it never did."""
    try:
        return int((path / NUMBER_FILE).read_text())
    except (FileNotFoundError, ValueError):  # a new index, or a torn file of a crashed writer
        return None


def write(path: Path, seq: int) -> None:
    """Record `seq` as applied, atomically (a reader sees the old number or the new)."""
    staged = path / f"{NUMBER_FILE}.{os.getpid()}"
    staged.write_text(f"{seq}\n")
    staged.replace(path / NUMBER_FILE)


def forget(path: Path) -> None:
    (path / NUMBER_FILE).unlink(missing_ok=True)


@contextmanager
def exclusive(path: Path, timeout: float) -> Iterator[None]:
    """Hold the index's applying lock, which one thread of one process holds at a time.

    A file lock (flock): the kernel drops it when its holder dies, whatever the signal.
    """
    with (path / LOCK_FILE).open("a") as handle:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise ApplyingTimeout(
                        f"another process has been applying changes to the index in {path} "
                        f"for over {timeout:.0f} s"
                    ) from None
                time.sleep(POLL_SECONDS)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)  # forked children share the descriptor
