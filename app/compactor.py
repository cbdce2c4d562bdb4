"""A server's index kept in few segments: `newsarchive compact` run beside it, again and again.

Bulk ingest leaves many large segments, and a search reads its words in each (see
`app/search/engine/compacting.py`). While `serve` runs, a thread starts the `compact`
command every `compact_seconds`, at low priority; it exits at once when no merge is
due. A process, not a thread that merges: a merge is minutes of Python, which would
hold the interpreter lock of the process answering requests. The process dies with
the server (Linux).
"""

import os
import subprocess
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

COMMAND = (sys.executable, "-m", "app", "compact")


@contextmanager
def compacting_beside(seconds: float, command: Sequence[str] = COMMAND) -> Iterator[None]:
    """Run `command` every `seconds` (0: never) while the block runs; stop it on the way out."""
    if not seconds:
        yield
        return
    stop = threading.Event()
    current: list[subprocess.Popen[bytes]] = []

    def run() -> None:
        while not stop.is_set():
            beside = ["--beside", str(os.getpid())]  # low priority, and dies with us
            child = subprocess.Popen([*command, *beside], stdout=subprocess.DEVNULL)
            current[:] = [child]
            child.wait()
            stop.wait(seconds)

    thread = threading.Thread(target=run, name="compactor", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        for child in current:
            child.terminate()
        thread.join(timeout=10)
