"""A process that must not outlive another: the compactor and the follower beside a server,
a server's workers, the workers a bulk writer forks."""

import ctypes
import os
import signal
import sys
import threading
import time
import uuid

PR_SET_PDEATHSIG = 1  # prctl(2), Linux
WATCH_SECONDS = 0.25  # how often a watching process asks whether its parent is there
# Set by `serve` for every process of the node (its workers, follower and compactor inherit
# it): which server, and which start of it, they belong to ("<pid> <run>").
SERVER = "NEWSARCHIVE_SERVER"


def mark_server() -> None:
    """Make this process a server that the processes it starts belong to."""
    os.environ[SERVER] = f"{os.getpid()} {uuid.uuid4().hex}"


def server_pid() -> int:
    """The pid of the server this process belongs to: its parent's, outside a server."""
    return int(os.environ[SERVER].split()[0]) if SERVER in os.environ else os.getppid()


def server_run() -> str | None:
    """Which start of a server this process belongs to (None outside a server)."""
    return os.environ.get(SERVER)


def die_with(parent: int) -> None:
    """In a forked child (Linux): ask the kernel for SIGKILL when `parent` dies."""
    if not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0 or os.getppid() != parent:
        os._exit(1)  # the parent is already gone (or cannot be followed): go with it


def end_with(parent: int) -> None:
    """From now on, end this process as soon as `parent`, its parent, is gone (however it
    ended), at once if it is gone already: a thread notices within `WATCH_SECONDS` that the
    process was handed to another parent. (The kernel's parent-death signal follows the
    thread that made the process, which a server's supervisor does not promise to keep.)"""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(WATCH_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()
