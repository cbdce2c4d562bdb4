"""What a server runs beside itself, each in a process of its own: the compactor and the
follower.

The compactor (`newsarchive compact`) merges the index's large segments, which bulk
ingest leaves (see `app/engine/compacting.py`); it is started every
`compact_seconds` and exits at once when no merge is due. The follower (`newsarchive
follow`) applies to this node's index the changes other processes and nodes make to the
store; it runs until the server stops, and is started again if it fails. Processes, not
threads: a merge or a large catch-up is minutes of Python, which would hold the
interpreter lock of the process answering requests. Both die with the server (Linux).
"""

import os
import subprocess
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

COMPACT = (sys.executable, "-m", "app", "compact")
FOLLOW = (sys.executable, "-m", "app", "follow")
RESTART_SECONDS = 1.0  # before a follower that exited is started again
# Before the first run: the server's workers start meanwhile. uvicorn takes a worker that
# does not answer its ping within 5 s for hung and replaces it; on a loaded two-core
# machine, two more Python processes starting beside them made a worker miss it.
START_SECONDS = 3.0


@contextmanager
def running_beside(
    command: Sequence[str], every: float, name: str, *, first_after: float = START_SECONDS
) -> Iterator[None]:
    """Run `command` again and again while the block runs: `first_after` seconds from now,
    then `every` seconds after each run ends (0: never), in a thread called `name`; stop
    it on the way out."""
    if not every:
        yield
        return
    stop = threading.Event()
    current: list[subprocess.Popen[bytes]] = []

    def run() -> None:
        stop.wait(first_after)
        while not stop.is_set():
            beside = ["--beside", str(os.getpid())]  # dies with us
            child = subprocess.Popen([*command, *beside], stdout=subprocess.DEVNULL)
            current[:] = [child]
            child.wait()
            stop.wait(every)

    thread = threading.Thread(target=run, name=name, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        for child in current:
            child.terminate()
        thread.join(timeout=10)
